//! The thin effect runner: turns each [`Effect`] into a tokio task whose result comes back as a
//! [`Msg`]. All cluster I/O of the TUI goes through here.

use super::msg::{Change, Effect, Msg};
use crate::audit;
use crate::cluster::apply::{self, ApplyError};
use crate::cluster::logs::{self, LogEvent};
use crate::cluster::{Connection, snapshot};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub struct Runner {
    conn: Connection,
    tx: mpsc::Sender<Msg>,
    logs: Option<JoinHandle<()>>,
}

impl Runner {
    pub fn new(conn: Connection, tx: mpsc::Sender<Msg>) -> Runner {
        Runner {
            conn,
            tx,
            logs: None,
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
            Effect::Quit => {
                if let Some(old) = self.logs.take() {
                    old.abort();
                }
            }
        }
    }
}

fn effect_name(e: &Effect) -> &'static str {
    match e {
        Effect::FetchSnapshot { .. } => "fetch-snapshot",
        Effect::FollowLogs(_) => "follow-logs",
        Effect::DryRun { .. } => "dry-run",
        Effect::Apply { .. } => "apply",
        Effect::SaveLogs { .. } => "save-logs",
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
