//! The controllers, replayed lazily: the Deployment controller's rolling update, the CSR
//! signer, and the conditions the Deployment and the APIService report.
//!
//! Every request calls [`World::reconcile`] first, which processes, in time order, each instant
//! at which something would have happened since the last request (a pod turning Ready, a spec
//! change being observed), so the outcome does not depend on how often the client polls.

use super::clock::{add, timing};
use super::world::{Condition, DEPLOYMENT, NAMESPACE, PodRecord, World};
use jiff::Timestamp;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub(super) fn condition(status: bool, reason: &str, message: &str, since: Timestamp) -> Condition {
    Condition {
        status,
        reason: reason.into(),
        message: message.into(),
        since,
    }
}

/// A rolling-update bound (`25%`, `1`) applied to `replicas`; percentages of surge round up,
/// of unavailability down, as the Deployment controller does.
fn resolve_bound(bound: Option<&IntOrString>, replicas: i32, round_up: bool) -> i32 {
    match bound {
        Some(IntOrString::Int(n)) => *n,
        Some(IntOrString::String(s)) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(25);
            let scaled = i64::from(replicas) * pct;
            let v = if round_up {
                (scaled + 99) / 100
            } else {
                scaled / 100
            };
            i32::try_from(v).unwrap_or(0)
        }
        None => resolve_bound(Some(&IntOrString::String("25%".into())), replicas, round_up),
    }
}

impl World {
    /// Bring every derived fact up to `now`.
    pub fn reconcile(&mut self, now: Timestamp) {
        self.sign_certificates(now);
        loop {
            let next = self.next_event(now);
            let Some(t) = next else { break };
            self.pending_syncs.retain(|s| *s > t);
            // A sync can unblock another step at the same instant; a few rounds settle it.
            for _ in 0..4 {
                if !self.sync(t) {
                    break;
                }
            }
            self.synced_until = self.synced_until.max(t);
        }
        self.synced_until = self.synced_until.max(now);
        // Gone pods stay on record (filtered by `exists`): their events outlive them.
        self.track_conditions(now);
    }

    /// The earliest pending controller event in `(synced_until, now]`.
    pub(super) fn next_event(&self, now: Timestamp) -> Option<Timestamp> {
        let after = self.synced_until;
        let syncs = self.pending_syncs.iter().copied().filter(|t| *t <= now);
        let readies = self
            .pods
            .iter()
            .filter(|p| p.deleted.is_none())
            .filter_map(|p| self.ready_at(p))
            .filter(|t| *t > after && *t <= now);
        syncs.chain(readies).min()
    }

