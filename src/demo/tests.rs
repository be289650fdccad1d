//! The demo end to end through the product's own code: `cluster::snapshot`, `diagnose`,
//! `fix::plan` and `cluster::apply`, over the real kube client.
//!
//! Most tests drive a hand-advanced clock, so a rollout takes no wall time and the outcome
//! does not depend on machine speed; one test and the log-follow test use the wall clock, as
//! `mstui --demo` does.

use super::clock::{Clock, ms};
use super::{Demo, DemoError, SCENARIOS, connect, start};
use crate::cluster::apply::{self, ApplyError};
use crate::cluster::snapshot;
use crate::diagnose::{Finding, diagnose};
use crate::fix::plan::{
    FixPlan, plan, plan_approve_csrs, plan_approve_csrs_checked, plan_restart, plan_undo,
};
use crate::rollout::{RolloutPhase, rollout_status};
use crate::snapshot::Snapshot;
use crate::vocab::{FixId, Severity};
use futures::{AsyncBufReadExt, TryStreamExt};
use jiff::{SignedDuration, Timestamp};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::LogParams;
use std::time::Duration;

fn manual(scenario: &str) -> Demo {
    let clock = Clock::manual("2026-11-10T10:35:00Z".parse().expect("valid timestamp"));
    start(scenario, clock).expect("the demo starts")
}

async fn look(demo: &Demo) -> (Snapshot, Vec<Finding>) {
    let now = demo.clock.now();
    let snap = snapshot(&demo.connection, now).await;
    let findings = diagnose(&snap, now);
    (snap, findings)
}

fn ids(findings: &[Finding]) -> Vec<u8> {
    findings.iter().map(|f| f.id.number()).collect()
}

fn problems(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| format!("{} {}: {:?}", f.id, f.title, f.evidence))
        .collect()
}

fn finding(findings: &[Finding], id: u8) -> &Finding {
    findings
        .iter()
        .find(|f| f.id.number() == id)
        .unwrap_or_else(|| panic!("no F{id:02} in {:?}", ids(findings)))
}

fn args_plan(snap: &Snapshot, fix: FixId) -> FixPlan {
    let install = snap.install.as_ref().expect("the install is located");
    let deployment = snap.deployment.as_ref().expect("the deployment is read");
    plan(fix, install, deployment).expect("the fix plans")
}

fn current_args(snap: &Snapshot) -> Vec<String> {
    snap.deployment
        .as_ref()
        .and_then(|d| {
            d.spec
                .as_ref()?
                .template
                .spec
                .as_ref()?
                .containers
                .first()?
                .args
                .clone()
        })
        .unwrap_or_default()
}

fn advance(demo: &Demo, millis: i64) {
    demo.clock.advance(ms(millis));
}

fn healthy(snap: &Snapshot) -> bool {
    let api_ok = snap
        .apiservice
        .as_ref()
        .and_then(|a| a.status.as_ref()?.conditions.as_ref()?.first().cloned())
        .is_some_and(|c| c.status == "True");
    let covered = snap
        .node_metrics
        .as_ref()
        .is_some_and(|m| m.len() == snap.nodes.len());
    api_ok && covered
}

#[tokio::test]
async fn the_x509_scenario_is_the_seed_story() {
    let demo = manual("x509");
    let (snap, findings) = look(&demo).await;
    assert!(snap.failures.is_empty(), "{:?}", snap.failures);
    assert_eq!(snap.cluster.server_version.as_deref(), Some("v1.34.4"));
    let install = snap.install.as_ref().expect("located via the APIService");
    assert_eq!(
        (install.namespace.as_str(), install.deployment.as_str()),
        ("kube-system", "metrics-server")
    );
    assert_eq!(snap.nodes.len(), 3);
    assert_eq!(snap.pods.len(), 1);
    // `kubectl top nodes`: the aggregator's 503.
    let metrics = snap
        .metrics_api_error
        .as_ref()
        .expect("the Metrics API fails");
    assert_eq!(metrics.code, Some(503));
    assert!(
        metrics.message.contains("service unavailable"),
        "{}",
        metrics.message
    );
    let f15 = finding(&findings, 15);
    assert_eq!(f15.severity, Severity::Error);
    assert_eq!(f15.nodes, ["control-plane", "worker-1", "worker-2"]);
    assert!(f15.offers(FixId::KubeletInsecureTls));
    assert!(
        f15.evidence
            .iter()
            .any(|e| e.contains("x509: certificate signed by unknown authority"))
    );
    // The chain above it: the pod is not Ready, so the APIService has no endpoints.
    let f14 = finding(&findings, 14);
    assert!(
        f14.evidence.iter().any(|e| e.contains("MissingEndpoints")),
        "{:?}",
        f14.evidence
    );
    assert!(
        ids(&findings).contains(&33),
        "HPAs cannot scale: {:?}",
        ids(&findings)
    );
    assert!(!snap.logs.is_empty() && snap.logs.iter().all(|l| !l.previous));
}

