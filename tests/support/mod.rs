//! Real-cluster test support: etcd + kube-apiserver + kube-controller-manager + kwok + the real
//! metrics-server, all on 127.0.0.1 with free ports, built by `tests/cluster/build.sh`.
//!
//! Use from an integration test file with `mod support;`. One cluster per test; tests in one
//! binary are serialised by [`serial`] (two clusters at once on 2 cores only make both slow).
//!
//! Every child process gets its own process group (killed in `Drop`) and `PR_SET_PDEATHSIG`
//! (killed by the kernel if the spawning thread dies, e.g. the test process is SIGKILLed). Because
//! the death signal follows the *thread* that forked, clusters must be started from the test's own
//! thread (the body of `#[tokio::test]`, never from inside `tokio::spawn`).
#![allow(dead_code)]

pub mod bins;
pub mod certs;
pub mod cluster;
pub mod proc;
pub mod scenario;
pub mod supervisor;

pub use cluster::Cluster;

/// mstui's own connection to a test cluster, through the kubeconfig the harness wrote.
pub async fn conn(kubeconfig: &std::path::Path) -> mstui::cluster::Connection {
    mstui::cluster::connect(&mstui::cluster::Target {
        kubeconfig: Some(kubeconfig.to_path_buf()),
        ..mstui::cluster::Target::default()
    })
    .await
    .unwrap_or_else(|e| panic!("mstui::cluster::connect: {e}"))
}
pub use scenario::Scenario;

use std::future::Future;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

static SERIAL: Mutex<()> = Mutex::new(());

/// Hold this for the whole test: one real cluster at a time per test binary.
/// `MSTUI_E2E_PARALLEL=1` lifts it (for measuring; see the README for the numbers).
pub fn serial() -> Option<MutexGuard<'static, ()>> {
    if std::env::var_os("MSTUI_E2E_PARALLEL").is_some() {
        return None;
    }
    Some(
        SERIAL
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
    )
}

/// Poll `check` every `every` until it returns `Some`, or fail with `what` and the last state.
/// `check` returns `Err(state)` to describe why it is not there yet.
pub async fn wait_for<T, F, Fut>(
    what: &str,
    timeout: Duration,
    every: Duration,
    mut check: F,
) -> Result<T, String>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        let last = match check().await {
            Ok(v) => {
                eprintln!("[e2e] {what}: after {:.1}s", start.elapsed().as_secs_f64());
                return Ok(v);
            }
            Err(state) => state,
        };
        if start.elapsed() >= timeout {
            return Err(format!(
                "timed out after {}s waiting for {what}; last state: {last}",
                timeout.as_secs()
            ));
        }
        tokio::time::sleep(every).await;
    }
}

/// Output of a finished child (mstui, kubectl).
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

/// Run a program to completion with a timeout (the child is killed if it overruns).
pub async fn run(program: &Path, args: &[&str], timeout: Duration) -> Ran {
    let start = Instant::now();
    let mut cmd = tokio::process::Command::new(program);
    cmd.args(args)
        .kill_on_drop(true)
        .stdin(std::process::Stdio::null());
    let out = tokio::time::timeout(timeout, cmd.output())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{} {args:?} did not finish within {}s",
                program.display(),
                timeout.as_secs()
            )
        })
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    }
}

/// `mstui check -o json --kubeconfig <kubeconfig>` with the binary cargo built for this test.
pub async fn mstui_check(kubeconfig: &Path) -> (Ran, serde_json::Value) {
    let bin = Path::new(env!("CARGO_BIN_EXE_mstui"));
    let kc = kubeconfig.to_string_lossy();
    let ran = run(
        bin,
        &["check", "-o", "json", "--kubeconfig", &kc],
        Duration::from_secs(90),
    )
    .await;
    let json = serde_json::from_str(&ran.stdout).unwrap_or_else(|e| {
        panic!(
            "mstui check -o json printed no JSON ({e}); exit {:?}\nstdout:\n{}\nstderr:\n{}",
            ran.code, ran.stdout, ran.stderr
        )
    });
    eprintln!(
        "[e2e] mstui check -o json: exit {:?} in {:.1}s",
        ran.code,
        ran.took.as_secs_f64()
    );
    (ran, json)
}

/// Rule IDs of the findings in a `check -o json` document, with their severities.
pub fn finding_ids(json: &serde_json::Value) -> Vec<(String, String)> {
    json["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["id"].as_str().unwrap_or("?").to_string(),
                        f["severity"].as_str().unwrap_or("?").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Measure and print how long a test took (drop at the end of the test).
pub struct TestTimer {
    name: &'static str,
    start: Instant,
}

impl TestTimer {
    pub fn new(name: &'static str) -> Self {
        eprintln!("[e2e] === {name}: start");
        TestTimer {
            name,
            start: Instant::now(),
        }
    }
}

impl Drop for TestTimer {
    fn drop(&mut self) {
        let outcome = if std::thread::panicking() {
            "FAILED"
        } else {
            "ok"
        };
        eprintln!(
            "[e2e] === {}: {outcome} in {:.1}s",
            self.name,
            self.start.elapsed().as_secs_f64()
        );
    }
}
