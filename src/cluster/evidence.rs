//! Evidence beyond the objects and the log: what metrics-server's ServiceAccount may do
//! (SubjectAccessReview), the CA it trusts, the certificate each kubelet presents (a TLS dial
//! that reads the chain without verifying it), node Lease renew times and the API server's clock.
//!
//! Every check is best effort: a check mstui may not make, or a kubelet it cannot reach, is
//! recorded in [`Snapshot::not_checked`] or as an unreadable chain, never as a finding.

use super::connect::Connection;
use super::fetch::{Call, call};
use crate::flags::{self, Flags};
use crate::install::{self, Install};
use crate::nodes::{choose_address, kubelet_port};
use crate::snapshot::{
    AccessReview, KubeletConfig, KubeletTls, NodeLease, NotChecked, ServiceAccountAccess, Snapshot,
    TrustAnchor,
};
use futures::future::join_all;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::authorization::v1::{
    ResourceAttributes, SubjectAccessReview, SubjectAccessReviewSpec,
};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{ConfigMap, Node};
use kube::Api;
use kube::api::{ListParams, PostParams};
use std::time::Duration;

/// At most this many kubelets are dialled (nodes without metrics first).
pub const MAX_DIALS: usize = 16;
/// At most this many kubelets' `/configz` are read through `nodes/proxy`.
pub const MAX_CONFIGZ: usize = 3;

/// Fill the evidence fields of `snap` (its install, Deployment and nodes are already read).
pub async fn gather(conn: &Connection, snap: &mut Snapshot) {
    let install = snap.install.clone();
    let deployment = snap.deployment.clone();
    let ms = install.as_ref().zip(deployment.as_ref());
    let flags = ms.and_then(|(i, d)| container_flags(i, d));
    // The in-process demo has no kubelets: no certificates to judge by the cluster CA and no
    // configz to read (its chains say once that nothing was dialled).
    let kubelets = conn.dials;
    let (sa, ca, tls, leases, time, serving, configz) = tokio::join!(
        async {
            match ms {
                Some((i, d)) => Some(service_account_access(conn, i, d).await),
                None => None,
            }
        },
        async {
            match kubelets {
                true => {
                    Some(cluster_ca(conn, install.as_ref().map(|i| i.namespace.as_str())).await)
                }
                false => None,
            }
        },
        kubelet_chains(conn, snap, flags.as_ref()),
        node_leases(conn),
        apiserver_time(conn),
        serving_cert(conn, ms, flags.as_ref()),
        async {
            match kubelets {
                true => kubelet_configs(conn, snap).await,
                false => (Vec::new(), None),
            }
        },
    );
    let (configs, why) = configz;
    snap.kubelet_configs = configs;
    snap.not_checked.extend(why);
    match serving {
        Some(Ok(cert)) => snap.serving_cert = Some(cert),
        Some(Err(why)) => snap.not_checked.push(why),
        None => {}
    }
    match sa {
        Some(Ok(access)) => snap.sa_access = Some(access),
        Some(Err(why)) => snap.not_checked.push(why),
        None => {}
    }
    match ca {
        Some(Ok(anchor)) => snap.cluster_ca = Some(anchor),
        Some(Err(why)) => snap.not_checked.push(why),
        None => {}
    }
    match tls {
        Ok(chains) => snap.kubelet_tls = chains,
        Err(why) => snap.not_checked.push(why),
    }
    match leases {
        Ok(l) => snap.node_leases = l,
        Err(why) => snap.not_checked.push(why),
    }
    snap.apiserver_time = time;
}

/// metrics-server's serving certificate, when `--tls-cert-file` names a file on a Secret mount.
/// `None` when it generates its own (`--cert-dir`) or the file is on another kind of volume.
async fn serving_cert(
    conn: &Connection,
    ms: Option<(&Install, &Deployment)>,
    flags: Option<&Flags>,
) -> Option<Result<TrustAnchor, NotChecked>> {
    let (install, d) = ms?;
    let path = flags?.value("tls-cert-file")?;
    let (secret, key) = install::secret_file(d, &install.container, &path)?;
    let ns = install.namespace.as_str();
    let api: Api<k8s_openapi::api::core::v1::Secret> = Api::namespaced(conn.client.clone(), ns);
    let got = call(
        Call::new("get", "secrets").ns(ns).name(&secret),
        api.get_opt(&secret),
    )
    .await;
    let what = format!("metrics-server's serving certificate in secret {ns}/{secret} (F08)");
    Some(match got {
        Ok(Some(s)) => match s.data.as_ref().and_then(|d| d.get(&key)) {
            Some(bytes) => Ok(TrustAnchor {
                source: format!("secret {ns}/{secret} key {key}"),
                pem: String::from_utf8_lossy(&bytes.0).into_owned(),
            }),
            None => Err(NotChecked {
                what,
                why: format!("the secret has no key {key}"),
            }),
        },
        Ok(None) => Err(NotChecked {
            what,
            why: "the secret does not exist".into(),
        }),
        Err(f) => Err(NotChecked {
            what,
            why: f.describe(),
        }),
    })
}

