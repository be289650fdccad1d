//! Locating the metrics-server install (pure): APIService → Service → pods → Deployment, with
//! label and image fallbacks in every namespace.

use crate::vocab::Version;
use serde::Serialize;

/// How metrics-server was installed; decides warnings (F40) and where flags live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum InstallKind {
    /// Upstream `components.yaml` (or a copy of it).
    Manifest,
    /// A Helm release (`app.kubernetes.io/managed-by=Helm`).
    Helm {
        release: Option<String>,
        chart: Option<String>,
    },
    /// Reconciled by the addon-manager (kube-up, GKE): edits revert.
    Addon,
    /// Managed by a cloud provider or distribution (AKS, EKS add-on, k3s, RKE2): edits may revert.
    Managed { by: String },
}

impl InstallKind {
    /// Whether edits to the Deployment are likely to be reverted by someone else (F40).
    pub fn reverts_edits(&self) -> bool {
        matches!(self, InstallKind::Addon | InstallKind::Managed { .. })
    }

    pub fn label(&self) -> String {
        match self {
            InstallKind::Manifest => "manifest".into(),
            InstallKind::Helm {
                release: Some(r), ..
            } => format!("helm ({r})"),
            InstallKind::Helm { .. } => "helm".into(),
            InstallKind::Addon => "addon-manager (reconciled)".into(),
            InstallKind::Managed { by } => format!("managed ({by})"),
        }
    }
}

/// How the install was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FoundBy {
    /// Followed the APIService's Service to its pods and their Deployment.
    ApiService,
    /// Matched a known label (the label is given).
    Label(String),
    /// Matched an image name containing `metrics-server`.
    Image,
}

/// A located metrics-server Deployment and the container that runs metrics-server in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Install {
    pub namespace: String,
    pub deployment: String,
    /// The metrics-server container (sidecars such as the nanny are skipped).
    pub container: String,
    pub container_index: usize,
    pub image: String,
    pub version: Option<Version>,
    pub kind: InstallKind,
    pub found_by: FoundBy,
    /// True when the flags are in `command` (kube-up/GKE layout) rather than `args`.
    pub flags_in_command: bool,
}

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Container, Service};
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use std::collections::BTreeMap;

/// Labels that mark a metrics-server Deployment in the known layouts (catalog §2).
pub const KNOWN_LABELS: [(&str, &str); 3] = [
    ("k8s-app", "metrics-server"),
    ("app.kubernetes.io/name", "metrics-server"),
    ("app", "rke2-metrics-server"),
];

/// The result of [`locate`]: the install to work on, and any others that compete with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Located {
    pub primary: Option<Install>,
    pub others: Vec<Install>,
}

/// Find the metrics-server install among `deployments` (ideally listed in all namespaces).
///
/// The APIService's Service is followed first: the Deployment whose pod template matches the
/// Service selector is the one actually serving the Metrics API. Without that, known labels and
/// image names decide, preferring `preferred_namespace` (the `-n` flag) and then `kube-system`.
pub fn locate(
    apiservice: Option<&APIService>,
    service: Option<&Service>,
    deployments: &[Deployment],
    preferred_namespace: Option<&str>,
) -> Located {
    let mut candidates: Vec<&Deployment> = deployments
        .iter()
        .filter(|d| looks_like_metrics_server(d))
        .collect();
    candidates.sort_by_key(|d| (namespace_of(d), name_of(d)));

    let served = apiservice
        .and_then(|a| a.spec.as_ref()?.service.as_ref())
        .and_then(|svc_ref| {
            let selector = service
                .filter(|s| {
                    s.metadata.name.as_deref() == svc_ref.name.as_deref()
                        && s.metadata.namespace.as_deref() == svc_ref.namespace.as_deref()
                })?
                .spec
                .as_ref()?
                .selector
                .as_ref()?;
            let ns = svc_ref.namespace.as_deref()?;
            deployments
                .iter()
                .filter(|d| namespace_of(d) == ns && template_matches(d, selector))
                .min_by_key(|d| (!looks_like_metrics_server(d), name_of(d)))
        });

    let (primary, found_by) = match served {
        Some(d) => (Some(d), FoundBy::ApiService),
        None => {
            let rank = |d: &&Deployment| {
                let ns = namespace_of(d);
                (
                    Some(ns) != preferred_namespace,
                    ns != "kube-system",
                    ns.to_string(),
                    name_of(d).to_string(),
                )
            };
            let best = candidates.iter().copied().min_by_key(rank);
            (best, best.map(fallback_reason).unwrap_or(FoundBy::Image))
        }
    };

    let others = candidates
        .iter()
        .filter(|d| primary.is_none_or(|p| !same_object(p, d)))
        .map(|d| describe(d, fallback_reason(d)))
        .collect();
    Located {
        primary: primary.map(|d| describe(d, found_by)),
        others,
    }
}

