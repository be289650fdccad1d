//! Everything mstui knows about the cluster at one moment: plain owned data.
//!
//! [`crate::cluster::snapshot`] fills it; the pure modules only read it. A call that failed or was
//! forbidden does not abort the snapshot: it is recorded in [`Snapshot::failures`] and the field it
//! would have filled stays empty, so the rest still diagnoses.

use crate::install::Install;
use crate::metrics::NodeMetrics;
use crate::vocab::Action;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{Event, Node, Pod, Service};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::{
    APIService, APIServiceCondition,
};
use serde::Serialize;

/// The name of the APIService that registers the Metrics API.
pub const METRICS_APISERVICE: &str = "v1beta1.metrics.k8s.io";

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub taken_at: Option<Timestamp>,
    pub cluster: ClusterInfo,
    /// `None` when it does not exist (404) or could not be read (then see `failures`).
    pub apiservice: Option<APIService>,
    /// The metrics-server install mstui will diagnose and fix, if one was found.
    pub install: Option<Install>,
    /// Other metrics-server-like installs (duplicates, competing backends: F02).
    pub other_installs: Vec<Install>,
    /// The Service the APIService points at (or the install's Service).
    pub service: Option<Service>,
    pub endpoint_slices: Vec<EndpointSlice>,
    pub deployment: Option<Deployment>,
    /// ReplicaSets owned by the deployment, newest revision first.
    pub replica_sets: Vec<ReplicaSet>,
    /// Pods of the install (by the deployment's selector).
    pub pods: Vec<Pod>,
    /// Events in the install namespace about the deployment, its ReplicaSets and pods,
    /// and HPA events cluster-wide.
    pub events: Vec<Event>,
    pub nodes: Vec<Node>,
    /// CSRs with signer `kubernetes.io/kubelet-serving`.
    pub kubelet_csrs: Vec<CertificateSigningRequest>,
    pub hpas: Vec<HorizontalPodAutoscaler>,
    /// `None` when the Metrics API could not be listed (see `metrics_api_error`).
    pub node_metrics: Option<Vec<NodeMetrics>>,
    pub metrics_api_error: Option<CallFailure>,
    /// Recent logs of every metrics-server container (and previous containers that restarted).
    pub logs: Vec<ContainerLog>,
    /// What the current user may do, for every action mstui offers.
    pub permissions: Vec<Permission>,
    /// Calls that failed or were forbidden, in the order they were made.
    pub failures: Vec<CallFailure>,
    /// What metrics-server's own ServiceAccount may do (SubjectAccessReviews); `None` when not
    /// checked (then see `not_checked`).
    pub sa_access: Option<ServiceAccountAccess>,
    /// The CA metrics-server verifies kubelets against, when it could be read.
    pub cluster_ca: Option<TrustAnchor>,
    /// metrics-server's serving certificate when `--tls-cert-file` is on a mounted Secret and
    /// the Secret could be read (`source` names it, `pem` is the file).
    pub serving_cert: Option<TrustAnchor>,
    /// The serving certificate chain each probed kubelet presented (read without verifying).
    pub kubelet_tls: Vec<KubeletTls>,
    /// `kube-node-lease` Leases: each kubelet writes `renewTime` with its own clock.
    pub node_leases: Vec<NodeLease>,
    /// The API server's clock (its `Date` header) when the snapshot was taken.
    pub apiserver_time: Option<Timestamp>,
    /// Kubelet configuration read through `nodes/NAME/proxy/configz` (only where the user may,
    /// only for nodes without metrics).
    pub kubelet_configs: Vec<KubeletConfig>,
    /// Evidence checks that could not run, and why: coverage, never a finding by itself.
    pub not_checked: Vec<NotChecked>,
}

/// The parts of a kubelet's live configuration (`/configz`) that decide whether metrics-server
/// can scrape it. `None` where the kubelet did not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KubeletConfig {
    pub node: String,
    /// `authentication.webhook.enabled`: bearer tokens are checked with a TokenReview.
    pub webhook_authn: Option<bool>,
    /// `authentication.anonymous.enabled`.
    pub anonymous: Option<bool>,
    /// `authorization.mode`: `Webhook` or `AlwaysAllow`.
    pub authz_mode: Option<String>,
    /// `readOnlyPort`: 0 when the legacy plain-HTTP port is off.
    pub read_only_port: Option<i64>,
}

