//! What `analyze-logs` remembers of a log: exact counts, and bounded samples (pure).
//!
//! Every matched line updates its rule's count, severity and first line; only the first
//! [`SAMPLE_PER_RULE`] matches and [`NODES_PER_RULE`] node names of a rule are kept, so memory
//! does not grow with the input.

use super::{RuleId, Severity, Step, catalog};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Matches kept per rule for the JSON document.
pub const SAMPLE_PER_RULE: usize = 20;
/// Distinct node names kept per rule; the rest are counted.
pub const NODES_PER_RULE: usize = 1000;

/// One input line that a rule matched (one NDJSON object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineMatch {
    /// Counts from 1.
    pub line: u64,
    pub rule: RuleId,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
}

/// All matches of one rule in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSummary {
    pub id: RuleId,
    pub step: Step,
    pub title: &'static str,
    pub severity: Severity,
    pub count: u64,
    pub first_line: u64,
    /// Sorted; at most [`NODES_PER_RULE`].
    pub nodes: Vec<String>,
    /// More distinct nodes matched than [`NODES_PER_RULE`]; `nodes` lists the first ones.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub nodes_truncated: bool,
    /// The sanitised first matching line, for the text report.
    #[serde(skip)]
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct RuleTally {
    summary: RuleSummary,
    nodes: BTreeSet<String>,
    sample: Vec<LineMatch>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Lines read.
    pub lines: u64,
    /// Lines a rule matched.
    pub matched: u64,
    problems: bool,
    rules: BTreeMap<RuleId, RuleTally>,
}

impl Tally {
    /// Counts one match; `excerpt` runs only for a rule's first.
    pub fn add(&mut self, m: &LineMatch, excerpt: impl FnOnce() -> String) {
        self.matched += 1;
        self.problems |= m.severity >= Severity::Warning;
        let r = self.rules.entry(m.rule).or_insert_with(|| {
            let info = catalog::info(m.rule);
            RuleTally {
                summary: RuleSummary {
                    id: m.rule,
                    step: info.step,
                    title: info.title.en,
                    severity: m.severity,
                    count: 0,
                    first_line: m.line,
                    nodes: Vec::new(),
                    nodes_truncated: false,
                    excerpt: excerpt(),
                },
                nodes: BTreeSet::new(),
                sample: Vec::new(),
            }
        });
        let s = &mut r.summary;
        s.count += 1;
        s.severity = s.severity.max(m.severity);
        if let Some(node) = &m.node
            && !r.nodes.contains(node)
        {
            if r.nodes.len() < NODES_PER_RULE {
                r.nodes.insert(node.clone());
            } else {
                s.nodes_truncated = true;
            }
        }
        if r.sample.len() < SAMPLE_PER_RULE {
            r.sample.push(m.clone());
        }
    }

    /// True when any match is a warning or an error.
    pub fn has_problems(&self) -> bool {
        self.problems
    }

    /// Per-rule summaries, ordered by runbook step, then severity (worst first), then rule ID.
    pub fn summaries(&self) -> Vec<RuleSummary> {
        let mut all: Vec<RuleSummary> = self
            .rules
            .values()
            .map(|r| RuleSummary {
                nodes: r.nodes.iter().cloned().collect(),
                ..r.summary.clone()
            })
            .collect();
        all.sort_by_key(|s| (s.step, std::cmp::Reverse(s.severity), s.id));
        all
    }

    /// The kept matches of every rule, in line order.
    pub fn sample(&self) -> Vec<&LineMatch> {
        let mut all: Vec<&LineMatch> = self.rules.values().flat_map(|r| &r.sample).collect();
        all.sort_by_key(|m| m.line);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(line: u64, rule: RuleId, node: &str) -> LineMatch {
        LineMatch {
            line,
            rule,
            severity: Severity::Error,
            node: Some(node.to_owned()),
        }
    }

    #[test]
    fn counts_stay_exact_while_samples_and_nodes_stay_bounded() {
        let mut t = Tally::default();
        let total = (NODES_PER_RULE + 50) as u64;
        for i in 0..total {
            t.add(
                &m(
                    i + 1,
                    RuleId::KubeletCertUnknownAuthority,
                    &format!("node-{i}"),
                ),
                || format!("excerpt {i}"),
            );
        }
        t.add(&m(total + 1, RuleId::KubeletUnreachable, "node-0"), || {
            "refused".into()
        });
        let s = t.summaries();
        let f15 = s
            .iter()
            .find(|s| s.id == RuleId::KubeletCertUnknownAuthority)
            .expect("F15");
        assert_eq!((f15.count, f15.first_line), (total, 1));
        assert_eq!(f15.nodes.len(), NODES_PER_RULE);
        assert!(f15.nodes_truncated);
        assert_eq!(f15.excerpt, "excerpt 0", "the first match's line");
        assert_eq!(t.matched, total + 1);
        let sample = t.sample();
        assert_eq!(sample.len(), SAMPLE_PER_RULE + 1);
        assert!(sample.windows(2).all(|w| w[0].line < w[1].line));
        assert!(t.has_problems());
        let f19 = s
            .iter()
            .find(|s| s.id == RuleId::KubeletUnreachable)
            .expect("F19");
        assert!(!f19.nodes_truncated);
    }
}
