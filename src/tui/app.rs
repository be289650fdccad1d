//! The TUI's state and its pure `update`: keys and messages in, state changes and effects out.
//!
//! Safety lives here: an [`Effect::Apply`] is returned only from the dialog's confirm key, only
//! when the plan is appliable, the user may make the change, mstui is not `--read-only`, and the
//! server-side dry-run of exactly that change passed.

use super::keymap::{self, Action, Context};
use super::logbuf::LogBuffer;
use super::msg::{Change, Effect, Msg};
use super::text as t;
use crate::cluster::apply::ApplyError;
use crate::cluster::logs::{LogEvent, LogTarget, TimedLine, split_timestamp};
use crate::diagnose::{self, Finding};
use crate::fix::plan::{self as planner, FixPlan};
use crate::flags::{FlagProblem, Flags};
use crate::rollout::{RolloutPhase, rollout_status};
use crate::snapshot::{ClusterInfo, Snapshot};
use crate::vocab::{FixId, Lang, RuleId, Severity, Step};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use ratatui_textarea::TextArea;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

/// How often the diagnosis refreshes by itself, and how often while verifying a change.
const AUTO_REFRESH: Duration = Duration::from_secs(20);
const VERIFY_POLL: Duration = Duration::from_secs(2);
/// Give up waiting for metrics after this long (the step pane then says so).
const VERIFY_TIMEOUT: Duration = Duration::from_secs(300);

