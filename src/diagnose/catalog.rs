//! The rule catalog: one static entry per failure mode F01–F40 (knowledge/failure-modes.md §5).
//!
//! Every user-facing string of a rule lives here, so a translation is a matter of filling the
//! `*_ko` fields (`None` falls back to English) rather than hunting through the rules.
//!
//! Runbook steps (the seed runbook's four stages):
//! - 1 logs: the pod's own state and what its log says (F10–F14, F27), plus configuration that
//!   decides what runs (F38–F40).
//! - 2 TLS: certificate and authentication problems on either leg (F07–F09, F15–F18, F23, F24).
//! - 3 connectivity: registration and reachability, apiserver → pod and pod → kubelet (F01–F06,
//!   F19–F22, F25, F26). The APIService chain sits here because it is the apiserver's
//!   connection to metrics-server.
//! - 4 restart & verify: the API answers but data is missing, and HPAs (F28–F37).

use super::finding::{RuleId, Severity, Step};
use crate::fix::FixId;

/// One catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: RuleId,
    pub step: Step,
    /// The severity a finding of this rule has unless the rule has a reason to differ.
    pub severity: Severity,
    pub title_en: &'static str,
    /// What it means and why `kubectl top` fails, in plain words.
    pub explanation_en: &'static str,
    /// Korean title; `None` until translated (callers fall back to English).
    pub title_ko: Option<&'static str>,
    pub explanation_ko: Option<&'static str>,
    /// Every fix that can apply to this rule; a rule offers the subset that fits the evidence.
    pub fixes: &'static [FixId],
}

/// A language the catalog can answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl RuleInfo {
    pub fn title(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ko => self.title_ko.unwrap_or(self.title_en),
            Lang::En => self.title_en,
        }
    }

    pub fn explanation(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ko => self.explanation_ko.unwrap_or(self.explanation_en),
            Lang::En => self.explanation_en,
        }
    }
}

/// The entry for `id`. IDs outside F01–F40 cannot be built by `RuleId::from_str`; a hand-made
/// out-of-range ID gets the nearest entry rather than a panic.
pub fn info(id: RuleId) -> &'static RuleInfo {
    let index = usize::from(id.0.clamp(1, 40)) - 1;
    &CATALOG[index]
}

/// All entries, in ID order.
pub fn all() -> &'static [RuleInfo] {
    &CATALOG
}

use FixId::{
    ApproveKubeletCsrs, DropKubeletInsecureTls, DropLegacyPortFlags, KubeletInsecureTls,
    MetricResolution, PreferredAddressTypes, RolloutRestart,
};
use Severity::{Error, Info, Warning};
use Step::{Connectivity, Logs, RestartVerify, Tls};

/// Shorthand for an untranslated entry; `ko` fields are filled in one place when translated.
const fn rule(
    n: u8,
    step: Step,
    severity: Severity,
    title_en: &'static str,
    explanation_en: &'static str,
    fixes: &'static [FixId],
) -> RuleInfo {
    RuleInfo {
        id: RuleId(n),
        step,
        severity,
        title_en,
        explanation_en,
        title_ko: None,
        explanation_ko: None,
        fixes,
    }
}

