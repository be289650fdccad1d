//! The cluster states the end-to-end tests start from.

/// The container args of the upstream v0.8.0 `components.yaml`.
pub const UPSTREAM_ARGS: [&str; 5] = [
    "--cert-dir=/tmp",
    "--secure-port=10250",
    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
    "--kubelet-use-node-status-port",
    "--metric-resolution=15s",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Upstream args plus `--kubelet-insecure-tls`: metrics flow, `kubectl top nodes` works.
    Healthy,
    /// Upstream args: metrics-server verifies kwok's kubelet cert against the cluster CA and logs
    /// `x509: certificate signed by unknown authority` (the seed's headline).
    X509,
    /// Nodes also carry `Hostname=127.0.0.2` (nothing listens there) and the Deployment has no
    /// `--kubelet-preferred-address-types` (binary default: Hostname first) → connection refused.
    WrongAddress,
    /// No metrics-server process behind the Running fake pod: the aggregator answers 503.
    BackendDown,
    /// The X509 state, plus a user who can get/list/watch and read logs but not patch.
    ReadOnlyUser,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Healthy => "healthy",
            Scenario::X509 => "x509",
            Scenario::WrongAddress => "wrong-address",
            Scenario::BackendDown => "backend-down",
            Scenario::ReadOnlyUser => "read-only-user",
        }
    }

    /// The metrics-server container args in the Deployment.
    pub fn args(self) -> Vec<String> {
        let mut args: Vec<String> = UPSTREAM_ARGS.iter().map(|s| s.to_string()).collect();
        match self {
            Scenario::Healthy => args.push("--kubelet-insecure-tls".into()),
            Scenario::WrongAddress => {
                args.retain(|a| !a.starts_with("--kubelet-preferred-address-types"))
            }
            Scenario::X509 | Scenario::BackendDown | Scenario::ReadOnlyUser => {}
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

    /// The log signature to wait for before the scenario counts as established.
    pub fn expected_log(self) -> Option<&'static str> {
        match self {
            Scenario::X509 | Scenario::ReadOnlyUser => {
                Some("x509: certificate signed by unknown authority")
            }
            Scenario::WrongAddress => Some("connect: connection refused"),
            Scenario::Healthy | Scenario::BackendDown => None,
        }
    }
}
