//! Building a kube client like kubectl does: `--kubeconfig`, `--context`, `-n`.
//!
//! Connecting also makes one request (`/version`), so exec-auth plugins run and reachability is
//! known before the terminal enters raw mode (a prompting plugin would garble the TUI).

use crate::snapshot::ClusterInfo;
use kube::Client;
use kube::config::{Config, KubeConfigOptions, Kubeconfig};
use std::path::PathBuf;
use std::time::Duration;

/// Where to connect, from the global flags.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// `--kubeconfig`; when absent, `KUBECONFIG` (colon-separated, merged) or `~/.kube/config`.
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    /// `-n`: the namespace to look for metrics-server in first.
    pub namespace: Option<String>,
}

/// A ready client and what we know about the cluster it talks to.
#[derive(Clone)]
pub struct Connection {
    pub client: Client,
    pub info: ClusterInfo,
    pub namespace: Option<String>,
    /// The kubeconfig user entry of the context (its name only, never a credential), for the
    /// audit log.
    pub user: Option<String>,
    /// Whether mstui may dial cluster addresses itself (kubelet TLS probes): false for the
    /// in-process demo cluster, which has no network behind its node addresses.
    pub dials: bool,
}

/// Why we could not get to the cluster. Each message says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot read kubeconfig {path}: {reason}")]
    Kubeconfig { path: String, reason: String },
    #[error("context \"{0}\" not found in the kubeconfig (see `kubectl config get-contexts`)")]
    UnknownContext(String),
    #[error(
        "no current context in the kubeconfig; pass --context NAME (see `kubectl config get-contexts`)"
    )]
    NoContext,
    #[error("invalid cluster configuration for context \"{context}\": {reason}")]
    Config { context: String, reason: String },
    #[error("cannot reach the cluster at {server}: {reason}")]
    Unreachable { server: String, reason: String },
    #[error("the cluster at {server} refused our credentials ({code}): {reason}")]
    Unauthorized {
        server: String,
        code: u16,
        reason: String,
    },
}

/// How long the first request may take, including an exec-auth plugin.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Load the kubeconfig, pick the context, build the client and check it answers.
pub async fn connect(target: &Target) -> Result<Connection, ConnectError> {
    let (kubeconfig, source) = load_kubeconfig(target)?;
    let context = match &target.context {
        Some(c) => {
            if !kubeconfig.contexts.iter().any(|nc| &nc.name == c) {
                return Err(ConnectError::UnknownContext(c.clone()));
            }
            c.clone()
        }
        None => kubeconfig
            .current_context
            .clone()
            .filter(|c| !c.is_empty())
            .ok_or(ConnectError::NoContext)?,
    };
    connect_context(kubeconfig, &source, &context, target.namespace.clone()).await
}

/// Build the client for `context` of an already loaded kubeconfig and check it answers.
/// The fleet check loads the kubeconfig once and calls this for every context.
pub async fn connect_context(
    kubeconfig: Kubeconfig,
    source: &str,
    context: &str,
    namespace: Option<String>,
) -> Result<Connection, ConnectError> {
    let context = context.to_string();
    let user = kubeconfig
        .contexts
        .iter()
        .find(|nc| nc.name == context)
        .and_then(|nc| nc.context.as_ref())
        .and_then(|c| c.user.clone());
    let options = KubeConfigOptions {
        context: Some(context.clone()),
        ..Default::default()
    };
    let mut config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| ConnectError::Config {
            context: context.clone(),
            reason: format!("{e} (from {source})"),
        })?;
    // kube retries 503s up to 15 times by default; the broken Metrics API answers exactly that,
    // and we want to report it at once rather than wait out the per-call timeout.
    config.default_retry = false;
    let server = config.cluster_url.to_string();
    let client = Client::try_from(config).map_err(|e| ConnectError::Config {
        context: context.clone(),
        reason: e.to_string(),
    })?;
    let info = ClusterInfo {
        context,
        server,
        server_version: None,
    };
    let conn = check_reachable(client, info, namespace).await?;
    Ok(Connection { user, ..conn })
}

