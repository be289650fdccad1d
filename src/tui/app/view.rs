//! The read-only object views (`:pods`, `:events`, `:deploy`, `:apiservice`, `:nodes`, `:ctx`):
//! their state and their text, built (pure) from the snapshot mstui already has. Nothing here
//! fetches: a view shows what the last snapshot read, and follows each new one.
//!
//! YAML goes through the incident bundle's redaction ([`crate::bundle::redacted_yaml`]): env
//! values and flags with secret names, caBundle, last-applied. mstui reads no Secret.

use super::command::ViewKind;
use crate::cluster::connect::ContextEntry;
use crate::snapshot::Snapshot;
use crate::vocab::Lang;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, Pod};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewMode {
    /// describe-like summary.
    Summary,
    Yaml,
}

/// How a line of a view is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Heading,
    Plain,
    Muted,
    Ok,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewLine {
    pub tone: Tone,
    pub text: String,
}

/// The open view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectView {
    pub kind: ViewKind,
    pub mode: ViewMode,
    /// First line shown.
    pub scroll: usize,
    /// Columns scrolled sideways.
    pub hscroll: usize,
    /// The selected row (`:ctx` only).
    pub selected: usize,
    pub lines: Vec<ViewLine>,
}

/// What the contexts view knows: the kubeconfig's contexts, or why there are none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeContexts {
    pub entries: Vec<ContextEntry>,
    /// The in-process demo cluster: one context, nothing to switch to.
    pub demo: bool,
    /// Why the kubeconfig could not be read, if it could not.
    pub error: Option<String>,
}

/// Rows above the first context row in the `:ctx` table.
pub const CONTEXT_HEADER_ROWS: usize = 1;

impl ObjectView {
    pub fn new(kind: ViewKind) -> ObjectView {
        ObjectView {
            kind,
            mode: ViewMode::Summary,
            scroll: 0,
            hscroll: 0,
            selected: 0,
            lines: Vec::new(),
        }
    }

    /// Rebuild the text from the current data (a new snapshot, a mode toggle).
    pub fn rebuild(&mut self, src: &Sources) {
        self.lines = match self.kind {
            ViewKind::Contexts => contexts(src),
            kind => match (src.snapshot, self.mode) {
                (None, _) => vec![muted(
                    src.lang,
                    "Reading the cluster…",
                    "클러스터를 읽는 중…",
                )],
                (Some(s), ViewMode::Yaml) => yaml(kind, s),
                (Some(s), ViewMode::Summary) => summary(kind, s, src.now),
            },
        };
        if self.kind == ViewKind::Contexts {
            let n = src.contexts.entries.len();
            self.selected = self.selected.min(n.saturating_sub(1));
        }
    }

    /// Scroll so that the first line is `to`, kept within the text for `height` rows.
    pub fn scroll_to(&mut self, to: usize, height: usize) {
        self.scroll = to.min(self.lines.len().saturating_sub(height.max(1)));
    }

    /// Scroll sideways by `delta` columns, no further than the widest line needs for `width`.
    pub fn scroll_sideways(&mut self, delta: isize, width: usize) {
        let widest = self
            .lines
            .iter()
            .map(|l| unicode_width::UnicodeWidthStr::width(l.text.as_str()))
            .max()
            .unwrap_or(0);
        let max = widest.saturating_sub(width.max(1));
        self.hscroll = self.hscroll.saturating_add_signed(delta).min(max);
    }

    /// Move the `:ctx` selection and keep it visible.
    pub fn select(&mut self, to: usize, count: usize, height: usize) {
        self.selected = to.min(count.saturating_sub(1));
        let row = self.selected + CONTEXT_HEADER_ROWS;
        if row < self.scroll + CONTEXT_HEADER_ROWS {
            self.scroll = self.selected;
        } else if row >= self.scroll + height.max(1) {
            self.scroll = row + 1 - height.max(1);
        }
        self.scroll_to(self.scroll, height);
    }
}

/// What a view is built from.
pub struct Sources<'a> {
    pub snapshot: Option<&'a Snapshot>,
    pub contexts: &'a KubeContexts,
    /// The fleet check of every context (`None` while it runs).
    pub health: Option<&'a [crate::fleet::Row]>,
    pub current_context: &'a str,
    pub now: Timestamp,
    pub lang: Lang,
}

