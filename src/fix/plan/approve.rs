//! Approving pending `kubernetes.io/kubelet-serving` CSRs, with the names each one asks for
//! checked against its node first.

use crate::fix::csr::{CsrRequest, parse_csr_pem};
use crate::vocab::Prose;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::Node;
use serde::Serialize;
use serde_json::{Value, json};

pub const KUBELET_SERVING_SIGNER: &str = "kubernetes.io/kubelet-serving";

/// Approval of the pending kubelet-serving CSRs (proper TLS fix, step one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsrApprovalPlan {
    pub csrs: Vec<CsrApproval>,
    pub sentence: Prose,
    pub warnings: Vec<Prose>,
}

/// One CSR to approve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsrApproval {
    pub name: String,
    /// From `spec.username` `system:node:<name>`; `None` if the requester is not a node.
    pub node: Option<String>,
    pub username: Option<String>,
    /// Subject and SANs read from `spec.request`; `None` when they could not be read.
    pub request: Option<CsrRequest>,
    /// Reasons to look twice before approving this one.
    pub concerns: Vec<String>,
    /// The condition added to `status.conditions`.
    pub condition: Value,
    /// The object to PUT on `certificatesigningrequests/<name>/approval` (what `kubectl
    /// certificate approve` sends: the CSR with the condition appended; its resourceVersion
    /// guards against a concurrent approval or denial).
    pub body: Value,
}

/// `None` when no kubelet-serving CSR is pending.
pub fn plan_approve_csrs(csrs: &[CertificateSigningRequest]) -> Option<CsrApprovalPlan> {
    let mut pending: Vec<CsrApproval> = csrs
        .iter()
        .filter(|c| is_pending_kubelet_serving(c))
        .map(approval)
        .collect();
    if pending.is_empty() {
        return None;
    }
    pending.sort_by(|a, b| a.name.cmp(&b.name));
    let sentence = approval_sentence(&pending);
    let warnings = vec![Prose::new(
        "Approving issues a serving certificate for exactly the DNS names and IPs each request \
         asks for. mstui does not check them against the node: anyone holding a node's client \
         credentials could ask for other names. Compare the names below with the node's \
         addresses (kubectl get node -o wide) before approving; a SAN-checking approver \
         (kubelet-csr-approver) is the lasting fix. Renewals need approval again.",
        "승인하면 각 요청이 요구한 DNS 이름과 IP 그대로 서빙 인증서가 발급됩니다. mstui는 이를 노드와 \
         대조하지 않습니다: 노드의 클라이언트 자격 증명을 가진 누구나 다른 이름을 요청할 수 있습니다. \
         승인 전에 아래 이름을 노드 주소(kubectl get node -o wide)와 비교하세요. SAN을 검사하는 \
         승인기(kubelet-csr-approver)가 지속적인 해결책이며, 인증서 갱신 때마다 다시 승인이 필요합니다.",
    )];
    Some(CsrApprovalPlan {
        csrs: pending,
        sentence,
        warnings,
    })
}

/// "Approve 2 pending kubelet-serving CSRs (nodes node-1, node-2)".
pub(super) fn approval_sentence(pending: &[CsrApproval]) -> Prose {
    let mut nodes: Vec<&str> = pending.iter().filter_map(|a| a.node.as_deref()).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut sentence = format!(
        "Approve {} pending kubelet-serving CSR{}",
        pending.len(),
        plural(pending.len())
    );
    let mut ko = format!("대기 중인 kubelet-serving CSR {}개 승인", pending.len());
    if !nodes.is_empty() {
        sentence.push_str(&format!(
            " (node{} {})",
            plural(nodes.len()),
            nodes.join(", ")
        ));
        ko.push_str(&format!(" (노드 {})", nodes.join(", ")));
    }
    Prose::new(sentence, ko)
}

pub(super) fn is_pending_kubelet_serving(csr: &CertificateSigningRequest) -> bool {
    let decided = csr
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| matches!(c.type_.as_str(), "Approved" | "Denied" | "Failed"))
        });
    csr.spec.signer_name == KUBELET_SERVING_SIGNER && !decided
}

pub(super) fn approval(csr: &CertificateSigningRequest) -> CsrApproval {
    let name = csr.metadata.name.clone().unwrap_or_default();
    let username = csr.spec.username.clone();
    let node = username
        .as_deref()
        .and_then(|u| u.strip_prefix("system:node:"))
        .map(str::to_string);
    let request = parse_csr_pem(&csr.spec.request.0);
    let concerns = concerns(node.as_deref(), username.as_deref(), request.as_ref());
    let condition = json!({
        "type": "Approved",
        "status": "True",
        "reason": "MstuiApprove",
        "message": format!(
            "Approved with mstui: kubelet serving certificate for node {}",
            node.as_deref().unwrap_or("(unknown)")
        ),
    });
    let body = approval_body(csr, &condition);
    CsrApproval {
        name,
        node,
        username,
        request,
        concerns,
        condition,
        body,
    }
}

pub(super) fn approval_body(csr: &CertificateSigningRequest, condition: &Value) -> Value {
    let mut body = serde_json::to_value(csr).unwrap_or(Value::Null);
    if let Some(obj) = body.as_object_mut() {
        let status = obj.entry("status").or_insert_with(|| json!({}));
        if !status.is_object() {
            *status = json!({});
        }
        let conditions = status
            .as_object_mut()
            .expect("status is an object")
            .entry("conditions")
            .or_insert_with(|| json!([]));
        if let Some(list) = conditions.as_array_mut() {
            list.push(condition.clone());
        } else {
            *conditions = json!([condition]);
        }
    }
    body
}

