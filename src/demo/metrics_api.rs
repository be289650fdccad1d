//! The aggregated Metrics API (`metrics.k8s.io/v1beta1`): answered by the newest Ready
//! metrics-server pod with what its last scrape got, or by the aggregator's 503.

use super::clock::add;
use super::podview::pod_labels;
use super::views::{fnv64, live_pods, scrape_tick, to_value, ts};
use super::world::{Behaviour, DEPLOYMENT, NAMESPACE, PodRecord, World};
use crate::flags::Flags;
use crate::metrics::parse_quantity;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// The pod answering the Metrics API: the newest Ready one. `None` means the aggregator has no
/// endpoint and answers 503.
fn serving(w: &World, now: Timestamp) -> Option<(&PodRecord, Flags)> {
    live_pods(w, now)
        .filter(|p| w.is_ready(p, now))
        .filter_map(|p| match &p.behaviour {
            Behaviour::Serve { flags } => Some((p, flags.clone())),
            Behaviour::Crash { .. } => None,
        })
        .max_by_key(|(p, _)| p.created)
}

/// The last scrape of the serving pod: its time and the window metrics-server reports.
fn last_scrape(p: &PodRecord, flags: &Flags, now: Timestamp) -> (Timestamp, String) {
    let tick = scrape_tick(flags);
    let started = World::running_at(p);
    let n = (now.duration_since(started).as_millis() / tick.as_millis().max(1)).max(1);
    let at = add(
        started,
        SignedDuration::from_millis((n * tick.as_millis()) as i64),
    );
    let resolution = flags
        .duration("metric-resolution")
        .map_or(60.0, |d| d.as_secs_f64());
    (at, format!("{:.3}s", resolution + 0.012))
}

/// `kubectl top nodes` data; `None` while the Metrics API is unavailable.
pub(crate) fn node_metrics(w: &World, now: Timestamp) -> Option<Vec<Value>> {
    let (pod, flags) = serving(w, now)?;
    let (at, window) = last_scrape(pod, &flags, now);
    let tick_seed = ts(at);
    let items = w
        .nodes
        .iter()
        .filter_map(|n| {
            let name = n.metadata.name.clone()?;
            w.scrape(&flags, &name, at).ok()?;
            let base = w.usage.get(&name)?;
            let wobble = |what: &str, spread: f64| {
                let h = fnv64(&format!("{name}/{what}/{tick_seed}")) % 2001;
                1.0 + spread * (h as f64 - 1000.0) / 1000.0
            };
            let cpu = parse_quantity(&base.cpu)? * 1e9 * wobble("cpu", 0.08);
            let memory = parse_quantity(&base.memory)? / 1024.0 * wobble("memory", 0.01);
            Some(json!({
                "metadata": {"name": name, "creationTimestamp": ts(now),
                             "labels": to_value(&n.metadata.labels)},
                "timestamp": ts(at), "window": window,
                "usage": {"cpu": format!("{}n", cpu.round() as u64),
                          "memory": format!("{}Ki", memory.round() as u64)},
            }))
        })
        .collect();
    Some(items)
}

/// `kubectl top pods` data for the metrics-server pods; `None` while unavailable.
pub(crate) fn pod_metrics(w: &World, now: Timestamp) -> Option<Vec<Value>> {
    let (serving_pod, flags) = serving(w, now)?;
    let (at, window) = last_scrape(serving_pod, &flags, now);
    Some(
        live_pods(w, now)
            .filter(|p| w.is_ready(p, now))
            .map(|p| {
                let h = fnv64(&format!("{}/{}", p.name, ts(at))) % 1_000_000;
                json!({
                    "metadata": {"name": p.name, "namespace": NAMESPACE,
                                 "creationTimestamp": ts(now), "labels": pod_labels(w, p)},
                    "timestamp": ts(at), "window": window,
                    "containers": [{"name": DEPLOYMENT, "usage": {
                        "cpu": format!("{}n", 4_000_000 + h), "memory": format!("{}Ki", 21_000 + h % 900)}}],
                })
            })
            .collect(),
    )
}
