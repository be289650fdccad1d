//! Classify one metrics-server log line: level, catalog rule, fields and highlight spans.
//!
//! A line is read in layers: the tool envelope (`kubectl --prefix/--timestamps`, CRI),
//! then klog's header or a JSON object, then the message and its key/values. Signatures
//! are matched on the unescaped message and values (see `signatures.rs`), and every
//! span points back into the original line, so the UI can colour the raw text.
//!
//! [`classify`] is pure and total: any `&str` gives a result, never a panic.

use super::envelope;
use super::json;
use super::klog;
use super::sanitize::sanitize;
use super::signatures::{Verdict, classify_err, find_address, line_signature};
use super::text::Record;
use crate::vocab::{RuleId, Severity};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;

pub use super::scrape::{ScrapeFailure, scrape_failures};

/// How far into a line we look for a klog header behind an unknown prefix
/// (e.g. `stern`'s pod name, or the `... ` of a pasted excerpt).
const HEADER_SEARCH: usize = 128;

/// The level a line was logged at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Info,
    Warning,
    Error,
    Fatal,
    /// No klog header and no JSON level (plain output such as `Error: …` or `panic: …`).
    Unknown,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
            Level::Fatal => "fatal",
            Level::Unknown => "unknown",
        }
    }
}

/// What a highlighted byte range is; the UI maps these to colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanClass {
    /// Text added by tools: `[pod/NAME/CONTAINER]`, CRI `stderr F`, an unknown lead-in.
    Prefix,
    Timestamp,
    /// The klog level letter.
    Level(Level),
    /// klog `file:line` or JSON `caller`.
    Source,
    /// The key of a structured `key=value` or JSON member.
    Key,
    Node,
    Address,
    /// The text that decided the classification, e.g. `x509: certificate signed by unknown authority`.
    Signature(Severity),
}

impl SpanClass {
    /// A stable name for themes and JSON, e.g. `"signature.error"`, `"level.warning"`.
    pub fn name(self) -> &'static str {
        match self {
            SpanClass::Prefix => "prefix",
            SpanClass::Timestamp => "timestamp",
            SpanClass::Level(Level::Info) => "level.info",
            SpanClass::Level(Level::Warning) => "level.warning",
            SpanClass::Level(Level::Error) => "level.error",
            SpanClass::Level(Level::Fatal) => "level.fatal",
            SpanClass::Level(Level::Unknown) => "level.unknown",
            SpanClass::Source => "source",
            SpanClass::Key => "key",
            SpanClass::Node => "node",
            SpanClass::Address => "address",
            SpanClass::Signature(Severity::Info) => "signature.info",
            SpanClass::Signature(Severity::Warning) => "signature.warning",
            SpanClass::Signature(Severity::Error) => "signature.error",
        }
    }

    /// Who wins when two spans overlap: the evidence over the decoration.
    fn priority(self) -> u8 {
        match self {
            SpanClass::Signature(_) => 7,
            SpanClass::Node => 6,
            SpanClass::Address => 5,
            SpanClass::Level(_) => 4,
            SpanClass::Timestamp => 3,
            SpanClass::Source => 2,
            SpanClass::Key => 1,
            SpanClass::Prefix => 0,
        }
    }
}

/// A highlighted byte range of the original line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct HlSpan {
    pub range: Range<usize>,
    pub class: SpanClass,
}

/// Values read from the line. They are pod text, unescaped: sanitize before display.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LineFields {
    /// The `node` value (`{"name":…}` in JSON), or the first node of a scrape failure.
    pub node: Option<String>,
    /// The address metrics-server dialled (first scrape failure) or the address in a
    /// matched error (e.g. `dial tcp 10.96.0.1:443`).
    pub address: Option<String>,
    pub port: Option<u16>,
    /// The `err` value, unescaped (first failure's error for aggregated lines).
    pub err: Option<String>,
    /// As written: the envelope's RFC 3339 time if any, else klog's `mmdd hh:mm:ss.uuuuuu`,
    /// else JSON `ts` (epoch milliseconds).
    pub timestamp: Option<String>,
}

