//! The fleet fan-out: one snapshot per kubeconfig context, at most `concurrency` at a time, each
//! bounded by its own timeout. What the rows say is computed in [`crate::fleet`].

use super::connect::{ConnectError, connect_context};
use super::fetch::{snapshot, unreadable};
use crate::snapshot::Snapshot;
use futures::StreamExt;
use kube::config::Kubeconfig;
use std::time::{Duration, Instant};

/// What checking one context brought back.
#[derive(Debug)]
pub struct Probe {
    pub context: String,
    /// From the kubeconfig, so an unreachable cluster still shows where it was looked for.
    pub server: String,
    pub took: Duration,
    /// The snapshot, or why there is none (unreachable, refused, unreadable, timed out).
    pub result: Result<Snapshot, String>,
}

/// How the fan-out runs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Clusters checked at the same time.
    pub concurrency: usize,
    /// Budget of one cluster from connecting to the end of its snapshot.
    pub timeout: Duration,
}

/// Check every context of `kubeconfig` in `contexts`; the probes come back in that order.
///
/// `buffer_unordered` rather than `buffered`: with `buffered` a slow cluster at the head would
/// keep finished ones holding their slots, so it would delay clusters queued behind it.
pub async fn probe_all(
    kubeconfig: &Kubeconfig,
    source: &str,
    contexts: &[String],
    namespace: Option<String>,
    limits: Limits,
) -> Vec<Probe> {
    let jobs = contexts.iter().enumerate().map(|(i, ctx)| {
        let kc = kubeconfig.clone();
        let ns = namespace.clone();
        async move { (i, probe(kc, source, ctx, ns, limits.timeout).await) }
    });
    let mut done: Vec<(usize, Probe)> = futures::stream::iter(jobs)
        .buffer_unordered(limits.concurrency.max(1))
        .collect()
        .await;
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, p)| p).collect()
}

async fn probe(
    kubeconfig: Kubeconfig,
    source: &str,
    context: &str,
    namespace: Option<String>,
    timeout: Duration,
) -> Probe {
    let server = server_of(&kubeconfig, context).unwrap_or_default();
    let start = Instant::now();
    let work = async {
        let conn = connect_context(kubeconfig, source, context, namespace)
            .await
            .map_err(|e| reason(&e))?;
        // `now` is taken after connecting, as the single-cluster check does.
        let snap = snapshot(&conn, jiff::Timestamp::now()).await;
        match unreadable(&snap) {
            Some(why) => Err(why),
            None => Ok(snap),
        }
    };
    // The one bound that matters for the fleet: whatever hangs inside (TLS handshake with a
    // blackhole, an exec plugin, a slow aggregated API), this cluster's slot is free again
    // after `timeout`.
    let result = match tokio::time::timeout(timeout, work).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "no complete answer within {:.1}s",
            timeout.as_secs_f64()
        )),
    };
    Probe {
        context: context.to_string(),
        server,
        took: start.elapsed(),
        result,
    }
}

/// The connect error without repeating the server URL, which the row shows already.
fn reason(e: &ConnectError) -> String {
    match e {
        ConnectError::Unreachable { reason, .. } => reason.clone(),
        ConnectError::Unauthorized { code, reason, .. } => {
            format!("credentials refused ({code}): {reason}")
        }
        other => other.to_string(),
    }
}

/// The server URL `context` points at, straight from the kubeconfig.
pub fn server_of(kubeconfig: &Kubeconfig, context: &str) -> Option<String> {
    let cluster = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == context)?
        .context
        .as_ref()?
        .cluster
        .clone();
    kubeconfig
        .clusters
        .iter()
        .find(|c| c.name == cluster)?
        .cluster
        .as_ref()?
        .server
        .clone()
}
