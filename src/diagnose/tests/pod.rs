//! F10–F14 and F32: the metrics-server pod itself.

use super::*;

/// The x509 sample with other pods and events (and no log: the container never ran).
fn with_pod(pod: &str, events: &[&str]) -> Snapshot {
    let mut snap = sample::x509();
    set_pods(&mut snap, &[pod]);
    snap.events = sample::snapshot(events).events;
    snap.logs.clear();
    snap
}

const CRASH_LOG: &str = "Error: unknown flag: --logtostderr
Usage:
   [flags]

Metrics server flags:

      --kubeconfig string        The path to the kubeconfig used to connect to the Kubernetes API server and the Kubelets (defaults to in-cluster config)
      --metric-resolution duration   The resolution at which metrics-server will retain metrics, must set value at least 10s. (default 1m0s)

panic: unknown flag: --logtostderr

goroutine 1 [running]:
main.main()
	/go/src/sigs.k8s.io/metrics-server/cmd/metrics-server/metrics-server.go:37 +0xa5
";

#[test]
fn f10_unschedulable_pod() {
    let findings = run(&with_pod("pod-pending", &["events-failed-scheduling"]));
    let f = get(&findings, 10);
    assert_says(
        f,
        "pod metrics-server-7d9f5c8b6-x2vqp: Pending, 0/1 ready, 0 restarts",
    );
    assert_says(
        f,
        "PodScheduled=False: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector",
    );
    assert_says(f, "event FailedScheduling ×12");
    assert!(!has(&findings, 14));
}

#[test]
fn f10_replicaset_refused_by_quota() {
    let mut snap = with_pod("pod-pending", &["events-replicaset-failed-create"]);
    snap.pods.clear();
    let f = get(&run(&snap), 10).clone();
    assert_says(
        &f,
        "Deployment kube-system/metrics-server wants 1 replica but has no pods",
    );
    assert_says(&f, "insufficient quota to match these scopes");
}

#[test]
fn f10_not_for_a_scheduled_pod_pulling_its_image() {
    let findings = run(&with_pod("pod-image-pull-backoff", &[]));
    assert!(!has(&findings, 10));
    assert!(has(&findings, 11));
}

#[test]
fn f11_image_pull_backoff() {
    let f = get(&run(&with_pod("pod-image-pull-backoff", &[])), 11).clone();
    assert_says(
        &f,
        "image gcr.io/k8s-staging-metrics-server/metrics-server:master",
    );
    assert_says(&f, "ImagePullBackOff: Back-off pulling image");
}

#[test]
fn f11_not_for_a_crash_loop() {
    assert!(!has(&run(&with_pod("pod-crashloop-error", &[])), 11));
}

#[test]
fn f12_crash_loop_with_the_previous_log() {
    let mut snap = with_pod("pod-crashloop-error", &[]);
    snap.logs.push(sample::previous_log(POD, CRASH_LOG));
    let findings = run(&snap);
    let f = get(&findings, 12);
    assert_says(f, "metrics-server waiting: CrashLoopBackOff");
    assert_says(f, "last termination: Error (exit code 2)");
    assert_says(f, "unknown flag: --logtostderr");
    assert!(!has(&findings, 13) && !has(&findings, 14));
}

#[test]
fn f12_flags_that_fail_validation_offer_the_fix() {
    let mut snap = with_pod("pod-crashloop-error", &[]);
    add_flags(&mut snap, &["--metric-resolution=5s"]);
    let findings = run(&snap);
    let f = get(&findings, 12);
    assert_says(
        f,
        "metric-resolution should be a time duration at least 10s, but value 5s provided",
    );
    assert!(fixes(f).contains(&FixId::MetricResolution));
}

#[test]
fn f12_not_for_an_oom_kill_or_a_running_pod() {
    assert!(!has(&run(&with_pod("pod-crashloop-oom", &[])), 12));
    // Validation replayed on a pod that runs fine would be a false alarm.
    let mut snap = sample::healthy();
    add_flags(&mut snap, &["--kubelet-request-timeout=0s"]);
    assert!(!has(&run(&snap), 12));
}

