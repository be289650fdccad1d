//! F10–F14 and F32: the metrics-server pod itself (triage §4 step 3), in the order a pod lives:
//! scheduled, image pulled, started, stays alive, becomes Ready.

use super::MAX_EXCERPTS;
use crate::diagnose::context::{Ctx, name_of, plural, pod_condition, pod_is_ready, pod_phase};
use crate::diagnose::finding::Finding;
use crate::vocab::{RuleId, Severity};
use k8s_openapi::api::core::v1::{ContainerStateTerminated, Event, Pod};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    out.extend(f10_no_pods(ctx));
    for pod in ctx.live_pods() {
        if let Some(f) = f10_unschedulable(ctx, pod)
            .or_else(|| f11_image(ctx, pod))
            .or_else(|| f13_killed(ctx, pod))
            .or_else(|| f12_crash(ctx, pod))
        {
            out.push(f);
            continue;
        }
        out.extend(f13_history(ctx, pod));
        out.extend(f14_not_ready(ctx, pod));
        out.extend(f32_warm_up(ctx, pod));
    }
}

/// Start a pod finding with the chain above it: the APIService line when the API is down.
fn pod_finding(ctx: &Ctx, id: RuleId, pod: &Pod) -> Finding {
    let mut f = Finding::from_catalog(id);
    if ctx.api.available == Some(false)
        && let Some(line) = ctx.api.line()
    {
        f = f.with_evidence(line);
    }
    f.with_evidence(ctx.pod_line(pod))
}

/// Events about `pod` (or its ReplicaSet) with `reason`, newest last, as evidence lines.
fn events_about<'e>(ctx: &'e Ctx, object: &str, reason: &str, prefix: &str) -> Vec<&'e Event> {
    let mut found: Vec<&Event> = ctx
        .snap
        .events
        .iter()
        .filter(|e| e.involved_object.name.as_deref() == Some(object))
        .filter(|e| e.reason.as_deref() == Some(reason))
        .filter(|e| e.message.as_deref().unwrap_or_default().starts_with(prefix))
        .collect();
    found.sort_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
    found
}

pub(crate) fn event_line(e: &Event) -> String {
    let count = e.count.unwrap_or(1);
    let times = if count > 1 {
        format!(" ×{count}")
    } else {
        String::new()
    };
    format!(
        "event {}{times} on {} {}: {}",
        e.reason.as_deref().unwrap_or_default(),
        e.involved_object
            .kind
            .as_deref()
            .unwrap_or_default()
            .to_lowercase(),
        e.involved_object.name.as_deref().unwrap_or_default(),
        e.message.as_deref().unwrap_or_default().trim()
    )
}

/// The Deployment wants pods but has none: admission or quota refused them.
fn f10_no_pods(ctx: &Ctx) -> Option<Finding> {
    if ctx.live_pods().next().is_some() || ctx.failed("list", "pods").is_some() {
        return None;
    }
    let install = ctx.snap.install.as_ref()?;
    let wanted = ctx
        .snap
        .deployment
        .as_ref()
        .and_then(|d| d.spec.as_ref()?.replicas)
        .unwrap_or(1);
    let refused: Vec<&Event> = ctx
        .snap
        .events
        .iter()
        .filter(|e| e.reason.as_deref() == Some("FailedCreate"))
        .collect();
    if wanted == 0 || refused.is_empty() {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::PodNotScheduled);
    if let Some(line) = ctx.api.line().filter(|_| !ctx.api.is_available()) {
        f = f.with_evidence(line);
    }
    f = f.with_evidence(format!(
        "Deployment {}/{} wants {} but has no pods",
        install.namespace,
        install.deployment,
        plural(usize::try_from(wanted).unwrap_or(0), "replica")
    ));
    Some(
        refused
            .into_iter()
            .fold(f, |f, e| f.with_evidence(event_line(e))),
    )
}

fn f10_unschedulable(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    let (status, message) = pod_condition(pod, "PodScheduled")?;
    if pod_phase(pod) != "Pending" || status != "False" {
        return None;
    }
    let mut f = pod_finding(ctx, RuleId::PodNotScheduled, pod);
    if let Some(m) = message {
        f = f.with_evidence(format!("PodScheduled=False: {m}"));
    }
    for e in events_about(ctx, name_of(pod), "FailedScheduling", "")
        .into_iter()
        .rev()
        .take(1)
    {
        f = f.with_evidence(event_line(e));
    }
    Some(f)
}

