//! F01–F09: the APIService and the apiserver → metrics-server leg (triage §4 steps 1–2).

use super::{MAX_EXCERPTS, join};
use crate::diagnose::context::{Ctx, name_of, plural, pod_is_ready};
use crate::diagnose::finding::Finding;
use crate::install::FoundBy;
use crate::snapshot::METRICS_APISERVICE;
use crate::vocab::{RuleId, Severity};
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use regex::Regex;
use std::sync::LazyLock;

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    out.extend(f01_missing(ctx));
    out.extend(f02_other_backend(ctx));
    out.extend(f02_duplicates(ctx));
    out.extend(f03_service_not_found(ctx));
    out.extend(f04_port(ctx));
    out.extend(f05_endpoints(ctx));
    discovery(ctx, out);
}

fn f01_missing(ctx: &Ctx) -> Option<Finding> {
    // A failed read is not a missing object: the access rule reports it instead.
    if ctx.api.exists || ctx.failed("get", "apiservices").is_some() {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::ApiServiceMissing).with_evidence(format!(
        "APIService {METRICS_APISERVICE} not found: kubectl top answers \"Metrics API not available\""
    ));
    f = match &ctx.snap.install {
        Some(i) => f.with_evidence(format!(
            "metrics-server runs as Deployment {}/{} but nothing registers it",
            i.namespace, i.deployment
        )),
        None if ctx.failed("list", "deployments").is_some() => f.with_evidence(
            "Deployments could not be listed, so an unregistered metrics-server may exist",
        ),
        None => f.with_evidence(
            "no metrics-server Deployment found in any namespace (labels k8s-app=metrics-server, \
             app.kubernetes.io/name=metrics-server, app=rke2-metrics-server, or a metrics-server image)",
        ),
    };
    Some(f)
}

/// `namespace/name` of the Service the APIService points at.
fn service_ref(ctx: &Ctx) -> Option<(String, String, i32)> {
    let svc = ctx
        .snap
        .apiservice
        .as_ref()?
        .spec
        .as_ref()?
        .service
        .as_ref()?;
    Some((
        svc.namespace.clone().unwrap_or_default(),
        svc.name.clone().unwrap_or_default(),
        svc.port.unwrap_or(443),
    ))
}

