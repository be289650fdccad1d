//! One positive and one negative test per rule, over the sample fixtures.
//!
//! A positive test builds the smallest realistic snapshot that shows the failure and checks the
//! finding's evidence; a negative test builds a healthy or benign look-alike that must not
//! trigger the rule.

mod access;
mod config;
mod evidence;
mod general;
mod hpa;
mod nodes;
mod pod;
mod registration;
mod scrape;

use super::sample::{self, POD, logs};
use super::{Finding, diagnose};
use crate::snapshot::Snapshot;
use crate::vocab::{FixId, Severity};

fn run(snap: &Snapshot) -> Vec<Finding> {
    diagnose(snap, sample::now())
}

fn ids(findings: &[Finding]) -> Vec<String> {
    findings.iter().map(|f| f.id.to_string()).collect()
}

fn find(findings: &[Finding], id: u8) -> Option<&Finding> {
    findings.iter().find(|f| f.id.number() == id)
}

fn has(findings: &[Finding], id: u8) -> bool {
    find(findings, id).is_some()
}

/// The finding with `id`; the panic message lists what was found instead.
fn get(findings: &[Finding], id: u8) -> &Finding {
    find(findings, id).unwrap_or_else(|| panic!("no F{id:02} among {:?}", ids(findings)))
}

fn fixes(f: &Finding) -> Vec<FixId> {
    f.fixes.clone()
}

/// Whether any evidence line contains `text`.
fn says(f: &Finding, text: &str) -> bool {
    f.evidence.iter().any(|e| e.contains(text))
}

fn assert_says(f: &Finding, text: &str) {
    assert!(
        says(f, text),
        "{} evidence lacks {text:?}: {:#?}",
        f.id,
        f.evidence
    );
}

/// Findings that make `check` exit 1.
fn problems(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect()
}

/// The metrics-server container of the snapshot's Deployment.
fn container(snap: &mut Snapshot) -> &mut k8s_openapi::api::core::v1::Container {
    let index = snap.install.as_ref().map_or(0, |i| i.container_index);
    &mut snap
        .deployment
        .as_mut()
        .and_then(|d| d.spec.as_mut())
        .and_then(|s| s.template.spec.as_mut())
        .expect("deployment with a pod template")
        .containers[index]
}

/// Append flags where the layout keeps them (`args`, or `command` for kube-up).
fn add_flags(snap: &mut Snapshot, flags: &[&str]) {
    let c = container(snap);
    let list = if c.command.as_ref().is_some_and(|cmd| cmd.len() > 1) {
        c.command.get_or_insert_with(Vec::new)
    } else {
        c.args.get_or_insert_with(Vec::new)
    };
    list.extend(flags.iter().map(|f| f.to_string()));
}

/// Set a flag to one value, removing earlier occurrences (a second occurrence of a list flag
/// would append: F38).
fn set_flag(snap: &mut Snapshot, name: &str, value: &str) {
    let c = container(snap);
    let prefix = format!("--{name}=");
    for list in [c.command.as_mut(), c.args.as_mut()].into_iter().flatten() {
        list.retain(|a| !a.starts_with(&prefix) && *a != format!("--{name}"));
    }
    add_flags(snap, &[&format!("--{name}={value}")]);
}

/// Replace the pods with fixture pods.
fn set_pods(snap: &mut Snapshot, fixtures: &[&str]) {
    snap.pods = sample::snapshot(fixtures).pods;
}

/// Replace the current log of the pod.
fn set_log(snap: &mut Snapshot, text: &str) {
    snap.logs.retain(|l| l.previous);
    snap.logs.push(sample::log(POD, text));
}

/// A snapshot whose API is down because the pod is not Ready: the x509 sample with another log.
fn not_ready_with_log(text: &str) -> Snapshot {
    let mut snap = sample::x509();
    set_log(&mut snap, text);
    snap
}

/// The sample log with `ticks` scrape ticks failing on `nodes` with `err` (minute 33, now 10:35).
fn failing(nodes: &[(&str, &str)], err: &str) -> String {
    format!(
        "{}{}",
        logs::STARTUP,
        logs::failing_ticks(33, 4, nodes, err)
    )
}
