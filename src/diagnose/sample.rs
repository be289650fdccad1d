//! Realistic sample snapshots built from the JSON fixtures in `tests/fixtures/objects/`.
//!
//! Built only for tests and benchmarks (the `test-support` feature), never into the release
//! binary; the diagnosis, report and TUI tests build every scenario from here. Objects are what
//! `kubectl get -o json` returns; log text is what `kubectl logs` returns for metrics-server v0.8.0.

use crate::install;
use crate::metrics::NodeMetrics;
use crate::snapshot::{CallFailure, ClusterInfo, ContainerLog, Snapshot};
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{Event, Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use serde::de::DeserializeOwned;
use serde_json::Value;

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        /// Every fixture by name (the file name without `.json`).
        pub const FIXTURES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../tests/fixtures/objects/", $name, ".json")))),*
        ];
    };
}

fixtures![
    "apiservice-available",
    "apiservice-failed-discovery-401",
    "apiservice-failed-discovery-timeout",
    "apiservice-failed-discovery-x509",
    "apiservice-missing-endpoints",
    "apiservice-prometheus-adapter",
    "apiservice-service-not-found",
    "apiservice-service-port-error",
    "csrs-kubelet-serving-approved",
    "csrs-kubelet-serving-pending",
    "deployment-helm",
    "deployment-helm-duplicate-address-types",
    "deployment-kube-up",
    "deployment-upstream-v0.8.0",
    "endpointslice-not-ready",
    "endpointslice-ready",
    "events-failed-scheduling",
    "events-hpa-failed-get-resource-metric",
    "events-liveness-failed",
    "events-readiness-500",
    "events-replicaset-failed-create",
    "hpa-container-not-present",
    "hpa-failed-get-resource-metric",
    "hpa-forbidden",
    "hpa-healthy",
    "hpa-missing-request",
    "hpa-no-metrics-returned",
    "node-1",
    "node-2",
    "node-3",
    "node-3-not-ready",
    "node-4-no-addresses",
    "node-5-external-ip",
    "nodemetrics-all",
    "nodemetrics-node-1-only",
    "pod-crashloop-error",
    "pod-crashloop-oom",
    "pod-image-pull-backoff",
    "pod-pending",
    "pod-running-not-ready",
    "pod-running-ready",
    "replicaset-upstream",
    "service-metrics-server",
    "service-metrics-server-port-4443",
];

/// The pod name every pod fixture uses.
pub const POD: &str = "metrics-server-7d9f5c8b6-x2vqp";

/// The moment the samples describe: 35 minutes after the metrics-server pod started.
pub fn now() -> Timestamp {
    "2025-11-10T10:35:00Z"
        .parse()
        .expect("valid timestamp literal")
}

/// The raw JSON text of a fixture.
///
/// # Panics
/// On an unknown name: fixture names are compile-time constants of this crate.
pub fn fixture(name: &str) -> &'static str {
    FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
        .unwrap_or_else(|| panic!("no fixture named {name:?}"))
}

/// One fixture as a typed object (for fixtures that hold a single object).
///
/// # Panics
/// On an unknown name or a fixture that does not parse as `T`.
pub fn object<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(fixture(name))
        .unwrap_or_else(|e| panic!("fixture {name:?} does not parse: {e}"))
}

/// Build a snapshot from fixture names. Each object lands in the field for its `kind`; `List`
/// fixtures are unpacked. The install is located the way the cluster code does it
/// ([`install::locate`]). Logs, failures and the Metrics API error are left for the caller.
///
/// # Panics
/// On an unknown name or an object of a kind a snapshot does not hold.
pub fn snapshot(names: &[&str]) -> Snapshot {
    let mut snap = Snapshot {
        taken_at: Some(now()),
        cluster: ClusterInfo {
            context: "kubernetes-admin@kubernetes".into(),
            server: "https://10.0.0.10:6443".into(),
            server_version: Some("v1.33.1".into()),
        },
        ..Snapshot::default()
    };
    let mut deployments = Vec::new();
    for name in names {
        let value: Value = serde_json::from_str(fixture(name))
            .unwrap_or_else(|e| panic!("fixture {name:?} is not JSON: {e}"));
        for item in unpack(value) {
            add(&mut snap, &mut deployments, name, item);
        }
    }
    let located = install::locate(
        snap.apiservice.as_ref(),
        snap.service.as_ref(),
        &deployments,
        None,
    );
    snap.deployment = located.primary.as_ref().and_then(|i| {
        deployments
            .iter()
            .find(|d| {
                d.metadata.namespace.as_deref() == Some(i.namespace.as_str())
                    && d.metadata.name.as_deref() == Some(i.deployment.as_str())
            })
            .cloned()
    });
    snap.install = located.primary;
    snap.other_installs = located.others;
    snap
}

