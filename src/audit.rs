//! The local audit log: every change mstui applies (or tries to) is appended as one JSON line to
//! `$XDG_STATE_HOME/mstui/audit.jsonl` (default `~/.local/state/mstui/audit.jsonl`).
//!
//! What goes in is said here once: time, kubeconfig context, API server (without any userinfo),
//! the kubeconfig user *entry name*, the object, what changed, the list before and after, and
//! the result. Never a token: credentials are not in any of these, flag values whose name says
//! token/password/secret are redacted, and the server URL loses its userinfo and query.

use serde::{Deserialize, Serialize};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "audit.jsonl";

/// One applied (or refused) change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub time: String,
    pub context: String,
    pub server: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `deployment/NAME` or `certificatesigningrequest/NAME,…`.
    pub object: String,
    /// The change's sentence (English).
    pub what: String,
    /// `args` or `command` for an args change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Vec<String>>,
    /// `applied`, or `failed: <reason>`.
    pub result: String,
}

impl Entry {
    /// Make the entry safe to store: redact secret-looking flag values and strip userinfo and
    /// query from the server URL.
    pub fn sanitised(mut self) -> Entry {
        self.server = strip_userinfo(&self.server);
        for list in [&mut self.before, &mut self.after].into_iter().flatten() {
            for a in list.iter_mut() {
                *a = redact_arg(a);
            }
        }
        self
    }
}

/// `--token=abc` → `--token=<redacted>` (also password, secret, bearer); other args unchanged.
pub fn redact_arg(arg: &str) -> String {
    let Some((name, _)) = arg.split_once('=') else {
        return arg.to_string();
    };
    let lower = name.to_ascii_lowercase();
    if ["token", "password", "secret", "bearer"]
        .iter()
        .any(|w| lower.contains(w))
    {
        format!("{name}=<redacted>")
    } else {
        arg.to_string()
    }
}

fn strip_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if scheme.is_empty() {
        format!("{host}{path}")
    } else {
        format!("{scheme}://{host}{path}")
    }
}

/// The state directory: `$XDG_STATE_HOME/mstui`, else `$HOME/.local/state/mstui` (empty
/// variables count as unset, as the XDG spec says).
pub fn state_dir(xdg_state_home: Option<OsString>, home: Option<OsString>) -> Option<PathBuf> {
    let set = |v: Option<OsString>| v.filter(|v| !v.is_empty());
    set(xdg_state_home)
        .map(PathBuf::from)
        .or_else(|| set(home).map(|h| PathBuf::from(h).join(".local/state")))
        .map(|d| d.join("mstui"))
}

/// Where the audit log of this user lives.
pub fn default_path() -> Option<PathBuf> {
    state_dir(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
        .map(|d| d.join(FILE_NAME))
}

/// Append one entry (sanitised) as a JSON line, creating the directory and the file (mode 0600).
pub fn append(path: &Path, entry: &Entry) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(&entry.clone().sanitised())?;
    line.push('\n');
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    // One write of the whole line: O_APPEND keeps concurrent writers' lines whole.
    options.open(path)?.write_all(line.as_bytes())
}

/// Read every entry back (for tests and `jq`-less inspection); unreadable lines are skipped.
pub fn read(path: &Path) -> std::io::Result<Vec<Entry>> {
    Ok(std::fs::read_to_string(path)?
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            time: "2026-12-01T03:00:00Z".into(),
            context: "prod".into(),
            server: "https://admin:s3cr3t@10.0.0.1:6443/?token=abc".into(),
            user: Some("admin@prod".into()),
            namespace: Some("kube-system".into()),
            object: "deployment/metrics-server".into(),
            what: "Add --kubelet-insecure-tls to container metrics-server".into(),
            field: Some("args".into()),
            before: Some(vec!["--cert-dir=/tmp".into(), "--token=abcdef".into()]),
            after: Some(vec![
                "--cert-dir=/tmp".into(),
                "--token=abcdef".into(),
                "--kubelet-insecure-tls".into(),
            ]),
            result: "applied".into(),
        }
    }

    #[test]
    fn entries_are_appended_as_json_lines_in_a_new_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("state/mstui").join(FILE_NAME);
        append(&path, &entry()).unwrap();
        let mut second = entry();
        second.result = "failed: conflict".into();
        append(&path, &second).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.ends_with('\n'));
        let back = read(&path).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].object, "deployment/metrics-server");
        assert_eq!(back[0].before.as_ref().unwrap()[0], "--cert-dir=/tmp");
        assert_eq!(back[1].result, "failed: conflict");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn no_credential_is_ever_written() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(FILE_NAME);
        append(&path, &entry()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        for secret in ["s3cr3t", "abcdef", "token=abc", "admin:"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        let back = &read(&path).unwrap()[0];
        assert_eq!(back.server, "https://10.0.0.1:6443/");
        assert_eq!(back.after.as_ref().unwrap()[1], "--token=<redacted>");
        assert_eq!(back.after.as_ref().unwrap()[2], "--kubelet-insecure-tls");
    }

    #[test]
    fn the_state_directory_follows_xdg() {
        assert_eq!(
            state_dir(Some("/x/state".into()), Some("/home/u".into())),
            Some(PathBuf::from("/x/state/mstui"))
        );
        assert_eq!(
            state_dir(Some("".into()), Some("/home/u".into())),
            Some(PathBuf::from("/home/u/.local/state/mstui"))
        );
        assert_eq!(state_dir(None, None), None);
    }

    #[test]
    fn plain_servers_and_args_pass_unchanged() {
        assert_eq!(
            strip_userinfo("https://127.0.0.1:6443"),
            "https://127.0.0.1:6443"
        );
        assert_eq!(strip_userinfo("demo://x509"), "demo://x509");
        assert_eq!(redact_arg("--kubelet-port=10250"), "--kubelet-port=10250");
        assert_eq!(redact_arg("--v"), "--v");
    }
}
