//! The describe-like summaries of the object views (`d` in a view): a few lines per object,
//! kubectl-describe style, built (pure) from the snapshot. The views' state and YAML form are in
//! [`super::view`].

use super::command::ViewKind;
use super::view::{Tone, ViewLine, line, pad, sorted_events};
use crate::snapshot::Snapshot;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use std::fmt::Write as _;

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
pub(super) fn summary(kind: ViewKind, s: &Snapshot, now: Timestamp) -> Vec<ViewLine> {
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

/// `  condition TYPE = STATUS REASON: MESSAGE`, as the Deployment and the APIService show them.
fn condition_text(
    type_: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<&str>,
) -> String {
    format!(
        "  condition {type_} = {status} {}: {}",
        or_dash(reason),
        message.unwrap_or("")
    )
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
        let text = condition_text(
            &c.type_,
            &c.status,
            c.reason.as_deref(),
            c.message.as_deref(),
        );
        let tone = if c.status == "True" {
            Tone::Plain
        } else {
            Tone::Warning
        };
        out.push(line(tone, text));
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
        let text = condition_text(
            &c.type_,
            &c.status,
            c.reason.as_deref(),
            c.message.as_deref(),
        );
        let tone = if c.status == "True" {
            Tone::Ok
        } else {
            Tone::Error
        };
        out.push(line(tone, text));
    }
}

/// The limits of the diagnosis: evidence checks that could not run and API calls that failed.
pub(super) fn checks_summary(out: &mut Vec<ViewLine>, s: &Snapshot) {
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
