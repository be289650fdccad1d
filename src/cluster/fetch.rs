//! One snapshot of everything the diagnosis needs, fetched in parallel with per-call timeouts.
//!
//! A failed or forbidden call never aborts the snapshot: it becomes a [`CallFailure`] (with the
//! verb and resource, so the user knows which permission is missing) and the rest still diagnoses.

use super::connect::{Connection, error_chain};
use crate::install::{self, Install};
use crate::metrics::NodeMetrics;
use crate::snapshot::{CallFailure, ContainerLog, METRICS_APISERVICE, Permission, Snapshot};
use crate::vocab::Action;
use futures::future::join_all;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SelfSubjectAccessReview, SelfSubjectAccessReviewSpec,
};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{Event, Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use kube::Api;
use kube::api::{ListParams, LogParams, PostParams};
use std::future::Future;
use std::time::Duration;

/// Per-call timeout: a slow aggregated API (the broken Metrics API itself) must not stall the rest.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// How many recent log lines to read per container.
pub const LOG_TAIL_LINES: i64 = 500;
pub const KUBELET_SERVING_SIGNER: &str = "kubernetes.io/kubelet-serving";

/// What a call was, for the failure record.
#[derive(Debug, Clone)]
pub(super) struct Call {
    verb: &'static str,
    resource: String,
    namespace: Option<String>,
    name: Option<String>,
}

impl Call {
    pub(super) fn new(verb: &'static str, resource: &str) -> Self {
        Call {
            verb,
            resource: resource.to_string(),
            namespace: None,
            name: None,
        }
    }
    pub(super) fn ns(mut self, ns: &str) -> Self {
        self.namespace = Some(ns.to_string());
        self
    }
    pub(super) fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }
}

/// Run one API call with the timeout, turning any error into a [`CallFailure`].
pub(super) async fn call<T>(
    what: Call,
    fut: impl Future<Output = kube::Result<T>>,
) -> Result<T, CallFailure> {
    let failure = |code, message| CallFailure {
        verb: what.verb.to_string(),
        resource: what.resource.clone(),
        namespace: what.namespace.clone(),
        name: what.name.clone(),
        code,
        message,
    };
    match tokio::time::timeout(CALL_TIMEOUT, fut).await {
        Err(_) => Err(failure(
            None,
            format!("timed out after {}s", CALL_TIMEOUT.as_secs()),
        )),
        Ok(Err(kube::Error::Api(status))) => {
            let code = (status.code != 0).then_some(status.code);
            let message = if status.message.is_empty() {
                status.reason.clone()
            } else {
                status.message.clone()
            };
            Err(failure(code, message))
        }
        Ok(Err(e)) => Err(failure(None, error_chain(&e))),
        Ok(Ok(v)) => Ok(v),
    }
}

/// Keep the value, or record the failure and fall back to the default.
fn keep<T: Default>(failures: &mut Vec<CallFailure>, r: Result<T, CallFailure>) -> T {
    r.unwrap_or_else(|f| {
        failures.push(f);
        T::default()
    })
}

