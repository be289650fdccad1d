//! Evidence beyond log text: SubjectAccessReviews for metrics-server's ServiceAccount (F07,
//! F24, F27, F39), the APIService caBundle (F08), kubelet serving certificates read off the wire
//! (F15, F16, F17) and node Lease renew times (F31).

use super::*;
use crate::snapshot::{
    AccessReview, KubeletConfig, KubeletTls, NodeLease, NotChecked, ServiceAccountAccess,
    TrustAnchor,
};
use jiff::Timestamp;
use k8s_openapi::ByteString;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, date_time_ymd};

// --- ServiceAccount RBAC ------------------------------------------------------------------------

/// Every review metrics-server's RBAC answers, allowed unless named in `denied`
/// (`verb resource[/sub]`).
fn access(denied: &[&str]) -> ServiceAccountAccess {
    let r = |verb: &str,
             group: &str,
             res: &str,
             sub: Option<&str>,
             ns: Option<&str>,
             name: Option<&str>| {
        let key = match sub {
            Some(s) => format!("{verb} {res}/{s}"),
            None => format!("{verb} {res}"),
        };
        let allowed = !denied.contains(&key.as_str());
        AccessReview {
            verb: verb.into(),
            group: group.into(),
            resource: res.into(),
            subresource: sub.map(str::to_string),
            namespace: ns.map(str::to_string),
            name: name.map(str::to_string),
            allowed,
            reason: (!allowed).then(|| "no RBAC policy matched".to_string()),
        }
    };
    ServiceAccountAccess {
        service_account: "kube-system/metrics-server".into(),
        auth_reader_bindings: None,
        reviews: vec![
            r("get", "", "nodes", Some("metrics"), None, None),
            r("get", "", "nodes", Some("stats"), None, None),
            r("list", "", "nodes", None, None, None),
            r("watch", "", "nodes", None, None, None),
            r("list", "", "pods", None, None, None),
            r("watch", "", "pods", None, None, None),
            r(
                "get",
                "",
                "configmaps",
                None,
                Some("kube-system"),
                Some("extension-apiserver-authentication"),
            ),
            r(
                "create",
                "authentication.k8s.io",
                "tokenreviews",
                None,
                None,
                None,
            ),
            r(
                "create",
                "authorization.k8s.io",
                "subjectaccessreviews",
                None,
                None,
                None,
            ),
        ],
    }
}

const RBAC_RULES: [u8; 4] = [7, 24, 27, 39];

#[test]
fn a_granted_service_account_adds_nothing() {
    let mut snap = sample::healthy();
    snap.sa_access = Some(access(&[]));
    let findings = run(&snap);
    assert!(findings.is_empty(), "{:?}", ids(&findings));
}

#[test]
fn denied_nodes_metrics_is_f24_from_the_review_without_any_log_line() {
    let mut snap = sample::healthy();
    snap.sa_access = Some(access(&["get nodes/metrics"]));
    let findings = run(&snap);
    let f = get(&findings, 24);
    assert_eq!(f.severity, Severity::Error);
    assert_says(
        f,
        "SubjectAccessReview: ServiceAccount kube-system/metrics-server may not get nodes/metrics \
         (no RBAC policy matched)",
    );
    assert_says(f, "v0.8.0 scrapes /metrics/resource");
    for id in [7, 27, 39] {
        assert!(!has(&findings, id), "F{id:02}: {:?}", ids(&findings));
    }
}

#[test]
fn the_subresource_follows_the_version() {
    let old = |denied: &[&str]| {
        let mut snap = sample::healthy();
        if let Some(i) = snap.install.as_mut() {
            i.version = Some(crate::vocab::Version::new(0, 5, 2));
        }
        snap.sa_access = Some(access(denied));
        run(&snap)
    };
    // v0.5 scrapes /stats/summary: nodes/metrics alone does not matter, nodes/stats does.
    assert!(!has(&old(&["get nodes/metrics"]), 24));
    let f = old(&["get nodes/stats"]);
    assert_says(get(&f, 24), "v0.5.2 scrapes /stats/summary");
    // And v0.8 does not need nodes/stats.
    let mut snap = sample::healthy();
    snap.sa_access = Some(access(&["get nodes/stats"]));
    assert!(!has(&run(&snap), 24));
}

