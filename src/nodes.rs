//! What metrics-server does with a Node object.

/// The address metrics-server dials for a node (`pkg/utils/address_resolver.go`): the first
/// preferred type the node has, and its first address of that type, as `(type, address)`.
pub fn choose_address(
    node: &k8s_openapi::api::core::v1::Node,
    types: &[String],
) -> Option<(String, String)> {
    let addresses = node.status.as_ref()?.addresses.as_ref()?;
    types.iter().find_map(|t| {
        addresses
            .iter()
            .find(|a| &a.type_ == t)
            .map(|a| (t.clone(), a.address.clone()))
    })
}

/// metrics-server's default `--kubelet-port`.
pub const DEFAULT_KUBELET_PORT: u16 = 10250;

/// The port metrics-server dials on a node: the node's own kubelet port
/// (`status.daemonEndpoints.kubeletEndpoint.Port`) with `--kubelet-use-node-status-port`,
/// otherwise `--kubelet-port` (default 10250).
pub fn kubelet_port(
    node: &k8s_openapi::api::core::v1::Node,
    use_node_status_port: bool,
    port_flag: Option<u16>,
) -> u16 {
    let status_port = node
        .status
        .as_ref()
        .and_then(|s| s.daemon_endpoints.as_ref())
        .and_then(|d| d.kubelet_endpoint.as_ref())
        .and_then(|e| u16::try_from(e.port).ok())
        .filter(|p| *p != 0);
    match (use_node_status_port, status_port) {
        (true, Some(p)) => p,
        _ => port_flag.unwrap_or(DEFAULT_KUBELET_PORT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{DaemonEndpoint, Node, NodeDaemonEndpoints, NodeStatus};

    fn node(port: Option<i32>) -> Node {
        Node {
            status: Some(NodeStatus {
                daemon_endpoints: port.map(|p| NodeDaemonEndpoints {
                    kubelet_endpoint: Some(DaemonEndpoint { port: p }),
                }),
                ..NodeStatus::default()
            }),
            ..Node::default()
        }
    }

    #[test]
    fn the_status_port_wins_only_with_the_flag() {
        assert_eq!(kubelet_port(&node(Some(10260)), true, None), 10260);
        assert_eq!(kubelet_port(&node(Some(10260)), false, None), 10250);
        assert_eq!(kubelet_port(&node(Some(10260)), false, Some(10255)), 10255);
        assert_eq!(kubelet_port(&node(None), true, Some(10255)), 10255);
        assert_eq!(kubelet_port(&node(Some(0)), true, None), 10250);
    }
}