/// Fetch a snapshot of the metrics-server install and everything around it.
pub async fn snapshot(conn: &Connection, now: Timestamp) -> Snapshot {
    let client = &conn.client;
    let preferred_ns = conn.namespace.as_deref();
    let mut failures = Vec::new();

    // Phase 1: cluster-wide reads that do not depend on where metrics-server lives.
    let apiservices: Api<APIService> = Api::all(client.clone());
    let nodes_api: Api<Node> = Api::all(client.clone());
    let csr_api: Api<CertificateSigningRequest> = Api::all(client.clone());
    let hpa_api: Api<HorizontalPodAutoscaler> = Api::all(client.clone());
    let event_api: Api<Event> = Api::all(client.clone());
    let metrics_api: Api<NodeMetrics> = Api::all(client.clone());
    let all = ListParams::default();
    let csr_params =
        ListParams::default().fields(&format!("spec.signerName={KUBELET_SERVING_SIGNER}"));
    let hpa_event_params =
        ListParams::default().fields("involvedObject.kind=HorizontalPodAutoscaler");
    let (apiservice, deployments, nodes, csrs, hpas, hpa_events, node_metrics) = tokio::join!(
        call(
            Call::new("get", "apiservices").name(METRICS_APISERVICE),
            apiservices.get_opt(METRICS_APISERVICE)
        ),
        list_deployments(conn),
        call(Call::new("list", "nodes"), nodes_api.list(&all)),
        call(
            Call::new("list", "certificatesigningrequests"),
            csr_api.list(&csr_params)
        ),
        call(
            Call::new("list", "horizontalpodautoscalers"),
            hpa_api.list(&all)
        ),
        call(
            Call::new("list", "events"),
            event_api.list(&hpa_event_params)
        ),
        call(
            Call::new("list", "nodes.metrics.k8s.io"),
            metrics_api.list(&all)
        ),
    );
    let apiservice = keep(&mut failures, apiservice);
    let (deployments, deployment_failures) = deployments;
    failures.extend(deployment_failures);
    let nodes = keep(&mut failures, nodes.map(|l| l.items));
    let kubelet_csrs = keep(&mut failures, csrs.map(|l| l.items));
    let hpas = keep(&mut failures, hpas.map(|l| l.items));
    let mut events = keep(&mut failures, hpa_events.map(|l| l.items));
    let (node_metrics, metrics_api_error) = match node_metrics {
        Ok(list) => (Some(list.items), None),
        Err(f) => (None, Some(f)),
    };

    // Phase 2: the Service the APIService names, then locate the install.
    let service_ref = apiservice
        .as_ref()
        .and_then(|a| a.spec.as_ref()?.service.clone());
    let service = match service_ref
        .as_ref()
        .and_then(|s| Some((s.namespace.clone()?, s.name.clone()?)))
    {
        Some((ns, name)) => {
            let svc = call(
                Call::new("get", "services").ns(&ns).name(&name),
                Api::<Service>::namespaced(client.clone(), &ns).get_opt(&name),
            )
            .await;
            keep(&mut failures, svc)
        }
        None => None,
    };
    let located = install::locate(
        apiservice.as_ref(),
        service.as_ref(),
        &deployments,
        preferred_ns,
    );
    let deployment = located.primary.as_ref().and_then(|i| {
        deployments
            .iter()
            .find(|d| {
                d.metadata.namespace.as_deref() == Some(&i.namespace)
                    && d.metadata.name.as_deref() == Some(&i.deployment)
            })
            .cloned()
    });

    // Phase 3: the install's own objects, logs and the permission matrix.
    let mut snap = Snapshot {
        taken_at: Some(now),
        cluster: conn.info.clone(),
        apiservice,
        service,
        nodes,
        kubelet_csrs,
        hpas,
        node_metrics,
        metrics_api_error,
        other_installs: located.others,
        ..Snapshot::default()
    };
    if let (Some(install), Some(deployment)) = (located.primary.as_ref(), deployment.as_ref()) {
        let around = fetch_around(
            conn,
            install,
            deployment,
            service_ref.as_ref().and_then(|s| s.name.clone()),
        )
        .await;
        snap.endpoint_slices = around.endpoint_slices;
        snap.replica_sets = around.replica_sets;
        snap.pods = around.pods;
        snap.logs = around.logs;
        events.extend(around.events);
        failures.extend(around.failures);
    }
    let perm_ns = located
        .primary
        .as_ref()
        .map(|i| i.namespace.clone())
        .or(preferred_ns.map(str::to_string));
    snap.permissions = permission_matrix(conn, perm_ns.as_deref().unwrap_or("kube-system")).await;
    snap.events = events;
    snap.install = located.primary;
    snap.deployment = deployment;
    snap.failures = failures;
    super::evidence::gather(conn, &mut snap).await;
    snap
}

/// The cluster's namespace names, sorted (for the TUI's `:ns` completion); a user who may not
/// list them gets the failure, and the TUI offers the namespaces it has seen instead.
pub async fn namespaces(conn: &Connection) -> Result<Vec<String>, CallFailure> {
    let api: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(conn.client.clone());
    let list = call(
        Call::new("list", "namespaces"),
        api.list_metadata(&ListParams::default()),
    )
    .await?;
    let mut names: Vec<String> = list
        .items
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .collect();
    names.sort();
    Ok(names)
}

