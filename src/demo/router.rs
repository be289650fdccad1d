//! The HTTP face of the demo cluster: routes kube-rs requests (method, path, query) to the
//! world and answers the way kube-apiserver does — JSON objects and lists, `Status` errors,
//! plain text for logs and for the aggregator's 503, and a streamed body for `follow=true`.
//!
//! No request may panic the service: everything read from a request is parsed fallibly and an
//! unreadable request becomes a 400. The world's lock is never held across an `.await`.

use super::merge::PatchType;
use super::select::{Query, Selector};
use super::world::{ApiError, World};
use super::{events, logroute, metrics_api, podview, views};
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full};
use jiff::Timestamp;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub(crate) type Shared = Arc<Mutex<World>>;
pub(crate) type ResponseBody = UnsyncBoxBody<Bytes, Infallible>;

/// The world, even if a thread once panicked while holding it: the state is only ever changed
/// by whole assignments, so it stays consistent.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, World> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What to answer.
pub(super) enum Reply {
    Json(u16, Value),
    Text(u16, String),
    Follow(logroute::Follow),
}

impl Reply {
    pub(super) fn ok(v: Value) -> Reply {
        Reply::Json(200, v)
    }

    pub(super) fn error(e: ApiError) -> Reply {
        Reply::Json(
            e.code,
            json!({
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": e.message, "reason": e.reason, "code": e.code,
            }),
        )
    }
}

/// Serve one request.
pub(crate) async fn handle(
    shared: Shared,
    req: Request<kube::client::Body>,
) -> Response<ResponseBody> {
    let (parts, body) = req.into_parts();
    let body = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            return respond(Reply::error(ApiError::new(
                400,
                "BadRequest",
                format!("cannot read the request body: {e}"),
            )));
        }
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let request = Incoming {
        method: &parts.method,
        path: parts.uri.path(),
        query: Query::parse(parts.uri.query()),
        content_type: &content_type,
        body: &body,
    };
    respond(route(&shared, &request))
}

struct Incoming<'a> {
    method: &'a Method,
    path: &'a str,
    query: Query,
    content_type: &'a str,
    body: &'a [u8],
}

/// `/api/v1/namespaces/kube-system/pods/NAME/log` split into its parts.
#[derive(Debug, PartialEq, Eq)]
struct Target<'a> {
    group: &'a str,
    version: &'a str,
    namespace: Option<&'a str>,
    resource: &'a str,
    name: Option<&'a str>,
    sub: Option<&'a str>,
}

impl<'a> Target<'a> {
    fn parse(path: &'a str) -> Option<Target<'a>> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let (group, version, rest) = match segments.as_slice() {
            ["api", v, rest @ ..] => ("", *v, rest),
            ["apis", g, v, rest @ ..] => (*g, *v, rest),
            _ => return None,
        };
        let (namespace, rest) = match rest {
            ["namespaces", ns, tail @ ..] if !tail.is_empty() => (Some(*ns), tail),
            _ => (None, rest),
        };
        let (resource, name, sub) = match rest {
            [r] => (*r, None, None),
            [r, n] => (*r, Some(*n), None),
            [r, n, s] => (*r, Some(*n), Some(*s)),
            _ => return None,
        };
        Some(Target {
            group,
            version,
            namespace,
            resource,
            name,
            sub,
        })
    }

