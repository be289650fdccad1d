//! Output of the headless commands (`check`, `analyze-logs`): text for humans, JSON for scripts.
//!
//! Pure: data in, strings out. Whether to colour is decided by the caller ([`use_color`]).

use crate::diagnose::{Finding, Severity, Step};
use crate::snapshot::Snapshot;
use serde::Serialize;
use std::fmt::Write as _;

/// Colour only on a terminal, and never when `NO_COLOR` is set to anything non-empty.
pub fn use_color(is_tty: bool, no_color: Option<&str>) -> bool {
    is_tty && no_color.is_none_or(str::is_empty)
}

/// ANSI styling that collapses to plain text when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub color: bool,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub fn bold(self, t: &str) -> String {
        self.wrap("1", t)
    }
    pub fn dim(self, t: &str) -> String {
        self.wrap("2", t)
    }
    pub fn green(self, t: &str) -> String {
        self.wrap("32", t)
    }
    pub fn severity(self, s: Severity, t: &str) -> String {
        match s {
            Severity::Error => self.wrap("1;31", t),
            Severity::Warning => self.wrap("33", t),
            Severity::Info => self.wrap("36", t),
        }
    }
}

/// Whether the findings count as "problems found" (exit 1): any warning or error.
pub fn has_problems(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity >= Severity::Warning)
}

/// Node metrics coverage: (nodes with metrics, all nodes), when both are known.
pub fn coverage(snap: &Snapshot) -> Option<(usize, usize)> {
    let metrics = snap.node_metrics.as_ref()?;
    let total = snap.nodes.len();
    let covered = snap
        .nodes
        .iter()
        .filter(|n| metrics.iter().any(|m| m.metadata.name == n.metadata.name))
        .count();
    Some((covered, total))
}

/// The stable JSON document of `check -o json`.
#[derive(Debug, Serialize)]
pub struct CheckJson<'a> {
    pub healthy: bool,
    pub findings: &'a [Finding],
    pub cluster: &'a crate::snapshot::ClusterInfo,
    pub install: Option<&'a crate::install::Install>,
    pub node_metrics: NodeCoverage,
    pub failed_calls: &'a [crate::snapshot::CallFailure],
    pub permissions: &'a [crate::snapshot::Permission],
}

#[derive(Debug, Serialize)]
pub struct NodeCoverage {
    pub nodes: usize,
    /// `null` when the Metrics API could not be listed.
    pub with_metrics: Option<usize>,
    pub error: Option<String>,
}

pub fn check_json(snap: &Snapshot, findings: &[Finding]) -> String {
    let doc = CheckJson {
        healthy: !has_problems(findings),
        findings,
        cluster: &snap.cluster,
        install: snap.install.as_ref(),
        node_metrics: NodeCoverage {
            nodes: snap.nodes.len(),
            with_metrics: coverage(snap).map(|c| c.0),
            error: snap.metrics_api_error.as_ref().map(|e| e.describe()),
        },
        failed_calls: &snap.failures,
        permissions: &snap.permissions,
    };
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Step headings, in runbook order.
pub fn step_title(step: Step) -> &'static str {
    match step {
        Step::Logs => "Logs",
        Step::Tls => "Kubelet TLS",
        Step::Connectivity => "Kubelet connectivity & APIService",
        Step::RestartVerify => "Restart & verify",
    }
}

/// The human report of `check`, grouped by runbook step.
pub fn check_text(snap: &Snapshot, findings: &[Finding], paint: Paint) -> String {
    let mut out = String::new();
    let c = &snap.cluster;
    let version = c.server_version.as_deref().unwrap_or("version unknown");
    let _ = writeln!(
        out,
        "{} {} ({}, {version})",
        paint.bold("Cluster:"),
        c.context,
        c.server
    );
    match &snap.install {
        Some(i) => {
            let v = i
                .version
                .map(|v| v.to_string())
                .unwrap_or_else(|| "version unknown".into());
            let _ = writeln!(
                out,
                "{} {}/{} ({v}, {}), container {}",
                paint.bold("metrics-server:"),
                i.namespace,
                i.deployment,
                i.kind.label(),
                i.container
            );
        }
        None => {
            let _ = writeln!(out, "{} not found", paint.bold("metrics-server:"));
        }
    }
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold("Verdict:"),
        verdict(snap, findings, paint)
    );
    for step in Step::ALL {
        let here: Vec<&Finding> = findings.iter().filter(|f| f.step == step).collect();
        let _ = writeln!(
            out,
            "\n{}",
            paint.bold(&format!("Step {} · {}", step.number(), step_title(step)))
        );
        if here.is_empty() {
            let _ = writeln!(out, "  {} no problems found", paint.green("ok"));
        }
        for f in here {
            write_finding(&mut out, f, paint);
        }
    }
    let denied: Vec<String> = snap
        .permissions
        .iter()
        .filter(|p| !p.allowed)
        .map(|p| p.describe())
        .collect();
    if !denied.is_empty() {
        let _ = writeln!(
            out,
            "\n{} you may not: {}",
            paint.bold("Permissions:"),
            denied.join("; ")
        );
    }
    out
}

fn write_finding(out: &mut String, f: &Finding, paint: Paint) {
    let tag = paint.severity(f.severity, &format!("{:<7}", f.severity.as_str()));
    let _ = writeln!(out, "  {tag} {} {}", paint.bold(&f.id.to_string()), f.title);
    if !f.nodes.is_empty() {
        let _ = writeln!(out, "          nodes: {}", f.nodes.join(", "));
    }
    for e in &f.evidence {
        let _ = writeln!(out, "          {}", paint.dim(&format!("· {e}")));
    }
    for fix in &f.fixes {
        let _ = writeln!(out, "          fix {}: {}", fix.id.as_str(), fix.summary);
    }
}