#[test]
fn denied_list_or_watch_is_f27() {
    let mut snap = sample::healthy();
    snap.sa_access = Some(access(&["list nodes", "watch pods"]));
    let findings = run(&snap);
    let f = get(&findings, 27);
    assert_says(f, "may not list nodes");
    assert_says(f, "may not watch pods");
    assert!(!has(&findings, 24));
}

#[test]
fn no_auth_delegation_is_f07_and_no_auth_reader_is_f39() {
    let mut snap = sample::healthy();
    snap.sa_access = Some(access(&["create tokenreviews", "get configmaps"]));
    let findings = run(&snap);
    let f07 = get(&findings, 7);
    assert_says(f07, "may not create tokenreviews.authentication.k8s.io");
    assert!(f07.title.en.contains("system:auth-delegator"));
    let f39 = get(&findings, 39);
    assert_eq!(f39.severity, Severity::Error);
    assert_says(
        f39,
        "may not get configmaps/extension-apiserver-authentication -n kube-system",
    );
    assert!(
        !says(f39, "must be in kube-system"),
        "installed in kube-system"
    );
}

#[test]
fn auth_reader_outside_kube_system_names_the_namespace() {
    let mut snap = sample::healthy();
    if let Some(i) = snap.install.as_mut() {
        i.namespace = "monitoring".into();
    }
    let mut a = access(&["get configmaps"]);
    a.service_account = "monitoring/metrics-server".into();
    a.auth_reader_bindings = Some(vec![(
        "metrics-server-auth-reader".into(),
        vec!["ServiceAccount kube-system/metrics-server".into()],
    )]);
    snap.sa_access = Some(a.clone());
    let f = run(&snap);
    let f39 = get(&f, 39);
    assert_says(
        f39,
        "metrics-server runs in monitoring, but that RoleBinding must be in kube-system",
    );
    // The binding the manifest made still names the old namespace's account.
    assert_says(
        f39,
        "RoleBinding kube-system/metrics-server-auth-reader (extension-apiserver-authentication-reader) \
         binds ServiceAccount kube-system/metrics-server, not ServiceAccount monitoring/metrics-server",
    );
    a.auth_reader_bindings = Some(Vec::new());
    snap.sa_access = Some(a);
    assert_says(
        get(&run(&snap), 39),
        "no RoleBinding in kube-system refers to the extension-apiserver-authentication-reader Role",
    );
}

#[test]
fn reviews_mstui_could_not_make_are_coverage_not_findings() {
    let mut snap = sample::healthy();
    snap.sa_access = None;
    snap.not_checked.push(NotChecked {
        what: "the RBAC of ServiceAccount kube-system/metrics-server (F07, F24, F27, F39)".into(),
        why: "create subjectaccessreviews: forbidden".into(),
    });
    let findings = run(&snap);
    assert!(findings.is_empty(), "{:?}", ids(&findings));
    for id in RBAC_RULES {
        assert!(!has(&findings, id));
    }
}

// --- Certificates -------------------------------------------------------------------------------

