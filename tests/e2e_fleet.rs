//! The fleet check and the incident bundle against real clusters on 127.0.0.1 (tests/support):
//! three clusters at once (healthy, x509, one whose kube-apiserver was stopped), and a bundle
//! taken with inline kubeconfig credentials and a bearer token, grepped for every secret.
//!
//! Run: `cargo test --test e2e_fleet -- --nocapture` (prints the tables and timings).
//! The 50-context timing is `scripts/bench-fleet.sh` (an `#[ignore]` test here), never an
//! assertion on time.

mod support;

use base64::Engine as _;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::authentication::v1::TokenRequest;
use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::rbac::v1::ClusterRoleBinding;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::cluster::{APISERVICE, MS_NAME, MS_NAMESPACE};
use support::*;

const MSTUI: &str = env!("CARGO_BIN_EXE_mstui");

/// One kubeconfig entry: a context name, its server, CA file and user stanza (YAML, indented).
struct Entry {
    context: String,
    server: String,
    ca: PathBuf,
    user: String,
}

/// A kubeconfig with several contexts, each with its own cluster and user.
fn kubeconfig(entries: &[Entry], current: &str) -> String {
    let mut clusters = String::new();
    let mut users = String::new();
    let mut contexts = String::new();
    for e in entries {
        let n = &e.context;
        clusters.push_str(&format!(
            "- name: {n}\n  cluster:\n    server: {}\n    certificate-authority: {}\n",
            e.server,
            e.ca.display()
        ));
        users.push_str(&format!("- name: {n}\n  user:\n{}", e.user));
        contexts.push_str(&format!(
            "- name: {n}\n  context:\n    cluster: {n}\n    user: {n}\n"
        ));
    }
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{clusters}users:\n{users}contexts:\n{contexts}current-context: {current}\n"
    )
}

/// The admin user of `c` by file paths, like the harness's own kubeconfig.
fn admin_user(c: &Cluster) -> String {
    format!(
        "    client-certificate: {}\n    client-key: {}\n",
        c.pki.admin.cert.display(),
        c.pki.admin.key.display()
    )
}

fn entry(c: &Cluster, context: &str, user: String) -> Entry {
    Entry {
        context: context.into(),
        server: format!("https://127.0.0.1:{}", c.ports.apiserver),
        ca: c.pki.ca.clone(),
        user,
    }
}

async fn mstui(args: &[&str]) -> Ran {
    let ran = run(Path::new(MSTUI), args, Duration::from_secs(120)).await;
    eprintln!(
        "[e2e] $ mstui {}\n  exit {:?} in {:.1}s\n--- stdout ---\n{}--- stderr ---\n{}",
        args.join(" "),
        ran.code,
        ran.took.as_secs_f64(),
        ran.stdout,
        ran.stderr
    );
    ran
}

