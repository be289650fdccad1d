//! The args editor overlay with its validation messages.

use super::*;
use crate::logs::sanitize;
use crate::tui::app::App;
use crate::tui::text as t;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

pub(super) fn draw_editor(
    app: &App,
    editor: &crate::tui::app::Editor,
    frame: &mut Frame,
    theme: Theme,
) {
    let l = lang(app);
    let area = centered(frame.area(), 90, 80);
    clear_under(frame, area);
    let messages: Vec<(String, Style)> = if editor.problems.is_empty() {
        vec![(format!("✔ {}", t::EDITOR_OK.get(l)), theme.ok())]
    } else {
        editor
            .problems
            .iter()
            .map(|p| {
                let text = format!("{} {}: {}", p.rule, p.flag, p.message);
                (
                    sanitize(&text, 500).into_owned(),
                    theme.severity(p.severity),
                )
            })
            .collect()
    };
    // The messages wrap inside their box; it grows with them, leaving the editor 3 rows.
    let width = usize::from(area.width.saturating_sub(2)).max(1);
    let needed: usize = messages
        .iter()
        .map(|(m, _)| m.width().div_ceil(width).max(1))
        .sum();
    let room = usize::from(area.height.saturating_sub(3 + 2 + 2)).max(1);
    let rows = needed.min(room);
    let [text_area, problems] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(rows as u16 + 2)]).areas(area);
    let block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", t::EDITOR_TITLE.get(l)),
            theme.title(),
        ))
        .border_style(theme.accent());
    let inner = block.inner(text_area);
    frame.render_widget(block, text_area);
    frame.render_widget(&editor.area, inner);
    let lines: Vec<Line> = messages
        .into_iter()
        .map(|(m, style)| Line::styled(m, style))
        .collect();
    let mut block = Block::bordered().border_style(theme.muted());
    if needed > rows {
        block = block.title_bottom(Span::styled(
            format!(" ↓ {} ", t::MORE.get(l)),
            theme.muted(),
        ));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        problems,
    );
}
