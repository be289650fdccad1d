//! Tests of [`classify`](super::classify): rules, look-alikes, fixtures and invariants.

use super::*;
use crate::logs::signatures::{ERR_SIGS, LINE_SIGS, Verdict};
use std::collections::BTreeSet;

const E: Option<Severity> = Some(Severity::Error);
const W: Option<Severity> = Some(Severity::Warning);

/// A klog error line around `msg`.
fn err_line(msg: &str) -> String {
    format!("E1110 10:30:00.123456       1 scraper.go:149] {msg}")
}

/// A klog info line around `msg`.
fn info_line(msg: &str) -> String {
    format!("I1110 10:30:00.123456       1 server.go:191] {msg}")
}

/// A v0.5+ scrape failure for `err` (given unescaped; quoted here the way klog does).
fn scrape(err: &str) -> String {
    let quoted = err.replace('\\', "\\\\").replace('"', "\\\"");
    err_line(&format!(
        r#""Failed to scrape node" err="{quoted}" node="worker-1""#
    ))
}

fn resource_err(tail: &str) -> String {
    format!(r#"Get "https://10.0.1.11:10250/metrics/resource": {tail}"#)
}

/// Lines that must classify as the given rule and severity.
fn positives() -> Vec<(String, Option<u8>, Option<Severity>)> {
    let mut v: Vec<(String, Option<u8>, Option<Severity>)> = vec![
        // F01
        ("error: the server could not find the requested resource (get services http:heapster:)".into(), Some(1), E),
        ("unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)".into(), Some(1), E),
        // F03–F06, F08 (APIService messages)
        (r#"service/metrics-server in "kube-system" is not present"#.into(), Some(3), E),
        (r#"service/metrics-server in "kube-system" is not listening on port 443"#.into(), Some(4), E),
        (r#"cannot find endpoints for service/metrics-server in "kube-system""#.into(), Some(5), E),
        (r#"endpointslices for service/metrics-server in "kube-system" have no addresses with port name "https""#.into(), Some(5), E),
        (r#"failing or missing response from https://10.96.143.77:443/apis/metrics.k8s.io/v1beta1: Get "https://10.96.143.77:443/apis/metrics.k8s.io/v1beta1": context deadline exceeded"#.into(), Some(6), E),
        ("timed out waiting for https://10.96.143.77:443/apis/metrics.k8s.io/v1beta1".into(), Some(6), E),
        (r#"failing or missing response from https://10.244.1.7:10250/apis/metrics.k8s.io/v1beta1: Get "https://10.244.1.7:10250/apis/metrics.k8s.io/v1beta1": tls: failed to verify certificate: x509: certificate signed by unknown authority"#.into(), Some(8), E),
        // F07
        (err_line(r#""Unable to authenticate the request" err="[x509: certificate signed by unknown authority (possibly because of \"crypto/rsa: verification error\" while trying to verify candidate authority certificate \"front-proxy-ca\")]""#), Some(7), W),
        (err_line("Unable to authenticate the request due to an error: x509: certificate has expired or is not yet valid"), Some(7), W),
        (err_line(r#""Unable to authenticate the request" err="[x509: certificate has expired or is not yet valid: current time 2026-11-10T10:30:00Z is after 2026-11-02T08:14:11Z, verifying certificate SN=1, SKID=, AKID= failed: x509: subject with cn=kubernetes is not in the allowed list: [aggregator]]""#), Some(7), W),
        (err_line(r#""Failed to make webhook authorizer request" err="subjectaccessreviews.authorization.k8s.io is forbidden: User \"system:serviceaccount:kube-system:metrics-server\" cannot create resource \"subjectaccessreviews\"""#), Some(7), E),
        ("failing or missing response from https://10.244.1.7:10250/apis/metrics.k8s.io/v1beta1: bad status from https://10.244.1.7:10250/apis/metrics.k8s.io/v1beta1: 401".into(), Some(7), E),
        ("unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: an error on the server (\"Internal Server Error: \\\"/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb\\\": Unauthorized\") has prevented the request from succeeding".into(), Some(7), E),
        // F09
        ("W1110 10:29:50.902261       1 authentication.go:296] Cluster doesn't provide requestheader-client-ca-file in configmap/extension-apiserver-authentication in kube-system, so request-header client certificate authentication won't work.".into(), Some(9), W),
        // F10, F11 (events)
        (r#"Error creating: pods "metrics-server-7f9c6d8b5-9xw2p" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true"#.into(), Some(10), E),
        ("0/3 nodes are available: 3 Insufficient memory.".into(), Some(10), E),
        ("Error creating: insufficient quota to match these scopes: [{PriorityClass In [system-node-critical system-cluster-critical]}]".into(), Some(10), E),
        (r#"Failed to pull image "registry.k8s.io/metrics-server/metrics-server:v0.7.9": not found"#.into(), Some(11), E),
        (r#"Back-off pulling image "registry.k8s.io/metrics-server/metrics-server:v0.7.9""#.into(), Some(11), E),
        // F12 (startup)
        ("Error: unknown flag: --logtostderr".into(), Some(12), E),
        ("panic: unknown flag: --kubelet-request-timeout".into(), Some(12), E),
        ("Error: Metric-resolution should be a time duration at least 10s, but value 5s provided".into(), Some(12), E),
        ("Error: metric-resolution should be larger than kubelet-request-timeout, but metric-resolution value 10s kubelet-request-timeout value 10s provided".into(), Some(12), E),
        ("Error: cannot use both --kubelet-certificate-authority and --kubelet-insecure-tls".into(), Some(12), E),
        ("Error: need both --kubelet-client-key and --kubelet-client-certificate".into(), Some(12), E),
        ("Error: failed to create listener: failed to listen on 0.0.0.0:443: listen tcp 0.0.0.0:443: bind: permission denied".into(), Some(12), E),
        ("panic: failed to create listener: failed to listen on 0.0.0.0:10250: listen tcp 0.0.0.0:10250: bind: address already in use".into(), Some(12), E),
        ("Error: error creating self-signed certificates: mkdir apiserver.local.config: read-only file system".into(), Some(12), E),
        (r#"Error: unable to load configmap based request-header-client-ca-file: Get "https://10.96.0.1:443/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication": dial tcp 10.96.0.1:443: i/o timeout"#.into(), Some(12), E),
        ("Error: unable to load client CA file: open /ca/front-proxy-ca.crt: no such file or directory".into(), Some(12), E),
        ("Error: unable to construct lister client config: unable to load in-cluster configuration".into(), Some(12), E),
        // F13, F14 (probes)
        (info_line(r#""Failed probe" probe="metric-collection-timely" err="metric collection didn't finish on time" duration="23.8s" maxDuration="22.5s""#), Some(13), E),
        ("[-]metric-collection-timely failed: time since last tick (1m6.501s) was greater than expected metrics resolution (1m6s)".into(), Some(13), E),
        (r#"Liveness probe failed: Get "https://10.244.1.7:10250/livez": context deadline exceeded"#.into(), Some(13), E),
        (info_line(r#""Failed probe" probe="metric-storage-ready" err="no metrics to serve""#), Some(14), W),
        (info_line(r#""Failed probe" probe="metric-storage-ready" err="not metrics to serve""#), Some(14), W),
        ("[-]healthz failed: last tick wasn't healthy".into(), Some(14), W),
        ("Readiness probe failed: HTTP probe failed with statuscode: 500".into(), Some(14), W),
        // F15–F26 (scrape errors)
        (scrape(&resource_err("x509: certificate signed by unknown authority")), Some(15), E),
        (scrape(&resource_err("tls: failed to verify certificate: x509: certificate signed by unknown authority")), Some(15), E),
        (scrape(&resource_err("x509: cannot validate certificate for 10.0.1.11 because it doesn't contain any IP SANs")), Some(16), E),
        (scrape(&resource_err("x509: certificate is valid for 192.168.1.5, 127.0.0.1, not 10.0.1.11")), Some(16), E),
        (scrape(&resource_err("x509: certificate relies on legacy Common Name field, use SANs instead")), Some(16), E),
        (scrape(&resource_err("x509: certificate is not valid for any names, but wanted to match 10.0.1.11")), Some(16), E),
        (scrape(&resource_err("x509: certificate has expired or is not yet valid: current time 2026-11-10T10:30:00Z is before 2026-11-10T10:35:00Z")), Some(17), E),
        (scrape(&resource_err("remote error: tls: internal error")), Some(18), E),
        (scrape(r#"Get "https://worker-1:10250/metrics/resource": dial tcp: lookup worker-1 on 10.96.0.10:53: no such host"#), Some(20), E),
        (scrape(r#"Get "https://worker-1:10250/metrics/resource": dial tcp: lookup worker-1: i/o timeout"#), Some(20), E),
        (scrape("no address matched types [InternalDNS]"), Some(21), E),
        (scrape(&resource_err("http: server gave HTTP response to HTTPS client")), Some(22), E),
        (scrape(r#"Get "http://10.0.1.11:10255/metrics/resource": dial tcp 10.0.1.11:10255: connect: connection refused"#), Some(22), E),
        (scrape(r#"request failed, status: "400 Bad Request""#), Some(22), E),
        (scrape(&resource_err("dial tcp 10.0.1.11:10250: i/o timeout")), Some(19), E),
        (scrape(&resource_err("dial tcp 10.0.1.11:10250: connect: connection refused")), Some(19), E),
        (scrape(&resource_err("dial tcp 10.0.1.11:10250: connect: network is unreachable")), Some(19), E),
        (scrape(&resource_err("context deadline exceeded (Client.Timeout exceeded while awaiting headers)")), Some(19), E),
        (scrape(&resource_err("net/http: TLS handshake timeout")), Some(19), E),
        (scrape(&resource_err("read tcp 10.244.1.7:51234->10.0.1.11:10250: read: connection reset by peer")), Some(19), E),
        (scrape(&resource_err("EOF")), Some(19), E),
        (scrape(r#"request failed, status: "401 Unauthorized""#), Some(23), E),
        (scrape(r#"GET "https://10.0.1.11:10250/stats/summary?only_cpu_and_memory=true": bad status code "401 Unauthorized""#), Some(23), E),
        (scrape(r#"request failed, status: "403 Forbidden""#), Some(24), E),
        (scrape(r#"request failed, status: "404 Not Found""#), Some(25), E),
        (scrape(r#"request failed, status: "503 Service Unavailable""#), Some(26), E),
        (scrape(r#"failed parsing metrics: expected timestamp or new record, got "MNAME""#), Some(26), E),
        // F27
        (info_line(r#""Failed probe" probe="metric-informer-sync" err="cache for pod informer has not synced""#), Some(27), W),
        (err_line(r#"k8s.io/client-go/informers/factory.go:150: Failed to watch *v1.Node: failed to list *v1.Node: nodes is forbidden: User "system:serviceaccount:kube-system:metrics-server" cannot list resource "nodes" in API group "" at the cluster scope"#), Some(27), E),
        (err_line(r#"pkg/mod/k8s.io/client-go/tools/cache/reflector.go:229: failed to list *v1.Pod: Get "https://10.96.0.1:443/api/v1/pods?limit=500": dial tcp 10.96.0.1:443: i/o timeout"#), Some(27), E),
        (err_line(r#""Failed to list nodes" err="Unauthorized""#), Some(27), E),
        // F28, F29
        (info_line(r#""Metric storage is not ready, node metrics are missing""#), Some(28), W),
        (info_line(r#""Failed getting complete node metric" node="worker-1" metric={"StartTime":"0001-01-01T00:00:00Z"}"#), Some(28), W),
        (r#"Error from server (NotFound): nodemetrics.metrics.k8s.io "worker-4" not found"#.into(), Some(28), E),
        (info_line(r#""Metric storage is not ready, pod metrics are missing, this may indicate a container-runtime or kubelet issue""#), Some(29), W),
        (info_line(r#""Failed getting complete container metric" containerName="app" containerMetric={}"#), Some(29), W),
        ("error: Metrics not available for pod default/web-7c9d5b6f4-x2x8l, age: 5m12.338s".into(), Some(29), E),
        // F30: a NotReady node whose error is not in the catalog.
        (info_line(r#""Failed to scrape node, node is not ready" node="worker-4" err="kubelet is shutting down""#), Some(30), W),
        // F31, F32
        (err_line(r#""Skipping container usage metric" err="unexpected decrease in startTime of node/container" container="app" pod="default/web""#), Some(31), W),
        (info_line(r#""Found new node metrics point is older than stored previous, drop previous" node="worker-1""#), Some(31), W),
        (err_line(r#"unable to fetch node metrics for node "worker-1": no metrics known for node"#), Some(32), W),
        ("error: metrics not available yet".into(), Some(32), W),
        // F33–F37 (HPA)
        ("failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)".into(), Some(33), E),
        ("failed to get cpu utilization: missing request for cpu in container istio-proxy of Pod web-7c9d5b6f4-x2x8l".into(), Some(34), E),
        ("failed to get memory utilization: missing request for memory".into(), Some(34), E),
        ("failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API".into(), Some(35), W),
        ("failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)".into(), Some(35), W),
        ("failed to get container metrics: container sidecar not present in metrics for pod default/web-7c9d5b6f4-x2x8l".into(), Some(36), E),
        (r#"unable to fetch metrics from resource metrics API: pods.metrics.k8s.io is forbidden: User "system:serviceaccount:kube-system:horizontal-pod-autoscaler" cannot list resource "pods" in API group "metrics.k8s.io" in the namespace "default""#.into(), Some(37), E),
        // Known symptoms without a single cause.
        ("Error from server (ServiceUnavailable): the server is currently unable to handle the request (get nodes.metrics.k8s.io)".into(), None, E),
        ("error: Metrics API not available".into(), None, E),
        ("E1110 10:35:12.804120   48213 memcache.go:265] couldn't get resource list for metrics.k8s.io/v1beta1: the server is currently unable to handle the request; error: unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request".into(), None, W),
        (scrape("something nobody has seen before"), None, E),
        (info_line(r#""Failed probe" probe="metric-storage-ready" err="storage is on fire""#), None, W),
    ];
    // kubectl logs through a kubelet without a serving certificate.
    v.push((r#"Error from server: Get "https://10.0.1.11:10250/containerLogs/kube-system/metrics-server-x/metrics-server": remote error: tls: internal error"#.into(), Some(18), E));
    v.push(("error: unable to upgrade connection: error dialing backend: remote error: tls: internal error".into(), Some(18), E));
    v
}

/// Look-alikes: the line must not be classified as this rule (most are fully benign).
fn negatives() -> Vec<(String, u8)> {
    let flag = |f: &str| format!("I1110 10:29:44.902171       1 flags.go:64] FLAG: {f}");
    vec![
        (info_line("Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager"), 1),
        ("service/metrics-server created".into(), 3),
        (info_line("Serving securely on [::]:10250"), 4),
        ("endpointslice.discovery.k8s.io/metrics-server-x8k2p created".into(), 5),
        (err_line("timed out waiting for caches to sync"), 6),
        (scrape(r#"request failed, status: "401 Unauthorized""#), 7),
        (scrape(&resource_err("x509: certificate signed by unknown authority")), 8),
        (info_line(r#""Starting controller" name="client-ca::kube-system::extension-apiserver-authentication::requestheader-client-ca-file""#), 9),
        ("Successfully assigned kube-system/metrics-server-7f9c6d8b5-2kq7x to worker-1".into(), 10),
        (r#"Successfully pulled image "registry.k8s.io/metrics-server/metrics-server:v0.8.0" in 2.1s"#.into(), 11),
        ("Flag --logtostderr has been deprecated, will be removed in a future release".into(), 12),
        ("      --metric-resolution duration   How often metrics are collected; at least 10s. (default 1m0s)".into(), 12),
        (flag(r#"--kubelet-insecure-tls="false""#), 12),
        ("[+]metric-collection-timely ok".into(), 13),
        (r#"Liveness probe failed: Get "https://10.244.1.7:10250/livez": context deadline exceeded"#.into(), 19),
        ("[+]metric-storage-ready ok".into(), 14),
        (flag(r#"--kubelet-certificate-authority="/etc/pki/x509: certificate signed by unknown authority.crt""#), 15),
        (err_line(r#""Unable to authenticate the request" err="[x509: certificate signed by unknown authority]""#), 15),
        (err_line(r#""Unable to authenticate the request" err="[x509: certificate is valid for front-proxy-client, not aggregator]""#), 16),
        (err_line(r#""Unable to authenticate the request" err="[x509: certificate has expired or is not yet valid: current time 2026-11-10T10:30:00Z is after 2026-11-02T08:14:11Z]""#), 17),
        (info_line("http: TLS handshake error from 10.244.0.1:51234: remote error: tls: bad certificate"), 18),
        (info_line(r#""Scrape finished" duration="10.2s" nodeCount=3 podCount=38"#), 19),
        (r#"Error: unable to load configmap based request-header-client-ca-file: Get "https://kubernetes.default.svc:443/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication": dial tcp: lookup kubernetes.default.svc on 10.96.0.10:53: no such host"#.into(), 20),
        (flag(r#"--kubelet-preferred-address-types="[InternalDNS]""#), 21),
        (flag(r#"--kubelet-port="10255""#), 22),
        (info_line("Serving securely on [::]:10255"), 22),
        ("unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: Unauthorized".into(), 23),
        (err_line(r#"Failed to watch *v1.Node: failed to list *v1.Node: nodes is forbidden: User "system:serviceaccount:kube-system:metrics-server" cannot list resource "nodes""#), 24),
        (info_line(r#""HTTP" verb="GET" URI="/apis/metrics.k8s.io/v1beta1/nodes/worker-9" latency="1.2ms" resp=404"#), 25),
        (info_line(r#""HTTP" verb="GET" URI="/apis/metrics.k8s.io/v1beta1/nodes" latency="1.2ms" resp=500"#), 26),
        ("[+]metric-informer-sync ok".into(), 27),
        ("error: metrics not available yet".into(), 28),
        (info_line(r#""Dropping pod metric: pod not found in cache" pod="default/web" node="worker-1" err="pod \"web\" not found""#), 29),
        (info_line(r#""Failed to scrape node, node is not ready" node="worker-4" err="Get \"https://10.0.1.14:10250/metrics/resource\": dial tcp 10.0.1.14:10250: connect: connection refused""#), 30),
        (info_line(r#""Scraping node" node="worker-1""#), 31),
        ("error: Metrics API not available".into(), 32),
        (r#"unable to fetch metrics from resource metrics API: pods.metrics.k8s.io is forbidden: User "system:serviceaccount:kube-system:horizontal-pod-autoscaler" cannot list resource "pods""#.into(), 33),
        ("failed to get memory utilization: unable to get metrics for resource memory: no metrics returned from resource metrics API".into(), 34),
        ("failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)".into(), 35),
        ("failed to get cpu utilization: did not receive metrics for targeted pods (pods might be unready)".into(), 36),
        (r#"Error from server (Forbidden): pods.metrics.k8s.io is forbidden: User "jane" cannot list resource "pods" in API group "metrics.k8s.io""#.into(), 37),
    ]
}

#[test]
fn positive_cases() {
    for (line, rule, severity) in positives() {
        let c = classify(&line);
        assert_eq!(
            (c.rule.map(|r| r.number()), c.severity),
            (rule, severity),
            "{line}\n{c:#?}"
        );
        check_spans(&line, &c);
        assert!(
            c.spans
                .iter()
                .any(|s| matches!(s.class, SpanClass::Signature(_))),
            "no signature span: {line}"
        );
    }
}

#[test]
fn negative_cases() {
    for (line, rule) in negatives() {
        let c = classify(&line);
        assert_ne!(c.rule.map(|r| r.number()), Some(rule), "{line}\n{c:#?}");
        check_spans(&line, &c);
    }
}

/// Every rule the tables (and scrape fallbacks) can produce has a positive and a negative case.
#[test]
fn every_rule_has_positive_and_negative_cases() {
    let mut rules: BTreeSet<u8> = ERR_SIGS.iter().map(|s| s.rule.number()).collect();
    rules.extend(LINE_SIGS.iter().filter_map(|s| match s.verdict {
        Verdict::Rule(r, _) => Some(r.number()),
        _ => None,
    }));
    rules.insert(30);
    let pos: BTreeSet<u8> = positives().iter().filter_map(|p| p.1).collect();
    let neg: BTreeSet<u8> = negatives().iter().map(|n| n.1).collect();
    assert_eq!(pos, rules, "positives");
    assert!(
        rules.is_subset(&neg),
        "missing negatives: {:?}",
        rules.difference(&neg).collect::<Vec<_>>()
    );
}

#[test]
fn benign_lines() {
    let lines = [
        info_line("Serving securely on [::]:10250"),
        info_line(r#""Serving securely on [::]:10250""#),
        "I1110 10:29:45.310276       1 serving.go:374] Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)".into(),
        info_line(r#""Starting RequestHeaderAuthRequestController""#),
        info_line(r#"FLAG: --kubelet-insecure-tls="false""#),
        info_line(r#"FLAG: --error-log-file="/var/log/error.log""#),
        info_line(r#""Using error-log sink" path="/var/log/error-log""#),
        info_line(r#""Loaded certificate" usage="x509 client and server auth" file="/tmp/apiserver.crt""#),
        "W1110 10:29:50.118430       1 client_config.go:659] Neither --kubeconfig nor --master was specified.  Using the inClusterConfig.  This might not work.".into(),
        String::new(),
        "   ".into(),
    ];
    for line in lines {
        let c = classify(&line);
        assert!(c.is_benign() && c.rule.is_none(), "{line}\n{c:#?}");
    }
}

#[test]
fn levels() {
    let cases = [
        (info_line("m"), Level::Info),
        ("W1110 10:30:00.1 1 a.go:1] m".to_owned(), Level::Warning),
        (err_line("m"), Level::Error),
        (
            "F1110 10:30:00.123456       1 main.go:1] boom".to_owned(),
            Level::Fatal,
        ),
        ("Error: unknown flag: --x".to_owned(), Level::Unknown),
        (r#"{"ts":1,"msg":"m","v":0}"#.to_owned(), Level::Info),
        (r#"{"ts":1,"msg":"m","err":"e"}"#.to_owned(), Level::Error),
        (
            "[pod/ms-1/ms] 2026-11-10T10:30:00Z W1110 10:30:00.1 1 a.go:1] m".to_owned(),
            Level::Warning,
        ),
        (
            "2026-11-10T10:30:00.5Z stderr F E1110 10:30:00.1 1 a.go:1] m".to_owned(),
            Level::Error,
        ),
        ("... E1110 10:30:00.1 1 a.go:1] m".to_owned(), Level::Error),
    ];
    for (line, level) in cases {
        assert_eq!(classify(&line).level, level, "{line}");
    }
}

/// The text of every span, for readable assertions.
fn span_texts<'a>(line: &'a str, c: &Classified) -> Vec<(&'a str, &'static str)> {
    c.spans
        .iter()
        .map(|s| (&line[s.range.clone()], s.class.name()))
        .collect()
}

#[test]
fn spans_of_a_seed_line() {
    let line = r#"E1110 10:30:00.123456       1 scraper.go:139] "Failed to scrape node" err="Get \"https://10.0.1.11:10250/stats/summary?only_cpu_and_memory=true\": x509: certificate signed by unknown authority" node="worker-1""#;
    let c = classify(line);
    assert_eq!(
        span_texts(line, &c),
        [
            ("E", "level.error"),
            ("1110 10:30:00.123456", "timestamp"),
            ("scraper.go:139", "source"),
            ("err", "key"),
            ("10.0.1.11", "address"),
            (
                "x509: certificate signed by unknown authority",
                "signature.error"
            ),
            ("node", "key"),
            ("worker-1", "node"),
        ]
    );
    assert_eq!(
        c.fields,
        LineFields {
            node: Some("worker-1".into()),
            address: Some("10.0.1.11".into()),
            port: Some(10250),
            err: Some(r#"Get "https://10.0.1.11:10250/stats/summary?only_cpu_and_memory=true": x509: certificate signed by unknown authority"#.into()),
            timestamp: Some("1110 10:30:00.123456".into()),
        }
    );
}

#[test]
fn signature_span_maps_through_escapes() {
    let line = scrape(r#"request failed, status: "403 Forbidden""#);
    let c = classify(&line);
    let sig: Vec<_> = span_texts(&line, &c)
        .into_iter()
        .filter(|(_, n)| n.starts_with("signature"))
        .collect();
    assert_eq!(sig, [("403 Forbidden", "signature.error")]);
}

#[test]
fn json_fields_and_spans() {
    let line = r#"{"ts":1762770616512.874,"caller":"scraper/scraper.go:149","msg":"Failed to scrape node","node":{"name":"worker-1"},"err":"Get \"https://10.0.1.11:10250/metrics/resource\": dial tcp 10.0.1.11:10250: connect: connection refused"}"#;
    let c = classify(line);
    assert_eq!(
        (c.level, c.rule, c.severity),
        (Level::Error, Some(RuleId::KubeletUnreachable), E)
    );
    assert_eq!(c.fields.node.as_deref(), Some("worker-1"));
    assert_eq!(c.fields.timestamp.as_deref(), Some("1762770616512.874"));
    let texts = span_texts(line, &c);
    assert!(texts.contains(&("worker-1", "node")), "{texts:?}");
    assert!(
        texts.contains(&("connect: connection refused", "signature.error")),
        "{texts:?}"
    );
    assert!(
        texts.contains(&("scraper/scraper.go:149", "source")),
        "{texts:?}"
    );
}

#[test]
fn envelope_timestamp_wins() {
    let line = r#"[pod/ms-1/metrics-server] 2026-11-10T10:30:02.118990311Z E1110 10:30:02.118871       1 scraper.go:149] "Failed to scrape node" err="EOF" node="worker-1""#;
    let c = classify(line);
    assert_eq!(
        c.fields.timestamp.as_deref(),
        Some("2026-11-10T10:30:02.118990311Z")
    );
    assert_eq!(
        span_texts(line, &c)[0],
        ("[pod/ms-1/metrics-server]", "prefix")
    );
}

#[test]
fn unknown_lead_in_is_a_prefix() {
    let line = r#"... E1110 10:31:00.987654       1 scraper.go:139] "Failed to scrape node" err="dial tcp <node-ip>:10250: connect: connection refused" node="<node-name>""#;
    let c = classify(line);
    assert_eq!(
        (c.rule, c.fields.address.as_deref()),
        (Some(RuleId::KubeletUnreachable), Some("<node-ip>"))
    );
    assert_eq!(span_texts(line, &c)[0], ("...", "prefix"));
}

#[test]
fn line_address_for_non_scrape_signatures() {
    let c = classify(
        "Error: failed to create listener: failed to listen on 0.0.0.0:443: listen tcp 0.0.0.0:443: bind: permission denied",
    );
    assert_eq!(
        (c.fields.address.as_deref(), c.fields.port),
        (Some("0.0.0.0"), Some(443))
    );
}

#[test]
fn segments_cover_the_line_and_sanitize() {
    let line = "E1110 10:30:00.123456       1 scraper.go:149] \"Failed to scrape node\" err=\"x509: certificate signed by unknown authority\" node=\"w\x1b]0;t\x07\"";
    let c = classify(line);
    let segs = segments(line, &c.spans, 10_000);
    let text: String = segs.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(text, crate::logs::sanitize(line, 10_000));
    assert!(
        segs.iter()
            .any(|s| s.class == Some(SpanClass::Signature(Severity::Error)))
    );
    let short = segments(line, &c.spans, 20);
    let cut: String = short.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(cut.chars().count(), 20);
    assert!(cut.ends_with(crate::logs::sanitize::ELLIPSIS), "{cut}");
    // Exactly filled by the first pieces: the marker replaces the last kept char.
    let exact = segments(
        "ab",
        &[HlSpan {
            range: 0..1,
            class: SpanClass::Key,
        }],
        1,
    );
    assert_eq!(
        exact,
        [Segment {
            text: "…".into(),
            class: Some(SpanClass::Key)
        }]
    );
    // Bogus spans are ignored, not trusted.
    let bogus = [
        HlSpan {
            range: 1..99,
            class: SpanClass::Key,
        },
        HlSpan {
            range: 1..2,
            class: SpanClass::Key,
        },
    ];
    let segs = segments("é", &bogus, 10);
    assert_eq!(
        segs.iter().map(|s| s.text.as_str()).collect::<String>(),
        "é"
    );
}

// ---------------------------------------------------------------------------------------
// Fixtures

/// (1-based line number, rule, severity) of every non-benign line.
type Expected = &'static [(usize, Option<u8>, Severity)];

const ERR: Severity = Severity::Error;
const WARN: Severity = Severity::Warning;

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/logs/",
                $name
            )),
        )
    };
}

const FIXTURES: &[(&str, &str)] = &[
    fixture!("v0.3.6-x509.log"),
    fixture!("v0.4.1-mixed.log"),
    fixture!("v0.5.2-x509.log"),
    fixture!("v0.6.4-403.log"),
    fixture!("v0.7.2-timeout.log"),
    fixture!("crashloop-v0.7.2-previous.log"),
    fixture!("v0.8.0-x509.log"),
    fixture!("cri-v0.8.0.log"),
    fixture!("v0.9.0-mixed.log"),
    fixture!("json-v0.7.log"),
    fixture!("kubectl-prefix-timestamps.log"),
    fixture!("kubectl-hpa-events.log"),
    fixture!("healthy-v0.8.0.log"),
    fixture!("hostile.log"),
];

fn matches_of(text: &str) -> Vec<(usize, Option<u8>, Severity)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let c = classify(line);
            c.severity.map(|s| (i + 1, c.rule.map(|r| r.number()), s))
        })
        .collect()
}

fn fixture_text(name: &str) -> &'static str {
    FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .expect("fixture listed")
}

fn assert_fixture(name: &str, expected: Expected) {
    assert_eq!(matches_of(fixture_text(name)), expected, "{name}");
}

#[test]
fn fixture_v036() {
    assert_fixture(
        "v0.3.6-x509.log",
        &[
            (3, Some(15), ERR),
            (4, Some(32), WARN),
            (5, Some(32), WARN),
            (6, Some(15), ERR),
            (7, Some(16), ERR),
            (8, Some(24), ERR),
            (9, Some(23), ERR),
        ],
    );
    // One aggregated line, three nodes.
    let line = fixture_text("v0.3.6-x509.log")
        .lines()
        .nth(2)
        .unwrap_or_default();
    let got: Vec<_> = scrape_failures(line)
        .into_iter()
        .map(|f| (f.node, f.rule.map(|r| r.number())))
        .collect();
    assert_eq!(
        got,
        [
            ("worker-1".into(), Some(15)),
            ("worker-2".into(), Some(20)),
            ("control-plane".into(), Some(15))
        ]
    );
}

#[test]
fn fixture_v041() {
    assert_fixture(
        "v0.4.1-mixed.log",
        &[
            (2, Some(9), WARN),
            (6, Some(16), ERR),
            (7, Some(19), ERR),
            (8, Some(19), ERR),
        ],
    );
    let lines: Vec<_> = fixture_text("v0.4.1-mixed.log").lines().collect();
    let nodes = |n: usize| -> Vec<(String, Option<u8>)> {
        scrape_failures(lines[n - 1])
            .into_iter()
            .map(|f| (f.node, f.rule.map(|r| r.number())))
            .collect()
    };
    assert_eq!(
        nodes(6),
        [
            ("worker-1".into(), Some(16)),
            ("worker-2".into(), Some(23)),
            ("worker-4".into(), Some(21))
        ]
    );
    assert_eq!(
        nodes(8),
        [("worker-3".into(), Some(19)), ("worker-5".into(), Some(26))]
    );
}

#[test]
fn fixture_v052() {
    assert_fixture(
        "v0.5.2-x509.log",
        &[
            (11, Some(16), ERR),
            (12, Some(16), ERR),
            (13, Some(16), ERR),
            (14, Some(14), WARN),
            (15, Some(16), ERR),
            (16, Some(16), ERR),
            (17, Some(16), ERR),
            (18, Some(14), WARN),
        ],
    );
}

#[test]
fn fixture_v064() {
    assert_fixture(
        "v0.6.4-403.log",
        &[
            (8, Some(24), ERR),
            (9, Some(24), ERR),
            (10, Some(24), ERR),
            (11, Some(14), WARN),
            (12, Some(24), ERR),
            (13, Some(24), ERR),
            (14, Some(24), ERR),
            (15, Some(14), WARN),
        ],
    );
}

#[test]
fn fixture_v072() {
    assert_fixture(
        "v0.7.2-timeout.log",
        &[
            (8, Some(19), ERR),
            (9, Some(19), ERR),
            (10, Some(17), ERR),
            (11, Some(14), WARN),
            (12, Some(19), ERR),
            (13, Some(19), ERR),
            (14, Some(13), ERR),
        ],
    );
    assert_fixture(
        "crashloop-v0.7.2-previous.log",
        &[(1, Some(12), ERR), (19, Some(12), ERR)],
    );
}

#[test]
fn fixture_v080() {
    assert_fixture(
        "v0.8.0-x509.log",
        &[
            (8, Some(15), ERR),
            (9, Some(15), ERR),
            (10, Some(15), ERR),
            (11, Some(14), WARN),
            (12, Some(15), ERR),
            (13, Some(19), ERR),
            (14, Some(15), ERR),
            (15, Some(19), ERR),
        ],
    );
    assert_fixture(
        "cri-v0.8.0.log",
        &[
            (3, Some(15), ERR),
            (4, Some(20), ERR),
            (5, Some(14), WARN),
            (6, Some(22), ERR),
        ],
    );
}

#[test]
fn fixture_v090() {
    assert_fixture(
        "v0.9.0-mixed.log",
        &[
            (9, Some(18), ERR),
            (10, Some(23), ERR),
            (11, Some(19), WARN),
            (12, Some(25), ERR),
            (13, Some(26), ERR),
            (15, Some(29), WARN),
            (16, Some(14), WARN),
            (17, Some(31), WARN),
            (18, Some(27), ERR),
        ],
    );
}

#[test]
fn fixture_json() {
    assert_fixture(
        "json-v0.7.log",
        &[
            (5, Some(15), ERR),
            (6, Some(16), ERR),
            (7, Some(19), ERR),
            (8, Some(14), WARN),
            (10, Some(27), WARN),
        ],
    );
}

#[test]
fn fixture_kubectl_prefix() {
    assert_fixture(
        "kubectl-prefix-timestamps.log",
        &[
            (4, Some(15), ERR),
            (5, Some(19), ERR),
            (6, Some(14), WARN),
            (7, Some(19), ERR),
        ],
    );
    let line = fixture_text("kubectl-prefix-timestamps.log")
        .lines()
        .nth(4)
        .unwrap_or_default();
    let c = classify(line);
    assert_eq!(
        (c.fields.address.as_deref(), c.fields.port),
        (Some("fd00:10:0:1::12"), Some(10250))
    );
}

#[test]
fn fixture_kubectl_hpa_events() {
    assert_fixture(
        "kubectl-hpa-events.log",
        &[
            (2, None, ERR),
            (4, None, ERR),
            (6, Some(32), WARN),
            (8, Some(29), ERR),
            (10, Some(28), ERR),
            (12, None, WARN),
            (14, Some(18), ERR),
            (16, Some(6), ERR),
            (17, Some(7), ERR),
            (18, Some(3), ERR),
            (19, Some(5), ERR),
            (21, Some(33), ERR),
            (22, Some(35), WARN),
            (23, Some(34), ERR),
            (24, Some(37), ERR),
            (25, Some(36), ERR),
            (28, Some(14), WARN),
            (29, Some(13), ERR),
            (30, Some(11), ERR),
            (31, Some(10), ERR),
            (32, Some(10), ERR),
            (34, Some(13), ERR),
        ],
    );
}

#[test]
fn fixture_healthy_has_no_matches() {
    assert_fixture("healthy-v0.8.0.log", &[]);
}

#[test]
fn fixture_hostile() {
    assert_fixture(
        "hostile.log",
        &[
            (1, Some(15), ERR),
            (3, Some(19), ERR),
            (6, Some(18), ERR),
            (7, Some(19), ERR),
            (9, Some(19), ERR),
            (10, Some(15), ERR),
        ],
    );
    for line in fixture_text("hostile.log").lines() {
        let clean = crate::logs::sanitize(line, 500);
        assert!(!clean.chars().any(|c| c.is_control()), "{clean:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Invariants

/// Spans are in bounds, non-empty, sorted, non-overlapping and on char boundaries.
fn check_spans(line: &str, c: &Classified) {
    let mut end = 0;
    for s in &c.spans {
        let r = &s.range;
        assert!(r.start < r.end && r.end <= line.len(), "{r:?} in {line:?}");
        assert!(
            line.is_char_boundary(r.start) && line.is_char_boundary(r.end),
            "{r:?} in {line:?}"
        );
        assert!(
            r.start >= end,
            "overlap or unsorted at {r:?} in {line:?}: {:?}",
            c.spans
        );
        end = r.end;
    }
}

#[test]
fn fixture_spans_are_well_formed() {
    for (name, text) in FIXTURES {
        for line in text.lines() {
            let c = classify(line);
            check_spans(line, &c);
            // A node read from the line is also highlighted.
            if c.fields.node.as_deref().is_some_and(|n| !n.is_empty()) {
                assert!(
                    c.spans.iter().any(|s| s.class == SpanClass::Node),
                    "{name}: {line}"
                );
            }
        }
    }
}

/// Every prefix of every fixture line (at each char boundary) classifies without panicking.
#[test]
fn truncated_lines_never_panic() {
    for (_, text) in FIXTURES {
        for line in text.lines().filter(|l| l.len() < 1000) {
            for (i, _) in line.char_indices() {
                let cut = &line[..i];
                check_spans(cut, &classify(cut));
                let _ = scrape_failures(cut);
            }
        }
    }
}

/// xorshift64: deterministic pseudo-random input without a dependency.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn random_bytes_and_fragments_never_panic() {
    // Fragments that steer the parsers into their interesting states.
    const PIECES: &[&str] = &[
        "E1110 10:30:00.123456       1 scraper.go:149] ",
        "{\"msg\":\"",
        "\"Failed to scrape node\"",
        " err=\"",
        " node=\"",
        "\\\"",
        "\\",
        "\\x",
        "\\u00",
        "\\ud83d",
        "\"",
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "=",
        " ",
        "x509: certificate signed by unknown authority",
        "unable to fully scrape metrics from node w: ",
        "unable to fully scrape metrics from source kubelet_summary:",
        "unable to extract connection information for node \"",
        "https://[",
        "dial tcp ",
        "é",
        "노드",
        "😀",
        "\u{202e}",
        "\x1b[",
        "\u{9b}",
        "\0",
        "[pod/a/b] ",
        "2026-11-10T10:30:00Z ",
        "stderr F ",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..20_000 {
        let n = (next(&mut seed) % 24) as usize;
        let mut line = String::new();
        for _ in 0..n {
            let r = next(&mut seed);
            if r % 3 == 0 {
                // Raw bytes, lossily decoded: invalid UTF-8 becomes U+FFFD.
                let bytes: Vec<u8> = (0..(r % 7)).map(|k| (r >> (8 * k)) as u8).collect();
                line.push_str(&String::from_utf8_lossy(&bytes));
            } else {
                line.push_str(PIECES[(r % PIECES.len() as u64) as usize]);
            }
        }
        let c = classify(&line);
        check_spans(&line, &c);
        let _ = scrape_failures(&line);
        let _ = segments(&line, &c.spans, 40);
    }
}

#[test]
fn classified_serializes() {
    let c = classify(&scrape(r#"request failed, status: "403 Forbidden""#));
    let json = serde_json::to_value(&c).expect("serializes");
    assert_eq!(json["rule"], "F24");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["level"], "error");
    assert_eq!(
        json["spans"][0]["class"],
        serde_json::json!({"level": "error"})
    );
}
