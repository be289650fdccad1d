//! F15–F27 (and F29–F31 log lines): the metrics-server → kubelet leg, read from the current
//! log, with the objects that confirm or explain each error (CSRs, node addresses, flags).

use super::{MAX_EXCERPTS, join};
use crate::diagnose::context::{Ctx, node_name, node_ready, plural};
use crate::diagnose::finding::Finding;
use crate::diagnose::logview::NodeFailure;
pub(crate) use crate::nodes::choose_address;
use crate::vocab::FixId;
use crate::vocab::{Prose, RuleId, Severity};
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::Node;
use std::collections::BTreeSet;

/// Rules whose log lines other modules read (auth, startup, probes, warm-up, HPA).
const HANDLED_ELSEWHERE: [RuleId; 6] = [
    RuleId::ApiserverRequestsRejected,
    RuleId::AggregationNotConfigured,
    RuleId::StartupExit,
    RuleId::Killed,
    RuleId::NotReady,
    RuleId::WarmingUp,
];

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let rules: BTreeSet<RuleId> = ctx.logs.failing.values().map(|f| f.rule).collect();
    for rule in rules {
        out.push(node_rule(ctx, rule));
    }
    line_rules(ctx, out);
    out.extend(f18_from_csrs(ctx));
    out.extend(drop_insecure_tls(ctx));
}

/// One finding for every node failing with `rule`.
fn node_rule(ctx: &Ctx, rule: RuleId) -> Finding {
    let failing = ctx.logs.failing_with(rule);
    let nodes: Vec<&str> = failing.iter().map(|(n, _)| *n).collect();
    let total = ctx.snap.nodes.len().max(nodes.len());
    let mut f = Finding::from_catalog(rule)
        .with_nodes(&nodes)
        .with_evidence(format!(
            "scrapes fail on {} of {total}: {}",
            plural(nodes.len(), "node"),
            join(&nodes)
        ));
    for (_, failure) in failing.iter().take(MAX_EXCERPTS) {
        f = f.with_evidence(failure.excerpt.clone());
    }
    if failing.len() > MAX_EXCERPTS {
        f = f.with_evidence(format!(
            "… and {} more with the same error",
            plural(failing.len() - MAX_EXCERPTS, "node")
        ));
    }
    let recovered: Vec<&str> = ctx
        .logs
        .recovered
        .iter()
        .filter(|(_, r)| *r == rule)
        .map(|(n, _)| n.as_str())
        .collect();
    if !recovered.is_empty() {
        f = f.with_evidence(format!(
            "no longer failing (only earlier in the log): {}",
            join(&recovered)
        ));
    }
    match rule {
        RuleId::KubeletCertUnknownAuthority
        | RuleId::KubeletCertWrongName
        | RuleId::KubeletCertExpired
        | RuleId::KubeletCsrPending => tls(ctx, f, rule, &failing, total),
        RuleId::KubeletUnreachable => unreachable(ctx, f, &failing),
        RuleId::NodeNameUnresolved => dns(ctx, f, &failing),
        RuleId::NoMatchingAddressType => f.with_evidence(format!(
            "--kubelet-preferred-address-types is {}",
            join(&ctx.address_types())
        )),
        RuleId::LegacyKubeletPort => legacy_port(ctx, f),
        RuleId::NodesSkipped => f.with_severity(Severity::Info),
        _ => f,
    }
}

fn tls(
    ctx: &Ctx,
    mut f: Finding,
    rule: RuleId,
    failing: &[(&str, &NodeFailure)],
    total: usize,
) -> Finding {
    if failing.len() == total && total > 1 {
        f = f.with_evidence(
            "every node fails the same way: the kubelet certificate setup is cluster-wide",
        );
    }
    if rule == RuleId::KubeletCertWrongName {
        for (node, failure) in failing.iter().take(MAX_EXCERPTS) {
            f = f.with_evidence(dialled(ctx, node, failure));
        }
    }
    if rule == RuleId::KubeletCertExpired
        && failing.iter().any(|(_, x)| x.err.contains("is before"))
    {
        f = f.with_evidence(
            "the certificate is not valid yet: a clock is behind (node clocks out of sync)",
        );
    }
    let csr = csr_evidence(ctx, failing.iter().map(|(n, _)| *n));
    f = f.with_evidence(csr.line);
    if let Some(ca) = ctx
        .flags
        .as_ref()
        .and_then(|fl| fl.value("kubelet-certificate-authority"))
    {
        f = f.with_evidence(format!(
            "metrics-server verifies kubelets against --kubelet-certificate-authority={ca}"
        ));
    }
    let mut fixes = Vec::new();
    if csr.pending {
        fixes.push(FixId::ApproveKubeletCsrs);
    }
    // F18 has no safe quick fix: the kubelet serves nothing until its CSR is approved.
    if rule != RuleId::KubeletCsrPending {
        fixes.push(FixId::KubeletInsecureTls);
    }
    f.with_fixes(&fixes)
}

