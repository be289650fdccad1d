//! Scrape failures: metrics-server could not read a kubelet. One entry per node.
//!
//! Formats by version (failure-modes.md §3, §5 C):
//! - v0.5+: one structured line per node, `"Failed to scrape node" err="…" node="…"`;
//!   v0.7+ adds `"Failed to scrape node, timeout to access kubelet" … timeout="10s"`;
//!   v0.9 logs NotReady nodes only at `-v=4`, as info:
//!   `"Failed to scrape node, node is not ready" node="…" err="…"` (note: node first).
//! - v0.4: `unable to fully scrape metrics: [unable to fully scrape metrics from node X:
//!   unable to fetch metrics from node X: ERR, …]`.
//! - v0.3: `unable to fully collect metrics: [unable to fully scrape metrics from source
//!   kubelet_summary:X: unable to fetch metrics from Kubelet X (ADDR): ERR, …]`; an entry may
//!   itself be a list (`kubelet_summary:X: [unable to get CPU for container …, …]`).
//! - v0.2 (heapster-based): one line per node, `error while getting metrics summary from
//!   Kubelet X(ADDR:PORT): ERR` (the node name may be empty).
//!
//! A line holding several failures gets the rule of the first failure (in line order) whose
//! error is classified; its fields come from that failure. A pasted fragment may start with
//! the tail of an entry whose head was cut off: that tail is a failure without a node.
//!
//! The aggregated lists come from Go's `utilerrors.NewAggregate`: `[a, b]` for several
//! errors, just `a` for one. Errors themselves may contain `, ` (`valid for a, b, not c`),
//! so a list is split at the next *head* (`unable to fully scrape metrics from …`), never
//! at commas.

use super::classify::{Draft, SpanClass, analyze};
use super::signatures::{classify_err, find_address};
use super::text::{Record, Text};
use crate::vocab::{RuleId, Severity};
use regex::Regex;
use serde::Serialize;
use std::ops::Range;
use std::sync::LazyLock;

/// One node that metrics-server failed to scrape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScrapeFailure {
    /// Node name (empty if the line did not name it).
    pub node: String,
    /// Address metrics-server dialled: from v0.3's `(ADDR)`, else the host of the request
    /// URL or of `dial tcp HOST:PORT` in the error.
    pub address: Option<String>,
    pub port: Option<u16>,
    /// The error, unescaped.
    pub err: String,
    /// The error class; `None` when no catalog entry matches the error.
    pub rule: Option<RuleId>,
    /// `Warning` for v0.9's NotReady nodes (expected to fail), else `Error`.
    pub severity: Severity,
}

/// Every scrape failure on `line`, in line order; empty for any other line.
pub fn scrape_failures(line: &str) -> Vec<ScrapeFailure> {
    analyze(line).failures
}

/// A byte range of a [`Text`].
#[derive(Clone)]
struct Part<'t, 'a> {
    text: &'t Text<'a>,
    range: Range<usize>,
}

impl<'t, 'a> Part<'t, 'a> {
    fn whole(text: &'t Text<'a>) -> Self {
        Part {
            text,
            range: 0..text.as_str().len(),
        }
    }

    fn as_str(&self) -> &'t str {
        self.text.as_str().get(self.range.clone()).unwrap_or("")
    }

    /// Original range of `r`, given relative to this part.
    fn orig(&self, r: Range<usize>) -> Range<usize> {
        self.text
            .orig(self.range.start + r.start..self.range.start + r.end)
    }

    fn orig_all(&self) -> Range<usize> {
        self.text.orig(self.range.clone())
    }
}

/// The message every v0.5+ structured scrape failure starts with.
pub(crate) const STRUCTURED_MSG: &str = "Failed to scrape node";

