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
