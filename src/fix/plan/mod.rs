//! Fix plans: the exact Deployment patch, a before/after diff, a sentence, warnings, and the
//! validation of the flags the change would leave running.
//!
//! Safety rules (DESIGN §6) live here as data: every args patch is a JSON patch whose `test`
//! operations check the container's current list (see [`args_patch`]), so a concurrent edit of
//! that list fails the patch instead of being overwritten, while the controller's own status
//! writes do not; a plan whose resulting flags would crash metrics-server is not appliable.
//!
//! One planner a file: `args_fix` (catalog fixes that edit flags), `edit` (the args editor and
//! undo), `restart`, `approve` (kubelet-serving CSRs); `locate` finds the container.

mod approve;
mod args_fix;
mod edit;
mod locate;
mod restart;

pub use approve::{
    CsrApproval, CsrApprovalPlan, CsrRefusal, plan_approve_csrs, plan_approve_csrs_checked,
};
pub use args_fix::{args_patch, plan};
pub use edit::{editable_flags, plan_edit, plan_undo};
pub use restart::{RestartPlan, plan_restart};

use crate::fix::args::{DiffKind, DiffLine};
use crate::flags::FlagProblem;
use crate::vocab::FixId;
use crate::vocab::Prose;
use crate::vocab::Severity;
use serde::Serialize;
use serde_json::Value;
use std::fmt;
/// The container a plan changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub namespace: String,
    pub deployment: String,
    pub container: String,
    pub container_index: usize,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "container {} of deployment {}/{}",
            self.container, self.namespace, self.deployment
        )
    }
}

/// Which list of the container holds the flags being changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgsField {
    Args,
    /// kube-up/GKE layout: `command: [/metrics-server, --flag, ...]`; `command[0]` is kept.
    Command,
}

impl ArgsField {
    /// The container field name, as in the patch.
    pub fn key(self) -> &'static str {
        match self {
            ArgsField::Args => "args",
            ArgsField::Command => "command",
        }
    }
}

/// A planned change of one container's args (or command).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixPlan {
    /// `None` for free-form editor edits and undo.
    pub fix: Option<FixId>,
    pub target: Target,
    /// One human sentence saying what changes where.
    pub sentence: Prose,
    pub field: ArgsField,
    /// The complete list before and after (for `command`, including the binary).
    pub before: Vec<String>,
    pub after: Vec<String>,
    pub diff: Vec<DiffLine>,
    pub warnings: Vec<Prose>,
    /// Validation of the flags metrics-server would run with after the change.
    pub problems: Vec<FlagProblem>,
    /// JSON patch (RFC 6902) for the Deployment: `test` the current list, then set the new one.
    pub patch: Value,
    /// The Deployment's resourceVersion when planned (shown; the patch's `test` is the guard).
    pub resource_version: String,
}

impl FixPlan {
    /// False when the resulting flags would stop metrics-server from starting (or scraping).
    pub fn is_appliable(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Lines added and removed by the change.
    pub fn changed_lines(&self) -> (usize, usize) {
        let count = |k| self.diff.iter().filter(|l| l.kind == k).count();
        (count(DiffKind::Added), count(DiffKind::Removed))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("container {container} not found in deployment {namespace}/{deployment}")]
    ContainerMissing {
        namespace: String,
        deployment: String,
        container: String,
    },
    #[error(
        "deployment {namespace}/{deployment} has no metadata.resourceVersion; refusing to plan a change that could overwrite a concurrent edit"
    )]
    NoResourceVersion {
        namespace: String,
        deployment: String,
    },
    #[error("the deployment given is {found}, but the plan is for {expected}")]
    WrongDeployment { expected: String, found: String },
    #[error("nothing to change: {0}")]
    NothingToChange(Prose),
    #[error(
        "{flag} appears in both the command and the args of container {container}; mstui edits one list at a time, so change it with kubectl edit"
    )]
    SplitAcrossCommandAndArgs { flag: String, container: String },
    #[error("{} is not an args change; use the restart or CSR approval plan", .0.as_str())]
    NotAnArgFix(FixId),
}

impl PlanError {
    /// The error for people, in both languages (its `Display` is the English).
    pub fn prose(&self) -> Prose {
        let en = self.to_string();
        let ko = match self {
            PlanError::ContainerMissing {
                namespace,
                deployment,
                container,
            } => format!("deployment {namespace}/{deployment}에 컨테이너 {container}가 없습니다"),
            PlanError::NoResourceVersion {
                namespace,
                deployment,
            } => format!(
                "deployment {namespace}/{deployment}에 metadata.resourceVersion이 없어, 동시에 \
                 일어난 수정을 덮어쓸 수 있는 변경은 계획하지 않습니다"
            ),
            PlanError::WrongDeployment { expected, found } => {
                format!("주어진 deployment는 {found}이지만 계획은 {expected}에 대한 것입니다")
            }
            PlanError::NothingToChange(why) => format!("바꿀 것이 없습니다: {}", why.ko),
            PlanError::SplitAcrossCommandAndArgs { flag, container } => format!(
                "{flag}가 컨테이너 {container}의 command와 args 양쪽에 있습니다. mstui는 한 번에 \
                 한 목록만 고치므로 kubectl edit으로 바꾸세요"
            ),
            PlanError::NotAnArgFix(fix) => format!(
                "{}는 인자 변경이 아닙니다. 재시작이나 CSR 승인 계획을 쓰세요",
                fix.as_str()
            ),
        };
        Prose::new(en, ko)
    }
}

/// The address order mstui recommends: IPs first (no DNS needed), hostname last.
pub const PREFERRED_ADDRESS_TYPES: &str = "InternalIP,ExternalIP,Hostname";
/// The resolution the upstream manifest uses; valid on every version (≥ 10s, and 13.5s ≥ the
/// default 10s request timeout of v0.7+).
pub const METRIC_RESOLUTION: &str = "15s";

pub(super) const INSECURE_TLS: &str = "kubelet-insecure-tls";
pub(super) const ADDRESS_TYPES: &str = "kubelet-preferred-address-types";
pub(super) const KUBELET_PORT: &str = "kubelet-port";
pub(super) const COMPLETELY_INSECURE: &str = "deprecated-kubelet-completely-insecure";
pub(super) const RESOLUTION: &str = "metric-resolution";
pub(super) const LEGACY_PORT: &str = "10255";

#[cfg(test)]
mod tests;
