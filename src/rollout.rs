//! Rollout progress judged the way `kubectl rollout status` judges it (pure).
//!
//! kube-runtime's `is_deployment_completed` only looks at the Progressing condition, which stays
//! `NewReplicaSetAvailable` from the previous rollout until the controller notices the new one, so
//! right after a patch it would report success early. This follows kubectl's rules instead.

use k8s_openapi::api::apps::v1::Deployment;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutPhase {
    /// Still rolling out; the message says what we wait for.
    Progressing,
    /// Every replica is updated and available.
    Complete,
    /// `ProgressDeadlineExceeded`: the controller gave up.
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolloutStatus {
    pub phase: RolloutPhase,
    pub desired: i32,
    pub updated: i32,
    pub ready: i32,
    pub available: i32,
    /// kubectl-style sentence: "Waiting for deployment … rollout to finish: 0 of 1 updated replicas are available...".
    pub message: String,
}

pub fn rollout_status(d: &Deployment) -> RolloutStatus {
    let name = d.metadata.name.as_deref().unwrap_or("metrics-server");
    let status = d.status.clone().unwrap_or_default();
    let desired = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let updated = status.updated_replicas.unwrap_or(0);
    let ready = status.ready_replicas.unwrap_or(0);
    let available = status.available_replicas.unwrap_or(0);
    let current = status.replicas.unwrap_or(0);
    let mut s = RolloutStatus {
        phase: RolloutPhase::Progressing,
        desired,
        updated,
        ready,
        available,
        message: String::new(),
    };
    let generation = d.metadata.generation.unwrap_or(0);
    if status.observed_generation.unwrap_or(0) < generation {
        s.message = "Waiting for deployment spec update to be observed...".into();
        return s;
    }
    let deadline_exceeded = status.conditions.iter().flatten().find(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    s.message = if let Some(c) = deadline_exceeded {
        s.phase = RolloutPhase::Failed;
        // The reason, and the controller's own words (which ReplicaSet timed out).
        let detail = c
            .message
            .as_deref()
            .filter(|m| !m.is_empty())
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        format!(
            "deployment \"{name}\" exceeded its progress deadline (ProgressDeadlineExceeded{detail})"
        )
    } else if updated < desired {
        format!(
            "Waiting for deployment \"{name}\" rollout to finish: {updated} out of {desired} new replicas have been updated..."
        )
    } else if current > updated {
        format!(
            "Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...",
            current - updated
        )
    } else if available < updated {
        format!(
            "Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."
        )
    } else {
        s.phase = RolloutPhase::Complete;
        format!("deployment \"{name}\" successfully rolled out")
    };
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deployment(generation: i64, status: serde_json::Value) -> Deployment {
        serde_json::from_value(json!({
            "metadata": {"name": "metrics-server", "namespace": "kube-system", "generation": generation},
            "spec": {"replicas": 1, "selector": {"matchLabels": {"k8s-app": "metrics-server"}},
                     "template": {"spec": {"containers": [{"name": "metrics-server"}]}}},
            "status": status
        }))
        .expect("valid deployment")
    }

    #[test]
    fn unobserved_spec_is_not_complete_even_if_the_old_condition_says_so() {
        let d = deployment(
            3,
            json!({"observedGeneration": 2, "replicas": 1, "updatedReplicas": 1, "availableReplicas": 1,
                   "conditions": [{"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}),
        );
        let s = rollout_status(&d);
        assert_eq!(s.phase, RolloutPhase::Progressing);
        assert!(s.message.contains("spec update to be observed"));
    }

    #[test]
    fn waits_for_old_pods_then_availability() {
        let old_pending = deployment(
            3,
            json!({"observedGeneration": 3, "replicas": 2, "updatedReplicas": 1, "availableReplicas": 1}),
        );
        assert!(
            rollout_status(&old_pending)
                .message
                .contains("1 old replicas are pending termination")
        );
        let unavailable = deployment(
            3,
            json!({"observedGeneration": 3, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 0}),
        );
        let s = rollout_status(&unavailable);
        assert_eq!(s.phase, RolloutPhase::Progressing);
        assert!(s.message.contains("0 of 1 updated replicas are available"));
    }

    #[test]
    fn complete_and_failed() {
        let done = deployment(
            3,
            json!({"observedGeneration": 3, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1}),
        );
        assert_eq!(rollout_status(&done).phase, RolloutPhase::Complete);
        let stuck = deployment(
            3,
            json!({"observedGeneration": 3, "replicas": 2, "updatedReplicas": 1, "availableReplicas": 1,
                   "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                                   "message": "ReplicaSet \"ms-6b9\" has timed out progressing."}]}),
        );
        let s = rollout_status(&stuck);
        assert_eq!(s.phase, RolloutPhase::Failed);
        assert!(s.message.contains("exceeded its progress deadline"));
        assert!(
            s.message.contains(
                "(ProgressDeadlineExceeded: ReplicaSet \"ms-6b9\" has timed out progressing.)"
            ),
            "{}",
            s.message
        );
    }
}
