//! The real metrics-server behind the fake (kwok) pod.
//!
//! A thread with its own tokio runtime polls the metrics-server pods in kube-system. For every pod
//! it creates a kwok `Logs` object naming a per-pod CRI log file, so `kubectl logs <pod>` (and
//! mstui) read THAT pod's log. It runs the real metrics-server for the newest Running pod, with the
//! pod's container args filtered through an allow-list plus fixed harness flags, and restarts it
//! when a rollout makes a newer pod Running. The process's real stderr/stdout is converted line by
//! line to CRI format (`<RFC3339Nano> stderr F <line>`) into the pod's log file.
//!
//! It also plays the kubelet's readiness prober and the EndpointSlice controller for that pod:
//! it probes the real process's `/readyz` (HTTPS, like the manifest's `readinessProbe`), writes
//! the outcome into the pod's `Ready`/`ContainersReady` conditions and container status (with a
//! kubelet-style `Unhealthy` event on failure), and keeps one EndpointSlice of the metrics-server
//! Service in step: one endpoint for the served pod, `ready` only while `/readyz` passes. So
//! the aggregator's availability controller sees what it sees on a real cluster
//! (`MissingEndpoints` while metrics-server has nothing to serve).
//!
//! The endpoint's address is `127.0.0.1` in an `FQDN` slice: `IPv4` slices (and Endpoints)
//! refuse loopback addresses (`ValidateEndpointIP`), while `127.0.0.1` is a valid DNS-1123
//! subdomain of four labels. kube-apiserver runs with `--enable-aggregator-routing=true`, so the
//! aggregator dials `https://<slice address>:<slice port>`, i.e. the host process on 127.0.0.1,
//! and never the Service's ClusterIP (nothing on this machine routes it). No endpointslice
//! controller runs in the harness's kube-controller-manager, so this slice has one writer.

use super::proc::{contain, stop_child};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Event, Pod};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use kube::api::{
    ApiResource, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams, PostParams,
};
use kube::{Api, Client};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub const CONTAINER: &str = "metrics-server";
/// The field manager and `endpointslice.kubernetes.io/managed-by` of the slice it keeps.
pub const MANAGER: &str = "mstui-e2e-supervisor";
/// How often `/readyz` is probed (the manifest says 10 s; the tests do not need to wait that).
const PROBE_EVERY: Duration = Duration::from_secs(2);

/// Where metrics-server is installed and how the supervisor should play the kubelet.
#[derive(Debug, Clone)]
pub struct Target {
    pub admin_kubeconfig: PathBuf,
    pub log_dir: PathBuf,
    pub namespace: String,
    /// Pod label selector (`k=v,k=v`).
    pub selector: String,
    /// The Service whose EndpointSlice the supervisor keeps.
    pub service: String,
    /// Labels for the slice besides `kubernetes.io/service-name` and `managed-by`.
    pub labels: BTreeMap<String, String>,
    /// `false`: no process (backend-down); the pod stays Ready (as kwok made it) and its
    /// endpoint ready, but nothing listens behind it.
    pub run_process: bool,
}

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
    /// Whether the last `/readyz` probe of the current process passed.
    pub ready: bool,
    /// `/readyz` probes of the current process, and the last failure's text.
    pub probes: u32,
    pub last_probe_failure: Option<String>,
    /// What the EndpointSlice says now: `None` = no endpoint, `Some(ready)` = one endpoint.
    pub endpoint_ready: Option<bool>,
}

pub struct Supervisor {
    stop: Arc<AtomicBool>,
    pub state: Arc<Mutex<State>>,
    thread: Option<JoinHandle<()>>,
}

