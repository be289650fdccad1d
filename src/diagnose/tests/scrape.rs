//! F15–F27: scrape errors in the current log, with the objects that confirm them.

use super::*;

const NODES_2_3: [(&str, &str); 2] = [("node-2", "10.0.0.12"), ("node-3", "10.0.0.13")];

fn not_ready_failing(nodes: &[(&str, &str)], err: &str) -> Vec<Finding> {
    run(&not_ready_with_log(&failing(nodes, err)))
}

#[test]
fn f15_self_signed_kubelets_offer_only_the_quick_fix() {
    let findings = run(&sample::x509());
    let f = get(&findings, 15);
    assert_eq!(f.nodes, ["node-1", "node-2", "node-3"]);
    assert_says(f, "scrapes fail on 3 nodes of 3: node-1, node-2, node-3");
    assert_says(
        f,
        "x509: certificate signed by unknown authority\" node=\"node-2\"",
    );
    assert_says(f, "no kubelet-serving CSR for node-1, node-2, node-3");
    assert_eq!(fixes(f), [FixId::KubeletInsecureTls]);
}

#[test]
fn f15_pending_csrs_offer_the_proper_fix_first() {
    let findings = run(&sample::x509_pending_csrs());
    let f = get(&findings, 15);
    assert_says(
        f,
        "kubelet-serving CSRs waiting for approval: csr-2lw8n (node-1), csr-7xk2p (node-2), csr-hv4tc (node-3)",
    );
    assert_eq!(
        fixes(f),
        [FixId::ApproveKubeletCsrs, FixId::KubeletInsecureTls]
    );
    // The log explains these nodes, so the CSR-only F18 stays quiet.
    assert!(!has(&findings, 18));
}

#[test]
fn f15_not_from_previous_container_logs() {
    let mut snap = sample::healthy();
    snap.logs
        .push(sample::previous_log(POD, &logs::x509_unknown_authority()));
    assert!(run(&snap).is_empty());
}

#[test]
fn f15_only_nodes_still_failing_after_a_partial_fix() {
    // The 10:33:05 tick fails everywhere; the five ticks after it fail on node-3 only
    // (node-1 and node-2 got approved certificates). Recent enough not to be stale.
    let log = format!(
        "{}{}{}",
        logs::STARTUP,
        logs::failing_ticks(33, 1, &logs::ALL_NODES, logs::X509_UNKNOWN_AUTHORITY),
        logs::failing_ticks(
            33,
            6,
            &[("node-3", "10.0.0.13")],
            logs::X509_UNKNOWN_AUTHORITY
        ),
    );
    let f = get(&run(&not_ready_with_log(&log)), 15).clone();
    assert_eq!(f.nodes, ["node-3"]);
    assert_says(
        &f,
        "no longer failing (only earlier in the log): node-1, node-2",
    );
}

#[test]
fn f15_cleared_by_a_later_clean_line_for_the_node() {
    let scraping =
        "I1110 10:34:20.118001       1 scraper.go:121] \"Scraping node\" node=\"node-2\"\n";
    let log = format!(
        "{}{scraping}",
        failing(&[("node-2", "10.0.0.12")], logs::X509_UNKNOWN_AUTHORITY)
    );
    assert!(!has(&run(&not_ready_with_log(&log)), 15));
}

#[test]
fn f15_not_after_errors_stopped_long_ago() {
    // The errors ended at 10:01; the log has been quiet for half an hour.
    let log = format!(
        "{}{}",
        logs::STARTUP,
        logs::failing_ticks(0, 4, &logs::ALL_NODES, logs::X509_UNKNOWN_AUTHORITY)
    );
    assert!(!has(&run(&not_ready_with_log(&log)), 15));
}

#[test]
fn f15_not_from_a_pod_replaced_by_a_rollout() {
    let mut snap = sample::healthy();
    snap.logs.push(sample::log(
        "metrics-server-5c6d7e8f9-old00",
        &logs::x509_unknown_authority(),
    ));
    assert!(run(&snap).is_empty());
}

#[test]
fn f16_certificate_without_ip_sans() {
    let findings = not_ready_failing(
        &[("node-2", "10.0.0.12")],
        "tls: failed to verify certificate: x509: cannot validate certificate for 10.0.0.12 because it doesn't contain any IP SANs",
    );
    let f = get(&findings, 16);
    assert_eq!(f.nodes, ["node-2"]);
    assert_says(
        f,
        "node-2 is dialled at 10.0.0.12 (InternalIP, the first type of InternalIP, ExternalIP, Hostname it has)",
    );
    assert_eq!(fixes(f), [FixId::KubeletInsecureTls]);
    assert!(!has(&findings, 15));
}

#[test]
fn f16_not_for_an_unknown_authority() {
    assert!(!has(&run(&sample::x509()), 16));
}

#[test]
fn f17_expired_certificate() {
    let f = get(
        &not_ready_failing(
            &NODES_2_3,
            "tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time 2025-11-10T10:33:05Z is after 2025-11-09T08:20:00Z",
        ),
        17,
    )
    .clone();
    assert_eq!(f.nodes, ["node-2", "node-3"]);
    assert!(fixes(&f).contains(&FixId::KubeletInsecureTls));
}

#[test]
fn f17_not_for_valid_certificates() {
    assert!(!has(&run(&sample::x509()), 17));
}

#[test]
fn f18_tls_internal_error_offers_only_the_approval() {
    let mut snap = sample::x509_pending_csrs();
    set_log(
        &mut snap,
        &failing(&logs::ALL_NODES, "remote error: tls: internal error"),
    );
    let f = get(&run(&snap), 18).clone();
    assert_eq!(fixes(&f), [FixId::ApproveKubeletCsrs]);
    assert_says(&f, "csr-7xk2p (node-2)");
}