/// A `List` (or `FooList`) becomes its items, each given the item kind when it lacks one (the
/// Metrics API omits `kind` on list items).
fn unpack(value: Value) -> Vec<Value> {
    let kind = value["kind"].as_str().unwrap_or_default().to_string();
    let Some(item_kind) = kind.strip_suffix("List") else {
        return vec![value];
    };
    let items = value["items"].as_array().cloned().unwrap_or_default();
    items
        .into_iter()
        .map(|mut item| {
            if item.get("kind").is_none() && !item_kind.is_empty() {
                item["kind"] = Value::String(item_kind.to_string());
            }
            item
        })
        .collect()
}

fn add(snap: &mut Snapshot, deployments: &mut Vec<Deployment>, name: &str, item: Value) {
    let kind = item["kind"].as_str().unwrap_or_default().to_string();
    match kind.as_str() {
        "APIService" => snap.apiservice = Some(parse::<APIService>(name, item)),
        "Deployment" => deployments.push(parse(name, item)),
        "ReplicaSet" => snap.replica_sets.push(parse::<ReplicaSet>(name, item)),
        "Service" => snap.service = Some(parse::<Service>(name, item)),
        "EndpointSlice" => snap
            .endpoint_slices
            .push(parse::<EndpointSlice>(name, item)),
        "Pod" => snap.pods.push(parse::<Pod>(name, item)),
        "Event" => snap.events.push(parse::<Event>(name, item)),
        "Node" => {
            let node: Node = parse(name, item);
            // A later fixture of the same node (e.g. `node-3-not-ready`) replaces the earlier one.
            snap.nodes.retain(|n| n.metadata.name != node.metadata.name);
            snap.nodes.push(node);
        }
        "CertificateSigningRequest" => snap
            .kubelet_csrs
            .push(parse::<CertificateSigningRequest>(name, item)),
        "HorizontalPodAutoscaler" => snap.hpas.push(parse::<HorizontalPodAutoscaler>(name, item)),
        "NodeMetrics" => snap
            .node_metrics
            .get_or_insert_with(Vec::new)
            .push(parse::<NodeMetrics>(name, item)),
        other => panic!("fixture {name:?}: a snapshot holds no {other:?}"),
    }
}

fn parse<T: DeserializeOwned>(name: &str, item: Value) -> T {
    serde_json::from_value(item).unwrap_or_else(|e| panic!("fixture {name:?} does not parse: {e}"))
}

/// The current container's log of `pod`.
pub fn log(pod: &str, text: &str) -> ContainerLog {
    ContainerLog {
        pod: pod.to_string(),
        container: "metrics-server".to_string(),
        previous: false,
        text: text.to_string(),
    }
}

/// The previous (crashed) container's log of `pod`.
pub fn previous_log(pod: &str, text: &str) -> ContainerLog {
    ContainerLog {
        previous: true,
        ..log(pod, text)
    }
}

/// What the Metrics API call returns while the APIService is unavailable.
pub fn metrics_unavailable() -> CallFailure {
    CallFailure {
        verb: "list".into(),
        resource: "nodes.metrics.k8s.io".into(),
        namespace: None,
        name: None,
        code: Some(503),
        message: "the server is currently unable to handle the request (get nodes.metrics.k8s.io)"
            .into(),
    }
}