#[tokio::test]
async fn the_demo_answers_the_evidence_it_can_and_says_once_what_it_cannot() {
    let demo = manual("x509");
    let (snap, findings) = look(&demo).await;
    assert_eq!(snap.node_leases.len(), 3, "one heartbeat Lease per node");
    assert!(snap.node_leases.iter().all(|l| l.renew_time.is_some()));
    assert!(
        !ids(&findings).contains(&31),
        "the demo's clocks agree: no skew"
    );
    let missing: Vec<&str> = snap.not_checked.iter().map(|n| n.what.as_str()).collect();
    assert_eq!(
        missing,
        ["kubelet serving certificates (F15, F16, F17)"],
        "only the kubelet dials, which the in-process demo cannot make"
    );
}

#[tokio::test]
async fn a_dry_run_leaves_the_deployment_unchanged() {
    let demo = manual("x509");
    let (snap, _) = look(&demo).await;
    let fix = args_plan(&snap, FixId::KubeletInsecureTls);
    let client = &demo.connection.client;
    let would_be = apply::send_fix(client, &fix, true)
        .await
        .expect("dry-run succeeds");
    let stored = apply::stored_list(&fix, &would_be).expect("the container is there");
    assert!(stored.contains(&"--kubelet-insecure-tls".to_string()));
    assert_eq!(stored, fix.after);
    advance(&demo, 5_000);
    let (after, _) = look(&demo).await;
    assert_eq!(current_args(&after), fix.before);
    let meta = |s: &Snapshot| {
        let m = &s.deployment.as_ref().expect("deployment").metadata;
        (m.resource_version.clone(), m.generation)
    };
    assert_eq!(meta(&after), meta(&snap));
    assert_eq!(after.pods.len(), 1);
    assert_eq!(after.pods[0].metadata.name, snap.pods[0].metadata.name);
}

#[tokio::test]
async fn the_quick_fix_rolls_out_and_brings_the_metrics_back_in_real_time() {
    let demo = start("x509", Clock::System).expect("starts");
    let (snap, _) = look(&demo).await;
    let old_pod = snap.pods[0].metadata.name.clone();
    let fix = args_plan(&snap, FixId::KubeletInsecureTls);
    apply::send_fix(&demo.connection.client, &fix, false)
        .await
        .expect("the fix is applied");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let (snap, findings) = loop {
        let (snap, findings) = look(&demo).await;
        let rolled_out = snap.pods.len() == 1 && snap.pods[0].metadata.name != old_pod;
        if healthy(&snap) && rolled_out {
            break (snap, findings);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no recovery: {:?}",
            ids(&findings)
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    assert!(problems(&findings).is_empty(), "{:#?}", problems(&findings));
    assert_eq!(current_args(&snap), fix.after);
    let d = snap.deployment.as_ref().expect("deployment");
    assert_eq!(rollout_status(d).phase, RolloutPhase::Complete);
    assert_eq!(d.metadata.generation, Some(2));
    assert_eq!(
        snap.replica_sets.len(),
        2,
        "the old ReplicaSet stays, scaled to 0"
    );
    let log = snap
        .logs
        .iter()
        .find(|l| !l.previous)
        .expect("the new pod's log");
    assert!(!log.text.is_empty());
    assert!(log.text.lines().all(|l| l.starts_with('I')), "{}", log.text);
    let hpa_active = snap.hpas[0]
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| c.type_ == "ScalingActive" && c.status == "True")
        });
    assert!(hpa_active);
    for m in snap.node_metrics.iter().flatten() {
        let cpu = m.usage.get("cpu").map(|q| q.0.clone()).unwrap_or_default();
        assert!(
            cpu.ends_with('n') && crate::metrics::parse_quantity(&cpu).is_some_and(|c| c > 0.1)
        );
        let mem = m
            .usage
            .get("memory")
            .map(|q| q.0.clone())
            .unwrap_or_default();
        assert!(mem.ends_with("Ki"), "{mem}");
    }
}

