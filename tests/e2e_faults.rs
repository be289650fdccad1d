//! Faults on the real cluster (see tests/support) while mstui streams logs and polls:
//! kube-apiserver stopped and restarted, and the metrics-server pod deleted mid-stream.
//!
//! Run: `cargo test --test e2e_faults -- --nocapture`.

mod support;

use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::DeleteParams;
use mstui::cluster::logs::{self, LogEvent, LogTarget};
use mstui::cluster::snapshot;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::cluster::{MS_NAME, MS_NAMESPACE};
use support::*;

const LONG: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(250);

/// The lines of a pod's CRI log file (what kwok serves): `TIME STREAM TAG TEXT`.
fn cri_texts(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| l.splitn(4, ' ').nth(3).map(str::to_string))
        .collect()
}

type Events = Arc<Mutex<Vec<LogEvent>>>;

fn received(events: &Events, pod: &str) -> Vec<(Option<String>, String)> {
    events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            LogEvent::Lines { pod: p, lines } if p == pod => Some(lines.clone()),
            _ => None,
        })
        .flatten()
        .map(|l| (l.timestamp, l.text))
        .collect()
}

fn count(events: &Events, f: impl Fn(&LogEvent) -> bool) -> usize {
    events.lock().unwrap().iter().filter(|e| f(e)).count()
}

