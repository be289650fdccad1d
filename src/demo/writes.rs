//! The writes the demo accepts: a patch of the metrics-server Deployment (strategic merge or
//! JSON merge, guarded by `metadata.resourceVersion`, or a JSON patch guarded by its `test`
//! operations, with `dryRun=All`) and the approval of a
//! kubelet-serving CSR. Both validate like the API server and answer its error shapes.

use super::clock::{add, timing};
use super::merge::PatchType;
use super::world::{ApiError, DEPLOYMENT, NAMESPACE, ReplicaSetRecord, World, template_hash, uid};
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use serde_json::Value;

/// The most metrics-server replicas the demo will run.
const MAX_REPLICAS: i32 = 10;

impl World {
    /// PATCH a Deployment (strategic merge), as `kubectl patch` / mstui send it.
    pub fn patch_deployment(
        &mut self,
        (namespace, name): (&str, &str),
        (kind, patch): (PatchType, &Value),
        dry_run: bool,
        now: Timestamp,
    ) -> Result<Deployment, ApiError> {
        if namespace != NAMESPACE || name != DEPLOYMENT {
            let exists = self.other_deployments.iter().any(|d| {
                d.metadata.namespace.as_deref() == Some(namespace)
                    && d.metadata.name.as_deref() == Some(name)
            });
            return Err(if exists {
                ApiError::new(
                    403,
                    "Forbidden",
                    format!(
                        "deployments.apps \"{name}\" is forbidden: the demo cluster only lets you change {NAMESPACE}/{DEPLOYMENT}"
                    ),
                )
            } else {
                ApiError::not_found("deployments.apps", name)
            });
        }
        let current_rv = self
            .deployment
            .metadata
            .resource_version
            .clone()
            .unwrap_or_default();
        let wanted_rv = patch
            .get("metadata")
            .and_then(|m| m.get("resourceVersion"))
            .and_then(Value::as_str);
        if wanted_rv.is_some_and(|rv| !rv.is_empty() && rv != current_rv) {
            return Err(ApiError::conflict("deployments.apps", name));
        }
        let before = serde_json::to_value(&self.deployment).map_err(|e| {
            ApiError::new(
                500,
                "InternalError",
                format!("cannot encode the Deployment: {e}"),
            )
        })?;
        let merged = kind.apply(&before, patch).map_err(|(code, e)| {
            let reason = if code == 422 { "Invalid" } else { "BadRequest" };
            ApiError::new(code, reason, e)
        })?;
        let mut next: Deployment = serde_json::from_value(merged).map_err(|e| {
            ApiError::new(
                400,
                "BadRequest",
                format!("Deployment in version \"v1\" cannot be handled as a Deployment: {e}"),
            )
        })?;
        // What a patch may not change: identity, bookkeeping and the status.
        let old = self.deployment.clone();
        next.metadata.name = old.metadata.name.clone();
        next.metadata.namespace = old.metadata.namespace.clone();
        next.metadata.uid = old.metadata.uid.clone();
        next.metadata.creation_timestamp = old.metadata.creation_timestamp.clone();
        next.metadata.generation = old.metadata.generation;
        next.metadata.resource_version = Some(current_rv);
        next.status = None;
        validate(&old, &next, name)?;

        let spec_changed =
            serde_json::to_value(&next.spec).ok() != serde_json::to_value(&old.spec).ok();
        let meta_changed =
            serde_json::to_value(&next.metadata).ok() != serde_json::to_value(&old.metadata).ok();
        if spec_changed {
            next.metadata.generation = Some(old.metadata.generation.unwrap_or(1) + 1);
        }
        if dry_run || !(spec_changed || meta_changed) {
            return Ok(next);
        }
        let template_changed = serde_json::to_value(next.spec.as_ref().map(|s| &s.template)).ok()
            != serde_json::to_value(old.spec.as_ref().map(|s| &s.template)).ok();
        next.metadata.resource_version = Some(self.next_rv());
        if spec_changed {
            self.observed = (self.observed_generation(now), add(now, timing::observe()));
            self.pending_syncs.push(add(now, timing::observe()));
        }
        self.deployment = next;
        if template_changed {
            self.start_rollout(now);
        }
        self.track_conditions(now);
        Ok(self.deployment.clone())
    }

    /// A new pod template: a new ReplicaSet revision (or an old one revived, as a rollback
    /// does), picked up by the next controller sync.
    pub(super) fn start_rollout(&mut self, now: Timestamp) {
        let Some(template) = self.deployment.spec.as_ref().map(|s| s.template.clone()) else {
            return;
        };
        let hash = template_hash(&template);
        let revision = self
            .replica_sets
            .iter()
            .map(|r| r.revision)
            .max()
            .unwrap_or(0)
            + 1;
        let created = add(now, timing::observe());
        match self.replica_sets.iter_mut().find(|r| r.hash == hash) {
            Some(rs) => rs.revision = revision,
            None => self.replica_sets.push(ReplicaSetRecord {
                name: format!("{DEPLOYMENT}-{hash}"),
                uid: uid(&format!("rs/{hash}/{revision}")),
                hash,
                revision,
                template,
                created,
            }),
        }
        self.rollout_started = Some(now);
        if let Some(annotations) = self.deployment.metadata.annotations.as_mut() {
            annotations.insert(
                "deployment.kubernetes.io/revision".into(),
                revision.to_string(),
            );
        }
    }

