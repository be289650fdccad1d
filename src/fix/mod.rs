//! Fixes as pure plans: the exact change, a before/after diff of the container args, and a sentence.
//!
//! A plan is computed from the snapshot; [`crate::cluster::apply`] sends it (dry-run first, then for
//! real after the user confirms). Nothing here does I/O.

use serde::Serialize;

pub mod args;
pub mod csr;
pub mod plan;

/// The fixes mstui offers. The string form is stable (JSON output, CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixId {
    /// Add `--kubelet-insecure-tls` (quick TLS fix; MITM risk).
    KubeletInsecureTls,
    /// Approve pending `kubernetes.io/kubelet-serving` CSRs (proper TLS fix, step one).
    ApproveKubeletCsrs,
    /// Remove `--kubelet-insecure-tls` once kubelets serve CA-signed certificates (proper fix, step two).
    DropKubeletInsecureTls,
    /// Set `--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname` (one occurrence).
    PreferredAddressTypes,
    /// Drop legacy kubelet port flags (`--kubelet-port=10255`, `--deprecated-kubelet-completely-insecure`).
    DropLegacyPortFlags,
    /// Set `--metric-resolution` to a valid value (15s).
    MetricResolution,
    /// `kubectl rollout restart` of the metrics-server Deployment.
    RolloutRestart,
}

impl FixId {
    pub const ALL: [FixId; 7] = [
        FixId::KubeletInsecureTls,
        FixId::ApproveKubeletCsrs,
        FixId::DropKubeletInsecureTls,
        FixId::PreferredAddressTypes,
        FixId::DropLegacyPortFlags,
        FixId::MetricResolution,
        FixId::RolloutRestart,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FixId::KubeletInsecureTls => "kubelet-insecure-tls",
            FixId::ApproveKubeletCsrs => "approve-kubelet-csrs",
            FixId::DropKubeletInsecureTls => "drop-kubelet-insecure-tls",
            FixId::PreferredAddressTypes => "preferred-address-types",
            FixId::DropLegacyPortFlags => "drop-legacy-port-flags",
            FixId::MetricResolution => "metric-resolution",
            FixId::RolloutRestart => "rollout-restart",
        }
    }

    /// One line saying what the fix does.
    pub fn summary(self) -> &'static str {
        match self {
            FixId::KubeletInsecureTls => {
                "Quick fix: add --kubelet-insecure-tls (stops verifying kubelet certificates)"
            }
            FixId::ApproveKubeletCsrs => {
                "Proper fix: approve the pending kubelet-serving CSRs so kubelets serve CA-signed certificates"
            }
            FixId::DropKubeletInsecureTls => {
                "Proper fix: remove --kubelet-insecure-tls now that kubelet certificates verify"
            }
            FixId::PreferredAddressTypes => {
                "Set --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname"
            }
            FixId::DropLegacyPortFlags => {
                "Remove the legacy kubelet port flags (read-only port 10255 / plain HTTP)"
            }
            FixId::MetricResolution => "Set --metric-resolution=15s",
            FixId::RolloutRestart => "Rollout restart the metrics-server Deployment",
        }
    }

    /// Whether the fix edits the container's args (or command) and is planned by
    /// [`plan::plan`]; the others have their own plans (restart, CSR approval).
    pub fn is_args_fix(self) -> bool {
        !matches!(self, FixId::ApproveKubeletCsrs | FixId::RolloutRestart)
    }

    /// The action (and so the permissions) applying this fix needs.
    pub fn permission(self) -> crate::snapshot::Action {
        match self {
            FixId::ApproveKubeletCsrs => crate::snapshot::Action::ApproveCsr,
            _ => crate::snapshot::Action::PatchDeployment,
        }
    }

    pub fn to_ref(self) -> FixRef {
        FixRef {
            id: self,
            summary: self.summary().to_string(),
        }
    }
}

/// A fix as it appears on a finding and in `check -o json`: `{"id": ..., "summary": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixRef {
    pub id: FixId,
    pub summary: String,
}
