//! What every rule needs, computed once per diagnosis: effective flags, the APIService state,
//! the classified logs, metrics coverage, and small readers over the k8s objects.

use super::logview::LogView;
use crate::flags::{self, Flags};
use crate::snapshot::{CallFailure, METRICS_APISERVICE, Snapshot};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Node, Pod};
use std::time::Duration;

/// The binary default of `--metric-resolution` when the flag is absent.
const DEFAULT_RESOLUTION: Duration = Duration::from_secs(60);

pub(crate) struct Ctx<'a> {
    pub snap: &'a Snapshot,
    pub now: Timestamp,
    /// The metrics-server container's effective flags, when the Deployment was read.
    pub flags: Option<Flags>,
    resolution: Duration,
    pub api: ApiState,
    pub logs: LogView,
}

/// The APIService `Available` condition, flattened.
#[derive(Debug, Clone, Default)]
pub(crate) struct ApiState {
    pub exists: bool,
    /// `None` when the APIService has no `Available` condition (yet).
    pub available: Option<bool>,
    pub reason: String,
    pub message: String,
}

impl ApiState {
    fn read(snap: &Snapshot) -> ApiState {
        if snap.apiservice.is_none() {
            return ApiState::default();
        }
        let condition = snap.apiservice_available();
        ApiState {
            exists: true,
            available: condition.map(|c| c.status == "True"),
            reason: condition.and_then(|c| c.reason.clone()).unwrap_or_default(),
            message: condition
                .and_then(|c| c.message.clone())
                .unwrap_or_default(),
        }
    }

    pub fn is_available(&self) -> bool {
        self.available == Some(true)
    }

    /// Unavailable because the Service has no ready endpoints (the readiness chain).
    pub fn lacks_endpoints(&self) -> bool {
        self.available == Some(false)
            && matches!(
                self.reason.as_str(),
                "MissingEndpoints" | "EndpointsNotFound"
            )
    }

    /// `APIService v1beta1.metrics.k8s.io Available=False (Reason): message`.
    pub fn line(&self) -> Option<String> {
        let status = match self.available? {
            true => "True",
            false => "False",
        };
        let mut s = format!("APIService {METRICS_APISERVICE} Available={status}");
        if !self.reason.is_empty() {
            s.push_str(&format!(" ({})", self.reason));
        }
        if !self.message.is_empty() {
            s.push_str(": ");
            s.push_str(&self.message);
        }
        Some(s)
    }
}

impl<'a> Ctx<'a> {
    pub fn new(snap: &'a Snapshot, now: Timestamp) -> Ctx<'a> {
        let flags = container(snap).map(|c| {
            let version = snap.install.as_ref().and_then(|i| i.version);
            Flags::parse(&flags::container_argv(c), version)
        });
        let resolution = flags
            .as_ref()
            .and_then(|f| f.duration("metric-resolution"))
            .unwrap_or(DEFAULT_RESOLUTION);
        let api = ApiState::read(snap);
        let logs = LogView::build(snap, now, resolution, api.is_available());
        Ctx {
            snap,
            now,
            flags,
            resolution,
            api,
            logs,
        }
    }

    /// The effective `--metric-resolution` (binary default 60s).
    pub fn resolution(&self) -> Duration {
        self.resolution
    }

    /// How long a log line stays news: metrics-server repeats a live error on every tick, so
    /// one not seen for a few ticks (at least three minutes) has stopped.
    pub fn recent(&self) -> Duration {
        recent_window(self.resolution)
    }

    /// The effective address priority; the binary default when the Deployment is unknown.
    pub fn address_types(&self) -> Vec<String> {
        match &self.flags {
            Some(f) => f.preferred_address_types(),
            None => flags::split_csv(flags::DEFAULT_ADDRESS_TYPES),
        }
    }

    /// The metrics-server container's name (for reading pod container statuses).
    pub fn container_name(&self) -> &str {
        self.snap
            .install
            .as_ref()
            .map(|i| i.container.as_str())
            .filter(|c| !c.is_empty())
            .unwrap_or("metrics-server")
    }

    /// Nodes absent from NodeMetrics, sorted; `None` when the Metrics API could not be listed.
    pub fn nodes_without_metrics(&self) -> Option<Vec<String>> {
        let metrics = self.snap.node_metrics.as_ref()?;
        let mut missing: Vec<String> = self
            .snap
            .nodes
            .iter()
            .map(node_name)
            .filter(|n| {
                !metrics
                    .iter()
                    .any(|m| m.metadata.name.as_deref() == Some(n))
            })
            .map(str::to_string)
            .collect();
        missing.sort();
        Some(missing)
    }

    pub fn node_has_metrics(&self, node: &str) -> bool {
        self.snap
            .node_metrics
            .as_ref()
            .is_some_and(|ms| ms.iter().any(|m| m.metadata.name.as_deref() == Some(node)))
    }

    /// Everything a user would call healthy: the API answers and every node has metrics.
    pub fn metrics_complete(&self) -> bool {
        self.api.is_available()
            && self
                .nodes_without_metrics()
                .is_some_and(|missing| missing.is_empty())
    }

    /// The recorded failure of `verb resource` (resource compared without any `.group`).
    pub fn failed(&self, verb: &str, resource: &str) -> Option<&'a CallFailure> {
        self.snap
            .failures
            .iter()
            .find(|f| f.verb == verb && f.resource == resource)
    }