impl Supervisor {
    pub fn start(target: Target, flags: HostFlags) -> Supervisor {
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
                rt.block_on(run(target, flags, s, st));
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
    /// An unauthenticated HTTPS client for the process's `/readyz` (like the kubelet's prober).
    prober: Option<Client>,
    last_probe: Option<Instant>,
    ready: bool,
    /// A kubelet-style `Unhealthy` event was recorded for this pod.
    event_sent: bool,
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

async fn run(target: Target, flags: HostFlags, stop: Arc<AtomicBool>, state: Arc<Mutex<State>>) {
    let log_dir = target.log_dir.clone();
    let run_process = target.run_process;
    let ns = target.namespace.as_str();
    let client = client(&target.admin_kubeconfig).await;
    let pods: Api<Pod> = Api::namespaced(client.clone(), ns);
    let replicasets: Api<ReplicaSet> = Api::namespaced(client.clone(), ns);
    let logs: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &logs_resource());
    let mut have_logs: BTreeSet<String> = BTreeSet::new();
    let mut running: Option<Running> = None;
    // The endpoint last written: (pod uid, ready), or None for an empty slice; unset = never.
    let mut published: Option<Option<(String, bool)>> = None;
    let set_err = |e: String| state.lock().unwrap_or_else(|p| p.into_inner()).last_error = Some(e);
    while !stop.load(Ordering::SeqCst) {
        let list = match tokio::time::timeout(
            Duration::from_secs(5),
            pods.list(&ListParams::default().labels(&target.selector)),
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
        let revisions = rs_revisions(&replicasets, &target.selector).await;
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
                "metadata": {"name": name, "namespace": ns},
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
            let newest = newest_running(&list, &revisions);
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
                    let mut r = launch(&flags.binary, &args, &file, pod_uid(pod));
                    r.prober = prober(flags.port).await;
                    {
                        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
                        st.pod = Some(name.clone());
                        st.pid = Some(r.child.id());
                        st.args = args.clone();
                        st.starts += 1;
                        st.ready = false;
                        st.probes = 0;
                        st.last_probe_failure = None;
                    }
                    // A new container starts unready until its readiness probe passes.
                    if let Err(e) = set_pod_ready(&pods, pod, false).await {
                        set_err(e);
                    }
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
                    st.ready = false;
                }
                _ => {}
            }
            if let Some(r) = running.as_mut() {
                probe(r, &pods, &list, &client, ns, &state).await;
            }
        }
        // The endpoint: the served pod (or, without a process, the newest Running pod as kwok
        // reports it), ready as probed.
        let want: Option<(String, bool)> = if run_process {
            running.as_ref().map(|r| (r.pod_uid.clone(), r.ready))
        } else {
            // Backend-down: the pod passes its probe (as far as the cluster knows) but nothing
            // answers the apiserver behind the endpoint.
            let newest = newest_running(&list, &revisions);
            if let Some(p) = newest.filter(|p| !pod_condition(p, "Ready")) {
                if let Err(e) = set_pod_ready(&pods, p, true).await {
                    set_err(e);
                }
            }
            newest.map(|p| (pod_uid(p), true))
        };
        if published.as_ref() != Some(&want) {
            let pod = want
                .as_ref()
                .and_then(|(uid, _)| list.iter().find(|p| &pod_uid(p) == uid));
            match publish_slice(&client, &target, &flags, pod, want.as_ref().map(|w| w.1)).await {
                Ok(()) => {
                    state
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .endpoint_ready = want.as_ref().map(|w| w.1);
                    published = Some(want);
                }
                Err(e) => set_err(e),
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

fn pod_condition(p: &Pod, type_: &str) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == type_ && c.status == "True"))
}

/// An anonymous HTTPS client for `https://127.0.0.1:<port>` that skips verification (the
/// kubelet's HTTPS probes do not verify either).
async fn prober(port: u16) -> Option<Client> {
    let url: http::Uri = format!("https://127.0.0.1:{port}").parse().ok()?;
    let mut cfg = kube::Config::new(url);
    cfg.accept_invalid_certs = true;
    cfg.connect_timeout = Some(Duration::from_secs(1));
    cfg.read_timeout = Some(Duration::from_secs(2));
    Client::try_from(cfg).ok()
}

