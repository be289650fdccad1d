//! The help overlay: the keymap table for every context.

use super::*;
use crate::tui::app::App;
use crate::tui::keymap::{self, HelpLine};
use crate::tui::layout::help_area;
use crate::tui::text as t;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw_help(app: &App, frame: &mut Frame, theme: Theme) {
    let l = lang(app);
    let area = help_area(frame.area());
    clear_under(frame, area);
    let lines: Vec<Line> = keymap::help_lines(l)
        .into_iter()
        .map(|line| match line {
            HelpLine::Heading(name) => Line::styled(name, theme.title()),
            HelpLine::Row(keys, what) => Line::from(vec![
                Span::styled(format!("  {keys:<14}"), theme.accent()),
                Span::raw(what),
            ]),
        })
        .collect();
    let total = lines.len();
    let visible = usize::from(area.height.saturating_sub(2));
    let first = usize::from(app.help_scroll).min(total.saturating_sub(visible));
    let last = (first + visible).min(total);
    let mut block = Block::bordered()
        .title(Span::styled(
            format!(" {} ", t::HELP_TITLE.get(l)),
            theme.title(),
        ))
        .border_style(theme.accent());
    if total > visible {
        block = block.title_bottom(Span::styled(
            format!(" ↑↓ {}–{}/{total} ", first + 1, last),
            theme.muted(),
        ));
    }
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .block(block)
            .scroll((first as u16, 0)),
        area,
    );
}