fn container_flags(install: &Install, d: &Deployment) -> Option<Flags> {
    let containers = &d.spec.as_ref()?.template.spec.as_ref()?.containers;
    let c = containers
        .iter()
        .find(|c| c.name == install.container)
        .or_else(|| containers.get(install.container_index))?;
    Some(Flags::parse(&flags::container_argv(c), install.version))
}

/// `(verb, group, resource, subresource, namespace, name)` of every review.
type Attrs = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// What metrics-server needs (failure-modes F07, F24, F27, F39): scrape kubelets, list and
/// watch what it scrapes, read the front-proxy CA, delegate authentication and authorization.
pub const SA_REVIEWS: [Attrs; 9] = [
    ("get", "", "nodes", Some("metrics"), None, None),
    ("get", "", "nodes", Some("stats"), None, None),
    ("list", "", "nodes", None, None, None),
    ("watch", "", "nodes", None, None, None),
    ("list", "", "pods", None, None, None),
    ("watch", "", "pods", None, None, None),
    (
        "get",
        "",
        "configmaps",
        None,
        Some("kube-system"),
        Some("extension-apiserver-authentication"),
    ),
    (
        "create",
        "authentication.k8s.io",
        "tokenreviews",
        None,
        None,
        None,
    ),
    (
        "create",
        "authorization.k8s.io",
        "subjectaccessreviews",
        None,
        None,
        None,
    ),
];

async fn service_account_access(
    conn: &Connection,
    install: &Install,
    d: &Deployment,
) -> Result<ServiceAccountAccess, NotChecked> {
    let ns = install.namespace.as_str();
    let sa = install::service_account(d);
    let user = format!("system:serviceaccount:{ns}:{sa}");
    let groups = vec![
        "system:serviceaccounts".to_string(),
        format!("system:serviceaccounts:{ns}"),
        "system:authenticated".to_string(),
    ];
    let api: Api<SubjectAccessReview> = Api::all(conn.client.clone());
    let reviews = SA_REVIEWS
        .iter()
        .map(|&(verb, group, resource, sub, rns, name)| {
            let review = SubjectAccessReview {
                spec: SubjectAccessReviewSpec {
                    user: Some(user.clone()),
                    groups: Some(groups.clone()),
                    resource_attributes: Some(ResourceAttributes {
                        verb: Some(verb.into()),
                        group: Some(group.into()),
                        resource: Some(resource.into()),
                        subresource: sub.map(str::to_string),
                        namespace: rns.map(str::to_string),
                        name: name.map(str::to_string),
                        ..ResourceAttributes::default()
                    }),
                    ..SubjectAccessReviewSpec::default()
                },
                ..SubjectAccessReview::default()
            };
            let api = api.clone();
            async move {
                let r = call(Call::new("create", "subjectaccessreviews"), async move {
                    api.create(&PostParams::default(), &review).await
                })
                .await;
                let status = match r {
                    Ok(r) => r
                        .status
                        .ok_or_else(|| "the review came back without a status".to_string()),
                    Err(f) => Err(f.describe()),
                };
                (
                    AccessReview {
                        verb: verb.into(),
                        group: group.into(),
                        resource: resource.into(),
                        subresource: sub.map(str::to_string),
                        namespace: rns.map(str::to_string),
                        name: name.map(str::to_string),
                        allowed: false,
                        reason: None,
                    },
                    status,
                )
            }
        });
    let mut answered = Vec::new();
    let mut first_failure = None;
    for (mut review, status) in join_all(reviews).await {
        match status {
            Ok(s) => {
                review.allowed = s.allowed;
                review.reason = s.reason.filter(|r| !r.is_empty());
                answered.push(review);
            }
            Err(f) => {
                first_failure.get_or_insert(f);
            }
        }
    }
    let what = format!("the RBAC of ServiceAccount {ns}/{sa} (F07, F24, F27, F39)");
    if answered.is_empty() {
        let why = first_failure.unwrap_or_else(|| "no review answered".into());
        return Err(NotChecked { what, why });
    }
    Ok(ServiceAccountAccess {
        service_account: format!("{ns}/{sa}"),
        reviews: answered,
        auth_reader_bindings: auth_reader_bindings(conn).await,
    })
}