/// What the kubelet-serving CSRs say about `nodes`, and whether approving some would help.
struct CsrEvidence {
    line: String,
    pending: bool,
}

fn csr_evidence<'n>(ctx: &Ctx, nodes: impl Iterator<Item = &'n str>) -> CsrEvidence {
    let nodes: BTreeSet<&str> = nodes.collect();
    if let Some(failure) = ctx.failed("list", "certificatesigningrequests") {
        return CsrEvidence {
            line: format!(
                "kubelet-serving CSRs could not be read: {}",
                failure.describe()
            ),
            pending: false,
        };
    }
    let pending: Vec<String> = pending_csrs(ctx)
        .into_iter()
        .filter(|(_, node)| nodes.contains(node.as_str()))
        .map(|(name, node)| format!("{name} ({node})"))
        .collect();
    if !pending.is_empty() {
        return CsrEvidence {
            line: format!(
                "kubelet-serving CSRs waiting for approval: {}",
                join(&pending)
            ),
            pending: true,
        };
    }
    let approved = approved_nodes(ctx);
    let without: Vec<&str> = nodes
        .iter()
        .copied()
        .filter(|n| !approved.contains(*n))
        .collect();
    // The certificate read off the wire beats the guess: one that is not self-issued came
    // from some CA, just not through the CSR API.
    let read_issuer = |node: &str| {
        ctx.snap
            .kubelet_tls
            .iter()
            .find(|k| k.node == node)
            .and_then(|k| k.chain.as_ref().ok()?.first())
            .and_then(|der| crate::certs::info(der).ok())
            .filter(|leaf| !leaf.self_issued)
            .map(|leaf| leaf.issuer)
    };
    let issued: Vec<(&str, String)> = without
        .iter()
        .filter_map(|n| Some((*n, read_issuer(n)?)))
        .collect();
    let line = if without.is_empty() {
        "every affected node has an approved kubelet-serving certificate: metrics-server may \
         trust another CA than the one that signed them"
            .to_string()
    } else if issued.len() == without.len() {
        let issuers: BTreeSet<&str> = issued.iter().map(|(_, i)| i.as_str()).collect();
        format!(
            "no kubelet-serving CSR for {}, but their serving certificates are issued by {} \
             (provisioned outside the CSR API)",
            join(&without),
            join(&issuers.into_iter().collect::<Vec<_>>())
        )
    } else {
        format!(
            "no kubelet-serving CSR for {}: those kubelets most likely serve self-signed \
             certificates (serverTLSBootstrap off)",
            join(&without)
        )
    };
    CsrEvidence {
        line,
        pending: false,
    }
}

fn csr_node(csr: &CertificateSigningRequest) -> Option<String> {
    csr.spec
        .username
        .as_deref()?
        .strip_prefix("system:node:")
        .map(str::to_string)
}

fn csr_has(csr: &CertificateSigningRequest, type_: &str) -> bool {
    csr.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == type_ && c.status == "True"))
}

/// `(csr name, node)` of kubelet-serving CSRs nobody approved or denied, sorted.
pub(crate) fn pending_csrs(ctx: &Ctx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ctx
        .snap
        .kubelet_csrs
        .iter()
        .filter(|c| {
            !["Approved", "Denied", "Failed"]
                .iter()
                .any(|t| csr_has(c, t))
        })
        .filter_map(|c| Some((c.metadata.name.clone()?, csr_node(c)?)))
        .collect();
    out.sort();
    out
}

/// Nodes with an approved, issued kubelet-serving certificate.
fn approved_nodes(ctx: &Ctx) -> BTreeSet<String> {
    ctx.snap
        .kubelet_csrs
        .iter()
        .filter(|c| csr_has(c, "Approved"))
        .filter(|c| {
            c.status
                .as_ref()
                .and_then(|s| s.certificate.as_ref())
                .is_some()
        })
        .filter_map(csr_node)
        .collect()
}

