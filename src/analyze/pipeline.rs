//! The threads of a run: the cores share the classification, the output keeps input order.
//!
//! - The scanner thread reads and prefilters ([`Scanner`]) and packs candidate lines into
//!   batches, dealt round-robin to the workers.
//! - Each worker classifies its batches and renders their output ([`render_match`]).
//! - The caller's thread takes results round-robin too (so in input order, with no reorder
//!   buffer), counts them into the [`Tally`] and writes them.
//!
//! Channels are bounded, so memory stays a few batches per thread. If writing fails, dropping
//! the result channels stops the workers, whose dropped inputs stop the scanner.

use super::lines::{ScanError, Scanner};
use super::output::{EXCERPT_CHARS, Sink, render_match};
use super::prefilter::Prefilter;
use super::tally::{LineMatch, Tally};
use super::{Paint, RunError, shown};
use crate::logs::{classify, sanitize};
use crate::report::LogFormat;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// Candidate bytes per batch: big enough to amortise a channel hop, small enough to spread.
const BATCH_BYTES: usize = 128 * 1024;
/// Batches queued per channel.
const QUEUE: usize = 2;

/// How a run is split up.
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    /// Read size, and so the longest line classified whole.
    pub block: usize,
    /// Classifying threads besides the scanner and the writer.
    pub workers: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Tuning {
            block: super::lines::BLOCK,
            workers: cores.clamp(1, 4),
        }
    }
}

/// Candidate lines: (number, range in `bytes`).
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    lines: Vec<(u64, Range<usize>)>,
}

/// A classified batch: its rendered output and its matches (with their range in `bytes`).
struct Done {
    rendered: Vec<u8>,
    matches: Vec<(LineMatch, Range<usize>)>,
    bytes: Vec<u8>,
}

fn classify_batch(batch: Batch, format: LogFormat, paint: Paint) -> Done {
    let mut rendered = Vec::new();
    let mut matches = Vec::new();
    for (number, range) in batch.lines {
        let text = String::from_utf8_lossy(&batch.bytes[range.clone()]);
        let c = classify(&text);
        let (Some(rule), Some(severity)) = (c.rule, c.severity) else {
            continue;
        };
        let m = LineMatch {
            line: number,
            rule,
            severity,
            node: c.fields.node.as_deref().map(shown),
        };
        render_match(&mut rendered, format, paint, &m, &text, &c);
        matches.push((m, range));
    }
    Done {
        rendered,
        matches,
        bytes: batch.bytes,
    }
}

fn work(batches: Receiver<Batch>, results: SyncSender<Done>, format: LogFormat, paint: Paint) {
    for batch in batches {
        if results.send(classify_batch(batch, format, paint)).is_err() {
            return;
        }
    }
}

/// Scans `input` into batches for `workers`; returns the line count.
fn scan<R: Read>(
    input: R,
    block: usize,
    workers: Vec<SyncSender<Batch>>,
) -> Result<u64, ScanError> {
    let closed = || io::Error::from(io::ErrorKind::BrokenPipe);
    let mut batch = Batch::default();
    let mut seq = 0;
    let mut send = |batch: Batch| {
        let to = &workers[seq % workers.len()];
        seq += 1;
        to.send(batch).map_err(|_| closed())
    };
    let lines = Scanner::new(Prefilter::global(), block).scan(input, |number, line| {
        let start = batch.bytes.len();
        batch.bytes.extend_from_slice(line);
        batch.lines.push((number, start..batch.bytes.len()));
        if batch.bytes.len() >= BATCH_BYTES {
            send(std::mem::take(&mut batch))?;
        }
        Ok(())
    })?;
    if !batch.lines.is_empty() {
        send(batch).map_err(ScanError::Sink)?;
    }
    Ok(lines)
}

/// Runs the threads; fills `tally` and writes each match through `sink` in input order.
pub(crate) fn run<R: Read + Send, W: Write>(
    input: R,
    sink: &mut Sink<W>,
    tally: &mut Tally,
    format: LogFormat,
    paint: Paint,
    tuning: Tuning,
) -> Result<u64, RunError> {
    let n = tuning.workers.max(1);
    std::thread::scope(|s| {
        let mut to_workers = Vec::with_capacity(n);
        let mut from_workers = Vec::with_capacity(n);
        for _ in 0..n {
            let (batch_tx, batch_rx) = sync_channel::<Batch>(QUEUE);
            let (done_tx, done_rx) = sync_channel::<Done>(QUEUE);
            s.spawn(move || work(batch_rx, done_tx, format, paint));
            to_workers.push(batch_tx);
            from_workers.push(done_rx);
        }
        let scanner = s.spawn(move || scan(input, tuning.block, to_workers));
        let mut write_error = None;
        // Batch k went to worker k % n, and each worker answers in order.
        for seq in 0.. {
            let Ok(done) = from_workers[seq % n].recv() else {
                break;
            };
            for (m, range) in &done.matches {
                tally.add(m, || {
                    let raw = String::from_utf8_lossy(&done.bytes[range.clone()]);
                    sanitize(&raw, EXCERPT_CHARS).into_owned()
                });
            }
            if let Err(e) = sink.write(&done.rendered) {
                write_error = Some(e);
                break;
            }
        }
        drop(from_workers);
        let scanned = scanner.join().unwrap_or_else(|_| {
            Err(ScanError::Read(io::Error::other(
                "the scanner thread panicked",
            )))
        });
        let problems = tally.has_problems();
        match (write_error, scanned) {
            (Some(error), _) | (None, Err(ScanError::Sink(error))) => {
                Err(RunError::Write { error, problems })
            }
            (None, Err(ScanError::Read(e))) => Err(RunError::Read(e)),
            (None, Ok(lines)) => Ok(lines),
        }
    })
}
