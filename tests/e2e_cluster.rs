//! End-to-end against a real cluster on 127.0.0.1 (see tests/support): real etcd, kube-apiserver,
//! kube-controller-manager, kwok and the real metrics-server v0.8, built by tests/cluster/build.sh.
//!
//! One cluster per test; the tests of this binary are serialised by `support::serial()`.
//! If the binaries cannot be built or a cluster does not come up, the test FAILS (no skipping).
//! Run: `cargo test --test e2e_cluster -- --nocapture` (prints timings, kubectl output).

mod support;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use kube::Api;
use kube::api::ListParams;
use mstui::cluster::apply::{self, ApplyError};
use mstui::cluster::{Connection, snapshot};
use mstui::diagnose::{Finding, diagnose};
use mstui::fix::plan::{FixPlan, plan, plan_restart};
use mstui::rollout::{RolloutPhase, rollout_status};
use mstui::snapshot::Snapshot;
use mstui::vocab::FixId;
use mstui::vocab::{Action, Severity};
use std::path::Path;
use std::time::Duration;
use support::cluster::{
    MS_NAME, MS_NAMESPACE, NO_METRICS_TO_SERVE, NODES, apiservice_available, apiservice_condition,
    apiservice_reason, node_metrics_for_all,
};
use support::scenario::HELM_RELEASE;
use support::*;

const LONG: Duration = Duration::from_secs(150);
const POLL: Duration = Duration::from_millis(500);

fn ids(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{}:{}", f.id, f.severity.as_str()))
        .collect()
}

fn has(findings: &[Finding], id: u8) -> bool {
    findings.iter().any(|f| f.id.number() == id)
}

fn problems(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect()
}

async fn snap_and_diagnose(conn: &Connection) -> (Snapshot, Vec<Finding>) {
    let now = jiff::Timestamp::now();
    let snap = snapshot(conn, now).await;
    let findings = diagnose(&snap, now);
    (snap, findings)
}

fn args_of(d: &Deployment) -> Vec<String> {
    d.spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.containers.iter().find(|c| c.name == MS_NAME))
        .and_then(|c| c.args.clone())
        .unwrap_or_default()
}