/// Whether a Deployment carries a known metrics-server label or runs a metrics-server image.
pub fn looks_like_metrics_server(d: &Deployment) -> bool {
    known_label(d).is_some() || containers(d).iter().any(is_metrics_server_image)
}

fn fallback_reason(d: &Deployment) -> FoundBy {
    match known_label(d) {
        Some((k, v)) => FoundBy::Label(format!("{k}={v}")),
        None => FoundBy::Image,
    }
}

fn known_label(d: &Deployment) -> Option<(&'static str, &'static str)> {
    let labels = d.metadata.labels.as_ref();
    let template_labels = d
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.labels.as_ref());
    KNOWN_LABELS.into_iter().find(|(k, v)| {
        [labels, template_labels]
            .into_iter()
            .flatten()
            .any(|l| l.get(*k).map(String::as_str) == Some(*v))
    })
}

fn template_matches(d: &Deployment, selector: &BTreeMap<String, String>) -> bool {
    let Some(labels) = d
        .spec
        .as_ref()
        .and_then(|s| s.template.metadata.as_ref())
        .and_then(|m| m.labels.as_ref())
    else {
        return false;
    };
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn containers(d: &Deployment) -> &[Container] {
    d.spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .map(|s| s.containers.as_slice())
        .unwrap_or_default()
}

/// An image of metrics-server itself, not of a sidecar that mentions it
/// (`addon-resizer`, the AKS `metrics-server-vpa`, the nanny).
fn is_metrics_server_image(c: &Container) -> bool {
    let image = c.image.as_deref().unwrap_or_default();
    let repo = image.split(['@', ':']).next().unwrap_or_default();
    let last = image
        .split('@')
        .next()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let last = last.split(':').next().unwrap_or_default();
    repo.contains("metrics-server") && !is_sidecar_name(last) && !is_sidecar_name(&c.name)
}

fn is_sidecar_name(name: &str) -> bool {
    name.contains("nanny") || name.contains("addon-resizer") || name.ends_with("-vpa")
}

/// Pick the container that runs metrics-server: by name, then by image, then the first non-sidecar.
pub fn metrics_server_container(d: &Deployment) -> Option<(usize, &Container)> {
    let cs = containers(d);
    cs.iter()
        .enumerate()
        .find(|(_, c)| c.name == "metrics-server")
        .or_else(|| {
            cs.iter()
                .enumerate()
                .find(|(_, c)| is_metrics_server_image(c))
        })
        .or_else(|| {
            cs.iter()
                .enumerate()
                .find(|(_, c)| !is_sidecar_name(&c.name))
        })
}

fn describe(d: &Deployment, found_by: FoundBy) -> Install {
    let (index, container) = match metrics_server_container(d) {
        Some((i, c)) => (i, Some(c)),
        None => (0, None),
    };
    let image = container.and_then(|c| c.image.clone()).unwrap_or_default();
    let helm_version = label(d, "app.kubernetes.io/version").and_then(Version::parse);
    Install {
        namespace: namespace_of(d).to_string(),
        deployment: name_of(d).to_string(),
        container: container.map(|c| c.name.clone()).unwrap_or_default(),
        container_index: index,
        version: Version::from_image(&image).or(helm_version),
        image,
        kind: install_kind(d),
        found_by,
        flags_in_command: container
            .and_then(|c| c.command.as_ref())
            .is_some_and(|cmd| cmd.iter().skip(1).any(|a| a.starts_with('-'))),
    }
}

/// Classify who manages the Deployment, from its labels, annotations and sidecars.
pub fn install_kind(d: &Deployment) -> InstallKind {
    let name = name_of(d);
    let release = annotation(d, "meta.helm.sh/release-name")
        .or_else(|| label(d, "app.kubernetes.io/instance"));
    if label(d, "addonmanager.kubernetes.io/mode") == Some("Reconcile") {
        return InstallKind::Addon;
    }
    if containers(d).iter().any(|c| c.name == "metrics-server-vpa") {
        return InstallKind::Managed { by: "AKS".into() };
    }
    if name.starts_with("rke2-") || release.is_some_and(|r| r.starts_with("rke2-")) {
        return InstallKind::Managed { by: "RKE2".into() };
    }
    if label(d, "objectset.rio.cattle.io/hash").is_some()
        || annotation(d, "objectset.rio.cattle.io/id").is_some()
    {
        return InstallKind::Managed { by: "k3s".into() };
    }
    if label(d, "eks.amazonaws.com/component").is_some()
        || label(d, "app.kubernetes.io/managed-by") == Some("EKS")
    {
        return InstallKind::Managed {
            by: "EKS add-on".into(),
        };
    }
    if label(d, "app.kubernetes.io/managed-by") == Some("Helm")
        || annotation(d, "meta.helm.sh/release-name").is_some()
    {
        return InstallKind::Helm {
            release: release.map(str::to_string),
            chart: label(d, "helm.sh/chart").map(str::to_string),
        };
    }
    InstallKind::Manifest
}

/// `k=v,k=v` from the Deployment's `matchLabels`: what `kubectl get pods -l` would use to find
/// its pods.
pub fn pod_selector(d: &Deployment) -> Option<String> {
    let labels = d.spec.as_ref()?.selector.match_labels.as_ref()?;
    Some(
        labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// The ServiceAccount the Deployment's pods run as (`serviceAccountName`, the deprecated
/// `serviceAccount`, else `default`): the identity metrics-server's RBAC must grant.
pub fn service_account(d: &Deployment) -> String {
    let spec = d.spec.as_ref().and_then(|s| s.template.spec.as_ref());
    spec.and_then(|s| s.service_account_name.clone())
        .or_else(|| spec.and_then(|s| s.service_account.clone()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_string())
}

/// The Secret and key a file path in the pod's container comes from (`--tls-cert-file` on a
/// mounted Secret): the deepest mount that holds the path, whose volume is a Secret (`items`
/// may rename keys). `None` for a path on any other kind of volume or on no mount.
pub fn secret_file(d: &Deployment, container: &str, path: &str) -> Option<(String, String)> {
    let spec = d.spec.as_ref()?.template.spec.as_ref()?;
    let c = spec.containers.iter().find(|c| c.name == container)?;
    let mount = c
        .volume_mounts
        .iter()
        .flatten()
        .filter(|m| {
            let dir = m.mount_path.trim_end_matches('/');
            path.strip_prefix(dir)
                .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|m| m.mount_path.trim_end_matches('/').len())?;
    let dir = mount.mount_path.trim_end_matches('/');
    let mut rel = path.strip_prefix(dir)?.trim_start_matches('/').to_string();
    if let Some(sub) = mount.sub_path.as_deref().filter(|s| !s.is_empty()) {
        rel = format!("{}/{rel}", sub.trim_end_matches('/'));
    }
    let secret = spec
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == mount.name)?
        .secret
        .as_ref()?;
    let name = secret.secret_name.clone()?;
    let key = match &secret.items {
        Some(items) => items.iter().find(|i| i.path == rel)?.key.clone(),
        None => rel,
    };
    Some((name, key))
}

fn label<'a>(d: &'a Deployment, key: &str) -> Option<&'a str> {
    d.metadata.labels.as_ref()?.get(key).map(String::as_str)
}

fn annotation<'a>(d: &'a Deployment, key: &str) -> Option<&'a str> {
    d.metadata
        .annotations
        .as_ref()?
        .get(key)
        .map(String::as_str)
}

