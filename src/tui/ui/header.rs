//! The header: title, install line, verdict and the step bar.

use super::*;
use crate::tui::app::App;
use crate::tui::text as t;
use crate::tui::theme::Theme;
use crate::tui::wrap::truncate;
use crate::vocab::{Severity, Step};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub(super) fn draw_header(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let l = lang(app);
    let [title, install, verdict, bar] = Layout::vertical([Constraint::Length(1); 4]).areas(area);
    let snap = app.snapshot.as_ref();
    let mut spans = vec![Span::styled(" mstui ", theme.accent())];
    if app.read_only() {
        spans.push(Span::styled(
            format!("[{}] ", t::READ_ONLY_BADGE.get(l)),
            theme.warning(),
        ));
    }
    spans.extend([
        Span::raw(format!("{} ", app.cluster.context)),
        Span::styled(format!("{} ", app.cluster.server), theme.muted()),
    ]);
    if let Some(v) = &app.cluster.server_version {
        spans.push(Span::styled(format!("{v} "), theme.muted()));
    }
    frame.render_widget(
        Paragraph::new(truncate(Line::from(spans), usize::from(title.width))),
        title,
    );
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
    frame.render_widget(
        Paragraph::new(truncate(Line::from(spans), usize::from(install.width))),
        install,
    );
    frame.render_widget(
        Paragraph::new(verdict_line(app, usize::from(verdict.width), theme)),
        verdict,
    );

    frame.render_widget(
        Paragraph::new(step_bar(app, usize::from(bar.width), theme)),
        bar,
    );
}

/// The step bar: each step's number, name and mark; when that is too wide, only the current
/// step keeps its name, so every mark stays in view.
fn step_bar(app: &App, width: usize, theme: Theme) -> Line<'static> {
    let full = bar_line(app, theme, |_| true);
    if full.width() <= width {
        return full;
    }
    bar_line(app, theme, |step| step == app.step)
}

fn bar_line(app: &App, theme: Theme, named: impl Fn(Step) -> bool) -> Line<'static> {
    let l = lang(app);
    let mut bar_spans = Vec::new();
    for step in Step::ALL {
        let (mark, _, style) = status_mark(app.step_status(step), theme);
        let label = if named(step) {
            format!(" {} {} {mark} ", step.number(), step.short().get(l))
        } else {
            format!(" {} {mark} ", step.number())
        };
        let s = if step == app.step {
            theme.selection().patch(style)
        } else {
            style
        };
        bar_spans.push(Span::styled(label, s));
        bar_spans.push(Span::raw("│"));
    }
    bar_spans.pop();
    Line::from(bar_spans)
}

/// The verdict, with the node coverage always in view: the title gives way (marked `…`).
pub(super) fn verdict_line(app: &App, width: usize, theme: Theme) -> Line<'static> {
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
        Some(f) if f.severity >= Severity::Warning => {
            let tail = format!("· {coverage}");
            let room = width.saturating_sub(tail.width() + f.id.to_string().len() + 3);
            let title = ellipsize(&crate::logs::sanitize(f.title(l), 300), room);
            Line::from(vec![
                Span::styled(format!(" {} {title} ", f.id), theme.severity(f.severity)),
                Span::styled(tail, theme.muted()),
            ])
        }
        _ => Line::from(vec![
            Span::styled(format!(" ✔ {} ", t::HEALTHY.get(l)), theme.ok()),
            Span::styled(format!("· {coverage}"), theme.muted()),
        ]),
    }
}
