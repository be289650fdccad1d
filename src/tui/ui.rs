//! Drawing (pure): `render(&App, &mut Frame)` reads the state and draws; it never changes it.
//! Only the visible window of the log buffer is touched, so frame time does not grow with it.

use super::app::{App, DryRun, Focus, StepStatus, VerifyPhase};
use super::keymap::{self, Context};
use super::msg::Change;
use super::text as t;
use super::theme::Theme;
use crate::fix::args::DiffKind;
use crate::logs::segments;
use crate::top::top_nodes;
use crate::vocab::{FixId, Lang, Severity, Step, Text as UiText};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Rows of the header (title, verdict, step bar) and of the footer (status, key hints).
const HEADER_ROWS: u16 = 4;
const FOOTER_ROWS: u16 = 2;

/// The body split: the step pane gets a share, the log pane the rest. Step 4 holds the
/// verification table, so it gets more.
fn body_split(body: Rect, step: Step) -> [Rect; 2] {
    let share = if step == Step::RestartVerify { 62 } else { 45 };
    Layout::vertical([Constraint::Percentage(share), Constraint::Min(3)]).areas(body)
}

fn frame_split(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(HEADER_ROWS),
        Constraint::Min(6),
        Constraint::Length(FOOTER_ROWS),
    ])
    .areas(area)
}

/// Inner height of the log pane for a terminal of `size` (what `update` scrolls by).
pub fn log_pane_height(size: (u16, u16), step: Step) -> u16 {
    let [_, body, _] = frame_split(Rect::new(0, 0, size.0, size.1));
    let [_, logs] = body_split(body, step);
    logs.height.saturating_sub(2)
}

pub fn render(app: &App, frame: &mut Frame, theme: Theme) {
    let [header, body, footer] = frame_split(frame.area());
    let [steps, logs] = body_split(body, app.step);
    draw_header(app, frame, header, theme);
    draw_step_pane(app, frame, steps, theme);
    draw_logs(app, frame, logs, theme);
    draw_footer(app, frame, footer, theme);
    if let Some(editor) = app.editor.as_ref() {
        draw_editor(app, editor, frame, theme);
    }
    if app.dialog.is_some() {
        draw_dialog(app, frame, theme);
    }
    if app.help {
        draw_help(app, frame, theme);
    }
}

fn lang(app: &App) -> Lang {
    app.lang()
}

pub fn step_name(step: Step) -> UiText {
    match step {
        Step::Logs => t::STEP_LOGS,
        Step::Tls => t::STEP_TLS,
        Step::Connectivity => t::STEP_CONNECTIVITY,
        Step::RestartVerify => t::STEP_VERIFY,
    }
}

fn step_long(step: Step) -> UiText {
    match step {
        Step::Logs => t::STEP_LOGS_LONG,
        Step::Tls => t::STEP_TLS_LONG,
        Step::Connectivity => t::STEP_CONNECTIVITY_LONG,
        Step::RestartVerify => t::STEP_VERIFY_LONG,
    }
}

/// Symbol, label and style of a step status. Symbols are ASCII-safe for dumb terminals.
fn status_mark(s: StepStatus, theme: Theme) -> (&'static str, UiText, Style) {
    match s {
        StepStatus::Checking => ("…", t::STATUS_CHECKING, theme.muted()),
        StepStatus::Ok => ("✔", t::STATUS_OK, theme.ok()),
        StepStatus::Warning => ("!", t::STATUS_WARNING, theme.warning()),
        StepStatus::Failed => ("✖", t::STATUS_FAILED, theme.error()),
        StepStatus::NotPermitted => ("⊘", t::STATUS_NOT_PERMITTED, theme.warning()),
    }
}

