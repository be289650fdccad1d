//! What must never leave in an incident bundle, and how it is taken out.
//!
//! Two passes, both pure. [`object`] walks a Kubernetes object as JSON and knows its shape:
//! env values and flags with secret-looking names, `caBundle` (kept as a fingerprint and
//! subject summary), fields named like credentials, the last-applied annotation (a second copy
//! of the spec). [`text`] then runs over *every* file the bundle writes, whatever produced it:
//! bearer tokens, JWTs, PEM private keys (plain or base64, as in kubeconfig `client-key-data`),
//! `token=…`/`password: …` pairs. The second pass is the safety net for what the first cannot
//! know the shape of (log lines, event messages, evidence quoting them).

use base64::Engine as _;
use regex::{Captures, Regex};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// What replaces a secret value.
pub const REDACTED: &str = "<redacted>";

/// What was taken out, for SUMMARY.md ("env API_TOKEN of container x", "caBundle").
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Notes(pub Vec<String>);

impl Notes {
    fn add(&mut self, what: String) {
        if !self.0.contains(&what) {
            self.0.push(what);
        }
    }
}

/// Words that make a name (field, env var, flag) a credential's name.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['_', '-', '.'], "");
    [
        "token",
        "password",
        "passwd",
        "secret",
        "apikey",
        "clientkey",
        "privatekey",
        "credential",
        "bearer",
        "authorization",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Fields whose *string* value is only a reference to a secret (a name, a path, a key in a
/// Secret), not the secret itself, though their names look like one.
fn reference_field(name: &str) -> bool {
    matches!(
        name,
        "secretName" | "secretRef" | "secretKeyRef" | "name" | "key" | "path" | "mountPath"
    ) || name.ends_with("File")
        || name.ends_with("Path")
}

/// A Kubernetes object (as JSON) with secrets taken out. `what` names it in the notes.
pub fn object(mut v: Value, what: &str, notes: &mut Notes) -> Value {
    if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
        // Noise, and managedFields can echo field values of other managers.
        meta.remove("managedFields");
        if let Some(ann) = meta.get_mut("annotations").and_then(Value::as_object_mut)
            && ann
                .remove("kubectl.kubernetes.io/last-applied-configuration")
                .is_some()
        {
            notes.add(format!(
                "{what}: annotation kubectl.kubernetes.io/last-applied-configuration (a second copy of the spec)"
            ));
        }
    }
    walk(&mut v, None, what, notes);
    v
}

fn walk(v: &mut Value, key: Option<&str>, what: &str, notes: &mut Notes) {
    match v {
        Value::Object(map) => {
            // A container env entry: {name, value} — the value goes when the name looks secret
            // or the value looks like a credential.
            if let (Some(Value::String(name)), Some(Value::String(value))) =
                (map.get("name"), map.get("value"))
                && (secret_name(name) || looks_like_credential(value))
            {
                let name = name.clone();
                map.insert("value".into(), REDACTED.into());
                notes.add(format!("{what}: env {name}"));
            }
            for (k, child) in map.iter_mut() {
                if k == "caBundle"
                    && let Value::String(b64) = child
                {
                    *child = Value::String(ca_bundle_summary(b64));
                    notes.add(format!(
                        "{what}: caBundle (kept as fingerprint and subject only)"
                    ));
                    continue;
                }
                if let Value::String(_) = child
                    && secret_name(k)
                    && !reference_field(k)
                {
                    *child = REDACTED.into();
                    notes.add(format!("{what}: field {k}"));
                    continue;
                }
                walk(child, Some(k), what, notes);
            }
        }
        Value::Array(items) => {
            let in_argv = matches!(key, Some("args" | "command"));
            for item in items {
                if in_argv && let Value::String(arg) = item {
                    if let Some(red) = flag(arg) {
                        notes.add(format!(
                            "{what}: value of {}",
                            red.split('=').next().unwrap_or_default()
                        ));
                        *arg = red;
                    }
                    continue;
                }
                walk(item, key, what, notes);
            }
        }
        _ => {}
    }
}

/// `--kubelet-token=abc` → `--kubelet-token=<redacted>`; paths (`--*-file`, `--*-dir`) stay.
fn flag(arg: &str) -> Option<String> {
    let (name, value) = arg.split_once('=')?;
    let bare = name.trim_start_matches('-');
    if value.is_empty()
        || value.starts_with('/')
        || bare.ends_with("-file")
        || bare.ends_with("-dir")
    {
        return None;
    }
    (secret_name(bare) || looks_like_credential(value)).then(|| format!("{name}={REDACTED}"))
}

/// A value that is a credential whatever its name: a JWT, a bearer header, PEM key material.
fn looks_like_credential(value: &str) -> bool {
    text(value) != value
}

/// `caBundle` as a reader needs it: how many certificates, and each one's subject, expiry and
/// SHA-256 fingerprint. Private key material, if someone pasted it there, is only counted.
pub fn ca_bundle_summary(b64: &str) -> String {
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
        return format!("<caBundle: {} bytes, not valid base64>", b64.len());
    };
    let mut certs = Vec::new();
    let mut keys = 0;
    for pem in x509_parser::pem::Pem::iter_from_buffer(&raw).flatten() {
        if pem.label.contains("PRIVATE KEY") {
            keys += 1;
            continue;
        }
        let fp: Vec<String> = Sha256::digest(&pem.contents)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let described = match pem.parse_x509() {
            Ok(cert) => format!(
                "subject \"{}\", not after {}",
                cert.subject(),
                cert.validity().not_after
            ),
            Err(_) => "unparsable certificate".into(),
        };
        certs.push(format!("{described}, sha256 {}", fp.join(":")));
    }
    let mut out = format!(
        "<caBundle: {} bytes, {} certificate(s)",
        raw.len(),
        certs.len()
    );
    for c in certs {
        out.push_str("; ");
        out.push_str(&c);
    }
    if keys > 0 {
        out.push_str(&format!("; {keys} private key block(s) removed"));
    }
    out.push('>');
    out
}