#[tokio::test]
async fn a_write_that_leaves_the_args_alone_is_not_a_conflict() {
    let demo = manual("x509");
    let (snap, _) = look(&demo).await;
    let plan = args_plan(&snap, FixId::KubeletInsecureTls);
    let client = &demo.connection.client;
    // Someone restarts the Deployment after the plan was made: resourceVersion moves, the args
    // do not, so the JSON patch's `test` still holds.
    let restart = plan_restart(
        snap.install.as_ref().expect("install"),
        snap.deployment.as_ref().expect("deployment"),
        demo.clock.now(),
    );
    apply::send_restart(client, &restart, false)
        .await
        .expect("restart");
    let d = apply::send_fix(client, &plan, false)
        .await
        .expect("applies over an unrelated write");
    assert_ne!(
        d.metadata.resource_version.as_deref(),
        Some(plan.resource_version.as_str())
    );
    assert_eq!(apply::stored_list(&plan, &d), Some(plan.after.clone()));
}

#[tokio::test]
async fn a_concurrent_args_edit_is_a_conflict_and_is_not_overwritten() {
    let demo = manual("x509");
    let (snap, _) = look(&demo).await;
    let stale = args_plan(&snap, FixId::KubeletInsecureTls);
    let client = &demo.connection.client;
    // Someone else changes the args after the plan was made.
    let mut theirs = stale.before.clone();
    theirs.push("--v=4".into());
    let edit = serde_json::json!({"spec": {"template": {"spec": {"containers": [
        {"name": stale.target.container, "args": theirs}
    ]}}}});
    apply::patch_deployment(client, "kube-system", "metrics-server", &edit, false)
        .await
        .expect("their edit");
    for dry_run in [true, false] {
        let err = apply::send_fix(client, &stale, dry_run)
            .await
            .expect_err("stale");
        assert!(
            matches!(err, ApplyError::Conflict(ref m) if m.contains("testing value")),
            "{err:?}"
        );
    }
    let now = apply::get_deployment(client, "kube-system", "metrics-server")
        .await
        .expect("get");
    assert_eq!(apply::stored_list(&stale, &now), Some(theirs.clone()));
    // Re-planned against the current object, it keeps their flag and adds ours.
    advance(&demo, 500);
    let (fresh, _) = look(&demo).await;
    let replanned = args_plan(&fresh, FixId::KubeletInsecureTls);
    assert_eq!(replanned.before, theirs);
    let d = apply::send_fix(client, &replanned, false)
        .await
        .expect("re-planned fix applies");
    let stored = apply::stored_list(&replanned, &d).unwrap();
    assert!(stored.contains(&"--v=4".to_string()));
    assert!(stored.contains(&"--kubelet-insecure-tls".to_string()));
}

