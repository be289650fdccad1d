//! The object views (`:pods` …) over the runbook panes, and the `:` prompt's candidate list.
//! Lines longer than the view end in `…`; the border shows the mode and the position.

use super::*;
use crate::tui::app::App;
use crate::tui::app::command::{COMMANDS, ViewKind, shown_word};
use crate::tui::app::view::{CONTEXT_HEADER_ROWS, ObjectView, Tone, ViewMode};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use unicode_width::UnicodeWidthStr;

fn tone_style(tone: Tone, theme: Theme) -> Style {
    match tone {
        Tone::Heading => theme.title(),
        Tone::Plain => Style::default(),
        Tone::Muted => theme.muted(),
        Tone::Ok => theme.ok(),
        Tone::Warning => theme.warning(),
        Tone::Error => theme.error(),
    }
}

pub(super) fn draw_view(
    v: &ObjectView,
    l: crate::vocab::Lang,
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
) {
    clear_under(frame, area);
    let inner_w = usize::from(area.width.saturating_sub(2));
    let visible = usize::from(area.height.saturating_sub(2));
    let total = v.lines.len();
    let first = v.scroll.min(total.saturating_sub(visible));
    let last = (first + visible).min(total);
    let selected_row = (v.kind == ViewKind::Contexts).then_some(v.selected + CONTEXT_HEADER_ROWS);
    let lines: Vec<Line> = v.lines[first..last]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let text = shifted(&l.text, v.hscroll, inner_w);
            let style = if selected_row == Some(first + i) {
                theme.selection()
            } else {
                tone_style(l.tone, theme)
            };
            Line::styled(text, style)
        })
        .collect();
    let ko = l == crate::vocab::Lang::Ko;
    let mode = match (v.kind.has_yaml(), v.mode, ko) {
        (false, _, _) => "",
        (true, ViewMode::Summary, false) => " · summary (y: YAML)",
        (true, ViewMode::Summary, true) => " · 요약 (y: YAML)",
        (true, ViewMode::Yaml, false) => " · YAML (d: summary)",
        (true, ViewMode::Yaml, true) => " · YAML (d: 요약)",
    };
    let sideways = if v.hscroll > 0 {
        format!(" · ←{}", v.hscroll)
    } else {
        String::new()
    };
    let title = format!(" :{}{mode}{sideways} ", v.kind.title());
    let mut block = Block::bordered()
        .title(Span::styled(ellipsize(&title, inner_w), theme.title()))
        .border_style(theme.accent());
    let position = if total > visible {
        let below = total - last;
        let more = if below > 0 {
            format!(" ↓ {below} more")
        } else {
            String::new()
        };
        format!(" {}–{}/{total}{more} ", first + 1, last)
    } else {
        format!(" {total}/{total} ")
    };
    block = block.title_bottom(Line::from(Span::styled(position, theme.muted())).right_aligned());
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The candidates of the `:` prompt, in a box above the footer; the chosen one highlighted and
/// the rest counted when they do not fit.
pub(super) fn draw_candidates(app: &App, frame: &mut Frame, body: Rect, theme: Theme) {
    let (cands, chosen) = app.command_candidates();
    if cands.is_empty() {
        return;
    }
    let max_rows = usize::from(body.height.saturating_sub(2)).clamp(1, 8);
    let rows = cands.len().min(max_rows);
    // Keep the chosen candidate in the window.
    let first = chosen.map_or(0, |c| c.saturating_sub(rows - 1));
    let words: Vec<&str> = cands.iter().map(|c| shown_word(c)).collect();
    // A command name comes with what it does.
    let l = lang(app);
    let helps: Vec<&str> = cands
        .iter()
        .map(|c| {
            if c.contains(' ') {
                ""
            } else {
                COMMANDS
                    .iter()
                    .find(|s| s.name == c)
                    .map_or("", |s| s.help.get(l))
            }
        })
        .collect();
    let widest = words.iter().map(|w| w.width()).max().unwrap_or(0);
    let widest_help = helps.iter().map(|h| h.width()).max().unwrap_or(0);
    let hidden = cands.len() - rows;
    let count = if hidden > 0 {
        format!(" {}/{} ", chosen.map_or(1, |c| c + 1), cands.len())
    } else {
        String::new()
    };
    let content = if widest_help > 0 {
        widest + 2 + widest_help
    } else {
        widest
    };
    let width = (content.max(count.width()) + 4).min(usize::from(body.width)) as u16;
    let height = rows as u16 + 2;
    let area = Rect {
        x: body.x,
        y: body.y + body.height.saturating_sub(height),
        width,
        height: height.min(body.height),
    };
    clear_under(frame, area);
    let inner = usize::from(width.saturating_sub(2));
    let lines: Vec<Line> = (first..first + rows)
        .map(|i| {
            let style = if chosen == Some(i) {
                theme.selection()
            } else {
                Style::default()
            };
            let word = format!(" {:<widest$}", words[i]);
            let word = ellipsize(&word, inner);
            let room = inner.saturating_sub(word.width() + 2);
            let mut spans = vec![Span::styled(word, style)];
            if !helps[i].is_empty() && room > 0 {
                spans.push(Span::styled(
                    format!("  {}", ellipsize(helps[i], room)),
                    theme.muted(),
                ));
            }
            Line::from(spans)
        })
        .collect();
    let mut block = Block::bordered().border_style(theme.muted());
    if hidden > 0 {
        block = block.title_bottom(Span::styled(count, theme.muted()));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `text` scrolled `skip` columns to the left and cut to `width`: `…` marks a cut on either side.
fn shifted(text: &str, skip: usize, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if skip == 0 {
        return ellipsize(text, width);
    }
    let mut used = 0;
    let rest: String = text
        .chars()
        .skip_while(|c| {
            let keep = used >= skip;
            used += c.width().unwrap_or(0);
            !keep
        })
        .collect();
    if rest.is_empty() {
        return String::new();
    }
    format!("…{}", ellipsize(&rest, width.saturating_sub(1)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sideways_cuts_are_marked() {
        assert_eq!(super::shifted("abcdefgh", 0, 5), "abcd…");
        assert_eq!(super::shifted("abcdefgh", 2, 4), "…cd…");
        assert_eq!(super::shifted("abcdefgh", 4, 10), "…efgh");
        assert_eq!(super::shifted("ab", 4, 10), "");
    }
}