/// `node-1 is dialled at 10.0.0.11 (InternalIP, first match of InternalIP,ExternalIP,Hostname)`.
fn dialled(ctx: &Ctx, node: &str, failure: &NodeFailure) -> String {
    let types = ctx.address_types();
    let chosen = find_node(ctx, node).and_then(|n| choose_address(n, &types));
    match (chosen, &failure.address) {
        (Some((t, a)), _) => format!(
            "{node} is dialled at {a} ({t}, the first type of {} it has)",
            join(&types)
        ),
        (None, Some(a)) => format!("{node} is dialled at {a}"),
        (None, None) => format!("{node}: dialled address unknown"),
    }
}

pub(crate) fn find_node<'a>(ctx: &Ctx<'a>, name: &str) -> Option<&'a Node> {
    ctx.snap.nodes.iter().find(|n| node_name(n) == name)
}

fn unreachable(ctx: &Ctx, mut f: Finding, failing: &[(&str, &NodeFailure)]) -> Finding {
    for (node, _) in failing {
        if let Some(n) = find_node(ctx, node)
            && node_ready(n) != Some("True")
        {
            f = f.with_evidence(format!(
                "{node} is not Ready ({}): the kubelet itself may be down",
                node_ready(n).unwrap_or("no status")
            ));
        }
    }
    let home: BTreeSet<&str> = ctx
        .live_pods()
        .filter_map(|p| p.spec.as_ref()?.node_name.as_deref())
        .collect();
    let failing_names: BTreeSet<&str> = failing.iter().map(|(n, _)| *n).collect();
    let others: BTreeSet<&str> = ctx
        .snap
        .nodes
        .iter()
        .map(node_name)
        .filter(|n| !home.contains(n))
        .collect();
    if !home.is_empty() && !others.is_empty() && failing_names == others {
        f = f.with_evidence(format!(
            "every node fails except {}, where metrics-server runs: traffic from the pod network \
             to other nodes' kubelet port is blocked (firewall, security group, NetworkPolicy)",
            join(&home.iter().collect::<Vec<_>>())
        ));
    }
    let elsewhere: Vec<String> = failing
        .iter()
        .filter_map(|(n, _)| {
            dialled_type_other_than_internal_ip(ctx, n).map(|t| format!("{n} ({t})"))
        })
        .collect();
    if elsewhere.is_empty() {
        return f.with_fixes(&[]);
    }
    f.with_evidence(format!(
        "{} dialled on another address type although an InternalIP exists",
        elsewhere.join(", ")
    ))
    .with_fixes(&[FixId::PreferredAddressTypes])
}

/// The node would be dialled on an External* address while it has an InternalIP.
pub(crate) fn dials_external(ctx: &Ctx, node: &str) -> bool {
    dialled_type_other_than_internal_ip(ctx, node).is_some_and(|t| t.starts_with("External"))
}

/// The address type the node would be dialled on, when it is not InternalIP although the node
/// has one: putting InternalIP first is then the fix to try (the runbook's step 3).
pub(crate) fn dialled_type_other_than_internal_ip(ctx: &Ctx, node: &str) -> Option<String> {
    let n = find_node(ctx, node)?;
    choose_address(n, &["InternalIP".to_string()])?;
    let (t, _) = choose_address(n, &ctx.address_types())?;
    (t != "InternalIP").then_some(t)
}

fn dns(ctx: &Ctx, mut f: Finding, failing: &[(&str, &NodeFailure)]) -> Finding {
    for (node, failure) in failing.iter().take(MAX_EXCERPTS) {
        f = f.with_evidence(dialled(ctx, node, failure));
    }
    let types = ctx.address_types();
    if types.first().map(String::as_str) == Some("InternalIP") {
        // Already IP first: the nodes have no InternalIP, so reordering does not help.
        return f.with_fixes(&[]);
    }
    f.with_evidence(format!(
        "--kubelet-preferred-address-types is {}",
        join(&types)
    ))
}

fn legacy_port(ctx: &Ctx, mut f: Finding) -> Finding {
    for line in legacy_flags(ctx) {
        f = f.with_evidence(line);
    }
    f
}