/// List Deployments in every namespace; a user limited to one namespace still gets that one.
async fn list_deployments(conn: &Connection) -> (Vec<Deployment>, Vec<CallFailure>) {
    let all = call(
        Call::new("list", "deployments"),
        Api::<Deployment>::all(conn.client.clone()).list(&ListParams::default()),
    )
    .await;
    match all {
        Ok(list) => (list.items, Vec::new()),
        Err(failure) => {
            let ns = conn.namespace.as_deref().unwrap_or("kube-system");
            let scoped = call(
                Call::new("list", "deployments").ns(ns),
                Api::<Deployment>::namespaced(conn.client.clone(), ns).list(&ListParams::default()),
            )
            .await;
            match scoped {
                Ok(list) => (list.items, vec![failure]),
                Err(second) => (Vec::new(), vec![failure, second]),
            }
        }
    }
}

#[derive(Default)]
struct Around {
    endpoint_slices: Vec<EndpointSlice>,
    replica_sets: Vec<ReplicaSet>,
    pods: Vec<Pod>,
    events: Vec<Event>,
    logs: Vec<ContainerLog>,
    failures: Vec<CallFailure>,
}

/// The install's EndpointSlices, ReplicaSets, pods, events and logs.
async fn fetch_around(
    conn: &Connection,
    install: &Install,
    deployment: &Deployment,
    service: Option<String>,
) -> Around {
    let ns = install.namespace.as_str();
    let client = &conn.client;
    let selector = install::pod_selector(deployment).unwrap_or_default();
    let slice_params = ListParams::default().labels(&format!(
        "kubernetes.io/service-name={}",
        service.as_deref().unwrap_or(&install.deployment)
    ));
    let selected = ListParams::default().labels(&selector);
    let everything = ListParams::default();
    let slices_api: Api<EndpointSlice> = Api::namespaced(client.clone(), ns);
    let rs_api: Api<ReplicaSet> = Api::namespaced(client.clone(), ns);
    let pods_api: Api<Pod> = Api::namespaced(client.clone(), ns);
    let events_api: Api<Event> = Api::namespaced(client.clone(), ns);
    let (slices, replica_sets, pods, events) = tokio::join!(
        call(
            Call::new("list", "endpointslices").ns(ns),
            slices_api.list(&slice_params)
        ),
        call(
            Call::new("list", "replicasets").ns(ns),
            rs_api.list(&selected)
        ),
        call(Call::new("list", "pods").ns(ns), pods_api.list(&selected)),
        call(
            Call::new("list", "events").ns(ns),
            events_api.list(&everything)
        ),
    );
    let mut around = Around::default();
    around.endpoint_slices = keep(&mut around.failures, slices.map(|l| l.items));
    let mut rs = keep(&mut around.failures, replica_sets.map(|l| l.items));
    rs.retain(|r| owned_by(&r.metadata, "Deployment", &install.deployment));
    rs.sort_by_key(|r| std::cmp::Reverse(revision(r)));
    around.replica_sets = rs;
    let mut pods = keep(&mut around.failures, pods.map(|l| l.items));
    pods.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
    let events = keep(&mut around.failures, events.map(|l| l.items));
    around.events = events
        .into_iter()
        .filter(|e| is_about_install(e, install))
        .collect();
    let (logs, log_failures) = fetch_logs(conn, ns, &install.container, &pods).await;
    around.logs = logs;
    around.failures.extend(log_failures);
    around.pods = pods;
    around
}

/// Recent logs of the metrics-server container of every pod, plus the previous instance's
/// logs when it restarted (the crash reason lives there).
async fn fetch_logs(
    conn: &Connection,
    ns: &str,
    container: &str,
    pods: &[Pod],
) -> (Vec<ContainerLog>, Vec<CallFailure>) {
    let api = Api::<Pod>::namespaced(conn.client.clone(), ns);
    let mut wanted = Vec::new();
    for pod in pods {
        let name = pod.metadata.name.clone().unwrap_or_default();
        let status = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.name == container));
        let Some(status) = status else { continue };
        let started = status
            .state
            .as_ref()
            .is_some_and(|s| s.running.is_some() || s.terminated.is_some());
        if started {
            wanted.push((name.clone(), false));
        }
        if status.restart_count > 0 {
            wanted.push((name, true));
        }
    }
    let fetches = wanted.iter().map(|(pod, previous)| {
        let params = LogParams {
            container: Some(container.to_string()),
            tail_lines: Some(LOG_TAIL_LINES),
            previous: *previous,
            ..LogParams::default()
        };
        let api = api.clone();
        async move {
            let what = Call::new("get", "pods/log").ns(ns).name(pod);
            (
                pod.clone(),
                *previous,
                call(what, async move { api.logs(pod, &params).await }).await,
            )
        }
    });
    let mut logs = Vec::new();
    let mut failures = Vec::new();
    for (pod, previous, result) in join_all(fetches).await {
        match result {
            Ok(text) => logs.push(ContainerLog {
                pod,
                container: container.to_string(),
                previous,
                text,
            }),
            Err(f) => failures.push(f),
        }
    }
    (logs, failures)
}

