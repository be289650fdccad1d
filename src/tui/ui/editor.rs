//! The args editor overlay with its validation messages.

use super::*;
use crate::tui::app::App;
use crate::tui::text as t;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub(super) fn draw_editor(
    app: &App,
    editor: &crate::tui::app::Editor,
    frame: &mut Frame,
    theme: Theme,
) {
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
