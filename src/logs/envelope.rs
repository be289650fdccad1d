//! What tools wrap around a container's own output.
//!
//! In the order they appear on a line:
//! - `kubectl logs --prefix`: `[pod/NAME/CONTAINER] `;
//! - `kubectl logs --timestamps`: an RFC 3339 timestamp and a space;
//! - the CRI log file format (`/var/log/pods/…`): timestamp, `stdout|stderr`, `F|P`, space.
//!
//! None of these is required; whatever is found is reported as spans so the UI can dim it.

use super::classify::{HlSpan, SpanClass};
use std::ops::Range;

/// The longest `[pod/NAME/CONTAINER]` we accept: names are DNS labels (≤ 253 + 63 chars).
const MAX_PREFIX: usize = 340;

/// The layers found before the container's own text.
#[derive(Debug, Default)]
pub(crate) struct Envelope {
    /// Where the container's own text starts.
    pub(crate) body_start: usize,
    pub(crate) prefix: Option<Range<usize>>,
    pub(crate) timestamp: Option<Range<usize>>,
    /// The CRI `stderr F` stream/tag pair.
    pub(crate) stream: Option<Range<usize>>,
}

impl Envelope {
    pub(crate) fn spans(&self) -> impl Iterator<Item = HlSpan> + '_ {
        let prefix = self.prefix.iter().chain(&self.stream);
        prefix
            .map(|r| HlSpan {
                range: r.clone(),
                class: SpanClass::Prefix,
            })
            .chain(self.timestamp.iter().map(|r| HlSpan {
                range: r.clone(),
                class: SpanClass::Timestamp,
            }))
    }
}

pub(crate) fn parse(line: &str) -> Envelope {
    let b = line.as_bytes();
    let mut env = Envelope::default();
    let mut at = 0;
    if let Some(end) = kubectl_prefix(b) {
        env.prefix = Some(0..end);
        at = end + 1;
    }
    if let Some(len) = rfc3339_len(&b[at..]) {
        if b.get(at + len) == Some(&b' ') {
            env.timestamp = Some(at..at + len);
            at += len + 1;
            if let Some(len) = cri_stream_len(&b[at..]) {
                env.stream = Some(at..at + len);
                at += len + 1;
            }
        }
    }
    env.body_start = at;
    env
}

/// End (exclusive) of a `[pod/NAME/CONTAINER]` prefix that is followed by a space.
fn kubectl_prefix(b: &[u8]) -> Option<usize> {
    if !b.starts_with(b"[pod/") {
        return None;
    }
    let window = &b[..b.len().min(MAX_PREFIX)];
    let close = window.iter().position(|&c| c == b']')?;
    let inner = &b[5..close];
    let well_formed = inner.iter().filter(|&&c| c == b'/').count() == 1
        && !inner.iter().any(|c| c.is_ascii_whitespace());
    (well_formed && b.get(close + 1) == Some(&b' ')).then_some(close + 1)
}

/// Length of an RFC 3339 timestamp at the start of `b` (`2026-11-10T10:30:00.123456789Z`,
/// fraction and numeric offsets optional).
pub(crate) fn rfc3339_len(b: &[u8]) -> Option<usize> {
    const SHAPE: &[u8; 19] = b"dddd-dd-ddTdd:dd:dd";
    let head = b.get(..SHAPE.len())?;
    let fits = head.iter().zip(SHAPE).all(|(&c, &s)| {
        if s == b'd' {
            c.is_ascii_digit()
        } else {
            c == s
        }
    });
    if !fits {
        return None;
    }
    let mut i = SHAPE.len();
    if b.get(i) == Some(&b'.') {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        i += 1 + digits;
    }
    match b.get(i) {
        Some(b'Z') => Some(i + 1),
        Some(b'+' | b'-') => {
            let off = b.get(i + 1..i + 6)?;
            let ok = off[0].is_ascii_digit() && off[1].is_ascii_digit() && off[2] == b':';
            (ok && off[3].is_ascii_digit() && off[4].is_ascii_digit()).then_some(i + 6)
        }
        _ => None,
    }
}

/// Length of a CRI `stdout F` / `stderr P` pair that is followed by a space.
fn cri_stream_len(b: &[u8]) -> Option<usize> {
    let stream = b.starts_with(b"stdout ") || b.starts_with(b"stderr ");
    let tag = matches!(b.get(7), Some(b'F' | b'P'));
    (stream && tag && b.get(8) == Some(&b' ')).then_some(8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_prefix_and_timestamp() {
        let line = "[pod/metrics-server-6d94bc8694-k2x7w/metrics-server] 2026-11-10T10:30:00.123456789Z E1110 x";
        let env = parse(line);
        assert_eq!(
            &line[env.prefix.clone().expect("prefix")],
            "[pod/metrics-server-6d94bc8694-k2x7w/metrics-server]"
        );
        assert_eq!(
            &line[env.timestamp.clone().expect("ts")],
            "2026-11-10T10:30:00.123456789Z"
        );
        assert_eq!(&line[env.body_start..], "E1110 x");
    }

    #[test]
    fn cri_format() {
        let line = "2026-11-10T10:30:00.123456789+09:00 stderr F E1110 x";
        let env = parse(line);
        assert_eq!(&line[env.stream.clone().expect("stream")], "stderr F");
        assert_eq!(&line[env.body_start..], "E1110 x");
    }

    #[test]
    fn look_alikes_are_not_envelopes() {
        for line in [
            "[pod/a b/c] x",
            "[pod/abc] x",
            "2026-11-10 10:30:00 x",
            "2026-11-10T10:30:00.Z x",
            "[pod/a/b]x",
        ] {
            let env = parse(line);
            assert_eq!(env.body_start, 0, "{line}");
        }
    }

    #[test]
    fn timestamp_without_cri_stream() {
        let line = "2026-11-10T10:30:00Z stdoutX";
        let env = parse(line);
        assert!(env.stream.is_none());
        assert_eq!(&line[env.body_start..], "stdoutX");
    }
}
