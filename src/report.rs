//! Output of the headless commands (`check`, `analyze-logs`): text for humans, JSON for scripts.
//!
//! Pure: data in, strings out. Whether to colour is decided by the caller ([`use_color`]).

use crate::diagnose::{Finding, coverage, has_problems, headline};
use crate::snapshot::Snapshot;
use crate::vocab::{Lang, Severity, Step, Text};
use serde::Serialize;
use std::fmt::Write as _;

/// Colour only on a terminal that can show it: never when `NO_COLOR` is set to anything
/// non-empty or `TERM` is `dumb`. The one rule for `check`, `analyze-logs` and the UI.
pub fn use_color(is_tty: bool, env: impl Fn(&str) -> Option<String>) -> bool {
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = env("TERM").is_some_and(|t| t == "dumb");
    is_tty && !no_color && !dumb
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

/// The stable JSON document of `check -o json`.
#[derive(Debug, Serialize)]
pub struct CheckJson<'a> {
    pub healthy: bool,
    /// The findings, each fix with `"disabled": reason` when the permission matrix denies it.
    pub findings: serde_json::Value,
    pub cluster: &'a crate::snapshot::ClusterInfo,
    pub install: Option<&'a crate::install::Install>,
    pub node_metrics: NodeCoverage,
    pub failed_calls: &'a [crate::snapshot::CallFailure],
    pub permissions: &'a [crate::snapshot::Permission],
    /// The HPA blast radius: `{"total", "blind": [{"namespace", "name", "reason", "message",
    /// "source"}], "namespaces"}`.
    pub hpas: crate::diagnose::HpaBlast,
    /// Evidence read beyond the objects: what was measured, and what could not be checked.
    pub evidence: EvidenceJson<'a>,
}

/// `check -o json`'s `evidence`: the checks behind API-evidence findings, and their coverage.
#[derive(Debug, Serialize)]
pub struct EvidenceJson<'a> {
    /// SubjectAccessReviews for metrics-server's ServiceAccount; `null` when not made.
    pub service_account: Option<&'a crate::snapshot::ServiceAccountAccess>,
    /// Where the cluster CA kubelet certificates were compared with came from.
    pub cluster_ca: Option<&'a str>,
    /// Kubelets whose serving certificate was read: `{"node", "endpoint", "read", "error"}`.
    pub kubelet_certs: Vec<serde_json::Value>,
    /// The API server's clock (`Date` header) when the snapshot was taken.
    pub apiserver_time: Option<String>,
    pub node_leases: usize,
    /// `[{"what", "why"}]`: evidence checks that could not run.
    pub not_checked: &'a [crate::snapshot::NotChecked],
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
        findings: findings_json(snap, findings),
        cluster: &snap.cluster,
        install: snap.install.as_ref(),
        node_metrics: NodeCoverage {
            nodes: snap.nodes.len(),
            with_metrics: coverage(snap).map(|c| c.0),
            error: snap.metrics_api_error.as_ref().map(|e| e.describe()),
        },
        failed_calls: &snap.failures,
        permissions: &snap.permissions,
        hpas: crate::diagnose::blast_radius(snap),
        evidence: EvidenceJson {
            service_account: snap.sa_access.as_ref(),
            cluster_ca: snap.cluster_ca.as_ref().map(|a| a.source.as_str()),
            kubelet_certs: snap
                .kubelet_tls
                .iter()
                .map(|k| {
                    serde_json::json!({
                        "node": k.node,
                        "endpoint": format!("{}:{}", k.address, k.port),
                        "read": k.chain.is_ok(),
                        "error": k.chain.as_ref().err(),
                    })
                })
                .collect(),
            apiserver_time: snap.apiserver_time.map(|t| t.to_string()),
            node_leases: snap.node_leases.len(),
            not_checked: &snap.not_checked,
        },
    };
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// Findings as JSON, with the reason a fix cannot be applied by this user, if any.
fn findings_json(snap: &Snapshot, findings: &[Finding]) -> serde_json::Value {
    let mut value = serde_json::to_value(findings).unwrap_or_default();
    let fixes = value
        .as_array_mut()
        .into_iter()
        .flatten()
        .zip(findings)
        .flat_map(|(fv, f)| {
            let slots = fv
                .get_mut("fixes")
                .and_then(|x| x.as_array_mut())
                .map(|a| a.iter_mut());
            slots.into_iter().flatten().zip(&f.fixes)
        });
    for (slot, fix) in fixes {
        if let (Some(denied), Some(obj)) = (snap.denied(fix.needs()), slot.as_object_mut()) {
            obj.insert(
                "disabled".into(),
                format!("missing permission: {denied}").into(),
            );
        }
    }
    value
}