struct Ca {
    pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn ca(cn: &str, valid: Option<(i32, i32)>) -> Ca {
    let key = KeyPair::generate().expect("key");
    let mut p = CertificateParams::new(Vec::<String>::new()).expect("params");
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    if let Some((from, to)) = valid {
        p.not_before = date_time_ymd(from, 1, 1);
        p.not_after = date_time_ymd(to, 1, 1);
    }
    let cert = p.self_signed(&key).expect("self-sign");
    Ca {
        pem: cert.pem(),
        issuer: Issuer::new(p, key),
    }
}

fn leaf(ca: &Ca, sans: &[&str], valid: Option<(i32, i32)>) -> Vec<u8> {
    let key = KeyPair::generate().expect("key");
    let mut p = CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        .expect("params");
    p.distinguished_name.push(DnType::CommonName, "kubelet");
    if let Some((from, to)) = valid {
        p.not_before = date_time_ymd(from, 1, 1);
        p.not_after = date_time_ymd(to, 1, 1);
    }
    p.signed_by(&key, &ca.issuer).expect("sign").der().to_vec()
}

/// `snap` with the cluster CA `cluster` and node-1's kubelet at 10.0.0.11:10250 presenting `der`.
fn with_kubelet(mut snap: Snapshot, cluster: &Ca, der: Vec<u8>) -> Snapshot {
    snap.cluster_ca = Some(TrustAnchor {
        source: "configmap kube-system/kube-root-ca.crt key ca.crt".into(),
        pem: cluster.pem.clone(),
    });
    snap.kubelet_tls = vec![KubeletTls {
        node: "node-1".into(),
        address: "10.0.0.11".into(),
        port: 10250,
        chain: Ok(vec![der]),
    }];
    snap
}

/// The x509 story without its log: only the certificate can tell.
fn silent_x509() -> Snapshot {
    let mut snap = sample::x509();
    snap.logs.clear();
    snap
}

#[test]
fn a_kubelet_cert_from_another_ca_is_f15_from_the_cert_itself() {
    let cluster = ca("kubernetes", None);
    let other = ca("kubelet-ca", None);
    let snap = with_kubelet(
        silent_x509(),
        &cluster,
        leaf(&other, &["node-1", "10.0.0.11"], None),
    );
    let findings = run(&snap);
    let f = get(&findings, 15);
    assert_eq!(f.nodes, ["node-1"]);
    assert_says(
        f,
        "kubelet cert of node-1 (10.0.0.11:10250): issued by CN=kubelet-ca, not signed by the \
         cluster CA CN=kubernetes (configmap kube-system/kube-root-ca.crt key ca.crt)",
    );
    assert!(f.offers(FixId::KubeletInsecureTls));
    assert!(
        !has(&findings, 16) && !has(&findings, 17),
        "{:?}",
        ids(&findings)
    );
    // No log line agrees yet: measured, a warning.
    assert_eq!(f.severity, Severity::Warning);
    assert_says(f, "measured from the certificate alone");
}

#[test]
fn a_cert_finding_the_log_confirms_is_one_error() {
    let cluster = ca("kubernetes", None);
    let other = ca("kubelet-ca", None);
    let snap = with_kubelet(
        sample::x509(),
        &cluster,
        leaf(&other, &["node-1", "10.0.0.11"], None),
    );
    let findings = run(&snap);
    assert_eq!(findings.iter().filter(|f| f.id.number() == 15).count(), 1);
    let f = get(&findings, 15);
    assert_eq!(f.severity, Severity::Error);
    assert_says(f, "x509: certificate signed by unknown authority");
    assert_says(
        f,
        "kubelet cert of node-1 (10.0.0.11:10250): issued by CN=kubelet-ca",
    );
    assert!(!says(f, "measured from the certificate alone"));
}

#[test]
fn a_self_signed_kubelet_cert_says_so() {
    let cluster = ca("kubernetes", None);
    let own = ca("node-1@1731234567", None);
    let der = crate::certs::pem_certs(own.pem.as_bytes()).remove(0);
    let f = run(&with_kubelet(silent_x509(), &cluster, der));
    assert_says(get(&f, 15), "issued by CN=node-1@1731234567, self-signed");
}

#[test]
fn a_cluster_signed_kubelet_cert_for_the_dialled_ip_adds_nothing() {
    let cluster = ca("kubernetes", None);
    let snap = with_kubelet(
        silent_x509(),
        &cluster,
        leaf(&cluster, &["node-1", "10.0.0.11"], None),
    );
    let findings = run(&snap);
    for id in [15, 16, 17] {
        assert!(!has(&findings, id), "F{id}: {:?}", ids(&findings));
    }
}

#[test]
fn a_cert_without_the_dialled_ip_is_f16_with_its_sans() {
    let cluster = ca("kubernetes", None);
    let snap = with_kubelet(silent_x509(), &cluster, leaf(&cluster, &["node-1"], None));
    let findings = run(&snap);
    let f = get(&findings, 16);
    assert_says(
        f,
        "kubelet cert of node-1 (10.0.0.11:10250): SANs DNS:node-1; no IP SAN for 10.0.0.11",
    );
    assert!(
        !has(&findings, 15),
        "the issuer is trusted: {:?}",
        ids(&findings)
    );
}

#[test]
fn an_expired_kubelet_cert_is_f17() {
    let cluster = ca("kubernetes", None);
    let snap = with_kubelet(
        silent_x509(),
        &cluster,
        leaf(&cluster, &["10.0.0.11"], Some((2023, 2024))),
    );
    let findings = run(&snap);
    assert_says(
        get(&findings, 17),
        "kubelet cert of node-1 (10.0.0.11:10250): expired at 2024-01-01T00:00:00Z",
    );
    assert!(!has(&findings, 15) && !has(&findings, 16));
}

#[test]
fn insecure_tls_or_a_scraped_node_or_no_dial_means_no_cert_finding() {
    let cluster = ca("kubernetes", None);
    let other = ca("kubelet-ca", None);
    let bad = || leaf(&other, &["node-1"], Some((2023, 2024)));
    // Scraped: node-1 has metrics on the healthy cluster.
    let findings = run(&with_kubelet(sample::healthy(), &cluster, bad()));
    assert!(findings.is_empty(), "{:?}", ids(&findings));
    // --kubelet-insecure-tls: nothing is verified.
    let mut snap = with_kubelet(silent_x509(), &cluster, bad());
    let c = &mut snap
        .deployment
        .as_mut()
        .unwrap()
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0];
    c.args
        .get_or_insert_with(Vec::new)
        .push("--kubelet-insecure-tls".into());
    let findings = run(&snap);
    for id in [15, 16, 17] {
        assert!(!has(&findings, id), "F{id}: {:?}", ids(&findings));
    }
    // Unreachable: not checked.
    let mut snap = with_kubelet(silent_x509(), &cluster, bad());
    snap.kubelet_tls[0].chain = Err("dial tcp 10.0.0.11:10250: connection refused".into());
    let findings = run(&snap);
    for id in [15, 16, 17] {
        assert!(!has(&findings, id), "F{id}: {:?}", ids(&findings));
    }
}

