//! The thin effect runner: turns each [`Effect`] into a tokio task whose result comes back as a
//! [`Msg`]. All cluster I/O of the TUI goes through here.

use super::msg::{Change, Effect, Msg};
use crate::audit;
use crate::cluster::apply::{self, ApplyError};
use crate::cluster::connect::{self, ContextEntry};
use crate::cluster::logs::{self, LogEvent};
use crate::cluster::{Connection, Target, snapshot};
use crate::tui::app::view::KubeContexts;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Where the connection came from: what `:ctx` lists and switches between.
#[derive(Debug, Clone)]
pub enum Source {
    /// A kubeconfig (`--kubeconfig`, `KUBECONFIG` or `~/.kube/config`).
    Kubeconfig(Target),
    /// The in-process demo cluster: one context.
    Demo,
}

pub struct Runner {
    conn: Connection,
    source: Source,
    tx: mpsc::Sender<Msg>,
    logs: Option<JoinHandle<()>>,
    /// A connection made by `:ctx NAME`, waiting for [`Effect::AdoptConnection`].
    switched: Arc<Mutex<Option<(String, Connection)>>>,
}

impl Runner {
    pub fn new(conn: Connection, source: Source, tx: mpsc::Sender<Msg>) -> Runner {
        Runner {
            conn,
            source,
            tx,
            logs: None,
            switched: Arc::new(Mutex::new(None)),
        }
    }

    pub fn run(&mut self, effect: Effect) {
        tracing::debug!(effect = effect_name(&effect), "run effect");
        let tx = self.tx.clone();
        let conn = self.conn.clone();
        match effect {
            Effect::FetchSnapshot { generation } => {
                tokio::spawn(async move {
                    let snap = snapshot(&conn, jiff::Timestamp::now()).await;
                    let _ = tx
                        .send(Msg::Snapshot {
                            generation,
                            snapshot: Box::new(snap),
                        })
                        .await;
                });
            }
            Effect::FollowLogs(target) => {
                if let Some(old) = self.logs.take() {
                    old.abort();
                }
                self.logs = Some(tokio::spawn(async move {
                    let (ltx, mut lrx) = mpsc::channel::<LogEvent>(256);
                    let follower = tokio::spawn(logs::follow(conn.client.clone(), target, ltx));
                    while let Some(event) = lrx.recv().await {
                        if tx.send(Msg::Log(event)).await.is_err() {
                            break;
                        }
                    }
                    follower.abort();
                }));
            }
            Effect::DryRun { id, change } => {
                tokio::spawn(async move {
                    let result = send(&conn, &change, true).await;
                    let _ = tx.send(Msg::DryRun { id, result }).await;
                });
            }
            Effect::Apply { id, change } => {
                tokio::spawn(async move {
                    let result = send(&conn, &change, false).await.map(|_| ());
                    tracing::info!(id, ok = result.is_ok(), error = ?result.as_ref().err(), "applied");
                    record(&conn, &change, &result);
                    let _ = tx.send(Msg::Applied { id, result }).await;
                });
            }
            Effect::SaveLogs { path, text } => {
                tokio::spawn(async move {
                    // The message names the file in full, wherever mstui was started.
                    let path = std::path::absolute(&path).unwrap_or(path);
                    let result = tokio::fs::write(&path, text)
                        .await
                        .map(|()| path.clone())
                        .map_err(|e| format!("cannot write {}: {e}", path.display()));
                    let _ = tx.send(Msg::Saved(result)).await;
                });
            }
            Effect::ListContexts => {
                let source = self.source.clone();
                tokio::spawn(async move {
                    let list = tokio::task::spawn_blocking(move || list_contexts(&source, &conn))
                        .await
                        .unwrap_or_else(|e| KubeContexts {
                            error: Some(e.to_string()),
                            ..KubeContexts::default()
                        });
                    let _ = tx.send(Msg::Contexts(list)).await;
                });
            }
            Effect::ProbeContexts => {
                let Source::Kubeconfig(target) = self.source.clone() else {
                    return;
                };
                // The fan-out's future borrows its inputs and is not `Send`: it runs on a
                // blocking thread of its own, driven by this runtime.
                let handle = tokio::runtime::Handle::current();
                tokio::task::spawn_blocking(move || {
                    let rows = handle.block_on(probe_contexts(&target, &conn));
                    let _ = tx.blocking_send(Msg::ContextHealth(rows));
                });
            }
            Effect::ListNamespaces => {
                tokio::spawn(async move {
                    let names = crate::cluster::fetch::namespaces(&conn)
                        .await
                        .unwrap_or_default();
                    let _ = tx.send(Msg::Namespaces(names)).await;
                });
            }
            Effect::SwitchContext(context) => {
                let source = self.source.clone();
                let slot = self.switched.clone();
                tokio::spawn(async move {
                    let result = match source {
                        Source::Demo => Err("the demo cluster has one context".to_string()),
                        Source::Kubeconfig(target) => connect_to(&target, &context, &conn).await,
                    };
                    let result = result.map(|new| {
                        let info = new.info.clone();
                        if let Ok(mut s) = slot.lock() {
                            *s = Some((context.clone(), new));
                        }
                        info
                    });
                    tracing::info!(context, ok = result.is_ok(), "switch context");
                    let _ = tx.send(Msg::Switched { context, result }).await;
                });
            }
            Effect::AdoptConnection(context) => {
                let new = self
                    .switched
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take_if(|(name, _)| *name == context).map(|(_, c)| c));
                if let Some(new) = new {
                    if let Some(old) = self.logs.take() {
                        old.abort();
                    }
                    self.conn = new;
                }
            }
            Effect::SetNamespace(ns) => {
                if let Some(old) = self.logs.take() {
                    old.abort();
                }
                self.conn.namespace = ns;
            }
            Effect::Quit => {
                if let Some(old) = self.logs.take() {
                    old.abort();
                }
            }
        }
    }
}