    fn group_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods`, `deployments.apps`: how error messages name the resource.
    fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.resource.to_string()
        } else {
            format!("{}.{}", self.resource, self.group)
        }
    }
}

/// A readable collection: the resource, its kind, its scope and how to render its items.
struct Collection {
    group: &'static str,
    version: &'static str,
    resource: &'static str,
    kind: &'static str,
    namespaced: bool,
    items: fn(&World, Timestamp) -> Vec<Value>,
}

fn services(w: &World, _: Timestamp) -> Vec<Value> {
    vec![views::service(w)]
}
fn hpas(w: &World, _: Timestamp) -> Vec<Value> {
    events::hpas(w)
}
fn csrs(w: &World, _: Timestamp) -> Vec<Value> {
    views::csrs(w)
}
fn apiservices(w: &World, _: Timestamp) -> Vec<Value> {
    vec![views::apiservice(w)]
}
/// Each node's heartbeat Lease, renewed just now: the demo's clocks agree.
fn leases(w: &World, now: Timestamp) -> Vec<Value> {
    let renewed = now.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string();
    w.node_names()
        .into_iter()
        .map(|node| {
            json!({
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {"name": node, "namespace": "kube-node-lease"},
                "spec": {"holderIdentity": node, "leaseDurationSeconds": 40, "renewTime": renewed},
            })
        })
        .collect()
}

const COLLECTIONS: [Collection; 11] = [
    Collection {
        group: "",
        version: "v1",
        resource: "nodes",
        kind: "Node",
        namespaced: false,
        items: views::nodes,
    },
    Collection {
        group: "",
        version: "v1",
        resource: "pods",
        kind: "Pod",
        namespaced: true,
        items: podview::pods,
    },
    Collection {
        group: "",
        version: "v1",
        resource: "services",
        kind: "Service",
        namespaced: true,
        items: services,
    },
    Collection {
        group: "",
        version: "v1",
        resource: "events",
        kind: "Event",
        namespaced: true,
        items: events::events,
    },
    Collection {
        group: "apps",
        version: "v1",
        resource: "deployments",
        kind: "Deployment",
        namespaced: true,
        items: views::deployments,
    },
    Collection {
        group: "apps",
        version: "v1",
        resource: "replicasets",
        kind: "ReplicaSet",
        namespaced: true,
        items: views::replica_sets,
    },
    Collection {
        group: "discovery.k8s.io",
        version: "v1",
        resource: "endpointslices",
        kind: "EndpointSlice",
        namespaced: true,
        items: views::endpoint_slices,
    },
    Collection {
        group: "autoscaling",
        version: "v2",
        resource: "horizontalpodautoscalers",
        kind: "HorizontalPodAutoscaler",
        namespaced: true,
        items: hpas,
    },
    Collection {
        group: "certificates.k8s.io",
        version: "v1",
        resource: "certificatesigningrequests",
        kind: "CertificateSigningRequest",
        namespaced: false,
        items: csrs,
    },
    Collection {
        group: "apiregistration.k8s.io",
        version: "v1",
        resource: "apiservices",
        kind: "APIService",
        namespaced: false,
        items: apiservices,
    },
    Collection {
        group: "coordination.k8s.io",
        version: "v1",
        resource: "leases",
        kind: "Lease",
        namespaced: true,
        items: leases,
    },
];

fn not_found_path() -> Reply {
    Reply::error(ApiError::new(
        404,
        "NotFound",
        "the server could not find the requested resource",
    ))
}

fn method_not_allowed(what: &str) -> Reply {
    Reply::error(ApiError::new(
        405,
        "MethodNotAllowed",
        format!("the server does not allow this method on the requested resource ({what})"),
    ))
}

fn route(shared: &Shared, req: &Incoming) -> Reply {
    let mut w = lock(shared);
    let now = w.clock.now();
    w.reconcile(now);
    if req.path.trim_end_matches('/') == "/version" {
        return match *req.method {
            Method::GET => Reply::ok(views::version()),
            _ => method_not_allowed("version"),
        };
    }
    let Some(t) = Target::parse(req.path) else {
        return not_found_path();
    };
    if req.query.flag("watch") {
        return method_not_allowed("the demo cluster does not serve watches");
    }
    let dry_run = req.query.get("dryRun") == Some("All");
    match (req.method, t.group, t.resource, t.sub) {
        (&Method::POST, "authorization.k8s.io", "selfsubjectaccessreviews", None) => {
            access_review(req.body, "SelfSubjectAccessReview")
        }
        // metrics-server's ServiceAccount has the manifest's RBAC in every scenario.
        (&Method::POST, "authorization.k8s.io", "subjectaccessreviews", None) => {
            access_review(req.body, "SubjectAccessReview")
        }
        (&Method::PATCH, "apps", "deployments", None) => {
            let (Some(ns), Some(name)) = (t.namespace, t.name) else {
                return method_not_allowed("patch needs a namespace and a name");
            };
            let kind = match req.content_type.split(';').next().map(str::trim) {
                Some("application/strategic-merge-patch+json") => PatchType::Strategic,
                Some("application/merge-patch+json") => PatchType::Merge,
                Some("application/json-patch+json") => PatchType::Json,
                other => {
                    return Reply::error(ApiError::new(
                        415,
                        "UnsupportedMediaType",
                        format!(
                            "the demo cluster accepts strategic-merge, merge and JSON patches, not {}",
                            other.unwrap_or("an untyped body")
                        ),
                    ));
                }
            };
            let patch = match parse_json(req.body) {
                Ok(v) => v,
                Err(r) => return r,
            };
            match w.patch_deployment((ns, name), (kind, &patch), dry_run, now) {
                // A dry-run answers the object as it would be stored, with today's status.
                Ok(would_be) if dry_run => {
                    let mut v = serde_json::to_value(would_be).unwrap_or(Value::Null);
                    v["status"] = views::deployment(&w, now)["status"].clone();
                    Reply::ok(v)
                }
                Ok(_) => Reply::ok(views::deployment(&w, now)),
                Err(e) => Reply::error(e),
            }
        }
        (&Method::PUT, "certificates.k8s.io", "certificatesigningrequests", Some("approval")) => {
            let Some(name) = t.name else {
                return not_found_path();
            };
            let body = match parse_json(req.body) {
                Ok(v) => v,
                Err(r) => return r,
            };
            match w.approve_csr(name, &body, dry_run, now) {
                Ok(csr) => Reply::ok(serde_json::to_value(csr).unwrap_or(Value::Null)),
                Err(e) => Reply::error(e),
            }
        }
        (&Method::GET, "", "pods", Some("log")) => {
            let (Some(ns), Some(name)) = (t.namespace, t.name) else {
                return not_found_path();
            };
            drop(w);
            logroute::logs(shared, ns, name, &req.query)
        }
        (&Method::GET, "metrics.k8s.io", _, None) => metrics(&w, &t, now),
        (_, "metrics.k8s.io", _, _) => method_not_allowed("the Metrics API is read-only"),
        (method, _, _, None) => read(&w, &t, method, &req.query, now),
        _ => not_found_path(),
    }
}

fn parse_json(body: &[u8]) -> Result<Value, Reply> {
    serde_json::from_slice(body).map_err(|e| {
        Reply::error(ApiError::new(
            400,
            "BadRequest",
            format!("the request body is not JSON: {e}"),
        ))
    })
}

/// GET of a list or of one object.
fn read(w: &World, t: &Target, method: &Method, query: &Query, now: Timestamp) -> Reply {
    let Some(c) = COLLECTIONS
        .iter()
        .find(|c| c.group == t.group && c.version == t.version && c.resource == t.resource)
    else {
        return not_found_path();
    };
    if method != Method::GET {
        return method_not_allowed(&format!("{} {}", method, t.qualified()));
    }
    if t.namespace.is_some() && !c.namespaced {
        return not_found_path();
    }
    let in_scope = |v: &Value| {
        t.namespace
            .is_none_or(|ns| v["metadata"]["namespace"].as_str() == Some(ns))
    };
    let items = (c.items)(w, now);
    if let Some(name) = t.name {
        return items
            .into_iter()
            .filter(|v| in_scope(v))
            .find(|v| v["metadata"]["name"].as_str() == Some(name))
            .map_or_else(
                || Reply::error(ApiError::not_found(&t.qualified(), name)),
                Reply::ok,
            );
    }
    let labels = match Selector::labels(query.get("labelSelector").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return Reply::error(ApiError::new(400, "BadRequest", e)),
    };
    let fields = match Selector::fields(query.get("fieldSelector").unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => return Reply::error(ApiError::new(400, "BadRequest", e)),
    };
    let items: Vec<Value> = items
        .into_iter()
        .filter(|v| in_scope(v) && labels.matches(v) && fields.matches(v))
        .collect();
    Reply::ok(json!({
        "apiVersion": t.group_version(),
        "kind": format!("{}List", c.kind),
        "metadata": {"resourceVersion": w.list_rv()},
        "items": items,
    }))
}

/// The aggregated Metrics API: 503 from the aggregator while metrics-server has no Ready pod.
fn metrics(w: &World, t: &Target, now: Timestamp) -> Reply {
    if t.version != "v1beta1" {
        return not_found_path();
    }
    let (items, kind) = match t.resource {
        "nodes" if t.namespace.is_none() => (metrics_api::node_metrics(w, now), "NodeMetrics"),
        "pods" => (metrics_api::pod_metrics(w, now), "PodMetrics"),
        _ => return not_found_path(),
    };
    let Some(items) = items else {
        // kube-aggregator's proxy writes this as plain text; kubectl turns it into
        // "the server is currently unable to handle the request".
        return Reply::Text(503, "service unavailable\n".into());
    };
    let items: Vec<Value> = items
        .into_iter()
        .filter(|v| {
            t.namespace
                .is_none_or(|ns| v["metadata"]["namespace"].as_str() == Some(ns))
        })
        .collect();
    if let Some(name) = t.name {
        return items
            .into_iter()
            .find(|v| v["metadata"]["name"].as_str() == Some(name))
            .map_or_else(
                || Reply::error(ApiError::not_found(&t.qualified(), name)),
                Reply::ok,
            );
    }
    Reply::ok(json!({
        "kind": format!("{kind}List"), "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": {}, "items": items,
    }))
}

/// Every review is allowed: the demo user is a cluster admin, and metrics-server is bound as
/// the manifest binds it.
fn access_review(body: &[u8], kind: &str) -> Reply {
    let mut review = match parse_json(body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if !review.is_object() || review.get("spec").is_none() {
        return Reply::error(ApiError::new(
            400,
            "BadRequest",
            format!("a {kind} needs a spec"),
        ));
    }
    review["apiVersion"] = json!("authorization.k8s.io/v1");
    review["kind"] = json!(kind);
    review["metadata"] = json!({"creationTimestamp": null});
    review["status"] = json!({
        "allowed": true,
        "reason": "RBAC: allowed by ClusterRoleBinding \"kubeadm:cluster-admins\" of ClusterRole \"cluster-admin\" to Group \"kubeadm:cluster-admins\"",
    });
    Reply::Json(201, review)
}

fn respond(reply: Reply) -> Response<ResponseBody> {
    let (code, content_type, body) = match reply {
        Reply::Json(code, v) => (
            code,
            "application/json",
            Full::new(Bytes::from(v.to_string())).boxed_unsync(),
        ),
        Reply::Text(code, text) => (
            code,
            "text/plain; charset=utf-8",
            Full::new(Bytes::from(text)).boxed_unsync(),
        ),
        Reply::Follow(f) => (200, "text/plain; charset=utf-8", logroute::follow_body(f)),
    };
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = header::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_group_namespace_resource_and_subresource() {
        let t = Target::parse("/api/v1/namespaces/kube-system/pods/ms-1/log").expect("parses");
        assert_eq!(
            t,
            Target {
                group: "",
                version: "v1",
                namespace: Some("kube-system"),
                resource: "pods",
                name: Some("ms-1"),
                sub: Some("log"),
            }
        );
        let t = Target::parse("/apis/apps/v1/deployments").expect("parses");
        assert_eq!(
            (t.group, t.resource, t.namespace, t.name),
            ("apps", "deployments", None, None)
        );
        assert_eq!(t.qualified(), "deployments.apps");
        let t = Target::parse("/api/v1/namespaces/kube-system").expect("parses");
        assert_eq!((t.resource, t.name), ("namespaces", Some("kube-system")));
        assert_eq!(Target::parse("/healthz"), None);
        assert_eq!(Target::parse("/api/v1/a/b/c/d"), None);
    }
}
