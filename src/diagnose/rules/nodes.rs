//! Node-side checks from the objects alone: addresses against the effective address types
//! (F21, F19), and coverage when the Metrics API answers (F28 missing data, F30 skipped nodes).

use super::join;
use super::scrape::{choose_address, dials_external};
use crate::diagnose::context::{Ctx, node_name, node_ready, plural};
use crate::diagnose::finding::Finding;
use crate::vocab::FixId;
use crate::vocab::{RuleId, Severity};
use k8s_openapi::api::core::v1::Node;

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let by_address: Vec<Finding> = [f21_no_address(ctx), f19_external_address(ctx)]
        .into_iter()
        .flatten()
        .collect();
    let Some(mut missing) = ctx.nodes_without_metrics() else {
        out.extend(by_address);
        return;
    };
    // A node whose address already explains the gap is not a mystery (F28).
    missing.retain(|n| !by_address.iter().any(|f| f.nodes.contains(n)));
    out.extend(by_address);
    if !ctx.api.is_available() || missing.is_empty() {
        return;
    }
    let (skipped, unexplained) = split_missing(ctx, &missing);
    out.extend(f30_skipped(&skipped));
    out.extend(f28_missing(ctx, &unexplained));
}

/// Nodes that publish no address of any preferred type: metrics-server cannot even dial them.
fn f21_no_address(ctx: &Ctx) -> Option<Finding> {
    let types = ctx.address_types();
    let stuck: Vec<&Node> = ctx
        .snap
        .nodes
        .iter()
        .filter(|n| !ctx.node_has_metrics(node_name(n)))
        .filter(|n| choose_address(n, &types).is_none())
        .collect();
    if stuck.is_empty() {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::NoMatchingAddressType)
        .with_nodes(stuck.iter().map(|n| node_name(n)))
        .with_evidence(format!(
            "--kubelet-preferred-address-types is {}",
            join(&types)
        ));
    for n in &stuck {
        f = f.with_evidence(format!("{} has {}", node_name(n), describe_addresses(n)));
    }
    if stuck.iter().any(|n| uninitialized(n)) {
        f = f.with_evidence(
            "taint node.cloudprovider.kubernetes.io/uninitialized: the cloud controller has not \
             set the node's addresses yet",
        );
    }
    // Reordering only helps when the node has an address of a type the fix would add.
    let helps = stuck.iter().any(|n| {
        choose_address(
            n,
            &["InternalIP", "ExternalIP", "Hostname"].map(String::from),
        )
        .is_some()
    });
    Some(if helps { f } else { f.with_fixes(&[]) })
}

