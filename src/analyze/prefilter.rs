//! One multi-literal search that picks the lines worth classifying.
//!
//! Most lines of a log are benign, and the full classifier (envelope, klog/JSON parse, two
//! signature tables, spans) costs about a microsecond a line. Searching a whole block for the
//! [candidate literals](crate::logs::candidates) costs a fraction of that, so only lines that
//! contain one are split out and classified (ripgrep's literal prefilter, applied to lines).

use crate::logs::candidates::candidate_literals;
use aho_corasick::{AhoCorasick, Input, MatchKind};
use std::sync::LazyLock;

pub struct Prefilter {
    ac: AhoCorasick,
}

static PREFILTER: LazyLock<Prefilter> = LazyLock::new(|| Prefilter::new(&candidate_literals()));

impl Prefilter {
    /// The prefilter for the classifier's own literals, built once.
    pub fn global() -> &'static Prefilter {
        &PREFILTER
    }

    /// A prefilter for `literals`; static text, so a failure is a programming error.
    pub fn new<S: AsRef<[u8]>>(literals: &[S]) -> Prefilter {
        // Any match will do: the line is a candidate whichever literal it holds, so the
        // standard (earliest-ending) search, the cheapest one, is enough.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(literals)
            .expect("prefilter literals build an automaton");
        Prefilter { ac }
    }

    /// Start of the first match in `hay[from..]`, as an index into `hay`.
    pub fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        if from >= hay.len() {
            return None;
        }
        self.ac
            .find(Input::new(hay).span(from..hay.len()))
            .map(|m| m.start())
    }

    pub fn is_candidate(&self, line: &[u8]) -> bool {
        self.find(line, 0).is_some()
    }
}