#[test]
fn a_logged_unknown_authority_with_a_cluster_signed_cert_points_at_another_ca() {
    let cluster = ca("kubernetes", None);
    let snap = with_kubelet(
        sample::x509(),
        &cluster,
        leaf(&cluster, &["node-1", "10.0.0.11"], None),
    );
    let f = run(&snap);
    assert_says(
        get(&f, 15),
        "kubelet cert of node-1 (10.0.0.11:10250): signed by the cluster CA CN=kubernetes",
    );
}

fn with_ca_bundle(mut snap: Snapshot, pem: &[u8]) -> Snapshot {
    let spec = snap.apiservice.as_mut().unwrap().spec.as_mut().unwrap();
    spec.insecure_skip_tls_verify = None;
    spec.ca_bundle = Some(ByteString(pem.to_vec()));
    snap
}

#[test]
fn an_expired_ca_bundle_is_f08() {
    let old = ca("metrics-server-ca", Some((2022, 2024)));
    let findings = run(&with_ca_bundle(sample::healthy(), old.pem.as_bytes()));
    let f = get(&findings, 8);
    assert_says(
        f,
        "APIService caBundle: CN=metrics-server-ca expired at 2024-01-01T00:00:00Z",
    );
    assert_says(
        f,
        "no certificate in the caBundle is valid at 2025-11-10T10:35:00Z",
    );
}

#[test]
fn an_unparsable_ca_bundle_is_f08() {
    let findings = run(&with_ca_bundle(sample::healthy(), b"not a certificate"));
    assert_says(
        get(&findings, 8),
        "APIService caBundle (17 bytes) holds no parsable PEM certificate",
    );
}

