//! The real metrics-server behind the fake (kwok) pod.
//!
//! A thread with its own tokio runtime polls the metrics-server pods in kube-system. For every pod
//! it creates a kwok `Logs` object naming a per-pod CRI log file, so `kubectl logs <pod>` (and
//! mstui) read THAT pod's log. It runs the real metrics-server for the newest Running pod, with the
//! pod's container args filtered through an allow-list plus fixed harness flags, and restarts it
//! when a rollout makes a newer pod Running. The process's real stderr/stdout is converted line by
//! line to CRI format (`<RFC3339Nano> stderr F <line>`) into the pod's log file.

use super::proc::{contain, stop_child};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, ListParams, PostParams};
use kube::{Api, Client};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

pub const NAMESPACE: &str = "kube-system";
pub const SELECTOR: &str = "k8s-app=metrics-server";
pub const CONTAINER: &str = "metrics-server";

/// Fixed flags the harness adds; everything else comes from the pod via [`allowed_args`].
#[derive(Debug, Clone)]
pub struct HostFlags {
    pub binary: PathBuf,
    pub kubeconfig: PathBuf,
    pub port: u16,
    pub cert_dir: PathBuf,
}

impl HostFlags {
    fn args(&self) -> Vec<String> {
        let kc = self.kubeconfig.display();
        vec![
            format!("--kubeconfig={kc}"),
            format!("--authentication-kubeconfig={kc}"),
            format!("--authorization-kubeconfig={kc}"),
            "--bind-address=127.0.0.1".into(),
            format!("--secure-port={}", self.port),
            format!("--cert-dir={}", self.cert_dir.display()),
        ]
    }
}

/// Bool flags of metrics-server that take no separate value item.
const BOOL_FLAGS: [&str; 3] = [
    "--kubelet-insecure-tls",
    "--kubelet-use-node-status-port",
    "--deprecated-kubelet-completely-insecure",
];

/// The pod's flags the host process honours: `--kubelet-*` and `--metric-resolution`
/// (`--flag=value`, bare bool flags, or `--flag value`).
pub fn allowed_args(argv: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let a = &argv[i];
        let name = a.split('=').next().unwrap_or(a);
        let keep = name.starts_with("--kubelet-") || name == "--metric-resolution";
        let separate_value = !a.contains('=')
            && !BOOL_FLAGS.contains(&name)
            && argv.get(i + 1).is_some_and(|v| !v.starts_with('-'));
        if keep {
            out.push(a.clone());
            if separate_value {
                out.push(argv[i + 1].clone());
            }
        }
        i += if separate_value { 2 } else { 1 };
    }
    out
}

/// What the supervisor is running now (for the tests to wait on).
#[derive(Debug, Clone, Default)]
pub struct State {
    /// The pod whose args the current process runs with.
    pub pod: Option<String>,
    pub pid: Option<u32>,
    /// Full argv of the current process (without the binary).
    pub args: Vec<String>,
    /// How many processes were started so far.
    pub starts: u32,
    /// Pods that got a kwok `Logs` object, with their log file.
    pub log_files: BTreeMap<String, PathBuf>,
    /// The last error talking to the apiserver, if any.
    pub last_error: Option<String>,
}

pub struct Supervisor {
    stop: Arc<AtomicBool>,
    pub state: Arc<Mutex<State>>,
    thread: Option<JoinHandle<()>>,
}

impl Supervisor {
    /// `run_process: false` only creates the per-pod log files (backend-down scenario).
    pub fn start(
        admin_kubeconfig: PathBuf,
        log_dir: PathBuf,
        flags: HostFlags,
        run_process: bool,
    ) -> Supervisor {
        let stop = Arc::new(AtomicBool::new(false));
        let state = Arc::new(Mutex::new(State::default()));
        let (s, st) = (stop.clone(), state.clone());
        let thread = std::thread::Builder::new()
            .name("ms-supervisor".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                rt.block_on(run(admin_kubeconfig, log_dir, flags, run_process, s, st));
            })
            .expect("spawn supervisor thread");
        Supervisor {
            stop,
            state,
            thread: Some(thread),
        }
    }

    pub fn state(&self) -> State {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Running {
    pod_uid: String,
    child: Child,
    pumps: Vec<JoinHandle<()>>,
}

fn logs_resource() -> ApiResource {
    ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("kwok.x-k8s.io", "v1alpha1", "Logs"),
        "logs",
    )
}

async fn client(kubeconfig: &Path) -> Client {
    let kc = kube::config::Kubeconfig::read_from(kubeconfig).expect("read admin kubeconfig");
    let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .expect("admin config");
    Client::try_from(cfg).expect("admin client")
}

