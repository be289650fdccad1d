//! What happens when metrics-server scrapes one kubelet: the address it picks, the port, DNS,
//! reachability and the TLS verification, each failing with the error text Go would produce.
//!
//! The order matters and follows the real client: the address is chosen first
//! (`pkg/utils/address_resolver.go`), then DNS and TCP, then the handshake; within the
//! handshake Go checks the name against the SANs before it builds the chain, which is why a
//! self-signed kubelet dialled by IP says "doesn't contain any IP SANs" rather than "unknown
//! authority".

use crate::flags::Flags;
use crate::nodes::choose_address;
use k8s_openapi::api::core::v1::Node;

/// The serving certificate a kubelet presents at some moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServingCert {
    /// IP and DNS SANs, signed by a CA metrics-server does not trust.
    ForeignCa,
    /// Self-signed, naming only the hostname.
    SelfSigned,
    /// Serving-certificate bootstrap is on but no certificate was issued yet.
    Missing,
    /// IP and DNS SANs, signed by the cluster CA.
    ClusterCa,
}

/// The kubelet port, and the one that answers.
const KUBELET_PORT: i32 = 10250;
const CLUSTER_DNS: &str = "10.96.0.10:53";

/// Scrape `node` with the effective `flags`: `Ok` or the `err=` text metrics-server logs.
pub(crate) fn scrape(flags: &Flags, node: &Node, cert: ServingCert) -> Result<(), String> {
    let types = flags.preferred_address_types();
    let Some((kind, address)) = choose_address(node, &types) else {
        return Err(format!("no address matched types [{}]", types.join(" ")));
    };
    let port = port(flags, node);
    let plain_http = flags.bool("deprecated-kubelet-completely-insecure");
    let scheme = if plain_http { "http" } else { "https" };
    let host = if address.contains(':') {
        format!("[{address}]")
    } else {
        address.clone()
    };
    let url = format!("{scheme}://{host}:{port}/metrics/resource");
    let fail = |why: String| Err(format!("Get \"{url}\": {why}"));
    if kind.ends_with("DNS") || kind == "Hostname" {
        // Cluster DNS knows Services and pods, not node names.
        return fail(format!(
            "dial tcp: lookup {address} on {CLUSTER_DNS}: no such host"
        ));
    }
    if kind.starts_with("External") || port != KUBELET_PORT {
        // Public NAT addresses do not forward the kubelet port; other ports are closed.
        return fail(format!(
            "dial tcp {host}:{port}: connect: connection refused"
        ));
    }
    if plain_http {
        return fail(
            "net/http: HTTP/1.x transport connection broken: malformed HTTP response \"\\x15\\x03\\x01\\x00\\x02\\x02\""
                .to_string(),
        );
    }
    let verify = !flags.bool("kubelet-insecure-tls");
    match cert {
        // The kubelet aborts the handshake itself: no certificate to present.
        ServingCert::Missing => fail("remote error: tls: internal error".to_string()),
        _ if !verify => Ok(()),
        ServingCert::ClusterCa => Ok(()),
        ServingCert::SelfSigned => fail(format!(
            "tls: failed to verify certificate: x509: cannot validate certificate for {address} because it doesn't contain any IP SANs"
        )),
        ServingCert::ForeignCa => fail(
            "tls: failed to verify certificate: x509: certificate signed by unknown authority"
                .to_string(),
        ),
    }
}

fn port(flags: &Flags, node: &Node) -> i32 {
    if flags.bool("kubelet-use-node-status-port") {
        let reported = node
            .status
            .as_ref()
            .and_then(|s| s.daemon_endpoints.as_ref())
            .and_then(|d| d.kubelet_endpoint.as_ref())
            .map(|e| e.port);
        if let Some(port) = reported.filter(|p| *p > 0) {
            return port;
        }
    }
    flags
        .value("kubelet-port")
        .and_then(|p| p.parse().ok())
        .unwrap_or(KUBELET_PORT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node() -> Node {
        serde_json::from_value(json!({
            "metadata": {"name": "worker-1"},
            "status": {
                "addresses": [
                    {"type": "InternalIP", "address": "10.0.1.11"},
                    {"type": "ExternalIP", "address": "203.0.113.11"},
                    {"type": "Hostname", "address": "worker-1"}
                ],
                "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}
            }
        }))
        .expect("valid node")
    }

    fn flags(args: &[&str]) -> Flags {
        let argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Flags::parse(&argv, None)
    }

    const INTERNAL: &str = "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname";

    #[test]
    fn verification_decides_once_the_kubelet_answers() {
        let n = node();
        let strict = flags(&[INTERNAL]);
        let err = scrape(&strict, &n, ServingCert::ForeignCa).expect_err("untrusted CA");
        assert_eq!(
            err,
            "Get \"https://10.0.1.11:10250/metrics/resource\": tls: failed to verify certificate: x509: certificate signed by unknown authority"
        );
        let err = scrape(&strict, &n, ServingCert::SelfSigned).expect_err("no IP SAN");
        assert!(
            err.ends_with(
                "cannot validate certificate for 10.0.1.11 because it doesn't contain any IP SANs"
            ),
            "{err}"
        );
        assert_eq!(scrape(&strict, &n, ServingCert::ClusterCa), Ok(()));
        let insecure = flags(&[INTERNAL, "--kubelet-insecure-tls"]);
        assert_eq!(scrape(&insecure, &n, ServingCert::ForeignCa), Ok(()));
        assert_eq!(scrape(&insecure, &n, ServingCert::SelfSigned), Ok(()));
        // Skipping verification does not help a kubelet that has no certificate at all.
        let err = scrape(&insecure, &n, ServingCert::Missing).expect_err("no cert");
        assert!(err.ends_with("remote error: tls: internal error"), "{err}");
    }

    #[test]
    fn the_address_choice_fails_before_tls() {
        let n = node();
        let external = flags(&[
            "--kubelet-preferred-address-types=ExternalIP,InternalIP,Hostname",
            "--kubelet-insecure-tls",
        ]);
        assert_eq!(
            scrape(&external, &n, ServingCert::ClusterCa),
            Err("Get \"https://203.0.113.11:10250/metrics/resource\": dial tcp 203.0.113.11:10250: connect: connection refused".into())
        );
        // No flag: the binary default puts Hostname first, which cluster DNS cannot resolve.
        let default = flags(&[]);
        let err = scrape(&default, &n, ServingCert::ClusterCa).expect_err("no such host");
        assert!(
            err.contains("dial tcp: lookup worker-1 on 10.96.0.10:53: no such host"),
            "{err}"
        );
        let dns_only = flags(&["--kubelet-preferred-address-types=InternalDNS"]);
        assert_eq!(
            scrape(&dns_only, &n, ServingCert::ClusterCa),
            Err("no address matched types [InternalDNS]".into())
        );
    }

    #[test]
    fn the_legacy_read_only_port_is_closed() {
        let n = node();
        let legacy = flags(&[INTERNAL, "--kubelet-port=10255", "--kubelet-insecure-tls"]);
        let err = scrape(&legacy, &n, ServingCert::ClusterCa).expect_err("closed");
        assert!(
            err.contains("dial tcp 10.0.1.11:10255: connect: connection refused"),
            "{err}"
        );
        // The node status port wins over --kubelet-port when asked for.
        let status_port = flags(&[
            INTERNAL,
            "--kubelet-port=10255",
            "--kubelet-use-node-status-port",
            "--kubelet-insecure-tls",
        ]);
        assert_eq!(scrape(&status_port, &n, ServingCert::ClusterCa), Ok(()));
    }
}