#[tokio::test]
async fn undo_restores_the_args_and_rolls_back() {
    let demo = manual("x509");
    let client = &demo.connection.client;
    let (snap, _) = look(&demo).await;
    let fix = args_plan(&snap, FixId::KubeletInsecureTls);
    apply::send_fix(client, &fix, false).await.expect("fix");
    advance(&demo, 4_000);
    let (fixed, _) = look(&demo).await;
    assert!(healthy(&fixed));
    let now = apply::get_deployment(client, "kube-system", "metrics-server")
        .await
        .expect("get");
    let undo = plan_undo(&fix, &now).expect("undo plans");
    apply::send_fix(client, &undo, false)
        .await
        .expect("undo applies");
    advance(&demo, 4_000);
    let (after, findings) = look(&demo).await;
    assert_eq!(current_args(&after), fix.before);
    // The old template's ReplicaSet is revived as revision 3, like `kubectl rollout undo`.
    let newest = &after.replica_sets[0].metadata;
    let revision = newest
        .annotations
        .as_ref()
        .and_then(|a| a.get("deployment.kubernetes.io/revision"));
    assert_eq!(revision.map(String::as_str), Some("3"));
    assert_eq!(newest.name, snap.replica_sets[0].metadata.name);
    // maxUnavailable: 0 — the broken new pod never turns Ready, so the healthy one keeps
    // serving and the rollout waits, exactly as on a real cluster.
    assert_eq!(after.pods.len(), 2);
    assert!(healthy(&after));
    let d = after.deployment.as_ref().expect("deployment");
    assert_eq!(rollout_status(d).phase, RolloutPhase::Progressing);
    // The old pod still serves every node, so mstui reads the new pod's x509 lines as a pod
    // warming up rather than as a failure (logview: NodeMetrics present means scraped now).
    assert!(ids(&findings).contains(&32), "{:?}", ids(&findings));
}

#[tokio::test]
async fn wrong_address_goes_refused_then_x509_then_healthy() {
    let demo = manual("wrong-address");
    let client = &demo.connection.client;
    let (snap, findings) = look(&demo).await;
    let f19 = finding(&findings, 19);
    assert_eq!(f19.severity, Severity::Error);
    assert!(
        f19.evidence
            .iter()
            .any(|e| e.contains("connect: connection refused"))
    );
    assert!(f19.offers(FixId::PreferredAddressTypes), "{:?}", f19.fixes);

    let reorder = args_plan(&snap, FixId::PreferredAddressTypes);
    apply::send_fix(client, &reorder, false)
        .await
        .expect("reorder");
    advance(&demo, 4_000);
    let (snap, findings) = look(&demo).await;
    assert!(!ids(&findings).contains(&19), "{:?}", ids(&findings));
    let f16 = finding(&findings, 16);
    assert!(
        f16.evidence
            .iter()
            .any(|e| e.contains("cannot validate certificate for 10.0.1.1")),
        "{:#?}",
        f16.evidence
    );
    assert!(f16.offers(FixId::KubeletInsecureTls));
    assert!(!healthy(&snap));

    let insecure = args_plan(&snap, FixId::KubeletInsecureTls);
    apply::send_fix(client, &insecure, false)
        .await
        .expect("insecure tls");
    advance(&demo, 6_000);
    let (snap, findings) = look(&demo).await;
    assert!(healthy(&snap));
    assert!(problems(&findings).is_empty(), "{:#?}", problems(&findings));
    assert_eq!(snap.pods.len(), 1, "both broken pods were replaced");
    assert_eq!(snap.replica_sets.len(), 3);
}

#[tokio::test]
async fn pending_csrs_are_fixed_by_approving_them() {
    let demo = manual("pending-csr");
    let client = &demo.connection.client;
    let (snap, findings) = look(&demo).await;
    let f18 = finding(&findings, 18);
    assert_eq!(f18.nodes, ["worker-1", "worker-2"]);
    // Only the control plane is scraped; the pod's own kubelet cannot serve its logs.
    assert_eq!(snap.node_metrics.as_ref().map(Vec::len), Some(1));
    let log_failure = snap.failure("get", "pods/log").expect("logs fail");
    assert!(
        log_failure
            .message
            .contains("remote error: tls: internal error")
    );
    let approvals = plan_approve_csrs(&snap.kubelet_csrs).expect("two CSRs pending");
    assert_eq!(approvals.csrs.len(), 2);
    // The TUI approves only CSRs whose names match their node: the demo's do.
    let (checked, refused) = plan_approve_csrs_checked(&snap.kubelet_csrs, &snap.nodes);
    assert!(refused.is_empty(), "{refused:?}");
    assert_eq!(checked.map(|p| p.csrs.len()), Some(2));
    assert!(
        approvals.csrs.iter().all(|c| c.concerns.is_empty()),
        "{:?}",
        approvals.csrs
    );
    let approved = apply::send_csr_approvals(client, &approvals, false)
        .await
        .expect("approve");
    assert_eq!(approved.len(), 2);
    // Approving twice from the same (now stale) plan is a conflict, not a silent overwrite.
    let again = apply::send_csr_approvals(client, &approvals, false).await;
    assert!(matches!(again, Err(ApplyError::Conflict(_))), "{again:?}");
    advance(&demo, 3_000);
    let (snap, findings) = look(&demo).await;
    assert!(healthy(&snap));
    assert!(problems(&findings).is_empty(), "{:#?}", problems(&findings));
    assert!(
        snap.kubelet_csrs
            .iter()
            .all(|c| c.status.as_ref().is_some_and(|s| s.certificate.is_some()))
    );
}

