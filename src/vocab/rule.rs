//! Rule IDs, runbook steps and severities: the words every layer uses to talk about a problem.

use super::lang::{Lang, Text};
use serde::Serialize;
use std::fmt;

/// Declares [`RuleId`] and [`RuleId::ALL`] from one list, so a rule cannot be in one and not
/// the other; the catalog table is sized by [`RuleId::COUNT`], so the compiler asks for its entry.
macro_rules! rule_ids {
    ($first:ident, $($rest:ident),* $(,)?) => {
        /// A failure mode of the catalog (F01–F40), by name. The number is the stable ID that
        /// JSON, `analyze-logs` and the docs print (`"F15"`); code names the rule, never the
        /// number. Numbered from 1 in declaration order: a new rule goes at the end.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        pub enum RuleId {
            $first = 1,
            $($rest),*
        }

        impl RuleId {
            /// Every rule, in ID order.
            pub const ALL: &'static [RuleId] = &[RuleId::$first, $(RuleId::$rest),*];
        }
    };
}

rule_ids! {
    ApiServiceMissing,
    ApiServiceConflict,
    ServiceMissing,
    ServicePortMismatch,
    NoEndpoints,
    ApiserverCannotReachPod,
    ApiserverRequestsRejected,
    ServingCertUntrusted,
    AggregationNotConfigured,
    PodNotScheduled,
    ImagePull,
    StartupExit,
    Killed,
    NotReady,
    KubeletCertUnknownAuthority,
    KubeletCertWrongName,
    KubeletCertExpired,
    KubeletCsrPending,
    KubeletUnreachable,
    NodeNameUnresolved,
    NoMatchingAddressType,
    LegacyKubeletPort,
    KubeletUnauthorized,
    KubeletForbidden,
    KubeletNoMetricsEndpoint,
    KubeletBadAnswer,
    ApiReadFailed,
    NodesWithoutMetrics,
    PodsWithoutMetrics,
    NodesSkipped,
    ClockSkew,
    WarmingUp,
    HpaCannotRead,
    HpaTargetNoRequests,
    HpaPodsWithoutMetrics,
    HpaContainerWithoutMetrics,
    HpaControllerForbidden,
    MisleadingFlag,
    PermissionMissing,
    ManagedAddon,
}

impl RuleId {
    /// How many rules the catalog has.
    pub const COUNT: usize = RuleId::ALL.len();

    /// The stable number: 15 for F15.
    pub const fn number(self) -> u8 {
        self as u8
    }

    /// The rule's catalog entry (title, explanation, step, fixes, cause rank).
    pub fn info(self) -> &'static super::catalog::RuleInfo {
        super::catalog::info(self)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "F{:02}", self.number())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for RuleId {
    type Err = String;
    /// `F15` or `f15` (as users type it).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix('F').or_else(|| s.strip_prefix('f'));
        digits
            .and_then(|d| d.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| RuleId::ALL.get(i).copied())
            .ok_or_else(|| format!("not a rule ID (F01–F{:02}): {s}", RuleId::COUNT))
    }
}

/// The four steps of the runbook the UI walks through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Logs = 1,
    Tls = 2,
    Connectivity = 3,
    RestartVerify = 4,
}

impl Step {
    pub const ALL: [Step; 4] = [
        Step::Logs,
        Step::Tls,
        Step::Connectivity,
        Step::RestartVerify,
    ];

    pub fn number(self) -> u8 {
        self as u8
    }

    /// The tab label: one or two words.
    pub fn short(self) -> Text {
        match self {
            Step::Logs => Text::new("Logs", "로그"),
            Step::Tls => Text::new("TLS", "TLS"),
            Step::Connectivity => Text::new("Connectivity", "연결"),
            Step::RestartVerify => Text::new("Restart & verify", "재시작·검증"),
        }
    }

    /// The step's title; the Korean titles are the seed runbook's headings.
    pub fn title(self) -> Text {
        match self {
            Step::Logs => Text::new(
                "Read the metrics-server logs",
                "Metrics Server 로그 확인으로 원인 구체화",
            ),
            Step::Tls => Text::new("Kubelet TLS trust", "TLS 인증 문제 해결"),
            Step::Connectivity => Text::new(
                "Kubelet connectivity and the APIService",
                "Kubelet 연결 문제 해결 (APIService 포함)",
            ),
            Step::RestartVerify => Text::new("Restart and verify", "배포 재시작 및 검증"),
        }
    }

    /// "Step 2 · Kubelet TLS trust" / "2단계 · TLS 인증 문제 해결".
    pub fn heading(self, lang: Lang) -> String {
        let (n, title) = (self.number(), self.title().get(lang));
        match lang {
            Lang::En => format!("Step {n} · {title}"),
            Lang::Ko => format!("{n}단계 · {title}"),
        }
    }
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.number())
    }
}

/// How bad a finding (or a classified log line) is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The word people read.
    pub fn word(self) -> Text {
        match self {
            Severity::Error => Text::new("error", "오류"),
            Severity::Warning => Text::new("warning", "경고"),
            Severity::Info => Text::new("info", "정보"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_numbered_in_order_from_one() {
        for (i, id) in RuleId::ALL.iter().enumerate() {
            assert_eq!(usize::from(id.number()), i + 1, "{id:?}");
        }
    }

    #[test]
    fn rule_ids_print_and_parse_as_f_numbers() {
        assert_eq!(RuleId::KubeletCertUnknownAuthority.to_string(), "F15");
        assert_eq!(RuleId::ApiServiceMissing.to_string(), "F01");
        assert_eq!("F40".parse(), Ok(RuleId::ManagedAddon));
        assert_eq!("f07".parse(), Ok(RuleId::ApiserverRequestsRejected));
        for bad in ["F00", "F41", "15", "F", "Fx", ""] {
            assert!(bad.parse::<RuleId>().is_err(), "{bad}");
        }
        for &id in RuleId::ALL {
            assert_eq!(id.to_string().parse(), Ok(id));
        }
    }

    #[test]
    fn step_headings_in_both_languages() {
        assert_eq!(Step::Tls.heading(Lang::En), "Step 2 · Kubelet TLS trust");
        assert_eq!(Step::Tls.heading(Lang::Ko), "2단계 · TLS 인증 문제 해결");
    }
}