/// The contexts `:ctx` offers: the kubeconfig's, or the demo's one.
fn list_contexts(source: &Source, conn: &Connection) -> KubeContexts {
    match source {
        Source::Demo => KubeContexts {
            entries: vec![ContextEntry {
                name: conn.info.context.clone(),
                server: Some(conn.info.server.clone()),
                ..ContextEntry::default()
            }],
            demo: true,
            error: None,
        },
        Source::Kubeconfig(target) => match connect::load_kubeconfig(target) {
            Ok((kc, _)) => KubeContexts {
                entries: connect::context_entries(&kc),
                ..KubeContexts::default()
            },
            Err(e) => KubeContexts {
                error: Some(e.to_string()),
                ..KubeContexts::default()
            },
        },
    }
}

/// How many contexts `:ctx` checks at once, and how long each may take.
const PROBE_LIMITS: crate::cluster::fleet::Limits = crate::cluster::fleet::Limits {
    concurrency: 4,
    timeout: std::time::Duration::from_secs(10),
};

/// The fleet check of every context, for the `:ctx` table (empty when the kubeconfig cannot
/// be read; the table says why from [`list_contexts`]).
async fn probe_contexts(target: &Target, conn: &Connection) -> Vec<crate::fleet::Row> {
    let Ok((kc, source)) = connect::load_kubeconfig(target) else {
        return Vec::new();
    };
    let kc = connect::non_interactive(kc);
    let names: Vec<String> = kc.contexts.iter().map(|c| c.name.clone()).collect();
    let probes = crate::cluster::fleet::probe_all(
        &kc,
        &source,
        &names,
        conn.namespace.clone(),
        PROBE_LIMITS,
    )
    .await;
    let now = jiff::Timestamp::now();
    probes
        .into_iter()
        .map(|p| crate::fleet::Row::from_probe(p, now))
        .collect()
}

/// Connect to `context` of the kubeconfig, keeping the namespace override.
async fn connect_to(
    target: &Target,
    context: &str,
    conn: &Connection,
) -> Result<Connection, String> {
    let (kc, source) = connect::load_kubeconfig(target).map_err(|e| e.to_string())?;
    let kc = connect::non_interactive(kc);
    if !kc.contexts.iter().any(|c| c.name == context) {
        return Err(connect::ConnectError::UnknownContext(context.to_string()).to_string());
    }
    connect::connect_context(kc, &source, context, conn.namespace.clone())
        .await
        .map_err(|e| e.to_string())
}

