//! mstui: a terminal troubleshooter for the Kubernetes metrics-server.
//!
//! Layers, bottom to top (CONTRIBUTING.md; `tests/layers.rs` keeps them): [`vocab`] → [`certs`],
//! [`flags`], [`logs`], [`metrics`], [`nodes`] → [`install`], [`snapshot`] → [`diagnose`], [`fix`],
//! [`rollout`], [`top`] → [`cluster`] (the only I/O) → [`analyze`], [`report`], [`demo`], [`fleet`],
//! [`bundle`], [`audit`] (the local audit log) → [`tui`] → [`cli`].
//! Everything below [`cluster`] is pure: data and `now` in, data out.

pub mod analyze;
pub mod audit;
pub mod bundle;
pub mod certs;
pub mod cli;
pub mod cluster;
pub mod demo;
pub mod diagnose;
pub mod fix;
pub mod flags;
pub mod fleet;
pub mod install;
pub mod logs;
pub mod metrics;
pub mod nodes;
pub mod report;
pub mod rollout;
pub mod snapshot;
pub mod top;
pub mod tui;
pub mod vocab;