/// Make the first request and fill in the server version.
pub async fn check_reachable(
    client: Client,
    mut info: ClusterInfo,
    namespace: Option<String>,
) -> Result<Connection, ConnectError> {
    let server = info.server.clone();
    match tokio::time::timeout(CONNECT_TIMEOUT, client.apiserver_version()).await {
        Err(_) => Err(ConnectError::Unreachable {
            server,
            reason: format!("no answer within {}s", CONNECT_TIMEOUT.as_secs()),
        }),
        Ok(Err(kube::Error::Api(status))) if status.code == 401 || status.code == 403 => {
            Err(ConnectError::Unauthorized {
                server,
                code: status.code,
                reason: status.message.clone(),
            })
        }
        Ok(Err(e)) => Err(ConnectError::Unreachable {
            server,
            reason: error_chain(&e),
        }),
        Ok(Ok(version)) => {
            info.server_version = Some(version.git_version);
            Ok(Connection {
                client,
                info,
                namespace,
                user: None,
                dials: true,
            })
        }
    }
}

/// The kubeconfig `target` names (or the default one), and how to name its source in messages.
pub fn load_kubeconfig(target: &Target) -> Result<(Kubeconfig, String), ConnectError> {
    match &target.kubeconfig {
        Some(path) => {
            let shown = path.display().to_string();
            Kubeconfig::read_from(path)
                .map(|k| (k, shown.clone()))
                .map_err(|e| ConnectError::Kubeconfig {
                    path: shown,
                    reason: error_chain(&e),
                })
        }
        None => {
            let shown = std::env::var("KUBECONFIG")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "~/.kube/config".to_string());
            Kubeconfig::read()
                .map(|k| (k, shown.clone()))
                .map_err(|e| ConnectError::Kubeconfig {
                    path: shown,
                    reason: error_chain(&e),
                })
        }
    }
}

/// An error and its sources on one line: kube's top-level messages alone are often vague.
/// The kubeconfig with every exec credential plugin told not to interact. Connections made while
/// the UI owns the terminal (`:ctx` switches and probes) use it: an interactive plugin would get
/// the terminal's stdin and print its prompt over the screen; told not to interact, it fails
/// and its message becomes the switch's error instead.
pub fn non_interactive(mut kubeconfig: Kubeconfig) -> Kubeconfig {
    for user in &mut kubeconfig.auth_infos {
        if let Some(exec) = user.auth_info.as_mut().and_then(|a| a.exec.as_mut()) {
            exec.interactive_mode = Some(kube::config::ExecInteractiveMode::Never);
        }
    }
    kubeconfig
}

pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// One context of a kubeconfig, as the TUI's `:ctx` table shows it (names only, never a
/// credential).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContextEntry {
    pub name: String,
    pub server: Option<String>,
    pub namespace: Option<String>,
    pub user: Option<String>,
}

/// The contexts of a kubeconfig, in its order.
pub fn context_entries(kubeconfig: &Kubeconfig) -> Vec<ContextEntry> {
    kubeconfig
        .contexts
        .iter()
        .map(|nc| {
            let ctx = nc.context.as_ref();
            ContextEntry {
                name: nc.name.clone(),
                server: ctx.and_then(|c| {
                    kubeconfig
                        .clusters
                        .iter()
                        .find(|k| k.name == c.cluster)?
                        .cluster
                        .as_ref()?
                        .server
                        .clone()
                }),
                namespace: ctx.and_then(|c| c.namespace.clone()),
                user: ctx.and_then(|c| c.user.clone()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugins_are_told_not_to_interact_and_other_users_are_untouched() {
        let yaml = r#"
apiVersion: v1
kind: Config
users:
- name: eks
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token]
      interactiveMode: IfAvailable
- name: token
  user:
    token: abc
"#;
        let kc = non_interactive(Kubeconfig::from_yaml(yaml).expect("kubeconfig"));
        let exec = kc.auth_infos[0]
            .auth_info
            .as_ref()
            .and_then(|a| a.exec.as_ref())
            .expect("exec user");
        assert_eq!(
            exec.interactive_mode,
            Some(kube::config::ExecInteractiveMode::Never)
        );
        assert_eq!(exec.command.as_deref(), Some("aws"));
        let token = kc.auth_infos[1].auth_info.as_ref().expect("token user");
        assert!(token.exec.is_none());
    }
}
