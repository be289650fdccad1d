//! The fleet check (`mstui check --all-contexts`, `--context 'prod-*'`): which contexts to check,
//! one row per cluster, the table and JSON, and the exit code of the whole run.
//!
//! Pure: the fan-out over the network is [`crate::cluster::fleet`]; it hands back one
//! [`Probe`] per context and everything here is computed from those.

use crate::cluster::fleet::Probe;
use crate::diagnose::{self, coverage, has_problems, headline};
use crate::report::Paint;
use crate::vocab::{Lang, Severity};
use jiff::Timestamp;
use serde::Serialize;
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// Whether a `--context` value is a pattern rather than a name.
pub fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// Shell-style match of a whole context name: `*` is any run of characters (also none), `?`
/// exactly one. Context names such as `arn:aws:eks:…/prod` hold `/` and `:`, which `*` crosses,
/// unlike a path glob.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matcher with one backtrack point (the last `*`): linear in practice, no recursion.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some('?') => {
                pi += 1;
                ni += 1;
            }
            Some(c) if *c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Whether the `check` flags ask for the fleet table rather than the single-cluster report.
pub fn wanted(all_contexts: bool, contexts: &[String]) -> bool {
    all_contexts || contexts.len() > 1 || contexts.iter().any(|c| is_glob(c))
}

/// The contexts to check, in kubeconfig order, each once. Every name must exist and every
/// pattern must match at least one context: a typo must not silently shrink the fleet.
pub fn select_contexts(
    available: &[String],
    patterns: &[String],
    all_contexts: bool,
) -> Result<Vec<String>, String> {
    if available.is_empty() {
        return Err("the kubeconfig has no contexts".into());
    }
    if all_contexts && !patterns.is_empty() {
        return Err("--all-contexts checks every context; drop --context, or drop --all-contexts to pick some".into());
    }
    if all_contexts {
        return Ok(available.to_vec());
    }
    let mut chosen = vec![false; available.len()];
    for pattern in patterns {
        let mut any = false;
        for (i, name) in available.iter().enumerate() {
            let hit = if is_glob(pattern) {
                glob_match(pattern, name)
            } else {
                pattern == name
            };
            if hit {
                chosen[i] = true;
                any = true;
            }
        }
        if !any {
            let what = if is_glob(pattern) {
                format!("no context matches \"{pattern}\"")
            } else {
                format!("context \"{pattern}\" not found in the kubeconfig")
            };
            return Err(format!(
                "{what} (contexts: {}; see `kubectl config get-contexts`)",
                available.join(", ")
            ));
        }
    }
    Ok(available
        .iter()
        .zip(chosen)
        .filter(|(_, c)| *c)
        .map(|(n, _)| n.clone())
        .collect())
}

/// How one cluster came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Healthy,
    Problems,
    /// Not reachable, credentials refused, objects unreadable, or no answer within the timeout.
    Unreachable,
}

/// The `check` exit codes of DESIGN §2. `cli::exit` is the CLI's own statement of them, a
/// layer above this one; a unit test keeps the two equal.
pub mod exit {
    pub const HEALTHY: i32 = 0;
    pub const PROBLEMS: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const UNREACHABLE: i32 = 3;
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Healthy => "healthy",
            Verdict::Problems => "problems",
            Verdict::Unreachable => "unreachable",
        }
    }
}

/// The metrics-server install of a cluster, as the row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallSummary {
    pub namespace: String,
    pub deployment: String,
    /// `v0.8.0`, or `null` when the image tag says nothing.
    pub version: Option<String>,
    /// `manifest`, `helm (release)`, `addon-manager (reconciled)`, `managed (k3s)`.
    pub kind: String,
}

/// The finding that explains the others ([`diagnose::headline`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootCause {
    pub id: String,
    pub severity: Severity,
    pub title: String,
}

/// Nodes with metrics out of all nodes ([`diagnose::coverage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub with_metrics: usize,
    pub nodes: usize,
}

