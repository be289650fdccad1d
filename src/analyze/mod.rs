//! `mstui analyze-logs`: classify a saved log of any size, at grep's pace, in bounded memory.
//!
//! - [`lines`] reads blocks and numbers lines exactly, handing on only the lines that
//!   [`prefilter`] finds a candidate literal in (one multi-literal search per block).
//! - Candidates get the full classifier ([`crate::logs::classify`]) on worker threads
//!   (`pipeline`); each match is written, in input order, as soon as its batch is done
//!   ([`output`]) and counted in the bounded [`tally`].
//!
//! Memory is one block plus the tally's bounded samples, whatever the input size.

pub mod lines;
pub mod output;
mod pipeline;
pub mod prefilter;
pub mod tally;

// The vocabulary and report helpers this module uses, imported in one place.
pub(crate) use crate::report::{Paint, severity_tag};
pub(crate) use crate::vocab::{Lang, RuleId, Severity, Step, Text, catalog};

use crate::logs::sanitize;
use crate::report::LogFormat;
use output::Sink;
pub use pipeline::Tuning;
use std::io::{self, Read, Write};
pub use tally::{LineMatch, RuleSummary, Tally};

/// Why a run stopped before the end of the input.
#[derive(Debug)]
pub enum RunError {
    /// The input could not be read (a usage error: exit 2).
    Read(io::Error),
    /// The output could not be written (e.g. `| head` closed it); `problems` tells whether a
    /// problem had been seen by then.
    Write { error: io::Error, problems: bool },
}

/// Reads `input` to the end and writes the report in `format` to `out` as it goes.
pub fn run<R: Read + Send, W: Write>(
    input: R,
    out: W,
    format: LogFormat,
    paint: Paint,
    lang: Lang,
) -> Result<Tally, RunError> {
    run_tuned(input, out, format, paint, lang, Tuning::default())
}

/// [`run`] with the block size and thread count chosen (benchmarks and tests).
pub fn run_tuned<R: Read + Send, W: Write>(
    input: R,
    out: W,
    format: LogFormat,
    paint: Paint,
    lang: Lang,
    tuning: Tuning,
) -> Result<Tally, RunError> {
    let mut sink = Sink::new(out, format, paint, lang);
    let mut tally = Tally::default();
    tally.lines = pipeline::run(input, &mut sink, &mut tally, format, paint, tuning)?;
    match sink.finish(&tally) {
        Ok(()) => Ok(tally),
        Err(error) => Err(RunError::Write {
            error,
            problems: tally.has_problems(),
        }),
    }
}

/// Untrusted text made safe to print: control and escape sequences removed, length capped.
fn shown(text: &str) -> String {
    sanitize(text, 1000).into_owned()
}

#[cfg(test)]
mod tests;