/// v0.5+ structured scrape failures. Returns false if `rec` is not one.
pub(crate) fn structured(rec: &Record<'_>, d: &mut Draft) -> bool {
    let Some(variant) = rec.msg.as_str().strip_prefix(STRUCTURED_MSG) else {
        return false;
    };
    // Unknown `, …` suffixes from future versions are still scrape failures.
    let (severity, fallback) = match variant {
        ", timeout to access kubelet" => (Severity::Error, Some(RuleId::KubeletUnreachable)),
        ", node is not ready" => (Severity::Warning, Some(RuleId::NodesSkipped)),
        v if v.is_empty() || v.starts_with(',') => (Severity::Error, None),
        _ => return false,
    };
    let empty = Text::verbatim("", 0);
    let err = rec.field("err").unwrap_or(&empty);
    let node = rec.field("node").map(Part::whole);
    let classified = record_failure(d, node, None, Part::whole(err), fallback, severity);
    if !classified {
        // No error class: flag the message itself so the line still stands out.
        let len = STRUCTURED_MSG.len();
        d.span(rec.msg.orig(0..len), SpanClass::Signature(severity));
    }
    true
}

/// The head of one entry of an aggregated list; the error follows it.
static HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"unable to fully scrape metrics from source kubelet_summary:(?P<n3>[^:\s]+): ",
        r"(?:unable to fetch metrics from Kubelet \S+ \((?P<a3>[^)]*)\): )?",
        r"|unable to fetch metrics from Kubelet (?P<nf>\S+) \((?P<af>[^)]*)\): ",
        r"|error while getting metrics summary from Kubelet (?P<n2>[^\s(]*) ?\((?P<a2>[^)]*?)(?::[0-9]{1,5})?\): ",
        r#"|unable to fully scrape metrics from node (?P<n4>[^:\s]+): (?:unable to fetch metrics from node [^:\s]+: )?"#,
        r#"|unable to extract connection information for node "(?P<nx>[^"]+)": "#,
    ))
    .expect("head regex compiles")
});

/// v0.3/v0.4 aggregated scrape errors in `text`. Returns false if no entry was found.
pub(crate) fn aggregated(text: &Text<'_>, d: &mut Draft) -> bool {
    let s = text.as_str();
    let heads: Vec<_> = HEAD.captures_iter(s).collect();
    let Some(first) = heads.first().and_then(|c| c.get(0)) else {
        return false;
    };
    let bracketed = s[..first.start()].ends_with('[');
    // The tail of an entry whose head was cut off when the line was pasted.
    let lead = s[..first.start()].trim_end_matches(['[', ' ']);
    let lead = lead.strip_suffix(',').unwrap_or(lead);
    if !lead.trim().is_empty() && classify_err(lead).is_some() {
        let err = Part {
            text,
            range: 0..lead.len(),
        };
        record_failure(d, None, None, err, None, Severity::Error);
    }
    for (i, caps) in heads.iter().enumerate() {
        let Some(head) = caps.get(0) else { continue };
        let next = heads
            .get(i + 1)
            .and_then(|c| c.get(0))
            .map_or(s.len(), |m| m.start());
        let err_end = err_end(s, head.end(), next, bracketed && i + 1 == heads.len());
        let part = |r: Option<regex::Match<'_>>| {
            r.map(|m| Part {
                text,
                range: m.range(),
            })
        };
        let node = part(
            ["n3", "n4", "nx", "nf", "n2"]
                .iter()
                .find_map(|n| caps.name(n))
                .filter(|m| !m.is_empty()),
        );
        // An address-less node is the F21 case by construction.
        let fallback = caps.name("nx").map(|_| RuleId::NoMatchingAddressType);
        let err = Part {
            text,
            range: head.end()..err_end,
        };
        record_failure(
            d,
            node,
            part(["a3", "af", "a2"].iter().find_map(|n| caps.name(n))),
            err,
            fallback,
            Severity::Error,
        );
    }
    true
}

/// Where the error of an entry ends: before the `, ` that separates it from the next head,
/// or before the list's closing `]` for the last entry of a bracketed list.
fn err_end(s: &str, start: usize, next: usize, strip_bracket: bool) -> usize {
    let mut seg = s.get(start..next).unwrap_or("").trim_end();
    if let Some(rest) = seg.strip_suffix(',') {
        seg = rest;
    }
    if strip_bracket {
        seg = seg.strip_suffix(']').unwrap_or(seg);
    }
    start + seg.len()
}

