//! The read-only object views (`:pods`, `:events`, `:deploy`, `:apiservice`, `:nodes`, `:ctx`):
//! their state, the contexts table and the YAML form, built (pure) from the snapshot mstui already
//! has; the describe-like summaries are in [`super::describe`]. Nothing here fetches: a view shows
//! what the last snapshot read, and follows each new one.
//!
//! YAML goes through the incident bundle's redaction ([`crate::bundle::redacted_yaml`]): env
//! values and flags with secret names, caBundle, last-applied. mstui reads no Secret.

use super::command::ViewKind;
use crate::cluster::connect::ContextEntry;
use crate::snapshot::Snapshot;
use crate::vocab::Lang;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Event;

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
                (Some(s), ViewMode::Summary) => super::describe::summary(kind, s, src.now),
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

pub(super) fn line(tone: Tone, text: impl Into<String>) -> ViewLine {
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

pub(super) fn pad(s: &str, width: usize) -> String {
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

pub(super) fn sorted_events(events: &[Event]) -> Vec<Event> {
    let mut v = events.to_vec();
    v.sort_by_key(crate::bundle::event_time);
    v
}

#[cfg(test)]
mod tests {
    use super::super::describe::{age, checks_summary};
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
