//! The footer: the status line and the key hints of the current context.

use super::*;
use crate::tui::app::App;
use crate::tui::keymap;
use crate::tui::text as t;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn draw_footer(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
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
