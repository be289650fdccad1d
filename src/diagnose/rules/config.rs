//! Configuration read from the Deployment: startup validation replayed on the effective flags
//! (F12), flags that do not do what they seem (F38, F21), legacy kubelet ports (F22), the
//! namespace/RBAC layout (F39) and managed installs whose edits revert (F40).

use super::scrape::legacy_flags;
use crate::diagnose::context::{Ctx, pod_is_ready};
use crate::diagnose::finding::Finding;
use crate::flags::FlagProblem;
use crate::vocab::FixId;
use crate::vocab::{RuleId, Severity};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let problems = ctx.flags.as_ref().map(|f| f.validate()).unwrap_or_default();
    out.extend(f12_would_not_start(ctx, &problems));
    out.extend(not_effective(&problems, RuleId::MisleadingFlag));
    out.extend(not_effective(&problems, RuleId::NoMatchingAddressType));
    out.extend(f22_legacy_port(ctx));
    out.extend(f39_layout(ctx));
}

/// The fix that rewrites `flag`, if mstui has one.
fn fix_for(flag: &str) -> Option<FixId> {
    match flag {
        "--metric-resolution" | "--kubelet-request-timeout" => Some(FixId::MetricResolution),
        "--kubelet-preferred-address-types" => Some(FixId::PreferredAddressTypes),
        "--kubelet-port" | "--deprecated-kubelet-completely-insecure" => {
            Some(FixId::DropLegacyPortFlags)
        }
        "--kubelet-insecure-tls" => Some(FixId::DropKubeletInsecureTls),
        _ => None,
    }
}

fn fixes_for(problems: &[&FlagProblem]) -> Vec<FixId> {
    let mut fixes: Vec<FixId> = problems.iter().filter_map(|p| fix_for(&p.flag)).collect();
    // `cannot use both --kubelet-certificate-authority and --kubelet-insecure-tls`: dropping
    // the insecure flag keeps verification, the safer of the two.
    if problems
        .iter()
        .any(|p| p.message.contains("and --kubelet-insecure-tls"))
    {
        fixes.push(FixId::DropKubeletInsecureTls);
    }
    fixes.sort();
    fixes.dedup();
    fixes
}

/// Startup validation errors matter while no pod runs: the binary accepted the flags of a Ready
/// pod, so then they would be false alarms (e.g. an unknown version guessed as current).
fn f12_would_not_start(ctx: &Ctx, problems: &[FlagProblem]) -> Option<Finding> {
    let errors: Vec<&FlagProblem> = problems
        .iter()
        .filter(|p| p.rule == RuleId::StartupExit && p.is_error())
        .collect();
    if errors.is_empty() || ctx.live_pods().any(pod_is_ready) {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::StartupExit);
    for p in &errors {
        f = f.with_evidence(format!("flag {}: {}", p.flag, p.message));
    }
    Some(f.with_fixes(&fixes_for(&errors)))
}

/// F38/F21 from the flags: always worth knowing, even on a working install.
fn not_effective(problems: &[FlagProblem], rule: RuleId) -> Option<Finding> {
    let hits: Vec<&FlagProblem> = problems.iter().filter(|p| p.rule == rule).collect();
    let severity = hits.iter().map(|p| p.severity).max()?;
    let mut f = Finding::from_catalog(rule).with_severity(severity);
    for p in &hits {
        f = f.with_evidence(format!("flag {}: {}", p.flag, p.message));
    }
    Some(f.with_fixes(&fixes_for(&hits)))
}

/// F22 from the flags alone: the port is wrong before any scrape tries it. While every node
/// still has metrics (the node-status port wins over `--kubelet-port`), it is only a warning.
fn f22_legacy_port(ctx: &Ctx) -> Option<Finding> {
    let lines = legacy_flags(ctx);
    if lines.is_empty() {
        return None;
    }
    let severity = if ctx.metrics_complete() {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut f = Finding::from_catalog(RuleId::LegacyKubeletPort).with_severity(severity);
    for line in lines {
        f = f.with_evidence(line);
    }
    if ctx
        .flags
        .as_ref()
        .is_some_and(|fl| fl.bool("kubelet-use-node-status-port"))
    {
        f = f.with_evidence(
            "--kubelet-use-node-status-port is also set and takes precedence over --kubelet-port",
        );
    }
    Some(f)
}

/// F39: installed outside kube-system, and the log shows the auth-reader binding missing
/// (it must live in kube-system whatever the install namespace).
fn f39_layout(ctx: &Ctx) -> Option<Finding> {
    let install = ctx.snap.install.as_ref()?;
    if install.namespace == "kube-system" {
        return None;
    }
    let hint = ctx.logs.lines.iter().chain(&ctx.logs.previous).find(|l| {
        l.excerpt.contains("extension-apiserver-authentication") && l.excerpt.contains("forbidden")
    })?;
    Some(
        Finding::from_catalog(RuleId::PermissionMissing)
            .with_severity(Severity::Error)
            .with_evidence(format!(
                "metrics-server runs in namespace {}; its RoleBinding to \
                 extension-apiserver-authentication-reader must be in kube-system",
                install.namespace
            ))
            .with_evidence(hint.excerpt.clone()),
    )
}

/// F40, said only when some finding proposes an edit: on a working managed install it is noise.
pub(super) fn managed(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(install) = &ctx.snap.install else {
        return;
    };
    let proposes_edit = out
        .iter()
        .any(|f| f.severity >= Severity::Warning && f.fixes.iter().any(|x| x.edits_args()));
    if !install.kind.reverts_edits() || !proposes_edit {
        return;
    }
    let mut f = Finding::from_catalog(RuleId::ManagedAddon).with_evidence(format!(
        "Deployment {}/{} is {}",
        install.namespace,
        install.deployment,
        install.kind.label()
    ));
    if install.flags_in_command {
        f = f.with_evidence("its flags are in the container command (kube-up/GKE layout)");
    }
    out.push(f);
}