/// One SelfSubjectAccessReview per permission an action needs.
async fn permission_matrix(conn: &Connection, ns: &str) -> Vec<Permission> {
    let wanted = required_permissions(ns);
    let api: Api<SelfSubjectAccessReview> = Api::all(conn.client.clone());
    let reviews = wanted.iter().map(|p| {
        let review = SelfSubjectAccessReview {
            spec: SelfSubjectAccessReviewSpec {
                resource_attributes: Some(ResourceAttributes {
                    verb: Some(p.verb.clone()),
                    group: Some(p.group.clone()),
                    resource: Some(p.resource.clone()),
                    subresource: p.subresource.clone(),
                    namespace: p.namespace.clone(),
                    ..ResourceAttributes::default()
                }),
                ..SelfSubjectAccessReviewSpec::default()
            },
            ..SelfSubjectAccessReview::default()
        };
        let api = api.clone();
        async move {
            let r = call(
                Call::new("create", "selfsubjectaccessreviews"),
                async move { api.create(&PostParams::default(), &review).await },
            )
            .await;
            r.ok().and_then(|r| r.status)
        }
    });
    let answers = join_all(reviews).await;
    wanted
        .into_iter()
        .zip(answers)
        // A review that could not be made is left out: `Snapshot::may` treats unknown as allowed.
        .filter_map(|(mut p, status)| {
            let status = status?;
            p.allowed = status.allowed;
            p.reason = status.reason.filter(|r| !r.is_empty());
            Some(p)
        })
        .collect()
}

/// The permissions each of mstui's actions needs.
pub fn required_permissions(ns: &str) -> Vec<Permission> {
    let p =
        |action, verb: &str, group: &str, resource: &str, sub: Option<&str>, namespaced: bool| {
            Permission {
                action,
                verb: verb.into(),
                group: group.into(),
                resource: resource.into(),
                subresource: sub.map(str::to_string),
                namespace: namespaced.then(|| ns.to_string()),
                allowed: false,
                reason: None,
            }
        };
    vec![
        p(
            Action::PatchDeployment,
            "patch",
            "apps",
            "deployments",
            None,
            true,
        ),
        p(Action::ReadLogs, "get", "", "pods", Some("log"), true),
        p(
            Action::ApproveCsr,
            "update",
            "certificates.k8s.io",
            "certificatesigningrequests",
            Some("approval"),
            false,
        ),
        p(
            Action::PatchApiService,
            "patch",
            "apiregistration.k8s.io",
            "apiservices",
            None,
            false,
        ),
        p(
            Action::ReadNodeMetrics,
            "list",
            "metrics.k8s.io",
            "nodes",
            None,
            false,
        ),
    ]
}

fn owned_by(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    kind: &str,
    name: &str,
) -> bool {
    meta.owner_references
        .iter()
        .flatten()
        .any(|o| o.kind == kind && o.name == name)
}

fn revision(rs: &ReplicaSet) -> u64 {
    rs.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("deployment.kubernetes.io/revision"))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// Events about the Deployment, its ReplicaSets or its pods (names share the Deployment's prefix).
fn is_about_install(e: &Event, install: &Install) -> bool {
    let obj = &e.involved_object;
    let name = obj.name.as_deref().unwrap_or_default();
    matches!(
        obj.kind.as_deref(),
        Some("Deployment" | "ReplicaSet" | "Pod")
    ) && name.starts_with(&install.deployment)
}

/// Why the snapshot says nothing useful (exit 3), if so: the user could read neither the
/// APIService nor any Deployment, so no install could be looked for.
pub fn unreadable(snap: &Snapshot) -> Option<String> {
    let apiservice = snap.failure("get", "apiservices")?;
    let deployments = snap
        .failures
        .iter()
        .rev()
        .find(|f| f.verb == "list" && f.resource == "deployments")?;
    let no_deployments_at_all = snap.install.is_none() && snap.other_installs.is_empty();
    (no_deployments_at_all).then(|| {
        format!(
            "cannot read the objects mstui needs: {}; {}",
            apiservice.describe(),
            deployments.describe()
        )
    })
}
