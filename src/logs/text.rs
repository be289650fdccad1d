//! Unescaped views of log values that remember where each byte came from.
//!
//! Signatures are matched on *unescaped* text (klog writes `err="Get \"https://…\": …"`),
//! but highlight spans must point into the *original* line. A [`Text`] keeps both: the
//! unescaped string and, when unescaping changed anything, a byte-offset map back into the
//! line. Values without escapes stay borrowed and need no map.

use std::borrow::Cow;
use std::ops::Range;

/// An unescaped value plus the way back to the original line.
#[derive(Debug, Clone)]
pub(crate) struct Text<'a> {
    s: Cow<'a, str>,
    /// Offset of the value's first byte in the original line.
    base: usize,
    /// Empty when `s` is a verbatim slice. Otherwise one original offset per byte of `s`,
    /// plus a final entry for the end, so `map[r.end]` is valid for every range.
    map: Vec<usize>,
}

impl<'a> Text<'a> {
    /// A verbatim slice of the line that starts at `base`.
    pub(crate) fn verbatim(s: &'a str, base: usize) -> Self {
        Text {
            s: Cow::Borrowed(s),
            base,
            map: Vec::new(),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.s
    }

    /// Maps a byte range of the unescaped text to the original line.
    ///
    /// Out-of-range input is clamped instead of panicking: callers pass ranges from regex
    /// matches on `as_str()`, so clamping only ever matters for bugs, not for data.
    pub(crate) fn orig(&self, r: Range<usize>) -> Range<usize> {
        if self.map.is_empty() {
            let len = self.s.len();
            return self.base + r.start.min(len)..self.base + r.end.min(len);
        }
        let last = self.map.len() - 1;
        let at = |i: usize| self.map[i.min(last)];
        at(r.start)..at(r.end)
    }

    /// The original range of the whole value.
    pub(crate) fn orig_all(&self) -> Range<usize> {
        self.orig(0..self.s.len())
    }
}

/// Collects unescaped output and its offset map.
struct Builder {
    out: String,
    map: Vec<usize>,
}

impl Builder {
    fn new(cap: usize) -> Self {
        Builder {
            out: String::with_capacity(cap),
            map: Vec::with_capacity(cap + 1),
        }
    }

    fn push_str(&mut self, s: &str, orig: usize) {
        self.map.extend((0..s.len()).map(|i| orig + i));
        self.out.push_str(s);
    }

    /// A character produced by an escape: all its bytes map to the escape's start, so a
    /// range ending after it maps to the end of the whole escape (the next unit's start).
    fn push_char(&mut self, c: char, orig: usize) {
        self.map.extend(std::iter::repeat_n(orig, c.len_utf8()));
        self.out.push(c);
    }

    fn finish<'a>(mut self, base: usize, end: usize) -> Text<'a> {
        self.map.push(end);
        Text {
            s: Cow::Owned(self.out),
            base,
            map: self.map,
        }
    }
}

/// Which escape syntax a quoted value uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quoting {
    /// Go `strconv.Quote` / `%q`, as klog's text format writes values.
    Go,
    /// JSON string escapes, as the JSON log format writes values.
    Json,
}

/// Unescapes `raw` (the content between the quotes) that starts at `base` in the line.
pub(crate) fn unescape(raw: &str, base: usize, quoting: Quoting) -> Text<'_> {
    if !raw.contains('\\') {
        return Text::verbatim(raw, base);
    }
    let bytes = raw.as_bytes();
    let mut b = Builder::new(raw.len());
    let mut lit = 0; // start of the pending literal run
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        // Backslash is ASCII, so `lit..i` and `i` are char boundaries.
        b.push_str(&raw[lit..i], base + lit);
        let (c, used) = match quoting {
            Quoting::Go => go_escape(&bytes[i + 1..]),
            Quoting::Json => json_escape(&bytes[i + 1..]),
        };
        b.push_char(c, base + i);
        i += 1 + used;
        lit = i;
    }
    b.push_str(&raw[lit..], base + lit);
    b.finish(base, base + raw.len())
}