/// The classification of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classified {
    pub level: Level,
    /// The catalog rule the line is evidence for.
    pub rule: Option<RuleId>,
    /// `None` for benign lines. Set without a rule for known symptoms that have no single
    /// cause (kubectl's `ServiceUnavailable`, an unclassified scrape error).
    pub severity: Option<Severity>,
    /// Sorted, non-overlapping, on char boundaries of the original line.
    pub spans: Vec<HlSpan>,
    pub fields: LineFields,
}

impl Classified {
    /// True when the line matched no signature.
    pub fn is_benign(&self) -> bool {
        self.severity.is_none()
    }
}

/// Classifies one log line (without its trailing newline).
pub fn classify(line: &str) -> Classified {
    analyze(line).finish(line)
}

/// Work in progress while reading a line.
#[derive(Debug)]
pub(crate) struct Draft {
    pub(crate) level: Level,
    pub(crate) rule: Option<RuleId>,
    pub(crate) severity: Option<Severity>,
    spans: Vec<HlSpan>,
    pub(crate) fields: LineFields,
    pub(crate) failures: Vec<ScrapeFailure>,
}

impl Draft {
    pub(crate) fn span(&mut self, range: Range<usize>, class: SpanClass) {
        if range.start < range.end {
            self.spans.push(HlSpan { range, class });
        }
    }

    fn finish(self, line: &str) -> Classified {
        Classified {
            level: self.level,
            rule: self.rule,
            severity: self.severity,
            spans: resolve(self.spans, line),
            fields: self.fields,
        }
    }
}

/// Reads the whole line; shared by [`classify`] and [`scrape_failures`].
pub(crate) fn analyze(line: &str) -> Draft {
    let mut d = Draft {
        level: Level::Unknown,
        rule: None,
        severity: None,
        spans: Vec::new(),
        fields: LineFields::default(),
        failures: Vec::new(),
    };
    let env = envelope::parse(line);
    d.spans.extend(env.spans());
    d.fields.timestamp = env
        .timestamp
        .clone()
        .and_then(|r| line.get(r))
        .map(str::to_owned);
    let record = read_body(line, env.body_start, &mut d);
    note_fields(&record, &mut d);
    if !is_flag_dump(&record) {
        match_signatures(&record, &mut d);
    }
    d
}

/// Parses what follows the envelope: JSON, klog (maybe behind an unknown prefix), or plain.
fn read_body<'a>(line: &'a str, start: usize, d: &mut Draft) -> Record<'a> {
    let rest = line.get(start..).unwrap_or("");
    if rest.trim_start().starts_with('{') {
        if let Some(j) = json::parse(line, start) {
            d.level = j.level;
            d.span(j.msg_key.clone(), SpanClass::Key);
            if let Some(ts) = j.ts {
                d.fields
                    .timestamp
                    .get_or_insert_with(|| line.get(ts.clone()).unwrap_or("").to_owned());
                d.span(ts, SpanClass::Timestamp);
            }
            if let Some(caller) = j.caller {
                d.span(caller, SpanClass::Source);
            }
            return j.record;
        }
    }
    let Some(h) = klog::header(line, start).or_else(|| header_behind_prefix(line, start)) else {
        // A header cut off when pasted may leave its `file.go:N] ` behind.
        let start = match source_behind_prefix(line, start) {
            Some(src) => {
                let body =
                    src.end + 1 + usize::from(line.as_bytes().get(src.end + 1) == Some(&b' '));
                d.span(src, SpanClass::Source);
                body
            }
            None => start,
        };
        return klog::structured(line, start).unwrap_or_else(|| Record::plain(line, start));
    };
    if h.level_at > start {
        let gap = if line.as_bytes()[h.level_at - 1] == b' ' {
            1
        } else {
            0
        };
        d.span(start..h.level_at - gap, SpanClass::Prefix);
    }
    d.level = h.level;
    d.span(h.level_at..h.level_at + 1, SpanClass::Level(h.level));
    d.fields
        .timestamp
        .get_or_insert_with(|| line.get(h.timestamp.clone()).unwrap_or("").to_owned());
    d.span(h.timestamp, SpanClass::Timestamp);
    d.span(h.source, SpanClass::Source);
    klog::structured(line, h.body_start).unwrap_or_else(|| Record::plain(line, h.body_start))
}