/// RoleBindings in kube-system to `extension-apiserver-authentication-reader`, and whom they bind.
async fn auth_reader_bindings(conn: &Connection) -> Option<Vec<(String, Vec<String>)>> {
    use k8s_openapi::api::rbac::v1::RoleBinding;
    let api: Api<RoleBinding> = Api::namespaced(conn.client.clone(), "kube-system");
    let list = call(
        Call::new("list", "rolebindings").ns("kube-system"),
        api.list(&ListParams::default()),
    )
    .await
    .ok()?;
    let mut out: Vec<(String, Vec<String>)> = list
        .items
        .into_iter()
        .filter(|b| b.role_ref.name == "extension-apiserver-authentication-reader")
        .map(|b| {
            let subjects = b
                .subjects
                .unwrap_or_default()
                .into_iter()
                .map(|s| match s.namespace {
                    Some(ns) if !ns.is_empty() => format!("{} {ns}/{}", s.kind, s.name),
                    _ => format!("{} {}", s.kind, s.name),
                })
                .collect();
            (b.metadata.name.unwrap_or_default(), subjects)
        })
        .collect();
    out.sort();
    Some(out)
}

/// The CA a pod's ServiceAccount mount carries (`kube-root-ca.crt` in the install namespace),
/// else the API server's client CA (`extension-apiserver-authentication`), which is the
/// cluster CA on kubeadm-style clusters.
async fn cluster_ca(conn: &Connection, ns: Option<&str>) -> Result<TrustAnchor, NotChecked> {
    let ns = ns.unwrap_or("kube-system");
    let sources = [
        (ns, "kube-root-ca.crt", "ca.crt"),
        (
            "kube-system",
            "extension-apiserver-authentication",
            "client-ca-file",
        ),
    ];
    let mut why = Vec::new();
    for (cm_ns, name, key) in sources {
        let api: Api<ConfigMap> = Api::namespaced(conn.client.clone(), cm_ns);
        let got = call(
            Call::new("get", "configmaps").ns(cm_ns).name(name),
            api.get_opt(name),
        )
        .await;
        match got {
            Ok(Some(cm)) => match cm.data.as_ref().and_then(|d| d.get(key)) {
                Some(pem) if !pem.trim().is_empty() => {
                    return Ok(TrustAnchor {
                        source: format!("configmap {cm_ns}/{name} key {key}"),
                        pem: pem.clone(),
                    });
                }
                _ => why.push(format!("configmap {cm_ns}/{name} has no {key}")),
            },
            Ok(None) => why.push(format!("configmap {cm_ns}/{name} not found")),
            Err(f) => why.push(f.describe()),
        }
    }
    Err(NotChecked {
        what: "the cluster CA kubelet certificates are compared with (F15)".into(),
        why: why.join("; "),
    })
}