/// The text reports' own words (JSON never uses them). Korean step titles are the seed
/// runbook's headings.
mod words {
    use crate::vocab::Text;

    pub const CLUSTER: Text = Text::new("Cluster:", "클러스터:");
    pub const VERSION_UNKNOWN: Text = Text::new("version unknown", "버전 알 수 없음");
    pub const CONTAINER: Text = Text::new("container", "컨테이너");
    pub const NOT_FOUND: Text = Text::new("not found", "찾지 못함");
    pub const VERDICT: Text = Text::new("Verdict:", "진단 결과:");
    pub const OK: Text = Text::new("ok", "정상");
    pub const HEALTHY: Text = Text::new("healthy", "정상");
    pub const NO_PROBLEMS: Text =
        Text::new("no problems found", "이 단계에서 찾은 문제가 없습니다");
    pub const NODES: Text = Text::new("nodes:", "노드:");
    pub const FIX: Text = Text::new("fix", "조치");
    pub const PERMISSIONS: Text = Text::new("Permissions:", "권한:");
    pub const MAY_NOT: Text = Text::new("you may not:", "다음 작업을 할 수 없습니다:");
    pub const NOT_CHECKED: Text = Text::new("Not checked:", "점검하지 못함:");
    pub const NO_NODE_METRICS: Text =
        Text::new("node metrics unavailable", "노드 메트릭을 가져올 수 없음");
}

/// The severity word, padded to the same display width in both languages (Hangul is two
/// columns wide), so titles line up.
pub fn severity_tag(s: Severity, lang: Lang, paint: Paint) -> String {
    let word = s.word().get(lang);
    let pad = 7usize.saturating_sub(unicode_width::UnicodeWidthStr::width(word));
    paint.severity(s, &format!("{word}{}", " ".repeat(pad)))
}

/// The human report of `check`, grouped by runbook step, in `lang`.
pub fn check_text(snap: &Snapshot, findings: &[Finding], paint: Paint, lang: Lang) -> String {
    let w = |t: Text| t.get(lang);
    let mut out = String::new();
    let c = &snap.cluster;
    let version = c
        .server_version
        .as_deref()
        .unwrap_or(w(words::VERSION_UNKNOWN));
    let _ = writeln!(
        out,
        "{} {} ({}, {version})",
        paint.bold(w(words::CLUSTER)),
        c.context,
        c.server
    );
    match &snap.install {
        Some(i) => {
            let v = i
                .version
                .map(|v| v.to_string())
                .unwrap_or_else(|| w(words::VERSION_UNKNOWN).into());
            let _ = writeln!(
                out,
                "{} {}/{} ({v}, {}), {} {}",
                paint.bold("metrics-server:"),
                i.namespace,
                i.deployment,
                i.kind.label(),
                w(words::CONTAINER),
                i.container
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{} {}",
                paint.bold("metrics-server:"),
                w(words::NOT_FOUND)
            );
        }
    }
    let _ = writeln!(
        out,
        "{} {}",
        paint.bold(w(words::VERDICT)),
        verdict(snap, findings, paint, lang)
    );
    for step in Step::ALL {
        let here: Vec<&Finding> = findings.iter().filter(|f| f.step == step).collect();
        let _ = writeln!(out, "\n{}", paint.bold(&step.heading(lang)));
        if here.is_empty() {
            let _ = writeln!(
                out,
                "  {} {}",
                paint.green(w(words::OK)),
                w(words::NO_PROBLEMS)
            );
        }
        for f in here {
            write_finding(&mut out, f, paint, lang);
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
            "\n{} {} {}",
            paint.bold(w(words::PERMISSIONS)),
            w(words::MAY_NOT),
            denied.join("; ")
        );
    }
    if !snap.not_checked.is_empty() {
        let _ = writeln!(out, "\n{}", paint.bold(w(words::NOT_CHECKED)));
        for n in &snap.not_checked {
            // The reason quotes the API server: untrusted text.
            let line = format!("· {}: {}", n.what, shown(&n.why));
            let _ = writeln!(out, "  {}", paint.dim(&line));
        }
    }
    out
}

