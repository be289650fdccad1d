//! The metrics-server logs, classified once and reduced to what the rules need: per node, the
//! latest scrape state; per rule, the lines that matched.
//!
//! Newest evidence wins. An x509 error from before a fix must not be reported against the
//! current pod, so a node's failure counts only while it is still happening:
//! - only current containers of the newest pod revision are read (previous-container logs only
//!   explain crashes, F12/F13);
//! - a later clean line about the node clears it;
//! - metrics-server logs a failing node on every tick, so a node absent from the failures of two
//!   later ticks (other nodes still failing), or silent for longer than a few ticks, recovered;
//! - a node that is in NodeMetrics while the API is available is being scraped right now.

use super::context::recent_window;
use crate::logs::{Classified, classify, sanitize, scrape_failures};
use crate::snapshot::{ContainerLog, Snapshot};
use crate::vocab::{RuleId, Severity};
use jiff::{Timestamp, civil, tz::TimeZone};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

/// How much of a log line an evidence string quotes.
const EXCERPT_CHARS: usize = 240;

/// One classified line that matched a rule.
#[derive(Debug, Clone)]
pub(crate) struct LogLine {
    pub pod: String,
    pub rule: RuleId,
    pub severity: Severity,
    pub at: Option<Timestamp>,
    /// `log POD: <sanitised line>`, ready for evidence.
    pub excerpt: String,
}

/// The latest failure of one node that is still happening.
#[derive(Debug, Clone)]
pub(crate) struct NodeFailure {
    pub rule: RuleId,
    pub err: String,
    /// The address metrics-server dialled, when the line shows it.
    pub address: Option<String>,
    pub excerpt: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct LogView {
    /// Whether at least one current-container log was read.
    pub read: bool,
    /// Rule-matched lines of the current containers, scrape failures excluded, in log order.
    pub lines: Vec<LogLine>,
    /// Rule-matched lines of previous (crashed) containers.
    pub previous: Vec<LogLine>,
    /// Nodes whose scrape is failing now, by node name.
    pub failing: BTreeMap<String, NodeFailure>,
    /// Nodes that failed earlier in the log but recovered, with the rule they failed with.
    pub recovered: Vec<(String, RuleId)>,
}

/// What the log says about one node, as the lines go by.
enum NodeState {
    Failing {
        failure: NodeFailure,
        at: Option<Timestamp>,
    },
    Clean,
}

impl LogView {
    /// `api_available`: the APIService reports Available, so NodeMetrics are live.
    pub fn build(
        snap: &Snapshot,
        now: Timestamp,
        resolution: Duration,
        api_available: bool,
    ) -> LogView {
        let mut view = LogView::default();
        let mut states: BTreeMap<String, NodeState> = BTreeMap::new();
        let mut failure_times: Vec<Timestamp> = Vec::new();
        for log in current_logs(snap) {
            view.read = true;
            for raw in log.text.lines() {
                view.read_line(log, raw, now, &mut states, &mut failure_times);
            }
        }
        for log in snap.logs.iter().filter(|l| l.previous) {
            view.previous.extend(
                log.text
                    .lines()
                    .filter_map(|raw| rule_line(log, raw, &classify(raw), now)),
            );
        }
        let recent = recent_window(resolution);
        for (node, state) in states {
            let NodeState::Failing { failure, at } = state else {
                continue;
            };
            let stale = at.is_some_and(|t| {
                let age = now.duration_since(t);
                age.is_positive() && age.unsigned_abs() > recent
            });
            let skipped_by_later_ticks = at.is_some_and(|t| {
                let later = t + 2 * resolution;
                failure_times.iter().any(|f| *f >= later)
            });
            let scraped_now = api_available
                && snap.node_metrics.as_ref().is_some_and(|ms| {
                    ms.iter()
                        .any(|m| m.metadata.name.as_deref() == Some(node.as_str()))
                });
            if stale || skipped_by_later_ticks || scraped_now {
                view.recovered.push((node, failure.rule));
            } else {
                view.failing.insert(node, failure);
            }
        }
        view
    }

    fn read_line(
        &mut self,
        log: &ContainerLog,
        raw: &str,
        now: Timestamp,
        states: &mut BTreeMap<String, NodeState>,
        failure_times: &mut Vec<Timestamp>,
    ) {
        let at = line_time(raw, now);
        let failures = scrape_failures(raw);
        if !failures.is_empty() {
            for f in failures {
                let rule = match f.rule {
                    // v0.9 logs NotReady nodes as expected failures: the node is down (F30).
                    _ if f.severity < Severity::Error => RuleId::NodesSkipped,
                    Some(rule) => rule,
                    // An error no signature knows is still a failed attempt to reach the kubelet.
                    None => RuleId::KubeletUnreachable,
                };
                let node = if f.node.is_empty() {
                    f.address.clone().unwrap_or_else(|| "(unnamed node)".into())
                } else {
                    f.node
                };
                let failure = NodeFailure {
                    rule,
                    err: f.err,
                    address: f.address,
                    excerpt: excerpt(log, raw),
                };
                states.insert(node, NodeState::Failing { failure, at });
            }
            failure_times.extend(at);
            return;
        }
        let classified = classify(raw);
        if classified.rule.is_some() {
            self.lines.extend(rule_line(log, raw, &classified, now));
        } else if let (true, Some(node)) = (classified.is_benign(), &classified.fields.node) {
            // A benign line about a node, e.g. `-v=2` "Scraping node": it answered again.
            states.insert(node.clone(), NodeState::Clean);
        }
    }

