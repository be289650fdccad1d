//! Tests of fix plans against realistic Deployments: the upstream manifest, the Helm chart with
//! `defaultArgs` plus user args, the kube-up addon (`command:` + nanny), and a nanny-first layout.

use super::approve::KUBELET_SERVING_SIGNER;
use super::*;
use crate::install::FoundBy;
use crate::install::{Install, InstallKind};
use crate::vocab::RuleId;
use crate::vocab::{FixId, Prose, Version};
use k8s_openapi::ByteString;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::certificates::v1::{
    CertificateSigningRequestCondition, CertificateSigningRequestSpec,
    CertificateSigningRequestStatus,
};
use k8s_openapi::api::core::v1::Container;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{Value, json};

const IMAGE: &str = "registry.k8s.io/metrics-server/metrics-server:v0.7.2";

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn deployment(value: Value) -> Deployment {
    serde_json::from_value(value).expect("deployment fixture")
}

fn install(
    namespace: &str,
    name: &str,
    index: usize,
    kind: InstallKind,
    in_command: bool,
) -> Install {
    Install {
        namespace: namespace.into(),
        deployment: name.into(),
        container: "metrics-server".into(),
        container_index: index,
        image: IMAGE.into(),
        version: Some(Version::new(0, 7, 2)),
        kind,
        found_by: FoundBy::ApiService,
        flags_in_command: in_command,
    }
}

/// `manifests/base/deployment.yaml` (v0.7.x) as stored by the API server.
fn upstream_with_args(args: &[&str]) -> Deployment {
    deployment(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "metrics-server",
            "namespace": "kube-system",
            "resourceVersion": "4711",
            "labels": {"k8s-app": "metrics-server"}
        },
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "metrics-server"}},
            "strategy": {"rollingUpdate": {"maxUnavailable": 0}},
            "template": {
                "metadata": {"labels": {"k8s-app": "metrics-server"}},
                "spec": {
                    "serviceAccountName": "metrics-server",
                    "priorityClassName": "system-cluster-critical",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "containers": [{
                        "name": "metrics-server",
                        "image": IMAGE,
                        "imagePullPolicy": "IfNotPresent",
                        "args": args,
                        "ports": [{"containerPort": 10250, "name": "https", "protocol": "TCP"}],
                        "readinessProbe": {
                            "httpGet": {"path": "/readyz", "port": "https", "scheme": "HTTPS"},
                            "initialDelaySeconds": 20, "periodSeconds": 10, "failureThreshold": 3
                        },
                        "resources": {"requests": {"cpu": "100m", "memory": "200Mi"}},
                        "volumeMounts": [{"mountPath": "/tmp", "name": "tmp-dir"}]
                    }],
                    "volumes": [{"emptyDir": {}, "name": "tmp-dir"}]
                }
            }
        }
    }))
}

const UPSTREAM_ARGS: [&str; 5] = [
    "--cert-dir=/tmp",
    "--secure-port=10250",
    "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
    "--kubelet-use-node-status-port",
    "--metric-resolution=15s",
];

fn upstream() -> Deployment {
    upstream_with_args(&UPSTREAM_ARGS)
}

fn upstream_install() -> Install {
    install(
        "kube-system",
        "metrics-server",
        0,
        InstallKind::Manifest,
        false,
    )
}

/// kubernetes-sigs chart 3.12: `--secure-port`, `defaultArgs`, then the user's `args`
/// (here a user who tried to put Hostname first).
fn helm() -> Deployment {
    deployment(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "metrics-server",
            "namespace": "monitoring",
            "resourceVersion": "90210",
            "labels": {
                "app.kubernetes.io/instance": "metrics-server",
                "app.kubernetes.io/managed-by": "Helm",
                "app.kubernetes.io/name": "metrics-server",
                "app.kubernetes.io/version": "0.7.2",
                "helm.sh/chart": "metrics-server-3.12.2"
            },
            "annotations": {"meta.helm.sh/release-name": "metrics-server", "meta.helm.sh/release-namespace": "monitoring"}
        },
        "spec": {
            "selector": {"matchLabels": {"app.kubernetes.io/instance": "metrics-server", "app.kubernetes.io/name": "metrics-server"}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/instance": "metrics-server", "app.kubernetes.io/name": "metrics-server"}},
                "spec": {
                    "serviceAccountName": "metrics-server",
                    "containers": [{
                        "name": "metrics-server",
                        "image": IMAGE,
                        "args": [
                            "--secure-port=10250",
                            "--cert-dir=/tmp",
                            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                            "--kubelet-use-node-status-port",
                            "--metric-resolution=15s",
                            "--kubelet-preferred-address-types=Hostname"
                        ],
                        "ports": [{"containerPort": 10250, "name": "https", "protocol": "TCP"}]
                    }]
                }
            }
        }
    }))
}