fn line(tone: Tone, text: impl Into<String>) -> ViewLine {
    ViewLine {
        tone,
        text: crate::logs::sanitize(&text.into(), 4000).into_owned(),
    }
}

fn muted(lang: Lang, en: &str, ko: &str) -> ViewLine {
    line(Tone::Muted, if lang == Lang::Ko { ko } else { en })
}

fn contexts(src: &Sources) -> Vec<ViewLine> {
    let c = src.contexts;
    let mut out = Vec::new();
    let rows: Vec<([String; 5], Tone)> = c
        .entries
        .iter()
        .map(|e| {
            let current = e.name == src.current_context;
            let mark = if current { "*" } else { " " };
            let (health, tone) = health(src, &e.name);
            let tone = if current && tone == Tone::Plain {
                Tone::Ok
            } else {
                tone
            };
            (
                [
                    format!("{mark} {}", e.name),
                    health,
                    e.server.clone().unwrap_or_else(|| "-".into()),
                    e.namespace.clone().unwrap_or_else(|| "-".into()),
                    e.user.clone().unwrap_or_else(|| "-".into()),
                ],
                tone,
            )
        })
        .collect();
    let head = ["  CONTEXT", "HEALTH", "SERVER", "NAMESPACE", "USER"].map(String::from);
    let mut widths = [0usize; 5];
    for r in std::iter::once(&head).chain(rows.iter().map(|(r, _)| r)) {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(unicode_width::UnicodeWidthStr::width(cell.as_str()));
        }
    }
    let fmt = |r: &[String; 5]| {
        r.iter()
            .zip(widths)
            .map(|(cell, w)| pad(cell, w))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    out.push(line(Tone::Heading, fmt(&head)));
    for (r, tone) in &rows {
        out.push(line(*tone, fmt(r)));
    }
    out.push(line(Tone::Plain, ""));
    if c.demo {
        out.push(muted(
            src.lang,
            "The demo has one context: nothing to switch to.",
            "데모에는 컨텍스트가 하나뿐이라 전환할 곳이 없습니다.",
        ));
    } else if let Some(e) = &c.error {
        out.push(line(Tone::Error, e.clone()));
    } else {
        out.push(muted(
            src.lang,
            "* = current. Enter or :ctx NAME switches and re-diagnoses.",
            "* = 현재. Enter 또는 :ctx 이름 으로 전환하고 다시 진단합니다.",
        ));
    }
    out
}

/// A context's health column: the fleet check's verdict, root cause and node coverage.
fn health(src: &Sources, name: &str) -> (String, Tone) {
    use crate::fleet::Verdict;
    if src.contexts.demo {
        return ("-".into(), Tone::Plain);
    }
    let Some(rows) = src.health else {
        let text = if src.lang == Lang::Ko {
            "점검 중…"
        } else {
            "checking…"
        };
        return (text.into(), Tone::Muted);
    };
    let Some(row) = rows.iter().find(|r| r.context == name) else {
        return ("-".into(), Tone::Muted);
    };
    let nodes = row.node_metrics.map_or(String::new(), |c| {
        format!(" {}/{}", c.with_metrics, c.nodes)
    });
    match row.verdict {
        Verdict::Healthy => (format!("healthy{nodes}"), Tone::Plain),
        Verdict::Problems => (
            format!(
                "{}{nodes}",
                row.root_cause
                    .as_ref()
                    .map_or("problems".to_string(), |r| r.id.clone())
            ),
            Tone::Warning,
        ),
        Verdict::Unreachable => ("unreachable".into(), Tone::Error),
    }
}