#[tokio::test]
async fn a_flag_metrics_server_refuses_makes_it_crash_loop() {
    let demo = manual("x509");
    let client = &demo.connection.client;
    let (snap, _) = look(&demo).await;
    // The API server cannot know metrics-server's own rules; the binary refuses at startup.
    let args: Vec<String> = current_args(&snap)
        .into_iter()
        .map(|a| {
            if a.starts_with("--metric-resolution") {
                "--metric-resolution=5s".into()
            } else {
                a
            }
        })
        .collect();
    let rv = snap
        .deployment
        .as_ref()
        .and_then(|d| d.metadata.resource_version.clone());
    let patch = serde_json::json!({
        "metadata": {"resourceVersion": rv},
        "spec": {"template": {"spec": {"containers": [{"name": "metrics-server", "args": args}]}}}
    });
    apply::patch_deployment(client, "kube-system", "metrics-server", &patch, false)
        .await
        .expect("the API server stores it; only the binary refuses it");
    advance(&demo, 5_000);
    let (snap, findings) = look(&demo).await;
    let crashing = snap
        .pods
        .iter()
        .max_by_key(|p| p.metadata.creation_timestamp.as_ref().map(|t| t.0))
        .expect("the new pod");
    let restarts = crashing
        .status
        .as_ref()
        .and_then(|s| {
            s.container_statuses
                .as_ref()?
                .first()
                .map(|c| c.restart_count)
        })
        .unwrap_or_default();
    assert!(restarts >= 1, "{restarts}");
    let previous = snap
        .logs
        .iter()
        .find(|l| l.previous)
        .expect("the previous container's log");
    assert!(
        previous
            .text
            .contains("metric-resolution should be a time duration at least 10s"),
        "{}",
        previous.text
    );
    assert!(ids(&findings).contains(&12), "{:?}", ids(&findings));
}

#[tokio::test]
async fn a_followed_log_streams_until_the_pod_is_replaced() {
    let demo = start("x509", Clock::System).expect("starts");
    let client = demo.connection.client.clone();
    let (snap, _) = look(&demo).await;
    let pod = snap.pods[0].metadata.name.clone().expect("named");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "kube-system");
    let params = LogParams {
        container: Some("metrics-server".into()),
        follow: true,
        timestamps: true,
        tail_lines: Some(3),
        ..LogParams::default()
    };
    let mut lines = pods
        .log_stream(&pod, &params)
        .await
        .expect("stream")
        .lines();
    let mut seen = Vec::new();
    // The tail, then new scrape errors as they happen.
    while seen.len() < 6 {
        let next = tokio::time::timeout(Duration::from_secs(5), lines.try_next()).await;
        let line = next
            .expect("a line in time")
            .expect("readable")
            .expect("not ended yet");
        seen.push(line);
    }
    for l in &seen {
        let timed = crate::cluster::logs::split_timestamp(l);
        assert!(timed.timestamp.is_some(), "{l}");
        assert!(timed.text.contains("x509"), "{l}");
    }
    let fix = args_plan(&snap, FixId::KubeletInsecureTls);
    apply::send_fix(&client, &fix, false).await.expect("fix");
    // The old pod is deleted once the new one is Ready; its stream then ends.
    let ended = tokio::time::timeout(Duration::from_secs(15), async {
        let mut last = String::new();
        while let Ok(Some(line)) = lines.try_next().await {
            last = line;
        }
        last
    })
    .await
    .expect("the stream ends after the rollout");
    assert!(ended.contains("Shutting down"), "{ended}");
}

