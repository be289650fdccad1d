//! The signature catalog (failure-modes.md §8) as data, and the matcher that runs it.
//!
//! Two tables, each searched with one Aho-Corasick automaton over literal anchors; a
//! regex runs only for a table entry whose anchor was found (tailspin's "cheap check
//! first"). Within a table the first entry in table order wins, whatever the position
//! of its anchor in the line, so more specific entries are listed before general ones.
//!
//! - [`ERR_SIGS`] classify the error of one scrape failure (metrics-server → kubelet).
//!   They run only on a scrape error, never on a whole line: the same x509 text in
//!   `Unable to authenticate the request` is about *incoming* requests (F07), not F15.
//! - [`LINE_SIGS`] classify every other kind of line: probes, startup errors, RBAC,
//!   kubectl, HPA and event messages. They are matched on unescaped values.
//!
//! Anchors of [`LINE_SIGS`] avoid `"` and `\`, the characters that klog and JSON escape, so
//! an anchor found in an unescaped value is also present verbatim in the raw line.

use super::text::Text;
use crate::vocab::{RuleId, RuleId as R, Severity};
use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

/// What a matched line signature means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Rule(RuleId, Severity),
    /// A known consequence with no single cause (the catalog's CHAIN and side entries).
    NoRule(Severity),
    /// A v0.3/v0.4 aggregated scrape error: split it per node.
    Aggregated,
}

pub(crate) struct LineSig {
    anchors: &'static [&'static str],
    /// Must match in the same text as the anchor. A `sig` group, if present, is what
    /// gets highlighted; otherwise the whole match.
    confirm: Option<&'static str>,
    pub(crate) verdict: Verdict,
}

const fn line(rule: RuleId, severity: Severity, anchors: &'static [&'static str]) -> LineSig {
    LineSig {
        anchors,
        confirm: None,
        verdict: Verdict::Rule(rule, severity),
    }
}

const fn line_re(
    rule: RuleId,
    severity: Severity,
    anchors: &'static [&'static str],
    confirm: &'static str,
) -> LineSig {
    LineSig {
        anchors,
        confirm: Some(confirm),
        verdict: Verdict::Rule(rule, severity),
    }
}

const fn no_rule(
    severity: Severity,
    anchors: &'static [&'static str],
    confirm: Option<&'static str>,
) -> LineSig {
    LineSig {
        anchors,
        confirm,
        verdict: Verdict::NoRule(severity),
    }
}

/// The anchor of the HPA messages that wrap a Metrics API error; the entries using it are
/// ordered from the specific cause to the generic F33.
const HPA_FETCH: &[&str] = &["unable to fetch metrics from resource metrics API: "];
/// APIService `FailedDiscoveryCheck` messages; x509 inside means F08, anything else F06.
const DISCOVERY: &[&str] = &["failing or missing response from ", "no response from "];