/// `name phase ready[ deleting]` of each pod (for wait messages).
fn pod_states(pods: &[Pod]) -> String {
    pods.iter()
        .map(|p| {
            let st = p.status.as_ref();
            let ready = st
                .and_then(|s| s.conditions.as_ref())
                .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
                .map_or("?", |c| c.status.as_str());
            format!(
                "{} {} Ready={ready}{}",
                p.metadata.name.as_deref().unwrap_or("?"),
                st.and_then(|s| s.phase.as_deref()).unwrap_or("?"),
                if p.metadata.deletion_timestamp.is_some() {
                    " deleting"
                } else {
                    ""
                }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The metrics-server ReplicaSet with the highest Deployment revision.
async fn newest_rs(client: &kube::Client, ns: &str, selector: &str) -> Option<ReplicaSet> {
    let rs: Api<ReplicaSet> = Api::namespaced(client.clone(), ns);
    rs.list(&ListParams::default().labels(selector))
        .await
        .ok()?
        .items
        .into_iter()
        .max_by_key(|r| {
            r.metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("deployment.kubernetes.io/revision"))
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
        })
}

fn rv(d: &Deployment) -> String {
    d.metadata.resource_version.clone().unwrap_or_default()
}

/// Print what the built kubectl says for `top nodes` (recorded for the README/report).
async fn kubectl_top(c: &Cluster, label: &str) -> Ran {
    let top = c.kubectl(&["top", "nodes"]).await;
    eprintln!(
        "[e2e] kubectl top nodes ({label}): exit {:?}\n--- stdout ---\n{}--- stderr ---\n{}--------------",
        top.code, top.stdout, top.stderr
    );
    top
}

/// The check's JSON must list `id`; prints the IDs found.
fn assert_check_has(json: &serde_json::Value, id: &str) {
    let found = finding_ids(json);
    eprintln!("[e2e] check findings: {found:?}");
    assert!(
        found.iter().any(|(i, _)| i == id),
        "expected {id} in mstui check findings, got {found:?}\n{json:#}"
    );
}

/// Plan `fix` from a fresh snapshot, dry-run it (nothing stored), apply it, then rollout-restart,
/// and wait until the new pod runs the real metrics-server with the changed args.
/// All through the library code the TUI uses.
///
/// `heals`: the fix makes metrics-server pass `/readyz`, so the rollout completes and the old
/// pods go. Otherwise the new pod stays unready and, with `maxUnavailable: 0`, the rollout waits
/// with the old pod still there (as on a real cluster); then only the new pod's process is checked.
async fn fix_and_restart(
    c: &Cluster,
    conn: &Connection,
    fix: FixId,
    expect_arg: &str,
    heals: bool,
) -> Deployment {
    let client = &conn.client;
    // Plan against a settled Deployment: a status write by the deployment controller would also
    // move resourceVersion (a spurious 409, and a moving target for the dry-run check below).
    // Settled = the spec is observed and nothing wrote it for a second (a broken metrics-server
    // never becomes available, so "rollout complete" is not the test here).
    wait_for("deployment settled", LONG, POLL, || async {
        let get = || async {
            apply::get_deployment(client, c.ns(), MS_NAME)
                .await
                .map_err(|e| e.to_string())
        };
        let a = get().await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let b = get().await?;
        let observed = b.status.as_ref().and_then(|s| s.observed_generation);
        if rv(&a) == rv(&b) && observed >= b.metadata.generation {
            Ok(())
        } else {
            Err(rollout_status(&b).message)
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (snap, findings) = snap_and_diagnose(conn).await;
    assert!(
        snap.may(Action::PatchDeployment),
        "admin must be allowed to patch: {:?}",
        snap.permissions
    );
    let offered = findings.iter().any(|f| f.fixes.contains(&fix));
    assert!(
        offered,
        "no finding offers {fix:?}; findings: {:?}",
        ids(&findings)
    );
    let install = snap.install.as_ref().expect("install located");
    let before = snap.deployment.as_ref().expect("deployment in snapshot");
    let p: FixPlan = plan(fix, install, before).unwrap_or_else(|e| panic!("plan {fix:?}: {e}"));
    eprintln!(
        "[e2e] plan {fix:?}: {}\n  before {:?}\n  after  {:?}",
        p.sentence, p.before, p.after
    );
    assert!(
        p.after.iter().any(|a| a == expect_arg),
        "plan.after lacks {expect_arg}: {:?}",
        p.after
    );
    assert!(p.is_appliable(), "plan not appliable: {:?}", p.problems);

    // Server-side dry-run: the server answers with the would-be object and stores nothing.
    let dry = apply::send_fix(client, &p, true)
        .await
        .unwrap_or_else(|e| panic!("dry-run: {e}"));
    let stored = apply::stored_list(&p, &dry).expect("dry-run answer has the container");
    assert_eq!(stored, p.after, "dry-run answer differs from the plan");
    let now = apply::get_deployment(client, c.ns(), MS_NAME)
        .await
        .expect("get deployment");
    assert_eq!(
        rv(&now),
        p.resource_version,
        "dry-run changed the resourceVersion"
    );
    assert_eq!(args_of(&now), p.before, "dry-run changed the args");

    // Apply for real, then restart like the TUI does.
    let applied = apply::send_fix(client, &p, false)
        .await
        .unwrap_or_else(|e| panic!("apply: {e}"));
    assert_ne!(rv(&applied), p.resource_version);
    assert_eq!(args_of(&applied), p.after);
    let starts_before = c.supervisor().state().starts;
    let rs_api: Api<ReplicaSet> = Api::namespaced(client.clone(), c.ns());
    let rs_before: Vec<String> = rs_api
        .list(&ListParams::default())
        .await
        .expect("list rs")
        .items
        .iter()
        .filter_map(|r| r.metadata.name.clone())
        .collect();
    let restart = plan_restart(install, &applied, jiff::Timestamp::now());
    let restarted = apply::send_restart(client, &restart, false)
        .await
        .unwrap_or_else(|e| panic!("restart: {e}"));
    eprintln!(
        "[e2e] applied {fix:?} and restarted ({})",
        restart.restarted_at
    );

    // Rollout judged like `kubectl rollout status`; old pods gone (kwok deletes them).
    let (ns, selector) = (c.ns(), c.ms_selector());
    let what = if heals {
        "rollout complete, only new pods left"
    } else {
        "rollout waits for the new (unready) pod"
    };
    let (d, pod) = wait_for(what, LONG, POLL, || {
        let client = client.clone();
        let selector = selector.clone();
        async move {
            let d = apply::get_deployment(&client, ns, MS_NAME)
                .await
                .map_err(|e| e.to_string())?;
            let st = rollout_status(&d);
            let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
            let l = pods
                .list(&ListParams::default().labels(&selector))
                .await
                .map_err(|e| e.to_string())?;
            let state = || format!("{}; pods {}", st.message, pod_states(&l.items));
            if heals && (st.phase != RolloutPhase::Complete || l.items.len() != 1) {
                return Err(state());
            }
            if !heals && (st.updated < st.desired || st.phase == RolloutPhase::Complete) {
                return Err(state());
            }
            // The pod of the current template (its pod-template-hash is the newest RS's).
            let hash = newest_rs(&client, ns, &selector)
                .await
                .and_then(|r| r.metadata.labels?.get("pod-template-hash").cloned())
                .ok_or_else(state)?;
            let pod = l
                .items
                .iter()
                .find(|p| {
                    p.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get("pod-template-hash"))
                        == Some(&hash)
                })
                .cloned()
                .ok_or_else(state)?;
            Ok((d, pod))
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("[e2e] {}", rollout_status(&d).message);
    assert!(d.metadata.generation >= restarted.metadata.generation);
    let rs_after = rs_api
        .list(&ListParams::default())
        .await
        .expect("list rs")
        .items;
    let active: Vec<&ReplicaSet> = rs_after
        .iter()
        .filter(|r| r.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0) > 0)
        .collect();
    if heals {
        assert_eq!(active.len(), 1, "one active ReplicaSet");
    }
    let newest = newest_rs(client, ns, &selector).await.expect("newest RS");
    let newest_name = newest.metadata.name.clone().unwrap_or_default();
    assert!(
        !rs_before.contains(&newest_name),
        "a NEW ReplicaSet runs the pod ({newest_name}; before: {rs_before:?})"
    );

    // The real metrics-server restarted with the new flag for the new pod.
    let pod_name = pod.metadata.name.clone().unwrap_or_default();
    wait_for(
        "supervisor runs metrics-server for the new pod",
        LONG,
        POLL,
        || {
            let st = c.supervisor().state();
            let pod_name = pod_name.clone();
            async move {
                if st.pod.as_deref() == Some(pod_name.as_str())
                    && st.starts > starts_before
                    && st.args.iter().any(|a| a == expect_arg)
                {
                    Ok(())
                } else {
                    Err(format!("{st:?}"))
                }
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    d
}

/// The seed's quick fix, then the proof it worked: the endpoint turns ready and the APIService
/// Available, NodeMetrics for every node, `kubectl top nodes` answers, a clean library
/// diagnosis, and `mstui check` exiting 0.
async fn fix_x509_until_healthy(c: &Cluster, conn: &Connection) {
    fix_and_restart(
        c,
        conn,
        FixId::KubeletInsecureTls,
        "--kubelet-insecure-tls",
        true,
    )
    .await;
    wait_for("APIService Available=True (Passed)", LONG, POLL, || {
        apiservice_reason(conn.client.clone(), "True", "Passed")
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let st = c.supervisor().state();
    assert!(
        st.ready && st.endpoint_ready == Some(true),
        "the new pod passes /readyz and its endpoint is ready: {st:?}"
    );
    wait_for(
        "NodeMetrics for every node",
        LONG,
        Duration::from_secs(1),
        || node_metrics_for_all(conn.client.clone()),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (snap, findings) = wait_healthy(conn).await;
    eprintln!("[e2e] healthy after the fix; findings {:?}", ids(&findings));
    print_top(&snap);
    let top = kubectl_top(c, "after the fix").await;
    assert_eq!(top.code, Some(0), "kubectl top nodes after the fix");
    for n in NODES {
        assert!(top.stdout.contains(n), "kubectl top nodes lists {n}");
    }
    let (ran, json) = mstui_check(&c.admin_kubeconfig).await;
    assert_eq!(
        ran.code,
        Some(0),
        "check after the fix: {:?}\n{}",
        finding_ids(&json),
        ran.stderr
    );
}

/// What the seed document shows for a metrics-server that cannot scrape any kubelet, measured on
/// the real cluster: the pod Running but not Ready, `/readyz` failing with "no metrics to serve",
/// the APIService `Available=False (MissingEndpoints)`, the aggregator answering 503, and
/// `kubectl top nodes` failing. Returns the APIService condition line and kubectl's stderr.
async fn assert_seed_chain(c: &Cluster) -> (String, String) {
    let client = c.client.clone();
    let (status, reason, message) = apiservice_available(client.clone())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let condition = format!("Available={status} ({reason}): {message}");
    eprintln!("[e2e] seed chain: APIService {condition}");
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("False", "MissingEndpoints"),
        "{condition}"
    );
    let st = c.supervisor().state();
    eprintln!(
        "[e2e] seed chain: supervisor probes {} ready {} endpoint {:?}, last /readyz failure: {:?}",
        st.probes, st.ready, st.endpoint_ready, st.last_probe_failure
    );
    assert!(!st.ready && st.endpoint_ready == Some(false), "{st:?}");
    let pods: Api<Pod> = Api::namespaced(client.clone(), c.ns());
    let pod = pods
        .list(&ListParams::default().labels(&c.ms_selector()))
        .await
        .expect("pods")
        .items
        .into_iter()
        .find(|p| p.metadata.name == st.pod)
        .expect("the served pod");
    let status = pod.status.clone().unwrap_or_default();
    let ready = status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status.clone());
    eprintln!(
        "[e2e] seed chain: pod {:?} phase {:?} Ready={ready:?}",
        pod.metadata.name, status.phase
    );
    assert_eq!(status.phase.as_deref(), Some("Running"));
    assert_eq!(ready.as_deref(), Some("False"), "Running but not Ready");
    let log = c.current_ms_log();
    let probe_line = log
        .lines()
        .find(|l| l.contains(NO_METRICS_TO_SERVE))
        .unwrap_or_else(|| panic!("no '{NO_METRICS_TO_SERVE}' in the metrics-server log"));
    eprintln!("[e2e] seed chain: {probe_line}");
    // The aggregator's own answer (kube's 503 retry layer off).
    let kc = kube::config::Kubeconfig::read_from(&c.admin_kubeconfig).expect("kubeconfig");
    let mut cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .expect("config");
    cfg.default_retry = false;
    let no_retry = kube::Client::try_from(cfg).expect("client");
    match Api::<mstui::metrics::NodeMetrics>::all(no_retry)
        .list(&ListParams::default())
        .await
    {
        Err(kube::Error::Api(s)) => {
            eprintln!(
                "[e2e] seed chain: list nodes.metrics.k8s.io → {} {} {:?}",
                s.code, s.reason, s.message
            );
            assert_eq!(s.code, 503, "{s:?}");
        }
        other => panic!("expected a 503 from the aggregator, got {other:?}"),
    }
    // The raw Metrics API call, as pre-aggregated-discovery kubectl made it (the seed's line).
    let raw = c
        .kubectl(&["get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes"])
        .await;
    eprintln!(
        "[e2e] seed chain: kubectl get --raw /apis/metrics.k8s.io/v1beta1/nodes: exit {:?}: {}",
        raw.code,
        raw.stderr.trim()
    );
    assert_ne!(raw.code, Some(0));
    assert!(
        raw.stderr.contains("ServiceUnavailable"),
        "kubectl get --raw: {}",
        raw.stderr
    );
    // Current kubectl reads aggregated discovery, drops the unavailable group-version, and
    // stops before the call: "error: Metrics API not available".
    let top = kubectl_top(c, "seed chain").await;
    assert_ne!(top.code, Some(0), "kubectl top nodes must fail");
    assert!(
        top.stderr.contains("ServiceUnavailable")
            || top.stderr.contains("Metrics API not available"),
        "kubectl top nodes: {}",
        top.stderr
    );
    (condition, top.stderr.trim().to_string())
}

/// `check -o json` on the seed chain: `root` is the headline (the root cause, by mstui's own
/// ranking) and the Metrics API error the check met is the aggregator's 503.
fn assert_check_chain(json: &serde_json::Value, root: &str) {
    assert_check_has(json, root);
    let findings = json["findings"].as_array().expect("findings");
    let root_f = findings.iter().find(|f| f["id"] == root).expect("root");
    assert_eq!(root_f["severity"], "error", "{root_f}");
    let metrics_error = json["node_metrics"]["error"].as_str().unwrap_or_default();
    eprintln!("[e2e] check's Metrics API error: {metrics_error}");
    assert!(
        metrics_error.contains("503") || metrics_error.to_lowercase().contains("unavailable"),
        "expected the aggregator's 503 in node_metrics.error: {}",
        json["node_metrics"]
    );
}

/// The library's headline finding (what `check` prints first) must be `root`.
async fn assert_headline(conn: &Connection, root: u8) -> Vec<Finding> {
    let (_, findings) = snap_and_diagnose(conn).await;
    let head = mstui::diagnose::headline(&findings).map(|f| f.id.number());
    eprintln!(
        "[e2e] library findings {:?}; headline {head:?}",
        ids(&findings)
    );
    assert_eq!(head, Some(root), "{:?}", ids(&findings));
    findings
}

/// Poll the library snapshot + diagnose until no warning/error finding remains.
async fn wait_healthy(conn: &Connection) -> (Snapshot, Vec<Finding>) {
    wait_for(
        "library diagnose: healthy",
        LONG,
        Duration::from_secs(2),
        || async {
            let (snap, findings) = snap_and_diagnose(conn).await;
            if problems(&findings).is_empty() {
                Ok((snap, findings))
            } else {
                Err(format!("{:?}", ids(&findings)))
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
}

fn print_top(snap: &Snapshot) {
    let table = mstui::top::top_nodes(
        &snap.nodes,
        snap.node_metrics.as_deref().unwrap_or_default(),
    );
    for row in table.render() {
        eprintln!(
            "[e2e]   {:<8} {:>10} {:>5} {:>13} {:>7}",
            row[0], row[1], row[2], row[3], row[4]
        );
    }
    assert_eq!(
        table.coverage(),
        (NODES.len(), NODES.len()),
        "every node has metrics"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_cluster_checks_clean() {
    let _serial = serial();
    let _t = TestTimer::new("healthy_cluster_checks_clean");
    let c = Cluster::start(Scenario::Healthy).await;
    let (ran, json) = mstui_check(&c.admin_kubeconfig).await;
    eprintln!("[e2e] check findings: {:?}", finding_ids(&json));
    let bad: Vec<_> = finding_ids(&json)
        .into_iter()
        .filter(|(_, s)| s == "error" || s == "warning")
        .collect();
    assert!(
        bad.is_empty(),
        "healthy cluster has problems: {bad:?}\n{json:#}\nstderr: {}",
        ran.stderr
    );
    assert_eq!(ran.code, Some(0), "exit code; stderr: {}", ran.stderr);
    assert_eq!(json["healthy"], true);
    let top = kubectl_top(&c, "healthy").await;
    assert_eq!(top.code, Some(0));
    for n in NODES {
        assert!(top.stdout.contains(n), "kubectl top nodes lists {n}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x509_is_diagnosed_then_fixed_with_insecure_tls() {
    let _serial = serial();
    let _t = TestTimer::new("x509_is_diagnosed_then_fixed_with_insecure_tls");
    let c = Cluster::start(Scenario::X509).await;
    assert_seed_chain(&c).await;

    let (ran, json) = mstui_check(&c.admin_kubeconfig).await;
    assert_check_chain(&json, "F15");
    assert_eq!(ran.code, Some(1), "exit code; stderr: {}", ran.stderr);
    // kwok serves THIS pod's real metrics-server stderr through the apiserver.
    let logs = c
        .kubectl(&[
            "-n",
            MS_NAMESPACE,
            "logs",
            "deploy/metrics-server",
            "--tail=40",
        ])
        .await;
    let x509_lines: Vec<&str> = logs
        .stdout
        .lines()
        .filter(|l| l.contains("x509"))
        .take(2)
        .collect();
    eprintln!(
        "[e2e] kubectl logs deploy/metrics-server (x509 lines):\n{}",
        x509_lines.join("\n")
    );
    assert!(
        logs.stdout
            .contains("x509: certificate signed by unknown authority"),
        "kubectl logs: {}{}",
        logs.stdout,
        logs.stderr
    );

    let conn = conn(&c.admin_kubeconfig).await;
    assert_headline(&conn, 15).await;

    // Past the warm-up window (2 × resolution + 30 s after the container started) the unready
    // pod is F14, with the kubelet-style probe event and metrics-server's own probe line as
    // evidence, and the headline stays the root cause F15.
    let f14 = wait_for(
        "check -o json: F14 (not Ready) after the warm-up window",
        LONG,
        Duration::from_secs(5),
        || async {
            let (_, json) = mstui_check(&c.admin_kubeconfig).await;
            json["findings"]
                .as_array()
                .and_then(|fs| fs.iter().find(|f| f["id"] == "F14"))
                .cloned()
                .map(|f| (f, json.clone()))
                .ok_or_else(|| format!("{:?}", finding_ids(&json)))
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let (f14, json) = f14;
    eprintln!("[e2e] F14 evidence: {}", f14["evidence"]);
    assert_check_chain(&json, "F15");
    let evidence = f14["evidence"].to_string();
    assert!(
        evidence.contains("Readiness probe failed") && evidence.contains(NO_METRICS_TO_SERVE),
        "F14 quotes the failing readiness probe: {evidence}"
    );
    assert!(
        evidence.contains("Available=False (MissingEndpoints)"),
        "F14 names the APIService condition it causes: {evidence}"
    );
    assert_headline(&conn, 15).await;

    fix_x509_until_healthy(&c, &conn).await;
}

/// metrics-server installed the way the Helm chart does (namespace `monitoring`,
/// `app.kubernetes.io/*` labels, the chart's args and Service): mstui follows the APIService to
/// it, diagnoses the x509 chain there, and its fix works there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helm_chart_install_is_found_diagnosed_and_fixed() {
    let _serial = serial();
    let _t = TestTimer::new("helm_chart_install_is_found_diagnosed_and_fixed");
    let c = Cluster::start(Scenario::HelmChart).await;
    assert_eq!(c.ns(), "monitoring");
    assert_seed_chain(&c).await;

    let (ran, json) = mstui_check(&c.admin_kubeconfig).await;
    eprintln!("[e2e] check install: {}", json["install"]);
    assert_eq!(
        json["install"]["namespace"], "monitoring",
        "{}",
        json["install"]
    );
    assert_eq!(json["install"]["deployment"], MS_NAME);
    // Followed from the APIService through the Service selector, and recognised as a Helm release.
    assert_eq!(json["install"]["found_by"], "api-service");
    assert_eq!(
        json["install"]["kind"]["kind"], "helm",
        "{}",
        json["install"]
    );
    assert_eq!(json["install"]["kind"]["release"], HELM_RELEASE);
    assert_check_chain(&json, "F15");
    assert_eq!(ran.code, Some(1), "exit code; stderr: {}", ran.stderr);

    let conn = conn(&c.admin_kubeconfig).await;
    assert_headline(&conn, 15).await;
    fix_x509_until_healthy(&c, &conn).await;
    let d = apply::get_deployment(&conn.client, "monitoring", MS_NAME)
        .await
        .expect("get");
    let args = args_of(&d);
    eprintln!("[e2e] helm deployment args after the fix: {args:?}");
    assert!(args.iter().any(|a| a == "--kubelet-insecure-tls"));
}

/// The kubelet serving certificate is signed by the CA metrics-server trusts but names the
/// nodes by DNS only, while metrics-server dials the InternalIP: F16 (the certificate does not
/// cover the address), not F15 (untrusted issuer).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubelet_cert_without_ip_san_is_f16_not_f15() {
    let _serial = serial();
    let _t = TestTimer::new("kubelet_cert_without_ip_san_is_f16_not_f15");
    let c = Cluster::start(Scenario::NoIpSan).await;
    let line = c
        .current_ms_log()
        .lines()
        .find(|l| l.contains("doesn't contain any IP SANs"))
        .map(str::to_string)
        .expect("the IP SAN error in the log");
    eprintln!("[e2e] metrics-server: {line}");
    assert!(
        !c.current_ms_log().contains("signed by unknown authority"),
        "the issuer is trusted here"
    );
    assert_seed_chain(&c).await;

    let (ran, json) = mstui_check(&c.admin_kubeconfig).await;
    assert_check_chain(&json, "F16");
    let found = finding_ids(&json);
    assert!(
        !found.iter().any(|(i, _)| i == "F15"),
        "F15 must not be reported for a trusted certificate without the IP SAN: {found:?}"
    );
    let f16 = json["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == "F16"))
        .expect("F16");
    eprintln!("[e2e] F16 evidence: {}", f16["evidence"]);
    assert_eq!(ran.code, Some(1), "exit code; stderr: {}", ran.stderr);

    let conn = conn(&c.admin_kubeconfig).await;
    let findings = assert_headline(&conn, 16).await;
    assert!(!has(&findings, 15), "{:?}", ids(&findings));
    // The same conclusion from the certificate kwok presents at the address metrics-server
    // dials (issue 9, evidence beyond log text): signed by the cluster CA (so no F15 from the
    // cert either), SANs without the IP.
    let f16 = finding(&findings, 16);
    for n in NODES {
        let line = evidence_line(f16, &format!("kubelet cert of {n} (127.0.0.1:"));
        eprintln!("[e2e] F16 from the cert: {line}");
        assert!(
            line.ends_with(&format!(
                "SANs DNS:{}, DNS:{}; no IP SAN for 127.0.0.1",
                support::certs::KUBELET_DNS_SANS[0],
                support::certs::KUBELET_DNS_SANS[1]
            )),
            "{line}"
        );
    }
    fix_x509_until_healthy(&c, &conn).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_address_then_x509_then_healthy() {
    let _serial = serial();
    let _t = TestTimer::new("wrong_address_then_x509_then_healthy");
    let c = Cluster::start(Scenario::WrongAddress).await;

    let (ran, json) = mstui_check(&c.admin_kubeconfig).await;
    assert_check_has(&json, "F19");
    assert_eq!(ran.code, Some(1), "exit code; stderr: {}", ran.stderr);

    let conn = conn(&c.admin_kubeconfig).await;
    fix_and_restart(
        &c,
        &conn,
        FixId::PreferredAddressTypes,
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        false,
    )
    .await;
    // With the address fixed, the next layer shows: the kubelet cert is not trusted.
    wait_for("x509 in the new pod's log", LONG, POLL, || {
        let log = c.current_ms_log();
        async move {
            if log.contains("x509: certificate signed by unknown authority") {
                Ok(())
            } else {
                Err(tail(&log))
            }
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let findings = wait_for(
        "library diagnose: F15 without F19",
        LONG,
        Duration::from_secs(2),
        || async {
            let (_, f) = snap_and_diagnose(&conn).await;
            if has(&f, 15) && !has(&f, 19) {
                Ok(f)
            } else {
                Err(format!("{:?}", ids(&f)))
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("[e2e] after the address fix: {:?}", ids(&findings));

    fix_x509_until_healthy(&c, &conn).await;
}

fn tail(s: &str) -> String {
    s.lines().rev().take(3).collect::<Vec<_>>().join(" | ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_down_reports_the_apiservice() {
    let _serial = serial();
    let _t = TestTimer::new("backend_down_reports_the_apiservice");
    let c = Cluster::start(Scenario::BackendDown).await;
    let (ran, json) = mstui_check(&c.admin_kubeconfig).await;
    assert_check_has(&json, "F06");
    assert_eq!(ran.code, Some(1), "exit code; stderr: {}", ran.stderr);
    let f06 = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "F06")
        .unwrap();
    eprintln!("[e2e] F06 evidence: {}", f06["evidence"]);
    let metrics_error = json["node_metrics"]["error"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    eprintln!("[e2e] check's Metrics API error: {metrics_error}");
    assert!(
        !metrics_error.is_empty(),
        "the failed Metrics API call is recorded: {}",
        json["node_metrics"]
    );
    // kube's default retry of 503s is off in mstui's client, so the aggregator's answer is seen.
    assert!(
        metrics_error.contains("503") || metrics_error.to_lowercase().contains("unavailable"),
        "expected the aggregator's 503, got: {metrics_error}"
    );
    let top = kubectl_top(&c, "backend-down").await;
    assert_ne!(
        top.code,
        Some(0),
        "kubectl top nodes must fail while the backend is down"
    );
    assert!(
        apiservice_condition(c.client.clone(), "False")
            .await
            .is_ok()
    );
    // What the aggregator really answers: an immediate 503 (seen once kube's retry layer is off).
    let kc = kube::config::Kubeconfig::read_from(&c.admin_kubeconfig).expect("kubeconfig");
    let mut cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .expect("config");
    cfg.default_retry = false;
    let no_retry = kube::Client::try_from(cfg).expect("client");
    let started = std::time::Instant::now();
    let r = Api::<mstui::metrics::NodeMetrics>::all(no_retry)
        .list(&ListParams::default())
        .await;
    eprintln!(
        "[e2e] list nodes.metrics.k8s.io without retries: {:.2}s, {:?}",
        started.elapsed().as_secs_f64(),
        r.as_ref().map(|l| l.items.len())
    );
    match r {
        Err(kube::Error::Api(s)) => assert_eq!(s.code, 503, "{s:?}"),
        other => panic!("expected a 503 from the aggregator, got {other:?}"),
    }
}

/// The gate a fix must pass before any request: the snapshot's permission matrix.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_user_gets_diagnosis_but_no_fixes() {
    let _serial = serial();
    let _t = TestTimer::new("read_only_user_gets_diagnosis_but_no_fixes");
    let c = Cluster::start(Scenario::ReadOnlyUser).await;

    let (ran, json) = mstui_check(&c.viewer_kubeconfig).await;
    assert_check_has(&json, "F15");
    assert_eq!(ran.code, Some(1), "exit code; stderr: {}", ran.stderr);
    let patch_perm = json["permissions"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["action"] == "patch-deployment"))
        .unwrap_or_else(|| panic!("no patch-deployment permission in {}", json["permissions"]));
    assert_eq!(
        patch_perm["allowed"], false,
        "viewer must not be allowed to patch: {patch_perm}"
    );
    let f15 = json["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == "F15"))
        .expect("F15");
    assert_eq!(
        f15["fixes"][0]["disabled"], "missing permission: patch deployments.apps -n kube-system",
        "check -o json names why the fix is disabled: {f15}"
    );

    let admin = conn(&c.admin_kubeconfig).await;
    let before = apply::get_deployment(&admin.client, MS_NAMESPACE, MS_NAME)
        .await
        .expect("get");
    let viewer = conn(&c.viewer_kubeconfig).await;
    let (snap, findings) = snap_and_diagnose(&viewer).await;
    assert!(
        has(&findings, 15),
        "viewer still gets the diagnosis: {:?}",
        ids(&findings)
    );
    assert!(!snap.logs.is_empty(), "viewer can read the logs");
    // The viewer may not create SubjectAccessReviews: metrics-server's RBAC is not checked,
    // which is coverage, not a finding.
    assert!(snap.sa_access.is_none());
    let rbac = snap
        .not_checked
        .iter()
        .find(|n| n.what.contains("RBAC of ServiceAccount"))
        .unwrap_or_else(|| panic!("no coverage note: {:?}", snap.not_checked));
    eprintln!("[e2e] not checked as viewer: {} — {}", rbac.what, rbac.why);
    assert!(
        rbac.why.contains("create subjectaccessreviews"),
        "{}",
        rbac.why
    );
    assert!(
        !has(&findings, 24) && !has(&findings, 27),
        "{:?}",
        ids(&findings)
    );
    let refusal = snap
        .denied(Action::PatchDeployment)
        .expect("the permission matrix must refuse the fix");
    eprintln!("[e2e] read-only: {refusal}");
    assert!(
        refusal.contains("patch deployments.apps -n kube-system"),
        "{refusal}"
    );
    // (No request was sent.) The server agrees: even a dry-run patch is forbidden for this user.
    let p = plan(
        FixId::KubeletInsecureTls,
        snap.install.as_ref().unwrap(),
        snap.deployment.as_ref().unwrap(),
    )
    .expect("plan");
    match apply::send_fix(&viewer.client, &p, true).await {
        Err(ApplyError::Forbidden(m)) => eprintln!("[e2e] server-side dry-run as viewer: 403 {m}"),
        other => panic!("viewer dry-run should be forbidden, got {other:?}"),
    }
    let after = apply::get_deployment(&admin.client, MS_NAMESPACE, MS_NAME)
        .await
        .expect("get");
    assert_eq!(rv(&after), rv(&before), "the Deployment must be untouched");
}

// The concurrent-edit (conflict) scenarios live in tests/e2e_safety.rs.

/// A client for `kubeconfig` (kube-rs directly, not mstui's connect).
async fn kube_client(kubeconfig: &Path) -> kube::Client {
    let kc = kube::config::Kubeconfig::read_from(kubeconfig).expect("kubeconfig");
    let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .expect("config");
    kube::Client::try_from(cfg).expect("client")
}

/// The proper TLS fix on the real cluster (issue 12 §4): each kubelet (as its own
/// `system:node:<name>` identity) requests a `kubernetes.io/kubelet-serving` certificate for its
/// name and InternalIP (and node-2 also one for a foreign IP); mstui offers the approval with
/// F15, checks each request's names against its node (the foreign IP is refused with the
/// reason), approves the rest (dry-run first); kube-controller-manager's signer issues the certificates from the cluster
/// CA; the kubelet endpoint serves the issued certificate; and the unchanged metrics-server,
/// still verifying kubelets (no `--kubelet-insecure-tls`), scrapes, turns Ready and serves metrics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubelet_serving_csrs_approved_then_metrics_flow_without_insecure_tls() {
    use k8s_openapi::ByteString;
    use k8s_openapi::api::certificates::v1::{
        CertificateSigningRequest, CertificateSigningRequestSpec,
    };
    use kube::api::PostParams;
    use mstui::fix::plan::plan_approve_csrs_checked;
    let _serial = serial();
    let _t = TestTimer::new("kubelet_serving_csrs_approved_then_metrics_flow_without_insecure_tls");
    let mut c = Cluster::start(Scenario::X509).await;
    let mut keys = std::collections::BTreeMap::new();
    // node-2 also asks for an IP it does not have (what a stolen node credential might ask).
    let requests = [
        ("node-1", "csr-node-1", "127.0.0.1"),
        ("node-2", "csr-node-2", "127.0.0.1"),
        ("node-2", "csr-node-2-foreign-ip", "10.9.9.9"),
    ];
    for (n, name, ip) in requests {
        let (key, csr) = support::certs::kubelet_serving_request(n, &[n, ip]);
        keys.insert(name.to_string(), key);
        let node_client = kube_client(&c.node_kubeconfig(n)).await;
        let obj = CertificateSigningRequest {
            metadata: kube::api::ObjectMeta {
                name: Some(name.to_string()),
                ..Default::default()
            },
            spec: CertificateSigningRequestSpec {
                request: ByteString(csr.into_bytes()),
                signer_name: "kubernetes.io/kubelet-serving".into(),
                usages: Some(vec!["digital signature".into(), "server auth".into()]),
                ..Default::default()
            },
            status: None,
        };
        let created = Api::<CertificateSigningRequest>::all(node_client)
            .create(&PostParams::default(), &obj)
            .await
            .unwrap_or_else(|e| panic!("{n} requests its serving certificate: {e}"));
        assert_eq!(
            created.spec.username.as_deref(),
            Some(format!("system:node:{n}").as_str()),
            "requested by the node itself"
        );
    }

    let conn = conn(&c.admin_kubeconfig).await;
    let (snap, findings) = wait_for(
        "F15 offers approving the kubelet-serving CSRs",
        LONG,
        Duration::from_secs(1),
        || async {
            let (snap, f) = snap_and_diagnose(&conn).await;
            let offered = f
                .iter()
                .any(|x| x.id.number() == 15 && x.fixes.contains(&FixId::ApproveKubeletCsrs));
            if offered {
                Ok((snap, f))
            } else {
                Err(format!("{:?}", ids(&f)))
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let f15 = findings.iter().find(|f| f.id.number() == 15).expect("F15");
    eprintln!("[e2e] F15 evidence: {:?}", f15.evidence);
    let (_, json) = mstui_check(&c.admin_kubeconfig).await;
    let fixes = json["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == "F15"))
        .map(|f| f["fixes"].to_string())
        .unwrap_or_default();
    assert!(
        fixes.contains("approve-kubelet-csrs"),
        "check -o json: {fixes}"
    );

    // Approve after checking each request's names against its node: the foreign IP is refused.
    let (plan, refused) = plan_approve_csrs_checked(&snap.kubelet_csrs, &snap.nodes);
    let plan = plan.expect("approvable CSRs");
    for r in &refused {
        eprintln!("[e2e] CSR {} refused: {}", r.name, r.reasons.join("; "));
    }
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].name, "csr-node-2-foreign-ip");
    assert_eq!(
        refused[0].reasons,
        ["asks for IP 10.9.9.9, which is not an address of node node-2 (127.0.0.1)"]
    );
    for a in &plan.csrs {
        eprintln!(
            "[e2e] CSR {} node {:?} asks for {:?}; concerns {:?}",
            a.name, a.node, a.request, a.concerns
        );
        assert!(a.concerns.is_empty(), "{}: {:?}", a.name, a.concerns);
    }
    assert_eq!(plan.csrs.len(), NODES.len());
    let csrs: Api<CertificateSigningRequest> = Api::all(conn.client.clone());
    apply::send_csr_approvals(&conn.client, &plan, true)
        .await
        .unwrap_or_else(|e| panic!("dry-run approval: {e}"));
    let after_dry = csrs.get("csr-node-1").await.expect("csr");
    assert!(
        after_dry.status.and_then(|s| s.conditions).is_none(),
        "a dry-run approval stores nothing"
    );
    let approved = apply::send_csr_approvals(&conn.client, &plan, false)
        .await
        .unwrap_or_else(|e| panic!("approval: {e}"));
    eprintln!("[e2e] approved {approved:?}");

    // kube-controller-manager's signer issues the certificates.
    let issued = wait_for("certificates issued", LONG, POLL, || {
        let csrs = csrs.clone();
        async move {
            let mut out = Vec::new();
            for n in NODES {
                let c = csrs
                    .get(&format!("csr-{n}"))
                    .await
                    .map_err(|e| e.to_string())?;
                match c.status.and_then(|s| s.certificate) {
                    Some(cert) => out.push(String::from_utf8_lossy(&cert.0).into_owned()),
                    None => return Err(format!("csr-{n} not issued yet")),
                }
            }
            Ok(out)
        }
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // One kwok serves both nodes: it presents node-1's issued certificate (it covers 127.0.0.1,
    // the InternalIP metrics-server dials for either node).
    c.restart_kwok_with_serving_cert(&issued[0], &keys["csr-node-1"])
        .await;
    let foreign = csrs.get("csr-node-2-foreign-ip").await.expect("csr");
    assert!(
        foreign
            .status
            .as_ref()
            .and_then(|s| s.certificate.as_ref())
            .is_none()
            && foreign.status.and_then(|s| s.conditions).is_none(),
        "the refused CSR stays pending and unsigned"
    );
    let starts = c.supervisor().state().starts;

    wait_for("APIService Available=True (Passed)", LONG, POLL, || {
        apiservice_reason(conn.client.clone(), "True", "Passed")
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    wait_for(
        "NodeMetrics for every node",
        LONG,
        Duration::from_secs(1),
        || node_metrics_for_all(conn.client.clone()),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let st = c.supervisor().state();
    assert_eq!(st.starts, starts, "metrics-server was not restarted");
    assert!(
        !st.args.iter().any(|a| a == "--kubelet-insecure-tls"),
        "{:?}",
        st.args
    );
    let d = apply::get_deployment(&conn.client, c.ns(), MS_NAME)
        .await
        .expect("get");
    assert!(!args_of(&d).iter().any(|a| a == "--kubelet-insecure-tls"));
    let (snap, findings) = wait_healthy(&conn).await;
    eprintln!(
        "[e2e] healthy after approving; findings {:?}",
        ids(&findings)
    );
    print_top(&snap);
    let (ran, json) = mstui_check(&c.admin_kubeconfig).await;
    assert_eq!(
        ran.code,
        Some(0),
        "check after approving: {:?}",
        finding_ids(&json)
    );
}

/// The evidence line of `f` that starts with `prefix`, or a panic listing the evidence.
fn evidence_line<'f>(f: &'f Finding, prefix: &str) -> &'f str {
    f.evidence
        .iter()
        .find(|e| e.starts_with(prefix))
        .map(String::as_str)
        .unwrap_or_else(|| {
            panic!(
                "{} has no evidence starting {prefix:?}: {:#?}",
                f.id, f.evidence
            )
        })
}

fn finding(findings: &[Finding], id: u8) -> &Finding {
    findings
        .iter()
        .find(|f| f.id.number() == id)
        .unwrap_or_else(|| panic!("no F{id:02} among {:?}", ids(findings)))
}

/// Issue 9, evidence beyond log text, on the real cluster: the kubelet's serving certificate is
/// read off kwok's TLS port (the address and port metrics-server dials) and judged against the
/// cluster CA — F15 from the certificate itself; SubjectAccessReviews for metrics-server's
/// ServiceAccount turn into F24/F27/F39 once its bindings are deleted; an expired APIService
/// caBundle is F08; a node Lease renewed by a clock running ahead is F31.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_evidence_certs_rbac_ca_bundle_and_leases() {
    use k8s_openapi::ByteString;
    use k8s_openapi::api::coordination::v1::Lease;
    use k8s_openapi::api::rbac::v1::{ClusterRoleBinding, RoleBinding};
    use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
    use kube::api::{DeleteParams, Patch, PatchParams};

    let _serial = serial();
    let _t = TestTimer::new("api_evidence_certs_rbac_ca_bundle_and_leases");
    let mut c = Cluster::start(Scenario::X509).await;
    let conn = conn(&c.admin_kubeconfig).await;

    // 1. The kubelet certificate, read from the wire.
    let t = std::time::Instant::now();
    let (snap, findings) = snap_and_diagnose(&conn).await;
    eprintln!(
        "[e2e] snapshot with evidence in {:.2}s; kubelet chains: {:?}; CA from {:?}; configz: {:?}; not checked: {:?}",
        t.elapsed().as_secs_f64(),
        snap.kubelet_tls
            .iter()
            .map(|k| (k.node.as_str(), k.port, k.chain.as_ref().map(|c| c.len())))
            .collect::<Vec<_>>(),
        snap.cluster_ca.as_ref().map(|a| a.source.as_str()),
        snap.kubelet_configs,
        snap.not_checked
    );
    assert_eq!(snap.kubelet_tls.len(), NODES.len(), "every node dialled");
    assert!(
        snap.kubelet_tls.iter().all(|k| k.chain.is_ok()),
        "kwok answered TLS"
    );
    let f15 = finding(&findings, 15);
    for n in NODES {
        let line = evidence_line(f15, &format!("kubelet cert of {n} (127.0.0.1:"));
        eprintln!("[e2e] F15 from the cert: {line}");
        assert!(
            line.contains("issued by CN=kubelet-ca, not signed by the cluster CA CN=cluster-ca"),
            "{line}"
        );
    }
    assert!(
        !has(&findings, 16),
        "kwok's untrusted cert covers 127.0.0.1: {:?}",
        ids(&findings)
    );
    // The ServiceAccount has the manifest's RBAC: every review that v0.8 needs is allowed.
    let access = snap
        .sa_access
        .as_ref()
        .expect("SubjectAccessReviews were made");
    assert_eq!(access.service_account, format!("{MS_NAMESPACE}/{MS_NAME}"));
    let denied: Vec<String> = access
        .reviews
        .iter()
        .filter(|r| !r.allowed)
        .map(|r| r.describe())
        .collect();
    // The upstream v0.8 ClusterRole grants nodes/metrics, not the pre-0.6 nodes/stats.
    assert_eq!(denied, ["get nodes/stats"], "{access:#?}");
    for id in [7, 24, 27] {
        assert!(!has(&findings, id), "F{id:02}: {:?}", ids(&findings));
    }
    assert!(snap.apiserver_time.is_some(), "the Date header was read");
    // The API server does not proxy to a loopback node address, so kwok's /configz cannot be
    // read here: that is recorded as not checked, and no kubelet-config rule guesses.
    let configz = snap
        .not_checked
        .iter()
        .find(|n| n.what.contains("nodes/proxy/configz"))
        .unwrap_or_else(|| panic!("configz coverage: {:?}", snap.not_checked));
    assert!(
        configz.why.contains("get nodes/proxy node-1"),
        "{}",
        configz.why
    );
    assert!(snap.kubelet_configs.is_empty());
    assert!(!has(&findings, 23), "{:?}", ids(&findings));

    // 2. metrics-server's bindings deleted: the reviews deny, whatever the log says.
    let client = conn.client.clone();
    Api::<ClusterRoleBinding>::all(client.clone())
        .delete("system:metrics-server", &DeleteParams::default())
        .await
        .expect("delete the ClusterRoleBinding");
    Api::<RoleBinding>::namespaced(client.clone(), "kube-system")
        .delete("metrics-server-auth-reader", &DeleteParams::default())
        .await
        .expect("delete the auth-reader RoleBinding");

    // 3. The APIService verifies metrics-server against a CA that expired last year.
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "metrics-server-ca");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.not_before = rcgen::date_time_ymd(2023, 1, 1);
    params.not_after = rcgen::date_time_ymd(2024, 1, 1);
    let expired = params.self_signed(&key).expect("CA").pem();
    let patch = serde_json::json!({"spec": {"insecureSkipTLSVerify": false,
        "caBundle": ByteString(expired.into_bytes())}});
    Api::<APIService>::all(client.clone())
        .patch(
            support::cluster::APISERVICE,
            &PatchParams::default(),
            &Patch::Merge(&patch),
        )
        .await
        .expect("patch the APIService caBundle");

    // 3b. metrics-server serves a certificate from a Secret, issued by another CA for the
    // wrong name (the host process keeps its own: the supervisor passes only --kubelet-* flags).
    let other_key = rcgen::KeyPair::generate().expect("key");
    let mut other = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    other
        .distinguished_name
        .push(rcgen::DnType::CommonName, "cert-manager-ca");
    other.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let other = rcgen::Issuer::new(other, other_key);
    let serving_key = rcgen::KeyPair::generate().expect("key");
    let serving = rcgen::CertificateParams::new(vec!["metrics-server".to_string()])
        .expect("params")
        .signed_by(&serving_key, &other)
        .expect("serving cert");
    let secret = serde_json::json!({
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
        "metadata": {"name": "metrics-server-tls", "namespace": MS_NAMESPACE},
        "stringData": {"tls.crt": serving.pem(), "tls.key": serving_key.serialize_pem()}
    });
    Api::<k8s_openapi::api::core::v1::Secret>::namespaced(client.clone(), MS_NAMESPACE)
        .create(
            &kube::api::PostParams::default(),
            &serde_json::from_value(secret).expect("secret"),
        )
        .await
        .expect("create the serving Secret");
    let d = apply::get_deployment(&client, MS_NAMESPACE, MS_NAME)
        .await
        .expect("get");
    let mut args = args_of(&d);
    args.push("--tls-cert-file=/etc/tls/tls.crt".into());
    args.push("--tls-private-key-file=/etc/tls/tls.key".into());
    let patch = serde_json::json!({"spec": {"template": {"spec": {
        "volumes": [{"name": "tls", "secret": {"secretName": "metrics-server-tls"}}],
        "containers": [{"name": "metrics-server", "args": args,
                        "volumeMounts": [{"name": "tls", "mountPath": "/etc/tls", "readOnly": true}]}]
    }}}});
    Api::<Deployment>::namespaced(client.clone(), MS_NAMESPACE)
        .patch(MS_NAME, &PatchParams::default(), &Patch::Strategic(&patch))
        .await
        .expect("mount the serving Secret");

    // 4. node-2's kubelet renews its Lease with a clock ten minutes fast.
    let ahead = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(600);
    let lease = serde_json::json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": NODES[1], "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": NODES[1], "leaseDurationSeconds": 40,
                 "renewTime": ahead.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()}
    });
    Api::<Lease>::namespaced(client.clone(), "kube-node-lease")
        .patch(
            NODES[1],
            &PatchParams::apply("mstui-e2e-fast-clock").force(),
            &Patch::Apply(&lease),
        )
        .await
        .expect("apply the Lease");

    let (snap, findings) = snap_and_diagnose(&conn).await;
    eprintln!(
        "[e2e] after the RBAC, caBundle and Lease changes: {:?}",
        ids(&findings)
    );
    let user = format!("ServiceAccount {MS_NAMESPACE}/{MS_NAME}");
    let f24 = finding(&findings, 24);
    let line = evidence_line(f24, "SubjectAccessReview:");
    eprintln!("[e2e] F24: {line}");
    assert!(
        line.contains(&format!("{user} may not get nodes/metrics")),
        "{line}"
    );
    let f27 = finding(&findings, 27);
    for verb in ["list nodes", "watch nodes", "list pods", "watch pods"] {
        assert!(
            f27.evidence
                .iter()
                .any(|e| e.contains(&format!("may not {verb}"))),
            "F27 {verb}: {:#?}",
            f27.evidence
        );
    }
    let f39 = findings
        .iter()
        .find(|f| f.id.number() == 39 && f.title.en.contains("extension-apiserver-authentication"))
        .unwrap_or_else(|| panic!("no auth-reader F39 among {:?}", ids(&findings)));
    eprintln!("[e2e] F39: {}", f39.evidence[0]);
    assert!(
        f39.evidence[0]
            .contains("may not get configmaps/extension-apiserver-authentication -n kube-system")
    );
    // What binds the reader Role now: only the API server's bootstrap binding, not metrics-server.
    eprintln!("[e2e] F39 evidence: {:#?}", f39.evidence);
    assert!(
        !f39.evidence
            .iter()
            .any(|e| e.contains("metrics-server-auth-reader")),
        "the deleted binding is gone: {:#?}",
        f39.evidence
    );
    assert!(
        f39.evidence
            .iter()
            .any(|e| e.starts_with("RoleBinding kube-system/")
                && e.ends_with(&format!(", not ServiceAccount {MS_NAMESPACE}/{MS_NAME}"))
                || e == "no RoleBinding in kube-system refers to the \
                     extension-apiserver-authentication-reader Role"),
        "{:#?}",
        f39.evidence
    );
    // system:auth-delegator is still bound.
    assert!(
        !findings
            .iter()
            .any(|f| f.id.number() == 7 && f.title.en.contains("auth-delegator")),
        "{:?}",
        ids(&findings)
    );
    let f08 = finding(&findings, 8);
    let line = evidence_line(f08, "APIService caBundle:");
    eprintln!("[e2e] F08: {line}");
    assert_eq!(
        line,
        "APIService caBundle: CN=metrics-server-ca expired at 2024-01-01T00:00:00Z"
    );
    let prefix = format!(
        "serving cert of metrics-server (secret {MS_NAMESPACE}/metrics-server-tls key tls.crt): "
    );
    let issuer = format!(
        "{prefix}issued by CN=cert-manager-ca, not signed by the caBundle's CA CN=metrics-server-ca"
    );
    let sans =
        format!("{prefix}SANs DNS:metrics-server; no DNS SAN for {MS_NAME}.{MS_NAMESPACE}.svc");
    eprintln!("[e2e] F08 evidence: {:#?}", f08.evidence);
    for want in [issuer, sans] {
        assert!(f08.evidence.contains(&want), "{want}: {:#?}", f08.evidence);
    }
    let f31 = finding(&findings, 31);
    eprintln!("[e2e] F31: {:?}", f31.evidence);
    assert_eq!(f31.nodes, [NODES[1]]);
    let line = evidence_line(f31, &format!("Lease kube-node-lease/{}", NODES[1]));
    let secs: i64 = line
        .split(" s ahead")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no seconds ahead in {line}"));
    assert!(
        (590..=610).contains(&secs),
        "about ten minutes ahead: {line}"
    );
    assert!(!snap.node_leases.is_empty());

    // `check -o json` carries the coverage of these checks.
    let (_, json) = mstui_check(&c.admin_kubeconfig).await;
    let ev = &json["evidence"];
    eprintln!("[e2e] check evidence: {ev}");
    assert_eq!(
        ev["kubelet_certs"].as_array().map(Vec::len),
        Some(NODES.len())
    );
    assert_eq!(
        ev["service_account"]["service_account"],
        format!("{MS_NAMESPACE}/{MS_NAME}")
    );

    // 4b. The auth-delegator binding goes too: F07 from the reviews.
    Api::<ClusterRoleBinding>::all(client.clone())
        .delete(
            "metrics-server:system:auth-delegator",
            &DeleteParams::default(),
        )
        .await
        .expect("delete the auth-delegator ClusterRoleBinding");
    let (_, findings) = snap_and_diagnose(&conn).await;
    let f07 = findings
        .iter()
        .find(|f| f.id.number() == 7 && f.title.en.contains("auth-delegator"))
        .unwrap_or_else(|| panic!("no auth-delegator F07 among {:?}", ids(&findings)));
    eprintln!("[e2e] F07: {:#?}", f07.evidence);
    for res in [
        "tokenreviews.authentication.k8s.io",
        "subjectaccessreviews.authorization.k8s.io",
    ] {
        let want = format!("{user} may not create {res}");
        assert!(
            f07.evidence.iter().any(|e| e.contains(&want)),
            "{want}: {:#?}",
            f07.evidence
        );
    }

    // 5. kwok restarted with a serving certificate that expired last year: F17 from the cert.
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec![
        "127.0.0.1".to_string(),
        NODES[0].to_string(),
        NODES[1].to_string(),
    ])
    .expect("params");
    params.not_before = rcgen::date_time_ymd(2023, 1, 1);
    params.not_after = rcgen::date_time_ymd(2024, 1, 1);
    let expired = params.self_signed(&key).expect("cert");
    c.restart_kwok_with_serving_cert(&expired.pem(), &key.serialize_pem())
        .await;
    let (_, findings) = snap_and_diagnose(&conn).await;
    let f17 = finding(&findings, 17);
    eprintln!("[e2e] F17: {:#?}", f17.evidence);
    for n in NODES {
        let line = evidence_line(f17, &format!("kubelet cert of {n} (127.0.0.1:"));
        assert!(line.contains("expired at 2024-01-01T00:00:00Z"), "{line}");
    }
}
