//! Benchmark, not a test (ignored by default): `mstui check` wall time against the seed runbook's
//! kubectl command sequence on the same real cluster (x509 scenario). Prints the figures:
//!
//!     cargo test --release --test bench_check -- --ignored --nocapture

mod support;

use std::time::{Duration, Instant};
use support::*;

const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture"]
async fn check_against_the_kubectl_sequence() {
    let _serial = serial();
    let c = Cluster::start(Scenario::X509).await;
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_mstui"));
    let kc = c.admin_kubeconfig.display().to_string();
    // What the runbook has the operator type to learn the same facts.
    let sequence: [&[&str]; 5] = [
        &["top", "nodes"],
        &["get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "yaml"],
        &[
            "get",
            "pods",
            "-n",
            "kube-system",
            "-l",
            "k8s-app=metrics-server",
            "-o",
            "wide",
        ],
        &[
            "logs",
            "-n",
            "kube-system",
            "-l",
            "k8s-app=metrics-server",
            "--tail=500",
        ],
        &[
            "get",
            "deployment",
            "metrics-server",
            "-n",
            "kube-system",
            "-o",
            "yaml",
        ],
    ];
    let mut mstui = Vec::new();
    let mut kubectl = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let ran = run(
            bin,
            &["check", "-o", "json", "--kubeconfig", &kc],
            Duration::from_secs(60),
        )
        .await;
        mstui.push(start.elapsed());
        assert!(ran.code.is_some(), "mstui check finished");
        let start = Instant::now();
        for args in sequence {
            c.kubectl(args).await;
        }
        kubectl.push(start.elapsed());
    }
    eprintln!(
        "[bench] mstui check: median {:.0} ms; the runbook's 5 kubectl commands: median {:.0} ms ({RUNS} runs each)",
        median(mstui).as_secs_f64() * 1000.0,
        median(kubectl).as_secs_f64() * 1000.0
    );
}