fn draw_header(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let l = lang(app);
    let [title, install, verdict, bar] = Layout::vertical([Constraint::Length(1); 4]).areas(area);
    let snap = app.snapshot.as_ref();
    let mut spans = vec![
        Span::styled(" mstui ", theme.accent()),
        Span::raw(format!("{} ", app.cluster.context)),
        Span::styled(format!("{} ", app.cluster.server), theme.muted()),
    ];
    if let Some(v) = &app.cluster.server_version {
        spans.push(Span::styled(format!("{v} "), theme.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), title);
    let mut spans = vec![Span::raw(" ")];
    match snap.and_then(|s| s.install.as_ref()) {
        Some(i) => {
            let v = i
                .version
                .map(|v| v.to_string())
                .unwrap_or_else(|| "?".into());
            spans.push(Span::raw(format!(
                "metrics-server {}/{} {v} · {} ",
                i.namespace,
                i.deployment,
                i.kind.label()
            )));
        }
        None if snap.is_some() => spans.push(Span::styled(
            format!("{} ", t::NOT_FOUND.get(l)),
            theme.error(),
        )),
        None => {}
    }
    if let Some(s) = snap {
        let (text, style) = if app.opts.read_only {
            (t::PERMS_READ_ONLY, theme.warning())
        } else if s.may(crate::vocab::Action::PatchDeployment) {
            (t::PERMS_FULL, theme.ok())
        } else {
            (t::PERMS_DENIED, theme.warning())
        };
        spans.push(Span::styled(format!("│ {}", text.get(l)), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), install);
    frame.render_widget(Paragraph::new(verdict_line(app, theme)), verdict);

    let mut bar_spans = Vec::new();
    for step in Step::ALL {
        let (mark, _, style) = status_mark(app.step_status(step), theme);
        let label = format!(" {} {} {mark} ", step.number(), step_name(step).get(l));
        let s = if step == app.step {
            theme.selection().patch(style)
        } else {
            style
        };
        bar_spans.push(Span::styled(label, s));
        bar_spans.push(Span::raw("│"));
    }
    bar_spans.pop();
    frame.render_widget(Paragraph::new(Line::from(bar_spans)), bar);
}

fn verdict_line(app: &App, theme: Theme) -> Line<'static> {
    let l = lang(app);
    let Some(snap) = app.snapshot.as_ref() else {
        let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"][app.frame % 10];
        return Line::from(Span::styled(
            format!(" {spinner} {}", t::LOADING.get(l)),
            theme.muted(),
        ));
    };
    let coverage = match crate::diagnose::coverage(snap) {
        Some((n, m)) => format!("{}: {n}/{m}", t::COVERAGE.get(l)),
        None => format!("{}: —", t::COVERAGE.get(l)),
    };
    match crate::diagnose::headline(&app.findings) {
        Some(f) if f.severity >= Severity::Warning => Line::from(vec![
            Span::styled(
                format!(" {} {} ", f.id, crate::logs::sanitize(f.title(l), 300)),
                theme.severity(f.severity),
            ),
            Span::styled(format!("· {coverage}"), theme.muted()),
        ]),
        _ => Line::from(vec![
            Span::styled(format!(" ✔ {} ", t::HEALTHY.get(l)), theme.ok()),
            Span::styled(format!("· {coverage}"), theme.muted()),
        ]),
    }
}

fn pane_block(title: String, focused: bool, theme: Theme) -> Block<'static> {
    let style = if focused {
        theme.accent()
    } else {
        theme.muted()
    };
    Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(style)
}

fn draw_step_pane(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let l = lang(app);
    let block = pane_block(
        format!(" {} ", step_long(app.step).get(l)),
        app.focus == Focus::Steps,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let items = app.fix_items();
    let fix_rows = if items.is_empty() {
        0
    } else {
        (items.len() as u16 + 1).min(inner.height / 2 + 1)
    };
    let [details, fixes] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(fix_rows)]).areas(inner);

    let mut lines: Vec<Line> = Vec::new();
    if let Some(hint) = guidance(app) {
        lines.push(Line::styled(hint, theme.accent()));
    }
    if app.step == Step::RestartVerify {
        lines.extend(verify_lines(app, theme));
    }
    let here: Vec<_> = app.findings.iter().filter(|f| f.step == app.step).collect();
    if here.is_empty() && app.snapshot.is_some() && app.step != Step::RestartVerify {
        lines.push(Line::styled(t::NO_FINDINGS.get(l), theme.ok()));
    }
    for f in here {
        let info = f.id.info();
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} ", severity_mark(f.severity)),
                theme.severity(f.severity),
            ),
            Span::styled(format!("{} ", f.id), theme.title()),
            Span::styled(
                crate::logs::sanitize(f.title(l), 300).into_owned(),
                theme.severity(f.severity),
            ),
        ]));
        if !f.nodes.is_empty() {
            let nodes: Vec<String> = f
                .nodes
                .iter()
                .map(|n| crate::logs::sanitize(n, 200).into_owned())
                .collect();
            lines.push(Line::styled(
                format!("  {}: {}", t::NODES.get(l), nodes.join(", ")),
                theme.muted(),
            ));
        }
        for e in f.evidence.iter().take(3) {
            lines.push(Line::styled(
                format!("  · {}", crate::logs::sanitize(e, 400)),
                theme.muted(),
            ));
        }
        lines.push(Line::raw(format!("  {}", info.explanation(l))));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.detail_scroll, 0)),
        details,
    );

    if !items.is_empty() {
        let mut rows = vec![Line::styled(t::FIXES.get(l), theme.title())];
        for (i, (_, fix)) in items.iter().enumerate() {
            let selected = i == app.selected && app.focus == Focus::Steps;
            let marker = if selected { "▶ " } else { "  " };
            let style = if selected {
                theme.selection()
            } else {
                Style::new()
            };
            rows.push(Line::styled(
                format!("{marker}{}", fix_summary(*fix, l)),
                style,
            ));
        }
        frame.render_widget(Paragraph::new(rows), fixes);
    }
}

