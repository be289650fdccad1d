//! The demo cluster's state: the stored objects, the metrics-server ReplicaSets and pods as
//! records (when created, when deleted, what their flags make them do), and the bookkeeping
//! the controllers in `controller` keep. Nothing here runs in the background; see
//! `controller` for how time is replayed on each request.

use super::clock::{Clock, add, timing};
use super::scenario::{Assets, BaseUsage, Scenario};
use crate::flags::{self, Flags};
use crate::vocab::RuleId;
use crate::vocab::Version;
use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::{Container, Node, PodTemplateSpec, Service};
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

    pub(super) fn conflict(resource: &str, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        )
    }

    pub(super) fn invalid(kind: &str, name: &str, detail: impl std::fmt::Display) -> Self {
        Self::new(
            422,
            "Invalid",
            format!("{kind} \"{name}\" is invalid: {detail}"),
        )
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
    Serve {
        flags: Flags,
    },
    /// Startup validation refuses the flags (F12): the container exits and is restarted.
    Crash {
        errors: Vec<String>,
    },
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
    pub(super) rv: u64,
    pub(super) seq: u64,
    pub apiservice: APIService,
    pub service: Service,
    /// The stored metrics-server Deployment (status is derived, see `views`).
    pub deployment: Deployment,
    pub other_deployments: Vec<Deployment>,
    pub nodes: Vec<Node>,
    pub hpas: Vec<HorizontalPodAutoscaler>,
    pub usage: BTreeMap<String, BaseUsage>,
    pub csrs: Vec<CsrRecord>,
    pub(super) issued: BTreeMap<String, String>,
    pub replica_sets: Vec<ReplicaSetRecord>,
    pub pods: Vec<PodRecord>,
    /// Generation the controller has observed, and when it observes the current one.
    pub(super) observed: (i64, Timestamp),
    /// When the running rollout started (`None`: the Deployment's first rollout, long done).
    pub rollout_started: Option<Timestamp>,
    /// Scale events of the rollouts made in the demo: (when, ReplicaSet, from, to).
    pub scale_events: Vec<(Timestamp, String, i32, i32)>,
    /// Controller syncs waiting to happen (the controller observes a spec change a bit later).
    pub(super) pending_syncs: Vec<Timestamp>,
    pub(super) synced_until: Timestamp,
    /// Deployment conditions `Available`, `Progressing` and the APIService's `Available`.
    pub deployment_available: Condition,
    pub deployment_progressing: Condition,
    pub api_available: Condition,
    /// When the Metrics API first and last failed (for the HPA controller's warning event).
    pub api_failing_since: Option<Timestamp>,
    pub api_last_failed: Option<Timestamp>,
    pub(super) last_status: Option<Value>,
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
        .filter(|p| p.rule == RuleId::StartupExit && p.is_error())
        .map(|p| p.message)
        .collect();
    if errors.is_empty() {
        Behaviour::Serve { flags }
    } else {
        Behaviour::Crash { errors }
    }
}

use super::controller::condition;

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
            api_failing_since: None,
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
        // Whatever state the scenario starts in has lasted since the first pod started (or
        // turned Ready), not since the demo did.
        let ready = world.pods.first().and_then(|p| world.ready_at(p));
        match ready.filter(|r| *r <= started) {
            Some(r) => {
                world.deployment_available = condition(true, "MinimumReplicasAvailable", "", r);
                world.api_available = condition(true, "Passed", "", r);
            }
            None => {
                let since = add(pod_created, timing::container_start());
                world.deployment_available =
                    condition(false, "MinimumReplicasUnavailable", "", since);
                world.api_available = condition(false, "MissingEndpoints", "", since);
                world.api_failing_since = Some(since);
            }
        }
        world.reconcile(started);
        world
    }

    pub(super) fn next_rv(&mut self) -> String {
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

    pub(super) fn desired_replicas(&self) -> i32 {
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

    pub(super) fn create_pod(&mut self, rs_hash: &str, at: Timestamp, node: Option<String>) {
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
        let node_index = self
            .node_names()
            .iter()
            .position(|n| *n == node)
            .unwrap_or(0);
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
}