fn helm_install() -> Install {
    let kind = InstallKind::Helm {
        release: Some("metrics-server".into()),
        chart: Some("metrics-server-3.12.2".into()),
    };
    install("monitoring", "metrics-server", 0, kind, false)
}

const KUBE_UP_COMMAND: [&str; 7] = [
    "/metrics-server",
    "--metric-resolution=30s",
    "--kubelet-port=10250",
    "--kubelet-insecure-tls",
    "--kubelet-preferred-address-types=InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP",
    "--cert-dir=/tmp",
    "--secure-port=10250",
];

/// `cluster/addons/metrics-server/metrics-server-deployment.yaml`: flags in `command:`, plus
/// the addon-resizer nanny (which has a `command:` of its own that must not be touched).
fn kube_up() -> Deployment {
    deployment(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "metrics-server-v0.7.2",
            "namespace": "kube-system",
            "resourceVersion": "31337",
            "labels": {"k8s-app": "metrics-server", "addonmanager.kubernetes.io/mode": "Reconcile", "version": "v0.7.2"}
        },
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "metrics-server", "version": "v0.7.2"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "metrics-server", "version": "v0.7.2"}},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "metrics-server",
                    "containers": [
                        {
                            "name": "metrics-server",
                            "image": IMAGE,
                            "command": KUBE_UP_COMMAND,
                            "ports": [{"containerPort": 10250, "name": "https", "protocol": "TCP"}]
                        },
                        {
                            "name": "metrics-server-nanny",
                            "image": "registry.k8s.io/autoscaling/addon-resizer:1.8.14",
                            "command": [
                                "/pod_nanny",
                                "--config-dir=/etc/config",
                                "--cpu=40m",
                                "--extra-cpu=0.5m",
                                "--memory=40Mi",
                                "--extra-memory=4Mi",
                                "--threshold=5",
                                "--deployment=metrics-server-v0.7.2",
                                "--container=metrics-server",
                                "--poll-period=30000",
                                "--estimator=exponential",
                                "--minClusterSize=16",
                                "--use-metrics=true"
                            ]
                        }
                    ]
                }
            }
        }
    }))
}

fn kube_up_install() -> Install {
    install(
        "kube-system",
        "metrics-server-v0.7.2",
        0,
        InstallKind::Addon,
        true,
    )
}

/// Nanny listed first (AKS-style sidecar order): metrics-server is container 1.
fn nanny_first() -> Deployment {
    let mut d = upstream();
    let spec = d.spec.as_mut().unwrap().template.spec.as_mut().unwrap();
    let nanny: Container = serde_json::from_value(json!({
        "name": "metrics-server-nanny",
        "image": "registry.k8s.io/autoscaling/addon-resizer:1.8.23",
        "command": ["/pod_nanny", "--config-dir=/etc/config", "--deployment=metrics-server", "--container=metrics-server"]
    }))
    .unwrap();
    spec.containers.insert(0, nanny);
    d
}

fn rendered(plan: &FixPlan) -> Vec<String> {
    plan.diff.iter().map(DiffLine::render).collect()
}

// --- arg fixes ----------------------------------------------------------------------------

#[test]
fn insecure_tls_on_the_upstream_manifest() {
    let plan = plan(FixId::KubeletInsecureTls, &upstream_install(), &upstream()).unwrap();
    assert_eq!(
        plan.sentence,
        "Add --kubelet-insecure-tls to container metrics-server of deployment kube-system/metrics-server"
    );
    assert_eq!(plan.fix, Some(FixId::KubeletInsecureTls));
    assert_eq!(plan.field, ArgsField::Args);
    assert_eq!(plan.resource_version, "4711");
    let mut after = v(&UPSTREAM_ARGS);
    after.push("--kubelet-insecure-tls".into());
    assert_eq!(plan.after, after);
    assert_eq!(
        rendered(&plan),
        [
            "  --cert-dir=/tmp",
            "  --secure-port=10250",
            "  --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "  --kubelet-use-node-status-port",
            "  --metric-resolution=15s",
            "+ --kubelet-insecure-tls",
        ]
    );
    assert_eq!(
        plan.patch,
        guarded(
            &plan,
            json!([
                "--cert-dir=/tmp",
                "--secure-port=10250",
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                "--kubelet-use-node-status-port",
                "--metric-resolution=15s",
                "--kubelet-insecure-tls"
            ])
        )
    );
    assert_eq!(plan.warnings.len(), 1);
    assert!(plan.warnings[0].contains("ServiceAccount token to whatever answers"));
    assert!(plan.warnings[0].contains("man-in-the-middle"));
    assert!(plan.problems.is_empty());
    assert!(plan.is_appliable());
    assert_eq!(plan.changed_lines(), (1, 0));
}

