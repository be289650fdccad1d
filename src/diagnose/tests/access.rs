//! Failed or forbidden calls: never a claim of health over data that was not read (F39).

use super::*;
use crate::vocab::{RuleId, Step};

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

/// A kubelet without a serving certificate cannot serve `kubectl logs` either: that is the
/// unapproved CSR (F18) speaking, not a permission mstui lacks (F39).
#[test]
fn a_log_read_refused_by_the_kubelets_tls_is_the_pending_csr_not_a_permission() {
    let mut snap = sample::x509_pending_csrs();
    snap.logs.clear();
    let mut failure = sample::forbidden("get", "pods/log", Some("kube-system"));
    failure.code = Some(500);
    failure.message = "Get \"https://10.0.1.11:10250/containerLogs/kube-system/metrics-server-6d94bc8694-x7k2p/metrics-server\": remote error: tls: internal error".into();
    snap.failures.push(failure);
    let findings = run(&snap);
    assert!(
        !findings.iter().any(|f| f.id == RuleId::PermissionMissing),
        "{:?}",
        ids(&findings)
    );
    let f18 = get(&findings, 18);
    assert!(f18.offers(FixId::ApproveKubeletCsrs), "{:?}", f18.fixes);
    assert_says(f18, "mstui cannot read the metrics-server log");
}
