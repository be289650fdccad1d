//! F33–F37: HPAs that stopped scaling (triage §4 step 5). The `ScalingActive` condition is the
//! current truth; events are only read for HPAs without conditions (they linger for an hour
//! after the problem is gone).

use super::pod::event_line;
use crate::diagnose::blast::latest_event_without_conditions;
use crate::diagnose::context::Ctx;
use crate::diagnose::finding::Finding;
use crate::vocab::RuleId;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use std::collections::BTreeMap;

/// HPA event reasons that carry a metrics error.
const EVENT_REASONS: [&str; 3] = [
    "FailedGetResourceMetric",
    "FailedGetContainerResourceMetric",
    "FailedComputeMetricsReplicas",
];

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut by_rule: BTreeMap<RuleId, Finding> = BTreeMap::new();
    for hpa in &ctx.snap.hpas {
        let Some((rule, line)) = condition(hpa).or_else(|| from_events(ctx, hpa)) else {
            continue;
        };
        let f = by_rule
            .remove(&rule)
            .unwrap_or_else(|| Finding::from_catalog(rule));
        by_rule.insert(rule, f.with_evidence(line));
    }
    for (rule, f) in by_rule {
        out.push(match rule {
            RuleId::HpaCannotRead => f.with_evidence(metrics_api_state(ctx)),
            _ => f,
        });
    }
}

fn name(hpa: &HorizontalPodAutoscaler) -> String {
    format!(
        "{}/{}",
        hpa.metadata.namespace.as_deref().unwrap_or_default(),
        hpa.metadata.name.as_deref().unwrap_or_default()
    )
}

/// `(rule, evidence)` from `ScalingActive=False`.
fn condition(hpa: &HorizontalPodAutoscaler) -> Option<(RuleId, String)> {
    let c = hpa
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "ScalingActive")?;
    if c.status != "False" {
        return None;
    }
    let message = c.message.as_deref().unwrap_or_default();
    let rule = rule_for(message)?;
    Some((
        rule,
        format!(
            "HPA {}: ScalingActive=False ({}): {message}",
            name(hpa),
            c.reason.as_deref().unwrap_or_default()
        ),
    ))
}

/// For HPAs that report no conditions at all (autoscaling/v1 objects converted without them).
fn from_events(ctx: &Ctx, hpa: &HorizontalPodAutoscaler) -> Option<(RuleId, String)> {
    let latest = latest_event_without_conditions(&ctx.snap.events, hpa, &EVENT_REASONS)?;
    let rule = rule_for(latest.message.as_deref().unwrap_or_default())?;
    Some((rule, event_line(latest)))
}

/// Which failure the controller's message describes; the specific causes before the generic
/// "could not fetch" (F33), which wraps them all.
fn rule_for(message: &str) -> Option<RuleId> {
    let has = |s: &str| message.contains(s);
    if has("is forbidden") && has("horizontal-pod-autoscaler") {
        Some(RuleId::HpaControllerForbidden)
    } else if has("missing request for") {
        Some(RuleId::HpaTargetNoRequests)
    } else if has("not present in metrics for pod") {
        Some(RuleId::HpaContainerWithoutMetrics)
    } else if has("no metrics returned from resource metrics API")
        || has("did not receive metrics for")
    {
        Some(RuleId::HpaPodsWithoutMetrics)
    } else if has("unable to fetch metrics from resource metrics API")
        || has("unable to get metrics for resource")
        || has("(get pods.metrics.k8s.io)")
    {
        Some(RuleId::HpaCannotRead)
    } else {
        None
    }
}

/// F33 is a symptom: point at the state of the Metrics API behind it.
fn metrics_api_state(ctx: &Ctx) -> String {
    match ctx.api.line() {
        Some(line) if !ctx.api.is_available() => {
            format!("the Metrics API itself is down: {line}")
        }
        Some(_) => {
            "the APIService reports Available now: the HPA may recover on its next sync".to_string()
        }
        None if ctx.api.exists => "the APIService reports no Available condition".to_string(),
        None => "the Metrics API is not registered (no APIService)".to_string(),
    }
}