#[test]
fn insecure_tls_replaces_a_false_spelling() {
    let mut args = UPSTREAM_ARGS.to_vec();
    args.insert(1, "--kubelet-insecure-tls=false");
    let plan = plan(
        FixId::KubeletInsecureTls,
        &upstream_install(),
        &upstream_with_args(&args),
    )
    .unwrap();
    assert_eq!(plan.after[1], "--kubelet-insecure-tls");
    assert_eq!(plan.after.len(), 6);
    assert_eq!(
        rendered(&plan)[1..3],
        ["- --kubelet-insecure-tls=false", "+ --kubelet-insecure-tls"]
    );
}

#[test]
fn insecure_tls_with_a_ca_is_planned_but_not_appliable() {
    let mut args = UPSTREAM_ARGS.to_vec();
    args.push("--kubelet-certificate-authority=/etc/kubelet-ca/ca.crt");
    let plan = plan(
        FixId::KubeletInsecureTls,
        &upstream_install(),
        &upstream_with_args(&args),
    )
    .unwrap();
    assert!(!plan.is_appliable());
    assert_eq!(
        plan.problems[0].message,
        "cannot use both --kubelet-certificate-authority and --kubelet-insecure-tls"
    );
}

#[test]
fn insecure_tls_already_on_is_nothing_to_change() {
    let err = plan(FixId::KubeletInsecureTls, &kube_up_install(), &kube_up()).unwrap_err();
    assert_eq!(
        err,
        PlanError::NothingToChange(Prose::new(
            "--kubelet-insecure-tls is already on",
            "--kubelet-insecure-tls가 이미 켜져 있습니다"
        ))
    );
    assert_eq!(
        err.to_string(),
        "nothing to change: --kubelet-insecure-tls is already on"
    );
}

#[test]
fn drop_insecure_tls_in_the_kube_up_command_layout() {
    let plan = plan(
        FixId::DropKubeletInsecureTls,
        &kube_up_install(),
        &kube_up(),
    )
    .unwrap();
    assert_eq!(plan.field, ArgsField::Command);
    assert_eq!(plan.target.container_index, 0);
    assert_eq!(
        plan.sentence,
        "Remove --kubelet-insecure-tls from the command of container metrics-server of deployment \
         kube-system/metrics-server-v0.7.2"
    );
    assert_eq!(plan.before, v(&KUBE_UP_COMMAND));
    assert_eq!(
        plan.patch,
        guarded(
            &plan,
            json!([
                "/metrics-server",
                "--metric-resolution=30s",
                "--kubelet-port=10250",
                "--kubelet-preferred-address-types=InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP",
                "--cert-dir=/tmp",
                "--secure-port=10250"
            ])
        )
    );
    assert_eq!(
        rendered(&plan),
        [
            "  /metrics-server",
            "  --metric-resolution=30s",
            "  --kubelet-port=10250",
            "- --kubelet-insecure-tls",
            "  --kubelet-preferred-address-types=InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP",
            "  --cert-dir=/tmp",
            "  --secure-port=10250",
        ]
    );
    assert_eq!(plan.warnings.len(), 2);
    assert!(plan.warnings[0].contains("x509"));
    assert!(plan.warnings[1].contains("addon-manager (reconciled)"));
    assert!(plan.warnings[1].contains("F40"));
    assert!(plan.is_appliable());
}

