//! The log pane's model (pure): a bounded ring of classified lines, follow/pause, search that
//! keeps context (`n`/`N` move a cursor, the other lines stay), a filter toggle, wrap and
//! timestamps flags.
//!
//! Lines are classified once, on arrival; drawing takes only the visible window. Positions are
//! kept as sequence numbers, so lines dropped off the front never shift what the user looks at.

use crate::cluster::logs::TimedLine;
use crate::logs::{Classified, classify};
use std::collections::VecDeque;
use std::sync::Arc;

/// Longest line kept, in bytes; metrics-server lines are a few hundred, hostile ones unbounded.
pub const MAX_LINE_BYTES: usize = 8 * 1024;
pub const DEFAULT_CAPACITY: usize = 10_000;

#[derive(Debug, Clone)]
pub struct LogLine {
    pub seq: u64,
    pub pod: Arc<str>,
    pub timestamp: Option<String>,
    /// Raw text (capped); sanitised only when drawn, together with the spans.
    pub text: String,
    pub class: Classified,
    /// From the previous (crashed) container instance.
    pub previous: bool,
    /// A line mstui wrote itself (attached to / detached from a pod), not pod output.
    pub marker: bool,
}

impl LogLine {
    pub fn is_problem(&self) -> bool {
        self.class.severity.is_some()
    }
}

#[derive(Debug, Clone)]
pub struct LogBuffer {
    lines: VecDeque<LogLine>,
    capacity: usize,
    next_seq: u64,
    /// Lines dropped off the front because the buffer was full.
    pub dropped: u64,
    pub follow: bool,
    pub wrap: bool,
    pub timestamps: bool,
    /// Show only lines that match the search, or problem lines when there is no search.
    pub filter: bool,
    /// Show the previous container's logs instead of the live stream.
    pub show_previous: bool,
    search: Option<String>,
    /// The line `n`/`N` landed on.
    pub cursor: Option<u64>,
    /// First line of the window while paused.
    top: Option<u64>,
    /// Columns scrolled to the right while wrapping is off.
    pub hscroll: usize,
    /// Lines matching the search: live ones and previous-container ones.
    matches: [usize; 2],
    /// Which match the cursor is on, counted from the oldest (1-based).
    cursor_rank: Option<usize>,
}

impl Default for LogBuffer {
    fn default() -> Self {
        LogBuffer::with_capacity(DEFAULT_CAPACITY)
    }
}