/// One line that tells a newcomer what to do here: go to the step holding the root cause, or
/// pick a fix in this one.
fn guidance(app: &App) -> Option<String> {
    let l = lang(app);
    // While a change rolls out, the old findings are about to go stale: no advice then.
    let verifying = app.verify.as_ref().is_some_and(|v| {
        matches!(
            v.phase,
            VerifyPhase::RollingOut(_) | VerifyPhase::WaitingForMetrics
        )
    });
    if verifying {
        return None;
    }
    let root =
        crate::diagnose::headline(&app.findings).filter(|f| f.severity >= Severity::Warning)?;
    if root.step != app.step {
        let n = root.step.number();
        return Some(format!(
            "→ {} {n} ({}: {}) — {} {n}",
            t::ROOT_CAUSE_ELSEWHERE.get(l),
            step_name(root.step).get(l),
            root.id,
            t::PRESS.get(l)
        ));
    }
    (!app.fix_items().is_empty()).then(|| format!("→ {}", t::PICK_FIX.get(l)))
}

fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✖",
        Severity::Warning => "!",
        Severity::Info => "i",
    }
}

/// One line per fix, in the UI language.
pub fn fix_summary(fix: FixId, l: Lang) -> &'static str {
    fix.summary().get(l)
}

fn verify_lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    let l = lang(app);
    let mut out = Vec::new();
    let Some(snap) = app.snapshot.as_ref() else {
        return out;
    };
    match &app.verify {
        None => out.push(Line::styled(t::NOT_STARTED.get(l), theme.muted())),
        Some(v) => {
            let (text, style) = match &v.phase {
                VerifyPhase::RollingOut(m) if m.is_empty() => (
                    format!("{}: {}", t::ROLLOUT.get(l), t::ROLLOUT_STARTING.get(l)),
                    theme.info(),
                ),
                VerifyPhase::RollingOut(m) => (format!("{}: {m}", t::ROLLOUT.get(l)), theme.info()),
                VerifyPhase::WaitingForMetrics => {
                    (t::WAITING_METRICS.get(l).to_string(), theme.info())
                }
                VerifyPhase::Done => (t::VERIFIED.get(l).to_string(), theme.ok()),
                VerifyPhase::Failed(m) => (format!("{}: {m}", t::ROLLOUT.get(l)), theme.error()),
                VerifyPhase::TimedOut => (t::TIMED_OUT.get(l).to_string(), theme.warning()),
            };
            out.push(Line::styled(text, style));
        }
    }
    if let Some(d) = snap.deployment.as_ref() {
        let r = crate::rollout::rollout_status(d);
        out.push(Line::styled(
            format!(
                "{}: {}/{} updated · {} ready · {} available",
                t::ROLLOUT.get(l),
                r.updated,
                r.desired,
                r.ready,
                r.available
            ),
            theme.muted(),
        ));
    }
    if let Some(c) = snap.apiservice_available() {
        let style = if c.status == "True" {
            theme.ok()
        } else {
            theme.error()
        };
        let reason = c.reason.as_deref().unwrap_or_default();
        out.push(Line::styled(
            format!("{}: Available={} {reason}", t::APISERVICE.get(l), c.status),
            style,
        ));
    }
    if let Some(metrics) = snap.node_metrics.as_ref() {
        let table = top_nodes(&snap.nodes, metrics);
        let (n, m) = table.coverage();
        let style = if n == m && m > 0 {
            theme.ok()
        } else {
            theme.warning()
        };
        out.push(Line::styled(
            format!("{}: {n}/{m}", t::COVERAGE.get(l)),
            style,
        ));
        for (i, row) in table.render().iter().enumerate() {
            let text = format!(
                "  {:<16} {:>10} {:>5} {:>13} {:>7}",
                row[0], row[1], row[2], row[3], row[4]
            );
            let missing = row[1] == "<missing>";
            let style = if i == 0 {
                theme.title()
            } else if missing {
                theme.error()
            } else {
                Style::new()
            };
            out.push(Line::styled(text, style));
        }
    } else if let Some(e) = &snap.metrics_api_error {
        out.push(Line::styled(
            format!("{}: {}", t::COVERAGE.get(l), e.describe()),
            theme.error(),
        ));
    }
    let hpas: Vec<String> = snap
        .hpas
        .iter()
        .map(|h| {
            let active = h
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .and_then(|cs| cs.iter().find(|c| c.type_ == "ScalingActive"))
                .map(|c| c.status.clone())
                .unwrap_or_else(|| "?".into());
            format!(
                "{}/{} ScalingActive={active}",
                h.metadata.namespace.as_deref().unwrap_or(""),
                h.metadata.name.as_deref().unwrap_or("")
            )
        })
        .collect();
    if !hpas.is_empty() {
        out.push(Line::styled(
            format!("{}: {}", t::HPAS.get(l), hpas.join(", ")),
            theme.muted(),
        ));
    }
    out.push(Line::raw(""));
    out
}

