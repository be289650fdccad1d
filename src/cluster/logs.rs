//! Streaming the logs of every metrics-server pod, following the Deployment across rollouts.
//!
//! One task watches the pod list (by the Deployment's selector) and starts a follower per pod;
//! a follower ends when its pod goes away, so after a rollout the new pods are picked up by
//! themselves. A dropped connection is resumed from the last timestamp seen, with a small overlap
//! that [`Resume`] de-duplicates. Lines are sent in batches to keep the UI loop calm.

use futures::{AsyncBufReadExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{ListParams, LogParams};
use kube::{Api, Client};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Duration;
use tokio::sync::mpsc;

/// What a log stream reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEvent {
    /// New lines of one container, oldest first, with the `--timestamps` prefix split off.
    Lines { pod: String, lines: Vec<TimedLine> },
    /// A follower started on this pod.
    Attached { pod: String },
    /// A follower ended (pod gone, or gave up after retries).
    Detached { pod: String, reason: String },
    /// Listing pods or reading logs failed; the stream keeps trying.
    Error(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimedLine {
    /// RFC 3339 timestamp from the kubelet, when present.
    pub timestamp: Option<String>,
    pub text: String,
}

/// Which pods to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTarget {
    pub namespace: String,
    /// Label selector of the Deployment (`k8s-app=metrics-server`).
    pub selector: String,
    pub container: String,
    /// How many lines to read back when first attaching to a pod.
    pub tail_lines: i64,
}

const BATCH_LINES: usize = 64;
const BATCH_WAIT: Duration = Duration::from_millis(100);
const POD_POLL: Duration = Duration::from_secs(2);
const MAX_RETRIES: u32 = 5;

/// Split the `--timestamps` prefix off a log line (`2026-11-10T10:30:00.123456789Z text`).
pub fn split_timestamp(line: &str) -> TimedLine {
    match line.split_once(' ') {
        Some((ts, rest)) if looks_like_rfc3339(ts) => TimedLine {
            timestamp: Some(ts.to_string()),
            text: rest.to_string(),
        },
        _ => TimedLine {
            timestamp: None,
            text: line.to_string(),
        },
    }
}

fn looks_like_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && (s.ends_with('Z') || s.contains('+'))
}

/// Resume state of one follower: the newest timestamp seen and the lines seen at it, so the
/// overlap re-read after a reconnect is dropped rather than shown twice.
#[derive(Debug, Default, Clone)]
pub struct Resume {
    last: Option<String>,
    seen_at_last: HashSet<String>,
}

impl Resume {
    /// Whether a (re-)read line is new. Lines without timestamps are always new.
    pub fn accept(&mut self, line: &TimedLine) -> bool {
        let Some(ts) = &line.timestamp else {
            return true;
        };
        match self.last.as_deref() {
            // RFC 3339 with a fixed-width UTC suffix compares correctly as text.
            Some(last) if ts.as_str() < last => false,
            Some(last) if ts.as_str() == last => self.seen_at_last.insert(line.text.clone()),
            _ => {
                self.last = Some(ts.clone());
                self.seen_at_last.clear();
                self.seen_at_last.insert(line.text.clone());
                true
            }
        }
    }

    /// Where to resume: the last timestamp seen (the server answers from that second on).
    pub fn since(&self) -> Option<jiff::Timestamp> {
        self.last.as_deref().and_then(|t| t.parse().ok())
    }
}

