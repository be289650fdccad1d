//! Objects as the API server would return them at one instant, rendered from the world's
//! records: the Deployment with its status, ReplicaSets, EndpointSlices, the APIService with its
//! `Available` condition, nodes and CSRs. Pods live in `podview`, events and HPAs in `events`,
//! the aggregated Metrics API in `metrics_api`.

use super::clock::{add, ms, timing};
use super::world::{ContainerState, DEPLOYMENT, NAMESPACE, PodRecord, World};
use crate::flags::Flags;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

/// API server time format (seconds, UTC).
pub(crate) fn ts(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(super) fn fnv64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

pub(super) fn hex64(seed: &str) -> String {
    (0..4)
        .map(|i| format!("{:016x}", fnv64(&format!("{seed}#{i}"))))
        .collect()
}

pub(super) fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `/version` of a v1.34 control plane.
pub(crate) fn version() -> Value {
    json!({
        "major": "1", "minor": "34", "emulationMajor": "1", "emulationMinor": "34",
        "minCompatibilityMajor": "1", "minCompatibilityMinor": "33",
        "gitVersion": "v1.34.4", "gitCommit": "8aa6c9cbe2a1f8d2e0f9a55b2ee93bd9ff7e4c1a",
        "gitTreeState": "clean", "buildDate": "2026-02-10T12:03:41Z",
        "goVersion": "go1.24.12", "compiler": "gc", "platform": "linux/amd64"
    })
}

/// How often a metrics-server with these flags scrapes, compressed (see `timing`).
pub(crate) fn scrape_tick(flags: &Flags) -> SignedDuration {
    let resolution = flags
        .duration("metric-resolution")
        .and_then(|d| SignedDuration::try_from(d).ok())
        .unwrap_or(SignedDuration::from_secs(60));
    (resolution / timing::SCRAPE_COMPRESSION as i32).max(ms(500))
}

pub(super) fn secure_port(flags: &Flags) -> String {
    flags.value("secure-port").unwrap_or_else(|| "10250".into())
}

pub(super) fn live_pods(w: &World, now: Timestamp) -> impl Iterator<Item = &PodRecord> {
    w.pods
        .iter()
        .filter(move |p| p.created <= now && p.deleted.is_none_or(|d| now < d))
}

pub(crate) fn deployment(w: &World, now: Timestamp) -> Value {
    let mut d = to_value(&w.deployment);
    let newest = w.newest_rs().map(|r| r.hash.clone()).unwrap_or_default();
    let live: Vec<&PodRecord> = live_pods(w, now).collect();
    let ready = live.iter().filter(|p| w.is_ready(p, now)).count();
    let updated = live.iter().filter(|p| p.rs_hash == newest).count();
    let cond = |type_: &str, c: &super::world::Condition| {
        json!({"type": type_, "status": if c.status { "True" } else { "False" },
               "reason": c.reason, "message": c.message,
               "lastUpdateTime": ts(c.since), "lastTransitionTime": ts(c.since)})
    };
    let mut status = json!({
        "observedGeneration": w.observed_generation(now),
        "replicas": live.len(),
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "conditions": [
            cond("Available", &w.deployment_available),
            cond("Progressing", &w.deployment_progressing),
        ],
    });
    let unavailable = live.len().saturating_sub(ready);
    if unavailable > 0 {
        status["unavailableReplicas"] = json!(unavailable);
    }
    for zero in [
        "readyReplicas",
        "availableReplicas",
        "updatedReplicas",
        "replicas",
    ] {
        if status[zero] == json!(0) {
            if let Some(s) = status.as_object_mut() {
                s.remove(zero);
            }
        }
    }
    d["status"] = status;
    d
}

pub(crate) fn deployments(w: &World, now: Timestamp) -> Vec<Value> {
    let mut out = vec![deployment(w, now)];
    out.extend(w.other_deployments.iter().map(to_value));
    out
}

pub(crate) fn replica_sets(w: &World, now: Timestamp) -> Vec<Value> {
    let selector = w
        .deployment
        .spec
        .as_ref()
        .and_then(|s| s.selector.match_labels.clone())
        .unwrap_or_default();
    let desired = w
        .deployment
        .spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(1);
    w.replica_sets
        .iter()
        .filter(|rs| rs.created <= now)
        .map(|rs| {
            let mine: Vec<&PodRecord> =
                live_pods(w, now).filter(|p| p.rs_hash == rs.hash).collect();
            let ready = mine.iter().filter(|p| w.is_ready(p, now)).count();
            let mut template = to_value(&rs.template);
            template["metadata"]["labels"]["pod-template-hash"] = json!(rs.hash);
            let mut labels = to_value(&selector);
            labels["pod-template-hash"] = json!(rs.hash);
            json!({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {
                    "name": rs.name, "namespace": NAMESPACE, "uid": rs.uid,
                    "resourceVersion": w.list_rv(), "generation": 1,
                    "creationTimestamp": ts(rs.created),
                    "labels": labels,
                    "annotations": {
                        "deployment.kubernetes.io/desired-replicas": desired.to_string(),
                        "deployment.kubernetes.io/max-replicas": (desired + 1).to_string(),
                        "deployment.kubernetes.io/revision": rs.revision.to_string(),
                    },
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment",
                        "name": DEPLOYMENT, "uid": w.deployment.metadata.uid,
                        "controller": true, "blockOwnerDeletion": true}],
                },
                "spec": {"replicas": mine.len(), "selector": {"matchLabels": labels},
                         "template": template},
                "status": {"replicas": mine.len(), "fullyLabeledReplicas": mine.len(),
                           "readyReplicas": ready, "availableReplicas": ready,
                           "observedGeneration": 1},
            })
        })
        .collect()
}

