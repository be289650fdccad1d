//! Sending a planned change: server-side dry-run first, then for real after the user confirms.
//!
//! Every write uses the field manager `mstui`. An args change is a JSON patch whose `test`
//! operations check the container's current list; a concurrent edit of that list fails the test
//! (the API server answers 422) and comes back as [`ApplyError::Conflict`] instead of being
//! overwritten. Writes that leave the list alone (the controller's status) do not conflict.

use super::connect::error_chain;
use crate::fix::plan::{ArgsField, CsrApprovalPlan, FixPlan, RestartPlan};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use kube::api::{Patch, PatchParams, PostParams};
use kube::{Api, Client};
use std::time::Duration;

pub const FIELD_MANAGER: &str = "mstui";
const WRITE_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error(
        "the object changed since the plan was made (conflict); re-plan to see the new diff: {0}"
    )]
    Conflict(String),
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("the server rejected the change: {0}")]
    Invalid(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("{0}")]
    Other(String),
}

impl ApplyError {
    fn from_kube(e: kube::Error) -> Self {
        match e {
            kube::Error::Api(s) => {
                let mut msg = if s.message.is_empty() {
                    s.reason.clone()
                } else {
                    s.message.clone()
                };
                // A failed JSON-patch test says only "the server rejected our request…" at the
                // top; what failed is in the causes.
                for cause in s.details.iter().flat_map(|d| &d.causes) {
                    if !cause.message.is_empty() && !msg.contains(&cause.message) {
                        msg = format!("{msg}: {}", cause.message);
                    }
                }
                match s.code {
                    409 => ApplyError::Conflict(msg),
                    422 if is_failed_test(&msg) => ApplyError::Conflict(msg),
                    401 | 403 => ApplyError::Forbidden(msg),
                    400 | 422 => ApplyError::Invalid(msg),
                    404 => ApplyError::NotFound(msg),
                    code => ApplyError::Other(format!("{code}: {msg}")),
                }
            }
            other => ApplyError::Other(error_chain(&other)),
        }
    }
}

/// Whether a 422 comes from a JSON-patch `test` that no longer holds (the API server's
/// evanphx/json-patch says "testing value /path failed", or that the path "does not apply" when
/// the container or list moved away): the object changed under the plan.
pub fn is_failed_test(message: &str) -> bool {
    message.contains("testing value")
        || message.contains("test operation")
        || message.contains("test failed")
}

fn params(dry_run: bool) -> PatchParams {
    let p = PatchParams {
        field_manager: Some(FIELD_MANAGER.to_string()),
        ..PatchParams::default()
    };
    if dry_run { p.dry_run() } else { p }
}

async fn timed<T>(fut: impl Future<Output = kube::Result<T>>) -> Result<T, ApplyError> {
    match tokio::time::timeout(WRITE_TIMEOUT, fut).await {
        Err(_) => Err(ApplyError::Other(format!(
            "no answer within {}s",
            WRITE_TIMEOUT.as_secs()
        ))),
        Ok(r) => r.map_err(ApplyError::from_kube),
    }
}

/// Strategic-merge-patch a Deployment. With `dry_run` the server validates and returns the object
/// as it would be stored, without storing it.
pub async fn patch_deployment(
    client: &Client,
    namespace: &str,
    name: &str,
    patch: &serde_json::Value,
    dry_run: bool,
) -> Result<Deployment, ApplyError> {
    let api: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    timed(api.patch(name, &params(dry_run), &Patch::Strategic(patch))).await
}

/// JSON-patch (RFC 6902) a Deployment: `patch` is the list of operations. Sent as a plain
/// request because kube's typed `Patch::Json` needs a feature this crate does not build.
pub async fn json_patch_deployment(
    client: &Client,
    namespace: &str,
    name: &str,
    patch: &serde_json::Value,
    dry_run: bool,
) -> Result<Deployment, ApplyError> {
    let mut uri = format!(
        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}?fieldManager={FIELD_MANAGER}"
    );
    if dry_run {
        uri.push_str("&dryRun=All");
    }
    let body = serde_json::to_vec(patch).map_err(|e| ApplyError::Other(e.to_string()))?;
    let req = http::Request::patch(uri)
        .header(http::header::CONTENT_TYPE, "application/json-patch+json")
        .header(http::header::ACCEPT, "application/json")
        .body(body)
        .map_err(|e| ApplyError::Other(e.to_string()))?;
    timed(client.request::<Deployment>(req))
        .await
        .map_err(json_patch_refusal)
}

/// kube-apiserver answers a JSON patch that does not apply (a failed `test`, or a path that no
/// longer exists because the container moved) with a bare 422: "the server rejected our request
/// due to an error in our request", reason Invalid, no causes (v1.34 keeps the jsonpatch text to
/// itself). A patch mstui planned against the object always applies to that object, so this
/// answer means the object changed under the plan: a conflict. Validation failures carry their
/// own "… is invalid: field: reason" message and stay [`ApplyError::Invalid`].
fn json_patch_refusal(e: ApplyError) -> ApplyError {
    match e {
        ApplyError::Invalid(m) if m.starts_with(PATCH_NOT_APPLIED) => ApplyError::Conflict(
            format!("the container's list changed since the plan (the patch's test failed): {m}"),
        ),
        other => other,
    }
}

