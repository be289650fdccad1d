//! Drawing (pure): `render(&App, &mut Frame)` reads the state and draws; it never changes it.
//! Only the visible window of the log buffer is touched, so frame time does not grow with it.
//!
//! One file a region: `header`, `steps`, `logs`, `footer`, and the overlays `dialog`,
//! `editor`, `help`. Where each region sits is [`super::layout`], which `update` reads too.

mod dialog;
mod editor;
mod footer;
mod header;
mod help;
mod logs;
mod steps;
mod view;

pub use dialog::dialog_row_count;
pub use steps::detail_row_count;

use super::app::{App, StepStatus};
use super::layout::{regions, view_area};
use super::text as t;
use super::theme::Theme;
use crate::vocab::{FixId, Lang, Severity, Text as UiText};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Clear};

pub fn render(app: &App, frame: &mut Frame, theme: Theme) {
    let r = regions(frame.area(), app.shape());
    if !app.zoomed {
        header::draw_header(app, frame, r.header, theme);
        steps::draw_step_pane(app, frame, r.steps, theme);
    }
    logs::draw_logs(app, frame, r.logs, theme);
    footer::draw_footer(app, frame, r.status, r.hints, theme);
    if let Some(v) = app.view.as_ref() {
        // An object view keeps the header in sight, even over zoomed logs.
        if app.zoomed {
            let shape = super::layout::Shape {
                zoomed: false,
                ..app.shape()
            };
            let header = regions(frame.area(), shape).header;
            frame.render_widget(Clear, header);
            header::draw_header(app, frame, header, theme);
        }
        view::draw_view(
            v,
            app.lang(),
            frame,
            view_area(frame.area(), app.shape()),
            theme,
        );
    }
    if app.command.is_some() {
        view::draw_candidates(app, frame, view_area(frame.area(), app.shape()), theme);
    }
    if let Some(editor) = app.editor.as_ref() {
        editor::draw_editor(app, editor, frame, theme);
    }
    if app.dialog.is_some() {
        dialog::draw_dialog(app, frame, theme);
    }
    if app.help {
        help::draw_help(app, frame, theme);
    }
}

pub(super) fn lang(app: &App) -> Lang {
    app.lang()
}

/// Symbol, label and style of a step status. Symbols are ASCII-safe for dumb terminals.
pub(super) fn status_mark(s: StepStatus, theme: Theme) -> (&'static str, UiText, Style) {
    match s {
        StepStatus::Checking => ("…", t::STATUS_CHECKING, theme.muted()),
        StepStatus::Ok => ("✔", t::STATUS_OK, theme.ok()),
        StepStatus::Warning => ("!", t::STATUS_WARNING, theme.warning()),
        StepStatus::Failed => ("✖", t::STATUS_FAILED, theme.error()),
        StepStatus::NotPermitted => ("⊘", t::STATUS_NOT_PERMITTED, theme.warning()),
    }
}

pub(super) fn pane_block(title: String, focused: bool, theme: Theme) -> Block<'static> {
    let style = if focused {
        theme.accent()
    } else {
        theme.muted()
    };
    Block::bordered()
        .title(Span::styled(title, theme.title()))
        .border_style(style)
}

pub(super) fn severity_mark(s: Severity) -> &'static str {
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

/// Blank the overlay's area and one column on each side: a double-width character left of the
/// border would otherwise spill over it (Korean text behind a dialog).
pub(super) fn clear_under(frame: &mut Frame, area: Rect) {
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

/// `text` cut to `width` columns, ending in `…` when cut.
pub(super) fn ellipsize(text: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// A centred rectangle of `percent_x` × `percent_y` of `area`.
pub(super) fn centered(area: Rect, percent_x: u16, percent_y: u16) -> Rect {
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
