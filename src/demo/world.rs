//! The demo cluster's state: stored objects, the metrics-server pods and ReplicaSets, and the
//! controllers that move them along (Deployment rollout, CSR signer, readiness).
//!
//! Nothing runs in the background. Every request first calls [`World::reconcile`], which
//! replays, in time order, what the controllers would have done since the last request: a pod
//! became Ready at a computable instant, so the rollout step it unblocks happens at that
//! instant, not when someone happens to look. The result does not depend on how often the
//! client polls.

use super::clock::{Clock, add, timing};
use super::kubelet::{self, ServingCert};
use super::merge::strategic_merge;
use super::scenario::{Assets, BaseUsage, KubeletCerts, Scenario};
use crate::diagnose::RuleId;
use crate::flags::{self, Flags};
use crate::install::Version;
use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{Container, Node, PodTemplateSpec, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use serde_json::Value;
use std::collections::BTreeMap;

/// An error the API server would answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
        }
    }

    pub fn not_found(resource: &str, name: &str) -> Self {
        Self::new(404, "NotFound", format!("{resource} \"{name}\" not found"))
    }

    fn conflict(resource: &str, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        )
    }

    fn invalid(kind: &str, name: &str, detail: impl std::fmt::Display) -> Self {
        Self::new(422, "Invalid", format!("{kind} \"{name}\" is invalid: {detail}"))
    }
}

/// One revision of the metrics-server pod template.
#[derive(Debug, Clone)]
pub(crate) struct ReplicaSetRecord {
    pub hash: String,
    pub name: String,
    pub uid: String,
    pub revision: u64,
    pub template: PodTemplateSpec,
    pub created: Timestamp,
}

/// What a pod's metrics-server container does with its flags.
#[derive(Debug, Clone)]
pub(crate) enum Behaviour {
    Serve { flags: Flags },
    /// Startup validation refuses the flags (F12): the container exits and is restarted.
    Crash { errors: Vec<String> },
}

#[derive(Debug, Clone)]
pub(crate) struct PodRecord {
    pub name: String,
    pub uid: String,
    pub rs_hash: String,
    pub node: String,
    pub ip: String,
    pub created: Timestamp,
    /// `deletionTimestamp`: the container is told to stop; the object goes after the grace.
    pub deleted: Option<Timestamp>,
    pub behaviour: Behaviour,
}

/// The state of a pod's metrics-server container at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ContainerState {
    Creating,
    Running {
        since: Timestamp,
        restarts: i32,
    },
    /// Exited and waiting to be restarted (CrashLoopBackOff).
    BackOff {
        restarts: i32,
        started: Timestamp,
        finished: Timestamp,
    },
    /// Stopped because the pod is being deleted.
    Stopped {
        since: Timestamp,
        at: Timestamp,
    },
}

/// A condition as controllers keep it: its status, why, and when it last flipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Condition {
    pub status: bool,
    pub reason: String,
    pub message: String,
    pub since: Timestamp,
}

/// A kubelet-serving CSR and when it was approved through the API.
#[derive(Debug, Clone)]
pub(crate) struct CsrRecord {
    pub csr: CertificateSigningRequest,
    pub approved_at: Option<Timestamp>,
}

pub(crate) const NAMESPACE: &str = "kube-system";
pub(crate) const DEPLOYMENT: &str = "metrics-server";

pub(crate) struct World {
    pub scenario: Scenario,
    pub clock: Clock,
    pub started: Timestamp,
    /// The cluster-wide resourceVersion counter.
    rv: u64,
    seq: u64,
    pub apiservice: APIService,
    pub service: Service,
    /// The stored metrics-server Deployment (status is derived, see `views`).
    pub deployment: Deployment,
    pub other_deployments: Vec<Deployment>,
    pub nodes: Vec<Node>,
    pub hpas: Vec<HorizontalPodAutoscaler>,
    pub usage: BTreeMap<String, BaseUsage>,
    pub csrs: Vec<CsrRecord>,
    issued: BTreeMap<String, String>,
    pub replica_sets: Vec<ReplicaSetRecord>,
    pub pods: Vec<PodRecord>,
    /// Generation the controller has observed, and when it observes the current one.
    observed: (i64, Timestamp),
    /// When the running rollout started (`None`: the Deployment's first rollout, long done).
    pub rollout_started: Option<Timestamp>,
    /// Scale events of the rollouts made in the demo: (when, ReplicaSet, from, to).
    pub scale_events: Vec<(Timestamp, String, i32, i32)>,
    /// Controller syncs waiting to happen (the controller observes a spec change a bit later).
    pending_syncs: Vec<Timestamp>,
    synced_until: Timestamp,
    /// Deployment conditions `Available`, `Progressing` and the APIService's `Available`.
    pub deployment_available: Condition,
    pub deployment_progressing: Condition,
    pub api_available: Condition,
    /// When the Metrics API was last seen failing (for the HPA's warning events).
    pub api_last_failed: Option<Timestamp>,
    last_status: Option<Value>,
}