/// A permission-matrix entry saying the user may not patch the Deployment in kube-system.
pub fn patch_denied() -> crate::snapshot::Permission {
    crate::snapshot::Permission {
        action: crate::vocab::Action::PatchDeployment,
        verb: "patch".into(),
        group: "apps".into(),
        resource: "deployments".into(),
        subresource: None,
        namespace: Some("kube-system".into()),
        allowed: false,
        reason: None,
    }
}

/// A call refused by RBAC, as the cluster code records it.
pub fn forbidden(verb: &str, resource: &str, namespace: Option<&str>) -> CallFailure {
    let scope = match namespace {
        Some(ns) => format!("in the namespace \"{ns}\""),
        None => "at the cluster scope".to_string(),
    };
    let (res, sub) = resource.split_once('/').unwrap_or((resource, ""));
    let sub = if sub.is_empty() {
        String::new()
    } else {
        format!("/{sub}")
    };
    CallFailure {
        verb: verb.into(),
        resource: resource.into(),
        namespace: namespace.map(str::to_string),
        name: None,
        code: Some(403),
        message: format!(
            "{res}{sub} is forbidden: User \"dev@example.com\" cannot {verb} resource \"{res}\" {scope}"
        ),
    }
}

/// Nodes 1–3 with their addresses, as kubeadm registers them.
const NODES: [&str; 3] = ["node-1", "node-2", "node-3"];