fn row<'a>(rows: &'a serde_json::Value, context: &str) -> &'a serde_json::Value {
    rows.as_array()
        .and_then(|a| a.iter().find(|r| r["context"] == context))
        .unwrap_or_else(|| panic!("no row for {context}: {rows:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_of_three_real_clusters_healthy_x509_stopped() {
    let _serial = serial();
    let _t = TestTimer::new("fleet_of_three_real_clusters_healthy_x509_stopped");
    let healthy = Cluster::start(Scenario::Healthy).await;
    let x509 = Cluster::start(Scenario::X509).await;
    let mut stopped = Cluster::start(Scenario::BackendDown).await;
    stopped.stop_apiserver();

    let dir = tempfile::tempdir().expect("tempdir");
    let kc = dir.path().join("fleet.kubeconfig");
    let entries = [
        entry(&healthy, "fleet-healthy", admin_user(&healthy)),
        entry(&x509, "fleet-x509", admin_user(&x509)),
        entry(&stopped, "fleet-stopped", admin_user(&stopped)),
    ];
    std::fs::write(&kc, kubeconfig(&entries, "fleet-healthy")).expect("write kubeconfig");
    let kc = kc.to_string_lossy().to_string();

    // Every context, JSON: one element a cluster, in kubeconfig order.
    let ran = mstui(&[
        "check",
        "--all-contexts",
        "-o",
        "json",
        "--kubeconfig",
        &kc,
        "--timeout",
        "30s",
    ])
    .await;
    let rows: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON array");
    let order: Vec<&str> = rows
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["context"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(order, ["fleet-healthy", "fleet-x509", "fleet-stopped"]);
    assert_eq!(ran.code, Some(1), "a mix of reachable and unreachable is 1");
    let h = row(&rows, "fleet-healthy");
    assert_eq!(h["verdict"], "healthy", "{h:#}");
    assert_eq!(h["exit_code"], 0);
    assert_eq!(h["node_metrics"]["with_metrics"], 2, "{h:#}");
    assert_eq!(h["node_metrics"]["nodes"], 2, "{h:#}");
    assert_eq!(h["metrics_server"]["version"], "v0.8.0", "{h:#}");
    assert_eq!(h["metrics_server"]["kind"], "manifest", "{h:#}");
    assert!(h["root_cause"].is_null(), "{h:#}");
    let x = row(&rows, "fleet-x509");
    assert_eq!(x["verdict"], "problems", "{x:#}");
    assert_eq!(x["root_cause"]["id"], "F15", "{x:#}");
    // The seed chain: metrics-server never gets Ready, its endpoint is not ready, the APIService
    // is MissingEndpoints and the Metrics API answers 503, so node metrics are unknown (null),
    // not "0 of 2".
    assert!(x["node_metrics"].is_null(), "{x:#}");
    let s = row(&rows, "fleet-stopped");
    assert_eq!(s["verdict"], "unreachable", "{s:#}");
    assert_eq!(s["exit_code"], 3);
    assert_eq!(
        s["server"],
        format!("https://127.0.0.1:{}", stopped.ports.apiserver)
    );
    assert!(
        ran.stderr.contains("unreachable: fleet-stopped ("),
        "names the unreachable one: {}",
        ran.stderr
    );

    // Text, picked by a pattern and a name: the table, one line a cluster.
    let ran = mstui(&[
        "check",
        "--kubeconfig",
        &kc,
        "--context",
        "fleet-h*",
        "--context",
        "fleet-x509",
        "--concurrency",
        "2",
    ])
    .await;
    assert_eq!(ran.code, Some(1), "worst of healthy and problems");
    let lines: Vec<&str> = ran.stdout.lines().collect();
    assert!(lines[0].starts_with("CONTEXT") && lines[0].contains("ROOT CAUSE"));
    assert!(
        lines[1].starts_with("fleet-healthy") && lines[1].contains("healthy"),
        "{}",
        ran.stdout
    );
    assert!(
        lines[2].starts_with("fleet-x509") && lines[2].contains("F15"),
        "{}",
        ran.stdout
    );
    assert!(
        ran.stdout
            .contains("2 cluster(s): 1 healthy, 1 with problems, 0 unreachable")
    );

    // The README's example: every cluster by a pattern, as text.
    let ran = mstui(&["check", "--kubeconfig", &kc, "--context", "fleet-*"]).await;
    assert_eq!(ran.code, Some(1));
    assert_eq!(
        ran.stdout
            .lines()
            .filter(|l| l.starts_with("fleet-"))
            .count(),
        3
    );

    // Only the stopped one: 3.
    let ran = mstui(&["check", "--kubeconfig", &kc, "--context", "*-stopped"]).await;
    assert_eq!(ran.code, Some(3), "every cluster unreachable");
    // A pattern that matches nothing is a usage error that lists the contexts.
    let ran = mstui(&["check", "--kubeconfig", &kc, "--context", "prod-*"]).await;
    assert_eq!(ran.code, Some(2));
    assert!(
        ran.stderr.contains("no context matches \"prod-*\"")
            && ran.stderr.contains("fleet-healthy"),
        "{}",
        ran.stderr
    );

    // Without the fleet flags, `check` is today's single-cluster report, unchanged.
    let ran = mstui(&[
        "check",
        "-o",
        "json",
        "--kubeconfig",
        &kc,
        "--context",
        "fleet-x509",
    ])
    .await;
    assert_eq!(ran.code, Some(1));
    let single: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON object");
    assert_eq!(single["healthy"], false);
    assert!(single["findings"].is_array() && single["cluster"]["context"] == "fleet-x509");
}

/// A token for a new ServiceAccount bound to cluster-admin: a real bearer credential.
async fn bearer_token(c: &Cluster) -> String {
    let sas: Api<ServiceAccount> = Api::namespaced(c.client.clone(), "default");
    let sa: ServiceAccount =
        serde_json::from_value(serde_json::json!({"metadata": {"name": "bundle-reader"}}))
            .expect("sa");
    sas.create(&PostParams::default(), &sa)
        .await
        .expect("create sa");
    let crbs: Api<ClusterRoleBinding> = Api::all(c.client.clone());
    let crb: ClusterRoleBinding = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "bundle-reader"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
        "subjects": [{"kind": "ServiceAccount", "name": "bundle-reader", "namespace": "default"}],
    }))
    .expect("crb");
    crbs.create(&PostParams::default(), &crb)
        .await
        .expect("create crb");
    let req: TokenRequest = serde_json::from_value(
        serde_json::json!({"spec": {"audiences": [], "expirationSeconds": 3600}}),
    )
    .expect("token request");
    let tr = sas
        .create_token_request("bundle-reader", &PostParams::default(), &req)
        .await
        .expect("token request");
    tr.status.expect("token status").token
}