fn namespace_of(d: &Deployment) -> &str {
    d.metadata.namespace.as_deref().unwrap_or_default()
}

fn name_of(d: &Deployment) -> &str {
    d.metadata.name.as_deref().unwrap_or_default()
}

fn same_object(a: &Deployment, b: &Deployment) -> bool {
    namespace_of(a) == namespace_of(b) && name_of(a) == name_of(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(
        ns: &str,
        name: &str,
        labels: serde_json::Value,
        containers: serde_json::Value,
    ) -> Deployment {
        serde_json::from_value(json!({
            "metadata": {"namespace": ns, "name": name, "labels": labels},
            "spec": {
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": {"containers": containers}}
            }
        }))
        .expect("valid deployment")
    }

    fn manifest() -> Deployment {
        deployment(
            "kube-system",
            "metrics-server",
            json!({"k8s-app": "metrics-server"}),
            json!([{"name": "metrics-server", "image": "registry.k8s.io/metrics-server/metrics-server:v0.8.0",
                    "args": ["--cert-dir=/tmp", "--secure-port=10250"]}]),
        )
    }

    #[test]
    fn the_service_account_is_the_pod_templates() {
        // No name in the template: the pods run as `default`.
        assert_eq!(service_account(&manifest()), "default");
        let with = |legacy: Option<&str>, name: Option<&str>| {
            let mut d = manifest();
            let spec = d
                .spec
                .as_mut()
                .and_then(|s| s.template.spec.as_mut())
                .unwrap();
            spec.service_account = legacy.map(str::to_string);
            spec.service_account_name = name.map(str::to_string);
            service_account(&d)
        };
        assert_eq!(with(Some("legacy"), None), "legacy");
        assert_eq!(
            with(Some("legacy"), Some("metrics-server")),
            "metrics-server"
        );
        assert_eq!(with(None, Some("")), "default");
    }

    #[test]
    fn a_cert_file_on_a_secret_mount_names_the_secret_and_key() {
        let d: Deployment = serde_json::from_value(json!({
            "metadata": {"namespace": "kube-system", "name": "metrics-server"},
            "spec": {"selector": {}, "template": {"spec": {
                "volumes": [
                    {"name": "certs", "secret": {"secretName": "ms-tls"}},
                    {"name": "renamed", "secret": {"secretName": "ms-tls-2",
                        "items": [{"key": "tls.crt", "path": "serving.crt"}]}},
                    {"name": "tmp", "emptyDir": {}}
                ],
                "containers": [{"name": "metrics-server", "volumeMounts": [
                    {"name": "tmp", "mountPath": "/tmp"},
                    {"name": "certs", "mountPath": "/etc/tls/"},
                    {"name": "renamed", "mountPath": "/etc/tls/other"}
                ]}]
            }}}
        }))
        .expect("deployment");
        let f = |path| secret_file(&d, "metrics-server", path);
        assert_eq!(
            f("/etc/tls/tls.crt"),
            Some(("ms-tls".into(), "tls.crt".into()))
        );
        assert_eq!(
            f("/etc/tls/other/serving.crt"),
            Some(("ms-tls-2".into(), "tls.crt".into()))
        );
        assert_eq!(f("/etc/tls/other/unknown.crt"), None, "not among the items");
        assert_eq!(f("/tmp/apiserver.crt"), None, "an emptyDir");
        assert_eq!(f("/etc/tlsx/tls.crt"), None, "a sibling directory");
        assert_eq!(secret_file(&d, "sidecar", "/etc/tls/tls.crt"), None);
    }

    fn apiservice(ns: &str, name: &str) -> APIService {
        serde_json::from_value(json!({
            "metadata": {"name": "v1beta1.metrics.k8s.io"},
            "spec": {"group": "metrics.k8s.io", "version": "v1beta1", "groupPriorityMinimum": 100,
                     "versionPriority": 100, "service": {"namespace": ns, "name": name}}
        }))
        .expect("valid apiservice")
    }

    fn service(ns: &str, name: &str, selector: serde_json::Value) -> Service {
        serde_json::from_value(json!({
            "metadata": {"namespace": ns, "name": name},
            "spec": {"selector": selector, "ports": [{"port": 443, "targetPort": "https"}]}
        }))
        .expect("valid service")
    }

    #[test]
    fn version_parses_tags_and_rejects_latest() {
        assert_eq!(Version::parse("v0.7.2"), Some(Version::new(0, 7, 2)));
        assert_eq!(Version::parse("0.6"), Some(Version::new(0, 6, 0)));
        assert_eq!(Version::parse("v0.6.4-gke.1"), Some(Version::new(0, 6, 4)));
        assert_eq!(Version::parse("latest"), None);
        assert_eq!(
            Version::from_image("registry.k8s.io/metrics-server/metrics-server:v0.8.0"),
            Some(Version::new(0, 8, 0))
        );
        assert_eq!(Version::from_image("localhost:5000/metrics-server"), None);
        assert_eq!(
            Version::from_image("x/metrics-server:v0.7.1@sha256:abc"),
            Some(Version::new(0, 7, 1))
        );
    }

    #[test]
    fn follows_the_apiservice_to_the_serving_deployment() {
        let served = manifest();
        let other = deployment(
            "monitoring",
            "metrics-server",
            json!({"app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/instance": "ms"}),
            json!([{"name": "metrics-server", "image": "registry.k8s.io/metrics-server/metrics-server:v0.7.2"}]),
        );
        let svc = service(
            "kube-system",
            "metrics-server",
            json!({"k8s-app": "metrics-server"}),
        );
        let located = locate(
            Some(&apiservice("kube-system", "metrics-server")),
            Some(&svc),
            &[other, served],
            None,
        );
        let primary = located.primary.expect("found");
        assert_eq!(
            (primary.namespace.as_str(), primary.found_by),
            ("kube-system", FoundBy::ApiService)
        );
        assert_eq!(primary.version, Some(Version::new(0, 8, 0)));
        assert_eq!(primary.kind, InstallKind::Manifest);
        assert_eq!(
            located.others.len(),
            1,
            "the monitoring copy competes (F02)"
        );
        assert_eq!(located.others[0].namespace, "monitoring");
    }

    #[test]
    fn falls_back_to_labels_and_prefers_the_requested_namespace() {
        let a = manifest();
        let mut b = manifest();
        b.metadata.namespace = Some("ops".into());
        let located = locate(None, None, &[a.clone(), b.clone()], Some("ops"));
        let primary = located.primary.expect("found");
        assert_eq!(primary.namespace, "ops");
        assert_eq!(
            primary.found_by,
            FoundBy::Label("k8s-app=metrics-server".into())
        );
        let located = locate(None, None, &[b, a], None);
        assert_eq!(located.primary.expect("found").namespace, "kube-system");
    }

    #[test]
    fn finds_by_image_when_unlabelled_and_ignores_unrelated_deployments() {
        let unlabelled = deployment(
            "tools",
            "ms",
            json!({"app": "ms"}),
            json!([{"name": "server", "image": "myregistry/metrics-server:v0.6.4"}]),
        );
        let coredns = deployment(
            "kube-system",
            "coredns",
            json!({"k8s-app": "kube-dns"}),
            json!([{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.1"}]),
        );
        let located = locate(None, None, &[coredns.clone(), unlabelled], None);
        let primary = located.primary.expect("found");
        assert_eq!(
            (primary.deployment.as_str(), primary.found_by),
            ("ms", FoundBy::Image)
        );
        assert!(located.others.is_empty());
        assert_eq!(locate(None, None, &[coredns], None), Located::default());
    }

    #[test]
    fn kube_up_layout_skips_the_nanny_and_reads_command_flags() {
        let d = deployment(
            "kube-system",
            "metrics-server-v0.7.2",
            json!({"k8s-app": "metrics-server", "version": "v0.7.2", "addonmanager.kubernetes.io/mode": "Reconcile"}),
            json!([
                {"name": "metrics-server-nanny", "image": "registry.k8s.io/autoscaling/addon-resizer:1.8.23",
                 "command": ["/pod_nanny", "--container=metrics-server"]},
                {"name": "metrics-server", "image": "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
                 "command": ["/metrics-server", "--metric-resolution=30s", "--kubelet-insecure-tls"]}
            ]),
        );
        let install = locate(None, None, &[d], None).primary.expect("found");
        assert_eq!(
            (install.container.as_str(), install.container_index),
            ("metrics-server", 1)
        );
        assert!(install.flags_in_command);
        assert_eq!(install.kind, InstallKind::Addon);
        assert!(install.kind.reverts_edits());
    }

    #[test]
    fn helm_and_managed_layouts_are_told_apart() {
        let helm = deployment(
            "monitoring",
            "metrics-server",
            json!({"app.kubernetes.io/name": "metrics-server", "app.kubernetes.io/managed-by": "Helm",
                   "app.kubernetes.io/instance": "metrics-server", "helm.sh/chart": "metrics-server-3.13.0",
                   "app.kubernetes.io/version": "0.8.0"}),
            json!([{"name": "metrics-server", "image": "registry.k8s.io/metrics-server/metrics-server"}]),
        );
        let install = locate(None, None, &[helm], None).primary.expect("found");
        assert_eq!(
            install.kind,
            InstallKind::Helm {
                release: Some("metrics-server".into()),
                chart: Some("metrics-server-3.13.0".into())
            }
        );
        assert_eq!(
            install.version,
            Some(Version::new(0, 8, 0)),
            "from the Helm version label"
        );
        assert!(!install.kind.reverts_edits());

        let aks = deployment(
            "kube-system",
            "metrics-server",
            json!({"k8s-app": "metrics-server"}),
            json!([{"name": "metrics-server", "image": "mcr.microsoft.com/oss/kubernetes/metrics-server:v0.7.2"},
                   {"name": "metrics-server-vpa", "image": "mcr.microsoft.com/oss/kubernetes/autoscaler/addon-resizer:1.8.20"}]),
        );
        assert_eq!(
            install_kind(&aks),
            InstallKind::Managed { by: "AKS".into() }
        );
    }
}