    /// PUT `certificatesigningrequests/NAME/approval`, as `kubectl certificate approve` does.
    pub fn approve_csr(
        &mut self,
        name: &str,
        body: &Value,
        dry_run: bool,
        now: Timestamp,
    ) -> Result<CertificateSigningRequest, ApiError> {
        let Some(index) = self
            .csrs
            .iter()
            .position(|r| r.csr.metadata.name.as_deref() == Some(name))
        else {
            return Err(ApiError::not_found(
                "certificatesigningrequests.certificates.k8s.io",
                name,
            ));
        };
        let sent: CertificateSigningRequest =
            serde_json::from_value(body.clone()).map_err(|e| {
                ApiError::new(
                    400,
                    "BadRequest",
                    format!(
                        "CertificateSigningRequest in version \"v1\" cannot be handled as a CertificateSigningRequest: {e}"
                    ),
                )
            })?;
        let record = &self.csrs[index];
        let current_rv = record
            .csr
            .metadata
            .resource_version
            .clone()
            .unwrap_or_default();
        if sent
            .metadata
            .resource_version
            .as_deref()
            .is_some_and(|rv| !rv.is_empty() && rv != current_rv)
        {
            return Err(ApiError::conflict(
                "certificatesigningrequests.certificates.k8s.io",
                name,
            ));
        }
        let conditions = sent
            .status
            .as_ref()
            .and_then(|s| s.conditions.clone())
            .unwrap_or_default();
        let mut seen = std::collections::BTreeSet::new();
        for c in &conditions {
            if !seen.insert(c.type_.clone()) {
                return Err(ApiError::invalid(
                    "CertificateSigningRequest.certificates.k8s.io",
                    name,
                    format!("status.conditions: Duplicate value: \"{}\"", c.type_),
                ));
            }
        }
        if seen.contains("Approved") && seen.contains("Denied") {
            return Err(ApiError::invalid(
                "CertificateSigningRequest.certificates.k8s.io",
                name,
                "status.conditions: Invalid value: \"Approved\": Approved and Denied conditions are mutually exclusive",
            ));
        }
        let was_approved = record.approved_at.is_some()
            || record
                .csr
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Approved"));
        let mut updated = record.csr.clone();
        let status = updated.status.get_or_insert_with(Default::default);
        status.conditions = Some(
            conditions
                .into_iter()
                .map(|mut c| {
                    let stamp = k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(now);
                    c.last_update_time.get_or_insert(stamp.clone());
                    c.last_transition_time.get_or_insert(stamp);
                    c
                })
                .collect(),
        );
        if dry_run {
            return Ok(updated);
        }
        updated.metadata.resource_version = Some(self.next_rv());
        let approved_now = !was_approved && seen.contains("Approved");
        let record = &mut self.csrs[index];
        record.csr = updated;
        if approved_now {
            record.approved_at = Some(now);
        }
        Ok(record.csr.clone())
    }
}

/// What the API server refuses in a metrics-server Deployment update.
fn validate(old: &Deployment, next: &Deployment, name: &str) -> Result<(), ApiError> {
    let kind = "Deployment.apps";
    let selector = |d: &Deployment| serde_json::to_value(d.spec.as_ref().map(|s| &s.selector)).ok();
    if selector(old) != selector(next) {
        return Err(ApiError::invalid(
            kind,
            name,
            "spec.selector: Invalid value: field is immutable",
        ));
    }
    let Some(spec) = next.spec.as_ref() else {
        return Err(ApiError::invalid(kind, name, "spec: Required value"));
    };
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone());
    let wanted = spec.selector.match_labels.clone().unwrap_or_default();
    if !wanted
        .iter()
        .all(|(k, v)| labels.as_ref().and_then(|l| l.get(k)) == Some(v))
    {
        return Err(ApiError::invalid(
            kind,
            name,
            "spec.template.metadata.labels: Invalid value: `selector` does not match template `labels`",
        ));
    }
    let containers = spec
        .template
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or_default();
    if containers.is_empty() {
        return Err(ApiError::invalid(
            kind,
            name,
            "spec.template.spec.containers: Required value",
        ));
    }
    for (i, c) in containers.iter().enumerate() {
        if c.name.is_empty() {
            return Err(ApiError::invalid(
                kind,
                name,
                format!("spec.template.spec.containers[{i}].name: Required value"),
            ));
        }
        if c.image.as_deref().is_none_or(str::is_empty) {
            return Err(ApiError::invalid(
                kind,
                name,
                format!("spec.template.spec.containers[{i}].image: Required value"),
            ));
        }
    }
    // Every pod is simulated on each request; keep the demo small.
    if spec.replicas.is_some_and(|r| r > MAX_REPLICAS) {
        return Err(ApiError::new(
            403,
            "Forbidden",
            format!(
                "deployments.apps \"{name}\" is forbidden: the demo cluster runs at most {MAX_REPLICAS} replicas"
            ),
        ));
    }
    if spec.replicas.is_some_and(|r| r < 0) {
        return Err(ApiError::invalid(
            kind,
            name,
            "spec.replicas: Invalid value: must be greater than or equal to 0",
        ));
    }
    Ok(())
}