#[test]
fn f13_oom_killed() {
    let findings = run(&with_pod("pod-crashloop-oom", &[]));
    let f = get(&findings, 13);
    assert_eq!(f.severity, Severity::Error);
    assert_says(
        f,
        "pod metrics-server-7d9f5c8b6-x2vqp: Running, 0/1 ready, 4 restarts, metrics-server waiting: CrashLoopBackOff",
    );
    assert_says(
        f,
        "last termination: OOMKilled (exit code 137) at 2025-11-10T10:29:47Z",
    );
    assert_says(f, "metrics-server memory: request 200Mi, limit none");
}

#[test]
fn f13_liveness_failures() {
    let f = get(
        &run(&with_pod(
            "pod-running-not-ready",
            &["events-liveness-failed"],
        )),
        13,
    )
    .clone();
    assert_says(
        &f,
        "event Unhealthy ×9 on pod metrics-server-7d9f5c8b6-x2vqp: Liveness probe failed",
    );
}

#[test]
fn f13_not_for_a_startup_error() {
    assert!(!has(&run(&with_pod("pod-crashloop-error", &[])), 13));
    assert!(!has(&run(&sample::healthy()), 13));
}

#[test]
fn f14_running_not_ready_with_readiness_500() {
    let f = get(&run(&sample::x509()), 14).clone();
    assert_says(
        &f,
        "event Unhealthy ×206 on pod metrics-server-7d9f5c8b6-x2vqp: Readiness probe failed: HTTP probe failed with statuscode: 500",
    );
    assert_says(
        &f,
        "\"Failed probe\" probe=\"metric-storage-ready\" err=\"no metrics to serve\"",
    );
    assert_says(&f, "scrape failures on 3 nodes of 3");
}

#[test]
fn f14_not_during_warm_up() {
    let snap = sample::x509();
    // 40 s after the container started: inside 2 × 15 s + 30 s.
    let findings = diagnose(&snap, "2025-11-10T10:00:45Z".parse().unwrap());
    assert!(!has(&findings, 14), "{:?}", ids(&findings));
    let f = get(&findings, 32);
    assert_eq!(f.severity, Severity::Info);
}

#[test]
fn f32_warm_up_is_info_only() {
    let mut snap = sample::x509();
    snap.logs.clear();
    let findings = diagnose(&snap, "2025-11-10T10:00:30Z".parse().unwrap());
    let f = get(&findings, 32);
    assert_says(
        f,
        "with --metric-resolution=15s the first metrics need two scrapes (30s)",
    );
    // Only the HPA symptom remains a problem: nothing else is alarming yet.
    let alarming: Vec<_> = problems(&findings).iter().map(|f| f.id.number()).collect();
    assert_eq!(alarming, [33]);
}

#[test]
fn f32_not_for_a_young_pod_that_already_serves() {
    let findings = diagnose(&sample::healthy(), "2025-11-10T10:00:50Z".parse().unwrap());
    assert!(findings.is_empty(), "{:?}", ids(&findings));
    assert!(!has(&run(&sample::x509()), 32));
}

#[test]
fn an_old_oom_kill_on_a_ready_pod_is_info() {
    let mut snap = sample::healthy();
    let mut pod = sample::snapshot(&["pod-crashloop-oom"]).pods.remove(0);
    let ready = &sample::healthy().pods[0];
    pod.status.as_mut().unwrap().conditions = ready.status.as_ref().unwrap().conditions.clone();
    let status = &mut pod
        .status
        .as_mut()
        .unwrap()
        .container_statuses
        .as_mut()
        .unwrap()[0];
    status.ready = true;
    status.state = ready
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0]
        .state
        .clone();
    snap.pods = vec![pod];
    let f = get(&run(&snap), 13).clone();
    // Killed at 10:29:47, now 10:35: still recent.
    assert_eq!(f.severity, Severity::Warning);
    let later = diagnose(&snap, "2025-11-10T12:00:00Z".parse().unwrap());
    assert_eq!(get(&later, 13).severity, Severity::Info);
}
