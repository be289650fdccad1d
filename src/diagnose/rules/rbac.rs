//! metrics-server's own RBAC, from SubjectAccessReviews for its ServiceAccount (not from log
//! wording): F24 (kubelet scrape subresource), F27 (list/watch nodes and pods), F07 (delegated
//! authentication and authorization), F39 (the front-proxy CA ConfigMap in kube-system).
//!
//! A review that says "denied" is the API server's own answer for that identity, so it fires the
//! rule whatever the log says; the log, when it agrees, adds its excerpt to the same finding.

use crate::diagnose::context::Ctx;
use crate::diagnose::finding::Finding;
use crate::snapshot::{AccessReview, ServiceAccountAccess};
use crate::vocab::{Prose, RuleId, Severity, Version};

/// metrics-server scrapes `/metrics/resource` (RBAC `nodes/metrics`) from v0.6, and
/// `/stats/summary` (`nodes/stats`) before.
const METRICS_RESOURCE_SINCE: Version = Version::new(0, 6, 0);

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let Some(access) = &ctx.snap.sa_access else {
        return;
    };
    out.extend(scrape(ctx, access));
    out.extend(informers(access));
    out.extend(delegation(access));
    out.extend(auth_reader(ctx, access));
}

fn denied<'a>(
    access: &'a ServiceAccountAccess,
    verb: &str,
    resource: &str,
    sub: Option<&str>,
) -> Option<&'a AccessReview> {
    access.reviews.iter().find(|r| {
        r.verb == verb && r.resource == resource && r.subresource.as_deref() == sub && !r.allowed
    })
}

/// `SubjectAccessReview: kube-system/metrics-server may not get nodes/metrics (reason)`.
fn line(access: &ServiceAccountAccess, r: &AccessReview) -> String {
    let mut s = format!(
        "SubjectAccessReview: ServiceAccount {} may not {}",
        access.service_account,
        r.describe()
    );
    if let Some(reason) = &r.reason {
        s.push_str(&format!(" ({reason})"));
    }
    s
}

/// F24: the subresource this version's scrape needs is denied.
fn scrape(ctx: &Ctx, access: &ServiceAccountAccess) -> Option<Finding> {
    let version = ctx.snap.install.as_ref().and_then(|i| i.version);
    let (needed, path) = match version {
        Some(v) if v < METRICS_RESOURCE_SINCE => ("stats", "/stats/summary"),
        _ => ("metrics", "/metrics/resource"),
    };
    let review = denied(access, "get", "nodes", Some(needed))?;
    let shown = version.map_or_else(|| "this metrics-server".into(), |v| v.to_string());
    Some(
        Finding::from_catalog(RuleId::KubeletForbidden)
            .with_evidence(line(access, review))
            .with_evidence(format!(
                "{shown} scrapes {path} on every kubelet, which checks get nodes/{needed}: every \
                 scrape answers 403"
            )),
    )
}

/// F27: the node and pod informers cannot list or watch.
fn informers(access: &ServiceAccountAccess) -> Option<Finding> {
    let lines: Vec<String> = [
        ("list", "nodes"),
        ("watch", "nodes"),
        ("list", "pods"),
        ("watch", "pods"),
    ]
    .iter()
    .filter_map(|(verb, res)| denied(access, verb, res, None))
    .map(|r| line(access, r))
    .collect();
    if lines.is_empty() {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::ApiReadFailed);
    for l in lines {
        f = f.with_evidence(l);
    }
    Some(f)
}

/// F07: without TokenReview/SubjectAccessReview (system:auth-delegator) metrics-server cannot
/// authenticate or authorize the API server's requests, which then fail with 401/403.
fn delegation(access: &ServiceAccountAccess) -> Option<Finding> {
    let lines: Vec<String> = ["tokenreviews", "subjectaccessreviews"]
        .iter()
        .filter_map(|res| denied(access, "create", res, None))
        .map(|r| line(access, r))
        .collect();
    if lines.is_empty() {
        return None;
    }
    let mut f = Finding::from_catalog(RuleId::ApiserverRequestsRejected).with_title(Prose::new(
        "metrics-server may not delegate authentication (system:auth-delegator missing)",
        "metrics-server가 인증을 위임할 수 없음 (system:auth-delegator 없음)",
    ));
    for l in lines {
        f = f.with_evidence(l);
    }
    Some(f.with_evidence(
        "without the system:auth-delegator ClusterRoleBinding the API server's requests are \
         answered 401/403",
    ))
}

/// F39: the `extension-apiserver-authentication-reader` RoleBinding (kube-system) is missing or
/// names another account: metrics-server cannot load the front-proxy CA and exits at startup
/// (or treats the API server as anonymous).
fn auth_reader(ctx: &Ctx, access: &ServiceAccountAccess) -> Option<Finding> {
    let review = access.reviews.iter().find(|r| {
        r.verb == "get"
            && r.resource == "configmaps"
            && r.name.as_deref() == Some("extension-apiserver-authentication")
            && !r.allowed
    })?;
    let mut f = Finding::from_catalog(RuleId::PermissionMissing)
        .with_severity(Severity::Error)
        .with_title(Prose::new(
            "metrics-server may not read the extension-apiserver-authentication ConfigMap",
            "metrics-server가 extension-apiserver-authentication ConfigMap을 읽을 수 없음",
        ))
        .with_evidence(line(access, review));
    let want = format!("ServiceAccount {}", access.service_account);
    f = match &access.auth_reader_bindings {
        Some(bindings) if bindings.is_empty() => f.with_evidence(
            "no RoleBinding in kube-system refers to the extension-apiserver-authentication-reader \
             Role",
        ),
        Some(bindings) => bindings.iter().fold(f, |f, (name, subjects)| {
            let binds = if subjects.is_empty() {
                "nobody".to_string()
            } else {
                subjects.join(", ")
            };
            let tail = if subjects.contains(&want) {
                " (yet the review denies: the Role itself was changed)".to_string()
            } else {
                format!(", not {want}")
            };
            f.with_evidence(format!(
                "RoleBinding kube-system/{name} (extension-apiserver-authentication-reader) binds \
                 {binds}{tail}"
            ))
        }),
        None => f,
    };
    let ns = ctx.snap.install.as_ref().map(|i| i.namespace.as_str());
    if let Some(ns) = ns.filter(|ns| *ns != "kube-system") {
        f = f.with_evidence(format!(
            "metrics-server runs in {ns}, but that RoleBinding must be in kube-system, naming \
             ServiceAccount {}",
            access.service_account
        ));
    }
    Some(f)
}