#[test]
fn drop_insecure_tls_when_absent_is_nothing_to_change() {
    let err = plan(
        FixId::DropKubeletInsecureTls,
        &upstream_install(),
        &upstream(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "nothing to change: --kubelet-insecure-tls is not set"
    );
}

#[test]
fn kube_up_metric_resolution_never_touches_the_nanny() {
    let plan = plan(FixId::MetricResolution, &kube_up_install(), &kube_up()).unwrap();
    assert_eq!(plan.after[1], "--metric-resolution=15s");
    assert_eq!(plan.after[0], "/metrics-server");
    // Only the metrics-server container (index 0 here) is tested and changed; the nanny is not.
    assert_eq!(
        plan.patch[0]["path"],
        "/spec/template/spec/containers/0/name"
    );
    assert_eq!(plan.patch[0]["value"], "metrics-server");
    assert_eq!(
        plan.patch[2]["path"],
        "/spec/template/spec/containers/0/command"
    );
}

#[test]
fn metric_resolution_with_a_nanny_sidecar_first() {
    let mut args = UPSTREAM_ARGS.to_vec();
    args[4] = "--metric-resolution=5s";
    let mut d = nanny_first();
    let spec = d.spec.as_mut().unwrap().template.spec.as_mut().unwrap();
    spec.containers[1].args = Some(v(&args));
    // The install was located when metrics-server was container 0; it is found by name.
    let plan = plan(FixId::MetricResolution, &upstream_install(), &d).unwrap();
    assert_eq!(plan.target.container_index, 1);
    assert_eq!(
        plan.sentence,
        "Set --metric-resolution=15s in container metrics-server of deployment kube-system/metrics-server"
    );
    assert_eq!(
        plan.patch,
        guarded(
            &plan,
            json!([
                "--cert-dir=/tmp",
                "--secure-port=10250",
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                "--kubelet-use-node-status-port",
                "--metric-resolution=15s"
            ])
        )
    );
    assert_eq!(
        rendered(&plan)[4..],
        ["- --metric-resolution=5s", "+ --metric-resolution=15s"]
    );
    assert!(plan.is_appliable());
}

#[test]
fn metric_resolution_already_15s() {
    let err = plan(FixId::MetricResolution, &upstream_install(), &upstream()).unwrap_err();
    assert_eq!(
        err,
        PlanError::NothingToChange(Prose::new(
            "--metric-resolution is already 15s",
            "--metric-resolution이 이미 15s입니다"
        ))
    );
}

#[test]
fn metric_resolution_that_would_still_crash_is_not_appliable() {
    let mut args = UPSTREAM_ARGS.to_vec();
    args[4] = "--metric-resolution=10s";
    args.push("--kubelet-request-timeout=20s");
    let plan = plan(
        FixId::MetricResolution,
        &upstream_install(),
        &upstream_with_args(&args),
    )
    .unwrap();
    assert!(!plan.is_appliable());
    assert_eq!(plan.problems.len(), 1);
    assert_eq!(plan.problems[0].rule, RuleId::StartupExit);
    assert!(
        plan.problems[0]
            .message
            .contains("metric-resolution value 15s kubelet-request-timeout value 20s")
    );
}

#[test]
fn preferred_address_types_fixes_the_helm_duplicate() {
    let plan = plan(FixId::PreferredAddressTypes, &helm_install(), &helm()).unwrap();
    assert_eq!(
        plan.after,
        v(&[
            "--secure-port=10250",
            "--cert-dir=/tmp",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--kubelet-use-node-status-port",
            "--metric-resolution=15s",
        ])
    );
    assert_eq!(
        rendered(&plan),
        [
            "  --secure-port=10250",
            "  --cert-dir=/tmp",
            "  --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "  --kubelet-use-node-status-port",
            "  --metric-resolution=15s",
            "- --kubelet-preferred-address-types=Hostname",
        ]
    );
    assert_eq!(plan.resource_version, "90210");
    assert_eq!(plan.patch, guarded(&plan, json!(plan.after)));
    assert_eq!(
        plan.sentence,
        "Set --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname (one occurrence) in \
         container metrics-server of deployment monitoring/metrics-server"
    );
    assert!(
        plan.problems.is_empty(),
        "the F38 duplicate warning is gone: {:?}",
        plan.problems
    );
    assert!(plan.warnings[0].contains("IP SANs"));
    assert!(plan.warnings[1].contains("Helm release metrics-server"));
}

#[test]
fn preferred_address_types_single_correct_occurrence_is_nothing_to_change() {
    let err = plan(
        FixId::PreferredAddressTypes,
        &upstream_install(),
        &upstream(),
    )
    .unwrap_err();
    assert!(matches!(err, PlanError::NothingToChange(_)));
}

#[test]
fn preferred_address_types_added_when_absent_no_ip_san_warning_with_insecure_tls() {
    let d = upstream_with_args(&["--cert-dir=/tmp", "--kubelet-insecure-tls"]);
    let plan = plan(FixId::PreferredAddressTypes, &upstream_install(), &d).unwrap();
    assert_eq!(
        plan.after,
        v(&[
            "--cert-dir=/tmp",
            "--kubelet-insecure-tls",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname"
        ])
    );
    assert!(plan.warnings.is_empty());
}

#[test]
fn drop_legacy_port_flags_in_both_spellings() {
    let d = upstream_with_args(&[
        "--cert-dir=/tmp",
        "--kubelet-port",
        "10255",
        "--deprecated-kubelet-completely-insecure=true",
        "--kubelet-use-node-status-port",
        "--kubelet-port=10255",
    ]);
    let plan = plan(FixId::DropLegacyPortFlags, &upstream_install(), &d).unwrap();
    assert_eq!(
        plan.sentence,
        "Remove --kubelet-port=10255 and --deprecated-kubelet-completely-insecure from container \
         metrics-server of deployment kube-system/metrics-server"
    );
    assert_eq!(
        plan.patch,
        guarded(
            &plan,
            json!(["--cert-dir=/tmp", "--kubelet-use-node-status-port"])
        )
    );
    assert_eq!(
        rendered(&plan),
        [
            "  --cert-dir=/tmp",
            "- --kubelet-port",
            "- 10255",
            "- --deprecated-kubelet-completely-insecure=true",
            "  --kubelet-use-node-status-port",
            "- --kubelet-port=10255",
        ]
    );
}

#[test]
fn drop_legacy_port_keeps_a_custom_port() {
    let d = upstream_with_args(&[
        "--kubelet-port=10260",
        "--deprecated-kubelet-completely-insecure",
    ]);
    let plan = plan(FixId::DropLegacyPortFlags, &upstream_install(), &d).unwrap();
    assert_eq!(plan.after, v(&["--kubelet-port=10260"]));
    assert_eq!(
        plan.sentence,
        "Remove --deprecated-kubelet-completely-insecure from container metrics-server of deployment kube-system/metrics-server"
    );
    let err = plan_fn(FixId::DropLegacyPortFlags, &upstream());
    assert!(matches!(err, Err(PlanError::NothingToChange(_))));
}

fn plan_fn(fix: FixId, d: &Deployment) -> Result<FixPlan, PlanError> {
    plan(fix, &upstream_install(), d)
}

#[test]
fn removing_the_only_flag_sends_an_empty_list() {
    let d = upstream_with_args(&["--kubelet-insecure-tls"]);
    let plan = plan(FixId::DropKubeletInsecureTls, &upstream_install(), &d).unwrap();
    assert_eq!(plan.patch[2]["value"], json!([]));
}

// --- errors -----------------------------------------------------------------------------------

#[test]
fn missing_container() {
    let mut inst = upstream_install();
    inst.container = "ms".into();
    let err = plan(FixId::KubeletInsecureTls, &inst, &upstream()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "container ms not found in deployment kube-system/metrics-server"
    );
}

#[test]
fn missing_resource_version_refuses_to_plan() {
    let mut d = upstream();
    d.metadata.resource_version = None;
    let err = plan(FixId::KubeletInsecureTls, &upstream_install(), &d).unwrap_err();
    assert!(matches!(err, PlanError::NoResourceVersion { .. }));
}

#[test]
fn wrong_deployment() {
    let err = plan(FixId::KubeletInsecureTls, &upstream_install(), &kube_up()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the deployment given is kube-system/metrics-server-v0.7.2, but the plan is for kube-system/metrics-server"
    );
}

#[test]
fn flag_in_both_command_and_args_is_refused() {
    let mut d = kube_up();
    let spec = d.spec.as_mut().unwrap().template.spec.as_mut().unwrap();
    spec.containers[0].args = Some(v(&["--metric-resolution=20s"]));
    let err = plan(FixId::MetricResolution, &kube_up_install(), &d).unwrap_err();
    assert!(
        matches!(err, PlanError::SplitAcrossCommandAndArgs { ref flag, .. } if flag == "--metric-resolution")
    );
    // A flag only in args is edited there, the command stays.
    let plan = plan(FixId::DropKubeletInsecureTls, &kube_up_install(), &d).unwrap();
    assert_eq!(plan.field, ArgsField::Command);
}

#[test]
fn restart_and_csr_are_not_arg_fixes() {
    for fix in [FixId::RolloutRestart, FixId::ApproveKubeletCsrs] {
        assert!(!fix.edits_args());
        assert_eq!(
            plan(fix, &upstream_install(), &upstream()).unwrap_err(),
            PlanError::NotAnArgFix(fix)
        );
    }
    assert!(FixId::MetricResolution.edits_args());
}

// --- free-form edit and undo ------------------------------------------------------------------

#[test]
fn edit_with_an_invalid_resolution_is_not_appliable() {
    let mut args = v(&UPSTREAM_ARGS);
    args[4] = "--metric-resolution=5s".into();
    let plan = plan_edit(&upstream_install(), &upstream(), args).unwrap();
    assert_eq!(plan.fix, None);
    assert!(!plan.is_appliable());
    assert_eq!(
        plan.problems[0].message,
        "metric-resolution should be a time duration at least 10s, but value 5s provided"
    );
    assert_eq!(
        plan.sentence,
        "Replace the args of container metrics-server of deployment kube-system/metrics-server"
    );
    assert_eq!(plan.changed_lines(), (1, 1));
}

#[test]
fn edit_that_enables_insecure_tls_warns() {
    let mut args = v(&UPSTREAM_ARGS);
    args.push("--kubelet-insecure-tls".into());
    let plan = plan_edit(&upstream_install(), &upstream(), args).unwrap();
    assert!(plan.is_appliable());
    assert!(plan.warnings[0].contains("man-in-the-middle"));
}

#[test]
fn edit_of_the_command_layout_keeps_the_binary() {
    let (field, flags) = editable_flags(&kube_up_install(), &kube_up()).unwrap();
    assert_eq!(field, ArgsField::Command);
    assert_eq!(flags, v(&KUBE_UP_COMMAND[1..]));
    let mut edited = flags.clone();
    edited.push("--logtostderr".into());
    let plan = plan_edit(&kube_up_install(), &kube_up(), edited).unwrap();
    assert_eq!(plan.after[0], "/metrics-server");
    assert_eq!(plan.after.len(), 8);
    assert_eq!(plan.patch, guarded(&plan, json!(plan.after)));
    assert!(!plan.is_appliable(), "klog flags crash v0.7");
    assert!(
        plan.problems[0]
            .message
            .starts_with("unknown flag: --logtostderr")
    );
}

#[test]
fn unchanged_edit_is_nothing_to_change() {
    let err = plan_edit(&upstream_install(), &upstream(), v(&UPSTREAM_ARGS)).unwrap_err();
    assert_eq!(err.to_string(), "nothing to change: the args are unchanged");
}

/// The Deployment as the API server returns it after `plan` was applied.
fn applied(plan: &FixPlan, d: &Deployment, rv: &str) -> Deployment {
    let mut d = d.clone();
    d.metadata.resource_version = Some(rv.into());
    let c = &mut d
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[plan.target.container_index];
    match plan.field {
        ArgsField::Args => c.args = Some(plan.after.clone()),
        ArgsField::Command => c.command = Some(plan.after.clone()),
    }
    d
}

#[test]
fn undo_restores_the_exact_previous_list() {
    let fix = plan(FixId::PreferredAddressTypes, &helm_install(), &helm()).unwrap();
    let now = applied(&fix, &helm(), "90300");
    let undo = plan_undo(&fix, &now).unwrap();
    assert_eq!(undo.fix, None);
    assert_eq!(undo.after, fix.before);
    assert_eq!(undo.before, fix.after);
    assert_eq!(undo.resource_version, "90300");
    // The undo tests the list as the fix left it and puts back the exact earlier list.
    assert_eq!(undo.patch[1]["value"], json!(fix.after));
    assert_eq!(undo.patch[2]["value"], json!(fix.before));
    assert_eq!(
        rendered(&undo).last().unwrap(),
        "+ --kubelet-preferred-address-types=Hostname"
    );
    assert_eq!(
        undo.sentence,
        "Restore the previous args of container metrics-server of deployment monitoring/metrics-server"
    );
    assert!(undo.warnings.is_empty());
    // The restored flags carry the old F38 warning, which does not block.
    assert_eq!(undo.problems[0].rule, RuleId::MisleadingFlag);
    assert!(undo.is_appliable());
}

#[test]
fn undo_of_a_command_fix_and_after_later_edits() {
    let fix = plan(
        FixId::DropKubeletInsecureTls,
        &kube_up_install(),
        &kube_up(),
    )
    .unwrap();
    let mut now = applied(&fix, &kube_up(), "31400");
    let undo = plan_undo(&fix, &now).unwrap();
    assert_eq!(undo.field, ArgsField::Command);
    assert_eq!(undo.after, v(&KUBE_UP_COMMAND));
    // Someone edited the command after the fix.
    let c = &mut now
        .spec
        .as_mut()
        .unwrap()
        .template
        .spec
        .as_mut()
        .unwrap()
        .containers[0];
    c.command.as_mut().unwrap().push("--v=4".into());
    let undo = plan_undo(&fix, &now).unwrap();
    assert!(undo.warnings[0].contains("changed since this fix was applied"));
    // Nothing to undo when already back.
    let err = plan_undo(&fix, &kube_up()).unwrap_err();
    assert!(matches!(err, PlanError::NothingToChange(_)));
}

// --- restart --------------------------------------------------------------------------------

#[test]
fn restart_patch_sets_the_kubectl_annotation() {
    let now: jiff::Timestamp = "2025-03-04T05:06:07.891Z".parse().unwrap();
    let r = plan_restart(&upstream_install(), &upstream(), now);
    assert_eq!(r.restarted_at, "2025-03-04T05:06:07Z");
    assert_eq!(
        r.patch,
        json!({"spec": {"template": {"metadata": {"annotations": {
            "kubectl.kubernetes.io/restartedAt": "2025-03-04T05:06:07Z"
        }}}}})
    );
    assert_eq!(
        r.sentence,
        "Restart deployment kube-system/metrics-server (rolling replacement of its pods)"
    );
    assert!(r.warnings.is_empty());
    let mut paused = upstream();
    paused.spec.as_mut().unwrap().paused = Some(true);
    assert!(plan_restart(&upstream_install(), &paused, now).warnings[0].contains("paused"));
}

// --- CSR approval -------------------------------------------------------------------------

fn csr(
    name: &str,
    signer: &str,
    username: &str,
    pem: &str,
    condition: Option<&str>,
) -> CertificateSigningRequest {
    CertificateSigningRequest {
        metadata: ObjectMeta {
            name: Some(name.into()),
            resource_version: Some(format!("rv-{name}")),
            ..Default::default()
        },
        spec: CertificateSigningRequestSpec {
            request: ByteString(pem.as_bytes().to_vec()),
            signer_name: signer.into(),
            username: Some(username.into()),
            groups: Some(vec!["system:nodes".into(), "system:authenticated".into()]),
            usages: Some(vec!["digital signature".into(), "server auth".into()]),
            ..Default::default()
        },
        status: condition.map(|t| CertificateSigningRequestStatus {
            conditions: Some(vec![CertificateSigningRequestCondition {
                type_: t.into(),
                status: "True".into(),
                ..Default::default()
            }]),
            ..Default::default()
        }),
    }
}

#[test]
fn approve_pending_kubelet_serving_csrs() {
    use crate::fix::csr::tests::kubelet_csr_pem;
    let pem1 = kubelet_csr_pem("node-1", &["node-1"], &["10.0.0.11"]);
    let pem2 = kubelet_csr_pem("node-2", &["node-2"], &["10.0.0.12"]);
    let csrs = [
        csr(
            "csr-b",
            KUBELET_SERVING_SIGNER,
            "system:node:node-2",
            &pem2,
            None,
        ),
        csr(
            "csr-a",
            KUBELET_SERVING_SIGNER,
            "system:node:node-1",
            &pem1,
            None,
        ),
        csr(
            "csr-old",
            KUBELET_SERVING_SIGNER,
            "system:node:node-1",
            &pem1,
            Some("Approved"),
        ),
        csr(
            "csr-denied",
            KUBELET_SERVING_SIGNER,
            "system:node:node-1",
            &pem1,
            Some("Denied"),
        ),
        csr(
            "csr-client",
            "kubernetes.io/kube-apiserver-client-kubelet",
            "system:node:node-3",
            &pem1,
            None,
        ),
    ];
    let plan = plan_approve_csrs(&csrs).unwrap();
    assert_eq!(
        plan.sentence,
        "Approve 2 pending kubelet-serving CSRs (nodes node-1, node-2)"
    );
    let names: Vec<&str> = plan.csrs.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["csr-a", "csr-b"]);
    let a = &plan.csrs[0];
    assert_eq!(a.node.as_deref(), Some("node-1"));
    let req = a.request.as_ref().unwrap();
    assert_eq!(req.dns_names, ["node-1"]);
    assert_eq!(req.ip_addresses, ["10.0.0.11"]);
    assert!(a.concerns.is_empty(), "{:?}", a.concerns);
    assert_eq!(
        a.condition,
        json!({
            "type": "Approved",
            "status": "True",
            "reason": "MstuiApprove",
            "message": "Approved with mstui: kubelet serving certificate for node node-1"
        })
    );
    assert_eq!(a.body["apiVersion"], "certificates.k8s.io/v1");
    assert_eq!(a.body["kind"], "CertificateSigningRequest");
    assert_eq!(a.body["metadata"]["name"], "csr-a");
    assert_eq!(a.body["metadata"]["resourceVersion"], "rv-csr-a");
    assert_eq!(a.body["status"]["conditions"], json!([a.condition]));
    assert_eq!(a.body["spec"]["signerName"], KUBELET_SERVING_SIGNER);
    assert!(plan.warnings[0].contains("does not check them against the node"));
}