fn draw_logs(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let l = lang(app);
    let b = &app.logs;
    let mut title = format!(
        " {} · {} {} · {} ",
        t::LOGS_TITLE.get(l),
        app.following_pods.len(),
        t::PODS.get(l),
        if b.follow {
            t::FOLLOWING.get(l)
        } else {
            t::PAUSED.get(l)
        }
    );
    if b.dropped > 0 {
        title.push_str(&format!("· {} {} ", b.dropped, t::DROPPED.get(l)));
    }
    if b.show_previous {
        title.push_str(&format!("· {} ", t::PREVIOUS.get(l)));
    }
    if b.filter {
        title.push_str(&format!("· {} ", t::FILTERED.get(l)));
    }
    if let Some(q) = b.search() {
        title.push_str(&format!("· /{} ", crate::logs::sanitize(q, 40)));
    }
    let block = pane_block(title, app.focus == Focus::Logs, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let window = b.window(inner.height as usize);
    if window.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(t::NO_LOGS.get(l), theme.muted())),
            inner,
        );
        return;
    }
    let pods: Vec<&str> = app.following_pods.iter().map(String::as_str).collect();
    let width = (inner.width as usize).max(1);
    let height = inner.height as usize;
    // Each log line becomes one row, or several when wrapping.
    let mut blocks: Vec<Vec<Line>> = Vec::with_capacity(window.len());
    for line in window {
        let pod_index = pods.iter().position(|p| *p == &*line.pod).unwrap_or(0);
        let mut spans = vec![Span::styled(
            format!("{} ", short_pod(&line.pod)),
            theme.pod(pod_index),
        )];
        if b.timestamps
            && let Some(ts) = &line.timestamp
        {
            spans.push(Span::styled(format!("{ts} "), theme.muted()));
        }
        let budget = if b.wrap { usize::MAX } else { width };
        for seg in segments(&line.text, &line.class.spans, budget) {
            let style = seg.class.map(|c| theme.span(c)).unwrap_or_default();
            spans.push(Span::styled(seg.text, style));
        }
        let row_style = if line.marker {
            theme.accent()
        } else if b.cursor == Some(line.seq) {
            theme.selection()
        } else if b.is_match(line) {
            theme.warning()
        } else {
            Style::new()
        };
        let rows = if b.wrap {
            wrap_spans(spans, width)
        } else {
            vec![Line::from(spans)]
        };
        blocks.push(rows.into_iter().map(|r| r.style(row_style)).collect());
    }
    // Keep whole lines that fit: the newest at the bottom while following, the first at the top
    // while paused.
    let mut lines: Vec<Line> = Vec::new();
    if b.follow {
        let mut kept: Vec<Vec<Line>> = Vec::new();
        let mut used = 0;
        for block in blocks.into_iter().rev() {
            if used >= height {
                break;
            }
            used += block.len();
            kept.push(block);
        }
        for block in kept.into_iter().rev() {
            lines.extend(block);
        }
        // The oldest kept line may show only its last rows.
        let excess = lines.len().saturating_sub(height);
        lines.drain(..excess);
    } else {
        lines = blocks.into_iter().flatten().take(height).collect();
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Cut a line's spans into rows of at most `width` cells (hard wrap, like a pager), so the
/// row count is exact and the newest line can be kept in view.
fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthChar;
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in spans {
        let mut piece = String::new();
        for ch in span.content.chars() {
            let w = ch.width().unwrap_or(0);
            if used + w > width && used > 0 {
                row.push(Span::styled(std::mem::take(&mut piece), span.style));
                rows.push(Line::from(std::mem::take(&mut row)));
                used = 0;
            }
            piece.push(ch);
            used += w;
        }
        if !piece.is_empty() {
            row.push(Span::styled(piece, span.style));
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(Line::from(row));
    }
    rows
}

/// The distinguishing tail of a pod name: `metrics-server-7d9f6c-abcde` → `abcde`.
fn short_pod(pod: &str) -> &str {
    pod.rsplit('-')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(pod)
}

fn draw_footer(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let l = lang(app);
    let [status, hints] = Layout::vertical([Constraint::Length(1); 2]).areas(area);
    if let Some(input) = &app.search_input {
        let line = Line::from(vec![
            Span::styled(format!(" {}: /", t::SEARCH.get(l)), theme.accent()),
            Span::raw(crate::logs::sanitize(input, 200).into_owned()),
            Span::styled("▏", theme.accent()),
        ]);
        frame.render_widget(Paragraph::new(line), status);
    } else if let Some((sev, text)) = &app.status {
        let line = Line::styled(
            format!(" {}", crate::logs::sanitize(text, 500)),
            theme.severity(*sev),
        );
        frame.render_widget(Paragraph::new(line), status);
    }
    let contexts = app.contexts();
    let mut spans = Vec::new();
    for (key, what) in keymap::hints(&contexts, l) {
        spans.push(Span::styled(format!(" {key}"), theme.accent()));
        spans.push(Span::styled(format!(" {what} "), theme.muted()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), hints);
}

/// Blank the overlay's area and one column on each side: a double-width character left of the
/// border would otherwise spill over it (Korean text behind a dialog).
fn clear_under(frame: &mut Frame, area: Rect) {
    let screen = frame.area();
    let x = area.x.saturating_sub(1).max(screen.x);
    let right = (area.x + area.width + 1).min(screen.x + screen.width);
    frame.render_widget(
        Clear,
        Rect {
            x,
            width: right - x,
            ..area
        },
    );
}

/// A centred rectangle of `percent_x` × `percent_y` of `area`.
fn centered(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
    let [_, mid, _] = Layout::vertical([
        Constraint::Percentage((100 - percent_y) / 2),
        Constraint::Percentage(percent_y),
        Constraint::Percentage((100 - percent_y) / 2),
    ])
    .areas(area);
    let [_, c, _] = Layout::horizontal([
        Constraint::Percentage((100 - percent_x) / 2),
        Constraint::Percentage(percent_x),
        Constraint::Percentage((100 - percent_x) / 2),
    ])
    .areas(mid);
    c
}

fn draw_dialog(app: &App, frame: &mut Frame, theme: Theme) {
    let Some(d) = app.dialog.as_ref() else { return };
    let l = lang(app);
    let area = centered(frame.area(), 94, 90);
    clear_under(frame, area);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", t::DIALOG_TITLE.get(l)),
            theme.title(),
        ))
        .title_bottom(Span::styled(
            format!(" {} ", t::CONFIRM_HINT.get(l)),
            theme.accent(),
        ))
        .border_style(theme.accent());
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let mut lines: Vec<Line> = Vec::new();
    let warnings = d.change.warnings();
    lines.push(Line::styled(
        d.change.sentence().get(l).to_string(),
        theme.title(),
    ));
    lines.push(Line::styled(
        format!("{} · {}", app.cluster.context, app.cluster.server),
        theme.muted(),
    ));
    lines.push(Line::raw(""));
    match &d.change {
        Change::Args(p) => {
            lines.push(Line::styled(t::DIFF.get(l), theme.title()));
            for dl in &p.diff {
                let (prefix, style) = match dl.kind {
                    DiffKind::Same => ("  ", Style::new()),
                    DiffKind::Removed => ("- ", theme.removed()),
                    DiffKind::Added => ("+ ", theme.added()),
                };
                lines.push(Line::styled(format!("{prefix}{}", dl.text), style));
            }
            for problem in &p.problems {
                lines.push(Line::styled(
                    format!("{} {}: {}", problem.rule, problem.flag, problem.message),
                    theme.severity(problem.severity),
                ));
            }
        }
        Change::Restart(p) => {
            lines.push(Line::styled(t::RESTART_CHANGE.get(l), theme.title()));
            lines.push(Line::styled(
                format!("+ kubectl.kubernetes.io/restartedAt: {}", p.restarted_at),
                theme.added(),
            ));
        }
        Change::ApproveCsrs(p) => {
            lines.push(Line::styled(t::CSRS.get(l), theme.title()));
            for c in &p.csrs {
                let names = c
                    .request
                    .as_ref()
                    .map(|r| {
                        [r.dns_names.clone(), r.ip_addresses.clone()]
                            .concat()
                            .join(", ")
                    })
                    .unwrap_or_default();
                lines.push(Line::raw(format!(
                    "+ {} ({}) {names}",
                    c.name,
                    c.node.as_deref().unwrap_or("?")
                )));
                for concern in &c.concerns {
                    lines.push(Line::styled(format!("    ! {concern}"), theme.warning()));
                }
            }
        }
    }
    lines.push(Line::raw(""));
    let dry = match &d.dry_run {
        DryRun::NotSent => Span::styled(t::DRY_RUN_NOT_SENT.get(l).to_string(), theme.muted()),
        DryRun::Running => Span::styled(t::DRY_RUN_RUNNING.get(l).to_string(), theme.info()),
        DryRun::Passed { .. } => Span::styled(t::DRY_RUN_PASSED.get(l).to_string(), theme.ok()),
        DryRun::Failed(e) => {
            Span::styled(format!("{} {e}", t::DRY_RUN_FAILED.get(l)), theme.error())
        }
    };
    lines.push(Line::from(vec![
        Span::styled(format!("{}: ", t::DRY_RUN.get(l)), theme.title()),
        dry,
    ]));
    if d.applying {
        lines.push(Line::styled(t::APPLYING.get(l), theme.info()));
    }
    if let Some(reason) = &d.blocked {
        lines.push(Line::styled(format!("⊘ {reason}"), theme.error()));
    }
    if !warnings.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(t::WARNINGS.get(l), theme.warning()));
        for w in warnings {
            lines.push(Line::styled(format!("! {}", w.get(l)), theme.warning()));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((d.scroll, 0)),
        inner,
    );
}

