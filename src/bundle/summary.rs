//! SUMMARY.md, the events table and the `top nodes` text of the bundle: what a human pastes
//! into the ticket.

use super::Session;
use super::redact::Notes;
use crate::diagnose::{Finding, headline};
use crate::report::{self, Paint};
use crate::snapshot::Snapshot;
use crate::top::TopTable;
use crate::vocab::{Lang, Severity};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;
use std::fmt::Write as _;

pub struct Inputs<'a> {
    pub snap: &'a Snapshot,
    pub findings: &'a [Finding],
    pub now: Timestamp,
    pub before: &'a TopTable,
    pub session: &'a Session,
    pub files: &'a [String],
    pub log_lines: usize,
    pub notes: &'a Notes,
}

/// Untrusted text (titles quoting logs, names) for one Markdown line: no escapes, no table
/// breakers.
fn md(text: &str) -> String {
    crate::logs::sanitize(text, 500)
        .replace('|', "\\|")
        .replace('\n', " ")
}

pub fn markdown(i: &Inputs) -> String {
    let snap = i.snap;
    let c = &snap.cluster;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# metrics-server incident evidence: {}\n",
        md(&c.context)
    );
    let _ = writeln!(
        out,
        "- Taken: {} by mstui {}",
        i.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "- Cluster: `{}` at {} ({})",
        md(&c.context),
        md(&c.server),
        c.server_version.as_deref().unwrap_or("version unknown")
    );
    match &snap.install {
        Some(inst) => {
            let _ = writeln!(
                out,
                "- metrics-server: `{}/{}` container `{}`, image `{}`, {}",
                inst.namespace,
                inst.deployment,
                inst.container,
                md(&inst.image),
                inst.kind.label()
            );
        }
        None => out.push_str("- metrics-server: not found\n"),
    }
    let verdict = report::verdict(snap, i.findings, Paint { color: false }, Lang::En);
    let _ = writeln!(out, "- Verdict: {}\n", md(&verdict));

    if let Some(f) = headline(i.findings).filter(|f| f.severity >= Severity::Warning) {
        let _ = writeln!(out, "## Root cause\n");
        let _ = writeln!(out, "**{} {}**\n", f.id, md(f.title(Lang::En)));
        let _ = writeln!(out, "{}\n", f.explanation.get(Lang::En));
        for fix in &f.fixes {
            let _ = writeln!(
                out,
                "- fix `{}`: {}",
                fix.as_str(),
                fix.summary().get(Lang::En)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Findings\n");
    if i.findings.is_empty() {
        out.push_str("None: metrics-server looks healthy.\n\n");
    } else {
        out.push_str("| rule | step | severity | title | nodes |\n|---|---|---|---|---|\n");
        for f in i.findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                f.id,
                f.step.number(),
                f.severity.as_str(),
                md(f.title(Lang::En)),
                md(&f.nodes.join(", "))
            );
        }
        out.push('\n');
    }

    let blast = crate::diagnose::blast_radius(snap);
    let _ = writeln!(out, "## HPAs (blast radius)\n");
    if blast.blind.is_empty() {
        let _ = writeln!(
            out,
            "None of the {} HPA(s) reports that it cannot read resource metrics.\n",
            blast.total
        );
    } else {
        let _ = writeln!(
            out,
            "{} of {} HPA(s) cannot read resource metrics, in namespaces: {}.\n",
            blast.blind.len(),
            blast.total,
            md(&blast.namespaces.join(", "))
        );
        for b in &blast.blind {
            let _ = writeln!(
                out,
                "- `{}` {} ({}): {}",
                md(&b.key()),
                b.reason,
                b.source,
                md(&b.message)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Node metrics before (`kubectl top nodes`)\n");
    let _ = writeln!(out, "```text\n{}```\n", top_text(i.before, snap));
    if let Some(after) = &i.session.top_after {
        let _ = writeln!(out, "## Node metrics after\n");
        let _ = writeln!(out, "```text\n{}```\n", top_text(after, snap));
    }

    let _ = writeln!(out, "## Changes applied in this session\n");
    if i.session.changes.is_empty() {
        out.push_str(
            "None. `mstui check` only reads; changes made in the interactive UI are listed here with their args diff.\n\n",
        );
    }
    for ch in &i.session.changes {
        let _ = writeln!(
            out,
            "- {} `{}` on {} by {}",
            ch.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            ch.fix,
            md(&ch.target),
            md(ch.user.as_deref().unwrap_or("unknown user"))
        );
        let _ = writeln!(out, "  ```diff");
        for a in ch.before.iter().filter(|a| !ch.after.contains(a)) {
            let _ = writeln!(out, "  - {}", md(a));
        }
        for a in ch.after.iter().filter(|a| !ch.before.contains(a)) {
            let _ = writeln!(out, "  + {}", md(a));
        }
        let _ = writeln!(out, "  ```");
    }
    if !i.session.changes.is_empty() {
        out.push('\n');
    }

    let _ = writeln!(out, "## Files\n");
    for f in i.files {
        let _ = writeln!(out, "- `{f}`");
    }
    let _ = writeln!(
        out,
        "\nLogs are the last {} lines of every metrics-server container (and of the previous container after a restart).\n",
        i.log_lines
    );

    let _ = writeln!(out, "## Redactions\n");
    out.push_str(
        "Every file was scanned for bearer tokens, JWTs, PEM private keys (also base64-encoded) and `token`/`password` values; kubeconfig credentials are never read into the bundle.\n",
    );
    for n in &i.notes.0 {
        let _ = writeln!(out, "- {}", md(n));
    }
    out
}

/// When an event happened last, for ordering (old API events carry only `eventTime`).
pub fn event_time(e: &Event) -> Option<Timestamp> {
    e.last_timestamp
        .as_ref()
        .map(|t| t.0)
        .or_else(|| e.event_time.as_ref().map(|t| t.0))
        .or_else(|| e.first_timestamp.as_ref().map(|t| t.0))
}

/// `LAST SEEN  TYPE  REASON  OBJECT  MESSAGE`, oldest first.
pub fn events_table(events: &[Event]) -> String {
    if events.is_empty() {
        return "no events about metrics-server or HPAs\n".into();
    }
    let mut out = String::from("LAST SEEN\tTYPE\tREASON\tOBJECT\tCOUNT\tMESSAGE\n");
    for e in events {
        let when = event_time(e)
            .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_else(|| "-".into());
        let o = &e.involved_object;
        let _ = writeln!(
            out,
            "{when}\t{}\t{}\t{}/{} -n {}\t{}\t{}",
            e.type_.as_deref().unwrap_or("-"),
            crate::logs::sanitize(e.reason.as_deref().unwrap_or("-"), 200),
            o.kind.as_deref().unwrap_or("?"),
            o.name.as_deref().unwrap_or("?"),
            o.namespace.as_deref().unwrap_or("-"),
            e.count.unwrap_or(1),
            crate::logs::sanitize(e.message.as_deref().unwrap_or(""), 2000)
        );
    }
    out
}

/// The `kubectl top nodes` table, aligned, plus coverage and why metrics are missing.
pub fn top_text(table: &TopTable, snap: &Snapshot) -> String {
    let rows = table.render();
    let mut widths = [0usize; 5];
    for r in &rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.len());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("   ").trim_end());
    }
    let (n, m) = table.coverage();
    let _ = writeln!(out, "coverage: {n}/{m} nodes with metrics");
    if let Some(e) = &snap.metrics_api_error {
        let _ = writeln!(
            out,
            "Metrics API: {}",
            crate::logs::sanitize(&e.describe(), 500)
        );
    }
    out
}