/// A klog header that starts after a space (or after the `m` ending an SGR colour code)
/// within the first [`HEADER_SEARCH`] bytes.
fn header_behind_prefix(line: &str, start: usize) -> Option<klog::Header> {
    let window = line.as_bytes().get(start..)?;
    let window = &window[..window.len().min(HEADER_SEARCH)];
    window
        .iter()
        .enumerate()
        .filter(|&(_, &c)| c == b' ' || c == b'm')
        .find_map(|(i, _)| klog::header(line, start + i + 1))
}

/// The `file.go:N` of a klog header whose level and time were cut off (`1 heapster.go:97] …`,
/// `scraper.go:140] …`), within the first [`HEADER_SEARCH`] bytes; the range ends before `]`.
fn source_behind_prefix(line: &str, start: usize) -> Option<Range<usize>> {
    let b = line.as_bytes();
    let window = b.get(start..)?;
    let close = start + window.iter().take(HEADER_SEARCH).position(|&c| c == b']')?;
    let src_start = b[start..close]
        .iter()
        .rposition(|&c| c == b' ' || c == b'[')
        .map_or(start, |i| start + i + 1);
    let src = &line[src_start..close];
    let (file, num) = src.rsplit_once(':')?;
    let ok = file.ends_with(".go")
        && !num.is_empty()
        && num.bytes().all(|c| c.is_ascii_digit())
        && matches!(b.get(close + 1), None | Some(b' '));
    ok.then_some(src_start..close)
}

/// `--v=1` and above print every flag as `FLAG: --name="value"`. Values are user input
/// (paths, lists) and must never be read as evidence.
fn is_flag_dump(rec: &Record<'_>) -> bool {
    rec.fields.is_empty() && rec.msg.as_str().starts_with("FLAG: ")
}

/// Key spans, and the node/err values any structured line may carry.
fn note_fields(rec: &Record<'_>, d: &mut Draft) {
    for f in &rec.fields {
        if !f.key.is_empty() {
            d.span(f.key_range.clone(), SpanClass::Key);
        }
    }
    if let Some(node) = rec.field("node") {
        d.fields.node = Some(node.as_str().to_owned());
        d.span(node.orig_all(), SpanClass::Node);
    }
    if let Some(err) = rec.field("err") {
        d.fields.err = Some(err.as_str().to_owned());
    }
}

fn match_signatures(rec: &Record<'_>, d: &mut Draft) {
    if super::scrape::structured(rec, d) {
        return;
    }
    let Some(hit) = line_signature(rec.pieces()) else {
        fragment(rec, d);
        return;
    };
    let Some(text) = rec.pieces().nth(hit.text) else {
        return;
    };
    let severity = match hit.verdict {
        Verdict::Aggregated if super::scrape::aggregated(text, d) => return,
        Verdict::Aggregated => Severity::Error,
        Verdict::Rule(rule, severity) => {
            d.rule = Some(rule);
            severity
        }
        Verdict::NoRule(severity) => severity,
    };
    d.severity = Some(severity);
    d.span(text.orig(hit.range), SpanClass::Signature(severity));
    if let Some(a) = find_address(text.as_str()) {
        d.span(text.orig(a.host.clone()), SpanClass::Address);
        d.fields.address = text.as_str().get(a.host).map(str::to_owned);
        d.fields.port = a.port;
    }
}

