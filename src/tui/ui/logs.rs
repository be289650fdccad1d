//! The log pane: only the visible window of the buffer is drawn, wrapped or cut to the width.

use super::*;
use crate::logs::segments;
use crate::tui::app::{App, Focus};
use crate::tui::text as t;
use crate::tui::theme::Theme;
use crate::tui::wrap::wrap_spans;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn draw_logs(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let l = lang(app);
    let b = &app.logs;
    let title = ellipsize(&log_title(app), usize::from(area.width.saturating_sub(2)));
    let block = pane_block(title, app.focus == Focus::Logs, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let window = b.window(inner.height as usize);
    if window.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(t::NO_LOGS.get(l), theme.muted())),
            inner,
        );
        return;
    }
    let pods: Vec<&str> = app.following_pods.iter().map(String::as_str).collect();
    let width = (inner.width as usize).max(1);
    let height = inner.height as usize;
    // Each log line becomes one row, or several when wrapping.
    let mut blocks: Vec<Vec<Line>> = Vec::with_capacity(window.len());
    for line in window {
        let pod_index = pods.iter().position(|p| *p == &*line.pod).unwrap_or(0);
        let mut spans = vec![Span::styled(
            format!("{} ", short_pod(&line.pod)),
            theme.pod(pod_index),
        )];
        if b.timestamps
            && let Some(ts) = &line.timestamp
        {
            spans.push(Span::styled(format!("{ts} "), theme.muted()));
        }
        let budget = if b.wrap {
            usize::MAX
        } else {
            // One more than fits, so a cut end is known.
            b.hscroll + width + 1
        };
        let text: Vec<Span> = segments(&line.text, &line.class.spans, budget)
            .into_iter()
            .map(|seg| {
                let style = seg.class.map(|c| theme.span(c)).unwrap_or_default();
                Span::styled(seg.text, style)
            })
            .collect();
        if b.wrap {
            spans.extend(text);
        } else {
            // Scrolled sideways: the pod stays, the text moves; a cut end is marked.
            let prefix: usize = spans.iter().map(Span::width).sum();
            let room = width.saturating_sub(prefix);
            let (shown, cut) = cells_from(text, b.hscroll, room);
            spans.extend(shown);
            if cut {
                spans.push(Span::styled("›", theme.muted()));
            }
        }
        let row_style = if line.marker {
            theme.accent()
        } else if b.cursor == Some(line.seq) {
            theme.selection()
        } else if b.is_match(line) {
            theme.warning()
        } else {
            Style::new()
        };
        let rows = if b.wrap {
            wrap_spans(spans, width)
        } else {
            vec![Line::from(spans)]
        };
        blocks.push(rows.into_iter().map(|r| r.style(row_style)).collect());
    }
    // Keep whole lines that fit: the newest at the bottom while following, the first at the top
    // while paused.
    let mut lines: Vec<Line> = Vec::new();
    if b.follow {
        let mut kept: Vec<Vec<Line>> = Vec::new();
        let mut used = 0;
        for block in blocks.into_iter().rev() {
            if used >= height {
                break;
            }
            used += block.len();
            kept.push(block);
        }
        for block in kept.into_iter().rev() {
            lines.extend(block);
        }
        // The oldest kept line may show only its last rows.
        let excess = lines.len().saturating_sub(height);
        lines.drain(..excess);
    } else {
        lines = blocks.into_iter().flatten().take(height).collect();
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The pane's title: what it shows and every mode in effect, so the state is never hidden.
fn log_title(app: &App) -> String {
    let l = lang(app);
    let b = &app.logs;
    let pods = app.following_pods.len();
    let pods_word = if pods == 1 { t::POD } else { t::PODS };
    let mut parts = vec![
        t::LOGS_TITLE.get(l).to_string(),
        format!("{pods} {}", pods_word.get(l)),
        if b.follow { t::LIVE } else { t::PAUSED }
            .get(l)
            .to_string(),
    ];
    if let Some(q) = b.search() {
        let mut part = format!("/{}", crate::logs::sanitize(q, 40));
        if let Some((at, total)) = b.match_position() {
            part.push_str(&format!(" {at}/{total}"));
        }
        parts.push(part);
    }
    if b.filter {
        parts.push(t::FILTERED.get(l).to_string());
    }
    if b.show_previous {
        parts.push(t::PREVIOUS.get(l).to_string());
    }
    if !b.wrap {
        let mut part = t::NO_WRAP.get(l).to_string();
        if b.hscroll > 0 {
            part.push_str(&format!(" →{}", b.hscroll));
        }
        parts.push(part);
    }
    if b.timestamps {
        parts.push(t::TIMESTAMPS.get(l).to_string());
    }
    if b.dropped > 0 {
        parts.push(format!("{} {}", b.dropped, t::DROPPED.get(l)));
    }
    if app.zoomed {
        parts.push(t::ZOOMED.get(l).to_string());
    }
    format!(" {} ", parts.join(" · "))
}

/// The text spans from column `skip` on, in `room` columns; when text is left over, one column
/// is kept free for the mark and `true` says so.
fn cells_from(spans: Vec<Span<'static>>, skip: usize, room: usize) -> (Vec<Span<'static>>, bool) {
    use unicode_width::UnicodeWidthChar;
    let total: usize = spans.iter().map(Span::width).sum();
    let cut = total.saturating_sub(skip) > room;
    let room = if cut { room.saturating_sub(1) } else { room };
    let mut out = Vec::new();
    let mut col = 0;
    for span in spans {
        let mut text = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            let at = col;
            col += w;
            if at < skip {
                continue;
            }
            if col - skip > room {
                break;
            }
            text.push(c);
        }
        if !text.is_empty() {
            out.push(Span::styled(text, span.style));
        }
    }
    (out, cut)
}

/// The distinguishing tail of a pod name: `metrics-server-7d9f6c-abcde` → `abcde`.
pub(super) fn short_pod(pod: &str) -> &str {
    pod.rsplit('-')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(pod)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn sideways_scroll_skips_columns_and_marks_a_cut_end() {
        let spans = vec![Span::raw("abc "), Span::raw("defgh")];
        let (shown, cut) = cells_from(spans.clone(), 2, 4);
        assert_eq!((text(&shown).as_str(), cut), ("c d", true));
        let (shown, cut) = cells_from(spans.clone(), 5, 4);
        assert_eq!((text(&shown).as_str(), cut), ("efgh", false));
        let (shown, cut) = cells_from(spans, 50, 4);
        assert_eq!((text(&shown).as_str(), cut), ("", false));
    }
}