/// Follow the logs of every pod matching `target` until `tx` is closed.
///
/// A follower whose pod left the list (deleted, or terminating) is stopped here too: some log
/// streams stay open after their pod is gone, and we must not keep showing a dead pod.
pub async fn follow(client: Client, target: LogTarget, tx: mpsc::Sender<LogEvent>) {
    let pods: Api<Pod> = Api::namespaced(client, &target.namespace);
    let mut following: BTreeMap<String, tokio::task::JoinHandle<Resume>> = BTreeMap::new();
    // Where each ended follower stopped reading: a pod followed again (after an API server
    // outage made its follower give up) resumes there instead of re-reading its tail, so no
    // line is shown twice.
    let mut resumes: HashMap<String, Resume> = HashMap::new();
    loop {
        if tx.is_closed() {
            break;
        }
        let finished: Vec<String> = following
            .iter()
            .filter(|(_, task)| task.is_finished())
            .map(|(pod, _)| pod.clone())
            .collect();
        for pod in finished {
            if let Some(task) = following.remove(&pod)
                && let Ok(resume) = task.await
            {
                resumes.insert(pod, resume);
            }
        }
        match pods
            .list(&ListParams::default().labels(&target.selector))
            .await
        {
            Ok(list) => {
                let live: BTreeSet<String> = list
                    .items
                    .iter()
                    .filter(|p| has_started(p, &target.container))
                    .filter_map(|p| p.metadata.name.clone())
                    .collect();
                for (pod, task) in std::mem::take(&mut following) {
                    if live.contains(&pod) {
                        following.insert(pod, task);
                    } else {
                        task.abort();
                        resumes.remove(&pod);
                        let _ = tx
                            .send(LogEvent::Detached {
                                pod,
                                reason: "pod gone".into(),
                            })
                            .await;
                    }
                }
                for name in live {
                    if following.contains_key(&name) {
                        continue;
                    }
                    let (pods, target, tx) = (pods.clone(), target.clone(), tx.clone());
                    let pod = name.clone();
                    let resume = resumes.remove(&name).unwrap_or_default();
                    let task = tokio::spawn(async move {
                        let (reason, resume) = follow_pod(&pods, &target, &pod, &tx, resume).await;
                        let _ = tx.send(LogEvent::Detached { pod, reason }).await;
                        resume
                    });
                    following.insert(name, task);
                }
            }
            Err(e) => {
                if tx
                    .send(LogEvent::Error(format!(
                        "list pods -n {}: {e}",
                        target.namespace
                    )))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        }
        tokio::time::sleep(POD_POLL).await;
    }
    for task in following.into_values() {
        task.abort();
    }
}

fn has_started(pod: &Pod, container: &str) -> bool {
    pod.metadata.deletion_timestamp.is_none()
        && pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .is_some_and(|cs| {
                cs.iter().any(|c| {
                    c.name == container && c.state.as_ref().is_some_and(|s| s.running.is_some())
                })
            })
}

/// Follow one pod from `resume`, reconnecting with overlap; returns why it stopped and where.
async fn follow_pod(
    pods: &Api<Pod>,
    target: &LogTarget,
    pod: &str,
    tx: &mpsc::Sender<LogEvent>,
    mut resume: Resume,
) -> (String, Resume) {
    let reason = follow_pod_from(pods, target, pod, tx, &mut resume).await;
    (reason, resume)
}

async fn follow_pod_from(
    pods: &Api<Pod>,
    target: &LogTarget,
    pod: &str,
    tx: &mpsc::Sender<LogEvent>,
    resume: &mut Resume,
) -> String {
    let _ = tx
        .send(LogEvent::Attached {
            pod: pod.to_string(),
        })
        .await;
    let mut failures = 0;
    loop {
        let read_from = resume.since();
        let params = LogParams {
            container: Some(target.container.clone()),
            follow: true,
            timestamps: true,
            tail_lines: resume.since().is_none().then_some(target.tail_lines),
            since_time: resume.since(),
            ..LogParams::default()
        };
        let outcome = match pods.log_stream(pod, &params).await {
            Ok(stream) => pump(stream.lines(), pod, resume, tx).await,
            Err(e) => Err(e.to_string()),
        };
        if tx.is_closed() {
            return "stopped".into();
        }
        // The stream ends when the container stops or the pod is deleted (rollout).
        match pods.get_opt(pod).await {
            Ok(None) => return "pod deleted".into(),
            Ok(Some(p)) if p.metadata.deletion_timestamp.is_some() => {
                return "pod terminating".into();
            }
            _ => {}
        }
        if resume.since() != read_from {
            // The stream delivered: only consecutive failures count towards giving up.
            failures = 0;
        }
        if let Err(e) = outcome {
            failures += 1;
            if failures > MAX_RETRIES {
                return format!("gave up after {MAX_RETRIES} retries: {e}");
            }
            let _ = tx
                .send(LogEvent::Error(format!("logs of {pod}: {e}; reconnecting")))
                .await;
        }
        tokio::time::sleep(Duration::from_millis(500 * u64::from(failures.max(1)))).await;
    }
}

/// Read lines until the stream ends, sending them in batches of up to [`BATCH_LINES`], or
/// whatever has arrived once the stream has been quiet for [`BATCH_WAIT`].
async fn pump(
    mut lines: impl futures::Stream<Item = std::io::Result<String>> + Unpin,
    pod: &str,
    resume: &mut Resume,
    tx: &mpsc::Sender<LogEvent>,
) -> Result<(), String> {
    let mut batch = Vec::new();
    loop {
        match tokio::time::timeout(BATCH_WAIT, lines.try_next()).await {
            Err(_quiet) => flush(&mut batch, pod, tx).await,
            Ok(Ok(Some(line))) => {
                let timed = split_timestamp(&line);
                if resume.accept(&timed) {
                    batch.push(timed);
                }
                if batch.len() >= BATCH_LINES {
                    flush(&mut batch, pod, tx).await;
                }
            }
            Ok(Ok(None)) => {
                flush(&mut batch, pod, tx).await;
                return Ok(());
            }
            Ok(Err(e)) => {
                flush(&mut batch, pod, tx).await;
                return Err(e.to_string());
            }
        }
    }
}

async fn flush(batch: &mut Vec<TimedLine>, pod: &str, tx: &mpsc::Sender<LogEvent>) {
    if !batch.is_empty() {
        let lines = std::mem::take(batch);
        let _ = tx
            .send(LogEvent::Lines {
                pod: pod.to_string(),
                lines,
            })
            .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(ts: &str, text: &str) -> TimedLine {
        TimedLine {
            timestamp: Some(ts.into()),
            text: text.into(),
        }
    }

    #[test]
    fn splits_the_kubelet_timestamp_prefix() {
        let l = split_timestamp(
            "2026-11-10T10:30:00.123456789Z E1110 10:30:00.123456 1 scraper.go:149] boom",
        );
        assert_eq!(
            l.timestamp.as_deref(),
            Some("2026-11-10T10:30:00.123456789Z")
        );
        assert!(l.text.starts_with("E1110"));
        let plain = split_timestamp("I1110 10:30:00 1 x.go:1] hello");
        assert_eq!(plain.timestamp, None);
    }

    #[test]
    fn resume_drops_the_overlap_but_keeps_new_lines_at_the_same_instant() {
        let mut r = Resume::default();
        assert!(r.accept(&line("2026-11-10T10:30:00Z", "a")));
        assert!(r.accept(&line("2026-11-10T10:30:01Z", "b")));
        assert!(r.accept(&line("2026-11-10T10:30:01Z", "c")));
        // Reconnect re-reads from 10:30:01.
        assert!(!r.accept(&line("2026-11-10T10:30:00Z", "a")));
        assert!(!r.accept(&line("2026-11-10T10:30:01Z", "b")));
        assert!(!r.accept(&line("2026-11-10T10:30:01Z", "c")));
        assert!(r.accept(&line("2026-11-10T10:30:01Z", "d")));
        assert!(r.accept(&line("2026-11-10T10:30:02Z", "e")));
        assert_eq!(
            r.since().map(|t| t.to_string()).as_deref(),
            Some("2026-11-10T10:30:02Z")
        );
    }
}