/// Dial the kubelets the way metrics-server would and keep the chain each one presents.
async fn kubelet_chains(
    conn: &Connection,
    snap: &Snapshot,
    flags: Option<&Flags>,
) -> Result<Vec<KubeletTls>, NotChecked> {
    let what = "kubelet serving certificates (F15, F16, F17)".to_string();
    if snap.nodes.is_empty() {
        return Ok(Vec::new());
    }
    if !conn.dials {
        return Err(NotChecked {
            what,
            why: "the in-process demo cluster has no kubelets to dial".into(),
        });
    }
    let types = match flags {
        Some(f) => f.preferred_address_types(),
        None => flags::split_csv(flags::DEFAULT_ADDRESS_TYPES),
    };
    if flags.is_some_and(|f| f.bool("deprecated-kubelet-completely-insecure")) {
        return Err(NotChecked {
            what,
            why: "metrics-server scrapes kubelets over plain HTTP".into(),
        });
    }
    let use_status_port = flags.is_some_and(|f| f.bool("kubelet-use-node-status-port"));
    let port_flag = flags
        .and_then(|f| f.value("kubelet-port"))
        .and_then(|p| p.parse().ok());
    let has_metrics = |n: &Node| {
        snap.node_metrics
            .as_ref()
            .is_some_and(|ms| ms.iter().any(|m| m.metadata.name == n.metadata.name))
    };
    let mut nodes: Vec<&Node> = snap.nodes.iter().collect();
    nodes.sort_by_key(|n| (has_metrics(n), n.metadata.name.clone()));
    let targets: Vec<(String, String, u16)> = nodes
        .into_iter()
        .filter_map(|n| {
            let (_, address) = choose_address(n, &types)?;
            let port = kubelet_port(n, use_status_port, port_flag);
            Some((n.metadata.name.clone()?, address, port))
        })
        .take(MAX_DIALS)
        .collect();
    let dials = targets.into_iter().map(|(node, address, port)| async move {
        let chain = super::tls_probe::read_chain(&address, port).await;
        KubeletTls {
            node,
            address,
            port,
            chain,
        }
    });
    let mut out = join_all(dials).await;
    out.sort_by(|a, b| a.node.cmp(&b.node));
    Ok(out)
}

/// `/configz` of a few kubelets without metrics, through the API server's `nodes/proxy`: a
/// powerful permission, so only used for nodes that need explaining, and never required.
async fn kubelet_configs(
    conn: &Connection,
    snap: &Snapshot,
) -> (Vec<KubeletConfig>, Option<NotChecked>) {
    let has_metrics = |n: &Node| {
        snap.node_metrics
            .as_ref()
            .is_some_and(|ms| ms.iter().any(|m| m.metadata.name == n.metadata.name))
    };
    let mut names: Vec<String> = snap
        .nodes
        .iter()
        .filter(|n| !has_metrics(n))
        .filter_map(|n| n.metadata.name.clone())
        .collect();
    names.sort();
    names.truncate(MAX_CONFIGZ);
    let reads = names.iter().map(|node| async move {
        let req = http::Request::get(format!("/api/v1/nodes/{node}/proxy/configz"))
            .body(Vec::new())
            .map_err(|e| e.to_string())?;
        let what = Call::new("get", "nodes/proxy").name(node);
        let text = call(what, conn.client.request_text(req))
            .await
            .map_err(|f| f.describe())?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{node}: configz is not JSON: {e}"))?;
        KubeletConfig::from_configz(node, &doc)
            .ok_or_else(|| format!("{node}: configz has no kubeletconfig"))
    });
    let mut configs = Vec::new();
    let mut why = Vec::new();
    for r in join_all(reads).await {
        match r {
            Ok(c) => configs.push(c),
            Err(e) => why.push(e),
        }
    }
    let not_checked = (!why.is_empty()).then(|| NotChecked {
        what: "kubelet configuration through nodes/proxy/configz (F22, F23)".into(),
        why: why.join("; "),
    });
    (configs, not_checked)
}

async fn node_leases(conn: &Connection) -> Result<Vec<NodeLease>, NotChecked> {
    let api: Api<Lease> = Api::namespaced(conn.client.clone(), "kube-node-lease");
    let list = call(
        Call::new("list", "leases").ns("kube-node-lease"),
        api.list(&ListParams::default()),
    )
    .await
    .map_err(|f| NotChecked {
        what: "node clocks from their Lease renew times (F31)".into(),
        why: f.describe(),
    })?;
    let mut leases: Vec<NodeLease> = list
        .items
        .into_iter()
        .filter_map(|l| {
            Some(NodeLease {
                node: l.metadata.name?,
                renew_time: l.spec.and_then(|s| s.renew_time).map(|t| t.0),
            })
        })
        .collect();
    leases.sort_by(|a, b| a.node.cmp(&b.node));
    Ok(leases)
}

/// The API server's clock from the `Date` header of a `/version` request (1 s resolution).
async fn apiserver_time(conn: &Connection) -> Option<Timestamp> {
    let req = http::Request::get("/version")
        .body(kube::client::Body::from(Vec::new()))
        .ok()?;
    let resp = tokio::time::timeout(Duration::from_secs(5), conn.client.send(req))
        .await
        .ok()?
        .ok()?;
    let date = resp.headers().get(http::header::DATE)?.to_str().ok()?;
    jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(date)
        .ok()
}