#[test]
fn a_valid_ca_bundle_or_skipped_verification_adds_nothing() {
    let good = ca("metrics-server-ca", None);
    let old = ca("old", Some((2022, 2024)));
    let both = format!("{}{}", old.pem, good.pem);
    assert!(run(&with_ca_bundle(sample::healthy(), both.as_bytes())).is_empty());
    let mut snap = with_ca_bundle(sample::healthy(), b"junk");
    snap.apiservice
        .as_mut()
        .unwrap()
        .spec
        .as_mut()
        .unwrap()
        .insecure_skip_tls_verify = Some(true);
    assert!(run(&snap).is_empty());
}

/// The healthy snapshot verifying metrics-server against `bundle`, serving `serving` from a
/// Secret.
fn with_serving_cert(bundle: &Ca, serving: &str) -> Snapshot {
    let mut snap = with_ca_bundle(sample::healthy(), bundle.pem.as_bytes());
    snap.serving_cert = Some(TrustAnchor {
        source: "secret kube-system/metrics-server-tls key tls.crt".into(),
        pem: serving.to_string(),
    });
    snap
}

fn pem_of(der: Vec<u8>) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

#[test]
fn a_serving_cert_from_another_ca_or_without_the_service_name_is_f08() {
    let bundle = ca("metrics-server-ca", None);
    let other = ca("cert-manager-ca", None);
    let svc = "metrics-server.kube-system.svc";
    let f = run(&with_serving_cert(
        &bundle,
        &pem_of(leaf(&other, &[svc], None)),
    ));
    assert_says(
        get(&f, 8),
        "serving cert of metrics-server (secret kube-system/metrics-server-tls key tls.crt): \
         issued by CN=cert-manager-ca, not signed by the caBundle's CA CN=metrics-server-ca",
    );
    let f = run(&with_serving_cert(
        &bundle,
        &pem_of(leaf(&bundle, &["metrics-server"], None)),
    ));
    let f08 = get(&f, 8);
    assert_says(
        f08,
        "SANs DNS:metrics-server; no DNS SAN for metrics-server.kube-system.svc",
    );
    assert!(!says(f08, "not signed by"), "{:?}", f08.evidence);
}

#[test]
fn a_serving_cert_signed_by_the_bundle_for_the_service_adds_nothing() {
    let bundle = ca("metrics-server-ca", None);
    let good = pem_of(leaf(&bundle, &["metrics-server.kube-system.svc"], None));
    let findings = run(&with_serving_cert(&bundle, &good));
    assert!(findings.is_empty(), "{:?}", ids(&findings));
}

// --- Clock skew from Leases ---------------------------------------------------------------------

fn with_leases(mut snap: Snapshot, renews: &[(&str, &str)]) -> Snapshot {
    snap.apiserver_time = Some(sample::now());
    snap.node_leases = renews
        .iter()
        .map(|(node, t)| NodeLease {
            node: node.to_string(),
            renew_time: Some(t.parse::<Timestamp>().unwrap()),
        })
        .collect();
    snap
}

#[test]
fn a_lease_renewed_in_the_future_is_f31() {
    let snap = with_leases(
        sample::healthy(),
        &[
            ("node-1", "2025-11-10T10:34:55Z"),
            ("node-2", "2025-11-10T10:40:00Z"),
        ],
    );
    let findings = run(&snap);
    let f = get(&findings, 31);
    assert_eq!(f.nodes, ["node-2"]);
    assert_says(
        f,
        "Lease kube-node-lease/node-2 renewed at 2025-11-10T10:40:00Z by the node's clock, 300 s \
         ahead of the API server's clock (2025-11-10T10:35:00Z)",
    );
}

#[test]
fn a_ready_node_far_behind_is_f31_but_a_down_node_is_not() {
    let snap = with_leases(
        sample::healthy(),
        &[
            ("node-1", "2025-11-10T10:25:00Z"),
            ("node-3", "2025-11-10T10:20:00Z"),
        ],
    );
    let mut snap = snap;
    // node-3 stopped renewing because it is down, not because its clock is slow.
    let down = sample::snapshot(&["node-3-not-ready"]).nodes.remove(0);
    if let Some(n) = snap
        .nodes
        .iter_mut()
        .find(|n| n.metadata.name.as_deref() == Some("node-3"))
    {
        *n = down;
    }
    let findings = run(&snap);
    let f = get(&findings, 31);
    assert_eq!(f.nodes, ["node-1"]);
    assert_says(
        f,
        "600 s behind the API server's clock (2025-11-10T10:35:00Z) while the node is Ready",
    );
}

