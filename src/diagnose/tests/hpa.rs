//! F33–F37: HPAs that stopped scaling.

use super::*;

fn healthy_with_hpa(fixture: &str) -> Vec<Finding> {
    let mut snap = sample::healthy();
    snap.hpas = sample::snapshot(&[fixture]).hpas;
    run(&snap)
}

#[test]
fn f33_hpa_cannot_reach_the_metrics_api() {
    let findings = run(&sample::x509());
    let f = get(&findings, 33);
    assert_says(
        f,
        "HPA default/web: ScalingActive=False (FailedGetResourceMetric): the HPA was unable to compute the replica count",
    );
    assert_says(
        f,
        "the Metrics API itself is down: APIService v1beta1.metrics.k8s.io Available=False (MissingEndpoints)",
    );
}

#[test]
fn f33_not_for_a_scaling_hpa_or_from_lingering_events() {
    let mut snap = sample::healthy();
    snap.events = sample::snapshot(&["events-hpa-failed-get-resource-metric"]).events;
    assert!(run(&snap).is_empty());
}

#[test]
fn f33_from_events_when_the_hpa_has_no_conditions() {
    let mut snap = sample::x509();
    for hpa in &mut snap.hpas {
        hpa.status.as_mut().unwrap().conditions = None;
    }
    let f = get(&run(&snap), 33).clone();
    assert_says(
        &f,
        "event FailedComputeMetricsReplicas ×138 on horizontalpodautoscaler web",
    );
}

#[test]
fn f34_missing_requests() {
    let findings = healthy_with_hpa("hpa-missing-request");
    assert_eq!(ids(&findings), ["F34"]);
    assert_says(
        &findings[0],
        "missing request for cpu in container istio-proxy of Pod checkout-6b7c9d8f5-4kq2z",
    );
}

#[test]
fn f34_not_for_a_healthy_hpa() {
    assert!(healthy_with_hpa("hpa-healthy").is_empty());
}

#[test]
fn f35_no_metrics_for_the_targeted_pods() {
    let findings = healthy_with_hpa("hpa-no-metrics-returned");
    assert_eq!(ids(&findings), ["F35"]);
    assert_says(&findings[0], "HPA batch/worker");
}

#[test]
fn f35_not_for_an_unreachable_api() {
    assert!(!has(&run(&sample::x509()), 35));
}

#[test]
fn f36_container_metric_not_present() {
    let findings = healthy_with_hpa("hpa-container-not-present");
    assert_eq!(ids(&findings), ["F36"]);
    assert_says(
        &findings[0],
        "container app not present in metrics for pod default/api-5f6d7c8b9-q2w3e",
    );
}

#[test]
fn f36_not_for_missing_requests() {
    assert!(!has(&healthy_with_hpa("hpa-missing-request"), 36));
}

#[test]
fn f37_controller_forbidden() {
    let findings = healthy_with_hpa("hpa-forbidden");
    // The message also reads like F33; the specific cause wins.
    assert_eq!(ids(&findings), ["F37"]);
}

#[test]
fn f37_not_for_a_service_unavailable() {
    assert!(!has(&run(&sample::x509()), 37));
}