#[test]
fn suspicious_csr_gets_concerns() {
    use crate::fix::csr::tests::kubelet_csr_pem;
    let pem = kubelet_csr_pem("node-9", &["kubernetes.default.svc"], &[]);
    let plan = plan_approve_csrs(&[csr(
        "csr-x",
        KUBELET_SERVING_SIGNER,
        "system:node:node-1",
        &pem,
        None,
    )])
    .unwrap();
    assert_eq!(
        plan.sentence,
        "Approve 1 pending kubelet-serving CSR (node node-1)"
    );
    assert_eq!(
        plan.csrs[0].concerns,
        ["subject CN system:node:node-9 does not match the requesting node"]
    );

    let plan = plan_approve_csrs(&[csr(
        "csr-y",
        KUBELET_SERVING_SIGNER,
        "alice",
        "garbage",
        None,
    )])
    .unwrap();
    let c = &plan.csrs[0];
    assert_eq!(c.node, None);
    assert_eq!(c.request, None);
    assert_eq!(c.concerns.len(), 2);
    assert!(c.concerns[0].starts_with("requested by alice"));
    assert!(c.concerns[1].contains("not shown"));
    assert_eq!(plan.sentence, "Approve 1 pending kubelet-serving CSR");
}

#[test]
fn no_pending_csrs_is_none() {
    assert_eq!(plan_approve_csrs(&[]), None);
    let approved = csr(
        "c",
        KUBELET_SERVING_SIGNER,
        "system:node:n",
        "",
        Some("Approved"),
    );
    assert_eq!(plan_approve_csrs(&[approved]), None);
}