/// Wait until everything the pod's log file holds now has been received, in order.
async fn wait_caught_up(c: &Cluster, events: &Events, pod: &str, what: &str) -> usize {
    let file = cri_texts(&c.pod_log(pod));
    wait_for(what, LONG, POLL, || async {
        let got: Vec<String> = received(events, pod).into_iter().map(|(_, t)| t).collect();
        if got.len() >= file.len() && got[..file.len()] == file[..] {
            Ok(file.len())
        } else {
            Err(format!("{} of {} lines received", got.len(), file.len()))
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

fn assert_no_duplicates(events: &Events, pod: &str) {
    let got = received(events, pod);
    let mut seen = std::collections::HashSet::new();
    for l in &got {
        assert!(seen.insert(l.clone()), "line received twice: {l:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apiserver_outage_and_pod_deletion_while_streaming_logs() {
    let _serial = serial();
    let _t = TestTimer::new("apiserver_outage_and_pod_deletion_while_streaming_logs");
    let mut c = Cluster::start(Scenario::X509).await;
    let conn = conn(&c.admin_kubeconfig).await;
    let pod = c.supervisor().state().pod.expect("metrics-server pod");

    let events: Events = Arc::default();
    let (tx, mut rx) = tokio::sync::mpsc::channel(256);
    let target = LogTarget {
        namespace: MS_NAMESPACE.into(),
        selector: "k8s-app=metrics-server".into(),
        container: MS_NAME.into(),
        tail_lines: 10_000,
    };
    let follower = tokio::spawn(logs::follow(conn.client.clone(), target, tx));
    let sink = events.clone();
    let collector = tokio::spawn(async move {
        while let Some(e) = rx.recv().await {
            if let LogEvent::Error(m) | LogEvent::Detached { reason: m, .. } = &e {
                eprintln!("[e2e] log event: {m}");
            }
            sink.lock().unwrap().push(e);
        }
    });
    let before = wait_caught_up(&c, &events, &pod, "initial log lines").await;
    eprintln!("[e2e] {before} lines received before the outage");

    // --- kube-apiserver down ---------------------------------------------------------------
    c.stop_component("kube-apiserver");
    let lines_at_stop = cri_texts(&c.pod_log(&pod)).len();
    wait_for(
        "the outage reported on the log stream",
        LONG,
        POLL,
        || async {
            match count(&events, |e| matches!(e, LogEvent::Error(_))) {
                0 => Err("no error event yet".to_string()),
                n => Ok(n),
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // Polling during the outage answers (with the failure recorded) instead of hanging.
    let snap = snapshot(&conn, jiff::Timestamp::now()).await;
    eprintln!(
        "[e2e] snapshot during the outage: {} failures, first: {:?}",
        snap.failures.len(),
        snap.failures.first()
    );
    assert!(
        !snap.failures.is_empty(),
        "the outage shows in the snapshot"
    );
    // metrics-server keeps writing while the API server is away: lines the stream must not miss.
    wait_for(
        "metrics-server logs during the outage",
        LONG,
        POLL,
        || async {
            let n = cri_texts(&c.pod_log(&pod)).len();
            if n > lines_at_stop {
                Ok(n)
            } else {
                Err(format!("{n} lines"))
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // Long enough for the pod's follower to give up its retries: when the API server is back,
    // the pod watch attaches a new follower, which must resume where the old one stopped
    // (a fresh tail re-read would show lines twice).
    wait_for("the follower to give up", LONG, POLL, || async {
        match count(&events, |e| {
            matches!(e, LogEvent::Detached { pod: p, reason } if *p == pod && reason.contains("gave up"))
        }) {
            0 => Err("still retrying".to_string()),
            n => Ok(n),
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));

    // --- back ------------------------------------------------------------------------------
    c.restart_component("kube-apiserver").await;
    let after = wait_caught_up(&c, &events, &pod, "every line after the restart").await;
    assert_no_duplicates(&events, &pod);
    assert_eq!(
        count(
            &events,
            |e| matches!(e, LogEvent::Attached { pod: p } if *p == pod)
        ),
        2,
        "the pod was followed again after its follower gave up"
    );
    eprintln!(
        "[e2e] after the outage: {after} lines, all received once and in order ({} error events, {} attaches)",
        count(&events, |e| matches!(e, LogEvent::Error(_))),
        count(&events, |e| matches!(e, LogEvent::Attached { .. })),
    );

    // --- the pod deleted mid-stream: the stream follows the replacement ---------------------
    let pods: Api<Pod> = Api::namespaced(conn.client.clone(), MS_NAMESPACE);
    pods.delete(&pod, &DeleteParams::default())
        .await
        .expect("delete the metrics-server pod");
    let new_pod = wait_for("the replacement pod attached", LONG, POLL, || async {
        events
            .lock()
            .unwrap()
            .iter()
            .find_map(|e| match e {
                LogEvent::Attached { pod: p } if *p != pod => Some(p.clone()),
                _ => None,
            })
            .ok_or_else(|| "not yet".to_string())
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        count(
            &events,
            |e| matches!(e, LogEvent::Detached { pod: p, .. } if *p == pod)
        ) >= 1,
        "the deleted pod's stream ended"
    );
    wait_for(
        "the replacement's metrics-server writes",
        LONG,
        POLL,
        || async {
            if cri_texts(&c.pod_log(&new_pod)).is_empty() {
                Err("empty".to_string())
            } else {
                Ok(())
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let n = wait_caught_up(&c, &events, &new_pod, "the replacement's lines").await;
    assert_no_duplicates(&events, &new_pod);
    eprintln!("[e2e] followed the replacement pod {new_pod}: {n} lines");

    follower.abort();
    collector.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permission_revoked_mid_session_refuses_the_next_action_by_name() {
    let _serial = serial();
    let _t = TestTimer::new("a_permission_revoked_mid_session");
    let c = Cluster::start(Scenario::ReadOnlyUser).await;
    let admin = conn(&c.admin_kubeconfig).await;
    // Grant the viewer `patch deployments` in kube-system for this session.
    let grant = |kind: &str, body: serde_json::Value| {
        let admin = admin.client.clone();
        let kind = kind.to_string();
        async move {
            let gvk = kube::api::GroupVersionKind::gvk("rbac.authorization.k8s.io", "v1", &kind);
            let ar = kube::discovery::ApiResource::from_gvk(&gvk);
            let api: Api<kube::api::DynamicObject> = Api::namespaced_with(admin, MS_NAMESPACE, &ar);
            let obj: kube::api::DynamicObject = serde_json::from_value(body).expect("object");
            api.create(&kube::api::PostParams::default(), &obj)
                .await
                .unwrap_or_else(|e| panic!("create {kind}: {e}"));
        }
    };
    grant(
        "Role",
        serde_json::json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
            "metadata": {"name": "e2e-patch", "namespace": MS_NAMESPACE},
            "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "patch"]}]}),
    )
    .await;
    grant(
        "RoleBinding",
        serde_json::json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "e2e-patch", "namespace": MS_NAMESPACE},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "e2e-patch"},
            "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": support::certs::VIEWER_USER}]}),
    )
    .await;
    let viewer = conn(&c.viewer_kubeconfig).await;
    use mstui::vocab::{Action, FixId};
    let snap = wait_for("the viewer may patch", LONG, POLL, || async {
        let s = snapshot(&viewer, jiff::Timestamp::now()).await;
        if s.may(Action::PatchDeployment) {
            Ok(s)
        } else {
            Err(format!("{:?}", s.denied(Action::PatchDeployment)))
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let p = mstui::fix::plan::plan(
        FixId::KubeletInsecureTls,
        snap.install.as_ref().expect("install"),
        snap.deployment.as_ref().expect("deployment"),
    )
    .expect("plan");
    mstui::cluster::apply::send_fix(&viewer.client, &p, true)
        .await
        .unwrap_or_else(|e| panic!("the granted dry-run: {e}"));

    // Mid-session, the RoleBinding goes away.
    let gvk = kube::api::GroupVersionKind::gvk("rbac.authorization.k8s.io", "v1", "RoleBinding");
    let ar = kube::discovery::ApiResource::from_gvk(&gvk);
    let bindings: Api<kube::api::DynamicObject> =
        Api::namespaced_with(admin.client.clone(), MS_NAMESPACE, &ar);
    bindings
        .delete("e2e-patch", &DeleteParams::default())
        .await
        .expect("delete the RoleBinding");
    // The next action is refused, naming the permission (polled: RBAC caches catch up).
    let refusal = wait_for("the revoked permission refused", LONG, POLL, || async {
        match mstui::cluster::apply::send_fix(&viewer.client, &p, true).await {
            Err(mstui::cluster::apply::ApplyError::Forbidden(m)) => Ok(m),
            other => Err(format!("{other:?}")),
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("[e2e] refused after the RoleBinding was deleted: {refusal}");
    assert!(
        refusal.contains("cannot patch resource \"deployments\""),
        "{refusal}"
    );
    // And the next poll disables the fix with the missing permission named.
    let denied = wait_for(
        "the fix disabled by the next snapshot",
        LONG,
        POLL,
        || async {
            snapshot(&viewer, jiff::Timestamp::now())
                .await
                .denied(Action::PatchDeployment)
                .ok_or_else(|| "still allowed".to_string())
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("[e2e] next snapshot: {denied}");
    assert!(
        denied.contains("patch deployments.apps -n kube-system"),
        "{denied}"
    );
    let now = mstui::cluster::apply::get_deployment(&admin.client, MS_NAMESPACE, MS_NAME)
        .await
        .expect("get");
    let args = now.spec.unwrap().template.spec.unwrap().containers[0]
        .args
        .clone()
        .unwrap_or_default();
    assert_eq!(args, p.before, "nothing was changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rollout_that_never_becomes_ready_is_reported_and_undone() {
    use mstui::cluster::apply;
    use mstui::rollout::{RolloutPhase, rollout_status};
    use mstui::vocab::FixId;
    let _serial = serial();
    let _t = TestTimer::new("a_rollout_that_never_becomes_ready");
    let mut c = Cluster::start(Scenario::X509).await;
    let conn = conn(&c.admin_kubeconfig).await;
    let client = &conn.client;
    // A short progress deadline (no template change, so no rollout by itself).
    let deployments: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(client.clone(), MS_NAMESPACE);
    let deadline = serde_json::json!({"spec": {"progressDeadlineSeconds": 10}});
    deployments
        .patch(
            MS_NAME,
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(&deadline),
        )
        .await
        .expect("progressDeadlineSeconds");
    // The kubelet (kwok) goes away: a new pod is never started, let alone ready.
    c.stop_component("kwok");

    let snap = snapshot(&conn, jiff::Timestamp::now()).await;
    let fix = mstui::fix::plan::plan(
        FixId::KubeletInsecureTls,
        snap.install.as_ref().expect("install"),
        snap.deployment.as_ref().expect("deployment"),
    )
    .expect("plan");
    apply::send_fix(client, &fix, true).await.expect("dry-run");
    apply::send_fix(client, &fix, false).await.expect("apply");

    let failed = wait_for("ProgressDeadlineExceeded", LONG, POLL, || async {
        let d = apply::get_deployment(client, MS_NAMESPACE, MS_NAME)
            .await
            .map_err(|e| e.to_string())?;
        let s = rollout_status(&d);
        if s.phase == RolloutPhase::Failed {
            Ok((s, d))
        } else {
            Err(s.message)
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("[e2e] rollout reported: {}", failed.0.message);
    assert!(failed.0.message.contains("ProgressDeadlineExceeded"));
    assert!(failed.0.message.contains("has timed out progressing"));

    // Undo is offered and restores the exact earlier args.
    let undo = mstui::fix::plan::plan_undo(&fix, &failed.1).expect("undo plans");
    assert_eq!(undo.after, fix.before);
    apply::send_fix(client, &undo, true)
        .await
        .expect("undo dry-run");
    let undone = apply::send_fix(client, &undo, false).await.expect("undo");
    let args = undone.spec.unwrap().template.spec.unwrap().containers[0]
        .args
        .clone()
        .unwrap_or_default();
    assert_eq!(args, fix.before, "the earlier args, exactly");
    eprintln!("[e2e] undone: {args:?}");
}
