//! The log pane: only the visible window of the buffer is drawn, wrapped or cut to the width.

use super::*;
use crate::logs::segments;
use crate::tui::app::{App, Focus};
use crate::tui::text as t;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(super) fn draw_logs(app: &App, frame: &mut Frame, area: Rect, theme: Theme) {
    let l = lang(app);
    let b = &app.logs;
    let pods = app.following_pods.len();
    let pods_word = if pods == 1 { t::POD } else { t::PODS };
    let mut title = format!(
        " {} · {pods} {} · {} ",
        t::LOGS_TITLE.get(l),
        pods_word.get(l),
        if b.follow {
            t::FOLLOWING.get(l)
        } else {
            t::PAUSED.get(l)
        }
    );
    if b.dropped > 0 {
        title.push_str(&format!("· {} {} ", b.dropped, t::DROPPED.get(l)));
    }
    if b.show_previous {
        title.push_str(&format!("· {} ", t::PREVIOUS.get(l)));
    }
    if b.filter {
        title.push_str(&format!("· {} ", t::FILTERED.get(l)));
    }
    if let Some(q) = b.search() {
        title.push_str(&format!("· /{} ", crate::logs::sanitize(q, 40)));
    }
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
        let budget = if b.wrap { usize::MAX } else { width };
        for seg in segments(&line.text, &line.class.spans, budget) {
            let style = seg.class.map(|c| theme.span(c)).unwrap_or_default();
            spans.push(Span::styled(seg.text, style));
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

/// Cut a line's spans into rows of at most `width` cells (hard wrap, like a pager), so the
/// row count is exact and the newest line can be kept in view.
pub(super) fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthChar;
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in spans {
        let mut piece = String::new();
        for ch in span.content.chars() {
            let w = ch.width().unwrap_or(0);
            if used + w > width && used > 0 {
                row.push(Span::styled(std::mem::take(&mut piece), span.style));
                rows.push(Line::from(std::mem::take(&mut row)));
                used = 0;
            }
            piece.push(ch);
            used += w;
        }
        if !piece.is_empty() {
            row.push(Span::styled(piece, span.style));
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(Line::from(row));
    }
    rows
}

/// The distinguishing tail of a pod name: `metrics-server-7d9f6c-abcde` → `abcde`.
pub(super) fn short_pod(pod: &str) -> &str {
    pod.rsplit('-')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or(pod)
}