    /// The current-container lines of `rule`, in log order.
    pub fn lines_of(&self, rule: RuleId) -> impl Iterator<Item = &LogLine> {
        self.lines.iter().filter(move |l| l.rule == rule)
    }

    /// The latest current-container line of `rule` that is still recent.
    pub fn latest(&self, rule: RuleId, now: Timestamp, within: Duration) -> Option<&LogLine> {
        self.lines_of(rule)
            .filter(|l| {
                l.at.is_none_or(|t| {
                    let age = now.duration_since(t);
                    !age.is_positive() || age.unsigned_abs() <= within
                })
            })
            .last()
    }

    /// Nodes failing with `rule`, with their failures, sorted by node.
    pub fn failing_with(&self, rule: RuleId) -> Vec<(&str, &NodeFailure)> {
        self.failing
            .iter()
            .filter(|(_, f)| f.rule == rule)
            .map(|(n, f)| (n.as_str(), f))
            .collect()
    }
}

fn rule_line(log: &ContainerLog, raw: &str, c: &Classified, now: Timestamp) -> Option<LogLine> {
    Some(LogLine {
        pod: log.pod.clone(),
        rule: c.rule?,
        severity: c.severity.unwrap_or(Severity::Warning),
        at: line_time(raw, now),
        excerpt: excerpt(log, raw),
    })
}

fn excerpt(log: &ContainerLog, raw: &str) -> String {
    format!("log {}: {}", log.pod, sanitize(raw.trim(), EXCERPT_CHARS))
}

/// The current containers' logs that describe the present: pods of the newest revision when
/// it has logs (during a rollout the old pod still fails with the old settings), and never a
/// pod that is no longer in the snapshot.
fn current_logs(snap: &Snapshot) -> Vec<&ContainerLog> {
    let known = |l: &&ContainerLog| {
        snap.pods.is_empty()
            || snap
                .pods
                .iter()
                .any(|p| p.metadata.name.as_deref() == Some(l.pod.as_str()))
    };
    let current: Vec<&ContainerLog> = snap
        .logs
        .iter()
        .filter(|l| !l.previous)
        .filter(known)
        .collect();
    let newest_hash = snap
        .replica_sets
        .first()
        .and_then(|rs| rs.metadata.labels.as_ref()?.get("pod-template-hash"));
    let of_newest: Vec<&ContainerLog> = current
        .iter()
        .copied()
        .filter(|l| {
            snap.pods.iter().any(|p| {
                p.metadata.name.as_deref() == Some(l.pod.as_str())
                    && p.metadata
                        .labels
                        .as_ref()
                        .and_then(|ls| ls.get("pod-template-hash"))
                        == newest_hash
            })
        })
        .collect();
    if newest_hash.is_some() && !of_newest.is_empty() {
        of_newest
    } else {
        current
    }
}

static RFC3339: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})").expect("valid regex")
});
static KLOG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s\]])[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d+")
        .expect("valid regex")
});

/// When a line was written: a `kubectl --timestamps`/JSON RFC 3339 stamp, else the klog header
/// (`E1110 10:30:00.123456`, no year: the year of `now`, or the one before if that lies ahead).
pub(crate) fn line_time(raw: &str, now: Timestamp) -> Option<Timestamp> {
    let head = &raw[..raw.len().min(80)];
    let num = |c: &regex::Captures, i: usize| c.get(i)?.as_str().parse::<i16>().ok();
    if let Some(c) = RFC3339.captures(head) {
        let month = i8::try_from(num(&c, 2)?).ok()?;
        let day = i8::try_from(num(&c, 3)?).ok()?;
        let date = civil::Date::new(num(&c, 1)?, month, day).ok()?;
        return utc(date, num(&c, 4)?, num(&c, 5)?, num(&c, 6)?);
    }
    let c = KLOG.captures(head)?;
    let year = now.to_zoned(TimeZone::UTC).year();
    let (month, day) = (
        i8::try_from(num(&c, 1)?).ok()?,
        i8::try_from(num(&c, 2)?).ok()?,
    );
    let (h, m, s) = (num(&c, 3)?, num(&c, 4)?, num(&c, 5)?);
    let this_year = utc(civil::Date::new(year, month, day).ok()?, h, m, s)?;
    if this_year > now + jiff::SignedDuration::from_hours(24) {
        utc(civil::Date::new(year - 1, month, day).ok()?, h, m, s)
    } else {
        Some(this_year)
    }
}

fn utc(date: civil::Date, h: i16, m: i16, s: i16) -> Option<Timestamp> {
    let time = civil::Time::new(h as i8, m as i8, s as i8, 0).ok()?;
    date.to_datetime(time)
        .to_zoned(TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}