/// One finding. Evidence is quoted from the cluster and stays as it was recorded.
fn write_finding(out: &mut String, f: &Finding, paint: Paint, lang: Lang) {
    let tag = severity_tag(f.severity, lang, paint);
    // Titles, nodes and evidence can quote pod logs and cluster objects: untrusted text.
    let title = shown(f.title(lang));
    let _ = writeln!(out, "  {tag} {} {title}", paint.bold(&f.id.to_string()));
    if !f.nodes.is_empty() {
        let nodes: Vec<String> = f.nodes.iter().map(|n| shown(n)).collect();
        let _ = writeln!(
            out,
            "          {} {}",
            words::NODES.get(lang),
            nodes.join(", ")
        );
    }
    for e in &f.evidence {
        let _ = writeln!(out, "          {}", paint.dim(&format!("· {}", shown(e))));
    }
    for fix in &f.fixes {
        let summary = fix.summary().get(lang);
        let _ = writeln!(
            out,
            "          {} {}: {summary}",
            words::FIX.get(lang),
            fix.as_str()
        );
    }
}

/// Untrusted text made safe to print: control and escape sequences removed, length capped.
fn shown(text: &str) -> String {
    crate::logs::sanitize(text, 1000).into_owned()
}

/// One line: healthy, or the headline finding and the metrics coverage; then the HPAs that are
/// blind, when there are any (the blast radius an on-call engineer asks for first).
pub fn verdict(snap: &Snapshot, findings: &[Finding], paint: Paint, lang: Lang) -> String {
    let mut line = verdict_head(snap, findings, paint, lang);
    let blast = crate::diagnose::blast_radius(snap);
    if !blast.blind.is_empty() {
        let n = blast.blind.len();
        let total = blast.total;
        let namespaces = blast
            .namespaces
            .iter()
            .map(|ns| shown(ns))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = match lang {
            Lang::En => write!(line, "; HPAs blind: {n}/{total} (namespaces: {namespaces})"),
            Lang::Ko => write!(
                line,
                "; 메트릭을 못 읽는 HPA: {n}/{total} (네임스페이스: {namespaces})"
            ),
        };
    }
    line
}