#[test]
fn plan_errors_speak_both_languages_and_keep_the_flag_names() {
    let errors = [
        PlanError::NothingToChange(Prose::new(
            "--kubelet-insecure-tls is already on",
            "--kubelet-insecure-tls가 이미 켜져 있습니다",
        )),
        PlanError::SplitAcrossCommandAndArgs {
            flag: "--kubelet-insecure-tls".into(),
            container: "metrics-server".into(),
        },
        PlanError::NotAnArgFix(FixId::RolloutRestart),
    ];
    for e in errors {
        let p = e.prose();
        assert_eq!(p.en, e.to_string());
        assert!(
            p.ko.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)),
            "{p:?}"
        );
        for word in p.en.split(' ').filter(|w| w.starts_with("--")) {
            assert!(p.ko.contains(word.trim_end_matches(',')), "{word} in {p:?}");
        }
    }
}

#[test]
fn checked_approval_refuses_names_the_node_does_not_have() {
    use crate::fix::csr::tests::kubelet_csr_pem;
    let node = |name: &str, ip: &str| -> k8s_openapi::api::core::v1::Node {
        serde_json::from_value(json!({
            "metadata": {"name": name},
            "status": {"addresses": [{"type": "InternalIP", "address": ip},
                                     {"type": "Hostname", "address": name}]}
        }))
        .unwrap()
    };
    let nodes = [node("node-1", "10.0.0.11"), node("node-2", "10.0.0.12")];
    let good = kubelet_csr_pem("node-1", &["node-1"], &["10.0.0.11"]);
    let wrong_ip = kubelet_csr_pem("node-2", &["node-2"], &["10.9.9.9"]);
    let wrong_dns = kubelet_csr_pem("node-2", &["evil.example.com"], &["10.0.0.12"]);
    let ghost = kubelet_csr_pem("node-7", &["node-7"], &["10.0.0.17"]);
    let user = |n: &str| format!("system:node:{n}");
    let csrs = [
        csr("a", KUBELET_SERVING_SIGNER, &user("node-1"), &good, None),
        csr(
            "b",
            KUBELET_SERVING_SIGNER,
            &user("node-2"),
            &wrong_ip,
            None,
        ),
        csr(
            "c",
            KUBELET_SERVING_SIGNER,
            &user("node-2"),
            &wrong_dns,
            None,
        ),
        csr("d", KUBELET_SERVING_SIGNER, &user("node-7"), &ghost, None),
    ];
    let (plan, refused) = plan_approve_csrs_checked(&csrs, &nodes);
    let plan = plan.expect("csr a is approvable");
    let names: Vec<&str> = plan.csrs.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["a"]);
    assert!(plan.warnings[0].contains("were checked against its node"));
    let why: Vec<(&str, String)> = refused
        .iter()
        .map(|r| (r.name.as_str(), r.reasons.join("; ")))
        .collect();
    assert_eq!(
        why,
        [
            (
                "b",
                "asks for IP 10.9.9.9, which is not an address of node node-2 (10.0.0.12)".into()
            ),
            (
                "c",
                "asks for DNS name evil.example.com, which is not a name of node node-2 (node-2)"
                    .into()
            ),
            ("d", "node node-7 does not exist".into()),
        ]
    );
}

