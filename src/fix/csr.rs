//! Just enough PEM/DER reading to show what a kubelet-serving CSR asks for (subject and SANs)
//! before the user approves it (F18: approving blindly trusts whatever the node asked for).
//!
//! A PKCS#10 request is small and fixed in shape (RFC 2986), so a tiny DER walker does it without
//! pulling in an X.509 crate. Anything unexpected yields `None`; the UI then says "not shown".

use serde::Serialize;
use std::net::{Ipv4Addr, Ipv6Addr};

/// What a certificate signing request asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CsrRequest {
    pub common_name: Option<String>,
    pub organizations: Vec<String>,
    pub dns_names: Vec<String>,
    pub ip_addresses: Vec<String>,
    /// E-mail and URI SANs: never expected in a kubelet serving request.
    pub other_names: Vec<String>,
}

/// Parse a PEM `CERTIFICATE REQUEST` (the bytes of `spec.request`).
pub fn parse_csr_pem(pem: &[u8]) -> Option<CsrRequest> {
    let der = pem_body(std::str::from_utf8(pem).ok()?, "CERTIFICATE REQUEST")?;
    parse_csr_der(&der)
}

/// The base64 body between `-----BEGIN <label>-----` and `-----END <label>-----`, decoded.
fn pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    base64_decode(&text[start..stop])
}

/// Standard base64 (with or without padding, whitespace ignored); `None` on any other byte.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A DER element: tag byte, contents, and the bytes after it.
fn tlv(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = data.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |l, b| (l << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The elements of a constructed value's contents.
fn children(mut data: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let (tag, content, rest) = tlv(data)?;
        out.push((tag, content));
        data = rest;
    }
    Some(out)
}

const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const OID: u8 = 0x06;
const OCTET_STRING: u8 = 0x04;
const ATTRIBUTES: u8 = 0xa0;
const OID_CN: &[u8] = &[0x55, 0x04, 0x03];
const OID_O: &[u8] = &[0x55, 0x04, 0x0a];
/// 1.2.840.113549.1.9.14 pkcs-9 extensionRequest.
const OID_EXTENSION_REQUEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x0e];
/// 2.5.29.17 subjectAltName.
const OID_SAN: &[u8] = &[0x55, 0x1d, 0x11];

fn parse_csr_der(der: &[u8]) -> Option<CsrRequest> {
    let (tag, csr, _) = tlv(der)?;
    let (info_tag, info, _) = tlv(csr)?;
    if tag != SEQUENCE || info_tag != SEQUENCE {
        return None;
    }
    // CertificationRequestInfo: version, subject, subjectPKInfo, [0] attributes.
    let parts = children(info)?;
    let subject = parts.get(1).filter(|p| p.0 == SEQUENCE)?.1;
    let mut req = CsrRequest::default();
    read_subject(subject, &mut req)?;
    if let Some((_, attrs)) = parts.iter().find(|p| p.0 == ATTRIBUTES) {
        read_attributes(attrs, &mut req)?;
    }
    Some(req)
}

/// Name ::= SEQUENCE OF SET OF { type OID, value }.
fn read_subject(subject: &[u8], req: &mut CsrRequest) -> Option<()> {
    for (_, rdn) in children(subject)?.into_iter().filter(|c| c.0 == SET) {
        for (_, atv) in children(rdn)? {
            let kv = children(atv)?;
            let (Some((OID, oid)), Some((_, value))) = (kv.first(), kv.get(1)) else {
                continue;
            };
            let value = String::from_utf8_lossy(value).into_owned();
            match *oid {
                OID_CN => req.common_name = Some(value),
                OID_O => req.organizations.push(value),
                _ => {}
            }
        }
    }
    Some(())
}

/// Attributes → extensionRequest → Extensions → subjectAltName.
fn read_attributes(attrs: &[u8], req: &mut CsrRequest) -> Option<()> {
    for (_, attr) in children(attrs)? {
        let kv = children(attr)?;
        if kv.first() != Some(&(OID, OID_EXTENSION_REQUEST)) {
            continue;
        }
        for (_, extensions) in children(kv.get(1)?.1)? {
            for (_, ext) in children(extensions)? {
                let fields = children(ext)?;
                if fields.first() != Some(&(OID, OID_SAN)) {
                    continue;
                }
                let (_, value) = fields.iter().find(|f| f.0 == OCTET_STRING)?;
                read_general_names(value, req)?;
            }
        }
    }
    Some(())
}

/// GeneralNames ::= SEQUENCE OF GeneralName (context-specific implicit tags).
fn read_general_names(value: &[u8], req: &mut CsrRequest) -> Option<()> {
    let (_, names, _) = tlv(value)?;
    for (tag, name) in children(names)? {
        match tag {
            0x82 => req
                .dns_names
                .push(String::from_utf8_lossy(name).into_owned()),
            0x87 => req.ip_addresses.push(ip_string(name)?),
            0x81 | 0x86 => req
                .other_names
                .push(String::from_utf8_lossy(name).into_owned()),
            _ => req.other_names.push(format!("(SAN type {tag:#x})")),
        }
    }
    Some(())
}

fn ip_string(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => Some(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?).to_string()),
        16 => Some(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?).to_string()),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rcgen::{CertificateParams, DnType, KeyPair, SanType};

    /// A real PKCS#10 request, PEM-encoded, as a kubelet would send it.
    pub(crate) fn kubelet_csr_pem(node: &str, dns: &[&str], ips: &[&str]) -> String {
        let mut params =
            CertificateParams::new(dns.iter().map(|d| d.to_string()).collect::<Vec<_>>())
                .expect("params");
        for ip in ips {
            params
                .subject_alt_names
                .push(SanType::IpAddress(ip.parse().expect("ip")));
        }
        params
            .distinguished_name
            .push(DnType::OrganizationName, "system:nodes");
        params
            .distinguished_name
            .push(DnType::CommonName, format!("system:node:{node}"));
        let key = KeyPair::generate().expect("key");
        params
            .serialize_request(&key)
            .expect("csr")
            .pem()
            .expect("pem")
    }

    #[test]
    fn reads_subject_and_sans_of_a_real_request() {
        let pem = kubelet_csr_pem(
            "node-1",
            &["node-1", "node-1.example"],
            &["10.0.0.5", "fd00::5"],
        );
        let req = parse_csr_pem(pem.as_bytes()).expect("parsed");
        assert_eq!(req.common_name.as_deref(), Some("system:node:node-1"));
        assert_eq!(req.organizations, ["system:nodes"]);
        assert_eq!(req.dns_names, ["node-1", "node-1.example"]);
        assert_eq!(req.ip_addresses, ["10.0.0.5", "fd00::5"]);
        assert!(req.other_names.is_empty());
    }

    #[test]
    fn request_without_sans() {
        let pem = kubelet_csr_pem("node-2", &[], &[]);
        let req = parse_csr_pem(pem.as_bytes()).expect("parsed");
        assert_eq!(req.common_name.as_deref(), Some("system:node:node-2"));
        assert!(req.dns_names.is_empty() && req.ip_addresses.is_empty());
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(parse_csr_pem(b"not a pem"), None);
        assert_eq!(
            parse_csr_pem(
                b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"
            ),
            None
        );
        assert_eq!(base64_decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(base64_decode("a!"), None);
    }
}