impl KubeletConfig {
    /// Read `{"kubeletconfig": {...}}` as the kubelet's `/configz` answers.
    pub fn from_configz(node: &str, doc: &serde_json::Value) -> Option<KubeletConfig> {
        let c = doc.get("kubeletconfig")?;
        let at = |path: &[&str]| path.iter().try_fold(c, |v, k| v.get(k));
        Some(KubeletConfig {
            node: node.to_string(),
            webhook_authn: at(&["authentication", "webhook", "enabled"]).and_then(|v| v.as_bool()),
            anonymous: at(&["authentication", "anonymous", "enabled"]).and_then(|v| v.as_bool()),
            authz_mode: at(&["authorization", "mode"])
                .and_then(|v| v.as_str())
                .map(str::to_string),
            read_only_port: at(&["readOnlyPort"]).and_then(|v| v.as_i64()),
        })
    }
}

/// The answers of SubjectAccessReviews for metrics-server's ServiceAccount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceAccountAccess {
    /// `namespace/name` of the ServiceAccount the Deployment's pods run as.
    pub service_account: String,
    pub reviews: Vec<AccessReview>,
    /// RoleBindings in kube-system to the `extension-apiserver-authentication-reader` Role, with
    /// their subjects (`ServiceAccount monitoring/metrics-server`); `None` when not readable.
    pub auth_reader_bindings: Option<Vec<(String, Vec<String>)>>,
}

/// One SubjectAccessReview: may the ServiceAccount `verb` the resource?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessReview {
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub allowed: bool,
    /// The authorizer's reason, if it gave one.
    pub reason: Option<String>,
}

impl AccessReview {
    /// `get configmaps/extension-apiserver-authentication -n kube-system`, the can-i spelling.
    pub fn describe(&self) -> String {
        can_i(
            &self.verb,
            &self.group,
            &self.resource,
            self.subresource.as_deref(),
            self.name.as_deref(),
            self.namespace.as_deref(),
        )
    }
}

/// A PEM certificate file (a CA bundle, or a serving certificate) and where it was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustAnchor {
    /// `configmap kube-system/kube-root-ca.crt`.
    pub source: String,
    pub pem: String,
}

/// What a TLS dial to one kubelet, at the address and port metrics-server uses, showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeletTls {
    pub node: String,
    pub address: String,
    pub port: u16,
    /// The presented chain, DER, leaf first; `Err` says why it could not be read (refused,
    /// timed out): the node is then not checked, which is no finding by itself.
    pub chain: Result<Vec<Vec<u8>>, String>,
}

/// A node's Lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLease {
    pub node: String,
    pub renew_time: Option<Timestamp>,
}

/// An evidence check that could not run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotChecked {
    /// What would have been checked, with the rules it feeds: `metrics-server RBAC (F07, F24)`.
    pub what: String,
    pub why: String,
}

/// Who and where we are talking to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ClusterInfo {
    pub context: String,
    pub server: String,
    /// `gitVersion` from `/version`, when it answered.
    pub server_version: Option<String>,
}

/// The log text of one container, as returned by `pods/log`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerLog {
    pub pod: String,
    pub container: String,
    /// True for the logs of the previous (crashed or restarted) container instance.
    pub previous: bool,
    pub text: String,
}

/// One API call that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallFailure {
    /// Verb as RBAC names it: get, list, watch, create, patch.
    pub verb: String,
    /// Resource as RBAC names it, with the subresource after a slash: `pods/log`.
    pub resource: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
    /// HTTP status code when the server answered; `None` for timeouts and connection errors.
    pub code: Option<u16>,
    pub message: String,
}

impl CallFailure {
    pub fn is_forbidden(&self) -> bool {
        self.code == Some(403)
    }