/// Probe `/readyz` when due; on a change, write the pod's readiness like a kubelet would.
async fn probe(
    r: &mut Running,
    pods: &Api<Pod>,
    list: &[Pod],
    client: &Client,
    ns: &str,
    state: &Arc<Mutex<State>>,
) {
    if r.last_probe.is_some_and(|t| t.elapsed() < PROBE_EVERY) {
        return;
    }
    let Some(prober) = r.prober.clone() else {
        return;
    };
    r.last_probe = Some(Instant::now());
    let req = http::Request::get("/readyz")
        .body(Vec::new())
        .expect("request");
    let outcome = match tokio::time::timeout(Duration::from_secs(3), prober.request_text(req)).await
    {
        Ok(Ok(body)) if body.trim() == "ok" => Ok(()),
        Ok(Ok(body)) => Err(format!("unexpected body {body:?}")),
        Ok(Err(kube::Error::Api(s))) => Err(format!(
            "HTTP probe failed with statuscode: {} ({})",
            s.code,
            s.message.trim().replace('\n', " | ")
        )),
        Ok(Err(e)) => Err(format!("Get \"https://127.0.0.1/readyz\": {e}")),
        Err(_) => Err("probe timed out".into()),
    };
    let ready = outcome.is_ok();
    {
        let mut st = state.lock().unwrap_or_else(|p| p.into_inner());
        st.probes += 1;
        st.ready = ready;
        if let Err(e) = &outcome {
            st.last_probe_failure = Some(e.clone());
        }
    }
    let Some(pod) = list.iter().find(|p| pod_uid(p) == r.pod_uid) else {
        return;
    };
    // Like a readiness probe's initialDelaySeconds: a process that does not listen yet is not
    // reported; an HTTP answer that is not 200 is.
    if let Err(e) = outcome.as_ref()
        && e.starts_with("HTTP probe failed")
        && !r.event_sent
    {
        r.event_sent = unhealthy_event(client, ns, pod, e).await.is_ok();
    }
    if ready != r.ready || pod_condition(pod, "Ready") != ready {
        match set_pod_ready(pods, pod, ready).await {
            Ok(()) => r.ready = ready,
            Err(e) => state.lock().unwrap_or_else(|p| p.into_inner()).last_error = Some(e),
        }
    }
}

/// Write `Ready`/`ContainersReady` and the container's `ready` into the pod status, as the
/// kubelet's status manager does. (kwok's pod-ready stage only acts on pods without a podIP, so
/// it does not undo this.)
async fn set_pod_ready(pods: &Api<Pod>, pod: &Pod, ready: bool) -> Result<(), String> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let now = jiff::Timestamp::now().to_string();
    let status = pod.status.clone().unwrap_or_default();
    let flag = if ready { "True" } else { "False" };
    let mut conditions: Vec<serde_json::Value> = status
        .conditions
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.type_ != "Ready" && c.type_ != "ContainersReady")
        .map(|c| serde_json::to_value(c).unwrap_or_default())
        .collect();
    for type_ in ["Ready", "ContainersReady"] {
        let mut c = serde_json::json!({"type": type_, "status": flag, "lastTransitionTime": now});
        if !ready {
            c["reason"] = "ContainersNotReady".into();
            c["message"] = format!("containers with unready status: [{CONTAINER}]").into();
        }
        conditions.push(c);
    }
    let containers: Vec<serde_json::Value> = status
        .container_statuses
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|mut c| {
            if c.name == CONTAINER {
                c.ready = ready;
                c.started = Some(true);
            }
            serde_json::to_value(c).unwrap_or_default()
        })
        .collect();
    let patch =
        serde_json::json!({"status": {"conditions": conditions, "containerStatuses": containers}});
    pods.patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .map(|_| ())
        .map_err(|e| format!("patch status of pod {name}: {e}"))
}

