//! `pods/NAME/log`: the filters kubectl and mstui use (container, previous, tailLines,
//! sinceSeconds/sinceTime, timestamps, limitBytes) and `follow=true`, which streams new lines
//! until the container stops, as the kubelet's stream ends when the pod is deleted.

use super::clock::add;
use super::kubelet::ServingCert;
use super::loggen::{LogLine, kubelet_timestamp};
use super::podview;
use super::router::{Reply, ResponseBody, Shared, lock};
use super::select::Query;
use super::world::{ApiError, Behaviour, DEPLOYMENT, NAMESPACE, World};
use bytes::Bytes;
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};
use jiff::{SignedDuration, Timestamp};
use std::time::Duration;

/// How often a followed log looks for new lines.
const FOLLOW_POLL: Duration = Duration::from_millis(250);

/// What `follow=true` keeps streaming.
pub(super) struct Follow {
    shared: Shared,
    pod: String,
    timestamps: bool,
    /// Lines before this instant have been sent.
    sent_until: Timestamp,
    first: Option<String>,
    done: bool,
}

fn render(lines: &[LogLine], timestamps: bool) -> String {
    let mut out = String::new();
    for l in lines {
        if timestamps {
            out.push_str(&kubelet_timestamp(l.at));
            out.push(' ');
        }
        out.push_str(&l.text);
        out.push('\n');
    }
    out
}

pub(super) fn logs(shared: &Shared, namespace: &str, name: &str, query: &Query) -> Reply {
    let w = lock(shared);
    let now = w.clock.now();
    let Some(pod) = w
        .pods
        .iter()
        .find(|p| p.name == name && World::exists(p, now) && namespace == NAMESPACE)
    else {
        return Reply::error(ApiError::not_found("pods", name));
    };
    let containers: Vec<String> = w
        .rs(&pod.rs_hash)
        .and_then(|rs| rs.template.spec.as_ref())
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let container = query.get("container").unwrap_or(DEPLOYMENT);
    if !containers.iter().any(|c| c == container) {
        return Reply::error(ApiError::new(
            400,
            "BadRequest",
            format!("container {container} is not valid for pod {name}"),
        ));
    }
    // The API server fetches logs from the kubelet; a kubelet without a serving certificate
    // aborts that handshake too (F18).
    if w.serving_cert_at(&pod.node, now) == ServingCert::Missing {
        let ip = pod_host_ip(&w, &pod.node);
        return Reply::error(ApiError::new(
            500,
            "InternalError",
            format!(
                "Get \"https://{ip}:10250/containerLogs/{namespace}/{name}/{container}\": remote error: tls: internal error"
            ),
        ));
    }
    let previous = query.flag("previous");
    let mut from = Timestamp::MIN;
    if let Some(s) = query
        .get("sinceSeconds")
        .and_then(|s| s.parse::<i64>().ok())
    {
        from = add(now, -SignedDuration::from_secs(s.max(0)));
    } else if let Some(t) = query
        .get("sinceTime")
        .and_then(|s| s.parse::<Timestamp>().ok())
    {
        from = t;
    }
    let to = add(now, SignedDuration::from_millis(1));
    let lines = if container == DEPLOYMENT {
        match podview::log_lines(&w, pod, previous, (from, to), now) {
            Ok(lines) => lines,
            Err(e) => return Reply::error(ApiError::new(400, "BadRequest", e)),
        }
    } else {
        Vec::new()
    };
    let tail = query
        .get("tailLines")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(usize::MAX);
    let lines = &lines[lines.len().saturating_sub(tail)..];
    let timestamps = query.flag("timestamps");
    let mut text = render(lines, timestamps);
    if let Some(limit) = query
        .get("limitBytes")
        .and_then(|n| n.parse::<usize>().ok())
    {
        let mut cut = limit.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
    }
    // Only a running, serving container is followed; a crashing one exits within a second.
    let followable = container == DEPLOYMENT
        && !previous
        && matches!(pod.behaviour, Behaviour::Serve { .. })
        && pod.deleted.is_none_or(|d| d > now);
    if query.flag("follow") && followable {
        return Reply::Follow(Follow {
            shared: shared.clone(),
            pod: name.to_string(),
            timestamps,
            sent_until: to,
            first: Some(text),
            done: false,
        });
    }
    Reply::Text(200, text)
}

fn pod_host_ip(w: &World, node: &str) -> String {
    w.nodes
        .iter()
        .find(|n| n.metadata.name.as_deref() == Some(node))
        .and_then(|n| n.status.as_ref()?.addresses.as_ref()?.first().cloned())
        .map(|a| a.address)
        .unwrap_or_default()
}

impl Follow {
    /// New lines since the last poll, and whether the stream is over (the container stopped
    /// because the pod is being deleted, or the pod is gone).
    fn poll(&mut self) -> (String, bool) {
        let mut w = lock(&self.shared);
        let now = w.clock.now();
        w.reconcile(now);
        let Some(pod) = w.pods.iter().find(|p| p.name == self.pod) else {
            return (String::new(), true);
        };
        let stopped = pod.deleted.filter(|d| *d <= now);
        // After the stop, take the shutdown lines too.
        let to = match stopped {
            Some(d) => add(d, SignedDuration::from_millis(100)),
            None => add(now, SignedDuration::from_millis(1)),
        };
        let lines =
            podview::log_lines(&w, pod, false, (self.sent_until, to), now).unwrap_or_default();
        self.sent_until = to.max(self.sent_until);
        (render(&lines, self.timestamps), stopped.is_some())
    }
}

pub(super) fn follow_body(follow: Follow) -> ResponseBody {
    let stream = futures::stream::unfold(follow, |mut f| async move {
        if let Some(text) = f.first.take().filter(|t| !t.is_empty()) {
            return Some((Ok(Frame::data(Bytes::from(text))), f));
        }
        loop {
            if f.done {
                return None;
            }
            tokio::time::sleep(FOLLOW_POLL).await;
            let (text, ended) = f.poll();
            f.done = ended;
            if !text.is_empty() {
                return Some((Ok(Frame::data(Bytes::from(text))), f));
            }
        }
    });
    StreamBody::new(stream).boxed_unsync()
}
