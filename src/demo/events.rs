//! Events (kubelet, scheduler, Deployment controller, HPA controller) and the HPAs' conditions,
//! derived from what happened to the pods and to the Metrics API.

use super::clock::{add, ms, timing};
use super::views::{fnv64, to_value, ts};
use super::world::{Behaviour, DEPLOYMENT, NAMESPACE, PodRecord, World, ms_container};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

const METRICS_UNAVAILABLE: &str = "unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)";

pub(crate) fn hpas(w: &World) -> Vec<Value> {
    let api = &w.api_available;
    w.hpas
        .iter()
        .map(|h| {
            let mut v = to_value(h);
            let created = h
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| ts(t.0))
                .unwrap_or_default();
            let mut conditions = vec![json!({"type": "AbleToScale", "status": "True",
                "reason": "SucceededGetScale",
                "message": "the HPA controller was able to get the target's current scale",
                "lastTransitionTime": created})];
            if api.status {
                conditions.push(json!({"type": "ScalingActive", "status": "True",
                    "reason": "ValidMetricFound",
                    "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
                    "lastTransitionTime": ts(api.since)}));
                conditions.push(json!({"type": "ScalingLimited", "status": "False",
                    "reason": "DesiredWithinRange",
                    "message": "the desired count is within the acceptable range",
                    "lastTransitionTime": created}));
                v["status"]["currentMetrics"] = json!([{"type": "Resource", "resource": {
                    "name": "cpu", "current": {"averageUtilization": 23, "averageValue": "46m"}}}]);
            } else {
                conditions.push(json!({"type": "ScalingActive", "status": "False",
                    "reason": "FailedGetResourceMetric",
                    "message": format!("the HPA was unable to compute the replica count: failed to get cpu utilization: {METRICS_UNAVAILABLE}"),
                    "lastTransitionTime": ts(api.since)}));
            }
            v["status"]["conditions"] = Value::Array(conditions);
            v
        })
        .collect()
}

struct EventSpec<'a> {
    namespace: &'a str,
    kind: &'a str,
    api_version: &'a str,
    name: &'a str,
    uid: &'a str,
    reason: &'a str,
    message: String,
    warning: bool,
    component: &'a str,
    host: Option<&'a str>,
    first: Timestamp,
    last: Timestamp,
    count: i64,
}

fn event(e: EventSpec) -> Value {
    let id = format!(
        "{:016x}",
        fnv64(&format!("{}/{}/{}", e.name, e.reason, ts(e.first)))
    );
    let mut source = json!({"component": e.component});
    if let Some(h) = e.host {
        source["host"] = json!(h);
    }
    json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": format!("{}.{}", e.name, &id[..16]), "namespace": e.namespace,
                     "creationTimestamp": ts(e.first), "resourceVersion": "1"},
        "involvedObject": {"kind": e.kind, "namespace": e.namespace, "name": e.name,
                           "uid": e.uid, "apiVersion": e.api_version},
        "reason": e.reason, "message": e.message, "source": source,
        "firstTimestamp": ts(e.first), "lastTimestamp": ts(e.last), "count": e.count.max(1),
        "type": if e.warning { "Warning" } else { "Normal" },
        "eventTime": null, "reportingComponent": e.component,
        "reportingInstance": e.host.unwrap_or_default(),
    })
}