/// The message of kube-apiserver's generic 422 (k8s.io/apimachinery `NewGenericServerResponse`).
const PATCH_NOT_APPLIED: &str = "the server rejected our request due to an error in our request";

/// Approve a CSR the way `kubectl certificate approve` does: PUT the whole object, with the
/// `Approved` condition appended, to its `approval` subresource. The body carries the
/// resourceVersion it was planned against, so a concurrent approval or denial is a conflict.
pub async fn approve_csr(
    client: &Client,
    name: &str,
    body: &serde_json::Value,
    dry_run: bool,
) -> Result<CertificateSigningRequest, ApplyError> {
    let api: Api<CertificateSigningRequest> = Api::all(client.clone());
    let pp = PostParams {
        dry_run,
        field_manager: Some(FIELD_MANAGER.to_string()),
    };
    timed(api.replace_subresource("approval", name, &pp, body)).await
}

/// Read the Deployment as it is now (to re-plan after a conflict, or to undo).
pub async fn get_deployment(
    client: &Client,
    namespace: &str,
    name: &str,
) -> Result<Deployment, ApplyError> {
    let api: Api<Deployment> = Api::namespaced(client.clone(), namespace);
    timed(api.get(name)).await
}

/// Send an args plan (dry-run or for real). Refuses a plan whose resulting flags would not start.
pub async fn send_fix(
    client: &Client,
    plan: &FixPlan,
    dry_run: bool,
) -> Result<Deployment, ApplyError> {
    if !plan.is_appliable() {
        return Err(ApplyError::Invalid(
            "the resulting flags would make metrics-server fail at startup; fix the flag problems first".into(),
        ));
    }
    let t = &plan.target;
    json_patch_deployment(client, &t.namespace, &t.deployment, &plan.patch, dry_run).await
}

/// Send a rollout restart (dry-run or for real).
pub async fn send_restart(
    client: &Client,
    plan: &RestartPlan,
    dry_run: bool,
) -> Result<Deployment, ApplyError> {
    patch_deployment(
        client,
        &plan.namespace,
        &plan.deployment,
        &plan.patch,
        dry_run,
    )
    .await
}

/// Approve every CSR of the plan, stopping at the first refusal. Returns the approved names.
pub async fn send_csr_approvals(
    client: &Client,
    plan: &CsrApprovalPlan,
    dry_run: bool,
) -> Result<Vec<String>, ApplyError> {
    let mut done = Vec::new();
    for csr in &plan.csrs {
        approve_csr(client, &csr.name, &csr.body, dry_run).await?;
        done.push(csr.name.clone());
    }
    Ok(done)
}

/// The list (args or command) of the planned container as the server returned it, to show what a
/// dry-run would store.
pub fn stored_list(plan: &FixPlan, d: &Deployment) -> Option<Vec<String>> {
    let container = d
        .spec
        .as_ref()?
        .template
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == plan.target.container)?;
    let list = match plan.field {
        ArgsField::Args => container.args.clone().unwrap_or_default(),
        ArgsField::Command => container.command.clone().unwrap_or_default(),
    };
    Some(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, message: &str) -> kube::Error {
        kube::Error::Api(
            kube::core::Status::failure(message, "Invalid")
                .with_code(code)
                .boxed(),
        )
    }

    #[test]
    fn the_bare_422_of_a_json_patch_that_does_not_apply_is_a_conflict() {
        // Recorded from kube-apiserver v1.34.4 (tests/e2e_safety.rs): `"details":{}`.
        let bare = kube::core::Status::failure(PATCH_NOT_APPLIED, "Invalid").with_code(422);
        let e = json_patch_refusal(ApplyError::from_kube(kube::Error::Api(bare.boxed())));
        assert!(
            matches!(e, ApplyError::Conflict(ref m) if m.contains("test failed")),
            "{e:?}"
        );
        let invalid = ApplyError::Invalid("Deployment.apps \"m\" is invalid: x".into());
        assert_eq!(json_patch_refusal(invalid.clone()), invalid);
    }

    #[test]
    fn a_failed_json_patch_test_is_a_conflict_other_422s_are_not() {
        // The API server's text for a failed `test` (k8s.io/apiserver, evanphx/json-patch v4).
        // As kube-apiserver v1.34 answers it: the generic message, the reason in the causes.
        let mut status = kube::core::Status::failure(
            "the server rejected our request due to an error in our request",
            "Invalid",
        )
        .with_code(422);
        let details = serde_json::json!({"causes": [{
            "reason": "UnexpectedServerResponse",
            "message": "testing value /spec/template/spec/containers/0/args failed: test failed"
        }]});
        status.details = Some(serde_json::from_value(details).unwrap());
        match ApplyError::from_kube(kube::Error::Api(status.boxed())) {
            ApplyError::Conflict(m) => assert!(m.contains("testing value"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            ApplyError::from_kube(api(409, "the object has been modified")),
            ApplyError::Conflict(_)
        ));
        let invalid = "Deployment.apps \"metrics-server\" is invalid: spec.template.spec.containers[0].image: Required value";
        assert!(matches!(
            ApplyError::from_kube(api(422, invalid)),
            ApplyError::Invalid(_)
        ));
    }
}
