//! The change dialog: sentence, diff, warnings, dry-run state and the confirm keys.

use super::*;
use crate::fix::args::DiffKind;
use crate::tui::app::{App, Dialog, DryRun};
use crate::tui::msg::Change;
use crate::tui::text as t;
use crate::tui::theme::Theme;
use crate::tui::wrap::wrap_lines;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw_dialog(app: &App, frame: &mut Frame, theme: Theme) {
    let Some(d) = app.dialog.as_ref() else { return };
    let l = lang(app);
    let area = centered(frame.area(), 94, 90);
    clear_under(frame, area);
    let mut block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", t::DIALOG_TITLE.get(l)),
            theme.title(),
        ))
        .border_style(theme.accent());
    let inner = block.inner(area);
    let rows = fitted_rows(app, d, theme, inner);
    // Never scroll past the end; say where the view is when it does not all fit.
    let total = rows.len();
    let visible = usize::from(inner.height);
    let first = usize::from(d.scroll).min(total.saturating_sub(visible));
    if total > visible {
        block = block.title_bottom(Span::styled(
            format!(
                " ↑↓ {}–{}/{total} ",
                first + 1,
                (first + visible).min(total)
            ),
            theme.muted(),
        ));
    }
    frame.render_widget(block, area);
    let shown: Vec<Line> = rows.into_iter().skip(first).take(visible).collect();
    frame.render_widget(Paragraph::new(shown), inner);
}

/// Rows of the dialog's text and rows visible at the current size: how far `update` may scroll.
pub fn dialog_row_count(app: &App) -> (usize, usize) {
    let Some(d) = app.dialog.as_ref() else {
        return (0, 0);
    };
    let screen = Rect::new(0, 0, app.size.0, app.size.1);
    let inner = Block::bordered().inner(centered(screen, 94, 90));
    let rows = fitted_rows(app, d, Theme::new(false), inner);
    (rows.len(), usize::from(inner.height))
}

/// The dialog's rows at the width of `inner`; when they do not fit its height, runs of
/// unchanged args fold into one line, so the change itself comes into view first.
fn fitted_rows(app: &App, d: &Dialog, theme: Theme, inner: Rect) -> Vec<Line<'static>> {
    let width = usize::from(inner.width);
    let full = wrap_lines(dialog_lines(app, d, theme, false), width);
    if full.len() <= usize::from(inner.height) {
        return full;
    }
    wrap_lines(dialog_lines(app, d, theme, true), width)
}

/// The dialog's text: sentence, target, diff (`fold`: unchanged runs as one line), dry-run
/// state, warnings.
fn dialog_lines(app: &App, d: &Dialog, theme: Theme, fold: bool) -> Vec<Line<'static>> {
    let l = lang(app);
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
            let mut unchanged = 0;
            for (i, dl) in p.diff.iter().enumerate() {
                if fold && dl.kind == DiffKind::Same {
                    unchanged += 1;
                    let run_ends = p.diff.get(i + 1).is_none_or(|n| n.kind != DiffKind::Same);
                    if run_ends {
                        lines.push(Line::styled(
                            format!("  … {unchanged} {}", t::UNCHANGED_ARGS.get(l)),
                            theme.muted(),
                        ));
                        unchanged = 0;
                    }
                    continue;
                }
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
    lines
}