/// Every file under `dir` (relative path, contents).
fn files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read bundle dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("under dir")
                    .display()
                    .to_string();
                out.push((rel, std::fs::read_to_string(&p).expect("utf-8 file")));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bundle_of_a_real_x509_cluster_holds_no_secret() {
    let _serial = serial();
    let _t = TestTimer::new("bundle_of_a_real_x509_cluster_holds_no_secret");
    let c = Cluster::start(Scenario::X509).await;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let cert_pem = std::fs::read(&c.pki.admin.cert).expect("admin cert");
    let key_pem = std::fs::read_to_string(&c.pki.admin.key).expect("admin key");
    let ca_pem = std::fs::read(&c.pki.ca).expect("ca");
    let token = bearer_token(&c).await;
    // The key's body lines: none of them may appear anywhere.
    let key_lines: Vec<&str> = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----") && l.len() > 20)
        .collect();
    assert!(!key_lines.is_empty());

    // Secrets planted where a careless bundle would copy them: Deployment annotations, the
    // APIService caBundle (with a private key pasted in by mistake), the pod's log.
    let deploys: Api<Deployment> = Api::namespaced(c.client.clone(), MS_NAMESPACE);
    deploys
        .patch(
            MS_NAME,
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"metadata": {"annotations": {
                "example.com/deploy-token": token,
                "example.com/notes": format!("curl -H 'Authorization: Bearer {token}'"),
            }}})),
        )
        .await
        .expect("annotate deployment");
    let mut bundle_pem = ca_pem.clone();
    bundle_pem.extend_from_slice(key_pem.as_bytes());
    let apis: Api<APIService> = Api::all(c.client.clone());
    apis.patch(
        APISERVICE,
        &PatchParams::default(),
        &Patch::Merge(serde_json::json!({"spec": {
            "insecureSkipTLSVerify": false, "caBundle": b64(&bundle_pem)}})),
    )
    .await
    .expect("set caBundle");
    let pod = c.supervisor().state().pod.expect("metrics-server pod");
    let mut planted = vec![format!("debug: sending Authorization: Bearer {token}")];
    planted.extend(key_pem.lines().map(|l| format!("dump: {l}")));
    let planted: Vec<&str> = planted.iter().map(String::as_str).collect();
    c.append_pod_log(&pod, &planted);

    // Two users: inline client certificate and key data, and the bearer token.
    let dir = tempfile::tempdir().expect("tempdir");
    let entries = [
        entry(
            &c,
            "inline-cert",
            format!(
                "    client-certificate-data: {}\n    client-key-data: {}\n",
                b64(&cert_pem),
                b64(key_pem.as_bytes())
            ),
        ),
        entry(&c, "token", format!("    token: {token}\n")),
    ];
    let kc = dir.path().join("bundle.kubeconfig");
    let kc_text = kubeconfig(&entries, "inline-cert");
    std::fs::write(&kc, &kc_text).expect("kubeconfig");
    let kc = kc.to_string_lossy().to_string();
    let mut secrets: Vec<String> = vec![
        token.clone(),
        b64(&cert_pem),
        b64(key_pem.as_bytes()),
        b64(&bundle_pem),
        "PRIVATE KEY".into(),
    ];
    secrets.extend(key_lines.iter().map(|l| l.to_string()));
    // The token's signature part alone must not leak either.
    secrets.push(token.rsplit('.').next().expect("jwt").to_string());

    for context in ["inline-cert", "token"] {
        let out = dir.path().join(format!("bundle-{context}"));
        let out_s = out.to_string_lossy().to_string();
        let start = Instant::now();
        let ran = mstui(&[
            "check",
            "--kubeconfig",
            &kc,
            "--context",
            context,
            "--bundle",
            &out_s,
            "--bundle-log-lines",
            "100",
        ])
        .await;
        eprintln!(
            "[e2e] bundle via {context} in {:.1}s",
            start.elapsed().as_secs_f64()
        );
        assert_eq!(ran.code, Some(1), "x509 is a problem: {}", ran.stderr);
        let files = files(&out);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        eprintln!("[e2e] bundle files: {names:?}");
        for want in [
            "SUMMARY.md",
            "findings.txt",
            "findings.json",
            "objects/apiservice.yaml",
            "objects/service.yaml",
            "objects/endpointslices.yaml",
            "objects/deployment.yaml",
            "objects/pods.yaml",
            "events.txt",
            "events.yaml",
            "top-nodes-before.txt",
            "changes.json",
        ] {
            assert!(names.contains(&want), "{want} missing: {names:?}");
        }
        let get = |n: &str| {
            files
                .iter()
                .find(|(f, _)| f == n)
                .map(|(_, t)| t.as_str())
                .unwrap_or_default()
        };
        let log = files
            .iter()
            .find(|(n, _)| n.starts_with("logs/") && n.contains(&pod))
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("a log file for {pod}: {names:?}"));
        assert!(
            log.contains("x509: certificate signed by unknown authority"),
            "the evidence stays"
        );
        assert!(log.contains("Authorization: Bearer <redacted"), "{log}");
        assert!(log.contains("dump: <redacted key material>"), "{log}");
        assert!(log.lines().count() <= 100);
        let apisvc = get("objects/apiservice.yaml");
        assert!(
            apisvc.contains("1 certificate(s)") && apisvc.contains("private key block(s) removed"),
            "{apisvc}"
        );
        assert!(get("objects/deployment.yaml").contains("--kubelet-preferred-address-types"));
        assert!(get("findings.json").contains("\"F15\""));
        let summary = get("SUMMARY.md");
        // The root cause may be the APIService now (its caBundle no longer verifies), but the
        // kubelet x509 finding is there either way.
        assert!(
            summary.contains("## Root cause") && summary.contains("| F15 |"),
            "{summary}"
        );
        assert!(summary.contains("## Changes applied in this session\n\nNone."));
        assert!(get("top-nodes-before.txt").contains("NAME"));
        for (name, text) in &files {
            for s in &secrets {
                assert!(
                    !text.contains(s.as_str()),
                    "{name} of the {context} bundle leaks {}…",
                    &s[..s.len().min(24)]
                );
            }
            assert!(!text.contains("-----BEGIN"), "{name} has a PEM block");
        }
        eprintln!("[e2e] SUMMARY.md ({context}):\n{summary}");
    }
}

