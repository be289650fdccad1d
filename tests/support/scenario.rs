//! The cluster states the end-to-end tests start from.

/// The container args of the upstream v0.8.0 `components.yaml`.
pub const UPSTREAM_ARGS: [&str; 5] = [
    "--cert-dir=/tmp",
    "--secure-port=10250",
    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
    "--kubelet-use-node-status-port",
    "--metric-resolution=15s",
];

/// The container args the metrics-server Helm chart (3.13.0, app 0.8.0) renders with default values:
/// `--secure-port` and `--cert-dir` from the template, then `defaultArgs`.
pub const HELM_ARGS: [&str; 5] = [
    "--secure-port=10250",
    "--cert-dir=/tmp",
    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
    "--kubelet-use-node-status-port",
    "--metric-resolution=15s",
];

/// The Helm release name of the `helm-chart` scenario (`helm install metrics-server
/// metrics-server/metrics-server -n monitoring`): the chart's fullname is then `metrics-server`.
pub const HELM_RELEASE: &str = "metrics-server";
pub const HELM_CHART: &str = "metrics-server-3.13.0";
pub const HELM_APP_VERSION: &str = "0.8.0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Upstream args plus `--kubelet-insecure-tls`: metrics flow, `kubectl top nodes` works.
    Healthy,
    /// Upstream args: metrics-server verifies kwok's kubelet cert against the cluster CA and logs
    /// `x509: certificate signed by unknown authority` (the seed's headline), never becomes
    /// ready, so its endpoint is not ready and the APIService reports `MissingEndpoints`.
    X509,
    /// Nodes also carry `Hostname=127.0.0.2` (nothing listens there) and the Deployment has no
    /// `--kubelet-preferred-address-types` (binary default: Hostname first) → connection refused.
    WrongAddress,
    /// No metrics-server process behind a Running, Ready pod whose endpoint stays ready (what a
    /// network path that drops the apiserver → pod traffic looks like): the discovery check
    /// fails and the aggregator answers 503.
    BackendDown,
    /// The X509 state, plus a user who can get/list/watch and read logs but not patch.
    ReadOnlyUser,
    /// The X509 state, installed the way the Helm chart does: namespace `monitoring`,
    /// `app.kubernetes.io/*` labels, the chart's args, Service port 443 → `https`.
    HelmChart,
    /// Upstream args; the kubelet serving certificate is signed by the cluster CA (which
    /// metrics-server trusts) but carries only DNS names, no IP SAN, while metrics-server dials
    /// the InternalIP → `x509: cannot validate certificate for 127.0.0.1 because it doesn't
    /// contain any IP SANs` (F16, not F15).
    NoIpSan,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Healthy => "healthy",
            Scenario::X509 => "x509",
            Scenario::WrongAddress => "wrong-address",
            Scenario::BackendDown => "backend-down",
            Scenario::ReadOnlyUser => "read-only-user",
            Scenario::HelmChart => "helm-chart",
            Scenario::NoIpSan => "no-ip-san",
        }
    }

    /// The namespace metrics-server is installed in.
    pub fn namespace(self) -> &'static str {
        match self {
            Scenario::HelmChart => "monitoring",
            _ => "kube-system",
        }
    }

    /// The labels of every metrics-server object, and the pod selector (`matchLabels`).
    pub fn selector_labels(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Scenario::HelmChart => vec![
                ("app.kubernetes.io/name", "metrics-server"),
                ("app.kubernetes.io/instance", HELM_RELEASE),
            ],
            _ => vec![("k8s-app", "metrics-server")],
        }
    }

    /// `k=v,k=v` for list calls.
    pub fn selector(self) -> String {
        self.selector_labels()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Labels on the objects (the selector labels plus, for Helm, the chart's common labels).
    pub fn object_labels(self) -> Vec<(&'static str, &'static str)> {
        let mut l = self.selector_labels();
        if self == Scenario::HelmChart {
            l.extend([
                ("app.kubernetes.io/managed-by", "Helm"),
                ("app.kubernetes.io/version", HELM_APP_VERSION),
                ("helm.sh/chart", HELM_CHART),
            ]);
        }
        l
    }

    /// The metrics-server container args in the Deployment.
    pub fn args(self) -> Vec<String> {
        let base: &[&str] = match self {
            Scenario::HelmChart => &HELM_ARGS,
            _ => &UPSTREAM_ARGS,
        };
        let mut args: Vec<String> = base.iter().map(|s| s.to_string()).collect();
        match self {
            Scenario::Healthy => args.push("--kubelet-insecure-tls".into()),
            Scenario::WrongAddress => {
                args.retain(|a| !a.starts_with("--kubelet-preferred-address-types"))
            }
            Scenario::X509
            | Scenario::BackendDown
            | Scenario::ReadOnlyUser
            | Scenario::HelmChart
            | Scenario::NoIpSan => {}
        }
        args
    }

    /// Node `status.addresses` (type, address). Both types are always present: kwok's
    /// node-initialize stage rewrites `addresses` when either is missing (and, without
    /// `--node-name`, drops them all). IP literals only: a hostname lookup would leave the box.
    pub fn node_addresses(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Scenario::WrongAddress => vec![("InternalIP", "127.0.0.1"), ("Hostname", "127.0.0.2")],
            _ => vec![("InternalIP", "127.0.0.1"), ("Hostname", "127.0.0.1")],
        }
    }

    /// Whether the supervisor runs the real metrics-server behind the fake pod.
    pub fn runs_metrics_server(self) -> bool {
        self != Scenario::BackendDown
    }

    /// Whether kwok's serving certificate comes from the cluster CA with DNS SANs only.
    pub fn kubelet_cert_without_ip_san(self) -> bool {
        self == Scenario::NoIpSan
    }

    /// The log signature to wait for before the scenario counts as established.
    pub fn expected_log(self) -> Option<&'static str> {
        match self {
            Scenario::X509 | Scenario::ReadOnlyUser | Scenario::HelmChart => {
                Some("x509: certificate signed by unknown authority")
            }
            Scenario::NoIpSan => Some("because it doesn't contain any IP SANs"),
            Scenario::WrongAddress => Some("connect: connection refused"),
            Scenario::Healthy | Scenario::BackendDown => None,
        }
    }

    /// Whether metrics-server can never pass `/readyz` in this state (no node is scraped).
    pub fn never_ready(self) -> bool {
        !matches!(self, Scenario::Healthy | Scenario::BackendDown)
    }
}
