//! Pods as the kubelet reports them (container states, conditions, restarts) and the
//! metrics-server container's log, generated for the instance asked for.

use super::clock::{add, ms, timing};
use super::loggen::{self, Instance, LogLine, Run};
use super::views::{hex64, scrape_tick, secure_port, to_value, ts};
use super::world::{
    Behaviour, ContainerState, DEPLOYMENT, NAMESPACE, PodRecord, World, ms_container,
};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

/// The metrics-server container's log as one instance wrote it; `previous` picks the instance
/// before the current one (only crash-looping containers have one).
pub(crate) fn container_instance<'a>(
    pod: &PodRecord,
    previous: bool,
    now: Timestamp,
    nodes: &'a [String],
    scrape: &'a dyn Fn(usize, Timestamp) -> Result<(), String>,
) -> Result<Instance<'a>, String> {
    let state = World::container_state(pod, now);
    match (&pod.behaviour, &state) {
        (_, ContainerState::Creating) => Err(format!(
            "container \"{DEPLOYMENT}\" in pod \"{}\" is waiting to start: ContainerCreating",
            pod.name
        )),
        (Behaviour::Serve { flags }, ContainerState::Running { since, .. })
        | (Behaviour::Serve { flags }, ContainerState::Stopped { since, .. }) => {
            if previous {
                return Err(format!(
                    "previous terminated container \"{DEPLOYMENT}\" in pod \"{}\" not found",
                    pod.name
                ));
            }
            Ok(Instance {
                started: *since,
                stopped: pod.deleted.filter(|d| *d <= now),
                graceful_stop: true,
                run: Run::Serving {
                    nodes,
                    tick: scrape_tick(flags),
                    secure_port: secure_port(flags),
                    scrape,
                },
            })
        }
        (Behaviour::Crash { errors }, _) => {
            // The current instance is the running one, or the last one that exited.
            let (mut started, restarts) = match state {
                ContainerState::Running { since, restarts } => (since, restarts),
                ContainerState::BackOff {
                    started, restarts, ..
                } => (started, restarts),
                ContainerState::Stopped { at, .. } => (at, 0),
                ContainerState::Creating => (now, 0),
            };
            if previous {
                if restarts == 0 {
                    return Err(format!(
                        "previous terminated container \"{DEPLOYMENT}\" in pod \"{}\" not found",
                        pod.name
                    ));
                }
                started = add(started, -(timing::crash_run() + timing::crash_backoff()));
            }
            Ok(Instance {
                started,
                stopped: Some(add(started, timing::crash_run())),
                graceful_stop: false,
                run: Run::Crash {
                    errors: errors.clone(),
                },
            })
        }
        (Behaviour::Serve { .. }, ContainerState::BackOff { .. }) => Err(format!(
            "container \"{DEPLOYMENT}\" in pod \"{}\" is waiting to start",
            pod.name
        )),
    }
}

/// The log lines of a pod's metrics-server container written in `[from, to)`, as of `now`.
pub(crate) fn log_lines(
    w: &World,
    pod: &PodRecord,
    previous: bool,
    (from, to): (Timestamp, Timestamp),
    now: Timestamp,
) -> Result<Vec<LogLine>, String> {
    let nodes = w.node_names();
    let flags = match &pod.behaviour {
        Behaviour::Serve { flags } => Some(flags.clone()),
        Behaviour::Crash { .. } => None,
    };
    let scrape = |i: usize, t: Timestamp| -> Result<(), String> {
        match (&flags, nodes.get(i)) {
            (Some(f), Some(n)) => w.scrape(f, n, t),
            _ => Ok(()),
        }
    };
    let instance = container_instance(pod, previous, now, &nodes, &scrape)?;
    let from = from.max(add(now, -timing::history()));
    Ok(loggen::lines(&instance, from, to))
}

pub(super) fn pod_labels(w: &World, pod: &PodRecord) -> Map<String, Value> {
    let mut labels = w
        .rs(&pod.rs_hash)
        .and_then(|rs| rs.template.metadata.as_ref()?.labels.clone())
        .map(|l| {
            l.into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect::<Map<_, _>>()
        })
        .unwrap_or_default();
    labels.insert("pod-template-hash".into(), json!(pod.rs_hash));
    labels
}

pub(crate) fn pods(w: &World, now: Timestamp) -> Vec<Value> {
    w.pods
        .iter()
        .filter(|p| World::exists(p, now))
        .map(|p| pod(w, p, now))
        .collect()
}

