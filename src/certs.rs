//! X.509 certificates as the rules need them: PEM bundles split into DER, the names and validity
//! of a certificate, whether one certificate signed another, whether a certificate covers the
//! address a client dials (Go's `crypto/x509` `VerifyHostname` rules, simplified).
//!
//! Pure: bytes in, facts out. Nothing here trusts or rejects anything; the rules decide.

use jiff::Timestamp;
use std::net::IpAddr;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::FromDer;

/// What a rule reads from one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// `CN=kubelet-ca` or the full RFC 4514 subject when it has no CN.
    pub subject: String,
    pub issuer: String,
    pub dns_sans: Vec<String>,
    pub ip_sans: Vec<IpAddr>,
    pub not_before: Option<Timestamp>,
    pub not_after: Option<Timestamp>,
    pub is_ca: bool,
    /// Subject and issuer are the same name (a self-signed certificate, or a root).
    pub self_issued: bool,
}

impl CertInfo {
    /// `DNS:node-1, IP:10.0.0.5`, or `none`.
    pub fn sans(&self) -> String {
        let names: Vec<String> = self
            .dns_sans
            .iter()
            .map(|d| format!("DNS:{d}"))
            .chain(self.ip_sans.iter().map(|i| format!("IP:{i}")))
            .collect();
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    }

    /// Why the certificate is not valid at `now`, if it is not.
    pub fn invalid_at(&self, now: Timestamp) -> Option<String> {
        match (self.not_before, self.not_after) {
            (Some(nb), _) if now < nb => Some(format!("not valid before {nb}")),
            (_, Some(na)) if now > na => Some(format!("expired at {na}")),
            _ => None,
        }
    }

    /// Whether `address` (an IP or a host name, as dialled) is one of the certificate's names.
    pub fn covers(&self, address: &str) -> bool {
        match address.parse::<IpAddr>() {
            Ok(ip) => self.ip_sans.contains(&ip),
            Err(_) => {
                let host = address.trim_end_matches('.').to_ascii_lowercase();
                self.dns_sans.iter().any(|san| dns_matches(san, &host))
            }
        }
    }
}

/// `*.example.com` matches one label; otherwise case-insensitive equality.
fn dns_matches(san: &str, host: &str) -> bool {
    let san = san.trim_end_matches('.').to_ascii_lowercase();
    match san.strip_prefix("*.") {
        Some(rest) => host
            .split_once('.')
            .is_some_and(|(label, tail)| !label.is_empty() && tail == rest),
        None => san == host,
    }
}

/// The DER blocks of every `CERTIFICATE` in a PEM bundle (other blocks and junk are skipped).
pub fn pem_certs(pem: &[u8]) -> Vec<Vec<u8>> {
    x509_parser::pem::Pem::iter_from_buffer(pem)
        .map_while(Result::ok)
        .filter(|p| p.label == "CERTIFICATE")
        .map(|p| p.contents)
        .collect()
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, String> {
    X509Certificate::from_der(der)
        .map(|(_, c)| c)
        .map_err(|e| format!("not an X.509 certificate: {e}"))
}

fn name(n: &x509_parser::x509::X509Name) -> String {
    let cns: Vec<&str> = n
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok())
        .collect();
    if cns.is_empty() {
        n.to_string()
    } else {
        format!("CN={}", cns.join("+"))
    }
}

fn timestamp(t: x509_parser::time::ASN1Time) -> Option<Timestamp> {
    Timestamp::from_second(t.timestamp()).ok()
}

/// Read one DER certificate.
pub fn info(der: &[u8]) -> Result<CertInfo, String> {
    let cert = parse(der)?;
    let mut dns_sans = Vec::new();
    let mut ip_sans = Vec::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => dns_sans.push(d.to_string()),
                GeneralName::IPAddress(bytes) => {
                    let ip = match bytes.len() {
                        4 => <[u8; 4]>::try_from(*bytes).ok().map(IpAddr::from),
                        16 => <[u8; 16]>::try_from(*bytes).ok().map(IpAddr::from),
                        _ => None,
                    };
                    ip_sans.extend(ip);
                }
                _ => {}
            }
        }
    }
    let validity = cert.validity();
    Ok(CertInfo {
        subject: name(cert.subject()),
        issuer: name(cert.issuer()),
        dns_sans,
        ip_sans,
        not_before: timestamp(validity.not_before),
        not_after: timestamp(validity.not_after),
        is_ca: cert.is_ca(),
        self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
    })
}

/// Whether `issuer` signed `child`: the names chain and the signature verifies with the
/// issuer's key. False for anything that does not parse.
pub fn signed_by(child: &[u8], issuer: &[u8]) -> bool {
    let (Ok(child), Ok(issuer)) = (parse(child), parse(issuer)) else {
        return false;
    };
    child.issuer().as_raw() == issuer.subject().as_raw()
        && child.verify_signature(Some(issuer.public_key())).is_ok()
}