/// The APIService points at a backend that is not the metrics-server install we found.
fn f02_other_backend(ctx: &Ctx) -> Option<Finding> {
    if !ctx.api.exists {
        return None;
    }
    let install = ctx.snap.install.as_ref();
    let Some((ns, name, _)) = service_ref(ctx) else {
        return Some(
            Finding::from_catalog(RuleId::ApiServiceConflict)
                .with_severity(Severity::Error)
                .with_evidence(format!(
                    "APIService {METRICS_APISERVICE} names no Service, so no metrics-server serves it"
                )),
        );
    };
    // Followed to a Deployment that runs metrics-server: that is ours, whatever its name.
    let served_by_metrics_server = install
        .is_some_and(|i| i.found_by == FoundBy::ApiService && i.image.contains("metrics-server"));
    if name.contains("metrics-server") || served_by_metrics_server {
        return None;
    }
    let ours = install
        .map(|i| format!(", not at metrics-server ({}/{})", i.namespace, i.deployment))
        .unwrap_or_default();
    let severity = if ctx.api.is_available() {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut f = Finding::from_catalog(RuleId::ApiServiceConflict)
        .with_severity(severity)
        .with_evidence(format!(
            "APIService {METRICS_APISERVICE} points at service {ns}/{name}{ours}"
        ));
    if let Some(line) = ctx.api.line() {
        f = f.with_evidence(line);
    }
    Some(f)
}

fn f02_duplicates(ctx: &Ctx) -> Option<Finding> {
    let others = &ctx.snap.other_installs;
    if others.is_empty() {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::ApiServiceConflict);
    if let Some(i) = &ctx.snap.install {
        f = f.with_evidence(format!(
            "serving install: Deployment {}/{} ({})",
            i.namespace,
            i.deployment,
            i.kind.label()
        ));
    }
    for o in others {
        f = f.with_evidence(format!(
            "another metrics-server install: Deployment {}/{} ({}, image {})",
            o.namespace,
            o.deployment,
            o.kind.label(),
            o.image
        ));
    }
    Some(f)
}

fn f03_service_not_found(ctx: &Ctx) -> Option<Finding> {
    if ctx.api.available != Some(false) || ctx.api.reason != "ServiceNotFound" {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::ServiceMissing).with_evidence(ctx.api.line()?);
    if let Some(i) = &ctx.snap.install {
        f = f.with_evidence(format!(
            "metrics-server Deployment {}/{} exists; its Service may have another name or namespace",
            i.namespace, i.deployment
        ));
    }
    Some(f)
}

fn f04_port(ctx: &Ctx) -> Option<Finding> {
    let (ns, name, port) = service_ref(ctx)?;
    let svc = ctx.snap.service.as_ref();
    let exposed = svc.map(service_ports).unwrap_or_default();
    let mismatch = svc.is_some() && !exposed.iter().any(|(p, _)| *p == port);
    let reported = ctx.api.available == Some(false) && ctx.api.reason == "ServicePortError";
    if !mismatch && !reported {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::ServicePortMismatch);
    if let Some(line) = ctx.api.line().filter(|_| reported) {
        f = f.with_evidence(line);
    }
    let listed: Vec<String> = exposed
        .iter()
        .map(|(p, n)| match n {
            Some(n) => format!("{p} ({n})"),
            None => p.to_string(),
        })
        .collect();
    if svc.is_some() {
        f = f.with_evidence(format!(
            "APIService wants port {port}; service {ns}/{name} exposes {}",
            if listed.is_empty() {
                "no ports".to_string()
            } else {
                join(&listed)
            }
        ));
    }
    Some(f)
}

fn service_ports(svc: &Service) -> Vec<(i32, Option<String>)> {
    svc.spec
        .as_ref()
        .and_then(|s| s.ports.as_ref())
        .map(|ports| ports.iter().map(|p| (p.port, p.name.clone())).collect())
        .unwrap_or_default()
}

/// F05: no endpoints, and the pods are not the reason (unready pods are F10–F14's business).
fn f05_endpoints(ctx: &Ctx) -> Option<Finding> {
    if !ctx.api.lacks_endpoints() {
        return None;
    }
    let pods: Vec<_> = ctx.live_pods().collect();
    if pods.iter().any(|p| !pod_is_ready(p)) || ctx.failed("list", "pods").is_some() {
        return None;
    }
    let f = Finding::from_catalog(RuleId::NoEndpoints).with_evidence(ctx.api.line()?);
    if pods.is_empty() {
        return no_pods(ctx, f);
    }
    Some(selector_or_port(ctx, f, &pods))
}

fn no_pods(ctx: &Ctx, f: Finding) -> Option<Finding> {
    let deployment = ctx.snap.deployment.as_ref();
    let replicas = deployment
        .and_then(|d| d.spec.as_ref()?.replicas)
        .unwrap_or(1);
    if replicas == 0 {
        let i = ctx.snap.install.as_ref()?;
        return Some(f.with_evidence(format!(
            "Deployment {}/{} is scaled to 0 replicas",
            i.namespace, i.deployment
        )));
    }
    // A ReplicaSet that cannot create pods is F10; say nothing twice.
    let failed_create = ctx
        .snap
        .events
        .iter()
        .any(|e| e.reason.as_deref() == Some("FailedCreate"));
    if failed_create {
        return None;
    }
    let selector = ctx
        .snap
        .service
        .as_ref()
        .and_then(|s| s.spec.as_ref()?.selector.as_ref())
        .map(|sel| {
            sel.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    Some(f.with_evidence(if ctx.snap.install.is_some() {
        format!(
            "no metrics-server pod exists that matches the Service selector {}",
            join(&selector)
        )
    } else {
        format!(
            "no metrics-server Deployment or pod was found for the Service selector {}",
            join(&selector)
        )
    }))
}

/// All pods are Ready yet there are no endpoints: the selector or the port name is off.
fn selector_or_port(
    ctx: &Ctx,
    mut f: Finding,
    pods: &[&k8s_openapi::api::core::v1::Pod],
) -> Finding {
    let spec = ctx.snap.service.as_ref().and_then(|s| s.spec.as_ref());
    let selector = spec.and_then(|s| s.selector.clone()).unwrap_or_default();
    let matches = |p: &&&k8s_openapi::api::core::v1::Pod| {
        let labels = p.metadata.labels.clone().unwrap_or_default();
        !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
    };
    if !pods.iter().any(|p| matches(&p)) {
        let wanted: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let have: Vec<String> = pods[0]
            .metadata
            .labels
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        return f.with_evidence(format!(
            "the Service selector {} matches none of the Ready pods; pod {} has labels {}",
            join(&wanted),
            name_of(pods[0]),
            join(&have)
        ));
    }
    let target = spec
        .and_then(|s| s.ports.as_ref())
        .and_then(|ps| ps.first())
        .and_then(|p| p.target_port.clone());
    let container_ports: Vec<String> = ctx
        .snap
        .deployment
        .as_ref()
        .and_then(|d| d.spec.as_ref()?.template.spec.as_ref())
        .map(|s| {
            s.containers
                .iter()
                .flat_map(|c| c.ports.iter().flatten())
                .filter_map(|p| p.name.clone())
                .collect()
        })
        .unwrap_or_default();
    if let Some(IntOrString::String(name)) = target
        && !container_ports.is_empty()
        && !container_ports.contains(&name)
    {
        f = f.with_evidence(format!(
            "the Service targets port name \"{name}\" but the containers name their ports {}",
            join(&container_ports)
        ));
    } else {
        f = f.with_evidence(format!(
            "{} Ready and selected by the Service, yet the endpoints have no address for the APIService port",
            plural(pods.len(), "pod")
        ));
    }
    f
}

static DISCOVERY_URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"https?://(\[[^\]]+\]|[^/:\s]+):(\d+)").expect("valid regex"));
static BAD_STATUS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"bad status from \S+: (40[13])").expect("valid regex"));

