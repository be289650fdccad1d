//! Make untrusted pod-log text safe to draw in a terminal.
//!
//! Container output is written by whatever runs in the pod. Drawn verbatim, a line could
//! retitle the terminal (OSC), clear the screen or move the cursor (CSI), switch character
//! sets, or use `\r` and bidi overrides to make text look different from what it is.
//! [`sanitize`] removes every escape sequence, shows other control characters as visible
//! symbols, and caps the length so one huge line cannot stall rendering.
//!
//! Decisions:
//! - C0 controls and DEL become their Unicode "control pictures" (`␛`, `␇`, `␡`): visible,
//!   one column wide, and they say which byte was there. Tab expands to spaces.
//! - C1 controls (U+0080–U+009F) and bidi controls (U+202A–U+202E, U+2066–U+2069, LRM/RLM,
//!   ALM) and the line/paragraph separators become U+FFFD. Log lines are read left to
//!   right; an override there is an attack (Trojan Source), not content.
//! - An unterminated string sequence (OSC, DCS, …) swallows the rest of the line, as a
//!   terminal would: whatever followed was never meant to be seen.

use std::borrow::Cow;

/// Marks a line cut at the length cap.
pub const ELLIPSIS: char = '…';
/// Replaces characters that have no control picture.
pub const REPLACEMENT: char = '\u{FFFD}';
const TAB_STOP: usize = 8;
const ESC: char = '\x1b';
const BEL: char = '\x07';
/// C1 string terminator.
const ST: char = '\u{9c}';

/// Returns `line` without escape sequences and control characters, at most `max_len`
/// characters long (the last one being [`ELLIPSIS`] when cut). Trailing `\r`/`\n` are
/// dropped (CRLF logs). Borrows when nothing needs to change.
pub fn sanitize(line: &str, max_len: usize) -> Cow<'_, str> {
    let line = line.trim_end_matches(['\r', '\n']);
    if is_clean(line, max_len) {
        return Cow::Borrowed(line);
    }
    let mut w = Writer::new(line.len().min(max_len.saturating_mul(4)), max_len);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        let fits = match c {
            ESC => {
                skip_escape(&mut chars);
                true
            }
            '\u{9b}' => {
                skip_csi(&mut chars);
                true
            }
            // C1 DCS, SOS, OSC, PM, APC: strings up to a terminator.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => {
                skip_string(&mut chars);
                true
            }
            '\t' => w.tab(),
            c => w.put(visible(c)),
        };
        if !fits {
            break;
        }
    }
    Cow::Owned(w.out)
}

/// True when `line` can be shown as is.
fn is_clean(line: &str, max_len: usize) -> bool {
    // Printable ASCII is the common case: one byte, one char.
    if line.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return line.len() <= max_len;
    }
    let mut n = 0;
    for c in line.chars() {
        if needs_care(c) {
            return false;
        }
        n += 1;
    }
    n <= max_len
}

fn needs_care(c: char) -> bool {
    c.is_control() || is_bidi_or_separator(c)
}

fn is_bidi_or_separator(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// What to show for a character outside escape sequences.
fn visible(c: char) -> char {
    match c {
        '\0'..='\x1f' => char::from_u32(0x2400 + c as u32).unwrap_or(REPLACEMENT),
        '\x7f' => '\u{2421}',
        c if needs_care(c) => REPLACEMENT,
        c => c,
    }
}

/// Accumulates output up to the length cap.
struct Writer {
    out: String,
    chars: usize,
    max: usize,
}

impl Writer {
    fn new(cap: usize, max: usize) -> Self {
        Writer {
            out: String::with_capacity(cap),
            chars: 0,
            max,
        }
    }

    /// Appends `c`; false when the cap was hit (the output then ends with the ellipsis).
    fn put(&mut self, c: char) -> bool {
        if self.chars < self.max {
            self.out.push(c);
            self.chars += 1;
            return true;
        }
        // One more char than fits: the line is cut, so the last kept char makes room for
        // the marker. With a cap of 0 there is no room even for that.
        if self.out.pop().is_some() {
            self.out.push(ELLIPSIS);
        }
        false
    }

    fn tab(&mut self) -> bool {
        let n = TAB_STOP - self.chars % TAB_STOP;
        (0..n).all(|_| self.put(' '))
    }
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: CSI, a string sequence, or a short sequence (intermediates + final byte).
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.peek().copied() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | 'X' | '^' | '_') => {
            chars.next();
            skip_string(chars);
        }
        Some(' '..='/') => {
            while chars.next_if(|c| matches!(c, ' '..='/')).is_some() {}
            chars.next_if(|c| matches!(c, '0'..='~'));
        }
        Some('0'..='~') => {
            chars.next();
        }
        // ESC before a control or non-ASCII char (or at the end) is dropped alone.
        _ => {}
    }
}

/// CSI parameters, intermediates and final byte. A malformed sequence ends at the first
/// unexpected char, which is then shown normally.
fn skip_csi(chars: &mut Chars<'_>) {
    while chars.next_if(|c| matches!(c, '0'..='?')).is_some() {}
    while chars.next_if(|c| matches!(c, ' '..='/')).is_some() {}
    chars.next_if(|c| matches!(c, '@'..='~'));
}

