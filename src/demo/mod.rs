//! `mstui --demo`: a built-in scenario cluster, served in-process to the real kube client.
//!
//! kube-rs accepts any tower service as its transport, so the demo swaps only the bottom layer:
//! snapshot, diagnosis, fix plans, dry-runs, patches, rollouts and log streaming all run the
//! product's own code against it. The cluster reacts to what the user does — a patch changes
//! the Deployment, a changed pod template rolls out a new ReplicaSet and pod, undo rolls back —
//! with time compressed to seconds. Nothing is scripted per screen: the metrics-server pods log,
//! turn Ready and serve metrics according to their flags and the kubelets' certificates.
//!
//! Layout (all private):
//! - `scenario` loads `assets/demo/`; `world` holds the records (Deployment, ReplicaSets, pods,
//!   CSRs) and `clock` the time;
//! - `lifecycle` says what a pod or kubelet does at an instant, `controller` replays the
//!   rollout, the CSR signer and the conditions, `writes` accepts patches and approvals;
//! - `views`, `podview`, `events` and `metrics_api` render API objects; `router` and
//!   `logroute` speak HTTP;
//! - `kubelet` (scrape outcome), `loggen` (klog lines), `merge` (strategic merge) and `select`
//!   (query and selectors) are the pure pieces underneath.

mod clock;
mod controller;
mod events;
mod jsonpatch;
mod kubelet;
mod lifecycle;
mod loggen;
mod logroute;
mod merge;
mod metrics_api;
mod podview;
mod router;
mod scenario;
mod select;
mod views;
mod world;
mod writes;

#[cfg(test)]
mod tests;

use crate::cluster::Connection;
use crate::snapshot::ClusterInfo;
use clock::Clock;
use router::Shared;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

pub use scenario::SCENARIOS;

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("unknown demo scenario \"{0}\"; the scenarios are: {list}", list = SCENARIOS.join(", "))]
    UnknownScenario(String),
    #[error("the demo cluster must be started inside a tokio runtime")]
    NoRuntime,
    #[error("the built-in demo data is broken: {0}")]
    Data(String),
}

/// A scenario's name and one-line title, for help texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioInfo {
    pub name: String,
    pub title: String,
    /// What is broken and how the story ends.
    pub story: String,
}

/// Every scenario, the default (`x509`) first.
pub fn scenarios() -> Vec<ScenarioInfo> {
    SCENARIOS
        .iter()
        .filter_map(|name| scenario::load(name).ok())
        .map(|a| ScenarioInfo {
            name: a.scenario.name,
            title: a.scenario.title,
            story: a.scenario.story,
        })
        .collect()
}

/// Start a demo cluster and return a connection to it, as [`crate::cluster::connect()`] would
/// for a real one. Must be called inside a tokio runtime (the kube client spawns its buffer).
pub fn connect(scenario: &str) -> Result<Connection, DemoError> {
    start(scenario, Clock::System).map(|demo| demo.connection)
}

/// A running demo: the connection, and (for tests) its clock.
pub(crate) struct Demo {
    pub connection: Connection,
    #[cfg_attr(not(test), allow(dead_code))]
    pub clock: Clock,
}

pub(crate) fn start(scenario: &str, clock: Clock) -> Result<Demo, DemoError> {
    tokio::runtime::Handle::try_current().map_err(|_| DemoError::NoRuntime)?;
    let assets = scenario::load(scenario)?;
    let shared: Shared = Arc::new(Mutex::new(world::World::new(assets, clock.clone())));
    let service = tower::service_fn(move |req| {
        let state = shared.clone();
        async move { Ok::<_, Infallible>(router::handle(state, req).await) }
    });
    let client = kube::Client::new(service, "default");
    let info = ClusterInfo {
        context: "mstui-demo".into(),
        server: format!("demo://{scenario}"),
        server_version: Some(
            views::version()["gitVersion"]
                .as_str()
                .unwrap_or("v1.34.4")
                .into(),
        ),
    };
    Ok(Demo {
        connection: Connection {
            client,
            info,
            namespace: None,
            user: Some("demo-admin".into()),
            dials: false,
        },
        clock,
    })
}