    /// One Deployment controller sync at `t` (RollingUpdate). Returns whether it changed anything.
    pub(super) fn sync(&mut self, t: Timestamp) -> bool {
        let Some(newest) = self.newest_rs().map(|r| r.hash.clone()) else {
            return false;
        };
        let desired = self.desired_replicas();
        let strategy = self
            .deployment
            .spec
            .as_ref()
            .and_then(|s| s.strategy.as_ref())
            .and_then(|s| s.rolling_update.as_ref());
        let mut surge = resolve_bound(strategy.and_then(|r| r.max_surge.as_ref()), desired, true);
        let unavailable = resolve_bound(
            strategy.and_then(|r| r.max_unavailable.as_ref()),
            desired,
            false,
        );
        if surge == 0 && unavailable == 0 {
            surge = 1;
        }
        let alive = |w: &World, hash: Option<&str>| -> Vec<usize> {
            w.pods
                .iter()
                .enumerate()
                .filter(|(_, p)| p.deleted.is_none() && p.created <= t)
                .filter(|(_, p)| hash.is_none_or(|h| p.rs_hash == h))
                .map(|(i, _)| i)
                .collect()
        };
        let mut changed = false;

        // Scale the new ReplicaSet up, within the surge.
        let new_count = alive(self, Some(&newest)).len() as i32;
        let total = alive(self, None).len() as i32;
        let room = (desired + surge - total).max(0);
        let up = (desired - new_count).clamp(0, room);
        if up > 0 {
            self.scale_event(t, &newest, new_count, new_count + up);
            for _ in 0..up {
                self.create_pod(&newest, t, None);
            }
            changed = true;
        }
        // Too many new pods (scaled down): the newest go first.
        let mut new_pods = alive(self, Some(&newest));
        if new_pods.len() as i32 > desired {
            new_pods.sort_by_key(|i| std::cmp::Reverse(self.pods[*i].created));
            let extra = new_pods.len() - desired as usize;
            self.scale_event(t, &newest, new_pods.len() as i32, desired);
            for i in new_pods.into_iter().take(extra) {
                self.pods[i].deleted = Some(t);
            }
            changed = true;
        }

        // Scale old ReplicaSets down: unhealthy pods first, then as availability allows.
        let ready = |w: &World, i: usize| w.ready_at(&w.pods[i]).is_some_and(|r| r <= t);
        let total = alive(self, None).len() as i32;
        let new_pods = alive(self, Some(&newest));
        let new_unavailable = new_pods.iter().filter(|i| !ready(self, **i)).count() as i32;
        let min_available = desired - unavailable;
        let mut budget = total - min_available - new_unavailable;
        let mut old: Vec<usize> = alive(self, None)
            .into_iter()
            .filter(|i| self.pods[*i].rs_hash != newest)
            .collect();
        old.sort_by_key(|i| self.pods[*i].created);
        let available = alive(self, None)
            .into_iter()
            .filter(|i| ready(self, *i))
            .count() as i32;
        let mut healthy_budget = available - min_available;
        let unhealthy_first: Vec<usize> = old
            .iter()
            .copied()
            .filter(|i| !ready(self, *i))
            .chain(old.iter().copied().filter(|i| ready(self, *i)))
            .collect();
        for i in unhealthy_first {
            if budget <= 0 {
                break;
            }
            let healthy = ready(self, i);
            if healthy && healthy_budget <= 0 {
                continue;
            }
            if healthy {
                healthy_budget -= 1;
            }
            budget -= 1;
            let hash = self.pods[i].rs_hash.clone();
            let before = alive(self, Some(&hash)).len() as i32;
            self.pods[i].deleted = Some(t);
            self.scale_event(t, &hash, before, before - 1);
            changed = true;
        }
        changed
    }

    pub(super) fn scale_event(&mut self, t: Timestamp, hash: &str, from: i32, to: i32) {
        if let Some(name) = self.rs(hash).map(|r| r.name.clone()) {
            self.scale_events.push((t, name, from, to));
        }
    }

    /// The CSR signer: approved requests get their certificate shortly after.
    pub(super) fn sign_certificates(&mut self, now: Timestamp) {
        let mut signed = Vec::new();
        for (i, r) in self.csrs.iter().enumerate() {
            let due = r
                .approved_at
                .is_some_and(|a| add(a, timing::issue()) <= now);
            let has = r
                .csr
                .status
                .as_ref()
                .is_some_and(|s| s.certificate.is_some());
            if due && !has {
                signed.push(i);
            }
        }
        for i in signed {
            let rv = self.next_rv();
            let r = &mut self.csrs[i];
            let name = r.csr.metadata.name.clone().unwrap_or_default();
            let pem = self
                .issued
                .get(&name)
                .and_then(|b64| crate::fix::csr::base64_decode(b64))
                .unwrap_or_default();
            let status = r.csr.status.get_or_insert_with(Default::default);
            status.certificate = Some(k8s_openapi::ByteString(pem));
            r.csr.metadata.resource_version = Some(rv);
        }
    }

