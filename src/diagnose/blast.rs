//! The HPA blast radius: which HorizontalPodAutoscalers are blind because resource metrics are
//! unavailable, in which namespaces, and — comparing a later snapshot — which recovered.
//!
//! The controller's `ScalingActive` condition is the current truth (`False` with
//! `FailedGetResourceMetric` while it cannot read the Metrics API, `True` once it can); events
//! are read only for HPAs that report no conditions, because they linger after recovery.

use crate::snapshot::Snapshot;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Event;
use serde::Serialize;

/// Condition reasons and event reasons that mean "could not read resource metrics".
const BLIND_REASONS: [&str; 2] = [
    "FailedGetResourceMetric",
    "FailedGetContainerResourceMetric",
];

/// One HPA that cannot scale on CPU/memory now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlindHpa {
    pub namespace: String,
    pub name: String,
    /// `FailedGetResourceMetric`, …
    pub reason: String,
    /// The controller's message (untrusted text: quote it, do not print it raw).
    pub message: String,
    /// `condition` (ScalingActive=False) or `event` (an HPA without conditions).
    pub source: &'static str,
}

impl BlindHpa {
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// What the check reports about HPAs (`check -o json` field `hpas`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HpaBlast {
    /// HPAs in the cluster (that we could list).
    pub total: usize,
    pub blind: Vec<BlindHpa>,
    /// Namespaces of the blind HPAs, sorted, each once.
    pub namespaces: Vec<String>,
}

/// The blind HPAs of a snapshot, sorted by namespace and name.
pub fn blast_radius(snap: &Snapshot) -> HpaBlast {
    let mut blind: Vec<BlindHpa> = snap
        .hpas
        .iter()
        .filter_map(|h| from_condition(h).or_else(|| from_events(snap, h)))
        .collect();
    blind.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    let mut namespaces: Vec<String> = blind.iter().map(|b| b.namespace.clone()).collect();
    namespaces.dedup();
    HpaBlast {
        total: snap.hpas.len(),
        blind,
        namespaces,
    }
}

/// `namespace/name` of the HPAs blind `before` whose `ScalingActive` is `True` in `after`.
/// One still blind, or gone, or not yet re-evaluated by the controller is not counted.
pub fn recovered(before: &HpaBlast, after: &Snapshot) -> Vec<String> {
    before
        .blind
        .iter()
        .filter(|b| {
            after.hpas.iter().any(|h| {
                h.metadata.namespace.as_deref() == Some(&b.namespace)
                    && h.metadata.name.as_deref() == Some(&b.name)
                    && scaling_active(h).is_some_and(|(status, _, _)| status == "True")
            })
        })
        .map(BlindHpa::key)
        .collect()
}

/// `(status, reason, message)` of the ScalingActive condition.
fn scaling_active(h: &HorizontalPodAutoscaler) -> Option<(&str, &str, &str)> {
    let c = h
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "ScalingActive")?;
    Some((
        c.status.as_str(),
        c.reason.as_deref().unwrap_or_default(),
        c.message.as_deref().unwrap_or_default(),
    ))
}

fn ident(h: &HorizontalPodAutoscaler) -> (String, String) {
    (
        h.metadata.namespace.clone().unwrap_or_default(),
        h.metadata.name.clone().unwrap_or_default(),
    )
}

fn from_condition(h: &HorizontalPodAutoscaler) -> Option<BlindHpa> {
    let (status, reason, message) = scaling_active(h)?;
    if status != "False" || !BLIND_REASONS.contains(&reason) {
        return None;
    }
    let (namespace, name) = ident(h);
    Some(BlindHpa {
        namespace,
        name,
        reason: reason.to_string(),
        message: message.to_string(),
        source: "condition",
    })
}

