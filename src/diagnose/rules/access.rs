//! Data mstui could not read. A rule that needed it must not claim health, so each failed call
//! that matters becomes a finding naming the call and the runbook step it blocks.
//!
//! Rule ID choice: F39 ("a permission is missing"). The catalog has no entry for the operator's
//! own permissions; F39 is the permission entry, and a specific title per call keeps these apart
//! from metrics-server's own RBAC problems. Severity is Info while everything visible looks
//! healthy (the missing data could only add detail) and Warning otherwise (the cause may be in
//! the data we could not read).

use super::scrape::pending_csrs;
use crate::diagnose::context::{Ctx, pod_is_ready};
use crate::diagnose::finding::Finding;
use crate::snapshot::CallFailure;
use crate::vocab::{FixId, Prose, RuleId, Severity, Step};

/// Calls whose failure hides a check: `(verb, resource, step, what could not be checked)`.
const CALLS: &[(&str, &str, Step, &str)] = &[
    (
        "get",
        "apiservices",
        Step::Connectivity,
        "the APIService registration (F01–F09)",
    ),
    (
        "get",
        "services",
        Step::Connectivity,
        "the metrics-server Service (F03–F05)",
    ),
    (
        "list",
        "endpointslices",
        Step::Connectivity,
        "the Service endpoints (F05)",
    ),
    (
        "list",
        "deployments",
        Step::Logs,
        "where metrics-server is installed and its flags",
    ),
    ("list", "replicasets", Step::Logs, "the rollout history"),
    (
        "list",
        "pods",
        Step::Logs,
        "the metrics-server pods (F10–F14)",
    ),
    (
        "list",
        "events",
        Step::Logs,
        "the probe and scheduling events",
    ),
    (
        "get",
        "pods/log",
        Step::Logs,
        "the metrics-server log, where scrape errors show (F12–F27)",
    ),
    (
        "list",
        "nodes",
        Step::Connectivity,
        "the nodes and their addresses (F19–F21, F28)",
    ),
    (
        "list",
        "certificatesigningrequests",
        Step::Tls,
        "the kubelet serving certificates (F15–F18)",
    ),
    (
        "list",
        "horizontalpodautoscalers",
        Step::RestartVerify,
        "the HPAs (F33–F37)",
    ),
];

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let severity = if looks_healthy(ctx) {
        Severity::Info
    } else {
        Severity::Warning
    };
    for (verb, resource, step, what) in CALLS {
        let failures: Vec<&CallFailure> = ctx
            .snap
            .failures
            .iter()
            .filter(|f| f.verb == *verb && f.resource == *resource)
            .collect();
        if failures.is_empty() {
            continue;
        }
        if let Some(f) = kubelet_without_certificate(ctx, &failures) {
            out.push(f);
            continue;
        }
        // The cluster code retries Deployments in one namespace; when that found the install,
        // only the search for competing installs in other namespaces is missing.
        let (severity, what) = if *resource == "deployments" && ctx.snap.install.is_some() {
            (
                Severity::Info,
                "other namespaces for competing installs (F02)",
            )
        } else {
            (severity, *what)
        };
        let mut f = Finding::from_catalog(RuleId::PermissionMissing)
            .with_step(*step)
            .with_severity(severity)
            .with_title(title(verb, resource, &failures))
            .with_evidence(format!("cannot check {what}"));
        for failure in failures {
            f = f.with_evidence(failure.describe());
        }
        out.push(f);
    }
    out.extend(metrics_api(ctx, severity));
}

/// A log read the kubelet answers with `remote error: tls: internal error` is not a permission
/// problem: the kubelet has no serving certificate yet (its CSR is not approved), F18.
fn kubelet_without_certificate(ctx: &Ctx, failures: &[&CallFailure]) -> Option<Finding> {
    let no_certificate = failures
        .iter()
        .all(|f| crate::logs::classify(&f.message).rule == Some(RuleId::KubeletCsrPending));
    if !no_certificate {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::KubeletCsrPending).with_evidence(
        "mstui cannot read the metrics-server log: the kubelet answered with a TLS error \
         because it has no serving certificate",
    );
    for failure in failures {
        f = f.with_evidence(failure.describe());
    }
    let pending = pending_csrs(ctx);
    let fixes: &[FixId] = if pending.is_empty() {
        &[]
    } else {
        &[FixId::ApproveKubeletCsrs]
    };
    for (name, node) in &pending {
        f = f.with_evidence(format!("CSR {name} for node {node} is pending"));
    }
    Some(f.with_fixes(fixes))
}

fn title(verb: &str, resource: &str, failures: &[&CallFailure]) -> Prose {
    if failures.iter().all(|f| f.is_forbidden()) {
        denied_title(verb, resource)
    } else {
        Prose::new(
            format!("mstui cannot {verb} {resource} (call failed)"),
            format!("mstui의 {verb} {resource} 호출이 실패함"),
        )
    }
}

fn denied_title(verb: &str, resource: &str) -> Prose {
    Prose::new(
        format!("mstui cannot {verb} {resource} (permission missing)"),
        format!("mstui에 {verb} {resource} 권한이 없음"),
    )
}

/// The Metrics API refusing *us* (401/403) is a permission gap; a 503 is the symptom itself.
fn metrics_api(ctx: &Ctx, severity: Severity) -> Option<Finding> {
    let failure = ctx.snap.metrics_api_error.as_ref()?;
    if !matches!(failure.code, Some(401 | 403)) {
        return None;
    }
    Some(
        Finding::from_catalog(RuleId::PermissionMissing)
            .with_step(Step::RestartVerify)
            .with_severity(severity)
            .with_title(denied_title(&failure.verb, &failure.resource))
            .with_evidence("cannot check which nodes have metrics (F28, F30)")
            .with_evidence(failure.describe()),
    )
}

/// The parts mstui could read all look fine.
fn looks_healthy(ctx: &Ctx) -> bool {
    let mut pods = ctx.live_pods().peekable();
    let pods_ready = pods.peek().is_some() && pods.all(pod_is_ready);
    ctx.api.is_available() && (pods_ready || ctx.snap.pods.is_empty())
}