fn verdict_head(snap: &Snapshot, findings: &[Finding], paint: Paint, lang: Lang) -> String {
    let coverage = match (coverage(snap), lang) {
        (Some((n, m)), Lang::En) => format!("node metrics {n}/{m}"),
        (Some((n, m)), Lang::Ko) => format!("노드 메트릭 {n}/{m}"),
        (None, _) => words::NO_NODE_METRICS.get(lang).to_string(),
    };
    match headline(findings) {
        Some(f) if f.severity >= Severity::Warning => {
            let errors = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            let warnings = findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count();
            let title = f.title(lang);
            let head = paint.severity(f.severity, &format!("{} {title}", f.id));
            match lang {
                Lang::En => {
                    format!("{head} — {errors} error(s), {warnings} warning(s); {coverage}")
                }
                Lang::Ko => format!("{head} — 오류 {errors}개, 경고 {warnings}개; {coverage}"),
            }
        }
        _ => format!("{} — {coverage}", paint.green(words::HEALTHY.get(lang))),
    }
}
/// The output formats of `analyze-logs` (`-o`); the command itself is [`crate::analyze`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
    Ndjson,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::{diagnose, sample};
    use crate::vocab::{RuleId, catalog};

    const PLAIN: Paint = Paint { color: false };

    #[test]
    fn colour_only_on_a_terminal_without_no_color_or_term_dumb() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(use_color(true, env(&[("TERM", "xterm-256color")])));
        assert!(!use_color(false, env(&[])), "not a terminal");
        assert!(!use_color(true, env(&[("NO_COLOR", "1")])));
        assert!(use_color(true, env(&[("NO_COLOR", "")])), "empty is unset");
        assert!(!use_color(true, env(&[("TERM", "dumb")])));
    }

    fn x509() -> (Snapshot, Vec<Finding>) {
        let snap = sample::x509();
        let findings = diagnose(&snap, sample::now());
        (snap, findings)
    }

    fn has_hangul(s: &str) -> bool {
        s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
    }

    #[test]
    fn korean_check_uses_the_runbook_steps_and_korean_titles() {
        let (snap, findings) = x509();
        let text = check_text(&snap, &findings, PLAIN, Lang::Ko);
        for heading in [
            "1단계 · Metrics Server 로그 확인으로 원인 구체화",
            "2단계 · TLS 인증 문제 해결",
            "3단계 · Kubelet 연결 문제 해결",
            "4단계 · 배포 재시작 및 검증",
        ] {
            assert!(text.contains(heading), "{heading} missing:\n{text}");
        }
        let f15 = catalog::info(RuleId::KubeletCertUnknownAuthority);
        assert!(
            text.contains(&format!("오류    F15 {}", f15.title.ko)),
            "{text}"
        );
        assert!(
            !text.contains(f15.title.en),
            "English title left in:\n{text}"
        );
        assert!(
            text.contains("진단 결과: F15 kubelet 인증서를 신뢰할 수 없음"),
            "{text}"
        );
        assert!(text.contains("노드: node-1, node-2, node-3"));
        assert!(text.contains("조치 kubelet-insecure-tls: 임시 조치: --kubelet-insecure-tls 추가"));
        for english in [
            "Cluster:", "Verdict:", "Step ", "nodes:", "fix ", "error(s)",
        ] {
            assert!(!text.contains(english), "{english:?} left in:\n{text}");
        }
    }

    #[test]
    fn english_check_is_unchanged_and_has_no_korean() {
        let (snap, findings) = x509();
        let text = check_text(&snap, &findings, PLAIN, Lang::En);
        assert!(!has_hangul(&text), "{text}");
        assert!(text.contains(
            "Verdict: F15 Kubelet certificates are not trusted (signed by unknown authority) — "
        ));
        assert!(text.contains("\nStep 2 · Kubelet TLS trust\n  error   F15 Kubelet certificates"));
        assert!(text.contains("          nodes: node-1, node-2, node-3\n"));
        assert!(
            text.contains(
                "          fix kubelet-insecure-tls: Quick fix: add --kubelet-insecure-tls"
            )
        );
        assert!(text.contains(
            "\nStep 3 · Kubelet connectivity and the APIService\n  ok no problems found\n"
        ));
    }

    #[test]
    fn korean_healthy_and_permission_lines() {
        let snap = sample::healthy();
        let text = check_text(&snap, &diagnose(&snap, sample::now()), PLAIN, Lang::Ko);
        assert!(text.contains("진단 결과: 정상 — 노드 메트릭 3/3"), "{text}");
        assert_eq!(
            text.matches("  정상 이 단계에서 찾은 문제가 없습니다")
                .count(),
            4
        );

        // A title a rule wrote itself (F39) is translated too, from a real diagnosis.
        let (mut snap, _) = x509();
        let denied = sample::forbidden("get", "pods/log", Some("kube-system"));
        snap.failures.push(denied);
        let text = check_text(&snap, &diagnose(&snap, sample::now()), PLAIN, Lang::Ko);
        assert!(
            text.contains("경고    F39 mstui에 get pods/log 권한이 없음"),
            "{text}"
        );
    }

    #[test]
    fn checks_that_could_not_run_are_listed_in_both_formats() {
        let (mut snap, findings) = x509();
        let plain = check_text(&snap, &findings, PLAIN, Lang::En);
        assert!(!plain.contains("Not checked:"), "{plain}");
        snap.not_checked.push(crate::snapshot::NotChecked {
            what: "the RBAC of ServiceAccount kube-system/metrics-server (F07, F24, F27, F39)"
                .into(),
            why: "create subjectaccessreviews: forbidden\x1b[2J".into(),
        });
        let text = check_text(&snap, &findings, PLAIN, Lang::En);
        assert!(
            text.contains(
                "Not checked:\n  · the RBAC of ServiceAccount kube-system/metrics-server (F07, \
                 F24, F27, F39): create subjectaccessreviews: forbidden"
            ),
            "{text}"
        );
        assert!(!text.contains('\x1b'), "the server's reason is sanitised");
        assert!(check_text(&snap, &findings, PLAIN, Lang::Ko).contains("점검하지 못함:"));
        let doc: serde_json::Value =
            serde_json::from_str(&check_json(&snap, &findings)).expect("JSON");
        assert_eq!(
            doc["evidence"]["not_checked"][0]["why"],
            "create subjectaccessreviews: forbidden\u{1b}[2J"
        );
    }

    #[test]
    fn json_does_not_depend_on_the_language() {
        let (snap, findings) = x509();
        // Rendering the Korean text must not touch what JSON reads.
        let before = check_json(&snap, &findings);
        let _ = check_text(&snap, &findings, PLAIN, Lang::Ko);
        let json = check_json(&snap, &findings);
        assert_eq!(before, json);
        assert!(!has_hangul(&json));
        assert!(json.contains(catalog::info(RuleId::KubeletCertUnknownAuthority).title.en));
    }

    #[test]
    fn severity_tags_line_up_in_both_languages() {
        for lang in [Lang::En, Lang::Ko] {
            for s in [Severity::Error, Severity::Warning, Severity::Info] {
                let tag = severity_tag(s, lang, PLAIN);
                assert_eq!(
                    unicode_width::UnicodeWidthStr::width(tag.as_str()),
                    7,
                    "{tag:?}"
                );
            }
        }
    }
}

#[cfg(test)]
mod json_tests {
    use super::*;
    use crate::diagnose::{diagnose, sample};
    use crate::vocab::FixId;

    #[test]
    fn fixes_the_user_may_not_apply_say_why_in_json() {
        let mut snap = sample::x509();
        let findings = diagnose(&snap, sample::now());
        let doc: serde_json::Value =
            serde_json::from_str(&check_json(&snap, &findings)).expect("JSON");
        let fix = &doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["id"] == "F15")
            .expect("F15")["fixes"][0];
        assert_eq!(fix["id"], "kubelet-insecure-tls");
        assert!(fix.get("disabled").is_none(), "allowed by default: {fix}");

        snap.permissions = vec![sample::patch_denied()];
        let doc: serde_json::Value =
            serde_json::from_str(&check_json(&snap, &findings)).expect("JSON");
        let fix = &doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .find(|f| f["id"] == "F15")
            .expect("F15")["fixes"][0];
        assert_eq!(
            fix["disabled"],
            "missing permission: patch deployments.apps -n kube-system"
        );
        assert_eq!(
            fix["summary"],
            FixId::KubeletInsecureTls.summary().en,
            "the contract's fields stay"
        );
    }
}
