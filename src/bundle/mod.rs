//! The incident evidence bundle (`mstui check --bundle DIR`): what an incident ticket needs,
//! with nothing secret in it.
//!
//! ```text
//! DIR/
//!   SUMMARY.md                 verdict, root cause, findings, top nodes, changes, file list, redactions
//!   findings.txt               the `check` report (English, no colour)
//!   findings.json              the `check -o json` document
//!   objects/apiservice.yaml    v1beta1.metrics.k8s.io (caBundle as fingerprint + subject)
//!   objects/service.yaml
//!   objects/endpointslices.yaml
//!   objects/deployment.yaml    (env values and flags with secret names redacted)
//!   objects/replicasets.yaml
//!   objects/pods.yaml
//!   events.txt                 one line an event, oldest first
//!   events.yaml
//!   logs/POD_CONTAINER.log           the last N lines, current container
//!   logs/POD_CONTAINER.previous.log  the last N lines of the previous (restarted) container
//!   top-nodes-before.txt       `kubectl top nodes` as mstui saw it (missing nodes marked)
//!   top-nodes-after.txt        only when a change was applied in this session
//!   changes.json               args diff of every change applied in this session (time, user)
//! ```
//!
//! [`build`] is pure (snapshot in, files out); [`write`] puts them on disk. Every file passes
//! through [`redact::text`] last, whatever produced it.

pub mod redact;
mod summary;
mod write;

pub use summary::event_time;
pub use write::{prepare_dir, write};

use crate::diagnose::Finding;
use crate::report::{self, Paint};
use crate::snapshot::Snapshot;
use crate::top::{TopTable, top_nodes};
use crate::vocab::Lang;
use jiff::Timestamp;
use redact::Notes;
use serde::Serialize;

/// One file of the bundle, its path relative to the bundle directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFile {
    pub path: String,
    pub contents: String,
}

/// A change applied in this session (the TUI records these; a headless check applies none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedChange {
    pub at: Timestamp,
    /// Who applied it, as the API server knows them, when known.
    pub user: Option<String>,
    /// The fix ID (`kubelet-insecure-tls`) or `edit` / `undo` / `restart`.
    pub fix: String,
    /// `namespace/deployment` and container.
    pub target: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// What the session did, for the bundle: changes and the top table after them.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub changes: Vec<AppliedChange>,
    pub top_after: Option<TopTable>,
}

/// Every file of the bundle, in a stable order.
pub fn build(
    snap: &Snapshot,
    findings: &[Finding],
    now: Timestamp,
    log_lines: usize,
    session: &Session,
) -> Vec<BundleFile> {
    let mut notes = Notes::default();
    let mut files = Vec::new();
    let mut add = |path: &str, contents: String| {
        files.push(BundleFile {
            path: path.to_string(),
            contents,
        })
    };
    add(
        "findings.txt",
        report::check_text(snap, findings, Paint { color: false }, Lang::En),
    );
    add("findings.json", report::check_json(snap, findings));
    let objects: [(&str, Vec<serde_json::Value>); 6] = [
        ("apiservice", values(snap.apiservice.iter())),
        ("service", values(snap.service.iter())),
        ("endpointslices", values(snap.endpoint_slices.iter())),
        ("deployment", values(snap.deployment.iter())),
        ("replicasets", values(snap.replica_sets.iter())),
        ("pods", values(snap.pods.iter())),
    ];
    for (name, items) in objects {
        let what = format!("objects/{name}.yaml");
        let clean: Vec<serde_json::Value> = items
            .into_iter()
            .map(|v| redact::object(v, &what, &mut notes))
            .collect();
        add(&what, yaml_docs(&clean, name));
    }
    let mut events = snap.events.clone();
    events.sort_by_key(summary::event_time);
    add("events.txt", summary::events_table(&events));
    let events: Vec<serde_json::Value> = values(events.iter())
        .into_iter()
        .map(|v| redact::object(v, "events.yaml", &mut notes))
        .collect();
    add("events.yaml", yaml_docs(&events, "events"));
    for log in &snap.logs {
        let suffix = if log.previous { ".previous" } else { "" };
        let path = format!(
            "logs/{}_{}{suffix}.log",
            file_part(&log.pod),
            file_part(&log.container)
        );
        add(&path, last_lines(&log.text, log_lines));
    }
    let before = top_nodes(
        &snap.nodes,
        snap.node_metrics.as_deref().unwrap_or_default(),
    );
    add("top-nodes-before.txt", summary::top_text(&before, snap));
    if let Some(after) = &session.top_after {
        add("top-nodes-after.txt", summary::top_text(after, snap));
    }
    add("changes.json", changes_json(&session.changes));
    // SUMMARY.md lists the files and the redactions, so it is made last.
    let listed: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
    let md = summary::markdown(&summary::Inputs {
        snap,
        findings,
        now,
        before: &before,
        session,
        files: &listed,
        log_lines,
        notes: &notes,
    });
    files.insert(
        0,
        BundleFile {
            path: "SUMMARY.md".into(),
            contents: md,
        },
    );
    for f in &mut files {
        f.contents = redact::text(&f.contents);
    }
    files
}

/// Objects as YAML documents with secrets taken out exactly as the bundle does (both passes):
/// what the TUI's YAML views show.
pub fn redacted_yaml<T: Serialize>(items: &[T], name: &str) -> String {
    let mut notes = Notes::default();
    let clean: Vec<serde_json::Value> = values(items.iter())
        .into_iter()
        .map(|v| redact::object(v, name, &mut notes))
        .collect();
    redact::text(&yaml_docs(&clean, name))
}

fn values<'a, T: Serialize + 'a>(items: impl Iterator<Item = &'a T>) -> Vec<serde_json::Value> {
    items.filter_map(|o| serde_json::to_value(o).ok()).collect()
}

/// Objects as YAML documents separated by `---`, like `kubectl get -o yaml` of several objects.
fn yaml_docs(items: &[serde_json::Value], name: &str) -> String {
    if items.is_empty() {
        return format!("# no {name} found (or not readable: see findings.json failed_calls)\n");
    }
    items
        .iter()
        .map(|v| {
            serde_saphyr::to_string(v).unwrap_or_else(|e| {
                // YAML cannot fail on plain JSON values, but if it ever did, JSON is YAML too.
                format!(
                    "# yaml: {e}\n{}\n",
                    serde_json::to_string_pretty(v).unwrap_or_default()
                )
            })
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

fn changes_json(changes: &[AppliedChange]) -> String {
    let note = if changes.is_empty() {
        "no change was applied in this session (`mstui check` never changes the cluster)"
    } else {
        "changes applied in this session, oldest first"
    };
    let doc = serde_json::json!({"note": note, "changes": changes});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// The last `n` lines of a log. Pod log text is untrusted: escape sequences are taken out so
/// that `cat`-ing a bundle file cannot drive the reader's terminal.
fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(n);
    let kept: Vec<String> = lines[start..]
        .iter()
        .map(|l| crate::logs::sanitize(l, 64 * 1024).into_owned())
        .collect();
    let mut out = kept.join("\n");
    out.push('\n');
    out
}

/// A pod or container name made safe as one path component.
fn file_part(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("_{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests;
