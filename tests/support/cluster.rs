//! One whole cluster on 127.0.0.1: etcd (tmpfs), kube-apiserver (RBAC + aggregation layer),
//! kube-controller-manager, kwok as the kubelet of two fake nodes, the upstream metrics-server
//! objects, and (via [`Supervisor`]) the real metrics-server behind the fake pod.

use super::bins::{Bins, bins};
use super::certs::{self, KubeletCert, Pki};
use super::proc::{self, Proc, listening};
use super::scenario::{HELM_RELEASE, Scenario};
use super::supervisor::{HostFlags, Supervisor, Target};
use super::{run, wait_for};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod, Service, ServiceAccount};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, RoleBinding};
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService;
use kube::api::{ListParams, PostParams};
use kube::{Api, Client};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const NODES: [&str; 2] = ["node-1", "node-2"];
/// The namespace of every scenario but `helm-chart` (see [`Scenario::namespace`]).
pub const MS_NAMESPACE: &str = "kube-system";
pub const MS_NAME: &str = "metrics-server";
pub const APISERVICE: &str = "v1beta1.metrics.k8s.io";
/// metrics-server's answer to a failed `/readyz` (`"Failed probe" probe="metric-storage-ready"`).
pub const NO_METRICS_TO_SERVE: &str = "no metrics to serve";

#[derive(Debug, Clone, Copy)]
pub struct Ports {
    pub etcd: u16,
    pub etcd_peer: u16,
    pub apiserver: u16,
    pub kwok: u16,
    pub metrics_server: u16,
}

pub struct Cluster {
    pub scenario: Scenario,
    pub bins: &'static Bins,
    /// Scratch dir: PKI, kubeconfigs, component logs, metrics-server pod logs.
    pub dir: PathBuf,
    tmp: Option<tempfile::TempDir>,
    /// etcd data on tmpfs, removed on drop.
    shm: PathBuf,
    pub pki: Pki,
    pub ports: Ports,
    /// system:masters.
    pub admin_kubeconfig: PathBuf,
    /// get/list/watch everything + pods/log; cannot patch.
    pub viewer_kubeconfig: PathBuf,
    /// What the host metrics-server uses: cluster CA, no insecure-skip-tls-verify.
    pub metrics_server_kubeconfig: PathBuf,
    pub client: Client,
    pub supervisor: Option<Supervisor>,
    /// etcd, kube-apiserver, kube-controller-manager, kwok — stopped in reverse order.
    procs: Vec<Proc>,
    /// kwok's argv, to restart it with another serving certificate.
    kwok_args: Vec<String>,
    pub started_in: Duration,
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn kubeconfig(port: u16, ca: &Path, user: &str, pair: &certs::Pair) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: mstui-e2e
  cluster:
    server: https://127.0.0.1:{port}
    certificate-authority: {ca}
users:
- name: {user}
  user:
    client-certificate: {cert}
    client-key: {key}
contexts:
- name: mstui-e2e-{user}
  context:
    cluster: mstui-e2e
    user: {user}
    namespace: default
current-context: mstui-e2e-{user}
",
        ca = ca.display(),
        cert = pair.cert.display(),
        key = pair.key.display(),
    )
}

fn obj<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).unwrap_or_else(|e| panic!("bad fixture object: {e}"))
}

async fn create<K>(api: &Api<K>, v: Value) -> K
where
    K: kube::Resource + Clone + DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let o: K = obj(v);
    api.create(&PostParams::default(), &o)
        .await
        .unwrap_or_else(|e| panic!("create {:?}: {e}", o.meta().name))
}

