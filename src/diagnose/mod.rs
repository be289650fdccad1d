//! Pure diagnosis: rules keyed by catalog ID over a [`Snapshot`] and its classified logs.
//!
//! [`diagnose`] walks the chain of failure-modes §4 — APIService → endpoints → pod readiness →
//! logs → kubelets → data → HPAs — and returns one finding per problem, deterministically
//! ordered. The healthy case (APIService Available, pod Ready, clean log, every node in
//! NodeMetrics) yields no findings.

pub mod blast;
mod context;
pub mod finding;
mod logview;
mod rules;
/// Realistic snapshots and logs for tests and benchmarks; not in the release binary.
#[cfg(any(test, feature = "test-support"))]
pub mod sample;
mod summary;

#[cfg(test)]
mod tests;

pub use blast::{HpaBlast, blast_radius};
pub use finding::Finding;
pub use summary::{coverage, has_problems, headline};

use crate::snapshot::Snapshot;
use jiff::Timestamp;

/// Diagnose a snapshot taken at (about) `now`.
///
/// Findings of the same rule, step and title are merged (their nodes and evidence joined), then
/// sorted by runbook step, severity (worst first), rule ID, nodes and evidence.
pub fn diagnose(snap: &Snapshot, now: Timestamp) -> Vec<Finding> {
    let ctx = context::Ctx::new(snap, now);
    let mut findings = Vec::new();
    rules::run(&ctx, &mut findings);
    let mut findings = merge(findings);
    rules::run_after(&ctx, &mut findings);
    sort(&mut findings);
    findings
}

/// One finding per (rule, step, title): several rules can reach the same conclusion (e.g. F21
/// from the flags and from the node addresses) and should read as one.
fn merge(findings: Vec<Finding>) -> Vec<Finding> {
    let mut merged: Vec<Finding> = Vec::new();
    for f in findings {
        let same = merged
            .iter_mut()
            .find(|m| m.id == f.id && m.step == f.step && m.title == f.title);
        let Some(m) = same else {
            merged.push(f);
            continue;
        };
        m.severity = m.severity.max(f.severity);
        for e in f.evidence {
            if !m.evidence.contains(&e) {
                m.evidence.push(e);
            }
        }
        m.nodes.extend(f.nodes);
        m.nodes.sort();
        m.nodes.dedup();
        for fix in f.fixes {
            if !m.fixes.contains(&fix) {
                m.fixes.push(fix);
            }
        }
    }
    merged
}

fn sort(findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        f.nodes.sort();
        f.nodes.dedup();
    }
    findings.sort_by(|a, b| {
        (
            a.step,
            std::cmp::Reverse(a.severity),
            a.id,
            &a.nodes,
            &a.evidence,
            &a.title,
        )
            .cmp(&(
                b.step,
                std::cmp::Reverse(b.severity),
                b.id,
                &b.nodes,
                &b.evidence,
                &b.title,
            ))
    });
}