/// The kubelet's `Warning Unhealthy "Readiness probe failed: …"` event for the pod.
async fn unhealthy_event(client: &Client, ns: &str, pod: &Pod, err: &str) -> Result<(), String> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default();
    let now = jiff::Timestamp::now().to_string();
    let ev: Event = serde_json::from_value(serde_json::json!({
        "metadata": {"name": format!("{name}.readiness"), "namespace": ns},
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": name, "namespace": ns,
                           "uid": pod_uid(pod), "fieldPath": format!("spec.containers{{{CONTAINER}}}")},
        "reason": "Unhealthy",
        "message": format!("Readiness probe failed: {}", err.split(" (").next().unwrap_or(err)),
        "type": "Warning",
        "source": {"component": "kubelet", "host": node},
        "firstTimestamp": now, "lastTimestamp": now, "count": 1,
        "reportingComponent": "kubelet", "reportingInstance": node
    }))
    .map_err(|e| e.to_string())?;
    match Api::<Event>::namespaced(client.clone(), ns)
        .create(&PostParams::default(), &ev)
        .await
    {
        Ok(_) => Ok(()),
        Err(kube::Error::Api(s)) if s.code == 409 => Ok(()),
        Err(e) => Err(format!("create event: {e}")),
    }
}

/// Server-side apply the Service's one EndpointSlice: no endpoint, or one for `pod` at
/// 127.0.0.1:<host port> with `ready`.
async fn publish_slice(
    client: &Client,
    target: &Target,
    flags: &HostFlags,
    pod: Option<&Pod>,
    ready: Option<bool>,
) -> Result<(), String> {
    let ns = target.namespace.as_str();
    let name = format!("{}-e2e", target.service);
    let mut labels: BTreeMap<String, String> = target.labels.clone();
    labels.insert("kubernetes.io/service-name".into(), target.service.clone());
    labels.insert(
        "endpointslice.kubernetes.io/managed-by".into(),
        MANAGER.into(),
    );
    let endpoints: Vec<serde_json::Value> = match (pod, ready) {
        (Some(p), Some(ready)) => vec![serde_json::json!({
            "addresses": ["127.0.0.1"],
            "conditions": {"ready": ready, "serving": ready, "terminating": false},
            "nodeName": p.spec.as_ref().and_then(|s| s.node_name.clone()),
            "targetRef": {"kind": "Pod", "namespace": ns, "name": p.metadata.name, "uid": pod_uid(p)}
        })],
        _ => Vec::new(),
    };
    let slice = serde_json::json!({
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "addressType": "FQDN",
        "endpoints": endpoints,
        "ports": [{"name": "https", "port": flags.port, "protocol": "TCP", "appProtocol": "https"}]
    });
    Api::<EndpointSlice>::namespaced(client.clone(), ns)
        .patch(
            &name,
            &PatchParams::apply(MANAGER).force(),
            &Patch::Apply(&slice),
        )
        .await
        .map(|_| ())
        .map_err(|e| format!("apply EndpointSlice {ns}/{name}: {e}"))
}

/// The newest Running, not-deleting pod (what a kubelet would be running the newest container
/// of). Newest = of the ReplicaSet with the highest `deployment.kubernetes.io/revision`, then by
/// creation time and name: a fix and a restart create two ReplicaSets within the same second,
/// and creationTimestamp has one-second resolution.
fn newest_running<'a>(pods: &'a [Pod], revisions: &BTreeMap<String, i64>) -> Option<&'a Pod> {
    let revision = |p: &Pod| {
        p.metadata
            .owner_references
            .iter()
            .flatten()
            .find(|o| o.kind == "ReplicaSet")
            .and_then(|o| revisions.get(&o.name).copied())
            .unwrap_or(0)
    };
    pods.iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .max_by_key(|p| {
            (
                revision(p),
                p.metadata.creation_timestamp.as_ref().map(|t| t.0),
                p.metadata.name.clone(),
            )
        })
}

/// ReplicaSet name → its Deployment revision.
async fn rs_revisions(rs: &Api<ReplicaSet>, selector: &str) -> BTreeMap<String, i64> {
    let Ok(Ok(l)) = tokio::time::timeout(
        Duration::from_secs(5),
        rs.list(&ListParams::default().labels(selector)),
    )
    .await
    else {
        return BTreeMap::new();
    };
    l.items
        .into_iter()
        .filter_map(|r| {
            let rev = r
                .metadata
                .annotations
                .as_ref()?
                .get("deployment.kubernetes.io/revision")?
                .parse()
                .ok()?;
            Some((r.metadata.name?, rev))
        })
        .collect()
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
        prober: None,
        last_probe: None,
        ready: false,
        event_sent: false,
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