/// The 50-context figure for the README and the issue: `scripts/bench-fleet.sh` runs this.
/// 50 contexts on 127.0.0.1: most refuse the connection at once, `MSTUI_BENCH_BLACKHOLES`
/// (default 5) accept and never answer (so each takes the whole `--timeout`). Prints the wall
/// time; asserts only what does not depend on the machine's speed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: scripts/bench-fleet.sh"]
async fn bench_fleet_50_contexts() {
    let total: usize = env_or("MSTUI_BENCH_CONTEXTS", 50);
    let holes: usize = env_or("MSTUI_BENCH_BLACKHOLES", 5);
    let timeout = std::env::var("MSTUI_BENCH_TIMEOUT").unwrap_or_else(|_| "3s".into());
    let concurrency = std::env::var("MSTUI_BENCH_CONCURRENCY").unwrap_or_else(|_| "8".into());
    // Blackholes: a listener that accepts (the kernel completes the handshake from the backlog)
    // and never reads or answers. Held open for the whole run.
    let mut listeners = Vec::new();
    let mut entries = Vec::new();
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = dir.path().join("ca.crt");
    std::fs::write(&ca, "").expect("ca file");
    for i in 0..total {
        let port = if i % (total / holes.max(1)).max(1) == 0 && listeners.len() < holes {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            let p = l.local_addr().expect("addr").port();
            listeners.push(l);
            p
        } else {
            // Bound then dropped: nothing listens there (connection refused).
            support::proc::free_port()
        };
        entries.push(Entry {
            context: format!("bench-{i:02}"),
            server: format!("https://127.0.0.1:{port}"),
            ca: ca.clone(),
            user: "    token: bench-not-a-secret\n".into(),
        });
    }
    // An empty CA file is not a valid CA: use insecure instead so the TLS client builds.
    let kc_text = kubeconfig(&entries, "bench-00").replace(
        &format!("    certificate-authority: {}\n", ca.display()),
        "    insecure-skip-tls-verify: true\n",
    );
    let kc = dir.path().join("bench.kubeconfig");
    std::fs::write(&kc, kc_text).expect("kubeconfig");
    let kc = kc.to_string_lossy().to_string();
    let ran = mstui(&[
        "check",
        "--all-contexts",
        "-o",
        "json",
        "--kubeconfig",
        &kc,
        "--timeout",
        &timeout,
        "--concurrency",
        &concurrency,
    ])
    .await;
    let rows: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON");
    let rows = rows.as_array().expect("array");
    assert_eq!(rows.len(), total);
    assert_eq!(ran.code, Some(3), "all unreachable");
    let slow: Vec<u64> = rows
        .iter()
        .map(|r| r["took_ms"].as_u64().unwrap_or(0))
        .filter(|ms| *ms >= 1000)
        .collect();
    let fast_max = rows
        .iter()
        .map(|r| r["took_ms"].as_u64().unwrap_or(0))
        .filter(|ms| *ms < 1000)
        .max()
        .unwrap_or(0);
    println!(
        "BENCH fleet: {total} contexts ({holes} blackholed, {} refused), --timeout {timeout}, --concurrency {concurrency}: wall {:.2}s; blackholed rows took {:?} ms; slowest refused row {fast_max} ms",
        total - listeners.len(),
        ran.took.as_secs_f64(),
        slow
    );
    drop(listeners);
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The HPA blast radius on a real cluster: kube-controller-manager's HPA controller (enabled in
/// the harness) marks a real HPA blind while metrics-server cannot scrape (x509), `mstui check`
/// names it and its namespace, and after the quick fix and a restart — applied through the same
/// library calls the TUI makes — its `ScalingActive` turns True and it counts as recovered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hpa_blast_radius_blind_then_recovered() {
    use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
    use k8s_openapi::api::core::v1::Namespace;
    use mstui::cluster::{Target, apply, connect, snapshot};
    use mstui::diagnose::blast::recovered;
    use mstui::diagnose::blast_radius;
    use mstui::fix::plan::{plan, plan_restart};
    use mstui::vocab::FixId;

    let _serial = serial();
    let _t = TestTimer::new("hpa_blast_radius_blind_then_recovered");
    let c = Cluster::start(Scenario::X509).await;
    let client = c.client.clone();
    let pp = PostParams::default();
    let ns: Namespace =
        serde_json::from_value(serde_json::json!({"metadata": {"name": "shop"}})).expect("ns");
    Api::<Namespace>::all(client.clone())
        .create(&pp, &ns)
        .await
        .expect("namespace");
    // No scheduler in the harness: the pod template is pinned to a kwok node.
    let web: Deployment = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {
                "nodeName": "node-1",
                "containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10",
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}}}
    }))
    .expect("deployment");
    Api::<Deployment>::namespaced(client.clone(), "shop")
        .create(&pp, &web)
        .await
        .expect("create web");
    let hpa: HorizontalPodAutoscaler = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 1, "maxReplicas": 3,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 50}}}]}
    }))
    .expect("hpa");
    let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(client.clone(), "shop");
    hpas.create(&pp, &hpa).await.expect("create hpa");

    let conn = connect(&Target {
        kubeconfig: Some(c.admin_kubeconfig.clone()),
        ..Target::default()
    })
    .await
    .expect("connect");
    let long = Duration::from_secs(150);
    let every = Duration::from_secs(1);
    let before = wait_for(
        "the HPA controller marks shop/web blind",
        long,
        every,
        || {
            let conn = conn.clone();
            async move {
                let snap = snapshot(&conn, jiff::Timestamp::now()).await;
                let b = blast_radius(&snap);
                if b.blind.iter().any(|h| h.key() == "shop/web") {
                    Ok(b)
                } else {
                    Err(format!(
                        "{:?}",
                        snap.hpas.first().and_then(|h| h.status.clone())
                    ))
                }
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("[e2e] blind before the fix: {:#?}", before.blind);
    assert_eq!(before.namespaces, ["shop"]);
    assert_eq!(before.blind[0].reason, "FailedGetResourceMetric");

    let kc = c.admin_kubeconfig.to_string_lossy().to_string();
    let ran = mstui(&["check", "--kubeconfig", &kc]).await;
    let verdict = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("Verdict:"))
        .unwrap_or_default()
        .to_string();
    assert!(
        verdict.contains("HPAs blind: 1/1 (namespaces: shop)"),
        "{verdict}"
    );
    let ran = mstui(&["check", "-o", "json", "--kubeconfig", &kc]).await;
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).expect("json");
    assert_eq!(
        json["hpas"]["blind"][0]["name"], "web",
        "{:#}",
        json["hpas"]
    );
    assert_eq!(json["hpas"]["namespaces"], serde_json::json!(["shop"]));

    // The quick fix and a restart, as the TUI applies them.
    let snap = snapshot(&conn, jiff::Timestamp::now()).await;
    let install = snap.install.as_ref().expect("install");
    let deployment = snap.deployment.as_ref().expect("deployment");
    let p = plan(FixId::KubeletInsecureTls, install, deployment).expect("plan");
    let applied = apply::send_fix(&client, &p, false).await.expect("apply");
    let restart = plan_restart(install, &applied, jiff::Timestamp::now());
    apply::send_restart(&client, &restart, false)
        .await
        .expect("restart");
    let (after, back) = wait_for(
        "shop/web recovered (ScalingActive=True)",
        long,
        every,
        || {
            let conn = conn.clone();
            let before = before.clone();
            async move {
                let snap = snapshot(&conn, jiff::Timestamp::now()).await;
                let back = recovered(&before, &snap);
                if back.is_empty() {
                    let state = snap.hpas.first().and_then(|h| {
                        h.status
                            .as_ref()?
                            .conditions
                            .as_ref()?
                            .iter()
                            .find(|c| c.type_ == "ScalingActive")
                            .map(|c| format!("{} {:?} {:?}", c.status, c.reason, c.message))
                    });
                    Err(format!("ScalingActive: {state:?}"))
                } else {
                    Ok((snap, back))
                }
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("[e2e] recovered: {back:?}");
    assert_eq!(back, ["shop/web"]);
    assert!(blast_radius(&after).blind.is_empty());
    let ran = mstui(&["check", "-o", "json", "--kubeconfig", &kc]).await;
    let json: serde_json::Value = serde_json::from_str(&ran.stdout).expect("json");
    assert_eq!(json["hpas"]["blind"], serde_json::json!([]));
    assert_eq!(json["hpas"]["total"], 1);
}