fn fnv32(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The alphabet Kubernetes uses for generated names (no vowels, no look-alikes).
const SAFE: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `pod-template-hash` the way the Deployment controller spells it: FNV-32a of the template,
/// its decimal digits mapped onto the safe alphabet.
pub(crate) fn template_hash(template: &PodTemplateSpec) -> String {
    let text = serde_json::to_string(template).unwrap_or_default();
    fnv32(&text)
        .to_string()
        .bytes()
        .map(|b| SAFE[usize::from(b) % SAFE.len()] as char)
        .collect()
}

fn safe_suffix(seed: &str, len: usize) -> String {
    let mut h = fnv32(seed);
    (0..len)
        .map(|_| {
            let c = SAFE[(h % SAFE.len() as u32) as usize] as char;
            h = h.wrapping_mul(0x0100_0193) ^ 0x9e37_79b9;
            c
        })
        .collect()
}

/// A stable UUID-shaped identifier for a generated object.
pub(crate) fn uid(seed: &str) -> String {
    let a = fnv32(seed);
    let b = fnv32(&format!("{seed}/b"));
    let c = fnv32(&format!("{seed}/c"));
    let d = fnv32(&format!("{seed}/d"));
    format!(
        "{a:08x}-{:04x}-4{:03x}-8{:03x}-{:04x}{d:08x}",
        b >> 16,
        b & 0xfff,
        c >> 20,
        c & 0xffff
    )
}

/// The metrics-server container of a pod template.
pub(crate) fn ms_container(template: &PodTemplateSpec) -> Option<&Container> {
    let containers = &template.spec.as_ref()?.containers;
    containers
        .iter()
        .find(|c| c.name == DEPLOYMENT)
        .or_else(|| {
            containers.iter().find(|c| {
                c.image
                    .as_deref()
                    .is_some_and(|i| i.contains("metrics-server"))
            })
        })
        .or_else(|| containers.first())
}

fn behaviour(template: &PodTemplateSpec) -> Behaviour {
    let Some(c) = ms_container(template) else {
        return Behaviour::Crash {
            errors: vec!["no metrics-server container in the pod template".into()],
        };
    };
    let version = c.image.as_deref().and_then(Version::from_image);
    let flags = Flags::parse(&flags::container_argv(c), version);
    let errors: Vec<String> = flags
        .validate()
        .into_iter()
        .filter(|p| p.rule == RuleId(12) && p.is_error())
        .map(|p| p.message)
        .collect();
    if errors.is_empty() {
        Behaviour::Serve { flags }
    } else {
        Behaviour::Crash { errors }
    }
}

fn condition(status: bool, reason: &str, message: &str, since: Timestamp) -> Condition {
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
    pub fn new(assets: Assets, clock: Clock) -> World {
        let started = clock.now();
        let Assets {
            scenario,
            apiservice,
            service,
            deployment,
            other_deployments,
            nodes,
            hpas,
            usage,
            csrs,
            issued,
        } = assets;
        let long_ago = add(started, -SignedDuration::from_hours(24 * 26));
        let pod_created = add(
            started,
            -SignedDuration::from_mins(scenario.pod_age_minutes.max(1)),
        );
        let mut world = World {
            clock,
            started,
            rv: 52_000,
            seq: 0,
            apiservice,
            service,
            deployment,
            other_deployments,
            nodes,
            hpas,
            usage,
            csrs: csrs
                .into_iter()
                .map(|csr| CsrRecord {
                    csr,
                    approved_at: None,
                })
                .collect(),
            issued,
            replica_sets: Vec::new(),
            pods: Vec::new(),
            observed: (1, long_ago),
            rollout_started: None,
            scale_events: Vec::new(),
            pending_syncs: Vec::new(),
            synced_until: started,
            deployment_available: condition(true, "MinimumReplicasAvailable", "", long_ago),
            deployment_progressing: condition(true, "NewReplicaSetAvailable", "", long_ago),
            api_available: condition(true, "Passed", "", long_ago),
            api_last_failed: None,
            last_status: None,
            scenario,
        };
        world.deployment.metadata.creation_timestamp = Some(
            k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(long_ago),
        );
        world.deployment.metadata.generation = Some(1);
        world.deployment.metadata.resource_version = Some(world.next_rv());
        if let Some(template) = world.deployment.spec.as_ref().map(|s| s.template.clone()) {
            let hash = template_hash(&template);
            world.replica_sets.push(ReplicaSetRecord {
                name: format!("{DEPLOYMENT}-{hash}"),
                uid: uid(&format!("rs/{hash}")),
                hash: hash.clone(),
                revision: 1,
                template,
                created: long_ago,
            });
            let node = world.scenario.pod_node.clone();
            world.create_pod(&hash, pod_created, Some(node));
        }
        // The broken state has lasted since the pod started.
        let past = add(pod_created, timing::container_start());
        world.deployment_available = condition(false, "MinimumReplicasUnavailable", "", past);
        world.api_available = condition(false, "MissingEndpoints", "", past);
        world.reconcile(started);
        world
    }

    fn next_rv(&mut self) -> String {
        self.rv += 1;
        self.rv.to_string()
    }

    /// The current cluster-wide resourceVersion (for list metadata).
    pub fn list_rv(&self) -> String {
        self.rv.to_string()
    }

    pub fn node_names(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(|n| n.metadata.name.clone().unwrap_or_default())
            .collect()
    }

    fn desired_replicas(&self) -> i32 {
        self.deployment
            .spec
            .as_ref()
            .and_then(|s| s.replicas)
            .unwrap_or(1)
            .max(0)
    }

    pub fn newest_rs(&self) -> Option<&ReplicaSetRecord> {
        self.replica_sets.iter().max_by_key(|r| r.revision)
    }

    pub fn rs(&self, hash: &str) -> Option<&ReplicaSetRecord> {
        self.replica_sets.iter().find(|r| r.hash == hash)
    }

    /// Nodes new pods may land on (no NoSchedule taint), in order.
    fn schedulable(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .nodes
            .iter()
            .filter(|n| {
                !n.spec
                    .as_ref()
                    .and_then(|s| s.taints.as_ref())
                    .is_some_and(|ts| ts.iter().any(|t| t.effect == "NoSchedule"))
            })
            .filter_map(|n| n.metadata.name.clone())
            .collect();
        if out.is_empty() {
            out = self.node_names();
        }
        out
    }

    fn create_pod(&mut self, rs_hash: &str, at: Timestamp, node: Option<String>) {
        self.seq += 1;
        let Some(rs) = self.rs(rs_hash) else { return };
        let behaviour = behaviour(&rs.template);
        let name = format!(
            "{}-{}",
            rs.name,
            safe_suffix(&format!("{}/{}", rs.hash, self.seq), 5)
        );
        let candidates = self.schedulable();
        let node = node.unwrap_or_else(|| {
            candidates
                .get(self.seq as usize % candidates.len().max(1))
                .cloned()
                .unwrap_or_default()
        });
        let node_index = self.node_names().iter().position(|n| *n == node).unwrap_or(0);
        self.pods.push(PodRecord {
            uid: uid(&format!("pod/{name}")),
            ip: format!("10.244.{node_index}.{}", 10 + self.seq % 240),
            name,
            rs_hash: rs_hash.to_string(),
            node,
            created: at,
            deleted: None,
            behaviour,
        });
    }

    // -----------------------------------------------------------------------------------------
    // Kubelets and pods

    /// The certificate `node` serves before and, if a CSR gets approved, after some instant.
    fn serving_cert(&self, node: &str) -> (ServingCert, Option<(Timestamp, ServingCert)>) {
        match self.scenario.kubelet_certs {
            KubeletCerts::UnknownCa => (ServingCert::ForeignCa, None),
            KubeletCerts::SelfSigned => (ServingCert::SelfSigned, None),
            KubeletCerts::Bootstrap => {
                let user = format!("system:node:{node}");
                let mine = self
                    .csrs
                    .iter()
                    .filter(|r| r.csr.spec.username.as_deref() == Some(user.as_str()));
                let mut issued_before = false;
                let mut change: Option<Timestamp> = None;
                for r in mine {
                    let has_cert = r
                        .csr
                        .status
                        .as_ref()
                        .is_some_and(|s| s.certificate.is_some());
                    match r.approved_at {
                        Some(at) => {
                            let serving =
                                add(add(at, timing::issue()), timing::kubelet_pickup());
                            change = Some(change.map_or(serving, |c| c.min(serving)));
                        }
                        None if has_cert => issued_before = true,
                        None => {}
                    }
                }
                if issued_before {
                    (ServingCert::ClusterCa, None)
                } else {
                    (
                        ServingCert::Missing,
                        change.map(|t| (t, ServingCert::ClusterCa)),
                    )
                }
            }
        }
    }

    pub fn serving_cert_at(&self, node: &str, t: Timestamp) -> ServingCert {
        match self.serving_cert(node) {
            (_, Some((since, after))) if t >= since => after,
            (before, _) => before,
        }
    }

    /// Scrape result of `node` by a metrics-server with `flags` at `t`.
    pub fn scrape(&self, flags: &Flags, node: &str, t: Timestamp) -> Result<(), String> {
        let Some(n) = self
            .nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(node))
        else {
            return Err(format!("node {node} not found"));
        };
        kubelet::scrape(flags, n, self.serving_cert_at(node, t))
    }

    /// From when `node` can be scraped with `flags`, if ever (as far as is known now).
    fn scrapable_from(&self, flags: &Flags, node: &str) -> Option<Option<Timestamp>> {
        let n = self
            .nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(node))?;
        let (before, change) = self.serving_cert(node);
        if kubelet::scrape(flags, n, before).is_ok() {
            return Some(None);
        }
        let (at, after) = change?;
        kubelet::scrape(flags, n, after).is_ok().then_some(Some(at))
    }

    pub fn running_at(pod: &PodRecord) -> Timestamp {
        add(pod.created, timing::container_start())
    }

    /// When the pod turns Ready, if it does before it is deleted.
    pub fn ready_at(&self, pod: &PodRecord) -> Option<Timestamp> {
        let Behaviour::Serve { flags } = &pod.behaviour else {
            return None;
        };
        let probe = add(Self::running_at(pod), timing::ready_after());
        // metrics-server reports Ready once it has stored one successful scrape of any node.
        let first_ok = self
            .node_names()
            .iter()
            .filter_map(|n| self.scrapable_from(flags, n))
            .map(|from| from.map_or(probe, |t| t.max(probe)))
            .min()?;
        match pod.deleted {
            Some(d) if d <= first_ok => None,
            _ => Some(first_ok),
        }
    }

    pub fn is_ready(&self, pod: &PodRecord, now: Timestamp) -> bool {
        pod.deleted.is_none_or(|d| now < d) && self.ready_at(pod).is_some_and(|t| t <= now)
    }

    /// Whether the pod exists at `now` (created, not yet gone after deletion).
    pub fn exists(pod: &PodRecord, now: Timestamp) -> bool {
        pod.created <= now && pod.deleted.is_none_or(|d| now < add(d, timing::termination()))
    }

    pub fn container_state(pod: &PodRecord, now: Timestamp) -> ContainerState {
        let running = Self::running_at(pod);
        if now < running {
            return ContainerState::Creating;
        }
        if let Some(d) = pod.deleted.filter(|d| *d <= now) {
            return ContainerState::Stopped {
                since: running,
                at: d.max(running),
            };
        }
        match pod.behaviour {
            Behaviour::Serve { .. } => ContainerState::Running {
                since: running,
                restarts: 0,
            },
            Behaviour::Crash { .. } => {
                let cycle = timing::crash_run() + timing::crash_backoff();
                let elapsed = now.duration_since(running).as_millis();
                let cycle_ms = cycle.as_millis().max(1);
                let n = elapsed / cycle_ms;
                let restarts = i32::try_from(n).unwrap_or(i32::MAX);
                let started = add(running, SignedDuration::from_millis((n * cycle_ms) as i64));
                if elapsed % cycle_ms < timing::crash_run().as_millis() {
                    ContainerState::Running {
                        since: started,
                        restarts,
                    }
                } else {
                    ContainerState::BackOff {
                        restarts,
                        started,
                        finished: add(started, timing::crash_run()),
                    }
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Controllers

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
    fn next_event(&self, now: Timestamp) -> Option<Timestamp> {
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
    fn sync(&mut self, t: Timestamp) -> bool {
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

    fn scale_event(&mut self, t: Timestamp, hash: &str, from: i32, to: i32) {
        if let Some(name) = self.rs(hash).map(|r| r.name.clone()) {
            self.scale_events.push((t, name, from, to));
        }
    }

    /// The CSR signer: approved requests get their certificate shortly after.
    fn sign_certificates(&mut self, now: Timestamp) {
        let mut signed = Vec::new();
        for (i, r) in self.csrs.iter().enumerate() {
            let due = r.approved_at.is_some_and(|a| add(a, timing::issue()) <= now);
            let has = r.csr.status.as_ref().is_some_and(|s| s.certificate.is_some());
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
                .and_then(|b64| decode_base64(b64))
                .unwrap_or_default();
            let status = r.csr.status.get_or_insert_with(Default::default);
            status.certificate = Some(k8s_openapi::ByteString(pem));
            r.csr.metadata.resource_version = Some(rv);
        }
    }

    /// Record condition flips (and bump the Deployment's resourceVersion when its status moves,
    /// as the controller's status writes do).
    fn track_conditions(&mut self, now: Timestamp) {
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
        let complete = updated_ready >= desired && updated == desired && live.len() as i32 == desired;
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

    fn max_unavailable(&self) -> i32 {
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

    // -----------------------------------------------------------------------------------------
    // Writes

    /// PATCH a Deployment (strategic merge), as `kubectl patch` / mstui send it.
    pub fn patch_deployment(
        &mut self,
        namespace: &str,
        name: &str,
        patch: &Value,
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
            ApiError::new(500, "InternalError", format!("cannot encode the Deployment: {e}"))
        })?;
        let merged = strategic_merge(&before, patch)
            .map_err(|e| ApiError::new(400, "BadRequest", e))?;
        let mut next: Deployment = serde_json::from_value(merged).map_err(|e| {
            ApiError::new(
                400,
                "BadRequest",
                format!("Deployment in version \"v1\" cannot be handled as a Deployment: {e}"),
            )
        })?;
        // What a patch may not change: identity, bookkeeping and the status.
        let old = &self.deployment;
        next.metadata.name = old.metadata.name.clone();
        next.metadata.namespace = old.metadata.namespace.clone();
        next.metadata.uid = old.metadata.uid.clone();
        next.metadata.creation_timestamp = old.metadata.creation_timestamp.clone();
        next.metadata.generation = old.metadata.generation;
        next.metadata.resource_version = Some(current_rv);
        next.status = None;
        validate(old, &next, name)?;

        let spec_changed = serde_json::to_value(&next.spec).ok() != serde_json::to_value(&old.spec).ok();
        let meta_changed = serde_json::to_value(&next.metadata).ok()
            != serde_json::to_value(&old.metadata).ok();
        if spec_changed {
            next.metadata.generation = Some(old.metadata.generation.unwrap_or(1) + 1);
        }
        if dry_run || !(spec_changed || meta_changed) {
            return Ok(next);
        }
        next.metadata.resource_version = Some(self.next_rv());
        let template_changed = serde_json::to_value(next.spec.as_ref().map(|s| &s.template)).ok()
            != serde_json::to_value(old.spec.as_ref().map(|s| &s.template)).ok();
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
    fn start_rollout(&mut self, now: Timestamp) {
        let Some(template) = self.deployment.spec.as_ref().map(|s| s.template.clone()) else {
            return;
        };
        let hash = template_hash(&template);
        let revision = self.replica_sets.iter().map(|r| r.revision).max().unwrap_or(0) + 1;
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
        let current_rv = record.csr.metadata.resource_version.clone().unwrap_or_default();
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
    let labels = spec.template.metadata.as_ref().and_then(|m| m.labels.clone());
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
    if spec.replicas.is_some_and(|r| r < 0) {
        return Err(ApiError::invalid(
            kind,
            name,
            "spec.replicas: Invalid value: must be greater than or equal to 0",
        ));
    }
    Ok(())
}

fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}