fn describe_addresses(n: &Node) -> String {
    let addresses = n
        .status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .map(|a| {
            a.iter()
                .map(|a| format!("{} {}", a.type_, a.address))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    if addresses.is_empty() {
        "no addresses".to_string()
    } else {
        format!("addresses {}", join(&addresses))
    }
}

fn uninitialized(n: &Node) -> bool {
    n.spec
        .as_ref()
        .and_then(|s| s.taints.as_ref())
        .is_some_and(|ts| {
            ts.iter()
                .any(|t| t.key == "node.cloudprovider.kubernetes.io/uninitialized")
        })
}

/// Nodes without metrics that metrics-server dials on an external address (often firewalled
/// from pods) while an InternalIP exists, and no log line already explains them.
fn f19_external_address(ctx: &Ctx) -> Option<Finding> {
    let types = ctx.address_types();
    let nodes: Vec<&str> = ctx
        .snap
        .nodes
        .iter()
        .map(node_name)
        .filter(|n| !ctx.node_has_metrics(n) && !ctx.logs.failing.contains_key(*n))
        .filter(|n| dials_external(ctx, n))
        .collect();
    if nodes.is_empty() {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::KubeletUnreachable)
        .with_severity(Severity::Warning)
        .with_nodes(&nodes)
        .with_evidence(format!(
            "--kubelet-preferred-address-types is {}",
            join(&types)
        ));
    for name in &nodes {
        let node = ctx.snap.nodes.iter().find(|n| node_name(n) == *name);
        if let Some((t, a)) = node.and_then(|n| choose_address(n, &types)) {
            f = f.with_evidence(format!(
                "{name} is dialled at its {t} {a} although it has an InternalIP: external \
                 addresses are often not reachable from pods"
            ));
        }
    }
    Some(f.with_fixes(&[FixId::PreferredAddressTypes]))
}

/// Missing nodes that are expected to be missing (NotReady, excluded by `--node-selector`)
/// versus the rest; nodes the log already explains are in neither.
fn split_missing<'a>(ctx: &Ctx, missing: &'a [String]) -> (Vec<(&'a str, String)>, Vec<&'a str>) {
    let selector = ctx
        .flags
        .as_ref()
        .and_then(|f| f.value("node-selector"))
        .filter(|s| !s.is_empty());
    let mut skipped = Vec::new();
    let mut unexplained = Vec::new();
    for name in missing {
        if ctx.logs.failing.contains_key(name) {
            continue;
        }
        let node = ctx.snap.nodes.iter().find(|n| node_name(n) == name);
        let ready = node.and_then(node_ready);
        if let Some(status) = ready.filter(|s| *s != "True") {
            skipped.push((
                name.as_str(),
                format!("{name} is not Ready (Ready={status})"),
            ));
        } else if let (Some(sel), Some(n)) = (&selector, node)
            && !selector_matches(sel, n)
        {
            skipped.push((
                name.as_str(),
                format!("{name} is excluded by --node-selector={sel}"),
            ));
        } else {
            unexplained.push(name.as_str());
        }
    }
    (skipped, unexplained)
}

/// A label selector in the `k=v,k!=v,k,!k` forms `--node-selector` accepts. Set-based forms
/// (`in (…)`) are treated as matching, so an unknown form never hides a node as "skipped".
fn selector_matches(selector: &str, node: &Node) -> bool {
    let labels = node.metadata.labels.clone().unwrap_or_default();
    selector.split(',').map(str::trim).all(|term| {
        if term.contains('(') {
            true
        } else if let Some((k, v)) = term.split_once("!=") {
            labels.get(k.trim()).map(String::as_str) != Some(v.trim())
        } else if let Some((k, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
            labels.get(k.trim()).map(String::as_str) == Some(v.trim())
        } else if let Some(k) = term.strip_prefix('!') {
            !labels.contains_key(k)
        } else {
            term.is_empty() || labels.contains_key(term)
        }
    })
}

fn f30_skipped(skipped: &[(&str, String)]) -> Option<Finding> {
    if skipped.is_empty() {
        return None;
    }
    let names: Vec<&str> = skipped.iter().map(|(n, _)| *n).collect();
    let mut f = Finding::from_catalog(RuleId::NodesSkipped)
        .with_nodes(&names)
        .with_evidence(format!("nodes without metrics: {}", join(&names)));
    for (_, why) in skipped {
        f = f.with_evidence(why.clone());
    }
    Some(f)
}

/// F28: the API answers, the node is Ready and in scope, the log has no error for it, yet it
/// has no metrics: its kubelet reports unusable data.
fn f28_missing(ctx: &Ctx, nodes: &[&str]) -> Option<Finding> {
    if nodes.is_empty() || ctx.live_pods().any(|p| ctx.warming_up(p)) {
        return None;
    }
    let total = ctx.snap.nodes.len();
    let mut f = Finding::from_catalog(RuleId::NodesWithoutMetrics)
        .with_nodes(nodes)
        .with_evidence(format!("nodes without metrics: {}", join(nodes)))
        .with_evidence(format!(
            "NodeMetrics lists {} of {}",
            total - ctx.nodes_without_metrics().map_or(0, |m| m.len()),
            plural(total, "node")
        ));
    f = if ctx.logs.read {
        f.with_evidence("the metrics-server log shows no scrape error for them")
    } else {
        f.with_evidence(
            "the metrics-server log could not be read, so scrape errors cannot be ruled out",
        )
    };
    // Comparing node software is the quickest lead (cgroup v2, runtime versions).
    let good = ctx
        .snap
        .nodes
        .iter()
        .find(|n| ctx.node_has_metrics(node_name(n)));
    for n in nodes
        .iter()
        .filter_map(|name| ctx.snap.nodes.iter().find(|n| node_name(n) == *name))
        .chain(good)
    {
        f = f.with_evidence(node_software(n, ctx.node_has_metrics(node_name(n))));
    }
    Some(f)
}

fn node_software(n: &Node, has_metrics: bool) -> String {
    let info = n.status.as_ref().and_then(|s| s.node_info.as_ref());
    let field = |get: fn(&k8s_openapi::api::core::v1::NodeSystemInfo) -> &String| {
        info.map(|i| get(i).clone()).unwrap_or_else(|| "?".into())
    };
    format!(
        "{} ({}): kubelet {}, {}, kernel {}, {}",
        node_name(n),
        if has_metrics {
            "has metrics"
        } else {
            "no metrics"
        },
        field(|i| &i.kubelet_version),
        field(|i| &i.container_runtime_version),
        field(|i| &i.kernel_version),
        field(|i| &i.os_image)
    )
}