const PULL_FAILURES: [&str; 4] = [
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "ErrImageNeverPull",
];

fn f11_image(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    let status = ctx.ms_status(pod)?;
    let waiting = status.state.as_ref()?.waiting.as_ref()?;
    let reason = waiting.reason.as_deref()?;
    if !PULL_FAILURES.contains(&reason) {
        return None;
    }
    let mut f =
        pod_finding(ctx, RuleId::ImagePull, pod).with_evidence(format!("image {}", status.image));
    if let Some(m) = &waiting.message {
        f = f.with_evidence(format!("{reason}: {m}"));
    }
    for e in events_about(ctx, name_of(pod), "Failed", "Failed to pull image")
        .into_iter()
        .rev()
        .take(1)
    {
        f = f.with_evidence(event_line(e));
    }
    Some(f)
}

fn last_termination(ctx: &Ctx, pod: &Pod) -> Option<ContainerStateTerminated> {
    ctx.ms_status(pod)?.last_state.as_ref()?.terminated.clone()
}

fn termination_line(t: &ContainerStateTerminated) -> String {
    let mut s = format!(
        "last termination: {} (exit code {})",
        t.reason.as_deref().unwrap_or("unknown reason"),
        t.exit_code
    );
    if let Some(at) = &t.finished_at {
        s.push_str(&format!(" at {}", at.0));
    }
    if let Some(m) = t.message.as_deref().filter(|m| !m.trim().is_empty()) {
        s.push_str(&format!(": {}", m.trim()));
    }
    s
}

fn crash_looping(ctx: &Ctx, pod: &Pod) -> bool {
    ctx.ms_status(pod)
        .and_then(|s| s.state.as_ref()?.waiting.as_ref()?.reason.as_deref())
        == Some("CrashLoopBackOff")
}

/// F13 while the pod is down: OOM kills or liveness restarts explain the crash loop.
fn f13_killed(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    if pod_is_ready(pod) {
        return None;
    }
    let oom = last_termination(ctx, pod).filter(|t| t.reason.as_deref() == Some("OOMKilled"));
    let liveness = events_about(ctx, name_of(pod), "Unhealthy", "Liveness probe failed");
    if oom.is_none() && liveness.is_empty() {
        return None;
    }
    Some(f13_evidence(
        ctx,
        pod_finding(ctx, RuleId::Killed, pod),
        pod,
        oom,
        &liveness,
    ))
}

/// F13 on a pod that is Ready again: it was killed before and may be again. A warning while
/// the kill is recent (within the hour), information once it is old news.
fn f13_history(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    if !pod_is_ready(pod) {
        return None;
    }
    let oom = last_termination(ctx, pod).filter(|t| t.reason.as_deref() == Some("OOMKilled"));
    let timely = ctx.logs.latest(RuleId::Killed, ctx.now, ctx.recent());
    if oom.is_none() && timely.is_none() {
        return None;
    }
    let recent_oom = oom
        .as_ref()
        .and_then(|t| t.finished_at.as_ref())
        .is_some_and(|at| ctx.now.duration_since(at.0) < jiff::SignedDuration::from_hours(1));
    let severity = if recent_oom || timely.is_some() {
        Severity::Warning
    } else {
        Severity::Info
    };
    let mut f = Finding::from_catalog(RuleId::Killed)
        .with_severity(severity)
        .with_evidence(ctx.pod_line(pod));
    f = f13_evidence(ctx, f, pod, oom, &[]);
    Some(match timely {
        Some(l) => f.with_evidence(l.excerpt.clone()),
        None => f,
    })
}

fn f13_evidence(
    ctx: &Ctx,
    mut f: Finding,
    pod: &Pod,
    oom: Option<ContainerStateTerminated>,
    liveness: &[&Event],
) -> Finding {
    if let Some(t) = oom {
        f = f.with_evidence(termination_line(&t));
        if let Some(mem) = memory_resources(ctx, pod) {
            f = f.with_evidence(mem);
        }
    }
    for e in liveness.iter().rev().take(1) {
        f = f.with_evidence(event_line(e));
    }
    for l in ctx
        .logs
        .previous
        .iter()
        .filter(|l| l.rule == RuleId::Killed)
        .take(1)
    {
        f = f.with_evidence(l.excerpt.clone());
    }
    f
}

