//! The step pane: the step's findings, its fixes, guidance, and step 4's verification table.

use super::*;
use crate::top::top_nodes;
use crate::tui::app::{App, Focus, VerifyPhase};
use crate::tui::layout::{step_details_area, step_pane_split};
use crate::tui::text as t;
use crate::tui::theme::Theme;
use crate::tui::wrap::{window, wrap_lines};
use crate::vocab::{Severity, Step};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn draw_step_pane(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let l = lang(app);
    let block = pane_block(
        format!(" {} ", app.step.heading(l)),
        app.focus == Focus::Steps,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let items = app.fix_items();
    let [details, fixes] = step_pane_split(inner, items.len());

    let rows = wrap_lines(detail_lines(app, theme), usize::from(details.width));
    let shown = window(
        rows,
        usize::from(details.height),
        usize::from(app.detail_scroll),
    );
    let mut lines = shown.rows;
    let mark = shown.mark.map(|mark| {
        let keys = if app.focus == Focus::Steps {
            " · PgUp/PgDn"
        } else {
            ""
        };
        Line::styled(format!("{}{keys}", mark.text(l)), theme.muted())
    });
    match mark {
        // One row only: the mark sits at its right end, over the row's tail.
        Some(mark) if details.height == 1 => {
            frame.render_widget(Paragraph::new(lines), details);
            let mark = mark.right_aligned();
            let width = u16::try_from(mark.width() + 1).unwrap_or(u16::MAX);
            let x = details.right().saturating_sub(width).max(details.x);
            let spot = Rect {
                x,
                width: details.right() - x,
                ..details
            };
            frame.render_widget(ratatui::widgets::Clear, spot);
            frame.render_widget(Paragraph::new(mark), spot);
        }
        Some(mark) => {
            lines.push(mark);
            frame.render_widget(Paragraph::new(lines), details);
        }
        None => frame.render_widget(Paragraph::new(lines), details),
    }

    if !items.is_empty() {
        draw_fixes(app, &items, frame, fixes, theme);
    }
}

/// The fix list under a heading; when the rows are too few for all of it, the selected fix
/// alone with its place in the list (`↑↓ 2/3`).
fn draw_fixes(
    app: &App,
    items: &[(Option<crate::vocab::RuleId>, crate::vocab::FixId)],
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    let l = lang(app);
    let width = usize::from(area.width);
    let row = |i: usize, suffix: &str| {
        let selected = i == app.selected && app.focus == Focus::Steps;
        let marker = if selected { "▶ " } else { "  " };
        let style = if selected {
            theme.selection()
        } else {
            Style::new()
        };
        let summary = fix_summary(items[i].1, l);
        let text = ellipsize(
            &format!("{marker}{summary}"),
            width.saturating_sub(suffix.len()),
        );
        Line::from(vec![
            Span::styled(text, style),
            Span::styled(suffix.to_string(), theme.muted()),
        ])
    };
    let rows = if usize::from(area.height) > items.len() {
        let mut rows = vec![Line::styled(t::FIXES.get(l), theme.title())];
        rows.extend((0..items.len()).map(|i| row(i, "")));
        rows
    } else {
        let at = app.selected.min(items.len() - 1);
        let place = if items.len() > 1 {
            format!(" ↑↓ {}/{}", at + 1, items.len())
        } else {
            String::new()
        };
        vec![row(at, &place)]
    };
    frame.render_widget(Paragraph::new(rows), area);
}

/// Rows the step's explanation takes at the current size: how far `update` may scroll it.
pub fn detail_row_count(app: &App) -> (usize, usize) {
    let area = step_details_area(app.size, app.shape());
    let rows = wrap_lines(
        detail_lines(app, Theme::new(false)),
        usize::from(area.width),
    );
    (rows.len(), usize::from(area.height))
}

/// The step's explanation: guidance, step 4's verification, and each finding with its nodes,
/// evidence and why it matters.
fn detail_lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    let l = lang(app);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(hint) = guidance(app) {
        lines.push(Line::styled(hint, theme.accent()));
    }
    if app.step == Step::RestartVerify {
        lines.extend(verify_lines(app, theme));
    }
    let unreadable = app
        .snapshot
        .as_ref()
        .and_then(crate::tui::app::unreadable_logs)
        .filter(|_| app.step == Step::Logs);
    if let Some(failure) = unreadable {
        lines.push(Line::styled(
            format!(
                "! {}: {}",
                t::LOGS_UNREADABLE.get(l),
                crate::logs::sanitize(&failure.describe(), 400)
            ),
            theme.warning(),
        ));
    }
    let here: Vec<_> = app.findings.iter().filter(|f| f.step == app.step).collect();
    if here.is_empty()
        && unreadable.is_none()
        && app.snapshot.is_some()
        && app.step != Step::RestartVerify
    {
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
    lines
}

/// One line that tells a newcomer what to do here: go to the step holding the root cause, or
/// pick a fix in this one.
pub(super) fn guidance(app: &App) -> Option<String> {
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
            root.step.short().get(l),
            root.id,
            t::PRESS.get(l)
        ));
    }
    (!app.fix_items().is_empty()).then(|| format!("→ {}", t::PICK_FIX.get(l)))
}

pub(super) fn verify_lines(app: &App, theme: Theme) -> Vec<Line<'static>> {
    let l = lang(app);
    let mut out = Vec::new();
    let Some(snap) = app.snapshot.as_ref() else {
        return out;
    };
    match &app.verify {
        None if crate::tui::app::metrics_back(snap) => out.push(Line::styled(
            format!("✔ {}", t::ALREADY_HEALTHY.get(l)),
            theme.ok(),
        )),
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
