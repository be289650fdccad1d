//! The kubelets' own configuration, read through `nodes/proxy/configz` (only for nodes without
//! metrics, only where the user may): F23 when the kubelet does not check bearer tokens, F22
//! when metrics-server dials the read-only port the kubelet has turned off.

use super::join;
use crate::diagnose::context::Ctx;
use crate::diagnose::finding::Finding;
use crate::snapshot::KubeletConfig;
use crate::vocab::RuleId;

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let configs: Vec<&KubeletConfig> = ctx
        .snap
        .kubelet_configs
        .iter()
        .filter(|c| !ctx.node_has_metrics(&c.node))
        .collect();
    out.extend(token_not_checked(&configs));
    out.extend(read_only_port_off(ctx, &configs));
}

fn flag(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "true",
        Some(false) => "false",
        None => "unset",
    }
}

/// F23: webhook authentication off, so metrics-server's token is ignored and it is anonymous;
/// refused outright (anonymous off: 401) or by Webhook authorization (403 for system:anonymous).
fn token_not_checked(configs: &[&KubeletConfig]) -> Option<Finding> {
    let refused: Vec<(&KubeletConfig, &str)> = configs
        .iter()
        .filter(|c| c.webhook_authn == Some(false))
        .filter_map(|c| {
            if c.anonymous == Some(false) {
                Some((*c, "anonymous requests are refused too: every scrape answers 401"))
            } else if c.authz_mode.as_deref() == Some("Webhook") {
                Some((
                    *c,
                    "the request counts as system:anonymous, which Webhook authorization refuses (403)",
                ))
            } else {
                None
            }
        })
        .collect();
    if refused.is_empty() {
        return None;
    }
    let nodes: Vec<&str> = refused.iter().map(|(c, _)| c.node.as_str()).collect();
    let mut f = Finding::from_catalog(RuleId::KubeletUnauthorized).with_nodes(&nodes);
    for (c, why) in refused.iter().take(super::MAX_EXCERPTS) {
        f = f.with_evidence(format!(
            "configz of {}: authentication.webhook.enabled=false, \
             authentication.anonymous.enabled={}, authorization.mode={}: metrics-server's token \
             is not checked; {why}",
            c.node,
            flag(c.anonymous),
            c.authz_mode.as_deref().unwrap_or("unset")
        ));
    }
    Some(f)
}

/// F22: metrics-server is set to the read-only port and the kubelet has it off.
fn read_only_port_off(ctx: &Ctx, configs: &[&KubeletConfig]) -> Option<Finding> {
    let flags = ctx.flags.as_ref()?;
    let legacy = flags.value("kubelet-port").as_deref() == Some("10255")
        && !flags.bool("kubelet-use-node-status-port");
    if !legacy {
        return None;
    }
    let off: Vec<&str> = configs
        .iter()
        .filter(|c| c.read_only_port == Some(0))
        .map(|c| c.node.as_str())
        .collect();
    if off.is_empty() {
        return None;
    }
    Some(
        Finding::from_catalog(RuleId::LegacyKubeletPort)
            .with_nodes(&off)
            .with_evidence(format!(
                "configz of {}: readOnlyPort 0 (the read-only port is off), while metrics-server \
                 dials --kubelet-port=10255",
                join(&off)
            )),
    )
}
