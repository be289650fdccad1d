//! Failed or forbidden calls: never a claim of health over data that was not read (F39).

use super::*;
use crate::vocab::Step;

#[test]
fn unreadable_logs_are_a_step_1_warning_when_something_is_wrong() {
    let mut snap = sample::x509();
    snap.logs.clear();
    snap.failures
        .push(sample::forbidden("get", "pods/log", Some("kube-system")));
    let findings = run(&snap);
    let f = get(&findings, 39);
    assert_eq!(f.step, Step::Logs);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.title, "mstui cannot get pods/log (permission missing)");
    assert_says(f, "get pods/log -n kube-system: pods/log is forbidden");
    assert_says(
        get(&findings, 14),
        "the metrics-server log could not be read",
    );
}

#[test]
fn unreadable_logs_on_a_healthy_cluster_are_info_only() {
    let mut snap = sample::healthy();
    snap.logs.clear();
    snap.failures
        .push(sample::forbidden("get", "pods/log", Some("kube-system")));
    let findings = run(&snap);
    assert_eq!(ids(&findings), ["F39"]);
    assert!(problems(&findings).is_empty());
}

#[test]
fn forbidden_node_metrics_are_reported_not_taken_for_missing_nodes() {
    let mut snap = sample::healthy();
    snap.node_metrics = None;
    snap.metrics_api_error = Some(sample::forbidden("list", "nodes.metrics.k8s.io", None));
    let findings = run(&snap);
    assert_eq!(ids(&findings), ["F39"]);
    assert_eq!(findings[0].step, Step::RestartVerify);
    assert!(!has(&findings, 28));
}

#[test]
fn unavailable_metrics_api_is_not_a_permission_problem() {
    assert!(!has(&run(&sample::x509()), 39));
}

#[test]
fn deployments_listed_in_one_namespace_only_is_info() {
    let mut snap = sample::x509();
    snap.failures
        .push(sample::forbidden("list", "deployments", None));
    let f = get(&run(&snap), 39).clone();
    assert_eq!(f.severity, Severity::Info);
    assert_says(&f, "other namespaces for competing installs (F02)");
}
