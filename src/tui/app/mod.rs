//! The TUI's state and its pure `update`: keys and messages in, state changes and effects out.
//!
//! Safety lives here: an [`Effect::Apply`] is returned only from the dialog's confirm key, only
//! when the plan is appliable, the user may make the change, mstui is not `--read-only`, and the
//! server-side dry-run of exactly that change passed.

use super::logbuf::LogBuffer;
use super::msg::{Change, Effect, Msg};
use super::text as t;
use crate::cluster::logs::{LogEvent, LogTarget, TimedLine, split_timestamp};
use crate::diagnose::{self, Finding};
use crate::fix::plan::FixPlan;
use crate::flags::FlagProblem;
use crate::snapshot::{ClusterInfo, Snapshot};
use crate::vocab::{FixId, Lang, Severity, Step};
use jiff::Timestamp;
use ratatui_textarea::TextArea;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

mod change;
pub mod command;
mod describe;
mod editor;
mod keys;
mod switch;
mod verify;
pub mod view;

pub use change::plan_change;
pub use verify::metrics_back;

/// How often the diagnosis refreshes by itself, and how often while verifying a change.
const AUTO_REFRESH: Duration = Duration::from_secs(20);
const VERIFY_POLL: Duration = Duration::from_secs(2);
/// How long a status message stays.
const STATUS_FOR: Duration = Duration::from_secs(10);
/// Give up waiting for metrics after this long (the step pane then says so).
const VERIFY_TIMEOUT: Duration = Duration::from_secs(300);

/// Options fixed at start.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: Lang,
    pub read_only: bool,
    /// Lines the log pane keeps (`--log-buffer`).
    pub log_buffer: usize,
    /// `-n`: the namespace to look for metrics-server in first (`:ns` changes it).
    pub namespace: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: Lang::default(),
            read_only: false,
            log_buffer: crate::tui::logbuf::DEFAULT_CAPACITY,
            namespace: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Steps,
    Logs,
}

/// How a step looks in the step bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Checking,
    Ok,
    Warning,
    Failed,
    NotPermitted,
}

