//! The fixes mstui offers, each described in one place: its stable name, its one-line summary
//! in both languages, the permission it needs, whether it edits the container's args, and the
//! warnings it always carries.

use super::lang::Text;
use serde::Serialize;

/// A fix. The string form ([`FixId::as_str`]) is stable: JSON output and the CLI use it.
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

/// The things mstui may do to a cluster (or read from it); each needs one or more permissions,
/// which the snapshot's SelfSubjectAccessReview matrix answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Patch the metrics-server Deployment (args, restart).
    PatchDeployment,
    /// Read metrics-server logs.
    ReadLogs,
    /// Approve kubelet-serving CSRs.
    ApproveCsr,
    /// Patch the APIService.
    PatchApiService,
    /// Read node metrics.
    ReadNodeMetrics,
}

/// Everything about one fix that is data rather than logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixInfo {
    pub id: FixId,
    /// Stable name (JSON, CLI).
    pub name: &'static str,
    pub summary: Text,
    /// What applying it needs permission to do.
    pub needs: Action,
    /// Whether it edits the container's args (or command) and is planned by the args planner;
    /// the others have their own plans (rollout restart, CSR approval).
    pub edits_args: bool,
    /// Warnings shown with every plan of this fix (planners may add ones that depend on the
    /// current flags).
    pub warnings: &'static [Text],
}

const MITM: Text = Text::new(
    "--kubelet-insecure-tls stops metrics-server from verifying kubelet certificates. It still \
     sends its ServiceAccount token to whatever answers on each node's kubelet port, so anyone \
     who can intercept that traffic (man-in-the-middle) gets a token that can list pods and \
     nodes and read node metrics. Prefer the proper fix: CA-signed kubelet serving \
     certificates (approve the kubelet-serving CSRs), then remove this flag.",
    "--kubelet-insecure-tls를 쓰면 metrics-server가 kubelet 인증서를 검증하지 않습니다. 그래도 \
     각 노드의 kubelet 포트에서 응답하는 상대에게 ServiceAccount 토큰을 보내므로, 그 통신을 \
     가로챌 수 있는 누구나(중간자 공격, MITM) 파드·노드 목록을 읽고 노드 메트릭을 볼 수 있는 \
     토큰을 얻습니다. 근본적인 해결책을 권합니다: CA가 서명한 kubelet 서빙 인증서(kubelet-serving \
     CSR 승인)를 쓰고 이 인자를 제거하세요.",
);

const DROP_INSECURE: Text = Text::new(
    "Remove it only once kubelets serve certificates signed by the cluster CA (approved \
     kubelet-serving CSRs); otherwise every scrape fails again with x509 errors (F15).",
    "kubelet이 클러스터 CA가 서명한 인증서(승인된 kubelet-serving CSR)를 쓸 때만 제거하세요. \
     그렇지 않으면 모든 수집이 다시 x509 오류로 실패합니다(F15).",
);

const FIXES: [FixInfo; 7] = [
    FixInfo {
        id: FixId::KubeletInsecureTls,
        name: "kubelet-insecure-tls",
        summary: Text::new(
            "Quick fix: add --kubelet-insecure-tls (stops verifying kubelet certificates)",
            "임시 조치: --kubelet-insecure-tls 추가 (kubelet 인증서를 검증하지 않음)",
        ),
        needs: Action::PatchDeployment,
        edits_args: true,
        warnings: &[MITM],
    },
    FixInfo {
        id: FixId::ApproveKubeletCsrs,
        name: "approve-kubelet-csrs",
        summary: Text::new(
            "Proper fix: approve the pending kubelet-serving CSRs so kubelets serve CA-signed certificates",
            "근본적인 해결: 대기 중인 kubelet-serving CSR 승인 (kubelet이 CA가 서명한 인증서를 사용)",
        ),
        needs: Action::ApproveCsr,
        edits_args: false,
        warnings: &[],
    },
    FixInfo {
        id: FixId::DropKubeletInsecureTls,
        name: "drop-kubelet-insecure-tls",
        summary: Text::new(
            "Proper fix: remove --kubelet-insecure-tls now that kubelet certificates verify",
            "근본적인 해결: kubelet 인증서가 검증되므로 --kubelet-insecure-tls 제거",
        ),
        needs: Action::PatchDeployment,
        edits_args: true,
        warnings: &[DROP_INSECURE],
    },
    FixInfo {
        id: FixId::PreferredAddressTypes,
        name: "preferred-address-types",
        summary: Text::new(
            "Set --kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname 설정",
        ),
        needs: Action::PatchDeployment,
        edits_args: true,
        warnings: &[],
    },
    FixInfo {
        id: FixId::DropLegacyPortFlags,
        name: "drop-legacy-port-flags",
        summary: Text::new(
            "Remove the legacy kubelet port flags (read-only port 10255 / plain HTTP)",
            "예전 kubelet 포트 인자 제거 (read-only 포트 10255 / 평문 HTTP)",
        ),
        needs: Action::PatchDeployment,
        edits_args: true,
        warnings: &[],
    },
    FixInfo {
        id: FixId::MetricResolution,
        name: "metric-resolution",
        summary: Text::new(
            "Set --metric-resolution=15s",
            "--metric-resolution=15s 설정",
        ),
        needs: Action::PatchDeployment,
        edits_args: true,
        warnings: &[],
    },
    FixInfo {
        id: FixId::RolloutRestart,
        name: "rollout-restart",
        summary: Text::new(
            "Rollout restart the metrics-server Deployment",
            "metrics-server Deployment 롤아웃 재시작",
        ),
        needs: Action::PatchDeployment,
        edits_args: false,
        warnings: &[],
    },
];

impl FixId {
    /// Every fix, in declaration order.
    pub const ALL: [FixId; 7] = [
        FixId::KubeletInsecureTls,
        FixId::ApproveKubeletCsrs,
        FixId::DropKubeletInsecureTls,
        FixId::PreferredAddressTypes,
        FixId::DropLegacyPortFlags,
        FixId::MetricResolution,
        FixId::RolloutRestart,
    ];

    pub fn info(self) -> &'static FixInfo {
        &FIXES[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// One line saying what the fix does (English: what JSON carries).
    pub fn summary(self) -> Text {
        self.info().summary
    }

    pub fn edits_args(self) -> bool {
        self.info().edits_args
    }

    /// The action (and so the permissions) applying this fix needs.
    pub fn needs(self) -> Action {
        self.info().needs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_declaration_order() {
        for (i, fix) in FixId::ALL.iter().enumerate() {
            assert_eq!(FIXES[i].id, *fix);
            assert_eq!(*fix as usize, i);
        }
    }

    #[test]
    fn names_are_the_serialized_form() {
        for fix in FixId::ALL {
            let json = serde_json::to_string(&fix).unwrap();
            assert_eq!(json, format!("\"{}\"", fix.as_str()));
        }
    }

    #[test]
    fn every_fix_has_a_korean_summary_that_keeps_its_flags() {
        for fix in FixId::ALL {
            let t = fix.summary();
            assert_ne!(t.ko, t.en);
            for flag in t.en.split(' ').filter(|w| w.starts_with("--")) {
                assert!(
                    t.ko.contains(flag),
                    "{fix:?}: {flag} missing from {:?}",
                    t.ko
                );
            }
        }
    }
}
