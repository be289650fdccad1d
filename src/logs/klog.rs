//! klog's text format: the header and structured (`InfoS`/`ErrorS`) messages.
//!
//! Header: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg` where `L` is one of `IWEF`.
//! glog (metrics-server v0.3) writes the same header. Structured messages continue with
//! `"msg" key="value" key=value …`, values quoted the Go way (`\"` inside).
//!
//! Both parsers work on bytes and only split at ASCII bytes, which are always char
//! boundaries in UTF-8, so arbitrary input cannot make them slice inside a character.

use super::classify::Level;
use super::text::{Field, Quoting, Record, Text, closing_quote, unescape};
use std::ops::Range;

/// klog source locations are short (`scraper.go:149`); a longer run is not a header.
const MAX_SOURCE: usize = 256;

#[derive(Debug, Clone)]
pub(crate) struct Header {
    pub(crate) level: Level,
    /// The level letter.
    pub(crate) level_at: usize,
    /// `mmdd hh:mm:ss.uuuuuu`.
    pub(crate) timestamp: Range<usize>,
    /// `file:line`.
    pub(crate) source: Range<usize>,
    pub(crate) body_start: usize,
}

/// Parses a klog header that starts exactly at `at`.
pub(crate) fn header(line: &str, at: usize) -> Option<Header> {
    let b = line.as_bytes();
    let level = match b.get(at)? {
        b'I' => Level::Info,
        b'W' => Level::Warning,
        b'E' => Level::Error,
        b'F' => Level::Fatal,
        _ => return None,
    };
    let mut i = at + 1;
    i = digits(b, i, 4, 4)?;
    i = expect(b, i, b' ')?;
    i = clock(b, i)?;
    let ts_end = i;
    i = spaces(b, i)?;
    i = digits(b, i, 1, 10)?; // thread id
    i = expect(b, i, b' ')?;
    let src_start = i;
    let src_len = b[i..]
        .iter()
        .take(MAX_SOURCE)
        .take_while(|&&c| c != b']' && c != b' ')
        .count();
    i += src_len;
    if src_len == 0 || b.get(i) != Some(&b']') {
        return None;
    }
    let body_start = if b.get(i + 1) == Some(&b' ') {
        i + 2
    } else {
        i + 1
    };
    Some(Header {
        level,
        level_at: at,
        timestamp: at + 1..ts_end,
        source: src_start..i,
        body_start,
    })
}

/// Skips `min..=max` ASCII digits starting at `i`.
fn digits(b: &[u8], i: usize, min: usize, max: usize) -> Option<usize> {
    let n = b
        .get(i..)?
        .iter()
        .take(max)
        .take_while(|c| c.is_ascii_digit())
        .count();
    (n >= min).then_some(i + n)
}

fn expect(b: &[u8], i: usize, want: u8) -> Option<usize> {
    (b.get(i) == Some(&want)).then_some(i + 1)
}

fn spaces(b: &[u8], i: usize) -> Option<usize> {
    let n = b.get(i..)?.iter().take_while(|&&c| c == b' ').count();
    (n > 0).then_some(i + n)
}

/// `hh:mm:ss` with an optional `.fraction`.
fn clock(b: &[u8], mut i: usize) -> Option<usize> {
    i = digits(b, i, 2, 2)?;
    i = expect(b, i, b':')?;
    i = digits(b, i, 2, 2)?;
    i = expect(b, i, b':')?;
    i = digits(b, i, 2, 2)?;
    if b.get(i) == Some(&b'.') {
        i = digits(b, i + 1, 1, 9)?;
    }
    Some(i)
}

/// Parses `"msg" key=value …` starting at `start`. `None` if the text does not start
/// with a terminated quoted message followed by a space or the end of the line.
///
/// Whatever cannot be read as `key=value` is kept as one last field with an empty key,
/// so signature matching still sees every byte of the line.
pub(crate) fn structured(line: &str, start: usize) -> Option<Record<'_>> {
    let b = line.as_bytes();
    if b.get(start) != Some(&b'"') {
        return None;
    }
    let close = closing_quote(b, start + 1)?;
    if !matches!(b.get(close + 1), None | Some(b' ')) {
        return None;
    }
    let msg = unescape(&line[start + 1..close], start + 1, Quoting::Go);
    let mut fields = Vec::new();
    let mut i = close + 1;
    while i < b.len() {
        i += b[i..].iter().take_while(|&&c| c == b' ').count();
        if i >= b.len() {
            break;
        }
        match key_value(line, i) {
            Some((field, next)) => {
                fields.push(field);
                i = next;
            }
            None => {
                fields.push(Field {
                    key: "",
                    key_range: i..i,
                    value: Text::verbatim(&line[i..], i),
                });
                break;
            }
        }
    }
    Some(Record { msg, fields })
}