async fn run(
    kubeconfig: PathBuf,
    log_dir: PathBuf,
    flags: HostFlags,
    run_process: bool,
    stop: Arc<AtomicBool>,
    state: Arc<Mutex<State>>,
) {
    let client = client(&kubeconfig).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), NAMESPACE);
    let logs: Api<DynamicObject> =
        Api::namespaced_with(client.clone(), NAMESPACE, &logs_resource());
    let mut have_logs: BTreeSet<String> = BTreeSet::new();
    let mut running: Option<Running> = None;
    let set_err = |e: String| state.lock().unwrap_or_else(|p| p.into_inner()).last_error = Some(e);
    while !stop.load(Ordering::SeqCst) {
        let list = match tokio::time::timeout(
            Duration::from_secs(5),
            pods.list(&ListParams::default().labels(SELECTOR)),
        )
        .await
        {
            Ok(Ok(l)) => l.items,
            Ok(Err(e)) => {
                set_err(format!("list pods: {e}"));
                tokio::time::sleep(Duration::from_millis(300)).await;
                continue;
            }
            Err(_) => {
                set_err("list pods: timeout".into());
                continue;
            }
        };
        // A kwok Logs object + file for every pod, as soon as it exists.
        for pod in &list {
            let name = pod.metadata.name.clone().unwrap_or_default();
            if have_logs.contains(&name) {
                continue;
            }
            let file = log_dir.join(format!("{name}.log"));
            if let Err(e) = OpenOptions::new().create(true).append(true).open(&file) {
                set_err(format!("create {}: {e}", file.display()));
                continue;
            }
            let obj: DynamicObject = serde_json::from_value(serde_json::json!({
                "apiVersion": "kwok.x-k8s.io/v1alpha1",
                "kind": "Logs",
                "metadata": {"name": name, "namespace": NAMESPACE},
                "spec": {"logs": [{"containers": [CONTAINER], "logsFile": file, "follow": true}]}
            }))
            .expect("Logs object");
            match logs.create(&PostParams::default(), &obj).await {
                Ok(_) => {}
                Err(kube::Error::Api(s)) if s.code == 409 => {}
                Err(e) => {
                    set_err(format!("create Logs {name}: {e}"));
                    continue;
                }
            }
            have_logs.insert(name.clone());
            state
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .log_files
                .insert(name, file);
        }
        if run_process {
            let newest = newest_running(&list);
            let current_uid = running.as_ref().map(|r| r.pod_uid.clone());
            match newest {
                Some(pod) if Some(pod_uid(pod)) != current_uid => {
                    if let Some(r) = running.take() {
                        halt(r);
                    }
                    let name = pod.metadata.name.clone().unwrap_or_default();
                    let file = log_dir.join(format!("{name}.log"));
                    let mut args = flags.args();
                    args.extend(allowed_args(&container_argv(pod)));
                    let r = launch(&flags.binary, &args, &file, pod_uid(pod));
                    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
                    st.pod = Some(name.clone());
                    st.pid = Some(r.child.id());
                    st.args = args.clone();
                    st.starts += 1;
                    drop(st);
                    eprintln!(
                        "[e2e] supervisor: metrics-server for pod {name}: {}",
                        args[6..].join(" ")
                    );
                    running = Some(r);
                }
                None if running.is_some() => {
                    if let Some(r) = running.take() {
                        halt(r);
                    }
                    let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
                    st.pod = None;
                    st.pid = None;
                }
                _ => {}
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    if let Some(r) = running.take() {
        halt(r);
    }
}

fn pod_uid(p: &Pod) -> String {
    p.metadata.uid.clone().unwrap_or_default()
}

/// The newest Running, not-deleting pod (what a kubelet would be running the newest container of).
fn newest_running(pods: &[Pod]) -> Option<&Pod> {
    pods.iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .max_by(|a, b| {
            let ka = (
                a.metadata.creation_timestamp.as_ref().map(|t| t.0),
                a.metadata.name.clone(),
            );
            let kb = (
                b.metadata.creation_timestamp.as_ref().map(|t| t.0),
                b.metadata.name.clone(),
            );
            ka.cmp(&kb)
        })
}

/// `command[1..] + args` of the metrics-server container (flags may live in either).
fn container_argv(pod: &Pod) -> Vec<String> {
    let Some(c) = pod
        .spec
        .as_ref()
        .and_then(|s| s.containers.iter().find(|c| c.name == CONTAINER))
    else {
        return Vec::new();
    };
    let mut argv: Vec<String> = c
        .command
        .clone()
        .unwrap_or_default()
        .into_iter()
        .skip(1)
        .collect();
    argv.extend(c.args.clone().unwrap_or_default());
    argv
}

fn launch(binary: &Path, args: &[String], log: &Path, pod_uid: String) -> Running {
    let mut cmd = Command::new(binary);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    contain(&mut cmd);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start metrics-server: {e}"));
    let mut pumps = Vec::new();
    if let Some(out) = child.stdout.take() {
        pumps.push(pump(out, "stdout", log.to_path_buf()));
    }
    if let Some(err) = child.stderr.take() {
        pumps.push(pump(err, "stderr", log.to_path_buf()));
    }
    Running {
        pod_uid,
        child,
        pumps,
    }
}

/// Copy lines from `src` to `log` in CRI format, one flushed write per line.
fn pump(src: impl Read + Send + 'static, stream: &'static str, log: PathBuf) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok(mut file) = OpenOptions::new().create(true).append(true).open(&log) else {
            return;
        };
        let mut reader = BufReader::new(src);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line);
                    let text = text.trim_end_matches(['\n', '\r']);
                    let ts = jiff::Timestamp::now();
                    let _ = file.write_all(format!("{ts} {stream} F {text}\n").as_bytes());
                }
            }
        }
    })
}

fn halt(mut r: Running) {
    stop_child(&mut r.child, Duration::from_secs(3));
    for p in r.pumps.drain(..) {
        let _ = p.join();
    }
}