/// `memory: request 200Mi, limit 300Mi` of the metrics-server container.
fn memory_resources(ctx: &Ctx, pod: &Pod) -> Option<String> {
    let c = pod
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == ctx.container_name())?;
    let res = c.resources.as_ref();
    let get = |m: Option<
        &std::collections::BTreeMap<
            String,
            k8s_openapi::apimachinery::pkg::api::resource::Quantity,
        >,
    >| { m.and_then(|m| m.get("memory")).map(|q| q.0.clone()) };
    let request = get(res.and_then(|r| r.requests.as_ref())).unwrap_or_else(|| "none".into());
    let limit = get(res.and_then(|r| r.limits.as_ref())).unwrap_or_else(|| "none".into());
    Some(format!(
        "{} memory: request {request}, limit {limit}",
        ctx.container_name()
    ))
}

/// F12: the container exits on its own; the previous container's log says why. A container
/// that runs again is past its crash: whatever keeps it unready now is another rule's business.
fn f12_crash(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    let last = last_termination(ctx, pod);
    let failed_exit = last.as_ref().is_some_and(|t| t.exit_code != 0);
    let running = ctx
        .ms_status(pod)
        .and_then(|s| s.state.as_ref()?.running.as_ref())
        .is_some();
    if pod_is_ready(pod) || !(crash_looping(ctx, pod) || (failed_exit && !running)) {
        return None;
    }
    let mut f = pod_finding(ctx, RuleId::StartupExit, pod);
    if let Some(t) = &last {
        f = f.with_evidence(termination_line(t));
    }
    let reasons: Vec<_> = ctx
        .logs
        .previous
        .iter()
        .filter(|l| l.rule == RuleId::StartupExit)
        .collect();
    for l in reasons.iter().take(MAX_EXCERPTS) {
        f = f.with_evidence(l.excerpt.clone());
    }
    if reasons.is_empty() && ctx.failed("get", "pods/log").is_none() {
        f = f.with_evidence("the previous container's log names no known startup error");
    }
    Some(f)
}

/// F14: running, not Ready, past warm-up. The log usually names the scrape error behind it.
fn f14_not_ready(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    let running = ctx
        .ms_status(pod)
        .and_then(|s| s.state.as_ref()?.running.as_ref())
        .is_some();
    if pod_phase(pod) != "Running" || !running || pod_is_ready(pod) || ctx.warming_up(pod) {
        return None;
    }
    let mut f = pod_finding(ctx, RuleId::NotReady, pod);
    for e in events_about(ctx, name_of(pod), "Unhealthy", "Readiness probe failed")
        .into_iter()
        .rev()
        .take(1)
    {
        f = f.with_evidence(event_line(e));
    }
    if let Some(l) = ctx
        .logs
        .lines_of(RuleId::NotReady)
        .filter(|l| l.pod == name_of(pod))
        .last()
    {
        f = f.with_evidence(l.excerpt.clone());
    }
    let failing = ctx.logs.failing.len();
    if failing > 0 {
        f = f.with_evidence(format!(
            "the log shows scrape failures on {} of {}: metrics-server has nothing to serve",
            plural(failing, "node"),
            ctx.snap.nodes.len().max(failing)
        ));
    } else if !ctx.logs.read {
        f = f.with_evidence("the metrics-server log could not be read, so the reason is unknown");
    }
    Some(f)
}

/// F32: a young pod that is not serving yet is expected; say so instead of raising alarms.
fn f32_warm_up(ctx: &Ctx, pod: &Pod) -> Option<Finding> {
    if !ctx.warming_up(pod) || (pod_is_ready(pod) && ctx.metrics_complete()) {
        return None;
    }
    let resolution = ctx.resolution().as_secs();
    Some(
        Finding::from_catalog(RuleId::WarmingUp).with_evidence(format!(
            "{}: started less than {}s ago; with --metric-resolution={resolution}s the first \
             metrics need two scrapes ({}s) plus the readiness probe",
            ctx.pod_line(pod),
            ctx.warm_up_window().as_secs(),
            2 * resolution
        )),
    )
}