/// Decodes one Go escape after the backslash: the character and the bytes used.
/// An unknown or truncated escape yields the backslash itself, so the text after it
/// stays literal (that is how a reader would see it).
fn go_escape(rest: &[u8]) -> (char, usize) {
    let Some(&first) = rest.first() else {
        return ('\\', 0);
    };
    let simple = match first {
        b'a' => Some('\x07'),
        b'b' => Some('\x08'),
        b'f' => Some('\x0c'),
        b'n' => Some('\n'),
        b'r' => Some('\r'),
        b't' => Some('\t'),
        b'v' => Some('\x0b'),
        b'\\' => Some('\\'),
        b'"' => Some('"'),
        b'\'' => Some('\''),
        _ => None,
    };
    if let Some(c) = simple {
        return (c, 1);
    }
    match first {
        b'x' => hex_char(rest.get(1..3), 1),
        b'u' => hex_char(rest.get(1..5), 1),
        b'U' => hex_char(rest.get(1..9), 1),
        b'0'..=b'7' => octal_char(rest.get(0..3)),
        _ => ('\\', 0),
    }
}

/// Decodes one JSON escape after the backslash (see [`go_escape`] for the contract).
fn json_escape(rest: &[u8]) -> (char, usize) {
    let Some(&first) = rest.first() else {
        return ('\\', 0);
    };
    match first {
        b'"' => ('"', 1),
        b'\\' => ('\\', 1),
        b'/' => ('/', 1),
        b'b' => ('\x08', 1),
        b'f' => ('\x0c', 1),
        b'n' => ('\n', 1),
        b'r' => ('\r', 1),
        b't' => ('\t', 1),
        b'u' => json_unicode(rest),
        _ => ('\\', 0),
    }
}

/// `\uXXXX`, joining a UTF-16 surrogate pair when the low half follows.
fn json_unicode(rest: &[u8]) -> (char, usize) {
    let Some(hi) = rest.get(1..5).and_then(parse_hex) else {
        return ('\\', 0);
    };
    if (0xD800..0xDC00).contains(&hi) {
        let low = (rest.get(5..7) == Some(b"\\u"))
            .then(|| rest.get(7..11).and_then(parse_hex))
            .flatten()
            .filter(|lo| (0xDC00..0xE000).contains(lo));
        if let Some(lo) = low {
            let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
            return (char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER), 11);
        }
    }
    (char::from_u32(hi).unwrap_or(char::REPLACEMENT_CHARACTER), 5)
}

/// A `\x`, `\u` or `\U` escape. Single bytes ≥ 0x80 are parts of a UTF-8 sequence that Go
/// could not print; they become U+FFFD rather than being glued back together.
fn hex_char(digits: Option<&[u8]>, prefix: usize) -> (char, usize) {
    let Some(d) = digits else { return ('\\', 0) };
    match parse_hex(d) {
        Some(v) if d.len() == 2 && v >= 0x80 => (char::REPLACEMENT_CHARACTER, prefix + d.len()),
        Some(v) => (
            char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER),
            prefix + d.len(),
        ),
        None => ('\\', 0),
    }
}

fn octal_char(digits: Option<&[u8]>) -> (char, usize) {
    let Some(d) = digits else { return ('\\', 0) };
    if !d.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return ('\\', 0);
    }
    let v = d.iter().fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
    let c = if v < 0x80 { char::from_u32(v) } else { None };
    (c.unwrap_or(char::REPLACEMENT_CHARACTER), 3)
}

fn parse_hex(d: &[u8]) -> Option<u32> {
    d.iter()
        .try_fold(0u32, |acc, &b| Some(acc * 16 + (b as char).to_digit(16)?))
}