/// Whether the chain a server presented (leaf first) leads to one of `roots`: the leaf or one
/// of the intermediates it presented was signed by a root, each link signed by the next.
/// Validity periods are not checked here (see [`CertInfo::invalid_at`]).
pub fn chains_to(chain: &[Vec<u8>], roots: &[Vec<u8>]) -> bool {
    let Some(mut current) = chain.first() else {
        return false;
    };
    // At most one step per presented certificate: no loops on a crafted chain.
    for _ in 0..chain.len() {
        if roots.iter().any(|r| r == current || signed_by(current, r)) {
            return true;
        }
        match chain[1..].iter().find(|c| signed_by(current, c)) {
            Some(next) if next != current => current = next,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, date_time_ymd,
    };

    struct Ca {
        der: Vec<u8>,
        pem: String,
        issuer: Issuer<'static, KeyPair>,
    }

    fn ca(cn: &str) -> Ca {
        let key = KeyPair::generate().unwrap();
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, cn);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = p.self_signed(&key).unwrap();
        Ca {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            issuer: Issuer::new(p, key),
        }
    }

    fn leaf(ca: &Ca, sans: &[&str]) -> Vec<u8> {
        let key = KeyPair::generate().unwrap();
        let mut p =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        p.distinguished_name.push(DnType::CommonName, "node-1");
        p.not_before = date_time_ymd(2020, 1, 1);
        p.not_after = date_time_ymd(2021, 1, 1);
        p.signed_by(&key, &ca.issuer).unwrap().der().to_vec()
    }

    #[test]
    fn names_validity_and_issuer_are_read() {
        let ca = ca("cluster-ca");
        let der = leaf(&ca, &["node-1", "127.0.0.1"]);
        let i = info(&der).unwrap();
        assert_eq!(i.subject, "CN=node-1");
        assert_eq!(i.issuer, "CN=cluster-ca");
        assert_eq!(i.sans(), "DNS:node-1, IP:127.0.0.1");
        assert!(!i.self_issued && !i.is_ca);
        let inside: Timestamp = "2020-06-01T00:00:00Z".parse().unwrap();
        assert_eq!(i.invalid_at(inside), None);
        let later: Timestamp = "2022-01-01T00:00:00Z".parse().unwrap();
        assert!(
            i.invalid_at(later)
                .unwrap()
                .starts_with("expired at 2021-01-01")
        );
        let earlier: Timestamp = "2019-01-01T00:00:00Z".parse().unwrap();
        assert!(
            i.invalid_at(earlier)
                .unwrap()
                .starts_with("not valid before")
        );
        let root = info(&ca.der).unwrap();
        assert!(root.is_ca && root.self_issued);
    }

    #[test]
    fn covers_ips_and_names_like_go() {
        let ca = ca("c");
        let i = info(&leaf(&ca, &["node-1", "*.nodes.example", "10.0.0.5"])).unwrap();
        assert!(i.covers("10.0.0.5"));
        assert!(!i.covers("10.0.0.6"));
        assert!(i.covers("NODE-1"));
        assert!(i.covers("a.nodes.example"));
        assert!(!i.covers("a.b.nodes.example"));
        assert!(!i.covers("node-2"));
        let dns_only = info(&leaf(&ca, &["node-1"])).unwrap();
        assert!(!dns_only.covers("127.0.0.1"), "an IP needs an IP SAN");
    }

    #[test]
    fn signatures_decide_the_chain() {
        let cluster = ca("kubernetes");
        let other = ca("kubelet-ca");
        let good = leaf(&cluster, &["node-1"]);
        let foreign = leaf(&other, &["node-1"]);
        assert!(signed_by(&good, &cluster.der));
        assert!(!signed_by(&foreign, &cluster.der));
        assert!(chains_to(
            std::slice::from_ref(&good),
            std::slice::from_ref(&cluster.der)
        ));
        assert!(!chains_to(
            std::slice::from_ref(&foreign),
            std::slice::from_ref(&cluster.der)
        ));
        // The foreign CA presented as an intermediate does not help: it is not signed by the root.
        assert!(!chains_to(
            &[foreign.clone(), other.der.clone()],
            std::slice::from_ref(&cluster.der)
        ));
        assert!(!chains_to(&[], std::slice::from_ref(&cluster.der)));
        // A CA with the same name but another key is not the issuer.
        let impostor = ca("kubernetes");
        assert!(!chains_to(std::slice::from_ref(&good), &[impostor.der]));
    }

    #[test]
    fn pem_bundles_split_and_junk_is_no_certificate() {
        let a = ca("a");
        let b = ca("b");
        let bundle = format!("{}\n{}", a.pem, b.pem);
        assert_eq!(pem_certs(bundle.as_bytes()), vec![a.der, b.der]);
        assert!(pem_certs(b"not a pem").is_empty());
        let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let ders = pem_certs(junk.as_bytes());
        assert!(ders.iter().all(|d| info(d).is_err()));
        assert!(!signed_by(b"junk", b"junk"));
    }
}
