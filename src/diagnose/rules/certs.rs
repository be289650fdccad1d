//! Certificates read, not inferred from log wording: the APIService `caBundle` (F08) and the
//! serving certificate each kubelet presented to mstui's TLS dial at the address and port
//! metrics-server uses (F15 issuer, F16 names, F17 validity).
//!
//! A kubelet that could not be dialled is not checked (no finding). A node that has metrics was
//! evidently scraped, so its certificate is not held against it (metrics-server may trust a CA
//! mstui cannot see). With `--kubelet-insecure-tls` nothing is verified, so nothing fails.

use super::scrape::pending_csrs;
use super::{MAX_EXCERPTS, join};
use crate::certs::{self, CertInfo};
use crate::diagnose::context::Ctx;
use crate::diagnose::finding::Finding;
use crate::snapshot::KubeletTls;
use crate::vocab::{FixId, RuleId, Severity};

pub(super) fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    out.extend(ca_bundle(ctx));
    kubelets(ctx, out);
}

/// The clock certificates are judged by: the API server's when known, else `now`.
fn reference_time(ctx: &Ctx) -> jiff::Timestamp {
    ctx.snap.apiserver_time.unwrap_or(ctx.now)
}

/// F08 from the bundle itself (nothing parsable, every CA outside its validity) and, when
/// metrics-server's serving certificate was read from its Secret, from comparing the two: not
/// signed by a CA of the bundle, no SAN for `<service>.<namespace>.svc` (the name the API server
/// verifies), or expired.
fn ca_bundle(ctx: &Ctx) -> Option<Finding> {
    let spec = ctx.snap.apiservice.as_ref()?.spec.as_ref()?;
    if spec.insecure_skip_tls_verify == Some(true) {
        return None;
    }
    let bundle = spec.ca_bundle.as_ref().map(|b| b.0.as_slice())?;
    if bundle.is_empty() {
        return None;
    }
    let f = || Finding::from_catalog(RuleId::ServingCertUntrusted);
    let roots: Vec<Vec<u8>> = certs::pem_certs(bundle)
        .into_iter()
        .filter(|der| certs::info(der).is_ok())
        .collect();
    let parsed: Vec<CertInfo> = roots.iter().filter_map(|d| certs::info(d).ok()).collect();
    if parsed.is_empty() {
        return Some(f().with_evidence(format!(
            "APIService caBundle ({} bytes) holds no parsable PEM certificate: the API server \
             can verify no serving certificate with it",
            bundle.len()
        )));
    }
    let now = reference_time(ctx);
    let mut lines = Vec::new();
    let invalid: Vec<String> = parsed
        .iter()
        .filter_map(|c| c.invalid_at(now).map(|why| format!("{} {why}", c.subject)))
        .collect();
    if invalid.len() == parsed.len() {
        lines.extend(
            invalid
                .into_iter()
                .map(|l| format!("APIService caBundle: {l}")),
        );
        lines.push(format!(
            "no certificate in the caBundle is valid at {now}: the API server rejects \
             metrics-server's serving certificate"
        ));
    }
    if let Some(serving) = &ctx.snap.serving_cert {
        let chain = certs::pem_certs(serving.pem.as_bytes());
        let who = format!("serving cert of metrics-server ({})", serving.source);
        match chain.first().and_then(|d| certs::info(d).ok()) {
            None => lines.push(format!("{who}: no parsable PEM certificate")),
            Some(leaf) => {
                if !certs::chains_to(&chain, &roots) {
                    let names: Vec<&str> = parsed.iter().map(|c| c.subject.as_str()).collect();
                    lines.push(format!(
                        "{who}: issued by {}, not signed by the caBundle's CA {}",
                        leaf.issuer,
                        join(&names)
                    ));
                }
                let service = spec.service.as_ref().and_then(|s| {
                    Some(format!(
                        "{}.{}.svc",
                        s.name.as_deref()?,
                        s.namespace.as_deref()?
                    ))
                });
                if let Some(host) = service.filter(|h| !leaf.covers(h)) {
                    lines.push(format!(
                        "{who}: SANs {}; no DNS SAN for {host}",
                        leaf.sans()
                    ));
                }
                if let Some(why) = leaf.invalid_at(now) {
                    lines.push(format!("{who}: {why}"));
                }
            }
        }
    }
    if lines.is_empty() {
        return None;
    }
    let mut finding = f();
    for line in lines {
        finding = finding.with_evidence(line);
    }
    Some(finding)
}

/// `kubelet cert of node-1 (127.0.0.1:10250)`.
fn subject(k: &KubeletTls) -> String {
    let host = if k.address.contains(':') {
        format!("[{}]", k.address)
    } else {
        k.address.clone()
    };
    format!("kubelet cert of {} ({host}:{})", k.node, k.port)
}