/// An OSC/DCS/SOS/PM/APC body up to BEL, ST or `ESC \`. Another ESC ends it too and
/// starts a new sequence, as in terminals.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(&c) = chars.peek() {
        match c {
            BEL | ST => {
                chars.next();
                return;
            }
            ESC => {
                chars.next();
                if chars.peek() == Some(&'\\') {
                    chars.next();
                } else {
                    skip_escape(chars);
                }
                return;
            }
            _ => {
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(line: &str) -> String {
        sanitize(line, 1000).into_owned()
    }

    #[test]
    fn clean_lines_are_borrowed() {
        let line =
            "I1110 10:30:00.123456       1 secure_serving.go:213] Serving securely on [::]:10250";
        assert!(matches!(sanitize(line, 1000), Cow::Borrowed(_)));
        assert!(matches!(
            sanitize("노드 worker-1 정상", 100),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn osc_title_change_is_removed() {
        assert_eq!(s("\x1b]0;pwned\x07after"), "after");
        assert_eq!(s("\x1b]0;pwned\x1b\\after"), "after");
        assert_eq!(s("\u{9d}0;pwned\u{9c}after"), "after");
        assert_eq!(
            s("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
    }

    #[test]
    fn csi_sequences_are_removed() {
        assert_eq!(s("\x1b[2Jx"), "x");
        assert_eq!(s("a\x1b[31;1mred\x1b[0m"), "ared");
        assert_eq!(s("\u{9b}31mred"), "red");
        assert_eq!(s("\x1b[?1049h\x1b[H"), "");
        assert_eq!(s("\x1b[6n"), "");
    }

    #[test]
    fn other_escapes_are_removed() {
        assert_eq!(s("\x1bcreset"), "reset");
        assert_eq!(s("\x1b(Bascii"), "ascii");
        assert_eq!(s("\x1b#8x"), "x");
        assert_eq!(s("\x1bPqdcs\x1b\\x"), "x");
        assert_eq!(s("end\x1b"), "end");
    }

    #[test]
    fn unterminated_strings_swallow_the_rest() {
        assert_eq!(s("ok\x1b]0;title never ends"), "ok");
    }

    #[test]
    fn malformed_csi_shows_the_interrupting_char() {
        assert_eq!(s("\x1b[31\x07X"), "␇X");
    }

    #[test]
    fn controls_become_visible() {
        assert_eq!(s("bell\x07"), "bell␇");
        assert_eq!(s("a\x00b\x7fc"), "a␀b␡c");
        assert_eq!(s("cr\rmid"), "cr␍mid");
        assert_eq!(s("nl\nmid"), "nl␊mid");
        assert_eq!(s("next\u{85}line"), "next\u{FFFD}line");
    }

    #[test]
    fn bidi_controls_are_replaced() {
        assert_eq!(s("file\u{202E}gnp.exe"), "file\u{FFFD}gnp.exe");
        assert_eq!(s("\u{2066}x\u{2069}"), "\u{FFFD}x\u{FFFD}");
        assert_eq!(s("a\u{2028}b"), "a\u{FFFD}b");
    }

    #[test]
    fn trailing_line_endings_are_dropped() {
        assert_eq!(sanitize("line\r", 100), "line");
        assert_eq!(sanitize("line\r\n", 100), "line");
        assert!(matches!(sanitize("line\r", 100), Cow::Borrowed("line")));
    }

    #[test]
    fn tabs_expand_to_tab_stops() {
        assert_eq!(s("a\tb"), "a       b");
        assert_eq!(s("\tb"), "        b");
        assert_eq!(s("12345678\tb"), "12345678        b");
    }

    #[test]
    fn length_cap_on_char_boundaries() {
        assert_eq!(sanitize("abcdef", 4), "abc…");
        assert!(matches!(sanitize("abcd", 4), Cow::Borrowed("abcd")));
        assert_eq!(sanitize("héllo wörld", 5), "héll…");
        assert_eq!(sanitize("노드가 준비되지 않음", 3), "노드…");
        assert_eq!(sanitize("abc", 0), "");
        assert_eq!(sanitize("a\tb", 4), "a  …");
    }

    #[test]
    fn escapes_do_not_count_towards_the_cap() {
        assert_eq!(sanitize("\x1b[31mabc\x1b[0m", 3), "abc");
    }

    #[test]
    fn output_never_contains_controls() {
        // Every char from U+0000 to U+00FF, plus bidi controls, in many arrangements.
        let alphabet: Vec<char> = (0u32..0x100)
            .filter_map(char::from_u32)
            .chain(['\u{202e}', '\u{2066}'])
            .collect();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..2000 {
            let len = (next(&mut seed) % 40) as usize;
            let line: String = (0..len)
                .map(|_| alphabet[(next(&mut seed) % alphabet.len() as u64) as usize])
                .collect();
            let max = (next(&mut seed) % 30) as usize;
            let out = sanitize(&line, max);
            assert!(out.chars().count() <= max, "{line:?} -> {out:?}");
            assert!(!out.chars().any(needs_care), "{line:?} -> {out:?}");
        }
    }

    /// xorshift64: deterministic test input without a dependency.
    fn next(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }
}
