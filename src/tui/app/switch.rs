//! What the `:` commands do to the state: open views, switch context or namespace (reconnect,
//! re-diagnose, restart log streaming), quit. The I/O is the runner's, asked for by effects.

use super::command::{self, Command, Known, ViewKind};
use super::view::{ObjectView, Sources};
use super::*;

impl App {
    /// Contexts and namespaces completion may offer.
    pub fn known_names(&self) -> (Vec<String>, Vec<String>) {
        let contexts = self
            .kube_contexts
            .entries
            .iter()
            .map(|e| e.name.clone())
            .collect();
        let mut ns: BTreeSet<String> = BTreeSet::new();
        ns.insert("kube-system".into());
        ns.extend(self.opts.namespace.clone());
        ns.extend(self.namespaces.iter().cloned());
        if let Some(s) = self.snapshot.as_ref() {
            ns.extend(s.install.iter().map(|i| i.namespace.clone()));
            ns.extend(s.other_installs.iter().map(|i| i.namespace.clone()));
            ns.extend(s.pods.iter().filter_map(|p| p.metadata.namespace.clone()));
            ns.extend(s.hpas.iter().filter_map(|h| h.metadata.namespace.clone()));
            ns.extend(
                s.events
                    .iter()
                    .filter_map(|e| e.involved_object.namespace.clone()),
            );
            ns.extend(
                s.service
                    .iter()
                    .filter_map(|x| x.metadata.namespace.clone()),
            );
        }
        (contexts, ns.into_iter().collect())
    }

    /// The candidate list the prompt shows, and the chosen one.
    pub fn command_candidates(&self) -> (Vec<String>, Option<usize>) {
        let (contexts, namespaces) = self.known_names();
        self.command
            .as_ref()
            .map(|p| {
                p.shown(Known {
                    contexts: &contexts,
                    namespaces: &namespaces,
                })
            })
            .unwrap_or_default()
    }

    /// Tab / Shift-Tab / ↑↓ in the prompt.
    pub(super) fn complete_command(&mut self, forward: bool, cycle_only: bool) {
        let (contexts, namespaces) = self.known_names();
        let known = Known {
            contexts: &contexts,
            namespaces: &namespaces,
        };
        if let Some(p) = self.command.as_mut() {
            if cycle_only {
                p.choose(known, forward);
            } else {
                p.complete(known, forward);
            }
        }
    }

    /// Enter in the prompt: the prompt closes, the command runs or its error is said.
    pub(super) fn submit_command(&mut self) -> Vec<Effect> {
        let Some(prompt) = self.command.take() else {
            return Vec::new();
        };
        match command::parse(&prompt.input) {
            Ok(cmd) => self.run_command(cmd),
            Err(e) => {
                self.say(Severity::Error, e.message(self.lang()));
                Vec::new()
            }
        }
    }

