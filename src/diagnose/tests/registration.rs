//! F01–F09: the APIService and the apiserver → metrics-server leg.

use super::*;

/// The healthy snapshot with another APIService fixture (or none).
fn with_apiservice(fixture: Option<&str>) -> Snapshot {
    let mut snap = sample::healthy();
    snap.apiservice = fixture.and_then(|f| sample::snapshot(&[f]).apiservice);
    if !snap.apiservice.as_ref().is_some_and(|a| {
        a.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| c.iter().any(|c| c.status == "True"))
    }) {
        snap.node_metrics = None;
        snap.metrics_api_error = Some(sample::metrics_unavailable());
    }
    snap
}

#[test]
fn f01_missing_apiservice_with_an_unregistered_deployment() {
    let findings = run(&with_apiservice(None));
    let f = get(&findings, 1);
    assert_says(f, "APIService v1beta1.metrics.k8s.io not found");
    assert_says(
        f,
        "Deployment kube-system/metrics-server but nothing registers it",
    );
}

#[test]
fn f01_not_claimed_when_the_apiservice_could_not_be_read() {
    let mut snap = with_apiservice(None);
    snap.failures
        .push(sample::forbidden("get", "apiservices", None));
    let findings = run(&snap);
    assert!(!has(&findings, 1));
    assert_says(get(&findings, 39), "apiservices is forbidden");
    assert!(!has(&run(&sample::healthy()), 1));
}

#[test]
fn f02_apiservice_served_by_prometheus_adapter() {
    let mut snap = sample::snapshot(&[
        "apiservice-prometheus-adapter",
        "deployment-upstream-v0.8.0",
        "pod-running-ready",
        "node-1",
        "nodemetrics-node-1-only",
    ]);
    snap.logs.push(sample::log(POD, logs::STARTUP));
    let findings = run(&snap);
    let f = get(&findings, 2);
    assert_eq!(f.severity, Severity::Warning);
    assert_says(
        f,
        "points at service monitoring/prometheus-adapter, not at metrics-server (kube-system/metrics-server)",
    );
}

#[test]
fn f02_duplicate_installs() {
    let snap = sample::snapshot(&[
        "apiservice-available",
        "service-metrics-server",
        "deployment-upstream-v0.8.0",
        "deployment-helm",
    ]);
    assert_eq!(snap.other_installs.len(), 1);
    let f = get(&run(&snap), 2).clone();
    assert_says(
        &f,
        "another metrics-server install: Deployment monitoring/metrics-server (helm (metrics-server)",
    );
}

#[test]
fn f02_not_for_a_single_helm_install_outside_kube_system() {
    let mut snap = sample::healthy();
    let helm = sample::snapshot(&["apiservice-available", "deployment-helm"]);
    snap.deployment = helm.deployment;
    snap.install = helm.install;
    assert!(!has(&run(&snap), 2));
}

#[test]
fn f03_service_not_found() {
    let mut snap = with_apiservice(Some("apiservice-service-not-found"));
    snap.service = None;
    let f = get(&run(&snap), 3).clone();
    assert_says(
        &f,
        "(ServiceNotFound): service/metrics-server in \"kube-system\" is not present",
    );
    assert_says(
        &f,
        "metrics-server Deployment kube-system/metrics-server exists",
    );
}

#[test]
fn f03_not_while_the_service_exists() {
    assert!(!has(&run(&sample::healthy()), 3));
    assert!(!has(&run(&sample::x509()), 3));
}

#[test]
fn f04_service_port_mismatch() {
    let mut snap = with_apiservice(Some("apiservice-service-port-error"));
    snap.service = sample::snapshot(&["service-metrics-server-port-4443"]).service;
    let f = get(&run(&snap), 4).clone();
    assert_says(&f, "(ServicePortError)");
    assert_says(
        &f,
        "APIService wants port 443; service kube-system/metrics-server exposes 4443 (https)",
    );
}

#[test]
fn f04_not_when_ports_match() {
    let findings = run(&sample::healthy());
    assert!(!has(&findings, 4));
}

#[test]
fn f05_deployment_scaled_to_zero() {
    let mut snap = with_apiservice(Some("apiservice-missing-endpoints"));
    snap.pods.clear();
    snap.logs.clear();
    snap.deployment
        .as_mut()
        .unwrap()
        .spec
        .as_mut()
        .unwrap()
        .replicas = Some(0);
    let f = get(&run(&snap), 5).clone();
    assert_says(&f, "(MissingEndpoints)");
    assert_says(
        &f,
        "Deployment kube-system/metrics-server is scaled to 0 replicas",
    );
}

