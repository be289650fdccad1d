//! klog's JSON format (`--logging-format=json`, metrics-server v0.7+).
//!
//! Kubernetes' JSON logger (component-base, zap underneath) writes one object per line:
//! `{"ts":<epoch ms>,"caller":"file:line","msg":"…", <key/values>}`. It has no level key:
//! info entries carry their verbosity as `"v":N`, error entries (`ErrorS`) carry no `v`
//! and put the error under `"err"`. Object references (`klog.KObj(node)`) render as
//! `{"name":"…"}`.
//!
//! Only the top-level members are read (plus `name` one level down). We scan instead of
//! deserialising because the highlighter needs the byte position of every value.

use super::classify::Level;
use super::klog::balanced_end;
use super::text::{Field, Quoting, Record, Text, closing_quote, unescape};
use std::ops::Range;

#[derive(Debug, Clone)]
pub(crate) struct JsonLine<'a> {
    pub(crate) level: Level,
    pub(crate) record: Record<'a>,
    /// Range of the `msg` key (the record's fields hold every other key).
    pub(crate) msg_key: Range<usize>,
    pub(crate) ts: Option<Range<usize>>,
    pub(crate) caller: Option<Range<usize>>,
}

/// One member of an object.
struct Member<'a> {
    key: &'a str,
    key_range: Range<usize>,
    value: Text<'a>,
    /// The value as written, quotes included.
    raw: Range<usize>,
    is_string: bool,
}

/// Parses a JSON log object starting at `start`; `None` unless it is an object with a
/// string `msg`.
pub(crate) fn parse(line: &str, start: usize) -> Option<JsonLine<'_>> {
    let (members, _end) = object(line, start, 0)?;
    let mut msg = None;
    let mut fields = Vec::with_capacity(members.len());
    let (mut ts, mut caller, mut level_word) = (None, None, None);
    let (mut has_v, mut msg_key) = (false, 0..0);
    for m in members {
        match m.key {
            "msg" if m.is_string => {
                msg = Some(m.value);
                msg_key = m.key_range;
                continue;
            }
            "ts" => ts = Some(m.raw.clone()),
            "caller" => caller = Some(m.value.orig_all()),
            "v" => has_v = true,
            "level" | "severity" => level_word = Some(m.value.as_str().to_ascii_lowercase()),
            _ => {}
        }
        fields.push(Field {
            key: m.key,
            key_range: m.key_range,
            value: m.value,
        });
    }
    let level = match level_word.as_deref() {
        Some(word) => level_from_word(word),
        None if has_v => Level::Info,
        // klog's JSON logger writes `v` on every info entry, so its absence means ErrorS.
        None => Level::Error,
    };
    Some(JsonLine {
        level,
        record: Record { msg: msg?, fields },
        msg_key,
        ts,
        caller,
    })
}

fn level_from_word(word: &str) -> Level {
    match word {
        "info" | "debug" | "trace" => Level::Info,
        "warn" | "warning" => Level::Warning,
        "error" | "err" => Level::Error,
        "fatal" | "panic" | "dpanic" | "critical" => Level::Fatal,
        _ => Level::Unknown,
    }
}

/// The members of the object opening at `open` and the index after its `}`.
/// `depth` 0 is the line itself; nested objects are read one level deep only.
fn object(line: &str, open: usize, depth: u8) -> Option<(Vec<Member<'_>>, usize)> {
    let b = line.as_bytes();
    let mut i = skip_ws(b, open);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_ws(b, i + 1);
    let mut members = Vec::new();
    if b.get(i) == Some(&b'}') {
        return Some((members, i + 1));
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_close = closing_quote(b, i + 1)?;
        let key_range = i + 1..key_close;
        i = skip_ws(b, key_close + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        let (value, raw, is_string) = value(line, i, depth)?;
        i = skip_ws(b, raw.end);
        members.push(Member {
            key: &line[key_range.clone()],
            key_range,
            value,
            raw,
            is_string,
        });
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Some((members, i + 1)),
            _ => return None,
        }
    }
}

/// The value at `i`: its text, its raw range, and whether it is a string.
fn value(line: &str, i: usize, depth: u8) -> Option<(Text<'_>, Range<usize>, bool)> {
    let b = line.as_bytes();
    match b.get(i)? {
        b'"' => {
            let close = closing_quote(b, i + 1)?;
            Some((
                unescape(&line[i + 1..close], i + 1, Quoting::Json),
                i..close + 1,
                true,
            ))
        }
        b'{' if depth == 0 => {
            let (members, end) = object(line, i, depth + 1)?;
            let name = members
                .into_iter()
                .find(|m| m.key == "name" && m.is_string)
                .map(|m| m.value);
            Some((
                name.unwrap_or_else(|| Text::verbatim(&line[i..end], i)),
                i..end,
                false,
            ))
        }
        b'{' | b'[' => {
            let end = balanced_end(b, i)?;
            Some((Text::verbatim(&line[i..end], i), i..end, false))
        }
        _ => {
            let len = b[i..]
                .iter()
                .take_while(|&&c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
                .count();
            (len > 0).then(|| (Text::verbatim(&line[i..i + len], i), i..i + len, false))
        }
    }
}

fn skip_ws(b: &[u8], i: usize) -> usize {
    i + b.get(i..).map_or(0, |rest| {
        rest.iter().take_while(|c| c.is_ascii_whitespace()).count()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_entry_with_object_node() {
        let line = r#"{"ts":1762770596512.874,"caller":"scraper/scraper.go:149","msg":"Failed to scrape node","node":{"name":"worker-1"},"err":"Get \"https://10.0.1.11:10250/metrics/resource\": EOF"}"#;
        let j = parse(line, 0).expect("json");
        assert_eq!(j.level, Level::Error);
        assert_eq!(j.record.msg.as_str(), "Failed to scrape node");
        let node = j.record.field("node").expect("node");
        assert_eq!(node.as_str(), "worker-1");
        assert_eq!(&line[node.orig_all()], "worker-1");
        assert!(
            j.record
                .field("err")
                .expect("err")
                .as_str()
                .starts_with("Get \"https://")
        );
        assert_eq!(&line[j.ts.expect("ts")], "1762770596512.874");
        assert_eq!(&line[j.caller.expect("caller")], "scraper/scraper.go:149");
        assert_eq!(&line[j.msg_key], "msg");
    }

    #[test]
    fn info_entry_has_v() {
        let line = r#" { "ts": 1, "msg": "Serving securely on [::]:10250", "v": 0 } "#;
        assert_eq!(parse(line, 0).expect("json").level, Level::Info);
    }

    #[test]
    fn level_key_wins() {
        let line = r#"{"level":"warn","msg":"m"}"#;
        assert_eq!(parse(line, 0).expect("json").level, Level::Warning);
    }

    #[test]
    fn not_klog_json() {
        for line in [
            r#"{"ts":1}"#,
            r#"{"msg":1}"#,
            r#"{"msg":"a""#,
            "{",
            r#"{"msg":"a",}"#,
            "[1]",
        ] {
            assert!(parse(line, 0).is_none(), "{line}");
        }
    }
}