    /// `verb resource[/name] [-n ns]: message`, like kubectl would describe the call.
    pub fn describe(&self) -> String {
        let mut s = format!("{} {}", self.verb, self.resource);
        if let Some(name) = &self.name {
            s.push(' ');
            s.push_str(name);
        }
        if let Some(ns) = &self.namespace {
            s.push_str(" -n ");
            s.push_str(ns);
        }
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}

/// An action mstui can take, and whether the current user may take it (SelfSubjectAccessReview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Permission {
    pub action: Action,
    pub verb: String,
    pub group: String,
    pub resource: String,
    pub subresource: Option<String>,
    pub namespace: Option<String>,
    pub allowed: bool,
    /// The server's reason when denied, if any.
    pub reason: Option<String>,
}

impl Permission {
    /// `patch deployments.apps -n kube-system`, the kubectl auth can-i spelling.
    pub fn describe(&self) -> String {
        can_i(
            &self.verb,
            &self.group,
            &self.resource,
            self.subresource.as_deref(),
            None,
            self.namespace.as_deref(),
        )
    }
}

/// `verb resource.group[/subresource][/name] [-n namespace]`, as `kubectl auth can-i` writes a
/// permission (the core group is left out).
fn can_i(
    verb: &str,
    group: &str,
    resource: &str,
    subresource: Option<&str>,
    name: Option<&str>,
    namespace: Option<&str>,
) -> String {
    let mut res = resource.to_string();
    if !group.is_empty() {
        res = format!("{res}.{group}");
    }
    for part in [subresource, name].into_iter().flatten() {
        res = format!("{res}/{part}");
    }
    match namespace {
        Some(ns) => format!("{verb} {res} -n {ns}"),
        None => format!("{verb} {res}"),
    }
}

impl Snapshot {
    /// The failure recorded for `verb resource`, if that call failed.
    pub fn failure(&self, verb: &str, resource: &str) -> Option<&CallFailure> {
        self.failures
            .iter()
            .find(|f| f.verb == verb && f.resource == resource)
    }

    /// Whether the permission matrix says `action` is allowed. Unknown (not checked) counts as allowed:
    /// the server will still refuse, and we do not want to hide fixes because a review failed.
    pub fn may(&self, action: Action) -> bool {
        self.permissions
            .iter()
            .filter(|p| p.action == action)
            .all(|p| p.allowed)
    }

    /// The APIService's `Available` condition, if the APIService exists and reports one.
    pub fn apiservice_available(&self) -> Option<&APIServiceCondition> {
        self.apiservice
            .as_ref()?
            .status
            .as_ref()?
            .conditions
            .as_ref()?
            .iter()
            .find(|c| c.type_ == "Available")
    }

    /// The denied permissions for `action`, spelled like `kubectl auth can-i` and joined, or
    /// `None` when nothing denies it: the one gate before any write (even a dry-run) is sent.
    pub fn denied(&self, action: Action) -> Option<String> {
        let names: Vec<String> = self
            .missing_permissions(action)
            .iter()
            .map(|p| p.describe())
            .collect();
        (!names.is_empty()).then(|| names.join("; "))
    }

    /// The denied permissions for `action`, to name them when a fix is disabled.
    pub fn missing_permissions(&self, action: Action) -> Vec<&Permission> {
        self.permissions
            .iter()
            .filter(|p| p.action == action && !p.allowed)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configz_is_read_where_the_kubelet_says_it_and_nothing_is_assumed() {
        let doc = serde_json::json!({"kubeletconfig": {
            "authentication": {"webhook": {"enabled": false, "cacheTTL": "2m0s"},
                               "anonymous": {"enabled": true}},
            "authorization": {"mode": "Webhook"},
            "readOnlyPort": 10255
        }});
        let c = KubeletConfig::from_configz("node-1", &doc).expect("a configz document");
        assert_eq!(c.webhook_authn, Some(false));
        assert_eq!(c.anonymous, Some(true));
        assert_eq!(c.authz_mode.as_deref(), Some("Webhook"));
        assert_eq!(c.read_only_port, Some(10255));
        let sparse = KubeletConfig::from_configz("n", &serde_json::json!({"kubeletconfig": {}}))
            .expect("empty config");
        assert_eq!(sparse.webhook_authn, None);
        assert_eq!(sparse.read_only_port, None);
        assert!(KubeletConfig::from_configz("n", &serde_json::json!({"kind": "Status"})).is_none());
    }
}