/// One cluster of the fleet: a row of the table, an element of the JSON array.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub context: String,
    pub server: String,
    /// The API server's `gitVersion`, when it answered.
    pub server_version: Option<String>,
    pub verdict: Verdict,
    /// What `mstui check --context <this>` alone would exit with.
    pub exit_code: i32,
    /// `null` when the cluster was not reached, or no install was found.
    pub metrics_server: Option<InstallSummary>,
    /// `null` when healthy or unreachable.
    pub root_cause: Option<RootCause>,
    /// Findings of severity warning or error.
    pub problems: usize,
    /// `null` when the Metrics API could not be listed or the cluster was not reached.
    pub node_metrics: Option<Coverage>,
    /// HPAs that cannot read resource metrics now (see `check -o json` `hpas` for which).
    pub blind_hpas: usize,
    /// Wall time of this cluster's check (connect + snapshot + diagnosis), milliseconds.
    pub took_ms: u64,
    /// Why the cluster counts as unreachable.
    pub error: Option<String>,
}

impl Row {
    /// Diagnose what the probe brought back (or record why there is nothing).
    pub fn from_probe(probe: Probe, now: Timestamp) -> Row {
        let took_ms = u64::try_from(probe.took.as_millis()).unwrap_or(u64::MAX);
        let snap = match probe.result {
            Ok(snap) => snap,
            Err(reason) => {
                return Row {
                    context: probe.context,
                    server: probe.server,
                    server_version: None,
                    verdict: Verdict::Unreachable,
                    exit_code: exit::UNREACHABLE,
                    metrics_server: None,
                    root_cause: None,
                    problems: 0,
                    node_metrics: None,
                    blind_hpas: 0,
                    took_ms,
                    error: Some(reason),
                };
            }
        };
        let findings = diagnose::diagnose(&snap, now);
        let problems = has_problems(&findings);
        Row {
            context: probe.context,
            // The kubeconfig's spelling for every row alike (the client's URL gains a `/`).
            server: if probe.server.is_empty() {
                snap.cluster.server.clone()
            } else {
                probe.server
            },
            server_version: snap.cluster.server_version.clone(),
            verdict: if problems {
                Verdict::Problems
            } else {
                Verdict::Healthy
            },
            exit_code: if problems {
                exit::PROBLEMS
            } else {
                exit::HEALTHY
            },
            metrics_server: snap.install.as_ref().map(|i| InstallSummary {
                namespace: i.namespace.clone(),
                deployment: i.deployment.clone(),
                version: i.version.map(|v| v.to_string()),
                kind: i.kind.label(),
            }),
            root_cause: headline(&findings)
                .filter(|f| f.severity >= Severity::Warning)
                .map(|f| RootCause {
                    id: f.id.to_string(),
                    severity: f.severity,
                    title: f.title(Lang::En).to_string(),
                }),
            problems: findings
                .iter()
                .filter(|f| f.severity >= Severity::Warning)
                .count(),
            node_metrics: coverage(&snap).map(|(with_metrics, nodes)| Coverage {
                with_metrics,
                nodes,
            }),
            blind_hpas: diagnose::blast_radius(&snap).blind.len(),
            took_ms,
            error: None,
        }
    }
}

/// The exit code of the fleet: the worst cluster's, except that 3 means *every* cluster was
/// unreachable; some unreachable among reachable ones is a problem found (1), not a failure
/// of the run.
pub fn exit_code(rows: &[Row]) -> i32 {
    let unreachable = rows
        .iter()
        .filter(|r| r.verdict == Verdict::Unreachable)
        .count();
    if rows.is_empty() {
        exit::USAGE
    } else if unreachable == rows.len() {
        exit::UNREACHABLE
    } else if unreachable > 0 {
        exit::PROBLEMS
    } else {
        rows.iter()
            .map(|r| r.exit_code)
            .max()
            .unwrap_or(exit::HEALTHY)
    }
}

/// `name (reason)` for every unreachable cluster, for stderr (the whole error chain).
pub fn unreachable(rows: &[Row]) -> Vec<String> {
    named_down(rows, |e| e)
}

fn named_down(rows: &[Row], reason: impl Fn(&str) -> &str) -> Vec<String> {
    rows.iter()
        .filter(|r| r.verdict == Verdict::Unreachable)
        .map(|r| {
            format!(
                "{} ({})",
                shown(&r.context, 200),
                shown(reason(r.error.as_deref().unwrap_or("no answer")), 300)
            )
        })
        .collect()
}

/// `-o json`: the rows as an array.
pub fn json(rows: &[Row]) -> String {
    serde_json::to_string_pretty(rows).unwrap_or_default()
}