fn kubelets(ctx: &Ctx, out: &mut Vec<Finding>) {
    let flags = ctx.flags.as_ref();
    if flags.is_some_and(|f| f.bool("kubelet-insecure-tls")) {
        return;
    }
    // With its own CA file metrics-server trusts something mstui cannot read: the issuer is
    // not judged, names and validity still are.
    let own_ca = flags.and_then(|f| f.value("kubelet-certificate-authority"));
    let roots: Vec<Vec<u8>> = ctx
        .snap
        .cluster_ca
        .as_ref()
        .map(|a| certs::pem_certs(a.pem.as_bytes()))
        .unwrap_or_default();
    let root_names: Vec<String> = roots
        .iter()
        .filter_map(|r| certs::info(r).ok())
        .map(|i| i.subject)
        .collect();
    let now = reference_time(ctx);
    let mut found: Vec<(RuleId, &str, String)> = Vec::new();
    for k in &ctx.snap.kubelet_tls {
        let Ok(chain) = &k.chain else { continue };
        if ctx.node_has_metrics(&k.node) {
            continue;
        }
        let Some(leaf) = chain.first().and_then(|d| certs::info(d).ok()) else {
            continue;
        };
        let who = subject(k);
        if !leaf.covers(&k.address) {
            let missing = if k.address.parse::<std::net::IpAddr>().is_ok() {
                format!("no IP SAN for {}", k.address)
            } else {
                format!("no DNS SAN for {}", k.address)
            };
            found.push((
                RuleId::KubeletCertWrongName,
                &k.node,
                format!("{who}: SANs {}; {missing}", leaf.sans()),
            ));
        }
        if let Some(why) = leaf.invalid_at(now) {
            found.push((
                RuleId::KubeletCertExpired,
                &k.node,
                format!("{who}: {why} (checked at {now})"),
            ));
        }
        if own_ca.is_some() || roots.is_empty() {
            continue;
        }
        let source = ctx
            .snap
            .cluster_ca
            .as_ref()
            .map(|a| a.source.as_str())
            .unwrap_or_default();
        let trusted = certs::chains_to(chain, &roots);
        let logged_f15 = ctx
            .logs
            .failing_with(RuleId::KubeletCertUnknownAuthority)
            .iter()
            .any(|(n, _)| *n == k.node);
        if !trusted {
            let self_signed = if leaf.self_issued {
                ", self-signed"
            } else {
                ""
            };
            found.push((
                RuleId::KubeletCertUnknownAuthority,
                &k.node,
                format!(
                    "{who}: issued by {}{self_signed}, not signed by the cluster CA {} ({source})",
                    leaf.issuer,
                    join(&root_names)
                ),
            ));
        } else if logged_f15 {
            // The log says unknown authority, the certificate chains to the cluster CA: so
            // metrics-server trusts some other CA.
            found.push((
                RuleId::KubeletCertUnknownAuthority,
                &k.node,
                format!(
                    "{who}: signed by the cluster CA {} ({source}), so metrics-server verifies \
                     against another CA",
                    join(&root_names)
                ),
            ));
        }
    }
    let pending = pending_csrs(ctx);
    for rule in [
        RuleId::KubeletCertUnknownAuthority,
        RuleId::KubeletCertWrongName,
        RuleId::KubeletCertExpired,
    ] {
        let of_rule: Vec<&(RuleId, &str, String)> =
            found.iter().filter(|(r, _, _)| *r == rule).collect();
        if of_rule.is_empty() {
            continue;
        }
        let nodes: Vec<&str> = of_rule.iter().map(|(_, n, _)| *n).collect();
        let mut f = Finding::from_catalog(rule).with_nodes(&nodes);
        for (_, _, line) in of_rule.iter().take(MAX_EXCERPTS) {
            f = f.with_evidence(line.clone());
        }
        if of_rule.len() > MAX_EXCERPTS {
            f = f.with_evidence(format!(
                "… and {} more kubelet certificates like these",
                of_rule.len() - MAX_EXCERPTS
            ));
        }
        // Measured, but the log does not (yet) show metrics-server failing this way on these
        // nodes (no scrape yet, an unreadable log, a backend that never started): a warning,
        // so the chain's visible failure stays the headline.
        let confirmed = ctx
            .logs
            .failing_with(rule)
            .iter()
            .any(|(n, _)| nodes.contains(n));
        if !confirmed {
            f = f.with_severity(Severity::Warning).with_evidence(
                "the metrics-server log does not show this failure for these nodes (yet): \
                 measured from the certificate alone",
            );
        }
        let approvable = pending.iter().any(|(_, n)| nodes.contains(&n.as_str()));
        let fixes: &[FixId] = if approvable {
            &[FixId::ApproveKubeletCsrs, FixId::KubeletInsecureTls]
        } else {
            &[FixId::KubeletInsecureTls]
        };
        out.push(f.with_fixes(fixes));
    }
}