fn effect_name(e: &Effect) -> &'static str {
    match e {
        Effect::FetchSnapshot { .. } => "fetch-snapshot",
        Effect::FollowLogs(_) => "follow-logs",
        Effect::DryRun { .. } => "dry-run",
        Effect::Apply { .. } => "apply",
        Effect::SaveLogs { .. } => "save-logs",
        Effect::ListContexts => "list-contexts",
        Effect::ListNamespaces => "list-namespaces",
        Effect::ProbeContexts => "probe-contexts",
        Effect::SwitchContext(_) => "switch-context",
        Effect::AdoptConnection(_) => "adopt-connection",
        Effect::SetNamespace(_) => "set-namespace",
        Effect::Quit => "quit",
    }
}

/// Send a change; for args changes, return the list the server stored (or would store).
async fn send(
    conn: &Connection,
    change: &Change,
    dry_run: bool,
) -> Result<Option<Vec<String>>, ApplyError> {
    let client = &conn.client;
    match change {
        Change::Args(plan) => {
            let d = apply::send_fix(client, plan, dry_run).await?;
            Ok(apply::stored_list(plan, &d))
        }
        Change::Restart(plan) => apply::send_restart(client, plan, dry_run)
            .await
            .map(|_| None),
        Change::ApproveCsrs(plan) => apply::send_csr_approvals(client, plan, dry_run)
            .await
            .map(|_| None),
    }
}

/// Append the applied (or refused) change to the audit log; a failure to write is logged, the
/// change itself is already done.
fn record(conn: &Connection, change: &Change, result: &Result<(), ApplyError>) {
    let Some(path) = audit::default_path() else {
        tracing::warn!("no state directory (HOME unset); the change is not in the audit log");
        return;
    };
    let entry = audit_entry(conn, change, result, jiff::Timestamp::now());
    if let Err(e) = audit::append(&path, &entry) {
        tracing::warn!(path = %path.display(), error = %e, "cannot append to the audit log");
    }
}

/// The audit entry of a change (pure).
pub fn audit_entry(
    conn: &Connection,
    change: &Change,
    result: &Result<(), ApplyError>,
    now: jiff::Timestamp,
) -> audit::Entry {
    let (namespace, object, field, before, after) = match change {
        Change::Args(p) => (
            Some(p.target.namespace.clone()),
            format!("deployment/{}", p.target.deployment),
            Some(p.field.key().to_string()),
            Some(p.before.clone()),
            Some(p.after.clone()),
        ),
        Change::Restart(p) => (
            Some(p.namespace.clone()),
            format!("deployment/{}", p.deployment),
            None,
            None,
            None,
        ),
        Change::ApproveCsrs(p) => {
            let names: Vec<&str> = p.csrs.iter().map(|c| c.name.as_str()).collect();
            (
                None,
                format!("certificatesigningrequest/{}", names.join(",")),
                None,
                None,
                None,
            )
        }
    };
    audit::Entry {
        time: now.to_string(),
        context: conn.info.context.clone(),
        server: conn.info.server.clone(),
        user: conn.user.clone(),
        namespace,
        object,
        what: change.sentence().en.to_string(),
        field,
        before,
        after,
        result: match result {
            Ok(()) => "applied".into(),
            Err(e) => format!("failed: {e}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_demo_lists_its_one_context_and_a_kubeconfig_lists_its_own() {
        let conn = crate::demo::connect("x509").expect("demo");
        let demo = list_contexts(&Source::Demo, &conn);
        assert!(demo.demo && demo.error.is_none());
        assert_eq!(demo.entries.len(), 1);
        assert_eq!(demo.entries[0].name, "mstui-demo");

        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("kubeconfig");
        std::fs::write(
            &path,
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: one\n  context:\n    cluster: c\n    user: u\n    namespace: ops\n- name: two\n  context:\n    cluster: c\n    user: u\ncurrent-context: one\n",
        )
        .expect("write");
        let target = Target {
            kubeconfig: Some(path),
            ..Target::default()
        };
        let listed = list_contexts(&Source::Kubeconfig(target.clone()), &conn);
        assert!(!listed.demo && listed.error.is_none(), "{listed:?}");
        let names: Vec<&str> = listed.entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["one", "two"]);
        assert_eq!(listed.entries[0].namespace.as_deref(), Some("ops"));
        assert_eq!(
            listed.entries[0].server.as_deref(),
            Some("https://127.0.0.1:1")
        );
        let err = connect_to(&target, "three", &conn)
            .await
            .err()
            .expect("unknown context");
        assert!(err.contains("\"three\" not found"), "{err}");
    }
}