/// The JSON patch an args plan sends: `test` the container's name at its index and its current
/// list, then replace the list.
fn guarded(plan: &FixPlan, list: serde_json::Value) -> serde_json::Value {
    let base = format!(
        "/spec/template/spec/containers/{}",
        plan.target.container_index
    );
    let path = format!("{base}/{}", plan.field.key());
    json!([
        {"op": "test", "path": format!("{base}/name"), "value": plan.target.container},
        {"op": "test", "path": path, "value": plan.before},
        {"op": "replace", "path": path, "value": list},
    ])
}

#[test]
fn the_first_args_patch_is_spelled_out() {
    let plan = plan(FixId::KubeletInsecureTls, &upstream_install(), &upstream()).unwrap();
    assert_eq!(
        plan.patch,
        json!([
            {"op": "test", "path": "/spec/template/spec/containers/0/name", "value": "metrics-server"},
            {"op": "test", "path": "/spec/template/spec/containers/0/args", "value": [
                "--cert-dir=/tmp",
                "--secure-port=10250",
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                "--kubelet-use-node-status-port",
                "--metric-resolution=15s"
            ]},
            {"op": "replace", "path": "/spec/template/spec/containers/0/args", "value": [
                "--cert-dir=/tmp",
                "--secure-port=10250",
                "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
                "--kubelet-use-node-status-port",
                "--metric-resolution=15s",
                "--kubelet-insecure-tls"
            ]},
        ])
    );
}

#[test]
fn an_absent_list_is_tested_against_null_and_added() {
    let mut d = upstream();
    let spec = d.spec.as_mut().unwrap().template.spec.as_mut().unwrap();
    spec.containers[0].args = None;
    let plan = plan(FixId::KubeletInsecureTls, &upstream_install(), &d).unwrap();
    assert_eq!(plan.patch[1]["value"], serde_json::Value::Null);
    assert_eq!(plan.patch[2]["op"], "add");
    assert_eq!(plan.patch[2]["value"], json!(["--kubelet-insecure-tls"]));
}
