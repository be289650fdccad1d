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

/// Cut a line's spans into rows of at most `width` cells, breaking after a space where the row
/// has one (so words stay whole) and inside a word only when it is longer than a row.
pub(super) fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    use unicode_width::UnicodeWidthChar;
    let width = width.max(1);
    let cells: Vec<(char, usize, usize)> = spans
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.content
                .chars()
                .map(move |c| (c, i, c.width().unwrap_or(0)))
        })
        .collect();
    let mut rows = Vec::new();
    let mut start = 0;
    while start < cells.len() {
        let mut used = 0;
        let mut end = start;
        let mut after_space = None;
        while end < cells.len() && (used + cells[end].2 <= width || end == start) {
            used += cells[end].2;
            if cells[end].0 == ' ' {
                after_space = Some(end + 1);
            }
            end += 1;
        }
        if end < cells.len()
            && let Some(cut) = after_space.filter(|&c| c > start && c < end)
        {
            end = cut;
        }
        rows.push(row_of(&cells[start..end], &spans));
        start = end;
    }
    if rows.is_empty() {
        rows.push(Line::default());
    }
    rows
}

/// One row from a run of cells, one span per run of the same source span (same style).
fn row_of(cells: &[(char, usize, usize)], spans: &[Span<'static>]) -> Line<'static> {
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for &(c, i, _) in cells {
        match current.as_mut() {
            Some((j, text)) if *j == i => text.push(c),
            _ => {
                if let Some((j, text)) = current.take() {
                    out.push(Span::styled(text, spans[j].style));
                }
                current = Some((i, c.to_string()));
            }
        }
    }
    if let Some((j, text)) = current {
        out.push(Span::styled(text, spans[j].style));
    }
    Line::from(out)
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
    use ratatui::style::Style;

    fn text(rows: &[Line]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn words_stay_whole_and_styles_follow_their_text() {
        let red = Style::new().fg(ratatui::style::Color::Red);
        let spans = vec![
            Span::raw("tls: failed to verify "),
            Span::styled("certificate signed by unknown authority", red),
        ];
        let rows = wrap_spans(spans, 30);
        assert_eq!(
            text(&rows),
            [
                "tls: failed to verify ",
                "certificate signed by unknown ",
                "authority"
            ]
        );
        assert_eq!(rows[1].spans[0].style, red);
        assert!(rows.iter().all(|r| r.width() <= 30));
    }

    #[test]
    fn a_word_longer_than_a_row_is_cut_inside() {
        let rows = wrap_spans(vec![Span::raw("abcdefghij klm")], 4);
        assert_eq!(text(&rows), ["abcd", "efgh", "ij ", "klm"]);
    }

    #[test]
    fn wide_characters_never_overflow_and_empty_lines_keep_a_row() {
        let rows = wrap_spans(vec![Span::raw("인증서 오류입니다")], 6);
        assert!(rows.iter().all(|r| r.width() <= 6), "{:?}", text(&rows));
        assert_eq!(wrap_spans(Vec::new(), 10).len(), 1);
    }
}