    fn run_command(&mut self, cmd: Command) -> Vec<Effect> {
        let ko = self.lang() == Lang::Ko;
        match cmd {
            Command::Quit => {
                self.should_quit = true;
                vec![Effect::Quit]
            }
            Command::View(kind) => {
                self.open_view(kind);
                Vec::new()
            }
            Command::Contexts => {
                self.context_health = None;
                self.open_view(ViewKind::Contexts);
                // Read again: the kubeconfig may have changed since mstui started. Each
                // context is checked like `check --all-contexts` (the demo has only one).
                let mut fx = vec![Effect::ListContexts];
                if !self.kube_contexts.demo {
                    fx.push(Effect::ProbeContexts);
                }
                fx
            }
            Command::SwitchContext(name) => self.switch_context(name),
            Command::ShowNamespace => {
                let found = self
                    .snapshot
                    .as_ref()
                    .and_then(|s| s.install.as_ref())
                    .map(|i| i.namespace.clone());
                let text = match (&self.opts.namespace, found, ko) {
                    (Some(ns), f, false) => format!(
                        "Looking in {ns} first{}; :ns - follows the APIService",
                        f.map_or(String::new(), |f| format!(", found in {f}"))
                    ),
                    (Some(ns), f, true) => format!(
                        "{ns}에서 먼저 찾습니다{}. :ns - 는 APIService를 따릅니다",
                        f.map_or(String::new(), |f| format!(", 찾은 곳: {f}"))
                    ),
                    (None, Some(f), false) => {
                        format!("Found in {f} via the APIService; :ns NAME looks in NAME first")
                    }
                    (None, None, false) => {
                        "Not found yet; :ns NAME looks for metrics-server in NAME first".into()
                    }
                    (None, Some(f), true) => {
                        format!(
                            "APIService를 따라 {f}에서 찾았습니다. :ns 이름 으로 먼저 찾을 곳 지정"
                        )
                    }
                    (None, None, true) => {
                        "아직 찾지 못했습니다. :ns 이름 으로 먼저 찾을 곳 지정".into()
                    }
                };
                self.say(Severity::Info, text);
                Vec::new()
            }
            Command::SetNamespace(ns) => {
                let text = match (&ns, ko) {
                    (Some(n), false) => {
                        format!("Looking for metrics-server in {n} first; re-diagnosing")
                    }
                    (Some(n), true) => {
                        format!("metrics-server를 {n}에서 먼저 찾습니다. 다시 진단합니다")
                    }
                    (None, false) => {
                        "Following the APIService to metrics-server again; re-diagnosing".into()
                    }
                    (None, true) => {
                        "다시 APIService를 따라 metrics-server를 찾습니다. 다시 진단합니다".into()
                    }
                };
                self.opts.namespace = ns.clone();
                self.say(Severity::Info, text);
                let mut fx = vec![Effect::SetNamespace(ns)];
                fx.extend(self.restart_on_new_cluster());
                fx
            }
        }
    }

    fn switch_context(&mut self, name: String) -> Vec<Effect> {
        let ko = self.lang() == Lang::Ko;
        let c = &self.kube_contexts;
        if c.demo {
            let text = if ko {
                format!(
                    "데모에는 컨텍스트가 하나({})뿐이라 전환할 곳이 없습니다",
                    self.cluster.context
                )
            } else {
                format!(
                    "The demo has one context ({}): nothing to switch to",
                    self.cluster.context
                )
            };
            self.say(Severity::Warning, text);
            return Vec::new();
        }
        if name == self.cluster.context {
            let text = if ko {
                format!("이미 컨텍스트 {name}을(를) 쓰고 있습니다")
            } else {
                format!("Already on context {name}")
            };
            self.say(Severity::Info, text);
            return Vec::new();
        }
        if !c.entries.is_empty() && !c.entries.iter().any(|e| e.name == name) {
            let text = if ko {
                format!(
                    "kubeconfig에 컨텍스트 \"{name}\"이(가) 없습니다. {}에 그대로 있습니다 (:ctx 로 목록)",
                    self.cluster.context
                )
            } else {
                format!(
                    "No context \"{name}\" in the kubeconfig; still on {} (:ctx lists them)",
                    self.cluster.context
                )
            };
            self.say(Severity::Error, text);
            return Vec::new();
        }
        let text = if ko {
            format!("컨텍스트 {name}에 연결하는 중…")
        } else {
            format!("Connecting to context {name}…")
        };
        self.say(Severity::Info, text);
        vec![Effect::SwitchContext(name)]
    }

    pub(super) fn on_switched(
        &mut self,
        context: String,
        result: Result<ClusterInfo, String>,
    ) -> Vec<Effect> {
        let ko = self.lang() == Lang::Ko;
        match result {
            Err(e) => {
                let text = if ko {
                    format!(
                        "{}에 그대로 있습니다: {context}(으)로 전환하지 못했습니다: {e}",
                        self.cluster.context
                    )
                } else {
                    format!(
                        "Still on {}: cannot switch to {context}: {e}",
                        self.cluster.context
                    )
                };
                self.say(Severity::Error, text);
                Vec::new()
            }
            Ok(info) => {
                let text = if ko {
                    format!(
                        "컨텍스트 {context}({})(으)로 전환했습니다. 다시 진단합니다",
                        info.server
                    )
                } else {
                    format!(
                        "Switched to context {context} ({}); re-diagnosing",
                        info.server
                    )
                };
                self.cluster = info;
                self.say(Severity::Info, text);
                let mut fx = vec![Effect::AdoptConnection(context)];
                fx.extend(self.restart_on_new_cluster());
                self.namespaces.clear();
                fx.push(Effect::ListNamespaces);
                fx
            }
        }
    }