/// `FailedDiscoveryCheck`: the message says which leg broke (F06 network, F07/F09 auth, F08 TLS).
fn discovery(ctx: &Ctx, out: &mut Vec<Finding>) {
    if ctx.api.available != Some(false) || ctx.api.reason != "FailedDiscoveryCheck" {
        return;
    }
    let Some(line) = ctx.api.line() else { return };
    let msg = ctx.api.message.as_str();
    if msg.contains("x509") {
        out.push(f08_tls(ctx, line));
    } else if BAD_STATUS.is_match(msg) || msg.contains("Unauthorized") || msg.contains("Forbidden")
    {
        out.push(f07_auth(ctx, line.clone()));
        out.extend(f09_no_aggregation(ctx, line));
    } else {
        out.push(f06_unreachable(ctx, line));
    }
}

fn f06_unreachable(ctx: &Ctx, line: String) -> Finding {
    let mut f = Finding::from_catalog(RuleId::ApiserverCannotReachPod).with_evidence(line);
    if let Some(route) = routing_hint(ctx) {
        f = f.with_evidence(route);
    }
    let ready: Vec<&str> = ctx
        .live_pods()
        .filter(|p| pod_is_ready(p))
        .map(name_of)
        .collect();
    if !ready.is_empty() {
        f = f.with_evidence(format!(
            "metrics-server itself is Ready ({}): the block is between the control plane and the pod",
            join(&ready)
        ));
    }
    f
}

/// Which address the aggregator dialled tells the routing mode, and so what must be reachable.
fn routing_hint(ctx: &Ctx) -> Option<String> {
    let caps = DISCOVERY_URL.captures(&ctx.api.message)?;
    let host = caps[1].trim_matches(['[', ']']).to_string();
    let port = &caps[2];
    let pod = ctx
        .live_pods()
        .find(|p| p.status.as_ref().and_then(|s| s.pod_ip.as_deref()) == Some(host.as_str()));
    if let Some(pod) = pod {
        return Some(format!(
            "the API server dials pod {} at {host}:{port} directly (aggregator routing): the \
             control plane must reach the pod network on port {port}",
            name_of(pod)
        ));
    }
    let cluster_ip = ctx
        .snap
        .service
        .as_ref()
        .and_then(|s| s.spec.as_ref()?.cluster_ip.clone());
    (cluster_ip.as_deref() == Some(host.as_str())).then(|| {
        format!(
            "the API server dials the Service ClusterIP {host}:{port} (service routing): the \
             control-plane host needs working service routing (kube-proxy/CNI)"
        )
    })
}

fn f07_auth(ctx: &Ctx, line: String) -> Finding {
    let mut f = Finding::from_catalog(RuleId::ApiserverRequestsRejected).with_evidence(line);
    for l in ctx
        .logs
        .lines_of(RuleId::ApiserverRequestsRejected)
        .take(MAX_EXCERPTS)
    {
        f = f.with_evidence(l.excerpt.clone());
    }
    f
}

fn f09_no_aggregation(ctx: &Ctx, line: String) -> Option<Finding> {
    let hint = ctx.logs.lines_of(RuleId::AggregationNotConfigured).last()?;
    Some(
        Finding::from_catalog(RuleId::AggregationNotConfigured)
            .with_evidence(line)
            .with_evidence(hint.excerpt.clone()),
    )
}

fn f08_tls(ctx: &Ctx, line: String) -> Finding {
    let mut f = Finding::from_catalog(RuleId::ServingCertUntrusted).with_evidence(line);
    let spec = ctx.snap.apiservice.as_ref().and_then(|a| a.spec.as_ref());
    let skip = spec
        .and_then(|s| s.insecure_skip_tls_verify)
        .unwrap_or(false);
    let bundle = spec
        .and_then(|s| s.ca_bundle.as_ref())
        .map_or(0, |b| b.0.len());
    if !skip {
        f = f.with_evidence(format!(
            "the APIService verifies metrics-server's certificate (insecureSkipTLSVerify unset) \
             against a caBundle of {bundle} bytes"
        ));
    }
    f
}