/// What the kubeadm docs say to check by hand before approving (F18).
pub(super) fn concerns(
    node: Option<&str>,
    username: Option<&str>,
    req: Option<&CsrRequest>,
) -> Vec<String> {
    let mut out = Vec::new();
    if node.is_none() {
        out.push(format!(
            "requested by {}, not by a node (system:node:<name>)",
            username.unwrap_or("an unknown user")
        ));
    }
    let Some(req) = req else {
        out.push(
            "the requested names could not be read, so they are not shown; inspect spec.request \
             (base64 -d | openssl req -noout -text) before approving"
                .into(),
        );
        return out;
    };
    let expected_cn = node.map(|n| format!("system:node:{n}"));
    if req.common_name != expected_cn {
        out.push(format!(
            "subject CN {} does not match the requesting node",
            req.common_name.as_deref().unwrap_or("(none)")
        ));
    }
    if !req.organizations.iter().any(|o| o == "system:nodes") {
        out.push("subject organization is not system:nodes".into());
    }
    if req.dns_names.is_empty() && req.ip_addresses.is_empty() {
        out.push("asks for no DNS names or IPs".into());
    }
    if !req.other_names.is_empty() {
        out.push(format!("also asks for {}", req.other_names.join(", ")));
    }
    out
}

/// A pending kubelet-serving CSR that is not approved, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsrRefusal {
    pub name: String,
    pub node: Option<String>,
    pub reasons: Vec<String>,
}

/// [`plan_approve_csrs`] with each request's names checked against its node first (what a
/// SAN-checking approver does): a CSR not from a node, from a node that does not exist, or
/// asking for a DNS name other than the node's name or DNS/Hostname addresses, or for an IP that
/// is not one of the node's addresses, is refused with the reasons; the rest is planned.
pub fn plan_approve_csrs_checked(
    csrs: &[CertificateSigningRequest],
    nodes: &[Node],
) -> (Option<CsrApprovalPlan>, Vec<CsrRefusal>) {
    let mut approve = Vec::new();
    let mut refused = Vec::new();
    for csr in csrs.iter().filter(|c| is_pending_kubelet_serving(c)) {
        let a = approval(csr);
        let reasons = san_mismatches(&a, nodes);
        if reasons.is_empty() {
            approve.push(a);
        } else {
            refused.push(CsrRefusal {
                name: a.name,
                node: a.node,
                reasons,
            });
        }
    }
    refused.sort_by(|a, b| a.name.cmp(&b.name));
    if approve.is_empty() {
        return (None, refused);
    }
    approve.sort_by(|a, b| a.name.cmp(&b.name));
    let sentence = approval_sentence(&approve);
    let warnings = vec![Prose::new(
        "Each request's DNS names and IPs were checked against its node's name and addresses. \
         Renewals need approval again; a SAN-checking approver (kubelet-csr-approver) is the \
         lasting fix.",
        "각 요청의 DNS 이름과 IP를 해당 노드의 이름 및 주소와 대조했습니다. 인증서 갱신 때마다 다시 \
         승인이 필요하며, SAN을 검사하는 승인기(kubelet-csr-approver)가 지속적인 해결책입니다.",
    )];
    (
        Some(CsrApprovalPlan {
            csrs: approve,
            sentence,
            warnings,
        }),
        refused,
    )
}

/// Why `a` must not be approved for its node; empty when every name it asks for is the node's.
fn san_mismatches(a: &CsrApproval, nodes: &[Node]) -> Vec<String> {
    let mut out = a.concerns.clone();
    let Some(node_name) = a.node.as_deref() else {
        return out;
    };
    let Some(node) = nodes
        .iter()
        .find(|n| n.metadata.name.as_deref() == Some(node_name))
    else {
        out.push(format!("node {node_name} does not exist"));
        return out;
    };
    let Some(req) = a.request.as_ref() else {
        return out;
    };
    let addresses: Vec<(&str, &str)> = node
        .status
        .as_ref()
        .and_then(|s| s.addresses.as_ref())
        .map(|l| {
            l.iter()
                .map(|x| (x.type_.as_str(), x.address.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let is_ip = |s: &str| s.parse::<std::net::IpAddr>().is_ok();
    let mut ips: Vec<&str> = Vec::new();
    for (_, a) in &addresses {
        if is_ip(a) && !ips.contains(a) {
            ips.push(a);
        }
    }
    let mut names: Vec<&str> = vec![node_name];
    for (t, a) in &addresses {
        if matches!(*t, "Hostname" | "InternalDNS" | "ExternalDNS")
            && !is_ip(a)
            && !names.contains(a)
        {
            names.push(a);
        }
    }
    for ip in &req.ip_addresses {
        if !ips.contains(&ip.as_str()) {
            out.push(format!(
                "asks for IP {ip}, which is not an address of node {node_name} ({})",
                if ips.is_empty() {
                    "it has none".to_string()
                } else {
                    ips.join(", ")
                }
            ));
        }
    }
    for dns in &req.dns_names {
        if !names.contains(&dns.as_str()) {
            out.push(format!(
                "asks for DNS name {dns}, which is not a name of node {node_name} ({})",
                names.join(", ")
            ));
        }
    }
    out
}