#[test]
fn f18_from_pending_csrs_when_the_log_is_unreadable() {
    let mut snap = sample::x509_pending_csrs();
    snap.logs.clear();
    snap.failures
        .push(sample::forbidden("get", "pods/log", Some("kube-system")));
    let findings = run(&snap);
    let f = get(&findings, 18);
    assert_eq!(f.nodes, ["node-1", "node-2", "node-3"]);
    assert_says(
        f,
        "no approved serving certificate for node-1, node-2, node-3",
    );
}

#[test]
fn f18_not_for_a_renewal_while_the_old_certificate_works() {
    let mut snap = sample::healthy();
    let pending = sample::snapshot(&["csrs-kubelet-serving-pending"]).kubelet_csrs;
    snap.kubelet_csrs.extend(pending);
    assert!(run(&snap).is_empty());
}

#[test]
fn f19_blocked_port_except_on_the_home_node() {
    let findings = not_ready_failing(&NODES_2_3, "dial tcp 10.0.0.12:10250: i/o timeout");
    let f = get(&findings, 19);
    assert_eq!(f.nodes, ["node-2", "node-3"]);
    assert_says(
        f,
        "every node fails except node-1, where metrics-server runs",
    );
    assert!(f.fixes.is_empty());
}

#[test]
fn f19_not_when_every_node_answers() {
    assert!(!has(&run(&sample::healthy()), 19));
}

#[test]
fn f20_node_names_do_not_resolve() {
    let mut snap = not_ready_with_log(&failing(
        &NODES_2_3,
        "dial tcp: lookup node-2 on 10.96.0.10:53: no such host",
    ));
    set_flag(
        &mut snap,
        "kubelet-preferred-address-types",
        "Hostname,InternalIP",
    );
    let findings = run(&snap);
    let f = get(&findings, 20);
    assert_says(f, "node-2 is dialled at node-2 (Hostname");
    assert_eq!(fixes(f), [FixId::PreferredAddressTypes]);
}

#[test]
fn f20_not_for_other_errors() {
    assert!(!has(&run(&sample::x509()), 20));
}

#[test]
fn f22_http_to_the_https_port() {
    let f = get(
        &not_ready_failing(
            &NODES_2_3,
            "http: server gave HTTP response to HTTPS client",
        ),
        22,
    )
    .clone();
    assert_eq!(fixes(&f), [FixId::DropLegacyPortFlags]);
}

#[test]
fn f23_kubelet_401() {
    let f = get(
        &not_ready_failing(&NODES_2_3, "request failed, status: \"401 Unauthorized\""),
        23,
    )
    .clone();
    assert_eq!(f.nodes, ["node-2", "node-3"]);
    assert!(f.fixes.is_empty());
}

#[test]
fn f23_not_for_a_403() {
    let findings = not_ready_failing(&NODES_2_3, "request failed, status: \"403 Forbidden\"");
    assert!(!has(&findings, 23));
    assert!(has(&findings, 24));
}

#[test]
fn f24_kubelet_403() {
    let f = get(
        &not_ready_failing(
            &logs::ALL_NODES,
            "request failed, status: \"403 Forbidden\"",
        ),
        24,
    )
    .clone();
    assert_says(&f, "scrapes fail on 3 nodes of 3");
}

#[test]
fn f24_not_for_a_webhook_authorizer_error() {
    // metrics-server's own SubjectAccessReview being refused is about incoming requests (F07).
    let line = "E1110 10:34:20.104822       1 webhook.go:224] Failed to make webhook authorizer request: subjectaccessreviews.authorization.k8s.io is forbidden: User \"system:serviceaccount:kube-system:metrics-server\" cannot create resource \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the cluster scope\n";
    assert!(!has(&run(&not_ready_with_log(line)), 24));
}

#[test]
fn f25_kubelet_404() {
    assert_eq!(
        get(
            &not_ready_failing(&NODES_2_3, "request failed, status: \"404 Not Found\""),
            25
        )
        .nodes,
        ["node-2", "node-3"]
    );
}

#[test]
fn f25_not_for_x509() {
    assert!(!has(&run(&sample::x509()), 25));
}

#[test]
fn f26_kubelet_500() {
    let f = get(
        &not_ready_failing(
            &NODES_2_3,
            "request failed, status: \"500 Internal Server Error\"",
        ),
        26,
    )
    .clone();
    assert_says(&f, "500 Internal Server Error");
}

#[test]
fn f26_not_for_a_404() {
    assert!(!has(
        &not_ready_failing(&NODES_2_3, "request failed, status: \"404 Not Found\""),
        26
    ));
}

const NODES_FORBIDDEN: &str = "E1110 10:34:12.551203       1 reflector.go:166] \"Unhandled Error\" err=\"k8s.io/client-go@v0.33.1/tools/cache/reflector.go:251: Failed to watch *v1.Node: failed to list *v1.Node: nodes is forbidden: User \\\"system:serviceaccount:kube-system:metrics-server\\\" cannot list resource \\\"nodes\\\" in API group \\\"\\\" at the cluster scope\" logger=\"UnhandledError\"\n";

#[test]
fn f27_cannot_list_nodes() {
    let f = get(&run(&not_ready_with_log(NODES_FORBIDDEN)), 27).clone();
    assert_says(&f, "nodes is forbidden");
}

#[test]
fn f27_not_from_an_old_line() {
    let old = NODES_FORBIDDEN.replace("10:34:12", "09:50:12");
    assert!(!has(&run(&not_ready_with_log(&old)), 27));
}