#[tokio::test]
async fn bad_requests_get_status_errors_and_never_break_the_cluster() {
    let demo = manual("x509");
    let client = &demo.connection.client;
    let get = |uri: &str| http::Request::get(uri).body(Vec::new()).expect("request");
    let code = |r: kube::Result<String>| match r {
        Err(kube::Error::Api(s)) => (s.code, s.message),
        other => (0, format!("{other:?}")),
    };
    let (c, m) = code(
        client
            .request_text(get("/apis/example.com/v1/widgets"))
            .await,
    );
    assert_eq!(
        (c, m.as_str()),
        (404, "the server could not find the requested resource")
    );
    let (c, m) = code(
        client
            .request_text(get("/api/v1/namespaces/kube-system/pods/nope/log"))
            .await,
    );
    assert_eq!((c, m.as_str()), (404, "pods \"nope\" not found"));
    let (c, _) = code(
        client
            .request_text(get("/api/v1/pods?labelSelector=env+in+(a,b)"))
            .await,
    );
    assert_eq!(c, 400);
    let (c, m) = code(
        client
            .request_text(get("/apis/metrics.k8s.io/v1beta1/nodes"))
            .await,
    );
    assert_eq!((c, m.as_str()), (503, "service unavailable"));
    let patch =
        http::Request::patch("/apis/apps/v1/namespaces/kube-system/deployments/metrics-server")
            .header("content-type", "application/strategic-merge-patch+json")
            .body(b"{not json".to_vec())
            .expect("request");
    let (c, _) = code(client.request_text(patch).await);
    assert_eq!(c, 400);
    let patch =
        http::Request::patch("/apis/apps/v1/namespaces/kube-system/deployments/metrics-server")
            .header("content-type", "application/strategic-merge-patch+json")
            .body(br#"{"spec": {"selector": {"matchLabels": {"app": "other"}}}}"#.to_vec())
            .expect("request");
    let (c, m) = code(client.request_text(patch).await);
    assert_eq!(c, 422, "{m}");
    let (c, _) = code(
        client
            .request_text(get("/api/v1/namespaces/kube-system/pods?watch=true"))
            .await,
    );
    assert_eq!(c, 405);
    // The cluster still answers normally.
    let (snap, findings) = look(&demo).await;
    assert!(snap.failures.is_empty());
    assert!(ids(&findings).contains(&15));
}

#[tokio::test]
async fn kube_rs_restart_sends_a_merge_patch_that_rolls_out() {
    let demo = manual("x509");
    let api: Api<k8s_openapi::api::apps::v1::Deployment> =
        Api::namespaced(demo.connection.client.clone(), "kube-system");
    let restarted = api.restart("metrics-server").await.expect("restart");
    assert_eq!(restarted.metadata.generation, Some(2));
    advance(&demo, 1_000);
    let (snap, _) = look(&demo).await;
    assert_eq!(snap.replica_sets.len(), 2);
    assert_eq!(
        snap.pods.len(),
        2,
        "the broken old pod waits for the new one"
    );
    let d = snap.deployment.as_ref().expect("deployment");
    assert_eq!(rollout_status(d).phase, RolloutPhase::Progressing);
}

#[test]
fn connecting_needs_a_runtime_and_a_known_scenario() {
    assert!(matches!(connect("x509"), Err(DemoError::NoRuntime)));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let err = connect("x508").err().expect("unknown");
        let text = err.to_string();
        assert!(SCENARIOS.iter().all(|s| text.contains(s)), "{text}");
        let conn = connect("wrong-address").expect("known");
        assert_eq!(conn.info.context, "mstui-demo");
        assert_eq!(conn.info.server, "demo://wrong-address");
        assert_eq!(conn.namespace, None);
    });
    assert_eq!(super::scenarios().len(), SCENARIOS.len());
}

#[test]
fn the_clock_only_moves_when_told() {
    let start: Timestamp = "2026-11-10T10:35:00Z".parse().expect("valid");
    let clock = Clock::manual(start);
    clock.advance(SignedDuration::from_secs(2));
    assert_eq!(
        clock.now().duration_since(start),
        SignedDuration::from_secs(2)
    );
}