fn draw_editor(app: &App, editor: &super::app::Editor, frame: &mut Frame, theme: Theme) {
    let l = lang(app);
    let area = centered(frame.area(), 90, 80);
    clear_under(frame, area);
    let problem_rows = (editor.problems.len() as u16).clamp(1, 6);
    let [text_area, problems] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(problem_rows + 2)]).areas(area);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", t::EDITOR_TITLE.get(l)),
            theme.title(),
        ))
        .border_style(theme.accent());
    let inner = block.inner(text_area);
    frame.render_widget(block, text_area);
    frame.render_widget(&editor.area, inner);
    let lines: Vec<Line> = if editor.problems.is_empty() {
        vec![Line::styled(
            format!("✔ {}", t::EDITOR_OK.get(l)),
            theme.ok(),
        )]
    } else {
        editor
            .problems
            .iter()
            .map(|p| {
                Line::styled(
                    format!("{} {}: {}", p.rule, p.flag, p.message),
                    theme.severity(p.severity),
                )
            })
            .collect()
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().border_style(theme.muted())),
        problems,
    );
}

fn draw_help(app: &App, frame: &mut Frame, theme: Theme) {
    let l = lang(app);
    let area = centered(frame.area(), 80, 90);
    clear_under(frame, area);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", t::HELP_TITLE.get(l)),
            theme.title(),
        ))
        .border_style(theme.accent());
    let mut lines = Vec::new();
    for (ctx, name) in [
        (Context::Global, t::HELP_GLOBAL),
        (Context::Steps, t::HELP_STEPS),
        (Context::Logs, t::HELP_LOGS),
        (Context::Dialog, t::HELP_DIALOG),
        (Context::Help, t::HELP_HELP),
    ] {
        lines.push(Line::styled(name.get(l), theme.title()));
        for (keys, what) in keymap::help_rows(ctx, l) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<14}"), theme.accent()),
                Span::raw(what),
            ]));
        }
    }
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}