static PEM_KEY: LazyLock<Regex> = LazyLock::new(|| {
    // Up to the END marker, or to the end of the text when it was cut (a log tail).
    Regex::new(
        r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)",
    )
    .expect("valid regex")
});
static BASE64_BLOB: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/]{40,}={0,2}").expect("valid regex"));
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}").expect("valid regex")
});
static BEARER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}").expect("valid regex"));
static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b((?:[a-z_-]*token|password|passwd|client[_-]?key[_-]?data|secret)["']?\s*[:=]\s*["']?)([^\s"',;}<]{8,})"#,
    )
    .expect("valid regex")
});

/// Credentials taken out of free text (logs, events, evidence, whole files).
pub fn text(s: &str) -> String {
    let s = PEM_KEY.replace_all(s, "<redacted key material>");
    let s = BASE64_BLOB.replace_all(&s, |c: &Captures| {
        let blob = &c[0];
        if base64_hides_key(blob) {
            "<redacted key material>".to_string()
        } else {
            blob.to_string()
        }
    });
    let s = JWT.replace_all(&s, "<redacted token>");
    let s = BEARER.replace_all(&s, |c: &Captures| format!("{}{REDACTED}", &c[1]));
    let s = PAIR.replace_all(&s, |c: &Captures| {
        if c[2].starts_with('<') {
            c[0].to_string()
        } else {
            format!("{}{REDACTED}", &c[1])
        }
    });
    s.into_owned()
}