#[rustfmt::skip]
pub(crate) static LINE_SIGS: &[LineSig] = &[
    // Aggregated scrape errors of v0.3 (`kubelet_summary:`) and v0.4; one line, many nodes.
    LineSig {
        anchors: &[
            "unable to fully scrape metrics from source kubelet_summary:",
            "unable to fully scrape metrics from node ",
            "unable to extract connection information for node ",
            // v0.2 (heapster-based) summary.go: one line per node, same shape.
            "error while getting metrics summary from Kubelet ",
            // v0.3 entry pasted without its `kubelet_summary:` head.
            "unable to fetch metrics from Kubelet ",
        ],
        confirm: None,
        verdict: Verdict::Aggregated,
    },
    // Probes. Liveness (collection too slow) restarts the pod; readiness only unreadies it,
    // and is expected for the first ~30 s after a start, hence Warning.
    line(R::Killed, E, &["metric collection didn't finish on time"]),
    // v0.2 (heapster) sources/manager.go: kubelets that did not answer within the resolution.
    line(R::KubeletUnreachable, W, &["Failed to get all responses in time"]),
    line_re(R::KubeletUnreachable, W, &[" response in time"], r"Failed to get \S+ response in time"),
    // The generic apiserver healthz handler names the failing check on its own line.
    line(R::NotReady, W, &["healthz check failed: readyz"]),
    line(R::Killed, E, &["healthz check failed: livez"]),
    line_re(R::Killed, E, &["was greater than expected metrics resolution"],
        r"time since last tick \([^)]*\) was greater than expected metrics resolution"),
    line(R::NotReady, W, &["no metrics to serve", "not metrics to serve", "last tick wasn't healthy"]),
    line_re(R::ApiReadFailed, W, &["informer has not synced"], r"cache for (?:node|pod) informer has not synced"),
    // Informers that cannot list/watch nodes or pods (RBAC, or no route to the apiserver).
    line_re(R::ApiReadFailed, E, &["failed to list *v1.", "Failed to list *v1.", "Failed to watch *v1."],
        r"(?:[Ff]ailed to list|Failed to watch) \*v1\.(?:Node|Pod|Namespace|PartialObjectMetadata)\b.*?(?:is forbidden|Unauthorized|i/o timeout|TLS handshake timeout|no such host|(?:connect|getsockopt): (?:connection refused|no route to host))"),
    line(R::ApiReadFailed, E, &["Failed to list nodes"]),
    // Storage and data quality.
    line(R::PodsWithoutMetrics, W, &["Metric storage is not ready, pod metrics are missing"]),
    line(R::NodesWithoutMetrics, W, &["Metric storage is not ready, node metrics are missing", "Failed getting complete node metric"]),
    line(R::PodsWithoutMetrics, W, &["Failed getting complete container metric", "Failed getting complete Pod metric"]),
    // Zero or missing values the kubelet returned, dropped at -v=1: v0.5 decode.go and v0.4's.
    line(R::PodsWithoutMetrics, W, &[
        "Skipped container CPU metric",
        "Skipped container memory metric",
        "Failed getting container metric timestamp",
        "Skip CPU metric for container ",
        "Skip Memory metric for container ",
        "Skip container ",
    ]),
    line(R::NodesWithoutMetrics, W, &[
        "Skipped node CPU metric",
        "Skipped node memory metric",
        "Failed getting node metric timestamp",
        "Skip CPU metric for node ",
        "Skip Memory metric for node ",
        "Skip metric for node ",
    ]),
    line(R::ClockSkew, W, &[
        "unexpected decrease in cumulative CPU usage value",
        "unexpected decrease in startTime of node/container",
        "Found new node metrics point is older than stored previous",
        // v0.5 spelling, and the container variants.
        "Found new node metrics point is older then stored previous",
        "Found new container metrics point is older then stored previous",
        "Found new containerName metrics point is older than stored previous",
    ]),
    line(R::WarmingUp, W, &["no metrics known for node", "no metrics known for pod"]),
    // v0.2 reststorage.go wording of the same.
    line(R::WarmingUp, W, &["No metrics for pod ", "No metrics for container "]),
    // v0.2 summary.go: a node skipped because it is NotReady, or because it has no address.
    line_re(R::NodesSkipped, W, &[" is not ready"], r"\b[Nn]ode \S+ is not ready\b"),
    line(R::NoMatchingAddressType, E, &["has no valid hostname and/or IP address"]),
    // Requests reaching metrics-server that it cannot authenticate or authorise (front proxy).
    // Warning, not Error: any client with an untrusted certificate (a monitoring scraper)
    // causes the same lines; only an APIService reporting 401/403 makes them the cause.
    line(R::ApiserverRequestsRejected, W, &["Unable to authenticate the request"]),
    line_re(R::ApiserverRequestsRejected, W, &["is not in the allowed list"], r"x509: subject with cn=\S+ is not in the allowed list"),
    line(R::ApiserverRequestsRejected, E, &["subjectaccessreviews.authorization.k8s.io is forbidden", "tokenreviews.authentication.k8s.io is forbidden"]),
    // v0.2 refuses to start without them (heapster.go fatal); later versions only warn.
    line(R::AggregationNotConfigured, E, &["Could not create the API server: cluster doesn't provide "]),
    line(R::AggregationNotConfigured, W, &["luster doesn't provide requestheader-client-ca-file", "luster doesn't provide client-ca-file"]),
    // A metrics-server outside kube-system without the auth-reader RoleBinding there.
    line_re(R::PermissionMissing, E, &["extension-apiserver-authentication"],
        r#"configmaps "extension-apiserver-authentication" is forbidden"#),
    // Startup errors (printed as `Error: …` and `panic: …`, or logged before exiting).
    line_re(R::StartupExit, E, &["unknown flag: ", "unknown shorthand flag: "], r"unknown (?:shorthand )?flag: \S+"),
    line(R::StartupExit, E, &[
        "etric-resolution should be a time duration at least",
        "metric-resolution should be larger than kubelet-request-timeout",
        "eed both --kubelet-client-key and --kubelet-client-certificate",
        "kubelet-request-timeout should be positive",
        "error creating self-signed certificates: ",
        "unable to load configmap based request-header-client-ca-file: ",
        "unable to load client CA file",
        "unable to construct lister client config",
        // v0.2: no usable `--source=kubernetes.summary_api:…`.
        "Failed to get kubernetes address: ",
    ]),
    // v0.3 wording of the startup read of the client CA configmap (v0.4+: the entry above).
    line_re(R::StartupExit, E, &["extension-apiserver-authentication"],
        r#"Get "?https?://\S+/configmaps/extension-apiserver-authentication"?: "#),
    line_re(R::StartupExit, E, &["annot use both --"], r"[Cc]annot use both --[\w-]+ and --[\w-]+"),
    line_re(R::StartupExit, E, &[": bind: permission denied", ": bind: address already in use"],
        r"failed to listen on \S+: listen tcp \S+: bind: (?:permission denied|address already in use)"),
    // `kubectl logs`/`exec` through a kubelet without a serving certificate.
    line(R::KubeletCsrPending, E, &["error dialing backend: remote error: tls: internal error"]),
    line_re(R::KubeletCsrPending, E, &["/containerLogs/"], r"remote error: tls: internal error"),
    // kubectl.
    no_rule(E, &["Error from server (ServiceUnavailable): the server is currently unable to handle the request (get "],
        Some(r"the server is currently unable to handle the request \(get (?:nodes|pods)\.metrics\.k8s\.io\)")),
    // Printed both when the APIService is missing and when it is unavailable: no single rule.
    no_rule(E, &["error: Metrics API not available"], None),
    line(R::WarmingUp, W, &["metrics not available yet"]),
    line(R::PodsWithoutMetrics, E, &["Metrics not available for pod "]),
    line(R::NodesWithoutMetrics, E, &["Error from server (NotFound): nodemetrics.metrics.k8s.io "]),
    line(R::ApiServiceMissing, E, &["the server could not find the requested resource (get services http:heapster:)"]),
    no_rule(W, &[
        "unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1",
        "couldn't get resource list for metrics.k8s.io/v1beta1",
    ], None),
    // kube-apiserver: the aggregator answers 503 for an APIService that is not Available.
    no_rule(E, &["loading OpenAPI spec for "],
        Some(r"loading OpenAPI spec for \S+ failed with: .*ResponseCode: 503")),
    // konnectivity-server: no agent to tunnel through, so the control plane cannot reach pods.
    line(R::ApiserverCannotReachPod, E, &["No agent available"]),
    // HPA conditions and events.
    line_re(R::HpaControllerForbidden, E, &["pods.metrics.k8s.io is forbidden"],
        r#"pods\.metrics\.k8s\.io is forbidden: User "[^"]*horizontal-pod-autoscaler""#),
    line_re(R::ApiserverRequestsRejected, E, HPA_FETCH, r"unable to fetch metrics from resource metrics API: .*Unauthorized"),
    line_re(R::ApiServiceMissing, E, HPA_FETCH, r"unable to fetch metrics from resource metrics API: the server could not find the requested resource"),
    line(R::HpaCannotRead, E, HPA_FETCH),
    line_re(R::HpaTargetNoRequests, E, &["missing request for "], r"failed to get (?:cpu|memory) utilization: missing request for (?:cpu|memory)"),
    line(R::HpaPodsWithoutMetrics, W, &[
        "no metrics returned from resource metrics API",
        "did not receive metrics for targeted pods",
        "did not receive metrics for any ready pods",
    ]),
    line_re(R::HpaContainerWithoutMetrics, E, &["not present in metrics for pod "], r"container \S+ not present in metrics for pod"),
    // Pod and ReplicaSet events.
    line(R::NotReady, W, &["Readiness probe failed: HTTP probe failed with statuscode: 500"]),
    line(R::Killed, E, &["Liveness probe failed: "]),
    // Any other readiness failure (refused while starting, timeouts) after the 500 above.
    line(R::NotReady, W, &["Readiness probe failed: "]),
    line_re(R::PodNotScheduled, E, &["insufficient quota to match these scopes: "], r"insufficient quota to match these scopes: .*PriorityClass In"),
    line(R::PodNotScheduled, E, &["violates PodSecurity "]),
    line_re(R::PodNotScheduled, E, &[" nodes are available: "], r"\b0/[0-9]+ nodes are available: "),
    line(R::ImagePull, E, &["Failed to pull image ", "Back-off pulling image "]),
    // APIService `Available` condition messages.
    line_re(R::ApiserverRequestsRejected, E, &["bad status from "], r"bad status from \S+: 40[13]\b"),
    line_re(R::ServingCertUntrusted, E, DISCOVERY, r"(?:failing or missing|no) response from https?://.*x509: "),
    line_re(R::ApiserverCannotReachPod, E, DISCOVERY, r"(?:failing or missing|no) response from https?://"),
    line_re(R::ApiserverCannotReachPod, E, &["timed out waiting for "], r"timed out waiting for https?://"),
    line_re(R::ServiceMissing, E, &["is not present"], r#"service/\S+ in "[^"]*" is not present"#),
    line_re(R::ServicePortMismatch, E, &["is not listening on port "], r#"service/\S+ in "[^"]*" is not listening on port [0-9]+"#),
    line_re(R::NoEndpoints, E, &["cannot find endpoint"], r"cannot find endpoint(?:s|slices)? for service/"),
    line_re(R::NoEndpoints, E, &["have no addresses"], r#"endpoint(?:s|slices)? for service/\S+ in "[^"]*" have no addresses"#),
    no_rule(W, &["cannot be checked due to: "], Some(r#"service/\S+ in "[^"]*" cannot be checked due to: "#)),
    // Last: a probe failing for a reason the catalog does not know is still worth a look.
    no_rule(W, &["Failed probe"], None),
];

/// One class of scrape error.
pub(crate) struct ErrSig {
    pub(crate) rule: RuleId,
    anchors: &'static [&'static str],
    confirm: Option<&'static str>,
}

const fn err(rule: RuleId, anchors: &'static [&'static str]) -> ErrSig {
    ErrSig {
        rule,
        anchors,
        confirm: None,
    }
}

const fn err_re(rule: RuleId, anchors: &'static [&'static str], confirm: &'static str) -> ErrSig {
    ErrSig {
        rule,
        anchors,
        confirm: Some(confirm),
    }
}

/// Scrape error classes in the catalog's order. Go checks a certificate's validity period,
/// then its names, then its chain, so F17 before F16 before F15; F20/F22 come before F19
/// because their texts also contain F19's generic network errors.
#[rustfmt::skip]
pub(crate) static ERR_SIGS: &[ErrSig] = &[
    err(R::KubeletCertExpired, &["x509: certificate has expired or is not yet valid"]),
    // The x509 head is optional: wrapped pastes keep only the tail.
    err_re(R::KubeletCertWrongName, &["doesn't contain any IP SANs"], r"(?:x509: cannot validate certificate for \S+ )?because it doesn't contain any IP SANs"),
    err_re(R::KubeletCertWrongName, &["x509: certificate is valid for "], r"x509: certificate is valid for .+?, not \S+"),
    err(R::KubeletCertWrongName, &["x509: certificate relies on legacy Common Name field", "x509: certificate is not valid for any names"]),
    err(R::KubeletCertUnknownAuthority, &["x509: certificate signed by unknown authority"]),
    err(R::KubeletCsrPending, &["remote error: tls: internal error"]),
    err_re(R::NodeNameUnresolved, &["dial tcp: lookup "], r"dial tcp: lookup \S+?(?: on \S+)?: (?:no such host|server misbehaving|i/o timeout)"),
    err(R::NoMatchingAddressType, &["no address matched types", "had no addresses that matched types"]),
    err(R::LegacyKubeletPort, &["server gave HTTP response to HTTPS client"]),
    // The read-only port refusing or timing out (old Go: `getsockopt: …`); or plain HTTP to 10250.
    err_re(R::LegacyKubeletPort, &[":10255: connect: ", ":10255: getsockopt: ", ":10255: i/o timeout"],
        r"dial tcp \S+:10255: (?:(?:connect|getsockopt): connection (?:refused|timed out)|i/o timeout)"),
    err(R::LegacyKubeletPort, &["transport connection broken: malformed HTTP response"]),
    err_re(R::LegacyKubeletPort, &["\"400 Bad Request"], r#"(?:status:? |bad status code |request failed - )"400 Bad Request"#),
    err_re(R::KubeletUnreachable, &[": i/o timeout", "connect: no route to host", "connect: network is unreachable", "connect: connection refused", "getsockopt: "],
        r"dial tcp \S+:[0-9]+: (?P<sig>i/o timeout|(?:connect|getsockopt): (?:no route to host|network is unreachable|connection refused|connection timed out))"),
    err(R::KubeletUnreachable, &["context deadline exceeded", "Client.Timeout exceeded", "net/http: TLS handshake timeout", "connection reset by peer"]),
    err_re(R::KubeletUnreachable, &[": EOF"], r": EOF$"),
    // v0.3 logged the kubelet's 403 body; an anonymous user means the token was not checked.
    err_re(R::KubeletUnauthorized, &["\"401 Unauthorized", "'401 Unauthorized"], r#"["'](?P<sig>401 Unauthorized)"#),
    // v0.3 logged the 401 body too; a wrapped paste may keep only that.
    err(R::KubeletUnauthorized, &["response: \"Unauthorized\""]),
    err(R::KubeletUnauthorized, &["Forbidden (user=system:anonymous,"]),
    err_re(R::KubeletForbidden, &["\"403 Forbidden", "'403 Forbidden"], r#"["'](?P<sig>403 Forbidden)"#),
    err(R::KubeletForbidden, &["Forbidden (user="]),
    err_re(R::KubeletNoMetricsEndpoint, &["\"404 Not Found"], r#""(?P<sig>404 Not Found)"#),
    err_re(R::KubeletBadAnswer, &["\"50"], r#""(?P<sig>50[0-9] [^"]*)"#),
    err(R::KubeletBadAnswer, &["failed parsing metrics:", "failed to initialize Prometheus parser", "failed to read response body"]),
    // v0.3 summary decoding: the kubelet answered, but without usable values.
    err(R::NodesWithoutMetrics, &["unable to get CPU for node ", "unable to get memory for node ", "unable to get valid timestamp for metric point for node "]),
    err(R::PodsWithoutMetrics, &["unable to get CPU for container ", "unable to get memory for container ", "unable to get a valid timestamp for metric point for container "]),
];

/// Every literal a line must contain for any signature to match: the anchors of both tables
/// plus the v0.5+ scrape message (matched by prefix in `scrape.rs`). A streaming reader can
/// prefilter candidate lines with one multi-literal search over these and skip the rest.
/// Scrape errors (`ERR_SIGS`) are included because headerless fragments are classified by them.
pub(crate) fn prefilter_anchors() -> impl Iterator<Item = &'static str> {
    LINE_SIGS
        .iter()
        .flat_map(|s| s.anchors.iter().copied())
        .chain(ERR_SIGS.iter().flat_map(|s| s.anchors.iter().copied()))
        .chain(std::iter::once("Failed to scrape node"))
}

/// An automaton over a table's anchors plus its compiled confirmations.
struct Table {
    ac: AhoCorasick,
    /// Table entry of each automaton pattern.
    owner: Vec<usize>,
    confirm: Vec<Option<Regex>>,
}

impl Table {
    /// Builds from `(anchors, confirm)` per entry. The patterns are static catalog text,
    /// so a failure here is a programming error caught by every test run.
    fn build<'s>(
        entries: impl Iterator<Item = (&'s [&'static str], Option<&'static str>)>,
    ) -> Table {
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        let mut confirm = Vec::new();
        for (idx, (anchors, re)) in entries.enumerate() {
            for &a in anchors {
                patterns.push(a);
                owner.push(idx);
            }
            confirm.push(re.map(|r| Regex::new(r).expect("catalog regex compiles")));
        }
        // Standard semantics are required for overlapping search: one anchor must not hide
        // another that starts inside it.
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(patterns)
            .expect("catalog anchors build an automaton");
        Table { ac, owner, confirm }
    }

    /// The first entry, in table order, that matches one of `texts`: (entry, text index,
    /// range to highlight in that text).
    fn first<'t>(
        &self,
        texts: impl Iterator<Item = &'t str> + Clone,
    ) -> Option<(usize, usize, Range<usize>)> {
        let mut hits: Vec<(usize, usize, Range<usize>)> = Vec::new();
        for (ti, text) in texts.clone().enumerate() {
            for m in self.ac.find_overlapping_iter(text) {
                hits.push((self.owner[m.pattern().as_usize()], ti, m.range()));
            }
        }
        hits.sort_unstable_by_key(|(entry, ti, r)| (*entry, *ti, r.start));
        let mut tried = None;
        for (entry, ti, anchor) in hits {
            let Some(re) = &self.confirm[entry] else {
                return Some((entry, ti, anchor));
            };
            // All anchors of an entry confirm with the same regex: run it once per text.
            if tried == Some((entry, ti)) {
                continue;
            }
            tried = Some((entry, ti));
            let text = texts.clone().nth(ti)?;
            if let Some(r) = confirmed(re, text) {
                return Some((entry, ti, r));
            }
        }
        None
    }
}

/// The `sig` group of the first match, or the whole match.
fn confirmed(re: &Regex, text: &str) -> Option<Range<usize>> {
    let caps = re.captures(text)?;
    caps.name("sig").or_else(|| caps.get(0)).map(|m| m.range())
}

struct Matcher {
    line: Table,
    err: Table,
    address: Regex,
}

static MATCHER: LazyLock<Matcher> = LazyLock::new(|| {
    Matcher {
    line: Table::build(LINE_SIGS.iter().map(|s| (s.anchors, s.confirm))),
    err: Table::build(ERR_SIGS.iter().map(|s| (s.anchors, s.confirm))),
    // The host metrics-server dialled: the URL of the request, else the `dial`/`listen`
    // target. IPv6 hosts come in brackets, which are not part of the address.
    address: Regex::new(
        r#"(?:https?://|dial tcp |listen tcp )(?:\[(?P<v6>[0-9A-Fa-f:.%]+)\]|(?P<host>[^\s/:"\\\[\]()]+))(?::(?P<port>[0-9]{1,5}))?"#,
    )
    .expect("address regex compiles"),
}
});

/// A matched line signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineHit {
    pub(crate) verdict: Verdict,
    /// Index into the searched texts.
    pub(crate) text: usize,
    /// What to highlight, within that text.
    pub(crate) range: Range<usize>,
}

/// The first line signature found in any of `texts` (a record's message and values).
pub(crate) fn line_signature<'t, 'a: 't>(
    texts: impl Iterator<Item = &'t Text<'a>> + Clone,
) -> Option<LineHit> {
    let (entry, text, range) = MATCHER.line.first(texts.map(Text::as_str))?;
    Some(LineHit {
        verdict: LINE_SIGS[entry].verdict,
        text,
        range,
    })
}

/// A classified scrape error: the rule and the text that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrClass {
    pub(crate) rule: RuleId,
    pub(crate) range: Range<usize>,
}

/// Classifies one scrape error (already unescaped); first class in catalog order wins.
pub(crate) fn classify_err(err: &str) -> Option<ErrClass> {
    let (entry, _, range) = MATCHER.err.first(std::iter::once(err))?;
    Some(ErrClass {
        rule: ERR_SIGS[entry].rule,
        range,
    })
}

/// A host (and port) found in an error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    /// Range of the host within the searched text (without IPv6 brackets).
    pub(crate) host: Range<usize>,
    pub(crate) port: Option<u16>,
}

pub(crate) fn find_address(text: &str) -> Option<Address> {
    // Cheap check before the regex: every form we read has one of these.
    if !text.contains("://") && !text.contains("tcp ") {
        return None;
    }
    let caps = MATCHER.address.captures(text)?;
    let host = caps.name("v6").or_else(|| caps.name("host"))?.range();
    let port = caps.name("port").and_then(|p| p.as_str().parse().ok());
    Some(Address { host, port })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_compile() {
        LazyLock::force(&MATCHER);
    }

    #[test]
    fn line_anchors_avoid_escaped_characters() {
        for s in LINE_SIGS {
            for a in s.anchors {
                assert!(!a.contains(['"', '\\']) && a.is_ascii(), "{a}");
            }
        }
    }

    #[test]
    fn err_classes_follow_catalog_order() {
        let mut seen = Vec::new();
        for s in ERR_SIGS {
            if seen.last() != Some(&s.rule.number()) {
                seen.push(s.rule.number());
            }
        }
        assert_eq!(
            seen,
            [17, 16, 15, 18, 20, 21, 22, 19, 23, 24, 25, 26, 28, 29]
        );
    }

    #[test]
    fn err_highlight_is_the_decisive_text() {
        let e = r#"Get "https://10.0.0.5:10250/metrics/resource": dial tcp 10.0.0.5:10250: connect: no route to host"#;
        let c = classify_err(e).expect("classified");
        assert_eq!(
            (c.rule, &e[c.range]),
            (R::KubeletUnreachable, "connect: no route to host")
        );
    }

    #[test]
    fn expired_wins_over_unknown_authority() {
        let e = "x509: certificate signed by unknown authority; x509: certificate has expired or is not yet valid: current time 2026-11-10T10:30:05Z is after 2026-11-02T08:14:11Z";
        assert_eq!(classify_err(e).map(|c| c.rule), Some(R::KubeletCertExpired));
    }

    #[test]
    fn addresses() {
        let cases = [
            (
                r#"Get "https://10.0.0.5:10250/metrics/resource": EOF"#,
                "10.0.0.5",
                Some(10250),
            ),
            (
                "dial tcp 10.0.0.7:10255: connect: connection refused",
                "10.0.0.7",
                Some(10255),
            ),
            (
                r#"Get "https://[fd00::5]:10250/x": EOF"#,
                "fd00::5",
                Some(10250),
            ),
            (
                "Get https://worker-1:10250/stats/summary/: EOF",
                "worker-1",
                Some(10250),
            ),
            (
                "listen tcp 0.0.0.0:443: bind: permission denied",
                "0.0.0.0",
                Some(443),
            ),
            ("Get http://node-a/x: EOF", "node-a", None),
        ];
        for (text, host, port) in cases {
            let a = find_address(text).expect(text);
            assert_eq!((&text[a.host], a.port), (host, port), "{text}");
        }
        assert_eq!(
            find_address("dial tcp: lookup worker-1 on 10.96.0.10:53: no such host"),
            None
        );
        assert_eq!(
            find_address("dial tcp 10.0.0.5:99999: x").map(|a| a.port),
            Some(None)
        );
    }
}
