//! mstui: a terminal troubleshooter for the Kubernetes metrics-server.
//!
//! Layout (see DESIGN §3):
//! - [`cluster`] is the only code that talks to the API server.
//! - [`snapshot`] is the plain data that [`cluster`] fetches and everything else reads.
//! - [`install`], [`flags`], [`logs`], [`diagnose`] and [`fix`] are pure: data and `now` in, data out.
//! - [`report`] formats the headless commands' output.

pub mod cli;
pub mod cluster;
pub mod demo;
pub mod diagnose;
pub mod fix;
pub mod flags;
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