/// A line without any header that no line signature matched is often a piece of a scrape
/// error cut out of a wrapped or quoted paste (`… because it doesn't contain any IP SANs" node=…`,
/// `"403 Forbidden", response: "Forbidden (user=…)"`). Its error class is the line's rule, except
/// for F19's generic network errors (`EOF`, timeouts), which many other lines contain.
fn fragment(rec: &Record<'_>, d: &mut Draft) {
    if d.level != Level::Unknown {
        return;
    }
    for text in rec.pieces() {
        let Some(c) = classify_err(text.as_str()).filter(|c| c.rule != RuleId::KubeletUnreachable)
        else {
            continue;
        };
        d.rule = Some(c.rule);
        d.severity = Some(Severity::Error);
        d.span(text.orig(c.range), SpanClass::Signature(Severity::Error));
        return;
    }
}

/// Drops invalid spans and resolves overlaps by priority (then position), as tailspin's
/// merge does; the result is sorted by start.
fn resolve(mut spans: Vec<HlSpan>, line: &str) -> Vec<HlSpan> {
    spans.retain(|s| {
        let r = &s.range;
        r.start < r.end
            && r.end <= line.len()
            && line.is_char_boundary(r.start)
            && line.is_char_boundary(r.end)
    });
    spans.sort_by_key(|s| (std::cmp::Reverse(s.class.priority()), s.range.start));
    // Kept ranges by start. They never overlap, so only the last one starting before a
    // candidate's end can overlap it.
    let mut kept: BTreeMap<usize, HlSpan> = BTreeMap::new();
    for s in spans {
        let clash = kept
            .range(..s.range.end)
            .next_back()
            .is_some_and(|(_, k)| k.range.end > s.range.start);
        if !clash {
            kept.insert(s.range.start, s);
        }
    }
    kept.into_values().collect()
}

/// A run of a line with one class, sanitized and ready to draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub class: Option<SpanClass>,
}

/// Cuts the original `line` at `spans` (as returned in [`Classified::spans`]) and sanitizes
/// every piece, keeping at most `max_chars` characters in total (the last one `…` when cut).
///
/// Each piece is sanitized on its own, so tab stops restart at span edges; spans that are
/// out of bounds, overlapping or off char boundaries are ignored rather than trusted.
pub fn segments(line: &str, spans: &[HlSpan], max_chars: usize) -> Vec<Segment> {
    let mut out = SegmentWriter {
        out: Vec::new(),
        budget: max_chars,
    };
    let mut pos = 0;
    for s in spans {
        if s.range.start < pos || line.get(s.range.clone()).is_none() {
            continue;
        }
        if !out.push(line, pos..s.range.start, None)
            || !out.push(line, s.range.clone(), Some(s.class))
        {
            return out.out;
        }
        pos = s.range.end;
    }
    out.push(line, pos..line.len(), None);
    out.out
}

struct SegmentWriter {
    out: Vec<Segment>,
    budget: usize,
}

impl SegmentWriter {
    /// Appends one piece; false once the budget is spent.
    fn push(&mut self, line: &str, range: Range<usize>, class: Option<SpanClass>) -> bool {
        let Some(raw) = line.get(range) else {
            return true;
        };
        let clean = sanitize(raw, usize::MAX);
        if clean.is_empty() {
            return true;
        }
        let n = clean.chars().count();
        if n <= self.budget {
            self.budget -= n;
            self.out.push(Segment {
                text: clean.into_owned(),
                class,
            });
            return true;
        }
        if self.budget > 0 {
            let cut = sanitize(&clean, self.budget).into_owned();
            self.out.push(Segment { text: cut, class });
        } else if let Some(last) = self.out.last_mut() {
            // The previous piece filled the budget exactly: its last char becomes the marker.
            last.text.pop();
            last.text.push(super::sanitize::ELLIPSIS);
        }
        self.budget = 0;
        false
    }
}

#[cfg(test)]
pub(crate) mod tests;