/// Options fixed at start.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub lang: Lang,
    pub read_only: bool,
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
    pub logs: LogBuffer,
    pub following_pods: BTreeSet<String>,
    logs_started: bool,
    pub dialog: Option<Dialog>,
    pub editor: Option<Editor>,
    /// The search being typed after `/`.
    pub search_input: Option<String>,
    pub help: bool,
    pub status: Option<(Severity, String)>,
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
            logs: LogBuffer::default(),
            following_pods: BTreeSet::new(),
            logs_started: false,
            dialog: None,
            editor: None,
            search_input: None,
            help: false,
            status: None,
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
            Msg::Saved(result) => {
                self.status = Some(match result {
                    Ok(path) => (
                        Severity::Info,
                        format!("{} {}", t::SAVED.get(self.lang()), path.display()),
                    ),
                    Err(e) => (Severity::Error, e),
                });
                Vec::new()
            }
        }
    }

    // ---- keys ------------------------------------------------------------------------------

    /// The keymap contexts in effect, innermost first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.help {
            return vec![Context::Help];
        }
        if self.dialog.is_some() {
            return vec![Context::Dialog];
        }
        let pane = match self.focus {
            Focus::Steps => Context::Steps,
            Focus::Logs => Context::Logs,
        };
        vec![pane, Context::Global]
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.editor.is_some() && !self.help {
            return self.on_editor_key(key);
        }
        if let Some(input) = self.search_input.as_mut() {
            match key.code {
                KeyCode::Enter => {
                    let query = self.search_input.take();
                    self.logs.set_search(query);
                    let height = self.log_height();
                    if !self.logs.jump(true, height) && self.logs.search().is_some() {
                        self.status =
                            Some((Severity::Info, t::NO_MATCH.get(self.lang()).to_string()));
                    }
                }
                KeyCode::Esc => self.search_input = None,
                KeyCode::Backspace => {
                    input.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => input.push(c),
                _ => {}
            }
            return Vec::new();
        }
        match keymap::lookup(&self.contexts(), &key) {
            Some(action) => self.on_action(action),
            None => Vec::new(),
        }
    }

    fn on_action(&mut self, action: Action) -> Vec<Effect> {
        let height = self.log_height();
        match action {
            Action::Quit => {
                self.should_quit = true;
                return vec![Effect::Quit];
            }
            Action::Help => self.help = true,
            Action::Cancel if self.help => self.help = false,
            Action::Cancel => self.dialog = None,
            Action::Confirm => return self.confirm(),
            Action::NextStep => self.go_step(self.step.number() % 4 + 1),
            Action::PrevStep => self.go_step((self.step.number() + 2) % 4 + 1),
            Action::GoStep(n) => self.go_step(n),
            Action::Refresh => return self.refresh(),
            Action::ToggleFocus => {
                self.focus = match self.focus {
                    Focus::Steps => Focus::Logs,
                    Focus::Logs => Focus::Steps,
                }
            }
            Action::Up | Action::Down if self.dialog.is_some() => {
                if let Some(d) = self.dialog.as_mut() {
                    d.scroll = if action == Action::Up {
                        d.scroll.saturating_sub(1)
                    } else {
                        d.scroll + 1
                    };
                }
            }
            Action::Up if self.focus == Focus::Steps => {
                self.selected = self.selected.saturating_sub(1)
            }
            Action::Down if self.focus == Focus::Steps => {
                let n = self.fix_items().len();
                self.selected = (self.selected + 1).min(n.saturating_sub(1));
            }
            Action::PageUp if self.focus == Focus::Steps => {
                self.detail_scroll = self.detail_scroll.saturating_sub(5)
            }
            Action::PageDown if self.focus == Focus::Steps => {
                self.detail_scroll = self.detail_scroll.saturating_add(5)
            }
            Action::Up => self.logs.scroll_up(1, height),
            Action::Down => self.logs.scroll_down(1, height),
            Action::PageUp => self.logs.scroll_up(height.max(1), height),
            Action::PageDown => self.logs.scroll_down(height.max(1), height),
            Action::Top => self.logs.top(),
            Action::Bottom => self.logs.bottom(),
            Action::Follow => self.logs.toggle_follow(height),
            Action::Search => self.search_input = Some(String::new()),
            Action::NextMatch | Action::PrevMatch => {
                if !self.logs.jump(action == Action::NextMatch, height) {
                    self.status = Some((Severity::Info, t::NO_MATCH.get(self.lang()).to_string()));
                }
            }
            Action::Filter => self.logs.filter = !self.logs.filter,
            Action::ClearSearch => {
                self.logs.set_search(None);
                self.logs.filter = false;
            }
            Action::Wrap => self.logs.wrap = !self.logs.wrap,
            Action::Timestamps => self.logs.timestamps = !self.logs.timestamps,
            Action::Previous => self.logs.show_previous = !self.logs.show_previous,
            Action::Save => return self.save_logs(),
            Action::OpenFix => {
                if let Some(fix) = self.fix_items().get(self.selected).map(|(_, f)| *f) {
                    return self.open(Request::Fix(fix));
                }
            }
            Action::Restart => return self.open(Request::Fix(FixId::RolloutRestart)),
            Action::Undo => match self.history.last() {
                Some(last) => return self.open(Request::Undo(Box::new(last.plan.clone()))),
                None => {
                    self.status = Some((
                        Severity::Info,
                        t::NOTHING_TO_UNDO.get(self.lang()).to_string(),
                    ))
                }
            },
            Action::EditArgs => self.open_editor(),
        }
        Vec::new()
    }

    fn go_step(&mut self, n: u8) {
        if let Some(step) = Step::ALL.into_iter().find(|s| s.number() == n) {
            self.step = step;
            self.selected = 0;
            self.detail_scroll = 0;
        }
    }

    /// Rows of the log pane (what scroll and search centre on), from the current layout.
    pub fn log_height(&self) -> usize {
        super::layout::log_pane_height(self.size, self.step) as usize
    }

    // ---- snapshot and refresh ----------------------------------------------------------------

    fn refresh(&mut self) -> Vec<Effect> {
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

    fn on_tick(&mut self, now: Timestamp) -> Vec<Effect> {
        self.now = now;
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

    fn update_verify(&mut self) {
        let (Some(v), Some(snap)) = (self.verify.as_mut(), self.snapshot.as_ref()) else {
            return;
        };
        if matches!(v.phase, VerifyPhase::Done | VerifyPhase::TimedOut) {
            return;
        }
        let Some(deployment) = snap.deployment.as_ref() else {
            return;
        };
        let rollout = rollout_status(deployment);
        v.phase = match rollout.phase {
            RolloutPhase::Failed => VerifyPhase::Failed(rollout.message),
            RolloutPhase::Progressing => VerifyPhase::RollingOut(rollout.message),
            RolloutPhase::Complete if metrics_back(snap) => VerifyPhase::Done,
            RolloutPhase::Complete => VerifyPhase::WaitingForMetrics,
        };
    }

    fn on_log(&mut self, event: LogEvent) {
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
            LogEvent::Error(e) => self.status = Some((Severity::Warning, e)),
        }
    }

    // ---- fixes ---------------------------------------------------------------------------------

    /// The fixes the current step offers: `(rule, fix)`, each fix once, in finding order. Step 4
    /// always offers restart & verify.
    pub fn fix_items(&self) -> Vec<(Option<RuleId>, FixId)> {
        let mut items: Vec<(Option<RuleId>, FixId)> = Vec::new();
        for f in self.findings.iter().filter(|f| f.step == self.step) {
            for fix in &f.fixes {
                if !items.iter().any(|(_, x)| x == fix) {
                    items.push((Some(f.id), *fix));
                }
            }
        }
        if self.step == Step::RestartVerify
            && !items.iter().any(|(_, x)| *x == FixId::RolloutRestart)
        {
            items.push((None, FixId::RolloutRestart));
        }
        items
    }

    /// Plan a change and open the dialog; the dry-run starts at once unless the change is blocked.
    fn open(&mut self, request: Request) -> Vec<Effect> {
        let Some(snap) = self.snapshot.as_ref() else {
            self.status = Some((
                Severity::Info,
                t::STILL_LOADING.get(self.lang()).to_string(),
            ));
            return Vec::new();
        };
        let change = match plan_change(&request, snap, self.now) {
            Ok(c) => c,
            Err(e) => {
                self.status = Some((Severity::Warning, e));
                return Vec::new();
            }
        };
        let blocked = self.blocked_reason(snap, &change);
        self.next_id += 1;
        let id = self.next_id;
        let mut fx = Vec::new();
        let dry_run = if blocked.is_some() {
            DryRun::NotSent
        } else {
            fx.push(Effect::DryRun {
                id,
                change: change.clone(),
            });
            DryRun::Running
        };
        self.editor = None;
        self.dialog = Some(Dialog {
            id,
            request,
            change,
            dry_run,
            blocked,
            applying: false,
            replanning: false,
            scroll: 0,
        });
        fx
    }

    /// Why a change may not be applied: read-only mode, a missing permission, or flags that would
    /// not start. Checked before any request (even a dry-run) is sent.
    fn blocked_reason(&self, snap: &Snapshot, change: &Change) -> Option<String> {
        let lang = self.lang();
        if self.opts.read_only {
            return Some(t::READ_ONLY.get(lang).to_string());
        }
        if let Some(denied) = snap.denied(change.needs()) {
            return Some(format!("{} {denied}", t::NOT_PERMITTED.get(lang)));
        }
        if let Change::Args(plan) = change
            && !plan.is_appliable()
        {
            let errors: Vec<String> = plan
                .problems
                .iter()
                .filter(|p| p.is_error())
                .map(|p| format!("{}: {}", p.flag, p.message))
                .collect();
            return Some(format!(
                "{} {}",
                t::WOULD_NOT_START.get(lang),
                errors.join("; ")
            ));
        }
        None
    }

    fn on_dry_run(
        &mut self,
        id: u64,
        result: Result<Option<Vec<String>>, ApplyError>,
    ) -> Vec<Effect> {
        let Some(d) = self.dialog.as_mut().filter(|d| d.id == id) else {
            return Vec::new();
        };
        d.dry_run = match result {
            Ok(server_list) => DryRun::Passed { server_list },
            Err(ApplyError::Conflict(_)) => {
                d.replanning = true;
                return self.replan();
            }
            Err(e) => DryRun::Failed(e.to_string()),
        };
        Vec::new()
    }

    /// The Deployment changed under us: fetch it again; the snapshot re-plans the open dialog so
    /// the user sees the new diff. Any fetch in flight is superseded.
    fn replan(&mut self) -> Vec<Effect> {
        self.status = Some((Severity::Warning, t::CONFLICT.get(self.lang()).to_string()));
        self.loading = false;
        self.refresh()
    }

    /// The confirm key. The only place an [`Effect::Apply`] is made.
    fn confirm(&mut self) -> Vec<Effect> {
        let lang = self.lang();
        let Some(d) = self.dialog.as_mut() else {
            return Vec::new();
        };
        let refusal = if let Some(reason) = &d.blocked {
            Some(reason.clone())
        } else if d.applying || d.replanning {
            Some(t::WAIT.get(lang).to_string())
        } else if !matches!(d.dry_run, DryRun::Passed { .. }) {
            Some(t::NEEDS_DRY_RUN.get(lang).to_string())
        } else {
            None
        };
        if let Some(reason) = refusal {
            self.status = Some((Severity::Warning, reason));
            return Vec::new();
        }
        d.applying = true;
        vec![Effect::Apply {
            id: d.id,
            change: d.change.clone(),
        }]
    }

    fn on_applied(&mut self, id: u64, result: Result<(), ApplyError>) -> Vec<Effect> {
        let Some(d) = self.dialog.as_mut().filter(|d| d.id == id) else {
            return Vec::new();
        };
        match result {
            Err(ApplyError::Conflict(_)) => {
                d.applying = false;
                d.replanning = true;
                self.replan()
            }
            Err(e) => {
                d.applying = false;
                d.dry_run = DryRun::Failed(e.to_string());
                self.status = Some((Severity::Error, e.to_string()));
                Vec::new()
            }
            Ok(()) => {
                let Some(d) = self.dialog.take() else {
                    return Vec::new();
                };
                let lang = self.lang();
                let sentence = d.change.sentence().get(lang);
                self.status = Some((
                    Severity::Info,
                    format!("{} {sentence}", t::APPLIED.get(lang)),
                ));
                match (&d.request, &d.change) {
                    (Request::Undo(_), _) => {
                        self.history.pop();
                    }
                    (_, Change::Args(plan)) => self.history.push(Applied { plan: plan.clone() }),
                    _ => {}
                }
                if !matches!(d.change, Change::ApproveCsrs(_)) {
                    self.verify = Some(Verify {
                        since: self.now,
                        phase: VerifyPhase::RollingOut(String::new()),
                    });
                    self.step = Step::RestartVerify;
                    self.selected = 0;
                }
                self.loading = false;
                self.refresh()
            }
        }
    }

    // ---- editor ------------------------------------------------------------------------------

    fn open_editor(&mut self) {
        let lang = self.lang();
        let Some(snap) = self.snapshot.as_ref() else {
            self.status = Some((Severity::Info, t::STILL_LOADING.get(lang).to_string()));
            return;
        };
        let (Some(install), Some(deployment)) = (snap.install.as_ref(), snap.deployment.as_ref())
        else {
            self.status = Some((Severity::Warning, t::NO_INSTALL.get(lang).to_string()));
            return;
        };
        match planner::editable_flags(install, deployment) {
            Ok((_, list)) => {
                let mut editor = Editor {
                    area: TextArea::new(list),
                    problems: Vec::new(),
                };
                validate_editor(&mut editor, install.version);
                self.editor = Some(editor);
            }
            Err(e) => self.status = Some((Severity::Warning, e.to_string())),
        }
    }

    fn on_editor_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(editor) = self.editor.as_mut() else {
            return Vec::new();
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => {
                self.editor = None;
                Vec::new()
            }
            KeyCode::Char('s') if ctrl => {
                let args = editor.args();
                self.open(Request::Edit(args))
            }
            _ => {
                editor.area.input(key);
                let version = self
                    .snapshot
                    .as_ref()
                    .and_then(|s| s.install.as_ref())
                    .and_then(|i| i.version);
                validate_editor(editor, version);
                Vec::new()
            }
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
            && snap
                .failure("get", "pods/log")
                .is_some_and(|f| f.is_forbidden())
            && worst.is_none()
        {
            return StepStatus::NotPermitted;
        }
        match worst {
            Some(Severity::Error) => StepStatus::Failed,
            Some(Severity::Warning) => StepStatus::Warning,
            _ => StepStatus::Ok,
        }
    }
}