#[test]
fn leases_in_step_or_without_the_server_clock_add_nothing() {
    let snap = with_leases(
        sample::healthy(),
        &[
            ("node-1", "2025-11-10T10:34:50Z"),
            ("node-2", "2025-11-10T10:35:20Z"),
        ],
    );
    assert!(run(&snap).is_empty());
    let mut snap = with_leases(sample::healthy(), &[("node-2", "2025-11-10T11:40:00Z")]);
    snap.apiserver_time = None;
    assert!(run(&snap).is_empty(), "mstui's own clock is no reference");
}

// --- Kubelet configuration (configz) ------------------------------------------------------------

fn config(node: &str, webhook: bool, anonymous: bool, mode: &str, ro: i64) -> KubeletConfig {
    KubeletConfig {
        node: node.into(),
        webhook_authn: Some(webhook),
        anonymous: Some(anonymous),
        authz_mode: Some(mode.into()),
        read_only_port: Some(ro),
    }
}

#[test]
fn a_kubelet_without_token_webhook_is_f23_from_its_configz() {
    let mut snap = silent_x509();
    snap.kubelet_configs = vec![
        config("node-1", false, false, "AlwaysAllow", 0),
        config("node-2", false, true, "Webhook", 0),
        config("node-3", true, false, "Webhook", 0),
    ];
    let findings = run(&snap);
    let f = get(&findings, 23);
    assert_eq!(f.nodes, ["node-1", "node-2"]);
    assert_says(
        f,
        "configz of node-1: authentication.webhook.enabled=false, \
         authentication.anonymous.enabled=false, authorization.mode=AlwaysAllow: \
         metrics-server's token is not checked; anonymous requests are refused too",
    );
    assert_says(f, "configz of node-2: authentication.webhook.enabled=false");
    assert_says(f, "Webhook authorization refuses (403)");
}

#[test]
fn legacy_kubelet_defaults_or_a_scraped_node_are_not_f23() {
    let mut snap = silent_x509();
    // Flag-configured legacy kubelet: anonymous on, AlwaysAllow: metrics-server works anonymously.
    snap.kubelet_configs = vec![config("node-1", false, true, "AlwaysAllow", 10255)];
    assert!(!has(&run(&snap), 23));
    // A node with metrics was scraped, whatever its configz says.
    let mut snap = sample::healthy();
    snap.kubelet_configs = vec![config("node-1", false, false, "Webhook", 0)];
    assert!(run(&snap).is_empty());
}

#[test]
fn the_read_only_port_turned_off_confirms_f22() {
    let with_port = |args: &[&str], ro: i64| {
        let mut snap = silent_x509();
        let c = &mut snap
            .deployment
            .as_mut()
            .unwrap()
            .spec
            .as_mut()
            .unwrap()
            .template
            .spec
            .as_mut()
            .unwrap()
            .containers[0];
        let a = c.args.get_or_insert_with(Vec::new);
        a.retain(|x| x != "--kubelet-use-node-status-port");
        a.extend(args.iter().map(|s| s.to_string()));
        snap.kubelet_configs = vec![config("node-2", true, false, "Webhook", ro)];
        run(&snap)
    };
    let f = with_port(&["--kubelet-port=10255"], 0);
    assert_says(
        get(&f, 22),
        "configz of node-2: readOnlyPort 0 (the read-only port is off), while metrics-server \
         dials --kubelet-port=10255",
    );
    assert!(
        !with_port(&["--kubelet-port=10255"], 10255)
            .iter()
            .any(|f| f.evidence.iter().any(|e| e.starts_with("configz")))
    );
    assert!(
        !has(&with_port(&[], 0), 22),
        "10250 does not care about the read-only port"
    );
}