/// The legacy settings present in the effective flags, as evidence lines.
pub(crate) fn legacy_flags(ctx: &Ctx) -> Vec<String> {
    let Some(flags) = &ctx.flags else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if flags.is_set("kubelet-port") && flags.value("kubelet-port").as_deref() == Some("10255") {
        out.push(
            "--kubelet-port=10255: the kubelet's read-only port, disabled on current clusters"
                .to_string(),
        );
    }
    if flags.bool("deprecated-kubelet-completely-insecure") {
        out.push(
            "--deprecated-kubelet-completely-insecure: plain HTTP without authentication"
                .to_string(),
        );
    }
    out
}

/// Log lines that matched a rule without naming a node (RBAC, storage, clock), still recent.
fn line_rules(ctx: &Ctx, out: &mut Vec<Finding>) {
    let recent = ctx.recent();
    let rules: BTreeSet<RuleId> = ctx
        .logs
        .lines
        .iter()
        .map(|l| l.rule)
        .filter(|r| !HANDLED_ELSEWHERE.contains(r))
        .collect();
    for rule in rules {
        let Some(latest) = ctx.logs.latest(rule, ctx.now, recent) else {
            continue;
        };
        let mut f = Finding::from_catalog(rule);
        // The classifier's severity says how bad this particular line is.
        f = f.with_severity(latest.severity);
        let excerpts: Vec<&str> = ctx
            .logs
            .lines_of(rule)
            .map(|l| l.excerpt.as_str())
            .collect();
        let mut shown: Vec<&str> = excerpts.clone();
        shown.dedup();
        for e in shown.iter().rev().take(MAX_EXCERPTS).rev() {
            f = f.with_evidence(*e);
        }
        out.push(f);
    }
}

/// F18 from the objects alone: a node waiting for its first serving certificate has none, so
/// its kubelet aborts TLS handshakes, whatever the log says (or when it cannot be read).
fn f18_from_csrs(ctx: &Ctx) -> Option<Finding> {
    let approved = approved_nodes(ctx);
    let waiting: Vec<(String, String)> = pending_csrs(ctx)
        .into_iter()
        .filter(|(_, node)| !approved.contains(node))
        .filter(|(_, node)| !ctx.logs.failing.contains_key(node))
        .filter(|(_, node)| !ctx.node_has_metrics(node))
        .filter(|(_, node)| find_node(ctx, node).is_some())
        .collect();
    if waiting.is_empty() {
        return None;
    }
    let nodes: Vec<&str> = waiting.iter().map(|(_, n)| n.as_str()).collect();
    let csrs: Vec<String> = waiting
        .iter()
        .map(|(name, node)| format!("{name} ({node})"))
        .collect();
    Some(
        Finding::from_catalog(RuleId::KubeletCsrPending)
            .with_nodes(&nodes)
            .with_evidence(format!(
                "kubelet-serving CSRs waiting for approval: {}",
                join(&csrs)
            ))
            .with_evidence(format!(
                "no approved serving certificate for {}",
                join(&nodes)
            )),
    )
}

/// Proper fix, step two: every kubelet now has a CA-signed certificate, so verification can be
/// turned back on. Informational: nothing is broken.
fn drop_insecure_tls(ctx: &Ctx) -> Option<Finding> {
    let flags = ctx.flags.as_ref()?;
    // A managed install puts the flag back anyway (kube-up/GKE ship with it).
    let managed = ctx
        .snap
        .install
        .as_ref()
        .is_some_and(|i| i.kind.reverts_edits());
    if managed || !flags.bool("kubelet-insecure-tls") || ctx.snap.nodes.is_empty() {
        return None;
    }
    let approved = approved_nodes(ctx);
    let all_signed = ctx
        .snap
        .nodes
        .iter()
        .all(|n| approved.contains(node_name(n)));
    if !all_signed || !pending_csrs(ctx).is_empty() || !ctx.metrics_complete() {
        return None;
    }
    Some(
        Finding::from_catalog(RuleId::KubeletCertUnknownAuthority)
            .with_severity(Severity::Info)
            .with_title(Prose::new(
                "Kubelet certificates are CA-signed: --kubelet-insecure-tls can go",
                "kubelet 인증서가 CA 서명됨: --kubelet-insecure-tls를 제거해도 됨",
            ))
            .with_evidence(format!(
                "every node ({}) has an approved kubelet-serving certificate",
                plural(ctx.snap.nodes.len(), "node")
            ))
            .with_evidence("--kubelet-insecure-tls is set: metrics-server does not verify them")
            .with_fixes(&[FixId::DropKubeletInsecureTls]),
    )
}
