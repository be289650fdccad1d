//! F31 from node Leases: each kubelet writes its Lease's `renewTime` with its own clock about
//! every 10 s, so a renew time well ahead of the API server's clock is a node clock running
//! fast, and one far behind on a node that is still Ready (the node controller keeps it Ready
//! because the Lease keeps changing) is a clock running slow.

use super::{MAX_EXCERPTS, join};
use crate::diagnose::context::{Ctx, node_ready};
use crate::diagnose::finding::Finding;
use crate::vocab::RuleId;
use std::time::Duration;

/// More ahead than this is no rounding or latency.
pub(crate) const AHEAD: Duration = Duration::from_secs(30);
/// Further behind than this on a Ready node: past the node controller's grace period (40–50 s)
/// and several renew intervals.
pub(crate) const BEHIND: Duration = Duration::from_secs(120);

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    // Without the API server's clock the comparison would be with mstui's own machine.
    let Some(server) = ctx.snap.apiserver_time else {
        return;
    };
    let mut skewed: Vec<(&str, String)> = Vec::new();
    for lease in &ctx.snap.node_leases {
        let Some(renew) = lease.renew_time else {
            continue;
        };
        let Some(node) = ctx
            .snap
            .nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(lease.node.as_str()))
        else {
            continue;
        };
        let offset = renew.duration_since(server);
        let secs = offset.as_secs();
        let abs = offset.unsigned_abs();
        let line = if offset.is_positive() && abs > AHEAD {
            format!(
                "Lease kube-node-lease/{} renewed at {renew} by the node's clock, {secs} s ahead \
                 of the API server's clock ({server})",
                lease.node
            )
        } else if offset.is_negative() && abs > BEHIND && node_ready(node) == Some("True") {
            format!(
                "Lease kube-node-lease/{} renewed at {renew} by the node's clock, {} s behind \
                 the API server's clock ({server}) while the node is Ready",
                lease.node, -secs
            )
        } else {
            continue;
        };
        skewed.push((lease.node.as_str(), line));
    }
    if skewed.is_empty() {
        return;
    }
    let nodes: Vec<&str> = skewed.iter().map(|(n, _)| *n).collect();
    let mut f = Finding::from_catalog(RuleId::ClockSkew)
        .with_nodes(&nodes)
        .with_evidence(format!("node clocks out of sync: {}", join(&nodes)));
    for (_, line) in skewed.iter().take(MAX_EXCERPTS) {
        f = f.with_evidence(line.clone());
    }
    out.push(f);
}