/// Events of the last hour (the API server's event TTL), oldest first.
pub(crate) fn events(w: &World, now: Timestamp) -> Vec<Value> {
    let mut out: Vec<(Timestamp, Value)> = Vec::new();
    let deployment_uid = w.deployment.metadata.uid.clone().unwrap_or_default();
    for (at, rs, from, to) in &w.scale_events {
        if *at > now {
            continue;
        }
        let verb = if to > from { "up" } else { "down" };
        out.push((
            *at,
            event(EventSpec {
                namespace: NAMESPACE,
                kind: "Deployment",
                api_version: "apps/v1",
                name: DEPLOYMENT,
                uid: &deployment_uid,
                reason: "ScalingReplicaSet",
                message: format!("Scaled {verb} replica set {rs} from {from} to {to}"),
                warning: false,
                component: "deployment-controller",
                host: None,
                first: *at,
                last: *at,
                count: 1,
            }),
        ));
    }
    for p in w.pods.iter().filter(|p| p.created <= now) {
        pod_events(w, p, now, &mut out);
    }
    if let Some(last) = w.api_last_failed {
        let first = w.api_failing_since.unwrap_or(last).min(last);
        for h in &w.hpas {
            let name = h.metadata.name.clone().unwrap_or_default();
            let ns = h.metadata.namespace.clone().unwrap_or_default();
            let uid = h.metadata.uid.clone().unwrap_or_default();
            let count = last.duration_since(first).as_secs() / 15 + 1;
            out.push((
                last,
                event(EventSpec {
                    namespace: &ns,
                    kind: "HorizontalPodAutoscaler",
                    api_version: "autoscaling/v2",
                    name: &name,
                    uid: &uid,
                    reason: "FailedGetResourceMetric",
                    message: format!("failed to get cpu utilization: {METRICS_UNAVAILABLE}"),
                    warning: true,
                    component: "horizontal-pod-autoscaler",
                    host: None,
                    first,
                    last,
                    count,
                }),
            ));
        }
    }
    let horizon = add(now, -SignedDuration::from_hours(1));
    out.retain(|(at, _)| *at >= horizon);
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, v)| v).collect()
}

fn pod_events(w: &World, p: &PodRecord, now: Timestamp, out: &mut Vec<(Timestamp, Value)>) {
    let image = w
        .rs(&p.rs_hash)
        .and_then(|rs| ms_container(&rs.template)?.image.clone())
        .unwrap_or_default();
    let running = World::running_at(p);
    let stopped = p.deleted.filter(|d| *d <= now);
    let end = stopped.unwrap_or(now).min(now);
    let mut push = |at: Timestamp,
                    last: Timestamp,
                    reason: &str,
                    message: String,
                    warning: bool,
                    count: i64| {
        if at > now {
            return;
        }
        let (component, host) = if reason == "Scheduled" {
            ("default-scheduler", None)
        } else {
            ("kubelet", Some(p.node.as_str()))
        };
        out.push((
            last,
            event(EventSpec {
                namespace: NAMESPACE,
                kind: "Pod",
                api_version: "v1",
                name: &p.name,
                uid: &p.uid,
                reason,
                message,
                warning,
                component,
                host,
                first: at,
                last,
                count,
            }),
        ));
    };
    push(
        p.created,
        p.created,
        "Scheduled",
        format!("Successfully assigned {NAMESPACE}/{} to {}", p.name, p.node),
        false,
        1,
    );
    push(
        add(running, ms(-120)),
        add(running, ms(-120)),
        "Pulled",
        format!("Container image \"{image}\" already present on machine"),
        false,
        1,
    );
    push(
        add(running, ms(-60)),
        add(running, ms(-60)),
        "Created",
        format!("Created container: {DEPLOYMENT}"),
        false,
        1,
    );
    push(
        running,
        running,
        "Started",
        format!("Started container {DEPLOYMENT}"),
        false,
        1,
    );
    match &p.behaviour {
        Behaviour::Serve { .. } => {
            // The readiness probe fails from its first run until the pod turns Ready.
            let first = add(running, timing::ready_after());
            let until = w.ready_at(p).map_or(end, |r| r.min(end));
            if until > first {
                let count = until.duration_since(first).as_secs() / 10 + 1;
                push(
                    first,
                    until,
                    "Unhealthy",
                    "Readiness probe failed: HTTP probe failed with statuscode: 500".into(),
                    true,
                    count,
                );
            }
        }
        Behaviour::Crash { .. } => {
            let first = add(running, timing::crash_run());
            if end > first {
                let cycle = (timing::crash_run() + timing::crash_backoff())
                    .as_millis()
                    .max(1);
                let count = (end.duration_since(first).as_millis() / cycle + 1) as i64;
                push(
                    first,
                    end,
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {DEPLOYMENT} in pod {}_{NAMESPACE}({})",
                        p.name, p.uid
                    ),
                    true,
                    count,
                );
            }
        }
    }
    if let Some(d) = stopped {
        push(
            d,
            d,
            "Killing",
            format!("Stopping container {DEPLOYMENT}"),
            false,
            1,
        );
    }
}