fn validate_editor(editor: &mut Editor, version: Option<crate::vocab::Version>) {
    editor.problems = Flags::parse(&editor.args(), version).validate();
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

/// Metrics are back: the APIService is Available and every node has metrics.
pub fn metrics_back(snap: &Snapshot) -> bool {
    let available = snap
        .apiservice_available()
        .is_some_and(|c| c.status == "True");
    available && crate::diagnose::coverage(snap).is_some_and(|(n, m)| m > 0 && n == m)
}

/// Turn a request into a concrete change against the snapshot's Deployment.
pub fn plan_change(request: &Request, snap: &Snapshot, now: Timestamp) -> Result<Change, String> {
    let (install, deployment) = match (snap.install.as_ref(), snap.deployment.as_ref()) {
        (Some(i), Some(d)) => (i, d),
        _ => return Err("no metrics-server Deployment found to change".into()),
    };
    match request {
        Request::Fix(FixId::RolloutRestart) => Ok(Change::Restart(planner::plan_restart(
            install, deployment, now,
        ))),
        Request::Fix(FixId::ApproveKubeletCsrs) => planner::plan_approve_csrs(&snap.kubelet_csrs)
            .map(Change::ApproveCsrs)
            .ok_or_else(|| "no pending kubelet-serving CSRs to approve".to_string()),
        Request::Fix(fix) => planner::plan(*fix, install, deployment)
            .map(Change::Args)
            .map_err(|e| e.to_string()),
        Request::Edit(args) => planner::plan_edit(install, deployment, args.clone())
            .map(Change::Args)
            .map_err(|e| e.to_string()),
        Request::Undo(previous) => planner::plan_undo(previous, deployment)
            .map(Change::Args)
            .map_err(|e| e.to_string()),
    }
}

/// Lines of a log text, split into the timed form the buffer stores.
fn timed_lines(text: &str) -> Vec<TimedLine> {
    text.lines().map(split_timestamp).collect()
}
