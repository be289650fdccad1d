//! Configuration from the Deployment: F22 (flags), F38, F39 (layout), F40.

use super::*;

#[test]
fn f22_read_only_port_flag() {
    let mut snap = sample::x509();
    snap.logs.clear();
    add_flags(&mut snap, &["--kubelet-port=10255"]);
    let findings = run(&snap);
    let f = get(&findings, 22);
    assert_eq!(f.severity, Severity::Error);
    assert_says(f, "--kubelet-port=10255: the kubelet's read-only port");
    assert_says(
        f,
        "--kubelet-use-node-status-port is also set and takes precedence",
    );
    assert_eq!(fixes(f), [FixId::DropLegacyPortFlags]);
}

#[test]
fn f22_plain_http_flag_is_a_warning_while_metrics_flow() {
    let mut snap = sample::healthy();
    add_flags(&mut snap, &["--deprecated-kubelet-completely-insecure"]);
    let f = get(&run(&snap), 22).clone();
    assert_eq!(f.severity, Severity::Warning);
}

#[test]
fn f22_not_for_the_secure_port_written_out() {
    let mut snap = sample::healthy();
    add_flags(&mut snap, &["--kubelet-port=10250"]);
    assert!(run(&snap).is_empty());
}

#[test]
fn f38_helm_user_args_append_to_the_defaults() {
    let mut snap = sample::healthy();
    let helm = sample::snapshot(&["deployment-helm-duplicate-address-types"]);
    snap.deployment = helm.deployment;
    snap.install = helm.install;
    let findings = run(&snap);
    assert_eq!(ids(&findings), ["F38"]);
    let f = &findings[0];
    assert_eq!(f.severity, Severity::Warning);
    assert_says(f, "is given 2 times");
    assert_says(f, "InternalIP,ExternalIP,Hostname,Hostname");
    assert_eq!(fixes(f), [FixId::PreferredAddressTypes]);
}

#[test]
fn f38_not_for_the_plain_helm_layout() {
    let mut snap = sample::healthy();
    let helm = sample::snapshot(&["deployment-helm"]);
    snap.deployment = helm.deployment;
    snap.install = helm.install;
    assert!(!has(&run(&snap), 38));
}

#[test]
fn f38_bool_flag_written_false() {
    let mut snap = sample::x509();
    add_flags(&mut snap, &["--kubelet-insecure-tls=false"]);
    let findings = run(&snap);
    assert_says(
        get(&findings, 38),
        "--kubelet-insecure-tls is present but set to false",
    );
    // Still verifying, so the x509 errors are real.
    assert!(has(&findings, 15));
}

const AUTH_READER_FORBIDDEN: &str = "Error: unable to load configmap based request-header-client-ca-file: configmaps \"extension-apiserver-authentication\" is forbidden: User \"system:serviceaccount:monitoring:metrics-server\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"kube-system\"\npanic: unable to load configmap based request-header-client-ca-file\n";

/// A Helm install in `monitoring` crash-looping with `log` as its previous container's log.
fn helm_crash(log: &str) -> Snapshot {
    let mut snap = sample::snapshot(&[
        "apiservice-missing-endpoints",
        "deployment-helm",
        "pod-crashloop-error",
        "node-1",
        "node-2",
        "node-3",
    ]);
    snap.logs.push(sample::previous_log(POD, log));
    snap.metrics_api_error = Some(sample::metrics_unavailable());
    snap
}

#[test]
fn f39_auth_reader_binding_outside_kube_system() {
    let findings = run(&helm_crash(AUTH_READER_FORBIDDEN));
    let f = get(&findings, 39);
    assert_eq!(f.severity, Severity::Error);
    assert_says(f, "metrics-server runs in namespace monitoring");
    assert!(has(&findings, 12));
}

#[test]
fn f39_not_for_other_startup_errors() {
    let findings = run(&helm_crash("Error: unknown flag: --logtostderr\n"));
    assert!(!has(&findings, 39), "{:?}", ids(&findings));
}

/// The kube-up (addon-manager) layout with `extra` flags appended to its command.
fn kube_up(extra: &[&str]) -> Snapshot {
    let mut snap = sample::x509();
    snap.logs.clear();
    let other = sample::snapshot(&["apiservice-available", "deployment-kube-up"]);
    snap.deployment = other.deployment;
    snap.install = other.install;
    add_flags(&mut snap, extra);
    snap
}

#[test]
fn f40_managed_install_when_a_fix_would_edit_it() {
    let findings = run(&kube_up(&["--kubelet-port=10255"]));
    assert!(has(&findings, 22));
    let f = get(&findings, 40);
    assert_says(
        f,
        "Deployment kube-system/metrics-server-v0.8.0 is addon-manager (reconciled)",
    );
    assert_says(f, "flags are in the container command");
}

#[test]
fn f40_not_without_an_edit_or_on_a_manifest_install() {
    assert!(!has(&run(&kube_up(&[])), 40));
    let mut snap = sample::x509();
    add_flags(&mut snap, &["--kubelet-port=10255"]);
    assert!(!has(&run(&snap), 40));
}