    /// Record condition flips (and bump the Deployment's resourceVersion when its status moves,
    /// as the controller's status writes do).
    pub(super) fn track_conditions(&mut self, now: Timestamp) {
        let desired = self.desired_replicas();
        let live: Vec<&PodRecord> = self
            .pods
            .iter()
            .filter(|p| p.created <= now && p.deleted.is_none_or(|d| now < d))
            .collect();
        let ready = live.iter().filter(|p| self.is_ready(p, now)).count() as i32;
        let newest = self.newest_rs().map(|r| (r.hash.clone(), r.name.clone()));
        let updated_ready = newest.as_ref().map_or(0, |(h, _)| {
            live.iter()
                .filter(|p| &p.rs_hash == h && self.is_ready(p, now))
                .count() as i32
        });
        let updated = newest.as_ref().map_or(0, |(h, _)| {
            live.iter().filter(|p| &p.rs_hash == h).count() as i32
        });

        let available = ready >= desired - self.max_unavailable();
        let flip = |c: &mut Condition, status: bool, reason: &str, message: String| {
            if c.status != status || c.reason != reason {
                *c = condition(status, reason, &message, now);
            } else {
                c.message = message;
            }
        };
        let mut dep_available = self.deployment_available.clone();
        if available {
            flip(
                &mut dep_available,
                true,
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
            );
        } else {
            flip(
                &mut dep_available,
                false,
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
            );
        }
        self.deployment_available = dep_available;

        let rs_name = newest.as_ref().map(|(_, n)| n.clone()).unwrap_or_default();
        let complete =
            updated_ready >= desired && updated == desired && live.len() as i32 == desired;
        let mut progressing = self.deployment_progressing.clone();
        match self.rollout_started {
            _ if complete || self.rollout_started.is_none() => flip(
                &mut progressing,
                true,
                "NewReplicaSetAvailable",
                format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
            ),
            Some(start) if now.duration_since(start) > timing::progress_deadline() => flip(
                &mut progressing,
                false,
                "ProgressDeadlineExceeded",
                format!("ReplicaSet \"{rs_name}\" has timed out progressing."),
            ),
            _ => flip(
                &mut progressing,
                true,
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{rs_name}\" is progressing."),
            ),
        }
        self.deployment_progressing = progressing;

        let serving = ready > 0;
        let mut api = self.api_available.clone();
        if serving {
            flip(&mut api, true, "Passed", "all checks passed".into());
        } else {
            let port = self
                .service
                .spec
                .as_ref()
                .and_then(|s| s.ports.as_ref())
                .and_then(|p| p.first())
                .and_then(|p| p.name.clone())
                .unwrap_or_else(|| "https".into());
            flip(
                &mut api,
                false,
                "MissingEndpoints",
                format!(
                    "endpoints for service/{DEPLOYMENT} in \"{NAMESPACE}\" have no addresses with port name \"{port}\""
                ),
            );
            self.api_failing_since.get_or_insert(now);
            self.api_last_failed = Some(now);
        }
        self.api_available = api;

        let status = serde_json::json!([
            self.observed_generation(now),
            live.len(),
            updated,
            ready,
            self.deployment_available.status,
            self.deployment_progressing.reason,
        ]);
        if self.last_status.as_ref() != Some(&status) {
            if self.last_status.is_some() {
                self.deployment.metadata.resource_version = Some(self.next_rv());
            }
            self.last_status = Some(status);
        }
    }

    pub(super) fn max_unavailable(&self) -> i32 {
        let desired = self.desired_replicas();
        resolve_bound(
            self.deployment
                .spec
                .as_ref()
                .and_then(|s| s.strategy.as_ref())
                .and_then(|s| s.rolling_update.as_ref())
                .and_then(|r| r.max_unavailable.as_ref()),
            desired,
            false,
        )
    }

    pub fn observed_generation(&self, now: Timestamp) -> i64 {
        let generation = self.deployment.metadata.generation.unwrap_or(1);
        if now >= self.observed.1 {
            generation
        } else {
            self.observed.0
        }
    }
}
