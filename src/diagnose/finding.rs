//! What a rule reports: one diagnosed problem, the shared shape of `check`, the TUI and the JSON
//! output. The words it is made of (rule IDs, steps, severities, fixes) are in [`crate::vocab`].

use crate::vocab::{FixId, Lang, Prose, RuleId, Severity, Step};
use serde::Serialize;

/// One diagnosed problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: RuleId,
    pub step: Step,
    pub severity: Severity,
    /// The catalog's title, or one the rule wrote for this case, in both languages; JSON
    /// carries the English.
    pub title: Prose,
    /// Plain-language explanation: what it means and why it breaks `kubectl top`.
    pub explanation: Prose,
    /// Concrete facts that led to the finding: object states, log excerpts, failed calls.
    pub evidence: Vec<String>,
    /// Nodes this finding affects (sorted, de-duplicated); empty when cluster-wide or n/a.
    pub nodes: Vec<String>,
    /// JSON: `[{"id": "kubelet-insecure-tls", "summary": "…"}]`.
    #[serde(serialize_with = "fixes_as_refs")]
    pub fixes: Vec<FixId>,
}

/// A fix as `check -o json` shows it on a finding.
#[derive(Serialize)]
struct FixRef {
    id: FixId,
    summary: &'static str,
}

fn fixes_as_refs<S: serde::Serializer>(fixes: &[FixId], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(fixes.iter().map(|&id| FixRef {
        id,
        summary: id.summary().en,
    }))
}

impl Finding {
    /// A finding of rule `id` with the catalog's step, severity, title, explanation and fixes,
    /// and no evidence yet.
    pub fn from_catalog(id: RuleId) -> Finding {
        let info = id.info();
        Finding {
            id,
            step: info.step,
            severity: info.severity,
            title: info.title.into(),
            explanation: info.explanation.into(),
            evidence: Vec::new(),
            nodes: Vec::new(),
            fixes: info.fixes.to_vec(),
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

    /// A title of the rule's own for this case, in both languages.
    pub fn with_title(mut self, title: Prose) -> Finding {
        self.title = title;
        self
    }

    /// The title in `lang`.
    pub fn title(&self, lang: Lang) -> &str {
        self.title.get(lang)
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
    pub fn with_fixes(mut self, fixes: &[FixId]) -> Finding {
        self.fixes = fixes.to_vec();
        self
    }

    /// Whether the finding offers `fix`.
    pub fn offers(&self, fix: FixId) -> bool {
        self.fixes.contains(&fix)
    }
}