#[test]
fn f05_service_selector_matches_no_ready_pod() {
    let mut snap = with_apiservice(Some("apiservice-missing-endpoints"));
    let labels = snap.pods[0].metadata.labels.as_mut().unwrap();
    labels.remove("k8s-app");
    labels.insert("app.kubernetes.io/name".into(), "metrics-server".into());
    let f = get(&run(&snap), 5).clone();
    assert_says(
        &f,
        "the Service selector k8s-app=metrics-server matches none of the Ready pods",
    );
}

#[test]
fn f05_not_when_the_pod_is_unready() {
    // Missing endpoints because of readiness is F14's chain, not F05.
    let findings = run(&sample::x509());
    assert!(!has(&findings, 5));
    assert!(has(&findings, 14));
}

#[test]
fn f06_discovery_timeout_with_aggregator_routing() {
    let findings = run(&sample::apiservice_unavailable());
    let f = get(&findings, 6);
    assert_says(f, "context deadline exceeded");
    assert_says(
        f,
        "dials pod metrics-server-7d9f5c8b6-x2vqp at 10.244.1.7:10250 directly (aggregator routing)",
    );
    assert_says(f, "metrics-server itself is Ready");
    assert!(!has(&findings, 7) && !has(&findings, 8));
}

#[test]
fn f06_not_for_a_401() {
    let findings = run(&with_apiservice(Some("apiservice-failed-discovery-401")));
    assert!(!has(&findings, 6));
    assert!(has(&findings, 7));
}

const UNABLE_TO_AUTHENTICATE: &str = "E1110 10:34:20.104822       1 authentication.go:74] \"Unable to authenticate the request\" err=\"[x509: certificate signed by unknown authority, verifying certificate SN=4521, SKID=, AKID= failed: x509: certificate signed by unknown authority]\"\n";

#[test]
fn f07_discovery_401_with_the_log_line() {
    let mut snap = with_apiservice(Some("apiservice-failed-discovery-401"));
    set_log(
        &mut snap,
        &format!("{}{UNABLE_TO_AUTHENTICATE}", logs::STARTUP),
    );
    let findings = run(&snap);
    let f = get(&findings, 7);
    assert_says(
        f,
        "bad status from https://10.244.1.7:10250/apis/metrics.k8s.io/v1beta1: 401",
    );
    assert_says(f, "Unable to authenticate the request");
    // The incoming-request x509 text is not a kubelet certificate problem.
    assert!(!has(&findings, 15));
}

#[test]
fn f07_not_from_the_log_alone_while_the_api_is_available() {
    let mut snap = sample::healthy();
    set_log(
        &mut snap,
        &format!("{}{UNABLE_TO_AUTHENTICATE}", logs::STARTUP),
    );
    let findings = run(&snap);
    assert!(
        !has(&findings, 7) && !has(&findings, 15),
        "{:?}",
        ids(&findings)
    );
}

#[test]
fn f08_apiserver_distrusts_the_serving_certificate() {
    let findings = run(&with_apiservice(Some("apiservice-failed-discovery-x509")));
    let f = get(&findings, 8);
    assert_says(f, "x509: certificate signed by unknown authority");
    assert_says(f, "insecureSkipTLSVerify unset");
    assert!(!has(&findings, 6));
}

#[test]
fn f08_not_for_a_timeout() {
    assert!(!has(&run(&sample::apiservice_unavailable()), 8));
}

const NO_REQUESTHEADER: &str = "W1110 10:00:06.601122       1 authentication.go:368] Cluster doesn't provide requestheader-client-ca-file in configmap/extension-apiserver-authentication in kube-system, so request-header client certificate authentication won't work.\n";

#[test]
fn f09_no_aggregation_layer() {
    let mut snap = with_apiservice(Some("apiservice-failed-discovery-401"));
    set_log(&mut snap, &format!("{NO_REQUESTHEADER}{}", logs::STARTUP));
    let f = get(&run(&snap), 9).clone();
    assert_says(&f, "Cluster doesn't provide requestheader-client-ca-file");
}

#[test]
fn f09_not_while_the_api_is_available() {
    let mut snap = sample::healthy();
    set_log(&mut snap, &format!("{NO_REQUESTHEADER}{}", logs::STARTUP));
    assert!(!has(&run(&snap), 9));
}
