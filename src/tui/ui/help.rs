//! The help overlay: the keymap table for every context.

use super::*;
use crate::tui::app::App;
use crate::tui::keymap::{self, Context};
use crate::tui::text as t;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Paragraph, Wrap};

pub(super) fn draw_help(app: &App, frame: &mut Frame, theme: Theme) {
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
    for ctx in Context::ALL {
        lines.push(Line::styled(ctx.name().get(l), theme.title()));
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
