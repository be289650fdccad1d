//! Word-aware wrapping of styled lines into rows, and a scrolled window over those rows with a
//! mark for what it leaves out. The log pane, the step pane, the dialog and the status line all
//! wrap this way, and `update` counts rows with it, so drawing and scrolling agree.

use ratatui::text::{Line, Span};

/// Cut a line's spans into rows of at most `width` cells, breaking after a space where the row
/// has one (so words stay whole) and inside a word only when it is longer than a row.
pub fn wrap_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
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

/// `line` cut to `width` columns, its last one a `…` when cut (styles kept).
pub fn truncate(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let style = line.style;
    let mut rows = wrap_spans(line.spans, width.saturating_sub(1).max(1));
    let first = rows.swap_remove(0);
    let mut spans = first.spans;
    spans.push(Span::raw("…"));
    Line::from(spans).style(style)
}

/// Each line wrapped at `width`; a line's own style stays on each of its rows.
pub fn wrap_lines(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .flat_map(|line| {
            let style = line.style;
            wrap_spans(line.spans, width)
                .into_iter()
                .map(move |row| row.patch_style(style))
        })
        .collect()
}

/// The part of `rows` a region `height` tall shows from `scroll` on. When the rows do not fit,
/// the region's last row says what is left out (`↓ 3 more`, or `↑ 5 above` at the end), so
/// nothing is cut without a mark; a region one row tall shows a row and the mark beside it.
pub struct Window {
    pub rows: Vec<Line<'static>>,
    /// What the mark says, when the rows do not all fit.
    pub mark: Option<Overflow>,
}

/// Rows left out below the window, or (at the end) above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    Below(usize),
    Above(usize),
}

impl Overflow {
    /// `↓ 3 more` / `↑ 5 above`, in the UI language.
    pub fn text(self, lang: crate::vocab::Lang) -> String {
        use crate::vocab::Lang;
        match (self, lang) {
            (Overflow::Below(n), Lang::En) => format!("↓ {n} more"),
            (Overflow::Below(n), Lang::Ko) => format!("↓ {n}줄 더"),
            (Overflow::Above(n), Lang::En) => format!("↑ {n} above"),
            (Overflow::Above(n), Lang::Ko) => format!("↑ 위에 {n}줄"),
        }
    }
}

/// The largest useful scroll for `total` rows in `height`: the last rows shown above the mark.
pub fn max_scroll(total: usize, height: usize) -> usize {
    if total <= height {
        0
    } else {
        total - height.saturating_sub(1).max(1)
    }
}

pub fn window(rows: Vec<Line<'static>>, height: usize, scroll: usize) -> Window {
    let total = rows.len();
    if total <= height {
        return Window { rows, mark: None };
    }
    let first = scroll.min(max_scroll(total, height));
    let shown = height.saturating_sub(1).max(1);
    let below = total.saturating_sub(first + shown);
    let mark = if below > 0 {
        Overflow::Below(below)
    } else {
        Overflow::Above(first)
    };
    let rows = rows.into_iter().skip(first).take(shown).collect();
    Window {
        rows,
        mark: (height > 0).then_some(mark),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    fn text(rows: &[Line]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn words_stay_whole_and_styles_follow_their_text() {
        let red = Style::new().fg(Color::Red);
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

    fn numbered(n: usize) -> Vec<Line<'static>> {
        (0..n).map(|i| Line::raw(i.to_string())).collect()
    }

    #[test]
    fn a_window_that_cannot_show_everything_says_what_it_leaves_out() {
        let fits = window(numbered(3), 3, 0);
        assert_eq!((text(&fits.rows).len(), fits.mark), (3, None));

        let top = window(numbered(10), 4, 0);
        assert_eq!(text(&top.rows), ["0", "1", "2"]);
        assert_eq!(top.mark, Some(Overflow::Below(7)));
        assert_eq!(
            top.mark.map(|m| m.text(crate::vocab::Lang::En)).as_deref(),
            Some("↓ 7 more")
        );

        let end = window(numbered(10), 4, 99);
        assert_eq!(
            text(&end.rows),
            ["7", "8", "9"],
            "scrolling stops at the end"
        );
        assert_eq!(end.mark, Some(Overflow::Above(7)));
        assert_eq!(max_scroll(10, 4), 7);
        assert_eq!(max_scroll(3, 4), 0);
    }

    #[test]
    fn wrapped_lines_keep_their_line_style() {
        let red = Style::new().fg(Color::Red);
        let rows = wrap_lines(vec![Line::styled("one two three", red)], 8);
        assert_eq!(text(&rows), ["one two ", "three"]);
        assert!(rows.iter().all(|r| r.style == red));
    }

    #[test]
    fn a_cut_line_ends_in_an_ellipsis_within_its_width() {
        let line = Line::from(vec![
            Span::raw("mstui "),
            Span::raw("admin@prod https://10.0.0.10:6443"),
        ]);
        let cut = truncate(line.clone(), 20);
        assert!(cut.width() <= 20 && cut.to_string().ends_with('…'), "{cut}");
        assert_eq!(truncate(line.clone(), 80), line);
    }
}