fn with_nodes(mut names: Vec<&'static str>) -> Vec<&'static str> {
    names.extend(NODES);
    names
}

/// Everything works: APIService Available, pod Ready, clean log, every node in NodeMetrics,
/// kubelets serving CA-signed certificates (approved CSRs), an HPA that scales.
pub fn healthy() -> Snapshot {
    let mut snap = snapshot(&with_nodes(vec![
        "apiservice-available",
        "deployment-upstream-v0.8.0",
        "replicaset-upstream",
        "service-metrics-server",
        "endpointslice-ready",
        "pod-running-ready",
        "csrs-kubelet-serving-approved",
        "hpa-healthy",
        "nodemetrics-all",
    ]));
    snap.logs.push(log(POD, logs::STARTUP));
    snap
}

/// The seed runbook's story: kubelets serve self-signed certificates, every scrape fails with
/// `x509: certificate signed by unknown authority`, the pod never becomes Ready, the APIService
/// has no endpoints, `kubectl top` answers ServiceUnavailable and the HPA stops scaling.
pub fn x509() -> Snapshot {
    let mut snap = snapshot(&with_nodes(vec![
        "apiservice-missing-endpoints",
        "deployment-upstream-v0.8.0",
        "replicaset-upstream",
        "service-metrics-server",
        "endpointslice-not-ready",
        "pod-running-not-ready",
        "events-readiness-500",
        "hpa-failed-get-resource-metric",
        "events-hpa-failed-get-resource-metric",
    ]));
    snap.logs.push(log(POD, &logs::x509_unknown_authority()));
    snap.metrics_api_error = Some(metrics_unavailable());
    snap
}

/// [`x509`] on a cluster whose kubelets were switched to `serverTLSBootstrap` and wait for their
/// serving CSRs to be approved: the proper fix is one approval away.
pub fn x509_pending_csrs() -> Snapshot {
    let mut snap = x509();
    let pending = snapshot(&["csrs-kubelet-serving-pending"]);
    snap.kubelet_csrs = pending.kubelet_csrs;
    snap
}

/// The pod is healthy, but the control plane cannot reach it: the APIService discovery check
/// times out (FailedDiscoveryCheck), so `kubectl top` answers ServiceUnavailable.
pub fn apiservice_unavailable() -> Snapshot {
    let mut snap = snapshot(&with_nodes(vec![
        "apiservice-failed-discovery-timeout",
        "deployment-upstream-v0.8.0",
        "replicaset-upstream",
        "service-metrics-server",
        "endpointslice-ready",
        "pod-running-ready",
        "csrs-kubelet-serving-approved",
        "hpa-failed-get-resource-metric",
    ]));
    snap.logs.push(log(POD, logs::STARTUP));
    snap.metrics_api_error = Some(metrics_unavailable());
    snap
}

/// metrics-server v0.8.0 log text in klog format, as `kubectl logs` prints it.
pub mod logs {
    /// A clean start at 10:00:05 (no errors afterwards at the default verbosity).
    pub const STARTUP: &str = "\
I1110 10:00:06.118273       1 serving.go:374] Generated self-signed cert (/tmp/apiserver.crt, /tmp/apiserver.key)
I1110 10:00:06.602734       1 handler.go:288] Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager
I1110 10:00:06.711245       1 requestheader_controller.go:180] Starting RequestHeaderAuthRequestController
I1110 10:00:06.711311       1 shared_informer.go:350] \"Waiting for caches to sync\" controller=\"RequestHeaderAuthRequestController\"
I1110 10:00:06.711339       1 configmap_cafile_content.go:205] \"Starting controller\" name=\"client-ca::kube-system::extension-apiserver-authentication::client-ca-file\"
I1110 10:00:06.712447       1 secure_serving.go:213] Serving securely on [::]:10250
I1110 10:00:06.712498       1 tlsconfig.go:243] \"Starting DynamicServingCertificateController\"
I1110 10:00:06.811762       1 shared_informer.go:357] \"Caches are synced\" controller=\"RequestHeaderAuthRequestController\"
";

    /// One scrape failure line for `node` at `time` (HH:MM:SS); `err` is what follows the
    /// request URL, written plainly (klog's quoting is applied here).
    pub fn scrape_failure(time: &str, node: &str, ip: &str, err: &str) -> String {
        let err = format!("Get \"https://{ip}:10250/metrics/resource\": {err}");
        let quoted = err.replace('\\', "\\\\").replace('"', "\\\"");
        format!(
            "E1110 {time}.402913       1 scraper.go:149] \"Failed to scrape node\" \
             err=\"{quoted}\" node=\"{node}\"\n"
        )
    }

    /// The readiness failure metrics-server logs while it has nothing to serve.
    pub fn probe_failure(time: &str) -> String {
        format!(
            "I1110 {time}.118920       1 server.go:191] \"Failed probe\" \
             probe=\"metric-storage-ready\" err=\"no metrics to serve\"\n"
        )
    }

    /// Scrape ticks every 15s from `first` for `ticks` ticks, each failing for `nodes`
    /// (name, address) with `err`, followed by a readiness failure.
    pub fn failing_ticks(
        first_minute: u32,
        ticks: u32,
        nodes: &[(&str, &str)],
        err: &str,
    ) -> String {
        let mut out = String::new();
        for tick in 0..ticks {
            let secs = 5 + tick * 15;
            let time = format!("10:{:02}:{:02}", first_minute + secs / 60, secs % 60);
            for (node, ip) in nodes {
                out.push_str(&scrape_failure(&time, node, ip, err));
            }
            out.push_str(&probe_failure(&format!(
                "10:{:02}:{:02}",
                first_minute + (secs + 7) / 60,
                (secs + 7) % 60
            )));
        }
        out
    }

    pub const ALL_NODES: [(&str, &str); 3] = [
        ("node-1", "10.0.0.11"),
        ("node-2", "10.0.0.12"),
        ("node-3", "10.0.0.13"),
    ];

    pub const X509_UNKNOWN_AUTHORITY: &str =
        "tls: failed to verify certificate: x509: certificate signed by unknown authority";

    /// The seed's log: every node fails TLS verification on every tick.
    pub fn x509_unknown_authority() -> String {
        format!(
            "{STARTUP}{}",
            failing_ticks(33, 4, &ALL_NODES, X509_UNKNOWN_AUTHORITY)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fixture_parses_into_a_snapshot() {
        for (name, _) in FIXTURES {
            snapshot(&[name]);
        }
    }

    #[test]
    fn samples_locate_the_upstream_install() {
        for snap in [healthy(), x509(), apiservice_unavailable()] {
            let install = snap.install.expect("install located");
            assert_eq!(install.namespace, "kube-system");
            assert_eq!(install.deployment, "metrics-server");
            assert_eq!(snap.nodes.len(), 3);
        }
    }
}