/// Index of the closing quote of a quoted string whose content starts at `from`
/// (just after the opening quote). `None` when the string is not terminated.
pub(crate) fn closing_quote(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// A key/value pair of a structured log line.
#[derive(Debug, Clone)]
pub(crate) struct Field<'a> {
    pub(crate) key: &'a str,
    /// Original range of the key name (without quotes or `=`).
    pub(crate) key_range: Range<usize>,
    /// The value, unescaped. For a JSON object value with a `name` member (a `klog.KObj`
    /// reference) this is that name.
    pub(crate) value: Text<'a>,
}

/// The message part of a line, split into a message and fields when structured.
#[derive(Debug, Clone)]
pub(crate) struct Record<'a> {
    pub(crate) msg: Text<'a>,
    pub(crate) fields: Vec<Field<'a>>,
}

impl<'a> Record<'a> {
    /// An unstructured message: the whole rest of the line.
    pub(crate) fn plain(line: &'a str, start: usize) -> Self {
        let start = start.min(line.len());
        Record {
            msg: Text::verbatim(line.get(start..).unwrap_or(""), start),
            fields: Vec::new(),
        }
    }

    pub(crate) fn field(&self, key: &str) -> Option<&Text<'a>> {
        self.fields.iter().find(|f| f.key == key).map(|f| &f.value)
    }

    /// The message followed by every field value: the texts signatures are searched in.
    pub(crate) fn pieces(&self) -> impl Iterator<Item = &Text<'a>> + Clone {
        std::iter::once(&self.msg).chain(self.fields.iter().map(|f| &f.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that every char boundary of the unescaped text maps into the original.
    fn check_map(t: &Text<'_>, line: &str) {
        let s = t.as_str();
        for (i, _) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            let r = t.orig(i..i);
            assert!(line.is_char_boundary(r.start), "{i} -> {r:?}");
        }
    }

    #[test]
    fn verbatim_when_no_escapes() {
        let line = r#"err="plain text""#;
        let t = unescape(&line[5..15], 5, Quoting::Go);
        assert!(matches!(t.s, Cow::Borrowed(_)));
        assert_eq!(t.orig(0..5), 5..10);
    }

    #[test]
    fn go_quotes_map_back_to_the_line() {
        let line = r#"err="Get \"https://10.0.0.5:10250/x\": x509: bad" node="n""#;
        let end = closing_quote(line.as_bytes(), 5).expect("terminated");
        let t = unescape(&line[5..end], 5, Quoting::Go);
        assert_eq!(t.as_str(), r#"Get "https://10.0.0.5:10250/x": x509: bad"#);
        let at = t.as_str().find("x509").expect("present");
        let r = t.orig(at..at + 9);
        assert_eq!(&line[r], "x509: bad");
        let q = t.as_str().find('"').expect("quote");
        assert_eq!(&line[t.orig(q..q + 1)], "\\\"");
        check_map(&t, line);
    }

    #[test]
    fn go_escapes_of_all_kinds() {
        let raw = r"a\tb\x41\u00e9\U0001F600\101\xff\q\";
        let t = unescape(raw, 0, Quoting::Go);
        assert_eq!(t.as_str(), "a\tbAé😀A\u{FFFD}\\q\\");
        check_map(&t, raw);
    }

    #[test]
    fn json_escapes_and_surrogates() {
        let raw = r#"q\"\/\n\u00e9\ud83d\ude00\ud800x\u12"#;
        let t = unescape(raw, 0, Quoting::Json);
        assert_eq!(t.as_str(), "q\"/\né😀\u{FFFD}x\\u12");
        check_map(&t, raw);
    }

    #[test]
    fn closing_quote_skips_escaped_quotes() {
        assert_eq!(closing_quote(br#""a\"b" x"#, 1), Some(5));
        assert_eq!(closing_quote(br#""a\"#, 1), None);
        assert_eq!(closing_quote(br#""a\\" x"#, 1), Some(4));
    }
}