/// Records one failure: error class, spans and (for the line's first failure) the line's
/// rule and fields. Returns whether the error matched a class.
fn record_failure(
    d: &mut Draft,
    node: Option<Part<'_, '_>>,
    head_addr: Option<Part<'_, '_>>,
    err: Part<'_, '_>,
    fallback: Option<RuleId>,
    severity: Severity,
) -> bool {
    let err_s = err.as_str();
    let class = classify_err(err_s);
    if let Some(c) = &class {
        d.span(err.orig(c.range.clone()), SpanClass::Signature(severity));
    }
    if let Some(n) = &node {
        d.span(n.orig_all(), SpanClass::Node);
    }
    if let Some(a) = &head_addr {
        d.span(a.orig_all(), SpanClass::Address);
    }
    let found = find_address(err_s);
    if let Some(f) = &found {
        d.span(err.orig(f.host.clone()), SpanClass::Address);
    }
    let address = match (&head_addr, &found) {
        (Some(a), _) => Some(a.as_str().to_owned()),
        (None, Some(f)) => err_s.get(f.host.clone()).map(str::to_owned),
        (None, None) => None,
    };
    let failure = ScrapeFailure {
        node: node.map(|n| n.as_str().to_owned()).unwrap_or_default(),
        address,
        port: found.and_then(|f| f.port),
        err: err_s.to_owned(),
        rule: class.as_ref().map(|c| c.rule).or(fallback),
        severity,
    };
    // The line's rule and fields: the first failure whose error is classified, else the first.
    if d.failures.is_empty() || (d.rule.is_none() && failure.rule.is_some()) {
        d.rule = failure.rule;
        d.severity = Some(severity);
        d.fields.node = Some(failure.node.clone()).filter(|n| !n.is_empty());
        d.fields.address.clone_from(&failure.address);
        d.fields.port = failure.port;
        d.fields.err = Some(failure.err.clone());
    }
    d.failures.push(failure);
    class.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::classify::classify;

    fn rules(line: &str) -> Vec<(String, Option<String>, Option<u8>)> {
        scrape_failures(line)
            .into_iter()
            .map(|f| (f.node, f.address, f.rule.map(|r| r.number())))
            .collect()
    }

    fn s(v: &str) -> String {
        v.to_owned()
    }

    #[test]
    fn v03_many_nodes_in_one_line() {
        let line = concat!(
            "E1110 10:30:42.121355       1 manager.go:111] unable to fully collect metrics: [",
            "unable to fully scrape metrics from source kubelet_summary:worker-1: unable to fetch metrics from Kubelet worker-1 (10.0.1.11): ",
            "Get https://10.0.1.11:10250/stats/summary?only_cpu_and_memory=true: x509: certificate is valid for worker-1, localhost, not 10.0.1.11, ",
            "unable to fully scrape metrics from source kubelet_summary:worker-2: unable to fetch metrics from Kubelet worker-2 (worker-2): ",
            "Get https://worker-2:10250/stats/summary?only_cpu_and_memory=true: dial tcp: lookup worker-2 on 10.96.0.10:53: no such host]",
        );
        assert_eq!(
            rules(line),
            [
                (s("worker-1"), Some(s("10.0.1.11")), Some(16)),
                (s("worker-2"), Some(s("worker-2")), Some(20))
            ]
        );
        let f = scrape_failures(line);
        assert!(f[0].err.ends_with("not 10.0.1.11"), "{}", f[0].err);
        assert!(f[1].err.ends_with("no such host"), "{}", f[1].err);
        assert_eq!(f[1].port, Some(10250));
    }

    #[test]
    fn v04_single_entry_without_brackets() {
        let line = r#"E1110 10:30:15.000000       1 server.go:132] unable to fully scrape metrics: unable to fully scrape metrics from node worker-3: unable to fetch metrics from node worker-3: request failed - "401 Unauthorized"."#;
        assert_eq!(rules(line), [(s("worker-3"), None, Some(23))]);
    }

    #[test]
    fn v04_extract_connection_information() {
        let line = r#"E1110 10:30:15.000000       1 server.go:132] unable to fully scrape metrics: [unable to extract connection information for node "worker-4": node worker-4 had no addresses that matched types [InternalDNS], unable to fully scrape metrics from node worker-3: unable to fetch metrics from node worker-3: Get "https://10.0.1.13:10250/stats/summary?only_cpu_and_memory=true": context deadline exceeded]"#;
        assert_eq!(
            rules(line),
            [
                (s("worker-4"), None, Some(21)),
                (s("worker-3"), Some(s("10.0.1.13")), Some(19))
            ]
        );
        // The entry's own brackets (`[InternalDNS]`) survive; only the list's `]` goes.
        assert!(scrape_failures(line)[0].err.ends_with("[InternalDNS]"));
    }

    #[test]
    fn v02_one_node_per_line() {
        let line = "E0710 10:25:05.002883       1 summary.go:97] error while getting metrics summary from Kubelet host1(10.0.1.11:10255): Get http://10.0.1.11:10255/stats/summary/: dial tcp 10.0.1.11:10255: getsockopt: connection refused";
        assert_eq!(rules(line), [(s("host1"), Some(s("10.0.1.11")), Some(22))]);
        assert_eq!(scrape_failures(line)[0].port, Some(10255));
        // The node name may be empty.
        let line = "error while getting metrics summary from Kubelet (10.0.1.12:10255): Get http://10.0.1.12:10255/stats/summary/: dial tcp 10.0.1.12:10255: getsockopt: connection timed out";
        assert_eq!(rules(line), [(s(""), Some(s("10.0.1.12")), Some(22))]);
    }

    #[test]
    fn v03_nested_container_errors_and_cut_head() {
        let line = r#"E1017 08:21:07.209911       1 manager.go:102] unable to fully collect metrics: [unable to fully scrape metrics from source kubelet_summary:worker-1: [unable to get CPU for container "a" in pod default/web on node "worker-1", discarding data: missing cpu usage metric, unable to get CPU for container "b" in pod default/web on node "worker-1", discarding data: missing cpu usage metric], unable to fully scrape metrics from source kubelet_summary:worker-2: unable to fetch metrics from Kubelet worker-2 (10.0.1.12): request failed - "401 Unauthorized", response: "Unauthorized"]"#;
        assert_eq!(
            rules(line),
            [
                (s("worker-1"), None, Some(29)),
                (s("worker-2"), Some(s("10.0.1.12")), Some(23))
            ]
        );
        // A wrapped paste: the first piece is the tail of an entry whose head is gone.
        let line = r#" response: "Unauthorized", unable to fully scrape metrics from source kubelet_summary:worker-3: unable to fetch metrics from Kubelet worker-3 (10.0.1.13): reques"#;
        assert_eq!(
            rules(line),
            [
                (s(""), None, Some(23)),
                (s("worker-3"), Some(s("10.0.1.13")), None)
            ]
        );
        assert_eq!(classify(line).rule, Some(RuleId::KubeletUnauthorized));
    }

    #[test]
    fn line_rule_is_the_first_classified_failure() {
        let line = r#"unable to fully scrape metrics: [unable to fully scrape metrics from node worker-1: unable to fetch metrics from node worker-1: something new, unable to fully scrape metrics from node worker-2: unable to fetch metrics from node worker-2: request failed - "403 Forbidden"]"#;
        let c = classify(line);
        assert_eq!(
            (c.rule, c.fields.node.as_deref()),
            (Some(RuleId::KubeletForbidden), Some("worker-2"))
        );
    }

    #[test]
    fn structured_variants() {
        let timeout = r#"E1110 10:30:10.000000       1 scraper.go:147] "Failed to scrape node, timeout to access kubelet" err="Get \"https://10.0.1.13:10250/metrics/resource\": odd" node="worker-3" timeout="10s""#;
        assert_eq!(
            rules(timeout),
            [(s("worker-3"), Some(s("10.0.1.13")), Some(19))]
        );
        let not_ready = r#"I1110 10:30:10.000000       1 scraper.go:145] "Failed to scrape node, node is not ready" node="worker-4" err="odd""#;
        let f = scrape_failures(not_ready);
        assert_eq!(
            (f[0].rule, f[0].severity),
            (Some(RuleId::NodesSkipped), Severity::Warning)
        );
        let unknown = r#"E1110 10:30:10.000000       1 scraper.go:149] "Failed to scrape node" err="something new" node="worker-5""#;
        assert_eq!(rules(unknown), [(s("worker-5"), None, None)]);
        assert!(
            scrape_failures(r#"I1110 10:30:10.000000 1 scraper.go:1] "Failed to scrape nodes""#)
                .is_empty()
        );
    }
}