    pub fn ms_status<'p>(&self, pod: &'p Pod) -> Option<&'p ContainerStatus> {
        pod.status
            .as_ref()?
            .container_statuses
            .as_ref()?
            .iter()
            .find(|c| c.name == self.container_name())
    }

    /// Whether a pod is still inside its warm-up window: metrics-server needs two scrapes
    /// before it can serve (and report Ready), plus the readiness probe's initial delay and one
    /// period. Measured from the container start, else the pod start.
    pub fn warming_up(&self, pod: &Pod) -> bool {
        let started = self
            .ms_status(pod)
            .and_then(|s| s.state.as_ref()?.running.as_ref()?.started_at.as_ref())
            .or(pod.status.as_ref().and_then(|s| s.start_time.as_ref()))
            .or(pod.metadata.creation_timestamp.as_ref())
            .map(|t| t.0);
        let Some(started) = started else {
            return false;
        };
        let window = self.warm_up_window();
        let age = self.now.duration_since(started);
        age.is_positive() && age.unsigned_abs() < window
    }

    pub fn warm_up_window(&self) -> Duration {
        2 * self.resolution() + Duration::from_secs(30)
    }

    /// A pod is of interest unless it is on its way out.
    pub fn live_pods(&self) -> impl Iterator<Item = &'a Pod> {
        self.snap
            .pods
            .iter()
            .filter(|p| p.metadata.deletion_timestamp.is_none())
    }

    /// `pod NAME: Phase, 0/1 ready, 3 restarts[, metrics-server waiting: Reason]`.
    pub fn pod_line(&self, pod: &Pod) -> String {
        let status = pod.status.as_ref();
        let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Unknown");
        let statuses = status
            .and_then(|s| s.container_statuses.as_deref())
            .unwrap_or_default();
        let total = pod
            .spec
            .as_ref()
            .map_or(statuses.len(), |s| s.containers.len());
        let ready = statuses.iter().filter(|c| c.ready).count();
        let restarts: i32 = statuses.iter().map(|c| c.restart_count).sum();
        let mut line = format!(
            "pod {}: {phase}, {ready}/{total} ready, {restarts} restart{}",
            name_of(pod),
            if restarts == 1 { "" } else { "s" }
        );
        if let Some(waiting) = self
            .ms_status(pod)
            .and_then(|s| s.state.as_ref()?.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
        {
            line.push_str(&format!(", {} waiting: {waiting}", self.container_name()));
        }
        line
    }
}

/// See [`Ctx::recent`].
pub(crate) fn recent_window(resolution: Duration) -> Duration {
    (4 * resolution).max(Duration::from_secs(180))
}

/// The metrics-server container of the located Deployment.
fn container(snap: &Snapshot) -> Option<&Container> {
    let install = snap.install.as_ref()?;
    let containers = &snap
        .deployment
        .as_ref()?
        .spec
        .as_ref()?
        .template
        .spec
        .as_ref()?
        .containers;
    containers
        .iter()
        .find(|c| c.name == install.container)
        .or_else(|| containers.get(install.container_index))
}

pub(crate) fn name_of(pod: &Pod) -> &str {
    pod.metadata.name.as_deref().unwrap_or_default()
}

pub(crate) fn node_name(node: &Node) -> &str {
    node.metadata.name.as_deref().unwrap_or_default()
}

/// The node's `Ready` condition status (`True`, `False`, `Unknown`), if reported.
pub(crate) fn node_ready(node: &Node) -> Option<&str> {
    node.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.as_str())
}

pub(crate) fn pod_condition<'p>(pod: &'p Pod, type_: &str) -> Option<(&'p str, Option<&'p str>)> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
        .map(|c| (c.status.as_str(), c.message.as_deref()))
}

pub(crate) fn pod_is_ready(pod: &Pod) -> bool {
    pod_condition(pod, "Ready").is_some_and(|(s, _)| s == "True")
}

pub(crate) fn pod_phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Unknown")
}

/// Count and plural: `3 nodes`, `1 node`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