    /// Forget what the last cluster (or namespace) showed and read again: a new snapshot, a
    /// new diagnosis, and log streaming restarts once the install is found. Changes made on
    /// the old cluster cannot be undone from here, so their undo history goes too.
    fn restart_on_new_cluster(&mut self) -> Vec<Effect> {
        self.snapshot = None;
        self.findings.clear();
        self.loading = false;
        self.logs = LogBuffer::with_capacity(self.opts.log_buffer);
        self.following_pods.clear();
        self.logs_started = false;
        self.dialog = None;
        self.editor = None;
        self.verify = None;
        self.history.clear();
        self.selected = 0;
        self.detail_scroll = 0;
        self.rebuild_view();
        self.refresh()
    }

    pub(super) fn open_view(&mut self, kind: ViewKind) {
        let mut v = ObjectView::new(kind);
        if kind == ViewKind::Contexts
            && let Some(i) = self
                .kube_contexts
                .entries
                .iter()
                .position(|e| e.name == self.cluster.context)
        {
            v.selected = i;
        }
        self.view = Some(v);
        self.rebuild_view();
    }

    /// Rebuild the open view's text from the current data.
    pub(super) fn rebuild_view(&mut self) {
        let Some(mut v) = self.view.take() else {
            return;
        };
        v.rebuild(&Sources {
            snapshot: self.snapshot.as_ref(),
            contexts: &self.kube_contexts,
            health: self.context_health.as_deref(),
            current_context: &self.cluster.context,
            now: self.now,
            lang: self.lang(),
        });
        let height = self.view_height();
        v.scroll_to(v.scroll, height);
        self.view = Some(v);
    }

    /// Rows of text the view shows at once.
    pub fn view_height(&self) -> usize {
        usize::from(crate::tui::layout::view_rows(self.size, self.shape()))
    }

    /// The view's keys: scroll (or select on `:ctx`), switch mode, switch context.
    pub(super) fn on_view_action(&mut self, action: keymap::Action) -> Vec<Effect> {
        use keymap::Action as A;
        let height = self.view_height();
        let count = self.kube_contexts.entries.len();
        let Some(v) = self.view.as_mut() else {
            return Vec::new();
        };
        let page = height.saturating_sub(1).max(1);
        if v.kind == ViewKind::Contexts {
            let sel = v.selected;
            match action {
                A::Up => v.select(sel.saturating_sub(1), count, height),
                A::Down => v.select(sel + 1, count, height),
                A::PageUp => v.select(sel.saturating_sub(page), count, height),
                A::PageDown => v.select(sel + page, count, height),
                A::Top => v.select(0, count, height),
                A::Bottom => v.select(usize::MAX, count, height),
                A::Select => {
                    if let Some(name) = self.kube_contexts.entries.get(sel).map(|e| e.name.clone())
                    {
                        return self.switch_context(name);
                    }
                }
                _ => {}
            }
            return Vec::new();
        }
        let scroll = v.scroll;
        let width = usize::from(crate::tui::layout::view_cols(self.size));
        match action {
            A::ScrollLeft => v.scroll_sideways(-8, width),
            A::ScrollRight => v.scroll_sideways(8, width),
            A::Up => v.scroll_to(scroll.saturating_sub(1), height),
            A::Down => v.scroll_to(scroll + 1, height),
            A::PageUp => v.scroll_to(scroll.saturating_sub(page), height),
            A::PageDown => v.scroll_to(scroll + page, height),
            A::Top => v.scroll_to(0, height),
            A::Bottom => v.scroll_to(usize::MAX, height),
            A::Describe | A::Yaml => {
                v.mode = if action == A::Yaml {
                    view::ViewMode::Yaml
                } else {
                    view::ViewMode::Summary
                };
                v.scroll = 0;
                v.hscroll = 0;
                self.rebuild_view();
            }
            _ => {}
        }
        Vec::new()
    }
}

use crate::tui::keymap;
