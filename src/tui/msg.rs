//! What happened (`Msg`) and what to do (`Effect`): plain data between the pure `update` and the
//! thin runner that does the I/O.

use crate::cluster::apply::ApplyError;
use crate::cluster::logs::{LogEvent, LogTarget};
use crate::fix::plan::{CsrApprovalPlan, FixPlan, RestartPlan};
use crate::snapshot::{ClusterInfo, Snapshot};
use crate::tui::app::view::KubeContexts;
use crate::vocab::{Action, FixId, Prose};
use crossterm::event::KeyEvent;
use jiff::Timestamp;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// The clock moved; drives the spinner and periodic re-checks.
    Tick(Timestamp),
    /// A snapshot finished (`generation` says which request it answers).
    Snapshot {
        generation: u64,
        snapshot: Box<Snapshot>,
    },
    Log(LogEvent),
    /// The server-side dry-run of change `id` ended; `Some(list)` is the args list the server
    /// would store (args changes only).
    DryRun {
        id: u64,
        result: Result<Option<Vec<String>>, ApplyError>,
    },
    /// Change `id` was applied (or refused).
    Applied {
        id: u64,
        result: Result<(), ApplyError>,
    },
    /// The log buffer was written to a file (or not).
    Saved(Result<PathBuf, String>),
    /// The kubeconfig's contexts (for `:ctx` and its completion).
    Contexts(KubeContexts),
    /// The cluster's namespaces (for `:ns` completion); empty when they may not be listed.
    Namespaces(Vec<String>),
    /// One fleet-check row per kubeconfig context (the `:ctx` table's health column).
    ContextHealth(Vec<crate::fleet::Row>),
    /// `:ctx NAME` connected (the runner holds the new connection until
    /// [`Effect::AdoptConnection`]), or why not: then nothing changed.
    Switched {
        context: String,
        result: Result<ClusterInfo, String>,
    },
}

/// A change to the cluster, fully planned.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Args(FixPlan),
    Restart(RestartPlan),
    ApproveCsrs(CsrApprovalPlan),
}

impl Change {
    /// What the change does, in one sentence.
    pub fn sentence(&self) -> &Prose {
        match self {
            Change::Args(p) => &p.sentence,
            Change::Restart(p) => &p.sentence,
            Change::ApproveCsrs(p) => &p.sentence,
        }
    }

    /// What applying it needs permission to do.
    pub fn needs(&self) -> Action {
        match self {
            // An editor edit or an undo has no fix: it patches the Deployment all the same.
            Change::Args(p) => p.fix.map_or(Action::PatchDeployment, FixId::needs),
            Change::Restart(_) => FixId::RolloutRestart.needs(),
            Change::ApproveCsrs(_) => FixId::ApproveKubeletCsrs.needs(),
        }
    }

    /// What to know before confirming.
    pub fn warnings(&self) -> &[Prose] {
        match self {
            Change::Args(p) => &p.warnings,
            Change::Restart(p) => &p.warnings,
            Change::ApproveCsrs(p) => &p.warnings,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    FetchSnapshot {
        generation: u64,
    },
    FollowLogs(LogTarget),
    DryRun {
        id: u64,
        change: Change,
    },
    /// Only ever emitted after the user confirmed the shown diff and the dry-run passed.
    Apply {
        id: u64,
        change: Change,
    },
    SaveLogs {
        path: PathBuf,
        text: String,
    },
    /// Read the kubeconfig's contexts (answered by [`Msg::Contexts`]).
    ListContexts,
    /// List the cluster's namespaces (answered by [`Msg::Namespaces`]).
    ListNamespaces,
    /// Check every kubeconfig context like `check --all-contexts` (answered by
    /// [`Msg::ContextHealth`]); nothing for the demo.
    ProbeContexts,
    /// Connect to another context of the kubeconfig (answered by [`Msg::Switched`]).
    SwitchContext(String),
    /// Use the connection [`Msg::Switched`] announced: later effects go to the new cluster, and
    /// the old cluster's log stream stops. Names the context, so a slower earlier switch is
    /// never taken for a later one.
    AdoptConnection(String),
    /// Look for metrics-server in this namespace first (`None`: follow the APIService).
    SetNamespace(Option<String>),
    Quit,
}