/// One line: healthy, or the most severe finding and the metrics coverage.
pub fn verdict(snap: &Snapshot, findings: &[Finding], paint: Paint) -> String {
    let coverage = match coverage(snap) {
        Some((n, m)) => format!("node metrics {n}/{m}"),
        None => "node metrics unavailable".to_string(),
    };
    let worst = findings.iter().max_by_key(|f| {
        (
            f.severity,
            std::cmp::Reverse(f.step),
            std::cmp::Reverse(f.id),
        )
    });
    match worst {
        Some(f) if f.severity >= Severity::Warning => {
            let errors = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            let warnings = findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count();
            let head = paint.severity(f.severity, &format!("{} {}", f.id, f.title));
            format!("{head} — {errors} error(s), {warnings} warning(s); {coverage}")
        }
        _ => format!("{} — {coverage}", paint.green("healthy")),
    }
}
// ---------------------------------------------------------------------------------------------
// analyze-logs

use crate::cli::LogFormat;
use crate::diagnose::RuleId;
use crate::logs::classify::classify;
use crate::logs::sanitize::sanitize;

/// How much of a matched line the text report shows.
const EXCERPT_CHARS: usize = 220;

/// One input line that a rule matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineMatch {
    /// Counts from 1.
    pub line: usize,
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
    pub count: usize,
    pub first_line: usize,
    pub nodes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    pub lines: usize,
    pub matches: Vec<LineMatch>,
    /// Sanitised text of each matched line, parallel to `matches`, for the text report.
    excerpts: Vec<String>,
}

impl Analysis {
    pub fn has_problems(&self) -> bool {
        self.matches.iter().any(|m| m.severity >= Severity::Warning)
    }

    /// Per-rule summaries, ordered by runbook step, then severity (worst first), then rule ID.
    pub fn summaries(&self) -> Vec<RuleSummary> {
        let mut by_rule: std::collections::BTreeMap<RuleId, RuleSummary> = Default::default();
        for m in &self.matches {
            let info = crate::diagnose::catalog::info(m.rule);
            let s = by_rule.entry(m.rule).or_insert_with(|| RuleSummary {
                id: m.rule,
                step: info.step,
                title: info.title_en,
                severity: m.severity,
                count: 0,
                first_line: m.line,
                nodes: Vec::new(),
            });
            s.count += 1;
            s.severity = s.severity.max(m.severity);
            if let Some(node) = &m.node
                && !s.nodes.contains(node)
            {
                s.nodes.push(node.clone());
            }
        }
        let mut all: Vec<RuleSummary> = by_rule.into_values().collect();
        for s in &mut all {
            s.nodes.sort();
        }
        all.sort_by_key(|s| (s.step, std::cmp::Reverse(s.severity), s.id));
        all
    }
}

/// Classify every line of a saved log (any version's format, `kubectl logs` prefixes included).
pub fn analyze(text: &str) -> Analysis {
    let mut matches = Vec::new();
    let mut excerpts = Vec::new();
    let mut lines = 0;
    for (i, line) in text.lines().enumerate() {
        lines = i + 1;
        let c = classify(line);
        if let (Some(rule), Some(severity)) = (c.rule, c.severity) {
            matches.push(LineMatch { line: i + 1, rule, severity, node: c.fields.node.clone() });
            excerpts.push(sanitize(line, EXCERPT_CHARS).into_owned());
        }
    }
    Analysis { lines, matches, excerpts }
}

/// Render an analysis in the requested format.
pub fn analysis_output(a: &Analysis, format: LogFormat, paint: Paint) -> String {
    match format {
        LogFormat::Ndjson => a
            .matches
            .iter()
            .map(|m| serde_json::to_string(m).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("\n"),
        LogFormat::Json => {
            let doc = serde_json::json!({
                "lines": a.lines,
                "matched": a.matches.len(),
                "healthy": !a.has_problems(),
                "rules": a.summaries(),
                "matches": a.matches,
            });
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        }
        LogFormat::Text => analysis_text(a, paint),
    }
}

fn analysis_text(a: &Analysis, paint: Paint) -> String {
    let mut out = String::new();
    let summaries = a.summaries();
    if summaries.is_empty() {
        let _ = writeln!(out, "{} {} lines read, no known metrics-server problem matched", paint.green("ok"), a.lines);
        return out;
    }
    let _ = writeln!(out, "{} lines read, {} matched a known problem\n", a.lines, a.matches.len());
    for s in &summaries {
        let tag = paint.severity(s.severity, &format!("{:<7}", s.severity.as_str()));
        let _ = writeln!(
            out,
            "{tag} {} {} — {} line(s), first at line {} (step {} · {})",
            paint.bold(&s.id.to_string()),
            s.title,
            s.count,
            s.first_line,
            s.step.number(),
            step_title(s.step)
        );
        if !s.nodes.is_empty() {
            let _ = writeln!(out, "        nodes: {}", s.nodes.join(", "));
        }
        if let Some(i) = a.matches.iter().position(|m| m.rule == s.id) {
            let _ = writeln!(out, "        {}", paint.dim(&format!("{}: {}", a.matches[i].line, a.excerpts[i])));
        }
    }
    out
}
