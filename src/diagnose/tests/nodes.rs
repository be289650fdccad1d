//! Node checks from the objects: addresses (F21, F19), coverage (F28, F30), clocks (F31).

use super::*;

/// The healthy snapshot plus node fixtures, with NodeMetrics for nodes 1–3 only.
fn healthy_with_nodes(extra: &[&str]) -> Snapshot {
    let mut snap = sample::healthy();
    for node in sample::snapshot(extra).nodes {
        snap.nodes.retain(|n| n.metadata.name != node.metadata.name);
        snap.nodes.push(node);
    }
    snap
}

#[test]
fn f21_node_without_addresses() {
    let findings = run(&healthy_with_nodes(&["node-4-no-addresses"]));
    let f = get(&findings, 21);
    assert_eq!(f.nodes, ["node-4"]);
    assert_says(f, "node-4 has no addresses");
    assert_says(f, "node.cloudprovider.kubernetes.io/uninitialized");
    // No address at all: reordering the types cannot help.
    assert!(f.fixes.is_empty());
    assert!(!has(&findings, 28));
}

#[test]
fn f21_preferred_type_no_node_publishes() {
    let mut snap = sample::x509();
    snap.logs.clear();
    set_flag(&mut snap, "kubelet-preferred-address-types", "InternalDNS");
    let findings = run(&snap);
    let f = get(&findings, 21);
    assert_eq!(f.nodes, ["node-1", "node-2", "node-3"]);
    assert_says(
        f,
        "node-2 has addresses InternalIP 10.0.0.12, Hostname node-2",
    );
    assert_eq!(fixes(f), [FixId::PreferredAddressTypes]);
}

#[test]
fn f21_not_for_a_node_with_a_usable_address() {
    let mut snap = healthy_with_nodes(&["node-5-external-ip"]);
    let mut metrics = snap.node_metrics.take().unwrap();
    let mut five = metrics[0].clone();
    five.metadata.name = Some("node-5".into());
    metrics.push(five);
    snap.node_metrics = Some(metrics);
    assert!(run(&snap).is_empty());
}

#[test]
fn f19_external_address_preferred() {
    let mut snap = healthy_with_nodes(&["node-5-external-ip"]);
    set_flag(
        &mut snap,
        "kubelet-preferred-address-types",
        "ExternalIP,InternalIP",
    );
    let findings = run(&snap);
    let f = get(&findings, 19);
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.nodes, ["node-5"]);
    assert_says(
        f,
        "node-5 is dialled at its ExternalIP 203.0.113.15 although it has an InternalIP",
    );
    assert_eq!(fixes(f), [FixId::PreferredAddressTypes]);
}

#[test]
fn f19_not_when_internal_ip_comes_first() {
    let findings = run(&healthy_with_nodes(&["node-5-external-ip"]));
    assert!(!has(&findings, 19));
}

#[test]
fn f28_nodes_missing_without_scrape_errors() {
    let mut snap = sample::healthy();
    snap.node_metrics = sample::snapshot(&["nodemetrics-node-1-only"]).node_metrics;
    let findings = run(&snap);
    let f = get(&findings, 28);
    assert_eq!(f.nodes, ["node-2", "node-3"]);
    assert_says(f, "nodes without metrics: node-2, node-3");
    assert_says(f, "NodeMetrics lists 1 of 3 nodes");
    assert_says(
        f,
        "node-2 (no metrics): kubelet v1.33.1, containerd://2.0.5",
    );
    assert_eq!(ids(&findings), ["F28"]);
}

#[test]
fn f28_not_for_nodes_the_log_explains() {
    let mut snap = sample::healthy();
    snap.node_metrics = sample::snapshot(&["nodemetrics-node-1-only"]).node_metrics;
    set_log(
        &mut snap,
        &failing(
            &[("node-2", "10.0.0.12"), ("node-3", "10.0.0.13")],
            "dial tcp 10.0.0.12:10250: connect: no route to host",
        ),
    );
    let findings = run(&snap);
    assert!(!has(&findings, 28));
    assert_eq!(get(&findings, 19).nodes, ["node-2", "node-3"]);
}

#[test]
fn f30_not_ready_node_is_skipped_not_broken() {
    let mut snap = healthy_with_nodes(&["node-3-not-ready"]);
    let mut metrics = snap.node_metrics.take().unwrap();
    metrics.retain(|m| m.metadata.name.as_deref() != Some("node-3"));
    snap.node_metrics = Some(metrics);
    let findings = run(&snap);
    let f = get(&findings, 30);
    assert_eq!(f.severity, Severity::Info);
    assert_says(f, "node-3 is not Ready (Ready=Unknown)");
    assert!(!has(&findings, 28));
}

#[test]
fn f30_not_when_every_node_has_metrics() {
    assert!(!has(&run(&healthy_with_nodes(&["node-3-not-ready"])), 30));
}

#[test]
fn f31_counter_went_backwards() {
    let line = "E1110 10:34:35.220145       1 storage.go:88] \"Skipping node usage metric\" err=\"unexpected decrease in cumulative CPU usage value\" node=\"node-2\" timestamp=\"2025-11-10 10:34:20 +0000 UTC\"\n";
    let mut snap = sample::healthy();
    set_log(&mut snap, &format!("{}{line}", logs::STARTUP));
    let f = get(&run(&snap), 31).clone();
    assert_eq!(f.severity, Severity::Warning);
    assert_says(&f, "unexpected decrease in cumulative CPU usage value");
}

#[test]
fn f31_not_on_a_clean_log() {
    assert!(!has(&run(&sample::healthy()), 31));
}

const POD_METRICS_MISSING: &str = "I1110 10:34:50.100412       1 storage.go:102] \"Metric storage is not ready, pod metrics are missing, this may indicate a container-runtime or kubelet issue\"\n";

#[test]
fn f29_pod_metrics_missing() {
    let mut snap = sample::x509();
    set_log(
        &mut snap,
        &format!("{}{POD_METRICS_MISSING}", logs::STARTUP),
    );
    let findings = run(&snap);
    let f = get(&findings, 29);
    assert_says(f, "pod metrics are missing");
    assert!(has(&findings, 14));
}

#[test]
fn f29_not_when_the_line_is_old() {
    let mut snap = sample::x509();
    let old = POD_METRICS_MISSING.replace("10:34:50", "10:02:50");
    set_log(&mut snap, &format!("{}{old}", logs::STARTUP));
    assert!(!has(&run(&snap), 29));
}