impl LogBuffer {
    pub fn with_capacity(capacity: usize) -> Self {
        LogBuffer {
            lines: VecDeque::new(),
            capacity: capacity.max(1),
            next_seq: 0,
            dropped: 0,
            follow: true,
            // Wrapped by default: the signature that matters sits past column 100 in klog lines.
            wrap: true,
            timestamps: false,
            filter: false,
            show_previous: false,
            search: None,
            cursor: None,
            top: None,
            hscroll: 0,
            matches: [0, 0],
            cursor_rank: None,
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Add one line, classifying it; the oldest line goes when the buffer is full.
    pub fn push(&mut self, pod: &Arc<str>, line: TimedLine, previous: bool) {
        let text = cap(line.text);
        let class = classify(&text);
        if self.lines.len() == self.capacity
            && let Some(gone) = self.lines.pop_front()
        {
            self.dropped += 1;
            self.forget_match(&gone);
        }
        let line = LogLine {
            seq: self.next_seq,
            pod: pod.clone(),
            timestamp: line.timestamp,
            text,
            class,
            previous,
            marker: false,
        };
        if self.is_match(&line) {
            self.matches[usize::from(previous)] += 1;
        }
        self.lines.push_back(line);
        self.next_seq += 1;
    }

    /// Keep the match count and the cursor's rank right when a line leaves the buffer.
    fn forget_match(&mut self, gone: &LogLine) {
        if !self.is_match(gone) {
            return;
        }
        let count = &mut self.matches[usize::from(gone.previous)];
        *count = count.saturating_sub(1);
        if gone.previous == self.show_previous
            && let Some(rank) = self.cursor_rank.as_mut()
        {
            *rank = rank.saturating_sub(1).max(1);
        }
    }

    fn recount_matches(&mut self) {
        let mut matches = [0, 0];
        for l in &self.lines {
            if self.is_match(l) {
                matches[usize::from(l.previous)] += 1;
            }
        }
        self.matches = matches;
        self.cursor_rank = None;
    }

    /// `(which, of how many)` for the search: the cursor's match (0 before `n`) and the matches
    /// in the lines this view shows (live or previous container).
    pub fn match_position(&self) -> Option<(usize, usize)> {
        self.search.as_ref()?;
        let total = self.matches[usize::from(self.show_previous)];
        Some((self.cursor_rank.unwrap_or(0).min(total), total))
    }

    /// Show the live stream or the previous container's lines.
    pub fn set_show_previous(&mut self, previous: bool) {
        if self.show_previous != previous {
            self.show_previous = previous;
            self.cursor = None;
            self.cursor_rank = None;
        }
    }

    /// Note an event of the stream itself (a pod attached or detached) between the log lines,
    /// so a rollout's switch to the new pod is visible.
    pub fn push_marker(&mut self, pod: &Arc<str>, text: String) {
        self.push(
            pod,
            TimedLine {
                timestamp: None,
                text,
            },
            false,
        );
        if let Some(last) = self.lines.back_mut() {
            last.class = Classified {
                level: crate::logs::Level::Unknown,
                rule: None,
                severity: None,
                spans: Vec::new(),
                fields: Default::default(),
            };
            last.marker = true;
        }
    }

    /// Forget the previous-container lines (they are re-read with each snapshot).
    pub fn replace_previous(&mut self, pod: &Arc<str>, lines: Vec<TimedLine>) {
        self.lines.retain(|l| !(l.previous && &l.pod == pod));
        for l in lines {
            self.push(pod, l, true);
        }
        self.recount_matches();
    }

    pub fn search(&self) -> Option<&str> {
        self.search.as_deref()
    }

    pub fn set_search(&mut self, query: Option<String>) {
        self.search = query.filter(|q| !q.is_empty()).map(|q| q.to_lowercase());
        self.cursor = None;
        self.recount_matches();
    }

    /// Whether the line matches the search (case-insensitive).
    pub fn is_match(&self, line: &LogLine) -> bool {
        self.search
            .as_deref()
            .is_some_and(|q| line.text.to_lowercase().contains(q))
    }

    fn shown(&self, line: &LogLine) -> bool {
        if line.previous != self.show_previous {
            return false;
        }
        if !self.filter {
            return true;
        }
        match &self.search {
            Some(_) => self.is_match(line),
            None => line.is_problem(),
        }
    }

    /// The lines the current mode shows, oldest first.
    pub fn shown_lines(&self) -> impl DoubleEndedIterator<Item = &LogLine> {
        self.lines.iter().filter(|l| self.shown(l))
    }

    /// The lines to draw in a window `height` lines tall.
    pub fn window(&self, height: usize) -> Vec<&LogLine> {
        match self.top.filter(|_| !self.follow) {
            Some(top) => self
                .shown_lines()
                .filter(|l| l.seq >= top)
                .take(height)
                .collect(),
            None => {
                let mut tail: Vec<&LogLine> = self.shown_lines().rev().take(height).collect();
                tail.reverse();
                tail
            }
        }
    }

    /// Scroll towards older lines; pauses following.
    pub fn scroll_up(&mut self, n: usize, height: usize) {
        let first = self.window(height).first().map(|l| l.seq);
        let Some(first) = first else { return };
        let older: Vec<u64> = self
            .shown_lines()
            .filter(|l| l.seq < first)
            .map(|l| l.seq)
            .collect();
        let target = older.len().saturating_sub(n);
        self.top = Some(older.get(target).copied().unwrap_or(first));
        self.follow = false;
    }

    /// Scroll towards newer lines; reaching the end resumes following.
    pub fn scroll_down(&mut self, n: usize, height: usize) {
        if self.follow {
            return;
        }
        let first = self.window(height).first().map(|l| l.seq).unwrap_or(0);
        let newer: Vec<u64> = self
            .shown_lines()
            .filter(|l| l.seq > first)
            .map(|l| l.seq)
            .collect();
        let remaining_below = newer.len().saturating_sub(n);
        if remaining_below < height {
            self.bottom();
        } else {
            self.top = newer.get(n.saturating_sub(1)).copied();
        }
    }

    pub fn top(&mut self) {
        let first = self.shown_lines().next().map(|l| l.seq);
        self.top = first;
        self.follow = false;
    }

    pub fn bottom(&mut self) {
        self.top = None;
        self.follow = true;
    }

    pub fn toggle_follow(&mut self, height: usize) {
        if self.follow {
            self.top = self.window(height).first().map(|l| l.seq);
            self.follow = false;
        } else {
            self.bottom();
        }
    }

    /// Move the cursor to the next (`forward`) or previous match, keeping the lines around it on
    /// screen. Returns false when nothing matches.
    pub fn jump(&mut self, forward: bool, height: usize) -> bool {
        if self.search.is_none() {
            return false;
        }
        let matches: Vec<u64> = self
            .shown_lines()
            .filter(|l| self.is_match(l))
            .map(|l| l.seq)
            .collect();
        let from = self
            .cursor
            .or_else(|| self.window(height).last().map(|l| l.seq));
        let next = match (forward, from) {
            (true, Some(c)) => matches.iter().find(|s| **s > c).or(matches.first()),
            (false, Some(c)) => matches.iter().rev().find(|s| **s < c).or(matches.last()),
            (true, None) => matches.first(),
            (false, None) => matches.last(),
        };
        let Some(&seq) = next else { return false };
        self.cursor = Some(seq);
        self.cursor_rank = matches.iter().position(|s| *s == seq).map(|i| i + 1);
        // Centre the match: half a window of context above it.
        let before: Vec<u64> = self
            .shown_lines()
            .filter(|l| l.seq <= seq)
            .map(|l| l.seq)
            .collect();
        let start = before.len().saturating_sub(height / 2 + 1);
        self.top = before.get(start).copied();
        self.follow = false;
        true
    }

    /// Number of problem lines (any rule or severity) in the buffer.
    pub fn problem_count(&self) -> usize {
        self.lines.iter().filter(|l| l.is_problem()).count()
    }

    /// The buffer as plain text for saving: `pod | [timestamp ]line`, sanitised.
    /// The lines as shown (the filter applies, as on screen), as text for a file.
    pub fn export(&self) -> String {
        let mut out = String::new();
        for l in self.shown_lines() {
            out.push_str(&l.pod);
            out.push_str(if l.previous { " (previous) | " } else { " | " });
            if let Some(ts) = &l.timestamp {
                out.push_str(ts);
                out.push(' ');
            }
            out.push_str(&crate::logs::sanitize(&l.text, MAX_LINE_BYTES));
            out.push('\n');
        }
        out
    }
}

fn cap(mut text: String) -> String {
    if text.len() > MAX_LINE_BYTES {
        let mut end = MAX_LINE_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> TimedLine {
        TimedLine {
            timestamp: None,
            text: text.into(),
        }
    }

    fn filled(n: usize, capacity: usize) -> LogBuffer {
        let pod: Arc<str> = Arc::from("ms-1");
        let mut b = LogBuffer::with_capacity(capacity);
        for i in 0..n {
            b.push(
                &pod,
                line(&format!("I1110 10:30:00.000000 1 x.go:1] line {i}")),
                false,
            );
        }
        b
    }

    fn texts(lines: &[&LogLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.text.rsplit(' ').next().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn ring_drops_the_oldest_and_counts_them() {
        let b = filled(12, 10);
        assert_eq!(b.len(), 10);
        assert_eq!(b.dropped, 2);
        assert_eq!(texts(&b.window(3)), ["9", "10", "11"]);
    }

    #[test]
    fn paused_view_stays_put_while_lines_arrive_and_drop() {
        let mut b = filled(10, 10);
        b.scroll_up(2, 3);
        assert!(!b.follow);
        assert_eq!(texts(&b.window(3)), ["5", "6", "7"]);
        let pod: Arc<str> = Arc::from("ms-1");
        b.push(&pod, line("I1110 10:30:00.000000 1 x.go:1] line 10"), false);
        assert_eq!(
            texts(&b.window(3)),
            ["5", "6", "7"],
            "new lines do not move a paused view"
        );
        b.scroll_down(100, 3);
        assert!(b.follow, "scrolling past the end resumes following");
        assert_eq!(texts(&b.window(3)), ["8", "9", "10"]);
    }

    #[test]
    fn search_keeps_context_and_wraps_around() {
        let mut b = filled(20, 100);
        b.set_search(Some("LINE 1".into()));
        assert!(b.jump(true, 5));
        let first = b.cursor.expect("cursor");
        assert_eq!(
            first, 1,
            "first match after wrapping from the end is line 1"
        );
        assert_eq!(b.window(5).len(), 5, "context lines stay visible");
        assert!(b.jump(true, 5));
        assert_eq!(b.cursor, Some(10));
        assert!(b.jump(false, 5));
        assert_eq!(b.cursor, Some(1));
        b.set_search(Some("absent".into()));
        assert!(!b.jump(true, 5));
    }

    #[test]
    fn filter_shows_matches_or_problem_lines() {
        let pod: Arc<str> = Arc::from("ms-1");
        let mut b = LogBuffer::default();
        b.push(
            &pod,
            line("I1110 10:30:00.000000 1 serving.go:374] Generated self-signed cert in-memory"),
            false,
        );
        b.push(
            &pod,
            line(r#"E1110 10:30:00.123456 1 scraper.go:149] "Failed to scrape node" err="Get \"https://10.0.0.5:10250/metrics/resource\": tls: failed to verify certificate: x509: certificate signed by unknown authority" node="node-1""#),
            false,
        );
        b.filter = true;
        assert_eq!(b.window(10).len(), 1);
        assert!(b.window(10)[0].is_problem());
        b.set_search(Some("self-signed".into()));
        assert_eq!(b.window(10).len(), 1);
        assert!(!b.window(10)[0].is_problem());
    }

    #[test]
    fn previous_container_lines_are_a_separate_view() {
        let pod: Arc<str> = Arc::from("ms-1");
        let mut b = filled(3, 10);
        b.replace_previous(&pod, vec![line("panic: unknown flag: --logtostderr")]);
        assert_eq!(b.window(10).len(), 3);
        b.show_previous = true;
        assert_eq!(b.window(10).len(), 1);
        b.replace_previous(&pod, vec![line("again")]);
        assert_eq!(b.window(10).len(), 1, "replaced, not appended");
    }

    #[test]
    fn hostile_lines_are_capped_and_exported_clean() {
        let pod: Arc<str> = Arc::from("ms-1");
        let mut b = LogBuffer::default();
        let long = format!("\x1b]0;pwned\x07{}", "é".repeat(MAX_LINE_BYTES));
        b.push(&pod, line(&long), false);
        assert!(b.window(1)[0].text.len() <= MAX_LINE_BYTES);
        assert!(!b.export().contains('\x1b'));
    }

    #[test]
    fn the_match_count_follows_the_search_the_cursor_and_the_ring() {
        let mut b = filled(20, 100);
        b.set_search(Some("line 1".into()));
        assert_eq!(b.match_position(), Some((0, 11)), "line 1 and lines 10–19");
        b.jump(true, 5);
        assert_eq!(b.match_position(), Some((1, 11)));
        b.jump(true, 5);
        assert_eq!(b.match_position(), Some((2, 11)));
        b.jump(false, 5);
        b.jump(false, 5);
        assert_eq!(
            b.match_position(),
            Some((11, 11)),
            "wraps to the last match"
        );

        let pod: Arc<str> = Arc::from("ms-1");
        let mut ring = filled(10, 10);
        ring.set_search(Some("line".into()));
        assert_eq!(ring.match_position(), Some((0, 10)));
        ring.push(&pod, line("I1110 10:30:00.000000 1 x.go:1] other"), false);
        assert_eq!(
            ring.match_position(),
            Some((0, 9)),
            "a matching line dropped off the front is no longer counted"
        );
        ring.set_show_previous(true);
        assert_eq!(
            ring.match_position(),
            Some((0, 0)),
            "previous lines are another view"
        );
        ring.set_search(None);
        assert_eq!(ring.match_position(), None);
    }
}
