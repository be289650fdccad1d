//! What a set of findings adds up to: whether anything is wrong, which finding explains the
//! others, and how many nodes have metrics. `check`, its JSON and the TUI's header all ask these.

use super::Finding;
use crate::snapshot::Snapshot;
use crate::vocab::Severity;

/// Whether the findings count as "problems found" (exit 1): any warning or error.
pub fn has_problems(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity >= Severity::Warning)
}

/// The finding that explains the others: the most severe, and among equals the one closest to
/// the root cause by the catalog's cause rank, then the lowest rule ID.
pub fn headline(findings: &[Finding]) -> Option<&Finding> {
    findings
        .iter()
        .min_by_key(|f| (std::cmp::Reverse(f.severity), f.id.info().rank, f.id))
}

/// Node metrics coverage: (nodes with metrics, all nodes), when both are known.
pub fn coverage(snap: &Snapshot) -> Option<(usize, usize)> {
    let metrics = snap.node_metrics.as_ref()?;
    let total = snap.nodes.len();
    let covered = snap
        .nodes
        .iter()
        .filter(|n| metrics.iter().any(|m| m.metadata.name == n.metadata.name))
        .count();
    Some((covered, total))
}