/// Root-cause titles are long; the table keeps one line a cluster (JSON has the whole title).
const ROOT_CAUSE_WIDTH: usize = 56;

/// The fleet table: one line a cluster, then a one-line tally naming the unreachable ones.
pub fn table(rows: &[Row], paint: Paint) -> String {
    let header = [
        "CONTEXT",
        "SERVER",
        "METRICS-SERVER",
        "VERDICT",
        "ROOT CAUSE",
        "NODES",
        "TOOK",
    ]
    .map(String::from);
    let cells: Vec<[String; 7]> = rows.iter().map(cells).collect();
    let mut widths = header.each_ref().map(|h| h.width());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.width());
        }
    }
    let mut out = String::new();
    let line = |out: &mut String, row: &[String; 7], verdict: Option<&Row>| {
        let mut parts = Vec::with_capacity(7);
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            let pad = " ".repeat(w.saturating_sub(c.width()));
            let text = match (i, verdict) {
                (3, Some(r)) => paint_verdict(paint, r, c),
                _ if verdict.is_none() => paint.bold(c),
                _ => c.clone(),
            };
            // The last column is not padded: no trailing blanks.
            parts.push(if i == 6 { text } else { format!("{text}{pad}") });
        }
        let _ = writeln!(out, "{}", parts.join("  "));
    };
    line(&mut out, &header, None);
    for (row, c) in rows.iter().zip(&cells) {
        line(&mut out, c, Some(row));
    }
    let count = |v| rows.iter().filter(|r| r.verdict == v).count();
    let _ = write!(
        out,
        "\n{} cluster(s): {} healthy, {} with problems, {} unreachable",
        rows.len(),
        count(Verdict::Healthy),
        count(Verdict::Problems),
        count(Verdict::Unreachable)
    );
    let down = named_down(rows, short_reason);
    if !down.is_empty() {
        let _ = write!(out, ": {}", down.join("; "));
    }
    out.push('\n');
    out
}

fn paint_verdict(paint: Paint, row: &Row, text: &str) -> String {
    match row.verdict {
        Verdict::Healthy => paint.green(text),
        Verdict::Problems => paint.severity(
            row.root_cause
                .as_ref()
                .map_or(Severity::Warning, |r| r.severity),
            text,
        ),
        Verdict::Unreachable => paint.severity(Severity::Error, text),
    }
}

fn cells(r: &Row) -> [String; 7] {
    let ms = match &r.metrics_server {
        Some(i) => format!(
            "{} {}",
            i.version.as_deref().unwrap_or("v?"),
            shown(&i.kind, 40)
        ),
        None if r.verdict == Verdict::Unreachable => "-".into(),
        None => "not found".into(),
    };
    let cause = match (&r.root_cause, &r.error) {
        (Some(c), _) => shown(&format!("{} {}", c.id, c.title), ROOT_CAUSE_WIDTH),
        (None, Some(e)) => shown(short_reason(e), ROOT_CAUSE_WIDTH),
        (None, None) => "-".into(),
    };
    let nodes = r
        .node_metrics
        .map(|c| format!("{}/{}", c.with_metrics, c.nodes))
        .unwrap_or_else(|| "-".into());
    [
        shown(&r.context, 60),
        shown(&r.server, 60),
        ms,
        r.verdict.as_str().into(),
        cause,
        nodes,
        format!("{:.1}s", r.took_ms as f64 / 1000.0),
    ]
}

/// The part of an error chain that says what happened: hyper's chains read
/// `ServiceError: client error (Connect): tcp connect error: Connection refused (os error 111)`,
/// and the table has room for the last two links. JSON keeps the whole chain.
pub fn short_reason(chain: &str) -> &str {
    let cuts: Vec<usize> = chain.match_indices(": ").map(|(i, _)| i + 2).collect();
    match cuts.len() {
        0 | 1 => chain,
        n => &chain[cuts[n - 2]..],
    }
}

/// Context names, servers and error texts come from the kubeconfig and the network: untrusted,
/// so control sequences go and the length is capped (with an ellipsis).
fn shown(text: &str, max: usize) -> String {
    let clean = crate::logs::sanitize(text, usize::MAX).into_owned();
    let clean = clean.replace(['\n', '\t'], " ");
    if clean.width() <= max {
        return clean;
    }
    let mut out = String::new();
    for ch in clean.chars() {
        if out.width() + ch.to_string().width() >= max {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