/// Whether a base64 run decodes to PEM private key material (kubeconfig `client-key-data`).
fn base64_hides_key(blob: &str) -> bool {
    // "-----BEGIN" in base64 always starts "LS0tLS1CRUdJTi": decode only those.
    if !blob.starts_with("LS0tLS1CRUdJTi") {
        return false;
    }
    let engine = &base64::engine::general_purpose::STANDARD;
    let decoded = engine
        .decode(blob)
        .or_else(|_| engine.decode(blob.trim_end_matches('=')));
    match decoded {
        Ok(bytes) => String::from_utf8_lossy(&bytes).contains("PRIVATE KEY"),
        // A cut-off blob that starts like PEM: keep nothing of it.
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn free_text_loses_tokens_and_keys_but_keeps_the_story() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJlLXBhcnQ";
        let line = format!(
            "E0101 scraper.go:140] \"Failed to scrape node\" err=\"x509: certificate signed by unknown authority\" Authorization: Bearer abcdef0123456789 id={jwt}"
        );
        let out = text(&line);
        assert!(
            out.contains("x509: certificate signed by unknown authority"),
            "{out}"
        );
        assert!(
            !out.contains("abcdef0123456789") && !out.contains(jwt),
            "{out}"
        );
        assert!(out.contains("Bearer <redacted>"), "{out}");
        let pem =
            "key:\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----\nafter";
        let out = text(pem);
        assert!(
            !out.contains("MHcCAQEEIB") && !out.contains("PRIVATE KEY"),
            "{out}"
        );
        assert!(out.ends_with("after"));
        let cut = text("-----BEGIN RSA PRIVATE KEY-----\nMIIEow");
        assert!(!cut.contains("MIIEow"), "{cut}");
        let b64 = base64::engine::general_purpose::STANDARD
            .encode("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n");
        let out = text(&format!("client-key-data: {b64}"));
        assert!(!out.contains(&b64[20..]), "{out}");
        assert_eq!(text("token=s3cr3tvalue99 next"), "token=<redacted> next");
        assert_eq!(
            text("invalid bearer token, password: hunter2hunter2"),
            "invalid bearer token, password: <redacted>"
        );
        let plain = "I0101 serving securely on [::]:10250";
        assert_eq!(text(plain), plain);
    }

    #[test]
    fn objects_keep_references_and_lose_values() {
        let deploy = json!({
            "metadata": {"name": "metrics-server", "managedFields": [{"manager": "kubectl"}],
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}", "keep": "me"}},
            "spec": {"template": {"spec": {"containers": [{
                "name": "metrics-server",
                "args": ["--cert-dir=/tmp", "--kubelet-token=abc123abc123", "--tls-private-key-file=/certs/tls.key"],
                "env": [
                    {"name": "GOMAXPROCS", "value": "2"},
                    {"name": "API_TOKEN", "value": "plain-secret-value"},
                    {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "s", "key": "token"}}},
                ],
            }], "volumes": [{"name": "t", "secret": {"secretName": "ms-token"}}]}}},
        });
        let mut notes = Notes::default();
        let out = object(deploy, "deployment", &mut notes);
        let s = out.to_string();
        assert!(
            !s.contains("plain-secret-value") && !s.contains("abc123abc123"),
            "{s}"
        );
        assert!(s.contains("GOMAXPROCS") && s.contains("\"2\""), "{s}");
        assert!(s.contains("--kubelet-token=<redacted>"), "{s}");
        assert!(s.contains("/certs/tls.key"), "paths are not secrets: {s}");
        assert!(
            s.contains("ms-token") && s.contains("secretKeyRef"),
            "references stay: {s}"
        );
        assert!(
            !s.contains("managedFields") && !s.contains("last-applied"),
            "{s}"
        );
        assert!(s.contains("\"keep\":\"me\""), "{s}");
        assert!(
            notes.0.iter().any(|n| n.contains("env API_TOKEN")),
            "{notes:?}"
        );
    }

    #[test]
    fn ca_bundle_becomes_a_fingerprint_and_subject() {
        let key = rcgen::KeyPair::generate().expect("key");
        let mut params =
            rcgen::CertificateParams::new(vec!["metrics-server".into()]).expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "metrics-server-ca");
        let cert = params.self_signed(&key).expect("cert");
        let pem = format!("{}{}", cert.pem(), key.serialize_pem());
        let b64 = base64::engine::general_purpose::STANDARD.encode(&pem);
        let mut notes = Notes::default();
        let out = object(json!({"spec": {"caBundle": b64}}), "apiservice", &mut notes);
        let s = out["spec"]["caBundle"]
            .as_str()
            .expect("string")
            .to_string();
        assert!(
            s.contains("1 certificate(s)") && s.contains("CN=metrics-server-ca"),
            "{s}"
        );
        assert!(
            s.contains("sha256 ") && s.contains("1 private key block(s) removed"),
            "{s}"
        );
        assert!(!s.contains(&b64[..40]), "{s}");
    }
}
