//! Whole-snapshot properties: the healthy case, ordering, determinism, the seed story.

use super::*;
use crate::vocab::Step;

#[test]
fn healthy_snapshot_has_no_findings() {
    assert_eq!(run(&sample::healthy()), Vec::<Finding>::new());
}

#[test]
fn healthy_helm_and_kube_up_layouts_have_no_findings() {
    for deployment in ["deployment-helm", "deployment-kube-up"] {
        let mut snap = sample::healthy();
        let other = sample::snapshot(&["apiservice-available", deployment]);
        snap.deployment = other.deployment;
        snap.install = other.install;
        assert!(snap.install.is_some(), "{deployment} located");
        assert_eq!(run(&snap), Vec::<Finding>::new(), "{deployment}");
    }
}

#[test]
fn the_seed_story_walks_logs_then_tls_then_verify() {
    let findings = run(&sample::x509());
    assert_eq!(ids(&findings), ["F14", "F15", "F33"]);
    let steps: Vec<Step> = findings.iter().map(|f| f.step).collect();
    assert_eq!(steps, [Step::Logs, Step::Tls, Step::RestartVerify]);
    let f14 = get(&findings, 14);
    assert_eq!(
        f14.evidence[0],
        "APIService v1beta1.metrics.k8s.io Available=False (MissingEndpoints): endpoints for \
         service/metrics-server in \"kube-system\" have no addresses with port name \"https\""
    );
    assert_eq!(
        f14.evidence[1],
        "pod metrics-server-7d9f5c8b6-x2vqp: Running, 0/1 ready, 0 restarts"
    );
}

#[test]
fn findings_are_sorted_by_step_then_severity_then_id() {
    let mut snap = sample::x509();
    add_flags(&mut snap, &["--kubelet-preferred-address-types=Hostname"]);
    let findings = run(&snap);
    let keys: Vec<_> = findings
        .iter()
        .map(|f| (f.step, std::cmp::Reverse(f.severity), f.id))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(has(&findings, 38), "{:?}", ids(&findings));
}

#[test]
fn output_does_not_depend_on_input_order() {
    let snap = sample::x509_pending_csrs();
    let mut shuffled = snap.clone();
    shuffled.nodes.reverse();
    shuffled.kubelet_csrs.reverse();
    shuffled.events.reverse();
    assert_eq!(run(&snap), run(&shuffled));
    assert_eq!(run(&snap), run(&snap));
}

#[test]
fn nodes_are_sorted_and_unique() {
    let log = failing(
        &[
            ("node-3", "10.0.0.13"),
            ("node-1", "10.0.0.11"),
            ("node-3", "10.0.0.13"),
        ],
        logs::X509_UNKNOWN_AUTHORITY,
    );
    let findings = run(&not_ready_with_log(&log));
    assert_eq!(get(&findings, 15).nodes, ["node-1", "node-3"]);
}

#[test]
fn every_finding_carries_catalog_text_and_evidence() {
    for snap in [
        sample::x509(),
        sample::x509_pending_csrs(),
        sample::apiservice_unavailable(),
    ] {
        for f in run(&snap) {
            assert!(!f.title.is_empty() && !f.explanation.is_empty());
            assert!(!f.evidence.is_empty(), "{} has no evidence", f.id);
        }
    }
}