impl Cluster {
    /// Start a cluster in `scenario`'s state and wait until that state is established.
    /// Panics (loudly, with component log tails) if anything does not come up.
    pub async fn start(scenario: Scenario) -> Cluster {
        let t0 = Instant::now();
        let bins = bins();
        let tmp = tempfile::Builder::new()
            .prefix("mstui-e2e-")
            .tempdir()
            .expect("tempdir");
        let dir = tmp.path().to_path_buf();
        let shm_root = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        sweep_stale_shm(&shm_root);
        std::fs::write(dir.join("owner.pid"), std::process::id().to_string()).expect("owner.pid");
        let shm = shm_root.join(dir.file_name().expect("tempdir name"));
        std::fs::create_dir_all(&shm).expect("etcd data dir");
        for d in [
            "logs",
            "pod-logs",
            "ms-certs",
            "apiserver-certs",
            "kwok-work",
        ] {
            std::fs::create_dir_all(dir.join(d)).expect("scratch dir");
        }
        let kubelet_cert = if scenario.kubelet_cert_without_ip_san() {
            KubeletCert::ClusterCaNoIpSan
        } else {
            KubeletCert::UntrustedCa
        };
        let pki = Pki::generate(&dir.join("pki"), scenario.namespace(), kubelet_cert);
        // Hold every listener until all ports are chosen so they are distinct.
        let ports = {
            let ls: Vec<_> = (0..5)
                .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("bind"))
                .collect();
            let p: Vec<u16> = ls
                .iter()
                .map(|l| l.local_addr().expect("addr").port())
                .collect();
            Ports {
                etcd: p[0],
                etcd_peer: p[1],
                apiserver: p[2],
                kwok: p[3],
                metrics_server: p[4],
            }
        };
        let admin_kubeconfig = dir.join("admin.kubeconfig");
        let viewer_kubeconfig = dir.join("viewer.kubeconfig");
        let metrics_server_kubeconfig = dir.join("metrics-server.kubeconfig");
        write(
            &admin_kubeconfig,
            &kubeconfig(ports.apiserver, &pki.ca, "admin", &pki.admin),
        );
        write(
            &viewer_kubeconfig,
            &kubeconfig(ports.apiserver, &pki.ca, "viewer", &pki.viewer),
        );
        write(
            &metrics_server_kubeconfig,
            &kubeconfig(
                ports.apiserver,
                &pki.ca,
                "metrics-server",
                &pki.metrics_server,
            ),
        );
        let client = {
            let kc =
                kube::config::Kubeconfig::read_from(&admin_kubeconfig).expect("admin kubeconfig");
            let cfg = kube::Config::from_custom_kubeconfig(kc, &Default::default())
                .await
                .expect("admin config");
            Client::try_from(cfg).expect("admin client")
        };
        eprintln!(
            "[e2e] cluster '{}' in {} (apiserver https://127.0.0.1:{})",
            scenario.name(),
            dir.display(),
            ports.apiserver
        );
        let mut c = Cluster {
            scenario,
            bins,
            dir,
            tmp: Some(tmp),
            shm,
            pki,
            ports,
            admin_kubeconfig,
            viewer_kubeconfig,
            metrics_server_kubeconfig,
            client,
            supervisor: None,
            procs: Vec::new(),
            kwok_args: Vec::new(),
            started_in: Duration::ZERO,
        };
        c.start_control_plane().await;
        c.install_objects().await;
        c.start_supervisor();
        c.wait_established().await;
        c.started_in = t0.elapsed();
        eprintln!(
            "[e2e] cluster '{}' established in {:.1}s",
            scenario.name(),
            c.started_in.as_secs_f64()
        );
        c
    }

    fn log(&self, name: &str) -> PathBuf {
        self.dir.join("logs").join(format!("{name}.log"))
    }

    fn spawn(&mut self, name: &str, args: Vec<String>, env: &[(&str, &str)]) {
        let p = Proc::spawn(name, &self.bins.path(name), &args, env, &self.log(name));
        self.procs.push(p);
    }

    fn proc_mut(&mut self, name: &str) -> &mut Proc {
        self.procs
            .iter_mut()
            .find(|p| p.name == name)
            .expect("known process")
    }

    /// Stop a component (SIGTERM, then SIGKILL after 5 s), for fault tests.
    pub fn stop_component(&mut self, name: &str) {
        self.proc_mut(name).stop(Duration::from_secs(5));
        eprintln!("[e2e] {name} stopped");
    }

    /// Start a stopped component again with the same arguments; its output goes to
    /// `logs/NAME-restarted.log`. For kube-apiserver, waits until `/readyz` answers ok.
    pub async fn restart_component(&mut self, name: &str) {
        let i = self
            .procs
            .iter()
            .position(|p| p.name == name)
            .expect("known process");
        let (program, args) = (self.procs[i].program.clone(), self.procs[i].args.clone());
        let log = self.log(&format!("{name}-restarted"));
        self.procs[i] = Proc::spawn(name, &program, &args, &[], &log);
        if name == "kube-apiserver" {
            let client = self.client.clone();
            self.poll_until("kube-apiserver /readyz again", Duration::from_secs(120), name, move |_| {
                let client = client.clone();
                async move {
                    let req = http::Request::get("/readyz").body(Vec::new()).expect("request");
                    matches!(tokio::time::timeout(Duration::from_secs(5), client.request_text(req)).await, Ok(Ok(t)) if t.trim() == "ok")
                }
            })
            .await;
        }
        eprintln!("[e2e] {name} restarted");
    }

    /// Panic with a log tail if any component died.
    pub fn assert_alive(&mut self) {
        for p in &mut self.procs {
            p.assert_running();
        }
    }

    async fn start_control_plane(&mut self) {
        let Ports {
            etcd,
            etcd_peer,
            apiserver,
            kwok,
            ..
        } = self.ports;
        let shm = self.shm.display().to_string();
        let t = Instant::now();
        self.spawn(
            "etcd",
            vec![
                "--name=e2e".into(),
                format!("--data-dir={shm}/etcd"),
                format!("--listen-client-urls=http://127.0.0.1:{etcd}"),
                format!("--advertise-client-urls=http://127.0.0.1:{etcd}"),
                format!("--listen-peer-urls=http://127.0.0.1:{etcd_peer}"),
                format!("--initial-advertise-peer-urls=http://127.0.0.1:{etcd_peer}"),
                format!("--initial-cluster=e2e=http://127.0.0.1:{etcd_peer}"),
                "--unsafe-no-fsync=true".into(),
                "--log-level=warn".into(),
            ],
            &[],
        );
        self.poll_until(
            "etcd listening",
            Duration::from_secs(30),
            "etcd",
            |_| async move { listening(etcd) },
        )
        .await;
        eprintln!("[e2e] etcd up in {:.1}s", t.elapsed().as_secs_f64());

        let pki = self.pki.clone();
        let p = |x: &Path| x.display().to_string();
        let cert_dir = self.dir.join("apiserver-certs");
        self.spawn(
            "kube-apiserver",
            vec![
                format!("--etcd-servers=http://127.0.0.1:{etcd}"),
                "--bind-address=127.0.0.1".into(),
                format!("--secure-port={apiserver}"),
                "--advertise-address=127.0.0.1".into(),
                "--endpoint-reconciler-type=none".into(),
                format!("--cert-dir={}", p(&cert_dir)),
                format!("--tls-cert-file={}", p(&pki.apiserver.cert)),
                format!("--tls-private-key-file={}", p(&pki.apiserver.key)),
                format!("--client-ca-file={}", p(&pki.ca)),
                "--authorization-mode=RBAC".into(),
                "--service-account-issuer=https://kubernetes.default.svc".into(),
                format!("--service-account-key-file={}", p(&pki.sa_public)),
                format!("--service-account-signing-key-file={}", p(&pki.sa_private)),
                "--service-cluster-ip-range=10.0.0.0/24".into(),
                "--allow-privileged=true".into(),
                // aggregation layer
                format!("--requestheader-client-ca-file={}", p(&pki.front_proxy_ca)),
                "--requestheader-allowed-names=front-proxy-client".into(),
                "--requestheader-username-headers=X-Remote-User".into(),
                "--requestheader-group-headers=X-Remote-Group".into(),
                "--requestheader-extra-headers-prefix=X-Remote-Extra-".into(),
                format!(
                    "--proxy-client-cert-file={}",
                    p(&pki.front_proxy_client.cert)
                ),
                format!("--proxy-client-key-file={}", p(&pki.front_proxy_client.key)),
                // pods/log → kwok: by InternalIP (never the wrong-address scenario's Hostname);
                // no --kubelet-certificate-authority, so the apiserver does not verify kwok.
                "--kubelet-preferred-address-types=InternalIP".into(),
                // The aggregator dials the Service's ready endpoint (the supervisor's EndpointSlice
                // → 127.0.0.1:<metrics-server port>), never its ClusterIP, which nothing routes.
                "--enable-aggregator-routing=true".into(),
                "--profiling=false".into(),
            ],
            &[],
        );
        let client = self.client.clone();
        self.poll_until("kube-apiserver /readyz", Duration::from_secs(120), "kube-apiserver", move |_| {
            let client = client.clone();
            async move {
                let req = http::Request::get("/readyz").body(Vec::new()).expect("request");
                matches!(tokio::time::timeout(Duration::from_secs(5), client.request_text(req)).await, Ok(Ok(t)) if t.trim() == "ok")
            }
        })
        .await;
        eprintln!(
            "[e2e] kube-apiserver ready at {:.1}s",
            t.elapsed().as_secs_f64()
        );

        let admin = p(&self.admin_kubeconfig);
        self.spawn(
            "kube-controller-manager",
            vec![
                format!("--kubeconfig={admin}"),
                "--leader-elect=false".into(),
                // The HPA controller reads the Metrics API like a real cluster's does, so HPAs go
                // blind (ScalingActive=False, FailedGetResourceMetric) and recover for real.
                "--controllers=deployment-controller,replicaset-controller,serviceaccount-controller,garbage-collector-controller,horizontal-pod-autoscaler-controller,certificatesigningrequest-signing-controller".into(),
                "--horizontal-pod-autoscaler-sync-period=5s".into(),
                // Signs approved CSRs (kubelet-serving among them) with the cluster CA.
                format!("--cluster-signing-cert-file={}", p(&pki.ca)),
                format!("--cluster-signing-key-file={}", p(&pki.ca_key)),
                "--secure-port=0".into(),
                "--use-service-account-credentials=false".into(),
            ],
            &[],
        );

        // kwok reads Logs from the API (one per metrics-server pod, made by the supervisor).
        let crd = self.bins.kwok_yaml("crd/bases/kwok.x-k8s.io_logs.yaml");
        let kubectl = self.bins.kubectl();
        let ran = run(
            &kubectl,
            &[
                "--kubeconfig",
                &admin,
                "apply",
                "--server-side",
                "-f",
                &p(&crd),
            ],
            Duration::from_secs(60),
        )
        .await;
        assert_eq!(
            ran.code,
            Some(0),
            "kubectl apply kwok Logs CRD: {}{}",
            ran.stdout,
            ran.stderr
        );
        let ran = run(
            &kubectl,
            &[
                "--kubeconfig",
                &admin,
                "wait",
                "--for=condition=established",
                "--timeout=60s",
                "crd/logs.kwok.x-k8s.io",
            ],
            Duration::from_secs(70),
        )
        .await;
        assert_eq!(
            ran.code,
            Some(0),
            "kubectl wait CRD established: {}{}",
            ran.stdout,
            ran.stderr
        );

        let cluster_logs = self.dir.join("kwok-cluster-logs.yaml");
        let workload_log = self.dir.join("pod-logs").join("workload.log");
        write(
            &workload_log,
            "2025-01-01T00:00:00.000000000Z stdout F workload started (kwok fake container)\n",
        );
        write(
            &cluster_logs,
            &format!(
                "apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: workload-logs
spec:
  selector:
    matchNamespaces:
    - default
  logs:
  - logsFile: {}
",
                workload_log.display()
            ),
        );
        let mut args = vec![
            format!("--kubeconfig={admin}"),
            "--manage-all-nodes=true".into(),
            format!("--server-address=127.0.0.1:{kwok}"),
            format!("--node-port={kwok}"),
            "--node-ip=127.0.0.1".into(),
            "--cidr=10.0.0.1/24".into(),
            format!("--tls-cert-file={}", p(&pki.kwok.cert)),
            format!("--tls-private-key-file={}", p(&pki.kwok.key)),
            "--enable-crds=Logs".into(),
        ];
        for y in [
            "stage/node/fast/node-initialize.yaml",
            "stage/node/heartbeat/node-heartbeat.yaml",
            "stage/pod/fast/pod-complete.yaml",
            "stage/pod/fast/pod-delete.yaml",
            "metrics/resource/metrics-resource.yaml",
            "metrics/usage/usage-from-annotation.yaml",
        ] {
            args.push(format!("--config={}", p(&self.bins.kwok_yaml(y))));
        }
        args.push(format!("--config={}", p(&self.pod_ready_stage())));
        args.push(format!("--config={}", p(&cluster_logs)));
        let workdir = p(&self.dir.join("kwok-work"));
        self.kwok_args = args.clone();
        self.spawn("kwok", args, &[("KWOK_WORKDIR", &workdir)]);
        self.poll_until(
            "kwok listening",
            Duration::from_secs(30),
            "kwok",
            |_| async move { listening(kwok) },
        )
        .await;
        eprintln!(
            "[e2e] control plane + kwok up at {:.1}s",
            t.elapsed().as_secs_f64()
        );
    }

    /// Restart kwok (the kubelets' HTTPS endpoint) with another serving certificate, as a
    /// kubelet does when its rotated serving certificate is issued.
    pub async fn restart_kwok_with_serving_cert(&mut self, cert_pem: &str, key_pem: &str) {
        let cert = self.dir.join("pki").join("kwok-serving-issued.crt");
        let key = self.dir.join("pki").join("kwok-serving-issued.key");
        write(&cert, cert_pem);
        write(&key, key_pem);
        let idx = self
            .procs
            .iter()
            .position(|p| p.name == "kwok")
            .expect("kwok runs");
        let mut old = self.procs.remove(idx);
        old.stop(Duration::from_secs(3));
        drop(old);
        let args: Vec<String> = self
            .kwok_args
            .iter()
            .map(|a| {
                if a.starts_with("--tls-cert-file=") {
                    format!("--tls-cert-file={}", cert.display())
                } else if a.starts_with("--tls-private-key-file=") {
                    format!("--tls-private-key-file={}", key.display())
                } else {
                    a.clone()
                }
            })
            .collect();
        let workdir = self.dir.join("kwok-work").display().to_string();
        // A second log file: Proc::spawn truncates.
        let p = Proc::spawn(
            "kwok",
            &self.bins.path("kwok"),
            &args,
            &[("KWOK_WORKDIR", &workdir)],
            &self.log("kwok-2"),
        );
        self.procs.push(p);
        let port = self.ports.kwok;
        self.poll_until(
            "kwok listening again",
            Duration::from_secs(30),
            "kwok",
            |_| async move { listening(port) },
        )
        .await;
    }

    /// A kubeconfig for node `node`'s kubelet identity (`system:node:<node>`).
    pub fn node_kubeconfig(&self, node: &str) -> PathBuf {
        let pair = &self
            .pki
            .nodes
            .iter()
            .find(|(n, _)| n == node)
            .expect("known node")
            .1;
        let path = self.dir.join(format!("{node}.kubeconfig"));
        write(
            &path,
            &kubeconfig(self.ports.apiserver, &self.pki.ca, node, pair),
        );
        path
    }

    /// kwok's `pod-ready` stage, except that a `metrics-server` container starts unready (as
    /// behind a kubelet whose readiness probe has not passed yet): the supervisor makes it Ready
    /// when the real process's `/readyz` passes. Without this, kwok would report the new pod of a
    /// rollout Ready at once and the Deployment would count it available before any probe.
    fn pod_ready_stage(&self) -> PathBuf {
        let stock = std::fs::read_to_string(self.bins.kwok_yaml("stage/pod/fast/pod-ready.yaml"))
            .expect("kwok pod-ready stage");
        let mut y = stock.clone();
        let mut edit = |from: &str, to: &str| {
            assert!(
                y.contains(from),
                "kwok's pod-ready stage changed: no {from:?}"
            );
            y = y.replacen(from, to, 1);
        };
        edit(
            "{{ $now := Now }}\n",
            "{{ $now := Now }}\n      {{ $probed := false }}{{ range .spec.containers }}{{ if eq .name \"metrics-server\" }}{{ $probed = true }}{{ end }}{{ end }}\n",
        );
        for t in ["Ready", "ContainersReady"] {
            edit(
                &format!("status: \"True\"\n        type: {t}\n"),
                &format!(
                    "status: {{{{ if $probed }}}}\"False\"{{{{ else }}}}\"True\"{{{{ end }}}}\n        type: {t}\n"
                ),
            );
        }
        // The first `ready: true` is in containerStatuses (initContainerStatuses follow).
        edit(
            "        ready: true\n",
            "        ready: {{ ne .name \"metrics-server\" }}\n",
        );
        let path = self.dir.join("kwok-pod-ready.yaml");
        write(&path, &y);
        path
    }

    /// Poll `check` every 200 ms; fail if `proc_name` dies meanwhile or on timeout.
    async fn poll_until<F, Fut>(
        &mut self,
        what: &str,
        timeout: Duration,
        proc_name: &str,
        mut check: F,
    ) where
        F: FnMut(()) -> Fut,
        Fut: Future<Output = bool>,
    {
        let start = Instant::now();
        loop {
            if check(()).await {
                return;
            }
            self.proc_mut(proc_name).assert_running();
            if start.elapsed() > timeout {
                panic!(
                    "timed out after {}s waiting for {what}; {proc_name} log tail:\n{}",
                    timeout.as_secs(),
                    proc::tail(&self.log(proc_name), 40)
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Nodes, workload pods, and the upstream v0.8 metrics-server objects.
    async fn install_objects(&mut self) {
        let t = Instant::now();
        let c = self.client.clone();
        let kwok = self.ports.kwok;
        let nodes: Api<Node> = Api::all(c.clone());
        let addresses: Vec<Value> = self
            .scenario
            .node_addresses()
            .into_iter()
            .map(|(t, a)| json!({"type": t, "address": a}))
            .collect();
        for n in NODES {
            create(
                &nodes,
                json!({
                    "apiVersion": "v1", "kind": "Node",
                    "metadata": {
                        "name": n,
                        "labels": {"kubernetes.io/hostname": n, "kubernetes.io/os": "linux",
                                   "kubernetes.io/arch": "amd64", "type": "kwok"},
                        "annotations": {"metrics.k8s.io/resource-metrics-path": format!("/metrics/nodes/{n}/metrics/resource"),
                                        "kwok.x-k8s.io/node": "fake"}
                    },
                    "status": {
                        "addresses": addresses,
                        "daemonEndpoints": {"kubeletEndpoint": {"Port": kwok}},
                        "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                        "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}
                    }
                }),
            )
            .await;
        }

        // metrics-server, as in the upstream v0.8.0 components.yaml (commonLabels k8s-app) or,
        // for `helm-chart`, as `helm install metrics-server metrics-server/metrics-server -n
        // monitoring` renders it (app.kubernetes.io/* labels, Helm annotations). The harness's
        // changes: the Service has no ClusterIP route and its endpoints come from the
        // supervisor's EndpointSlice (127.0.0.1:<host port>); the pod template is pinned with
        // nodeName (no scheduler).
        let ns = self.scenario.namespace();
        if ns != "kube-system" && ns != "default" {
            create(
                &Api::<Namespace>::all(c.clone()),
                json!({"metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}}}),
            )
            .await;
        }
        let mut labels = serde_json::Map::new();
        for (k, v) in self.scenario.object_labels() {
            labels.insert(k.into(), v.into());
        }
        let labels = Value::Object(labels);
        let mut selector = serde_json::Map::new();
        for (k, v) in self.scenario.selector_labels() {
            selector.insert(k.into(), v.into());
        }
        let selector = Value::Object(selector);
        let annotations = if self.scenario == Scenario::HelmChart {
            json!({"meta.helm.sh/release-name": HELM_RELEASE, "meta.helm.sh/release-namespace": ns})
        } else {
            json!({})
        };
        let meta = |name: &str, namespace: Option<&str>| {
            let mut m = json!({"name": name, "labels": labels, "annotations": annotations});
            if let Some(n) = namespace {
                m["namespace"] = n.into();
            }
            m
        };
        create(
            &Api::<ServiceAccount>::namespaced(c.clone(), ns),
            json!({"metadata": meta(MS_NAME, Some(ns))}),
        )
        .await;
        let cr: Api<ClusterRole> = Api::all(c.clone());
        let crb: Api<ClusterRoleBinding> = Api::all(c.clone());
        let mut reader_labels = labels.clone();
        for k in [
            "rbac.authorization.k8s.io/aggregate-to-view",
            "rbac.authorization.k8s.io/aggregate-to-edit",
            "rbac.authorization.k8s.io/aggregate-to-admin",
        ] {
            reader_labels[k] = "true".into();
        }
        let reader_name = if self.scenario == Scenario::HelmChart {
            "system:metrics-server-aggregated-reader"
        } else {
            "system:aggregated-metrics-reader"
        };
        create(
            &cr,
            json!({
                "metadata": {"name": reader_name, "labels": reader_labels, "annotations": annotations},
                "rules": [{"apiGroups": ["metrics.k8s.io"], "resources": ["pods", "nodes"], "verbs": ["get", "list", "watch"]}]
            }),
        )
        .await;
        create(
            &cr,
            json!({
                "metadata": meta("system:metrics-server", None),
                "rules": [
                    {"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]},
                    {"apiGroups": [""], "resources": ["pods", "nodes"], "verbs": ["get", "list", "watch"]}
                ]
            }),
        )
        .await;
        let sa_subject = json!([{"kind": "ServiceAccount", "name": MS_NAME, "namespace": ns}]);
        // The auth-reader RoleBinding lives in kube-system whatever the install namespace.
        create(
            &Api::<RoleBinding>::namespaced(c.clone(), "kube-system"),
            json!({
                "metadata": meta("metrics-server-auth-reader", Some("kube-system")),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "extension-apiserver-authentication-reader"},
                "subjects": sa_subject
            }),
        )
        .await;
        create(
            &crb,
            json!({
                "metadata": meta("metrics-server:system:auth-delegator", None),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:auth-delegator"},
                "subjects": sa_subject
            }),
        )
        .await;
        create(
            &crb,
            json!({
                "metadata": meta("system:metrics-server", None),
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:metrics-server"},
                "subjects": sa_subject
            }),
        )
        .await;
        // The manifest's Service, selector included: no endpointslice controller runs here, so
        // its only EndpointSlice is the supervisor's.
        create(
            &Api::<Service>::namespaced(c.clone(), ns),
            json!({
                "metadata": meta(MS_NAME, Some(ns)),
                "spec": {"type": "ClusterIP", "selector": selector,
                         "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                                    "targetPort": "https", "appProtocol": "https"}]}
            }),
        )
        .await;
        create(
            &Api::<APIService>::all(c.clone()),
            json!({
                "metadata": meta(APISERVICE, None),
                "spec": {"service": {"name": MS_NAME, "namespace": ns, "port": 443},
                         "group": "metrics.k8s.io", "version": "v1beta1", "insecureSkipTLSVerify": true,
                         "groupPriorityMinimum": 100, "versionPriority": 100}
            }),
        )
        .await;
        create(
            &Api::<Deployment>::namespaced(c.clone(), ns),
            json!({
                "metadata": meta(MS_NAME, Some(ns)),
                "spec": {
                    "selector": {"matchLabels": selector},
                    "strategy": {"rollingUpdate": {"maxUnavailable": 0}},
                    "template": {
                        "metadata": {"labels": labels},
                        "spec": {
                            "nodeName": NODES[0],
                            "serviceAccountName": MS_NAME,
                            "volumes": [{"name": "tmp-dir", "emptyDir": {}}],
                            "priorityClassName": "system-cluster-critical",
                            "containers": [{
                                "name": "metrics-server",
                                "image": "registry.k8s.io/metrics-server/metrics-server:v0.8.0",
                                "imagePullPolicy": "IfNotPresent",
                                "args": self.scenario.args(),
                                "resources": {"requests": {"cpu": "100m", "memory": "200Mi"}},
                                "ports": [{"name": "https", "containerPort": 10250, "protocol": "TCP"}],
                                "readinessProbe": {"httpGet": {"path": "/readyz", "port": "https", "scheme": "HTTPS"},
                                                   "periodSeconds": 10, "failureThreshold": 3, "initialDelaySeconds": 20},
                                "livenessProbe": {"httpGet": {"path": "/livez", "port": "https", "scheme": "HTTPS"},
                                                  "periodSeconds": 10, "failureThreshold": 3},
                                "securityContext": {"readOnlyRootFilesystem": true, "runAsNonRoot": true, "runAsUser": 1000,
                                                    "allowPrivilegeEscalation": false, "seccompProfile": {"type": "RuntimeDefault"},
                                                    "capabilities": {"drop": ["ALL"]}},
                                "volumeMounts": [{"name": "tmp-dir", "mountPath": "/tmp"}]
                            }],
                            "nodeSelector": {"kubernetes.io/os": "linux"}
                        }
                    }
                }
            }),
        )
        .await;

        // Kubelets may request certificates (kubeadm binds the same role for bootstrapping).
        create(
            &crb,
            json!({
                "metadata": {"name": "mstui-e2e:nodes-request-certificates"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:node-bootstrapper"},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:nodes"}]
            }),
        )
        .await;

        // The read-only user: get/list/watch everything (incl. the Metrics API) and read logs.
        create(
            &cr,
            json!({
                "metadata": {"name": "mstui-e2e:read-only"},
                "rules": [
                    {"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list", "watch"]},
                    {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}
                ]
            }),
        )
        .await;
        create(
            &crb,
            json!({
                "metadata": {"name": "mstui-e2e:read-only"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "mstui-e2e:read-only"},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": certs::VIEWER_GROUP}]
            }),
        )
        .await;

        // One Running workload pod per node, so every node has non-zero usage (kwok sums the
        // node's pods; metrics-server drops a node whose usage is 0). Needs the `default`
        // ServiceAccount, which the serviceaccount controller creates shortly after start.
        let pods: Api<Pod> = Api::namespaced(c.clone(), "default");
        for (i, n) in NODES.iter().enumerate() {
            let pod: Pod = obj(json!({
                "metadata": {"name": format!("workload-{n}"), "namespace": "default", "labels": {"app": "workload"},
                             "annotations": {"kwok.x-k8s.io/usage-cpu": format!("{}m", 150 + 100 * i),
                                             "kwok.x-k8s.io/usage-memory": format!("{}Mi", 300 + 200 * i)}},
                "spec": {"nodeName": n, "containers": [{"name": "app", "image": "registry.k8s.io/pause:3.10",
                          "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}]}
            }));
            let created = wait_for(
                &format!("create pod {}", pod.metadata.name.as_deref().unwrap_or("")),
                Duration::from_secs(60),
                Duration::from_millis(300),
                || {
                    let (pods, pod) = (pods.clone(), pod.clone());
                    async move {
                        pods.create(&PostParams::default(), &pod)
                            .await
                            .map_err(|e| e.to_string())
                    }
                },
            )
            .await;
            if let Err(e) = created {
                self.assert_alive();
                panic!("{e}");
            }
        }
        eprintln!("[e2e] objects created in {:.1}s", t.elapsed().as_secs_f64());
    }

    fn start_supervisor(&mut self) {
        let flags = HostFlags {
            binary: self.bins.path("metrics-server"),
            kubeconfig: self.metrics_server_kubeconfig.clone(),
            port: self.ports.metrics_server,
            cert_dir: self.dir.join("ms-certs"),
        };
        let target = Target {
            admin_kubeconfig: self.admin_kubeconfig.clone(),
            log_dir: self.dir.join("pod-logs"),
            namespace: self.scenario.namespace().into(),
            selector: self.scenario.selector(),
            service: MS_NAME.into(),
            labels: self
                .scenario
                .object_labels()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            run_process: self.scenario.runs_metrics_server(),
        };
        self.supervisor = Some(Supervisor::start(target, flags));
    }

    /// The namespace metrics-server is installed in.
    pub fn ns(&self) -> &'static str {
        self.scenario.namespace()
    }

    /// The metrics-server pod selector (`k=v,…`).
    pub fn ms_selector(&self) -> String {
        self.scenario.selector()
    }

    /// The metrics-server supervisor (always present after `start`).
    pub fn supervisor(&self) -> &Supervisor {
        self.supervisor.as_ref().expect("supervisor")
    }

    /// Stop kube-apiserver (and the supervisor, which talks to it): from a client's side the
    /// cluster is down, its address refuses connections. Drop still stops the rest.
    pub fn stop_apiserver(&mut self) {
        self.supervisor = None;
        self.proc_mut("kube-apiserver").stop(Duration::from_secs(3));
    }

    /// Append CRI-format lines to a metrics-server pod's log (what kwok serves for it).
    pub fn append_pod_log(&self, pod: &str, lines: &[&str]) {
        use std::io::Write;
        let path = self.dir.join("pod-logs").join(format!("{pod}.log"));
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
        for l in lines {
            writeln!(f, "2025-01-01T00:00:00.000000000Z stderr F {l}").expect("append pod log");
        }
    }

    /// The CRI log text of a metrics-server pod (what kwok serves for it).
    pub fn pod_log(&self, pod: &str) -> String {
        std::fs::read_to_string(self.dir.join("pod-logs").join(format!("{pod}.log")))
            .unwrap_or_default()
    }

    /// The log of the pod the supervisor currently runs metrics-server for.
    pub fn current_ms_log(&self) -> String {
        self.supervisor()
            .state()
            .pod
            .map(|p| self.pod_log(&p))
            .unwrap_or_default()
    }

    async fn wait_established(&mut self) {
        let t = Instant::now();
        let c = self.client.clone();
        let res = self.establish(&c).await;
        if let Err(e) = res {
            self.assert_alive();
            let st = self.supervisor().state();
            panic!(
                "scenario '{}' not established: {e}\nsupervisor: {st:?}\nmetrics-server log tail:\n{}",
                self.scenario.name(),
                tail_str(&self.current_ms_log(), 30)
            );
        }
        eprintln!(
            "[e2e] scenario '{}' established after {:.1}s of waiting",
            self.scenario.name(),
            t.elapsed().as_secs_f64()
        );
    }

    async fn establish(&self, c: &Client) -> Result<(), String> {
        let long = Duration::from_secs(120);
        let every = Duration::from_millis(300);
        wait_for("nodes Ready (kwok)", long, every, || nodes_ready(c.clone())).await?;
        wait_for("metrics-server pod Running", long, every, || {
            let c = c.clone();
            async move {
                let pods: Api<Pod> = Api::namespaced(c, self.ns());
                let l = pods
                    .list(&ListParams::default().labels(&self.ms_selector()))
                    .await
                    .map_err(|e| e.to_string())?;
                let running = l
                    .items
                    .iter()
                    .filter(|p| {
                        p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
                    })
                    .count();
                if running > 0 {
                    Ok(())
                } else {
                    Err(format!("{} pods, none Running", l.items.len()))
                }
            }
        })
        .await?;
        match self.scenario {
            Scenario::BackendDown => {
                wait_for(
                    "APIService Available=False (FailedDiscoveryCheck)",
                    long,
                    every,
                    || apiservice_reason(c.clone(), "False", "FailedDiscoveryCheck"),
                )
                .await?;
            }
            s => {
                let port = self.ports.metrics_server;
                wait_for("metrics-server listening", long, every, || async move {
                    if listening(port) {
                        Ok(())
                    } else {
                        Err("not listening".into())
                    }
                })
                .await?;
                let mut sigs: Vec<&str> = s.expected_log().into_iter().collect();
                if s.never_ready() {
                    // What metrics-server logs when the (supervisor's) readiness probe fails.
                    sigs.push(NO_METRICS_TO_SERVE);
                }
                for sig in sigs {
                    wait_for(&format!("log line '{sig}'"), long, every, || {
                        let log = self.current_ms_log();
                        async move {
                            if log.contains(sig) {
                                Ok(())
                            } else {
                                Err(format!("{} log lines", log.lines().count()))
                            }
                        }
                    })
                    .await?;
                }
                if s.never_ready() {
                    wait_for(
                        "APIService Available=False (MissingEndpoints)",
                        long,
                        every,
                        || apiservice_reason(c.clone(), "False", "MissingEndpoints"),
                    )
                    .await?;
                } else {
                    wait_for("APIService Available", long, every, || {
                        apiservice_condition(c.clone(), "True")
                    })
                    .await?;
                }
                if s == Scenario::Healthy {
                    wait_for(
                        "NodeMetrics for every node",
                        long,
                        Duration::from_secs(1),
                        || node_metrics_for_all(c.clone()),
                    )
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// Run the built kubectl with the admin kubeconfig.
    pub async fn kubectl(&self, args: &[&str]) -> super::Ran {
        let kc = self.admin_kubeconfig.display().to_string();
        let mut all = vec!["--kubeconfig", kc.as_str()];
        all.extend_from_slice(args);
        run(&self.bins.kubectl(), &all, Duration::from_secs(60)).await
    }

    /// Tail of every component log (printed when a test fails).
    pub fn dump_logs(&self) {
        for name in ["etcd", "kube-apiserver", "kube-controller-manager", "kwok"] {
            eprintln!(
                "----- {name} (last 25 lines) -----\n{}",
                proc::tail(&self.log(name), 25)
            );
        }
        if let Some(s) = &self.supervisor {
            let st = s.state();
            eprintln!("----- supervisor -----\n{st:?}");
            for (pod, file) in &st.log_files {
                eprintln!(
                    "----- metrics-server pod {pod} (last 25 lines) -----\n{}",
                    proc::tail(file, 25)
                );
            }
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let failed = std::thread::panicking();
        if failed {
            self.dump_logs();
        }
        // Supervisor first (it talks to the apiserver and owns metrics-server), then the rest.
        self.supervisor = None;
        while let Some(mut p) = self.procs.pop() {
            p.stop(Duration::from_secs(3));
        }
        let _ = std::fs::remove_dir_all(&self.shm);
        let keep = std::env::var_os("MSTUI_E2E_KEEP").is_some();
        if let Some(tmp) = self.tmp.take() {
            if keep || failed {
                let path = tmp.keep();
                eprintln!("[e2e] kept {} (logs, kubeconfigs, PKI)", path.display());
            }
        }
    }
}

/// Remove etcd data dirs on tmpfs left by test processes that were killed (SIGKILL skips `Drop`;
/// their children die by PR_SET_PDEATHSIG, but files stay). Owner: `<tmp>/<same name>/owner.pid`.
fn sweep_stale_shm(shm_root: &Path) {
    let Ok(entries) = std::fs::read_dir(shm_root) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if !name.to_string_lossy().starts_with("mstui-e2e-") {
            continue;
        }
        let pid_file = std::env::temp_dir().join(&name).join("owner.pid");
        let alive = std::fs::read_to_string(&pid_file)
            .ok()
            .and_then(|p| p.trim().parse::<i32>().ok())
            .is_some_and(|pid| unsafe { libc::kill(pid, 0) } == 0);
        if !alive {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

fn tail_str(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

async fn nodes_ready(c: Client) -> Result<(), String> {
    let nodes: Api<Node> = Api::all(c);
    let l = nodes
        .list(&ListParams::default())
        .await
        .map_err(|e| e.to_string())?;
    let ready = l
        .items
        .iter()
        .filter(|n| {
            n.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
        })
        .count();
    if ready == NODES.len() {
        Ok(())
    } else {
        Err(format!("{ready}/{} nodes Ready", NODES.len()))
    }
}

/// The APIService's Available condition: (status, reason, message).
pub async fn apiservice_available(c: Client) -> Result<(String, String, String), String> {
    let api: Api<APIService> = Api::all(c);
    let a = api.get(APISERVICE).await.map_err(|e| e.to_string())?;
    a.status
        .and_then(|s| s.conditions)
        .and_then(|cs| cs.into_iter().find(|c| c.type_ == "Available"))
        .map(|c| {
            (
                c.status,
                c.reason.unwrap_or_default(),
                c.message.unwrap_or_default(),
            )
        })
        .ok_or_else(|| "no Available condition yet".to_string())
}

/// Ok when the APIService's Available condition has `status` and `reason`.
pub async fn apiservice_reason(c: Client, status: &str, reason: &str) -> Result<(), String> {
    let (s, r, m) = apiservice_available(c).await?;
    if s == status && r == reason {
        Ok(())
    } else {
        Err(format!("Available={s} ({r}): {m}"))
    }
}

/// Wait for the APIService's Available condition to have `status`.
pub async fn apiservice_condition(c: Client, status: &str) -> Result<(), String> {
    let api: Api<APIService> = Api::all(c);
    let a = api.get(APISERVICE).await.map_err(|e| e.to_string())?;
    let cond = a
        .status
        .and_then(|s| s.conditions)
        .and_then(|cs| cs.into_iter().find(|c| c.type_ == "Available"));
    match cond {
        Some(c) if c.status == status => Ok(()),
        Some(c) => Err(format!(
            "Available={} {:?}: {:?}",
            c.status, c.reason, c.message
        )),
        None => Err("no Available condition yet".into()),
    }
}

/// Ok when the Metrics API lists every node.
pub async fn node_metrics_for_all(c: Client) -> Result<(), String> {
    let api: Api<mstui::metrics::NodeMetrics> = Api::all(c);
    let l = api
        .list(&ListParams::default())
        .await
        .map_err(|e| e.to_string())?;
    let names: Vec<String> = l
        .items
        .iter()
        .filter_map(|m| m.metadata.name.clone())
        .collect();
    if NODES.iter().all(|n| names.iter().any(|m| m == n)) {
        Ok(())
    } else {
        Err(format!("metrics for {names:?}"))
    }
}