pub(crate) fn endpoint_slices(w: &World, now: Timestamp) -> Vec<Value> {
    let endpoints: Vec<Value> = w
        .pods
        .iter()
        .filter(|p| World::exists(p, now))
        .filter(|p| !matches!(World::container_state(p, now), ContainerState::Creating))
        .map(|p| {
            let ready = w.is_ready(p, now);
            let terminating = p.deleted.is_some_and(|d| d <= now);
            json!({
                "addresses": [p.ip],
                "conditions": {"ready": ready && !terminating, "serving": ready || (terminating && w.ready_at(p).is_some()), "terminating": terminating},
                "nodeName": p.node,
                "targetRef": {"kind": "Pod", "name": p.name, "namespace": NAMESPACE, "uid": p.uid},
            })
        })
        .collect();
    let service = w
        .service
        .metadata
        .name
        .clone()
        .unwrap_or_else(|| DEPLOYMENT.into());
    vec![json!({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {
            "name": format!("{service}-x7k2d"), "generateName": format!("{service}-"),
            "namespace": NAMESPACE, "resourceVersion": w.list_rv(),
            "creationTimestamp": ts(add(w.started, -SignedDuration::from_hours(24 * 26))),
            "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                       "k8s-app": DEPLOYMENT, "kubernetes.io/service-name": service},
            "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": service,
                                 "uid": w.service.metadata.uid, "controller": true, "blockOwnerDeletion": true}],
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": [{"name": "https", "port": 10250, "protocol": "TCP"}],
    })]
}

pub(crate) fn service(w: &World) -> Value {
    to_value(&w.service)
}

pub(crate) fn apiservice(w: &World) -> Value {
    let mut a = to_value(&w.apiservice);
    let c = &w.api_available;
    a["status"] = json!({"conditions": [{
        "type": "Available", "status": if c.status { "True" } else { "False" },
        "reason": c.reason, "message": c.message, "lastTransitionTime": ts(c.since)
    }]});
    a
}

