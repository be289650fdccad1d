//! Splits a byte stream into numbered lines in bounded memory, handing on only the lines the
//! prefilter picks.
//!
//! Lines are numbered exactly as `str::lines` would number them on the whole input: split at
//! `\n`, one `\r` before it dropped, a last line without `\n` still counted (and its lone `\r`
//! kept), invalid UTF-8 left to the caller. Memory is one block, whatever the input: a line
//! longer than the block is cut, its first block handed on, the rest only counted.

use super::prefilter::Prefilter;
use memchr::{memchr, memchr_iter, memrchr};
use std::io::{self, ErrorKind, Read};

/// Bytes read at a time, and so the longest line classified whole. Large enough that the
/// per-read overhead vanishes and an aggregated v0.3 line naming thousands of nodes fits.
pub const BLOCK: usize = 1 << 20;

/// Why a scan stopped early.
#[derive(Debug)]
pub enum ScanError {
    /// The input could not be read.
    Read(io::Error),
    /// The callback failed (e.g. the output pipe closed).
    Sink(io::Error),
}

pub struct Scanner<'p> {
    pre: &'p Prefilter,
    block: usize,
}

impl<'p> Scanner<'p> {
    pub fn new(pre: &'p Prefilter, block: usize) -> Self {
        Scanner {
            pre,
            block: block.max(1),
        }
    }

    /// Reads `input` to the end, calling `candidate(number, line)` (numbers count from 1,
    /// the line without its line ending) for each line that holds a prefilter literal.
    /// Returns how many lines the input has.
    pub fn scan<R: Read>(
        &self,
        mut input: R,
        mut candidate: impl FnMut(u64, &[u8]) -> io::Result<()>,
    ) -> Result<u64, ScanError> {
        let mut buf = vec![0u8; self.block];
        // Valid bytes at the front of `buf`: the start of a line not yet ended.
        let mut len = 0;
        // Lines ended before `buf[0]`.
        let mut lines = 0u64;
        // Discarding the tail of a line longer than the block.
        let mut skipping = false;
        loop {
            let n = read_some(&mut input, &mut buf[len..]).map_err(ScanError::Read)?;
            let eof = n == 0;
            let filled = len + n;
            let mut start = 0;
            if skipping {
                match memchr(b'\n', &buf[..filled]) {
                    Some(i) => {
                        skipping = false;
                        lines += 1;
                        start = i + 1;
                    }
                    None if eof => return Ok(lines + 1),
                    None => {
                        len = 0;
                        continue;
                    }
                }
            }
            let data = &buf[start..filled];
            let rest = match memrchr(b'\n', data) {
                Some(last) => {
                    lines = self.complete_lines(&data[..=last], lines, &mut candidate)?;
                    start + last + 1
                }
                None => start,
            };
            buf.copy_within(rest..filled, 0);
            len = filled - rest;
            if eof {
                if len > 0 {
                    // A last line without a line ending.
                    lines += 1;
                    if self.pre.is_candidate(&buf[..len]) {
                        candidate(lines, &buf[..len]).map_err(ScanError::Sink)?;
                    }
                }
                return Ok(lines);
            }
            if len == buf.len() {
                // A line that fills the block: classify what we have, count the rest.
                if self.pre.is_candidate(&buf) {
                    candidate(lines + 1, &buf).map_err(ScanError::Sink)?;
                }
                skipping = true;
                len = 0;
            }
        }
    }

    /// Handles `region`, whole lines ending in `\n`, whose first line follows line `lines`.
    /// Returns the number of the region's last line.
    fn complete_lines(
        &self,
        region: &[u8],
        mut lines: u64,
        candidate: &mut impl FnMut(u64, &[u8]) -> io::Result<()>,
    ) -> Result<u64, ScanError> {
        // `from` is always the start of a line.
        let mut from = 0;
        while let Some(hit) = self.pre.find(region, from) {
            let start = memrchr(b'\n', &region[from..hit]).map_or(from, |i| from + i + 1);
            let end = memchr(b'\n', &region[hit..]).map_or(region.len(), |i| hit + i);
            lines += count_lines(&region[from..start]) + 1;
            let line = &region[start..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            candidate(lines, line).map_err(ScanError::Sink)?;
            from = end + 1;
        }
        Ok(lines + count_lines(region.get(from..).unwrap_or_default()))
    }
}

fn count_lines(bytes: &[u8]) -> u64 {
    memchr_iter(b'\n', bytes).count() as u64
}

/// One `read`, retried when a signal interrupted it.
fn read_some<R: Read>(input: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (number, line) of every line `str::lines` yields that holds `x509`, and the line count.
    fn reference(input: &[u8]) -> (Vec<(u64, Vec<u8>)>, u64) {
        let text = String::from_utf8_lossy(input);
        let mut hits = Vec::new();
        let mut n = 0;
        for (i, line) in text.lines().enumerate() {
            n = i as u64 + 1;
            if line.contains("x509") {
                hits.push((n, line.as_bytes().to_vec()));
            }
        }
        (hits, n)
    }

    fn scanned(input: &[u8], block: usize) -> (Vec<(u64, Vec<u8>)>, u64) {
        let pre = Prefilter::new(&["x509"]);
        let mut hits = Vec::new();
        let n = Scanner::new(&pre, block)
            .scan(input, |n, l| {
                hits.push((n, String::from_utf8_lossy(l).into_owned().into_bytes()));
                Ok(())
            })
            .expect("in-memory input");
        (hits, n)
    }

    #[test]
    fn numbers_match_str_lines_at_every_block_size() {
        let inputs: [&[u8]; 9] = [
            b"",
            b"x509",
            b"a\nx509\n",
            b"a\r\nx509 here\r\n\r\nb x509\r",
            b"\n\n\nx509\n\n",
            b"bad \xff\xfe x509 \xc3\nnext\nx509 \xe2\x82",
            b"x509\nx509\nx509",
            b"no match at all\nstill none\n",
            b"\r\n\rx509\r\r\n",
        ];
        for input in inputs {
            let want = reference(input);
            // Blocks that hold the longest line with its line ending; shorter ones cut lines.
            let longest = input.split(|&b| b == b'\n').map(<[u8]>::len).max();
            for block in longest.unwrap_or(0) + 2..=input.len() + 2 {
                assert_eq!(
                    scanned(input, block),
                    want,
                    "block {block}, input {:?}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    #[test]
    fn a_line_longer_than_the_block_is_cut_and_counted_once() {
        let long = format!("{}x509 early{}", "a".repeat(10), "b".repeat(5000));
        let late = format!("{}x509 late", "c".repeat(5000));
        let input = format!("first\n{long}\n{late}\nx509 after\n{long}");
        let (hits, n) = scanned(input.as_bytes(), 1024);
        assert_eq!(n, 5);
        let numbers: Vec<u64> = hits.iter().map(|h| h.0).collect();
        // The late anchor sits past the first block of its line, so that line is not seen.
        assert_eq!(numbers, [2, 4, 5]);
        assert_eq!(hits[0].1.len(), 1024, "the kept prefix is one block");
        assert_eq!(hits[1].1, b"x509 after");
    }

    #[test]
    fn read_errors_and_callback_errors_are_told_apart() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("disk on fire"))
            }
        }
        let pre = Prefilter::new(&["x509"]);
        let s = Scanner::new(&pre, 64);
        assert!(matches!(
            s.scan(Broken, |_, _| Ok(())),
            Err(ScanError::Read(_))
        ));
        let r = s.scan(&b"x509\n"[..], |_, _| Err(io::Error::other("pipe closed")));
        assert!(matches!(r, Err(ScanError::Sink(_))));
    }
}
