//! Rollout restart, like `kubectl rollout restart`.

use crate::install::Install;
use crate::vocab::Prose;
use k8s_openapi::api::apps::v1::Deployment;
use serde::Serialize;
use serde_json::{Value, json};

/// `kubectl rollout restart`, as a patch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestartPlan {
    pub namespace: String,
    pub deployment: String,
    pub sentence: Prose,
    /// RFC 3339, UTC, seconds precision (what kubectl writes, in UTC).
    pub restarted_at: String,
    /// Strategic-merge patch of the pod template annotation. Not guarded by resourceVersion:
    /// like kubectl, a restart does not conflict with other edits.
    pub patch: Value,
    pub warnings: Vec<Prose>,
}

pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

pub fn plan_restart(
    install: &Install,
    deployment: &Deployment,
    now: jiff::Timestamp,
) -> RestartPlan {
    let restarted_at = now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let patch = json!({
        "spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: restarted_at}}}}
    });
    let paused = deployment
        .spec
        .as_ref()
        .and_then(|s| s.paused)
        .unwrap_or(false);
    let warnings = if paused {
        vec![Prose::new(
            "The Deployment is paused: no new pods roll out until it is resumed (kubectl rollout resume).",
            "Deployment가 일시 중지(paused) 상태입니다: 재개(kubectl rollout resume)하기 전에는 새 파드가 나오지 않습니다.",
        )]
    } else {
        Vec::new()
    };
    RestartPlan {
        sentence: Prose::new(
            format!(
                "Restart deployment {}/{} (rolling replacement of its pods)",
                install.namespace, install.deployment
            ),
            format!(
                "deployment {}/{} 재시작 (파드를 차례로 교체)",
                install.namespace, install.deployment
            ),
        ),
        namespace: install.namespace.clone(),
        deployment: install.deployment.clone(),
        restarted_at,
        patch,
        warnings,
    }
}