fn pad(s: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The objects of a view as redacted YAML, one line a row.
fn yaml(kind: ViewKind, s: &Snapshot) -> Vec<ViewLine> {
    let text = match kind {
        ViewKind::Pods => crate::bundle::redacted_yaml(&s.pods, "pods"),
        ViewKind::Events => crate::bundle::redacted_yaml(&sorted_events(&s.events), "events"),
        ViewKind::Deploy => {
            crate::bundle::redacted_yaml(&s.deployment.iter().collect::<Vec<_>>(), "deployment")
        }
        ViewKind::ApiService => {
            crate::bundle::redacted_yaml(&s.apiservice.iter().collect::<Vec<_>>(), "apiservice")
        }
        ViewKind::Nodes => crate::bundle::redacted_yaml(&s.nodes, "nodes"),
        ViewKind::Contexts | ViewKind::Checks => String::new(),
    };
    text.lines()
        .map(|l| {
            let tone = if l == "---" {
                Tone::Muted
            } else if !l.starts_with(' ') && !l.starts_with('-') {
                Tone::Heading
            } else {
                Tone::Plain
            };
            line(tone, l)
        })
        .collect()
}

fn sorted_events(events: &[Event]) -> Vec<Event> {
    let mut v = events.to_vec();
    v.sort_by_key(crate::bundle::event_time);
    v
}

/// `5s`, `3m`, `2h`, `4d` like kubectl's AGE.
pub fn age(now: Timestamp, then: Timestamp) -> String {
    let s = now.duration_since(then).as_secs().max(0);
    match s {
        0..120 => format!("{s}s"),
        120..7200 => format!("{}m", s / 60),
        7200..172_800 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

/// A describe-like summary of the view's objects.
fn summary(kind: ViewKind, s: &Snapshot, now: Timestamp) -> Vec<ViewLine> {
    let mut out = Vec::new();
    let failed = |out: &mut Vec<ViewLine>, resource: &str| {
        for f in s.failures.iter().filter(|f| f.resource == resource) {
            out.push(line(
                Tone::Error,
                format!("could not read: {}", f.describe()),
            ));
        }
    };
    match kind {
        ViewKind::Pods => {
            failed(&mut out, "pods");
            if s.pods.is_empty() {
                out.push(line(Tone::Muted, "No metrics-server pods."));
            }
            for p in &s.pods {
                pod_summary(&mut out, p, now);
                out.push(line(Tone::Plain, ""));
            }
        }
        ViewKind::Events => {
            failed(&mut out, "events");
            let events = sorted_events(&s.events);
            if events.is_empty() {
                out.push(line(Tone::Muted, "No events about metrics-server or HPAs."));
                return out;
            }
            let head = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"].map(String::from);
            let rows: Vec<([String; 5], bool)> = events
                .iter()
                .map(|e| {
                    let o = &e.involved_object;
                    let count = e
                        .count
                        .filter(|c| *c > 1)
                        .map_or(String::new(), |c| format!(" (x{c})"));
                    let warning = e.type_.as_deref() == Some("Warning");
                    (
                        [
                            crate::bundle::event_time(e).map_or("-".into(), |t| age(now, t)),
                            or_dash(e.type_.as_deref()),
                            or_dash(e.reason.as_deref()),
                            format!(
                                "{}/{}{count}",
                                or_dash(o.kind.as_deref()).to_lowercase(),
                                or_dash(o.name.as_deref())
                            ),
                            e.message.as_deref().unwrap_or("").trim().to_string(),
                        ],
                        warning,
                    )
                })
                .collect();
            let mut widths = [0usize; 4];
            for r in std::iter::once(&head).chain(rows.iter().map(|(r, _)| r)) {
                for (w, cell) in widths.iter_mut().zip(r.iter()) {
                    *w = (*w).max(unicode_width::UnicodeWidthStr::width(cell.as_str()));
                }
            }
            let fmt = |r: &[String; 5]| {
                let mut text: String = r[..4]
                    .iter()
                    .zip(widths)
                    .map(|(cell, w)| pad(cell, w) + "  ")
                    .collect();
                text.push_str(&r[4]);
                text
            };
            out.push(line(Tone::Heading, fmt(&head)));
            for (r, warning) in &rows {
                let tone = if *warning { Tone::Warning } else { Tone::Plain };
                out.push(line(tone, fmt(r)));
            }
        }
        ViewKind::Deploy => deploy_summary(&mut out, s, now),
        ViewKind::ApiService => apiservice_summary(&mut out, s),
        ViewKind::Nodes => nodes_summary(&mut out, s),
        ViewKind::Checks => checks_summary(&mut out, s),
        ViewKind::Contexts => {}
    }
    out
}

fn kv(out: &mut Vec<ViewLine>, key: &str, value: impl std::fmt::Display) {
    out.push(line(
        Tone::Plain,
        format!("{:<16}{value}", format!("{key}:")),
    ));
}

fn pod_summary(out: &mut Vec<ViewLine>, p: &Pod, now: Timestamp) {
    let m = &p.metadata;
    out.push(line(
        Tone::Heading,
        format!(
            "Pod {}/{}",
            or_dash(m.namespace.as_deref()),
            or_dash(m.name.as_deref())
        ),
    ));
    let spec = p.spec.as_ref();
    let status = p.status.as_ref();
    kv(
        out,
        "Node",
        or_dash(spec.and_then(|s| s.node_name.as_deref())),
    );
    kv(
        out,
        "Phase",
        or_dash(status.and_then(|s| s.phase.as_deref())),
    );
    if let Some(t) = m.creation_timestamp.as_ref() {
        kv(out, "Age", age(now, t.0));
    }
    kv(out, "IP", or_dash(status.and_then(|s| s.pod_ip.as_deref())));
    for c in status
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
    {
        let tone = if c.status == "True" {
            Tone::Plain
        } else {
            Tone::Warning
        };
        out.push(line(
            tone,
            format!(
                "  condition {} = {}{}",
                c.type_,
                c.status,
                c.reason
                    .as_deref()
                    .map_or(String::new(), |r| format!(" ({r})"))
            ),
        ));
    }
    for c in spec.map(|s| s.containers.as_slice()).unwrap_or_default() {
        out.push(line(Tone::Heading, format!("  Container {}", c.name)));
        kv(out, "    Image", or_dash(c.image.as_deref()));
        let cs = status
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|v| v.iter().find(|x| x.name == c.name));
        if let Some(cs) = cs {
            let (state, tone) = container_state(cs.state.as_ref());
            out.push(line(tone, format!("{:<16}{state}", "    State:")));
            kv(out, "    Ready", cs.ready);
            kv(out, "    Restarts", cs.restart_count);
            if let Some(last) = cs.last_state.as_ref().filter(|l| l.terminated.is_some()) {
                let (state, _) = container_state(Some(last));
                out.push(line(
                    Tone::Warning,
                    format!("{:<16}{state}", "    Last state:"),
                ));
            }
        }
        let args: Vec<&String> = c
            .command
            .iter()
            .flatten()
            .chain(c.args.iter().flatten())
            .collect();
        if !args.is_empty() {
            out.push(line(Tone::Plain, "    Args:"));
            for a in args {
                out.push(line(Tone::Plain, format!("      {a}")));
            }
        }
    }
}

fn container_state(s: Option<&k8s_openapi::api::core::v1::ContainerState>) -> (String, Tone) {
    let Some(s) = s else {
        return ("-".into(), Tone::Muted);
    };
    if let Some(r) = &s.running {
        let since = r
            .started_at
            .as_ref()
            .map_or(String::new(), |t| format!(" since {}", t.0));
        return (format!("Running{since}"), Tone::Ok);
    }
    if let Some(w) = &s.waiting {
        return (
            format!(
                "Waiting ({}){}",
                or_dash(w.reason.as_deref()),
                w.message
                    .as_deref()
                    .map_or(String::new(), |m| format!(": {m}"))
            ),
            Tone::Warning,
        );
    }
    if let Some(t) = &s.terminated {
        return (
            format!(
                "Terminated ({}, exit code {}){}",
                or_dash(t.reason.as_deref()),
                t.exit_code,
                t.message
                    .as_deref()
                    .map_or(String::new(), |m| format!(": {m}"))
            ),
            Tone::Error,
        );
    }
    ("-".into(), Tone::Muted)
}

fn deploy_summary(out: &mut Vec<ViewLine>, s: &Snapshot, now: Timestamp) {
    let Some(d) = s.deployment.as_ref() else {
        out.push(line(Tone::Muted, "No metrics-server Deployment was found."));
        for f in s.failures.iter().filter(|f| f.resource == "deployments") {
            out.push(line(
                Tone::Error,
                format!("could not read: {}", f.describe()),
            ));
        }
        return;
    };
    let m = &d.metadata;
    out.push(line(
        Tone::Heading,
        format!(
            "Deployment {}/{}",
            or_dash(m.namespace.as_deref()),
            or_dash(m.name.as_deref())
        ),
    ));
    if let Some(t) = m.creation_timestamp.as_ref() {
        kv(out, "Age", age(now, t.0));
    }
    if let Some(i) = s.install.as_ref() {
        kv(out, "Found by", format!("{:?}", i.found_by));
        kv(out, "Layout", i.kind.label());
    }
    let spec = d.spec.as_ref();
    let st = d.status.as_ref();
    kv(
        out,
        "Replicas",
        format!(
            "{} desired | {} updated | {} ready | {} available",
            spec.and_then(|s| s.replicas).unwrap_or(1),
            st.and_then(|s| s.updated_replicas).unwrap_or(0),
            st.and_then(|s| s.ready_replicas).unwrap_or(0),
            st.and_then(|s| s.available_replicas).unwrap_or(0),
        ),
    );
    kv(
        out,
        "Strategy",
        or_dash(spec.and_then(|s| s.strategy.as_ref()?.type_.as_deref())),
    );
    if let Some(sel) = spec.and_then(|s| s.selector.match_labels.as_ref()) {
        let labels: Vec<String> = sel.iter().map(|(k, v)| format!("{k}={v}")).collect();
        kv(out, "Selector", labels.join(","));
    }
    for c in st.and_then(|s| s.conditions.as_ref()).into_iter().flatten() {
        let tone = if c.status == "True" {
            Tone::Plain
        } else {
            Tone::Warning
        };
        out.push(line(
            tone,
            format!(
                "  condition {} = {} {}: {}",
                c.type_,
                c.status,
                or_dash(c.reason.as_deref()),
                c.message.as_deref().unwrap_or("")
            ),
        ));
    }
    let containers = spec
        .and_then(|s| s.template.spec.as_ref())
        .map(|p| p.containers.as_slice())
        .unwrap_or_default();
    for c in containers {
        out.push(line(Tone::Heading, format!("  Container {}", c.name)));
        kv(out, "    Image", or_dash(c.image.as_deref()));
        for p in c.ports.iter().flatten() {
            kv(
                out,
                "    Port",
                format!(
                    "{} {}/{}",
                    or_dash(p.name.as_deref()),
                    p.container_port,
                    p.protocol.as_deref().unwrap_or("TCP")
                ),
            );
        }
        if let Some(cmd) = c.command.as_ref() {
            out.push(line(Tone::Plain, "    Command:"));
            for a in cmd {
                out.push(line(Tone::Plain, format!("      {}", redact_flag(a))));
            }
        }
        if let Some(args) = c.args.as_ref() {
            out.push(line(Tone::Plain, "    Args:"));
            for a in args {
                out.push(line(Tone::Plain, format!("      {}", redact_flag(a))));
            }
        }
    }
    if !s.replica_sets.is_empty() {
        out.push(line(Tone::Heading, "ReplicaSets (newest first)"));
        for rs in &s.replica_sets {
            let rev = rs
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("deployment.kubernetes.io/revision"))
                .map_or("?".to_string(), Clone::clone);
            let st = rs.status.as_ref();
            out.push(line(
                Tone::Plain,
                format!(
                    "  {} revision {rev}: {} replicas, {} ready",
                    or_dash(rs.metadata.name.as_deref()),
                    st.map_or(0, |s| s.replicas),
                    st.and_then(|s| s.ready_replicas).unwrap_or(0)
                ),
            ));
        }
    }
}

/// A flag shown in the summary: values of secret-looking flags are taken out, like the YAML.
fn redact_flag(arg: &str) -> String {
    crate::bundle::redact::text(arg)
}

fn apiservice_summary(out: &mut Vec<ViewLine>, s: &Snapshot) {
    let Some(a) = s.apiservice.as_ref() else {
        out.push(line(
            Tone::Warning,
            format!(
                "APIService {} does not exist or could not be read.",
                crate::snapshot::METRICS_APISERVICE
            ),
        ));
        for f in s.failures.iter().filter(|f| f.resource == "apiservices") {
            out.push(line(
                Tone::Error,
                format!("could not read: {}", f.describe()),
            ));
        }
        return;
    };
    out.push(line(
        Tone::Heading,
        format!("APIService {}", or_dash(a.metadata.name.as_deref())),
    ));
    if let Some(spec) = a.spec.as_ref() {
        kv(
            out,
            "Group/version",
            format!(
                "{}/{}",
                or_dash(spec.group.as_deref()),
                or_dash(spec.version.as_deref())
            ),
        );
        match spec.service.as_ref() {
            Some(svc) => kv(
                out,
                "Service",
                format!(
                    "{}/{}:{}",
                    or_dash(svc.namespace.as_deref()),
                    or_dash(svc.name.as_deref()),
                    svc.port.unwrap_or(443)
                ),
            ),
            None => kv(out, "Service", "- (served by the kube-apiserver itself)"),
        }
        kv(
            out,
            "Insecure TLS",
            spec.insecure_skip_tls_verify.unwrap_or(false),
        );
        let ca = spec.ca_bundle.as_ref().map_or("-".to_string(), |b| {
            use base64::Engine as _;
            let b64 = base64::engine::general_purpose::STANDARD.encode(&b.0);
            crate::bundle::redact::ca_bundle_summary(&b64)
        });
        kv(out, "caBundle", ca);
    }
    for c in a
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
    {
        let tone = if c.status == "True" {
            Tone::Ok
        } else {
            Tone::Error
        };
        out.push(line(
            tone,
            format!(
                "  condition {} = {} {}: {}",
                c.type_,
                c.status,
                or_dash(c.reason.as_deref()),
                c.message.as_deref().unwrap_or("")
            ),
        ));
    }
}

/// The limits of the diagnosis: evidence checks that could not run and API calls that failed.
fn checks_summary(out: &mut Vec<ViewLine>, s: &Snapshot) {
    if s.not_checked.is_empty() && s.failures.is_empty() {
        out.push(line(
            Tone::Ok,
            "Every read and check succeeded: the diagnosis saw everything it looks at.",
        ));
        return;
    }
    if !s.not_checked.is_empty() {
        out.push(line(Tone::Heading, "Not checked"));
        for n in &s.not_checked {
            out.push(line(
                Tone::Warning,
                format!("  {}", crate::logs::sanitize(&n.what, 200)),
            ));
            out.push(line(
                Tone::Muted,
                format!("    {}", crate::logs::sanitize(&n.why, 400)),
            ));
        }
    }
    if !s.failures.is_empty() {
        out.push(line(Tone::Heading, "Calls that failed"));
        for f in &s.failures {
            out.push(line(
                Tone::Error,
                format!("  {}", crate::logs::sanitize(&f.describe(), 400)),
            ));
        }
    }
}

fn nodes_summary(out: &mut Vec<ViewLine>, s: &Snapshot) {
    for f in s.failures.iter().filter(|f| f.resource == "nodes") {
        out.push(line(
            Tone::Error,
            format!("could not read: {}", f.describe()),
        ));
    }
    if s.nodes.is_empty() {
        out.push(line(Tone::Muted, "No nodes."));
    }
    for n in &s.nodes {
        let name = or_dash(n.metadata.name.as_deref());
        let st = n.status.as_ref();
        let ready = st
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .map_or("Unknown".to_string(), |c| c.status.clone());
        let metrics = s.node_metrics.as_ref().map(|m| {
            m.iter()
                .any(|x| x.metadata.name.as_deref() == Some(name.as_str()))
        });
        let tone = if ready == "True" {
            Tone::Heading
        } else {
            Tone::Warning
        };
        out.push(line(tone, format!("Node {name}  Ready={ready}")));
        for a in st.and_then(|s| s.addresses.as_ref()).into_iter().flatten() {
            kv(out, &format!("  {}", a.type_), &a.address);
        }
        if let Some(port) = st
            .and_then(|s| s.daemon_endpoints.as_ref())
            .and_then(|d| d.kubelet_endpoint.as_ref())
        {
            kv(out, "  Kubelet port", port.port);
        }
        if let Some(info) = st.and_then(|s| s.node_info.as_ref()) {
            kv(out, "  Kubelet", &info.kubelet_version);
        }
        if let Some(alloc) = st.and_then(|s| s.allocatable.as_ref()) {
            let cpu = alloc.get("cpu").map_or("-", |q| q.0.as_str());
            let mem = alloc.get("memory").map_or("-", |q| q.0.as_str());
            kv(out, "  Allocatable", format!("cpu {cpu}, memory {mem}"));
        }
        let (text, tone) = match metrics {
            Some(true) => ("served", Tone::Ok),
            Some(false) => ("missing", Tone::Warning),
            None => ("Metrics API unavailable", Tone::Error),
        };
        out.push(line(tone, format!("{:<16}{text}", "  Node metrics:")));
        out.push(line(Tone::Plain, ""));
    }
    let mut w = String::new();
    if let Some(e) = &s.metrics_api_error {
        let _ = write!(w, "Metrics API: {}", e.describe());
        out.push(line(Tone::Error, w));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::sample;

    fn build(kind: ViewKind, mode: ViewMode) -> Vec<String> {
        let snap = sample::x509();
        let ctx = KubeContexts::default();
        let mut v = ObjectView::new(kind);
        v.mode = mode;
        v.rebuild(&Sources {
            snapshot: Some(&snap),
            contexts: &ctx,
            health: None,
            current_context: "x",
            now: sample::now(),
            lang: Lang::En,
        });
        v.lines.into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn every_view_shows_its_objects_in_both_modes() {
        for kind in [
            ViewKind::Pods,
            ViewKind::Events,
            ViewKind::Deploy,
            ViewKind::ApiService,
            ViewKind::Nodes,
        ] {
            for mode in [ViewMode::Summary, ViewMode::Yaml] {
                let lines = build(kind, mode);
                assert!(lines.len() > 2, "{kind:?} {mode:?}: {lines:?}");
            }
        }
        let deploy = build(ViewKind::Deploy, ViewMode::Summary).join("\n");
        assert!(
            deploy.contains("Deployment kube-system/metrics-server"),
            "{deploy}"
        );
        assert!(
            deploy.contains("--kubelet-preferred-address-types"),
            "{deploy}"
        );
        let yaml = build(ViewKind::ApiService, ViewMode::Yaml).join("\n");
        assert!(yaml.contains("kind: APIService"), "{yaml}");
        let nodes = build(ViewKind::Nodes, ViewMode::Summary).join("\n");
        assert!(nodes.contains("InternalIP"), "{nodes}");
    }

    #[test]
    fn the_checks_view_lists_what_could_not_be_checked_and_why() {
        let mut snap = sample::x509();
        snap.not_checked.push(crate::snapshot::NotChecked {
            what: "kubelet serving certificates (F15, F16, F17)".into(),
            why: "no TLS handshake with 10.0.0.5:10250 within 2s".into(),
        });
        let mut out = Vec::new();
        checks_summary(&mut out, &snap);
        let text: Vec<String> = out.into_iter().map(|l| l.text).collect();
        assert!(text.contains(&"Not checked".to_string()), "{text:?}");
        assert!(text.iter().any(|l| l.contains("within 2s")), "{text:?}");

        let mut out = Vec::new();
        checks_summary(&mut out, &sample::healthy());
        assert!(out[0].text.starts_with("Every read and check succeeded"));
    }

    #[test]
    fn secrets_in_env_are_redacted_in_the_yaml() {
        let mut snap = sample::x509();
        let d = snap.deployment.as_mut().expect("deployment");
        let c = &mut d
            .spec
            .as_mut()
            .expect("spec")
            .template
            .spec
            .as_mut()
            .expect("pod spec")
            .containers[0];
        c.env = Some(vec![k8s_openapi::api::core::v1::EnvVar {
            name: "API_TOKEN".into(),
            value: Some("hunter2-very-secret".into()),
            value_from: None,
        }]);
        let ctx = KubeContexts::default();
        let mut v = ObjectView::new(ViewKind::Deploy);
        v.mode = ViewMode::Yaml;
        v.rebuild(&Sources {
            snapshot: Some(&snap),
            contexts: &ctx,
            health: None,
            current_context: "x",
            now: sample::now(),
            lang: Lang::En,
        });
        let text: Vec<&str> = v.lines.iter().map(|l| l.text.as_str()).collect();
        let text = text.join("\n");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("API_TOKEN"), "{text}");
    }

    #[test]
    fn ages_like_kubectl() {
        let now = sample::now();
        let ago = |s: i64| now - jiff::SignedDuration::from_secs(s);
        assert_eq!(age(now, ago(5)), "5s");
        assert_eq!(age(now, ago(300)), "5m");
        assert_eq!(age(now, ago(3 * 3600)), "3h");
        assert_eq!(age(now, ago(3 * 86_400)), "3d");
    }
}
