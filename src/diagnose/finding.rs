//! What a rule reports: the shared vocabulary of `check`, the TUI and the JSON output.

use serde::Serialize;
use std::fmt;

/// A rule ID from the failure-mode catalog, F01–F40. Serialized as `"F15"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub u8);

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "F{:02}", self.0)
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for RuleId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix('F').or_else(|| s.strip_prefix('f'));
        match digits.and_then(|d| d.parse::<u8>().ok()) {
            Some(n) if (1..=40).contains(&n) => Ok(RuleId(n)),
            _ => Err(format!("not a rule ID (F01–F40): {s}")),
        }
    }
}

/// The four steps of the runbook the UI walks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Logs = 1,
    Tls = 2,
    Connectivity = 3,
    RestartVerify = 4,
}

impl Step {
    pub const ALL: [Step; 4] = [
        Step::Logs,
        Step::Tls,
        Step::Connectivity,
        Step::RestartVerify,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

/// How bad a finding (or a classified log line) is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One diagnosed problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: RuleId,
    pub step: Step,
    pub severity: Severity,
    pub title: String,
    /// Plain-language explanation: what it means and why it breaks `kubectl top`.
    pub explanation: String,
    /// Concrete facts that led to the finding: object states, log excerpts, failed calls.
    pub evidence: Vec<String>,
    /// Nodes this finding affects (sorted, de-duplicated); empty when cluster-wide or n/a.
    pub nodes: Vec<String>,
    pub fixes: Vec<crate::fix::FixRef>,
}

impl Finding {
    /// A finding of rule `id` with the catalog's step, severity, title, explanation and fixes,
    /// and no evidence yet.
    pub fn from_catalog(id: RuleId) -> Finding {
        let info = super::catalog::info(id);
        Finding {
            id,
            step: info.step,
            severity: info.severity,
            title: info.title_en.to_string(),
            explanation: info.explanation_en.to_string(),
            evidence: Vec::new(),
            nodes: Vec::new(),
            fixes: info.fixes.iter().map(|f| f.to_ref()).collect(),
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    pub fn with_step(mut self, step: Step) -> Finding {
        self.step = step;
        self
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Finding {
        self.title = title.into();
        self
    }

    pub fn with_evidence(mut self, line: impl Into<String>) -> Finding {
        self.evidence.push(line.into());
        self
    }

    /// Add nodes; they are kept sorted and de-duplicated.
    pub fn with_nodes<S: AsRef<str>>(mut self, nodes: impl IntoIterator<Item = S>) -> Finding {
        self.nodes
            .extend(nodes.into_iter().map(|n| n.as_ref().to_string()));
        self.nodes.sort();
        self.nodes.dedup();
        self
    }

    /// Replace the catalog's fixes with the ones that fit the evidence.
    pub fn with_fixes(mut self, fixes: &[crate::fix::FixId]) -> Finding {
        self.fixes = fixes.iter().map(|f| f.to_ref()).collect();
        self
    }

    /// Whether the finding offers `fix`.
    pub fn offers(&self, fix: crate::fix::FixId) -> bool {
        self.fixes.iter().any(|f| f.id == fix)
    }
}