/// What the user asked to change; re-planned against each fresh snapshot (after a conflict).
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    Fix(FixId),
    Edit(Vec<String>),
    Undo(Box<FixPlan>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum DryRun {
    /// Not sent, and why (read-only, not permitted, invalid flags).
    NotSent,
    Running,
    Passed {
        server_list: Option<Vec<String>>,
    },
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Dialog {
    pub id: u64,
    pub request: Request,
    pub change: Change,
    pub dry_run: DryRun,
    /// Why confirm is disabled, if it is.
    pub blocked: Option<String>,
    pub applying: bool,
    /// A conflict was reported; the plan is being made again from a fresh snapshot.
    pub replanning: bool,
    pub scroll: u16,
}

/// The free-form args editor.
pub struct Editor {
    pub area: TextArea<'static>,
    pub problems: Vec<FlagProblem>,
}

impl Editor {
    /// One argument per non-empty line, trimmed.
    pub fn args(&self) -> Vec<String> {
        self.area
            .lines()
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    }
}

/// Restart & verify progress after a change.
#[derive(Debug, Clone, PartialEq)]
pub struct Verify {
    pub since: Timestamp,
    pub phase: VerifyPhase,
}

#[derive(Debug, Clone, PartialEq)]
pub enum VerifyPhase {
    RollingOut(String),
    WaitingForMetrics,
    Done,
    Failed(String),
    TimedOut,
}

/// One applied args change, kept for undo.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub plan: FixPlan,
}

pub struct App {
    pub opts: Options,
    pub now: Timestamp,
    pub cluster: ClusterInfo,
    pub snapshot: Option<Snapshot>,
    pub findings: Vec<Finding>,
    /// The latest snapshot generation requested, and whether it is still in flight.
    pub generation: u64,
    pub loading: bool,
    last_fetch: Option<Timestamp>,
    pub step: Step,
    pub focus: Focus,
    /// Selected row in the step pane's fix list.
    pub selected: usize,
    /// Rows the step pane's explanation is scrolled by.
    pub detail_scroll: u16,
    /// The log pane fills the screen.
    pub zoomed: bool,
    pub logs: LogBuffer,
    pub following_pods: BTreeSet<String>,
    logs_started: bool,
    pub dialog: Option<Dialog>,
    pub editor: Option<Editor>,
    /// The search being typed after `/`.
    pub search_input: Option<String>,
    /// The command being typed after `:`.
    pub command: Option<command::Prompt>,
    /// The open object view (`:pods` …), drawn over the runbook panes.
    pub view: Option<view::ObjectView>,
    /// The kubeconfig's contexts, once read.
    pub kube_contexts: view::KubeContexts,
    /// The cluster's namespaces, once listed (empty when they may not be).
    pub namespaces: Vec<String>,
    /// The fleet check of every context for `:ctx`: `None` while it runs (or before).
    pub context_health: Option<Vec<crate::fleet::Row>>,
    pub help: bool,
    /// First line of the help text shown.
    pub help_scroll: u16,
    pub status: Option<(Severity, String)>,
    /// When the status was set.
    status_at: Timestamp,
    pub history: Vec<Applied>,
    pub verify: Option<Verify>,
    next_id: u64,
    pub size: (u16, u16),
    pub should_quit: bool,
    pub dirty: bool,
    /// Spinner frame, advanced by ticks.
    pub frame: usize,
}

impl App {
    /// A new app and the effects that start it (the first snapshot).
    pub fn new(opts: Options, cluster: ClusterInfo, now: Timestamp) -> (App, Vec<Effect>) {
        let logs = LogBuffer::with_capacity(opts.log_buffer);
        let mut app = App {
            opts,
            now,
            cluster,
            snapshot: None,
            findings: Vec::new(),
            generation: 0,
            loading: false,
            last_fetch: None,
            step: Step::Logs,
            focus: Focus::Steps,
            selected: 0,
            detail_scroll: 0,
            zoomed: false,
            logs,
            following_pods: BTreeSet::new(),
            logs_started: false,
            dialog: None,
            editor: None,
            search_input: None,
            command: None,
            view: None,
            kube_contexts: view::KubeContexts::default(),
            namespaces: Vec::new(),
            context_health: None,
            help: false,
            help_scroll: 0,
            status: None,
            status_at: now,
            history: Vec::new(),
            verify: None,
            next_id: 0,
            size: (80, 24),
            should_quit: false,
            dirty: true,
            frame: 0,
        };
        let fx = app.refresh();
        (app, fx)
    }

    pub fn read_only(&self) -> bool {
        self.opts.read_only
    }

    pub fn lang(&self) -> Lang {
        self.opts.lang
    }

    /// Apply one message; returns what to do next.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        self.dirty = true;
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Resize { width, height } => {
                self.size = (width, height);
                Vec::new()
            }
            Msg::Tick(now) => self.on_tick(now),
            Msg::Snapshot {
                generation,
                snapshot,
            } => self.on_snapshot(generation, *snapshot),
            Msg::Log(event) => {
                self.on_log(event);
                Vec::new()
            }
            Msg::DryRun { id, result } => self.on_dry_run(id, result),
            Msg::Applied { id, result } => self.on_applied(id, result),
            Msg::Contexts(list) => {
                self.kube_contexts = list;
                self.rebuild_view();
                Vec::new()
            }
            Msg::ContextHealth(rows) => {
                self.context_health = Some(rows);
                self.rebuild_view();
                Vec::new()
            }
            Msg::Namespaces(names) => {
                self.namespaces = names;
                Vec::new()
            }
            Msg::Switched { context, result } => self.on_switched(context, result),
            Msg::Saved(result) => {
                match result {
                    Ok(path) => {
                        let what = if self.logs.filter {
                            t::SAVED_FILTERED
                        } else {
                            t::SAVED
                        };
                        self.say(
                            Severity::Info,
                            format!("{} {}", what.get(self.lang()), path.display()),
                        )
                    }
                    Err(e) => self.say(Severity::Error, e),
                }
                Vec::new()
            }
        }
    }

    // ---- snapshot and refresh ----------------------------------------------------------------

    pub(super) fn refresh(&mut self) -> Vec<Effect> {
        if self.loading {
            return Vec::new();
        }
        self.generation += 1;
        self.loading = true;
        self.last_fetch = Some(self.now);
        vec![Effect::FetchSnapshot {
            generation: self.generation,
        }]
    }

    /// Show a status message; it expires after [`STATUS_FOR`] so it never goes stale.
    /// The layout's inputs besides the terminal size.
    pub fn shape(&self) -> crate::tui::layout::Shape {
        crate::tui::layout::Shape {
            step: self.step,
            status_rows: u16::try_from(self.status_rows(usize::from(self.size.0)).len())
                .unwrap_or(u16::MAX),
            zoomed: self.zoomed,
            fixes: self.fix_items().len(),
        }
    }

    /// The status message wrapped at `width` (a leading space, like the other footer rows).
    pub fn status_rows(&self, width: usize) -> Vec<ratatui::text::Line<'static>> {
        match &self.status {
            Some((_, text)) if self.search_input.is_none() && self.command.is_none() => {
                crate::tui::wrap::wrap_spans(
                    vec![crate::logs::sanitize(text, 500).into_owned().into()],
                    width.saturating_sub(1),
                )
                .into_iter()
                .map(|row| {
                    let mut spans = vec![" ".into()];
                    spans.extend(row.spans);
                    ratatui::text::Line::from(spans)
                })
                .collect()
            }
            _ => Vec::new(),
        }
    }

    pub(super) fn say(&mut self, severity: Severity, text: String) {
        self.status = Some((severity, text));
        self.status_at = self.now;
    }

    fn on_tick(&mut self, now: Timestamp) -> Vec<Effect> {
        self.now = now;
        if self.status.is_some() && now.duration_since(self.status_at).unsigned_abs() > STATUS_FOR {
            self.status = None;
        }
        self.frame = self.frame.wrapping_add(1);
        let since_fetch = self
            .last_fetch
            .map(|t| now.duration_since(t).unsigned_abs())
            .unwrap_or(Duration::MAX);
        let verifying = self.verify.as_ref().is_some_and(|v| {
            matches!(
                v.phase,
                VerifyPhase::RollingOut(_) | VerifyPhase::WaitingForMetrics
            )
        });
        if let Some(v) = self.verify.as_mut()
            && verifying
            && now.duration_since(v.since).unsigned_abs() > VERIFY_TIMEOUT
        {
            v.phase = VerifyPhase::TimedOut;
        }
        let due = if verifying { VERIFY_POLL } else { AUTO_REFRESH };
        if since_fetch >= due && self.dialog.as_ref().is_none_or(|d| !d.applying) {
            return self.refresh();
        }
        Vec::new()
    }

    fn on_snapshot(&mut self, generation: u64, snap: Snapshot) -> Vec<Effect> {
        if generation < self.generation {
            return Vec::new();
        }
        self.loading = false;
        self.findings = diagnose::diagnose(&snap, self.now);
        self.cluster = snap.cluster.clone();
        for log in snap.logs.iter().filter(|l| l.previous) {
            let pod: Arc<str> = Arc::from(log.pod.as_str());
            self.logs.replace_previous(&pod, timed_lines(&log.text));
        }
        let mut fx = Vec::new();
        if !self.logs_started
            && let Some(target) = log_target(&snap)
        {
            self.logs_started = true;
            fx.push(Effect::FollowLogs(target));
        }
        self.snapshot = Some(snap);
        self.rebuild_view();
        self.update_verify();
        let n = self.fix_items().len();
        self.selected = self.selected.min(n.saturating_sub(1));
        if self.dialog.as_ref().is_some_and(|d| d.replanning) {
            let request = self.dialog.take().map(|d| d.request);
            if let Some(request) = request {
                fx.extend(self.open(request));
            }
        }
        fx
    }

    fn on_log(&mut self, event: LogEvent) {
        // Lines still queued from the stream of a cluster (or namespace) left behind.
        if !self.logs_started {
            return;
        }
        match event {
            LogEvent::Lines { pod, lines } => {
                let pod: Arc<str> = Arc::from(pod.as_str());
                for l in lines {
                    self.logs.push(&pod, l, false);
                }
            }
            LogEvent::Attached { pod } => {
                let arc: Arc<str> = Arc::from(pod.as_str());
                self.logs.push_marker(
                    &arc,
                    format!("── {} {pod} ──", t::ATTACHED.get(self.lang())),
                );
                self.following_pods.insert(pod);
            }
            LogEvent::Detached { pod, reason } => {
                let arc: Arc<str> = Arc::from(pod.as_str());
                self.logs.push_marker(
                    &arc,
                    format!("── {} {pod}: {reason} ──", t::DETACHED.get(self.lang())),
                );
                self.following_pods.remove(&pod);
            }
            LogEvent::Error(e) => self.say(Severity::Warning, e),
        }
    }

    // ---- logs ----------------------------------------------------------------------------------

    fn save_logs(&mut self) -> Vec<Effect> {
        let stamp = self.now.strftime("%Y%m%dT%H%M%SZ").to_string();
        let path = std::path::PathBuf::from(format!("mstui-logs-{stamp}.log"));
        vec![Effect::SaveLogs {
            path,
            text: self.logs.export(),
        }]
    }

    /// Overall status of a runbook step, derived from the findings.
    pub fn step_status(&self, step: Step) -> StepStatus {
        let Some(snap) = self.snapshot.as_ref() else {
            return StepStatus::Checking;
        };
        let worst = self
            .findings
            .iter()
            .filter(|f| f.step == step)
            .map(|f| f.severity)
            .max();
        if step == Step::Logs
            && worst.is_none()
            && let Some(failure) = unreadable_logs(snap)
        {
            return if failure.is_forbidden() {
                StepStatus::NotPermitted
            } else {
                StepStatus::Warning
            };
        }
        match worst {
            Some(Severity::Error) => StepStatus::Failed,
            Some(Severity::Warning) => StepStatus::Warning,
            _ => StepStatus::Ok,
        }
    }
}

/// Why the metrics-server logs could not be read, if they could not: step 1 must not look
/// fine when it had nothing to read.
pub fn unreadable_logs(snap: &Snapshot) -> Option<&crate::snapshot::CallFailure> {
    snap.failure("get", "pods/log")
}

/// Where to stream logs from, once the install is known.
fn log_target(snap: &Snapshot) -> Option<LogTarget> {
    let install = snap.install.as_ref()?;
    let selector = crate::install::pod_selector(snap.deployment.as_ref()?)?;
    Some(LogTarget {
        namespace: install.namespace.clone(),
        selector,
        container: install.container.clone(),
        tail_lines: 200,
    })
}

/// Lines of a log text, split into the timed form the buffer stores.
fn timed_lines(text: &str) -> Vec<TimedLine> {
    text.lines().map(split_timestamp).collect()
}