fn pod(w: &World, p: &PodRecord, now: Timestamp) -> Value {
    let Some(rs) = w.rs(&p.rs_hash) else {
        return Value::Null;
    };
    let template = &rs.template;
    let image = ms_container(template)
        .and_then(|c| c.image.clone())
        .unwrap_or_default();
    let mut spec = to_value(&template.spec);
    if let Some(s) = spec.as_object_mut() {
        s.insert("nodeName".into(), json!(p.node));
        s.insert(
            "tolerations".into(),
            json!([
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            ]),
        );
    }
    let state = World::container_state(p, now);
    let ready = w.is_ready(p, now);
    let ready_since = w.ready_at(p).filter(|_| ready);
    let running_at = World::running_at(p);
    let node_ip = w
        .nodes
        .iter()
        .find(|n| n.metadata.name.as_deref() == Some(p.node.as_str()))
        .and_then(|n| n.status.as_ref()?.addresses.as_ref()?.first().cloned())
        .map(|a| a.address)
        .unwrap_or_default();
    let container_id = |n: i32| format!("containerd://{}", hex64(&format!("{}/{n}", p.uid)));
    let image_id = format!(
        "registry.k8s.io/metrics-server/metrics-server@sha256:{}",
        hex64(&image)
    );
    let mut status = json!({
        "name": DEPLOYMENT, "image": image, "imageID": "", "ready": ready,
        "restartCount": 0, "started": false, "state": {}, "lastState": {}
    });
    let exited = |started: Timestamp, finished: Timestamp, restarts: i32| {
        json!({"terminated": {"exitCode": 1, "reason": "Error", "startedAt": ts(started),
               "finishedAt": ts(finished), "containerID": container_id(restarts)}})
    };
    let cycle = timing::crash_run() + timing::crash_backoff();
    match &state {
        ContainerState::Creating => {
            status["state"] = json!({"waiting": {"reason": "ContainerCreating"}});
        }
        ContainerState::Running { since, restarts } => {
            status["state"] = json!({"running": {"startedAt": ts(*since)}});
            status["started"] = json!(true);
            status["restartCount"] = json!(restarts);
            status["containerID"] = json!(container_id(*restarts));
            if *restarts > 0 {
                let prev = add(*since, -cycle);
                status["lastState"] = exited(prev, add(prev, timing::crash_run()), restarts - 1);
            }
        }
        ContainerState::BackOff {
            restarts,
            started,
            finished,
        } => {
            status["state"] = json!({"waiting": {"reason": "CrashLoopBackOff", "message": format!(
                "back-off {}s restarting failed container={DEPLOYMENT} pod={}_{NAMESPACE}({})",
                10 * (1 << (*restarts).clamp(0, 5)), p.name, p.uid)}});
            status["restartCount"] = json!(restarts);
            status["lastState"] = exited(*started, *finished, *restarts);
            status["containerID"] = json!(container_id(*restarts));
        }
        ContainerState::Stopped { since, at } => {
            status["state"] = json!({"terminated": {"exitCode": 0, "reason": "Completed",
                "startedAt": ts(*since), "finishedAt": ts(add(*at, ms(120))),
                "containerID": container_id(0)}});
        }
    }
    if !matches!(state, ContainerState::Creating) {
        status["imageID"] = json!(image_id);
    }
    let scheduled = ts(p.created);
    let started = !matches!(state, ContainerState::Creating);
    let cond = |type_: &str, ok: bool, since: Timestamp| {
        let mut c = json!({"type": type_, "status": if ok { "True" } else { "False" },
                           "lastProbeTime": null, "lastTransitionTime": ts(since)});
        if !ok && (type_ == "Ready" || type_ == "ContainersReady") {
            c["reason"] = json!("ContainersNotReady");
            c["message"] = json!(format!("containers with unready status: [{DEPLOYMENT}]"));
        }
        c
    };
    let ready_changed = ready_since.unwrap_or(if started { running_at } else { p.created });
    let mut pod_status = json!({
        "phase": if started { "Running" } else { "Pending" },
        "conditions": [
            cond(
                "PodReadyToStartContainers",
                started,
                if started { running_at } else { p.created }
            ),
            cond("Initialized", true, p.created),
            cond("Ready", ready, ready_changed),
            cond("ContainersReady", ready, ready_changed),
            cond("PodScheduled", true, p.created),
        ],
        "hostIP": node_ip, "hostIPs": [{"ip": node_ip}],
        "startTime": scheduled,
        "containerStatuses": [status],
        "qosClass": "Burstable",
    });
    if started {
        pod_status["podIP"] = json!(p.ip);
        pod_status["podIPs"] = json!([{"ip": p.ip}]);
    }
    let mut metadata = json!({
        "name": p.name, "generateName": format!("{}-", rs.name), "namespace": NAMESPACE,
        "uid": p.uid, "resourceVersion": w.list_rv(), "creationTimestamp": ts(p.created),
        "labels": pod_labels(w, p),
        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs.name,
                             "uid": rs.uid, "controller": true, "blockOwnerDeletion": true}],
    });
    if let Some(annotations) = template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.clone())
    {
        metadata["annotations"] = to_value(&annotations);
    }
    if let Some(d) = p.deleted.filter(|d| *d <= now) {
        metadata["deletionTimestamp"] = json!(ts(add(d, SignedDuration::from_secs(30))));
        metadata["deletionGracePeriodSeconds"] = json!(30);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": pod_status})
}