pub(crate) fn nodes(w: &World, now: Timestamp) -> Vec<Value> {
    let heartbeat = ts(add(now, -SignedDuration::from_secs(7)));
    let born = ts(add(w.started, -SignedDuration::from_hours(24 * 26 + 1)));
    w.nodes
        .iter()
        .map(|n| {
            let mut v = to_value(n);
            v["metadata"]["creationTimestamp"] = json!(born);
            if let Some(conds) = v["status"]["conditions"].as_array_mut() {
                for c in conds {
                    c["lastHeartbeatTime"] = json!(heartbeat);
                    c["lastTransitionTime"] = json!(born);
                }
            }
            v
        })
        .collect()
}

pub(crate) fn csrs(w: &World) -> Vec<Value> {
    w.csrs.iter().map(|r| to_value(&r.csr)).collect()
}

/// The hash the current Deployment template would get (a dry-run's would-be ReplicaSet).
#[cfg(test)]
pub(crate) fn current_template_hash(w: &World) -> Option<String> {
    w.deployment
        .spec
        .as_ref()
        .map(|s| super::world::template_hash(&s.template))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::clock::Clock;
    use crate::demo::events::{events, hpas};
    use crate::demo::loggen::LogLine;
    use crate::demo::metrics_api::node_metrics;
    use crate::demo::podview::{log_lines, pods};
    use crate::demo::scenario;

    fn world(name: &str) -> (World, Clock) {
        let clock = Clock::manual("2026-11-10T10:35:00Z".parse().expect("valid"));
        let w = World::new(scenario::load(name).expect("loads"), clock.clone());
        (w, clock)
    }

    #[test]
    fn the_broken_pod_runs_unready_and_the_api_has_no_endpoints() {
        let (w, clock) = world("x509");
        let now = clock.now();
        let pods = pods(&w, now);
        assert_eq!(pods.len(), 1);
        assert_eq!(pods[0]["status"]["phase"], "Running");
        assert_eq!(pods[0]["status"]["containerStatuses"][0]["ready"], false);
        assert_eq!(
            pods[0]["metadata"]["labels"]["pod-template-hash"],
            json!(current_template_hash(&w))
        );
        assert_eq!(
            apiservice(&w)["status"]["conditions"][0]["reason"],
            "MissingEndpoints"
        );
        assert!(node_metrics(&w, now).is_none());
        let hpa = &hpas(&w)[0];
        assert_eq!(
            hpa["status"]["conditions"][1]["reason"],
            "FailedGetResourceMetric"
        );
        let d = deployment(&w, now);
        assert_eq!(d["status"]["observedGeneration"], 1);
        assert_eq!(d["status"]["unavailableReplicas"], 1);
        // Every view parses as the typed object the client expects.
        let _: k8s_openapi::api::core::v1::Pod =
            serde_json::from_value(pods[0].clone()).expect("pod parses");
        let _: k8s_openapi::api::apps::v1::Deployment =
            serde_json::from_value(d).expect("deployment parses");
        for rs in replica_sets(&w, now) {
            let _: k8s_openapi::api::apps::v1::ReplicaSet =
                serde_json::from_value(rs).expect("replicaset parses");
        }
        for e in events(&w, now) {
            let _: k8s_openapi::api::core::v1::Event =
                serde_json::from_value(e).expect("event parses");
        }
    }

    #[test]
    fn the_log_of_the_broken_pod_repeats_the_x509_error_for_every_node() {
        let (w, clock) = world("x509");
        let now = clock.now();
        let pod = w.pods.first().expect("a pod");
        let lines = log_lines(&w, pod, false, (Timestamp::MIN, now), now).expect("readable");
        let last: Vec<&LogLine> = lines.iter().rev().take(3).collect();
        assert!(last.iter().all(|l| {
            l.text
                .contains("x509: certificate signed by unknown authority")
        }));
        assert!(
            last.iter()
                .all(|l| now.duration_since(l.at) < SignedDuration::from_secs(2))
        );
        // The startup lines of a 35-minute-old pod have rotated away; the history is bounded.
        assert!(lines.len() < 3 * 15 * 60 + 200);
        assert!(log_lines(&w, pod, true, (Timestamp::MIN, now), now).is_err());
    }
}