/// One `key=value` at `i`; returns the field and the index after the value.
fn key_value(line: &str, i: usize) -> Option<(Field<'_>, usize)> {
    let b = line.as_bytes();
    let key_len = b[i..].iter().take_while(|&&c| is_key_byte(c)).count();
    let eq = i + key_len;
    if key_len == 0 || b.get(eq) != Some(&b'=') {
        return None;
    }
    let v = eq + 1;
    let (value, next) = match b.get(v) {
        Some(b'"') => {
            // An unterminated value runs to the end of the line.
            let close = closing_quote(b, v + 1).unwrap_or(b.len());
            (
                unescape(&line[v + 1..close], v + 1, Quoting::Go),
                (close + 1).min(b.len()),
            )
        }
        Some(b'[' | b'{') => {
            let end = balanced_end(b, v).unwrap_or(b.len());
            (Text::verbatim(&line[v..end], v), end)
        }
        _ => {
            let end = v + b[v..].iter().take_while(|&&c| c != b' ').count();
            (Text::verbatim(&line[v..end], v), end)
        }
    };
    Some((
        Field {
            key: &line[i..eq],
            key_range: i..eq,
            value,
        },
        next,
    ))
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/')
}

/// End (exclusive) of the bracketed value opening at `open`, skipping quoted strings.
pub(crate) fn balanced_end(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' => i = closing_quote(b, i + 1)?,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"E1110 10:30:00.123456       1 scraper.go:139] "Failed to scrape node" err="Get \"https://10.0.0.5:10250/x\": EOF" node="worker-1""#;

    #[test]
    fn header_fields() {
        let h = header(LINE, 0).expect("header");
        assert_eq!(h.level, Level::Error);
        assert_eq!(&LINE[h.timestamp.clone()], "1110 10:30:00.123456");
        assert_eq!(&LINE[h.source.clone()], "scraper.go:139");
        assert!(LINE[h.body_start..].starts_with("\"Failed"));
    }

    #[test]
    fn not_headers() {
        for line in [
            "Error: unknown flag",
            "E1110 10:30:00.1 x.go:1] m",
            "I11 10:30:00 1 a.go:1] m",
            "E1110 10:30:00 1 ] m",
            "W1110 10:30:00.5 1 a b.go:1] m",
        ] {
            let h = header(line, 0);
            assert!(h.is_none(), "{line}: {h:?}");
        }
        assert!(header("I1110 10:30:00 12 a.go:1]", 0).is_some());
    }

    #[test]
    fn structured_fields_in_any_order() {
        let h = header(LINE, 0).expect("header");
        let rec = structured(LINE, h.body_start).expect("structured");
        assert_eq!(rec.msg.as_str(), "Failed to scrape node");
        assert_eq!(
            rec.field("err").map(Text::as_str),
            Some(r#"Get "https://10.0.0.5:10250/x": EOF"#)
        );
        assert_eq!(rec.field("node").map(Text::as_str), Some("worker-1"));
        let keys: Vec<_> = rec
            .fields
            .iter()
            .map(|f| &LINE[f.key_range.clone()])
            .collect();
        assert_eq!(keys, ["err", "node"]);
    }

    #[test]
    fn bare_bracketed_and_leftover_values() {
        let line = r#""Scrape finished" duration="52ms" nodeCount=3 nodes=["a","b c"] odd text"#;
        let rec = structured(line, 0).expect("structured");
        let got: Vec<_> = rec
            .fields
            .iter()
            .map(|f| (f.key, f.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("duration", "52ms"),
                ("nodeCount", "3"),
                ("nodes", r#"["a","b c"]"#),
                ("", "odd text")
            ]
        );
    }

    #[test]
    fn quoted_text_that_is_not_structured() {
        assert!(structured(r#""quoted"suffix"#, 0).is_none());
        assert!(structured(r#""unterminated"#, 0).is_none());
        let rec = structured(r#""m" err="open"#, 0).expect("structured");
        assert_eq!(rec.field("err").map(Text::as_str), Some("open"));
    }
}