static CATALOG: [RuleInfo; 40] = [
    // --- A. Registration and the apiserver → metrics-server leg --------------------------------
    rule(
        1,
        Connectivity,
        Error,
        "The Metrics API is not registered (APIService missing)",
        "There is no APIService v1beta1.metrics.k8s.io, so the API server does not know the \
         metrics.k8s.io group at all. kubectl answers \"Metrics API not available\" and HPAs \
         cannot read CPU or memory. Either metrics-server was never installed or its \
         registration was deleted, for example by uninstalling another product that shared it.",
        &[],
    ),
    rule(
        2,
        Connectivity,
        Warning,
        "The Metrics API is served by something else, or installed twice",
        "Only one backend can serve metrics.k8s.io. Here the APIService points at a Service that \
         is not this metrics-server, or more than one metrics-server install exists. Whoever \
         applied last owns the registration, and removing either install can break the API for \
         every HPA in the cluster.",
        &[],
    ),
    rule(
        3,
        Connectivity,
        Error,
        "The APIService points at a Service that does not exist",
        "The API server forwards metrics requests to the Service named in the APIService, and that \
         Service is gone. Every kubectl top call therefore ends in ServiceUnavailable. This \
         usually follows a renamed Helm release or a partial uninstall.",
        &[],
    ),
    rule(
        4,
        Connectivity,
        Error,
        "The APIService port does not match the Service",
        "The APIService asks for a Service port that the Service does not expose, so the API \
         server has nowhere to send metrics requests and answers 503. The two objects were \
         probably edited separately; their ports must be the same.",
        &[],
    ),
    rule(
        5,
        Connectivity,
        Error,
        "The metrics-server Service has no usable endpoints",
        "The API server found the Service but no ready pod address behind it, so it answers 503 \
         without even trying metrics-server. Here the pods are not the reason: the Deployment is \
         scaled to zero, the Service selector matches no pod, or the port names disagree.",
        &[],
    ),
    rule(
        6,
        Connectivity,
        Error,
        "The API server cannot reach the metrics-server pod",
        "The APIService discovery check timed out or was refused: the control plane cannot open a \
         connection to the metrics-server pod. The pod itself may be perfectly healthy. Typical \
         causes are firewalls or security groups on the pod port, an overlay network the control \
         plane is not part of, a NetworkPolicy, or a broken konnectivity tunnel.",
        &[],
    ),
    // --- TLS and authentication on the apiserver → metrics-server leg ---------------------------
    rule(
        7,
        Tls,
        Error,
        "metrics-server rejects the API server's requests (401/403)",
        "metrics-server answered the API server's discovery check with 401 or 403, so the \
         aggregation layer marks the Metrics API unavailable. metrics-server could not verify the \
         API server's front-proxy client certificate, or it lacks the RBAC bindings it needs to \
         delegate authentication and authorization.",
        &[RolloutRestart],
    ),
    rule(
        8,
        Tls,
        Error,
        "The API server does not trust metrics-server's serving certificate",
        "The APIService sets a caBundle that does not validate the certificate metrics-server \
         presents, so the API server refuses the connection and metrics requests fail. Either the \
         CA bundle is stale or the certificate lacks the Service name. The upstream manifests \
         avoid this with insecureSkipTLSVerify: true.",
        &[],
    ),
    rule(
        9,
        Tls,
        Error,
        "The aggregation layer is not configured on kube-apiserver",
        "kube-apiserver does not publish a request-header CA, so metrics-server cannot tell that a \
         request really comes from the API server and treats it as anonymous. The discovery check \
         fails with 401/403. This needs kube-apiserver flags; nothing inside the cluster fixes it.",
        &[],
    ),
    // --- B. The metrics-server pod itself ------------------------------------------------------
    rule(
        10,
        Logs,
        Error,
        "The metrics-server pod cannot be scheduled or created",
        "No metrics-server pod is running because the scheduler found no fitting node, or \
         admission (a quota or Pod Security) refused to create it. Without a running pod the \
         Service has no endpoints and the Metrics API stays unavailable.",
        &[],
    ),
    rule(
        11,
        Logs,
        Error,
        "The metrics-server image cannot be pulled",
        "The node cannot download the metrics-server image: the registry is unreachable, the image \
         path is outdated, or pull credentials are missing. The container never starts, so the \
         Metrics API has no backend.",
        &[],
    ),
    rule(
        12,
        Logs,
        Error,
        "metrics-server exits at startup",
        "The container starts and exits again (CrashLoopBackOff) because metrics-server rejects its \
         flags or cannot set itself up: an unknown or invalid flag, a metric resolution that is \
         too short, a port it may not bind, or missing permissions. It never serves, so the \
         Metrics API stays down.",
        &[
            MetricResolution,
            DropLegacyPortFlags,
            DropKubeletInsecureTls,
        ],
    ),
    rule(
        13,
        Logs,
        Error,
        "metrics-server is killed (out of memory or failed liveness)",
        "The container was killed: by the kernel for using more memory than its limit, or by the \
         kubelet after liveness checks failed because scraping took too long. Each restart empties \
         its metric store, so the API keeps dropping out. Give it more memory or CPU for the \
         cluster's size.",
        &[],
    ),
    rule(
        14,
        Logs,
        Error,
        "metrics-server runs but is not Ready",
        "The pod is running, but its readiness check fails because it holds no metrics to serve. A \
         pod that is not Ready is removed from the Service endpoints, and the API server then \
         answers every metrics request with 503 ServiceUnavailable. The cause is almost always in \
         the log: it cannot scrape the kubelets.",
        &[],
    ),
    // --- C. The metrics-server → kubelet leg: TLS ------------------------------------------------
    rule(
        15,
        Tls,
        Error,
        "Kubelet certificates are not trusted (signed by unknown authority)",
        "metrics-server checks each kubelet's serving certificate against the cluster CA, and these \
         certificates are self-signed or signed by another CA. The TLS handshake fails, no node \
         can be scraped, and metrics-server never becomes Ready. The proper fix is CA-signed \
         kubelet serving certificates; skipping verification works but trusts anyone on port 10250.",
        &[ApproveKubeletCsrs, KubeletInsecureTls],
    ),
    rule(
        16,
        Tls,
        Error,
        "Kubelet certificates do not cover the address metrics-server dials",
        "metrics-server connects to an address (usually the node's InternalIP) that is not listed \
         in the kubelet's certificate, which often names only the hostname. Verification fails \
         before anything is read, so those nodes have no metrics.",
        &[ApproveKubeletCsrs, KubeletInsecureTls],
    ),
    rule(
        17,
        Tls,
        Error,
        "Kubelet certificates have expired or are not yet valid",
        "A kubelet's serving certificate is outside its validity period: it expired because its \
         renewal was never approved, or a clock is wrong. metrics-server refuses it, so that node \
         has no metrics.",
        &[ApproveKubeletCsrs, KubeletInsecureTls],
    ),
    rule(
        18,
        Tls,
        Error,
        "Kubelets have no serving certificate yet (CSR not approved)",
        "The kubelets are set to request CA-signed serving certificates, but their requests are \
         still pending. Until someone approves them the kubelet aborts every TLS handshake with \
         \"tls: internal error\", which breaks metrics scraping and also kubectl logs and exec on \
         those nodes.",
        &[ApproveKubeletCsrs],
    ),
    // --- C. The metrics-server → kubelet leg: connectivity ---------------------------------------
    rule(
        19,
        Connectivity,
        Error,
        "metrics-server cannot connect to the kubelet",
        "Connections from the metrics-server pod to the kubelet port time out or are refused. A \
         firewall, security group or NetworkPolicy blocks the port, the address is not routable \
         from the pod network, or the node is down. Nodes that cannot be scraped have no metrics.",
        &[PreferredAddressTypes],
    ),
    rule(
        20,
        Connectivity,
        Error,
        "Node host names do not resolve",
        "metrics-server dials nodes by host name, and cluster DNS cannot resolve those names. \
         Dialling the InternalIP first avoids the lookup.",
        &[PreferredAddressTypes],
    ),
    rule(
        21,
        Connectivity,
        Error,
        "No node address matches --kubelet-preferred-address-types",
        "metrics-server only dials address types it is told to prefer, and these nodes publish none \
         of them (or have no addresses yet). It cannot even try to scrape them, so they have no \
         metrics.",
        &[PreferredAddressTypes],
    ),
    rule(
        22,
        Connectivity,
        Error,
        "metrics-server uses the legacy kubelet port or plain HTTP",
        "metrics-server is configured for the kubelet's old read-only port 10255 or for plain HTTP. \
         That port is disabled on current clusters, and the secure port does not speak plain HTTP, \
         so every scrape fails. Current metrics-server talks HTTPS to port 10250.",
        &[DropLegacyPortFlags],
    ),
    rule(
        23,
        Tls,
        Error,
        "Kubelets reject metrics-server's token (401 Unauthorized)",
        "The kubelets do not validate metrics-server's ServiceAccount token: webhook authentication \
         is off on the kubelet while anonymous access is also off. Scrapes are refused. This is \
         kubelet configuration and needs a change on the nodes.",
        &[],
    ),
    rule(
        24,
        Tls,
        Error,
        "Kubelets refuse metrics-server (403 Forbidden: RBAC)",
        "The kubelet checked metrics-server's identity and refused it: its ServiceAccount lacks get \
         on nodes/metrics (v0.6+) or nodes/stats (v0.5 and older). This happens when the image \
         was upgraded without the matching ClusterRole, or the binding names another account.",
        &[],
    ),
    rule(
        25,
        Connectivity,
        Error,
        "The kubelet has no resource metrics endpoint (404)",
        "The kubelet answered 404 for the path metrics-server scrapes. It is older than 1.18, is a \
         virtual kubelet, or the node carries a wrong resource-metrics-path annotation. Such nodes \
         can never be scraped by this metrics-server.",
        &[],
    ),
    rule(
        26,
        Connectivity,
        Warning,
        "The kubelet returns errors or unreadable metrics",
        "The kubelet answered with a server error or data metrics-server cannot parse, usually \
         because the container runtime failed to produce stats. The node has no metrics until the \
         kubelet or runtime recovers.",
        &[],
    ),
    rule(
        27,
        Logs,
        Error,
        "metrics-server cannot read nodes or pods from the API server",
        "metrics-server lists nodes and pods to know what to scrape, and that fails: its \
         ServiceAccount lacks list/watch on nodes or pods, or the pod cannot reach the API server. \
         Its caches never sync, so it never becomes Ready.",
        &[],
    ),
    // --- D. The API works but data is missing ---------------------------------------------------
    rule(
        28,
        RestartVerify,
        Warning,
        "Some nodes have no metrics, without scrape errors",
        "The Metrics API answers, but some nodes are missing from it and the log shows no scrape \
         failure for them. metrics-server drops a node whose kubelet reports zero or missing CPU, \
         memory or timestamps, so the cause is the kubelet, runtime or OS on that node, not \
         metrics-server. kubectl top shows <unknown> for these nodes.",
        &[],
    ),
    rule(
        29,
        RestartVerify,
        Warning,
        "Pods have no metrics (container runtime stats missing)",
        "Node metrics are present but pod metrics are not, because the kubelet reports no usable \
         container statistics. This is a runtime, cgroup or kubelet problem on the node. From \
         v0.9 metrics-server also stays unready when no pod metrics arrive.",
        &[],
    ),
    rule(
        30,
        RestartVerify,
        Info,
        "Some nodes are skipped on purpose or because they are down",
        "Some nodes are not scraped: they are NotReady (v0.9 logs those failures only at high \
         verbosity) or excluded by --node-selector. Their rows show <unknown>. This is expected; \
         bring the node back or accept the gap.",
        &[],
    ),
    rule(
        31,
        RestartVerify,
        Warning,
        "Clock skew or counter resets",
        "metrics-server dropped points because a node's clock or counters went backwards, or a \
         certificate looked not yet valid. Node clocks are probably out of sync. Metrics from \
         those nodes come and go until time is synchronised.",
        &[],
    ),
    rule(
        32,
        RestartVerify,
        Info,
        "metrics-server is still warming up",
        "metrics-server started recently. It needs two scrapes before it can compute CPU usage and \
         report Ready, so metrics are missing for the first minute or so (more if \
         --metric-resolution is long). Wait and check again.",
        &[],
    ),
    // --- E. HPA-side failures ------------------------------------------------------------------
    rule(
        33,
        RestartVerify,
        Error,
        "HPAs cannot read the Metrics API",
        "The autoscaler asked the Metrics API for pod usage and got an error, so it cannot compute \
         a replica count and stops scaling. The message names the API failure; fixing the Metrics \
         API fixes the HPAs.",
        &[],
    ),
    rule(
        34,
        RestartVerify,
        Error,
        "HPA targets lack resource requests",
        "A utilization target is a percentage of the container's request, and some pods the HPA \
         selects have a container without a request for that resource (often an injected \
         sidecar). The HPA cannot compute utilization and stops scaling even though metrics exist.",
        &[],
    ),
    rule(
        35,
        RestartVerify,
        Warning,
        "The Metrics API returns no metrics for an HPA's pods",
        "The Metrics API works, but it has nothing for the pods this HPA targets: they are too new, \
         unready, on nodes that are not scraped, or their runtime reports no stats. The HPA holds \
         its current replica count.",
        &[],
    ),
    rule(
        36,
        RestartVerify,
        Warning,
        "HPA container metric names a container without metrics",
        "The HPA uses a per-container metric for a container name that is not in the pod metrics. \
         Either the name in the HPA is wrong, or that container reports no usage, in which case \
         metrics-server drops the whole pod.",
        &[],
    ),
    rule(
        37,
        RestartVerify,
        Error,
        "The HPA controller may not read the Metrics API",
        "The horizontal-pod-autoscaler controller identity is forbidden from listing \
         pods.metrics.k8s.io, usually because its bootstrap ClusterRole was modified. Every HPA is \
         affected.",
        &[],
    ),
    // --- F. Installation and configuration pitfalls ---------------------------------------------
    rule(
        38,
        Logs,
        Warning,
        "A flag does not do what it seems to",
        "metrics-server parses its flags like any Go program using pflag: a list flag given twice \
         appends instead of replacing, the last scalar wins, and --flag=false turns a switch off \
         while it stays visible. The setting you read in the manifest is not the one that runs.",
        &[PreferredAddressTypes, MetricResolution],
    ),
    rule(
        39,
        Logs,
        Warning,
        "A permission is missing (RBAC or namespace layout)",
        "Something needed permission it does not have: metrics-server's own bindings do not match \
         where it is installed, or mstui may not read data a check needs. Until the permission is \
         granted, that part cannot work or cannot be checked.",
        &[],
    ),
    rule(
        40,
        Logs,
        Warning,
        "metrics-server is managed: edits may be reverted",
        "This metrics-server is owned by an add-on manager, a cloud provider or a distribution, \
         which reconciles the Deployment. A patch made here can disappear minutes later or at the \
         next upgrade. Prefer the provider's own setting, or confirm afterwards that the change \
         stayed.",
        &[],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_has_its_own_entry_in_order() {
        for (i, rule) in all().iter().enumerate() {
            assert_eq!(usize::from(rule.id.0), i + 1);
            assert_eq!(info(rule.id).id, rule.id);
            assert!(!rule.title_en.is_empty());
            let sentences = rule.explanation_en.matches(". ").count() + 1;
            assert!(
                (2..=4).contains(&sentences),
                "{}: {sentences} sentences",
                rule.id
            );
        }
    }

    #[test]
    fn steps_follow_the_runbook() {
        for n in 15..=18 {
            assert_eq!(info(RuleId(n)).step, Step::Tls);
        }
        for n in [6, 19, 20, 21, 22] {
            assert_eq!(info(RuleId(n)).step, Step::Connectivity);
        }
        for n in 28..=37 {
            assert_eq!(info(RuleId(n)).step, Step::RestartVerify);
        }
    }

    #[test]
    fn korean_falls_back_to_english_until_translated() {
        let f15 = info(RuleId(15));
        assert_eq!(f15.title(Lang::Ko), f15.title_en);
        assert_eq!(f15.explanation(Lang::En), f15.explanation_en);
    }
}