/// The newest event with one of `reasons` about an HPA that reports no conditions at all
/// (autoscaling/v1 objects converted without them); `None` when it has conditions, which are
/// then the better evidence.
pub(crate) fn latest_event_without_conditions<'e>(
    events: &'e [Event],
    h: &HorizontalPodAutoscaler,
    reasons: &[&str],
) -> Option<&'e Event> {
    let has_conditions = h
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| !c.is_empty());
    if has_conditions {
        return None;
    }
    events
        .iter()
        .filter(|e| e.involved_object.kind.as_deref() == Some("HorizontalPodAutoscaler"))
        .filter(|e| e.involved_object.name == h.metadata.name)
        .filter(|e| e.involved_object.namespace == h.metadata.namespace)
        .filter(|e| reasons.contains(&e.reason.as_deref().unwrap_or_default()))
        .max_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0))
}

fn from_events(snap: &Snapshot, h: &HorizontalPodAutoscaler) -> Option<BlindHpa> {
    let latest = latest_event_without_conditions(&snap.events, h, &BLIND_REASONS)?;
    let (namespace, name) = ident(h);
    Some(BlindHpa {
        namespace,
        name,
        reason: latest.reason.clone().unwrap_or_default(),
        message: latest.message.clone().unwrap_or_default(),
        source: "event",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hpa(ns: &str, name: &str, active: Option<(&str, &str)>) -> HorizontalPodAutoscaler {
        let conditions = match active {
            Some((status, reason)) => json!([{"type": "ScalingActive", "status": status,
                "reason": reason, "message": "the HPA was unable to compute the replica count: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)"}]),
            None => json!([]),
        };
        serde_json::from_value(json!({
            "metadata": {"namespace": ns, "name": name},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": name}, "maxReplicas": 3},
            "status": {"desiredReplicas": 1, "conditions": conditions},
        }))
        .expect("hpa")
    }

    fn event(ns: &str, name: &str, reason: &str) -> k8s_openapi::api::core::v1::Event {
        serde_json::from_value(json!({
            "metadata": {"namespace": ns, "name": format!("{name}.1")},
            "involvedObject": {"kind": "HorizontalPodAutoscaler", "namespace": ns, "name": name},
            "reason": reason, "message": "failed to get cpu utilization", "type": "Warning",
            "lastTimestamp": "2026-01-01T00:00:00Z",
        }))
        .expect("event")
    }

    #[test]
    fn blind_by_condition_or_by_event_when_there_is_no_condition() {
        let snap = Snapshot {
            hpas: vec![
                hpa("shop", "web", Some(("False", "FailedGetResourceMetric"))),
                hpa("api", "gw", Some(("True", "ValidMetricFound"))),
                hpa("batch", "worker", None),
                hpa("api", "quiet", None),
                // Custom-metrics trouble is not metrics-server's.
                hpa("api", "custom", Some(("False", "FailedGetPodsMetric"))),
            ],
            events: vec![
                event("batch", "worker", "FailedGetResourceMetric"),
                // An old event of an HPA whose condition says it is fine now: ignored.
                event("api", "gw", "FailedGetResourceMetric"),
            ],
            ..Snapshot::default()
        };
        let b = blast_radius(&snap);
        assert_eq!(b.total, 5);
        let keys: Vec<String> = b.blind.iter().map(BlindHpa::key).collect();
        assert_eq!(keys, ["batch/worker", "shop/web"]);
        assert_eq!(b.blind[0].source, "event");
        assert_eq!(b.blind[1].source, "condition");
        assert_eq!(b.namespaces, ["batch", "shop"]);
    }

    #[test]
    fn recovered_means_scaling_active_true_again() {
        let before = blast_radius(&Snapshot {
            hpas: vec![
                hpa("shop", "web", Some(("False", "FailedGetResourceMetric"))),
                hpa("shop", "cart", Some(("False", "FailedGetResourceMetric"))),
                hpa("shop", "gone", Some(("False", "FailedGetResourceMetric"))),
            ],
            ..Snapshot::default()
        });
        let after = Snapshot {
            hpas: vec![
                hpa("shop", "web", Some(("True", "ValidMetricFound"))),
                hpa("shop", "cart", Some(("False", "FailedGetResourceMetric"))),
            ],
            ..Snapshot::default()
        };
        assert_eq!(recovered(&before, &after), ["shop/web"]);
    }
}
