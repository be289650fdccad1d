//! Fix plans: the exact Deployment patch, a before/after diff, a sentence, warnings, and the
//! validation of the flags the change would leave running.
//!
//! Safety rules (DESIGN §6) live here as data: every args patch carries the planned-against
//! `metadata.resourceVersion`, so a concurrent edit makes the server answer 409 Conflict instead
//! of being overwritten; a plan whose resulting flags would crash metrics-server is not appliable.

use crate::fix::args::{self, DiffKind, DiffLine};
use crate::fix::csr::{CsrRequest, parse_csr_pem};
use crate::flags::{FlagProblem, Flags};
use crate::install::{Install, InstallKind};
use crate::vocab::FixId;
use crate::vocab::Prose;
use crate::vocab::Severity;
use crate::vocab::Version;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::certificates::v1::CertificateSigningRequest;
use k8s_openapi::api::core::v1::Container;
use serde::Serialize;
use serde_json::{Value, json};
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
    /// Strategic-merge patch for the Deployment (guarded by `metadata.resourceVersion`).
    pub patch: Value,
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
    NothingToChange(String),
    #[error(
        "{flag} appears in both the command and the args of container {container}; mstui edits one list at a time, so change it with kubectl edit"
    )]
    SplitAcrossCommandAndArgs { flag: String, container: String },
    #[error("{} is not an args change; use the restart or CSR approval plan", .0.as_str())]
    NotAnArgFix(FixId),
}

/// The address order mstui recommends: IPs first (no DNS needed), hostname last.
pub const PREFERRED_ADDRESS_TYPES: &str = "InternalIP,ExternalIP,Hostname";
/// The resolution the upstream manifest uses; valid on every version (≥ 10s, and 13.5s ≥ the
/// default 10s request timeout of v0.7+).
pub const METRIC_RESOLUTION: &str = "15s";

const INSECURE_TLS: &str = "kubelet-insecure-tls";
const ADDRESS_TYPES: &str = "kubelet-preferred-address-types";
const KUBELET_PORT: &str = "kubelet-port";
const COMPLETELY_INSECURE: &str = "deprecated-kubelet-completely-insecure";
const RESOLUTION: &str = "metric-resolution";
const LEGACY_PORT: &str = "10255";

/// The honest risk of the quick TLS fix.
// ---------------------------------------------------------------------------------------------
// Locating the container

/// The container being changed, as found in the Deployment.
struct Located<'a> {
    container: &'a Container,
    target: Target,
    resource_version: String,
}

fn locate<'a>(
    namespace: &str,
    deployment_name: &str,
    container: &str,
    deployment: &'a Deployment,
) -> Result<Located<'a>, PlanError> {
    if let Some(found) = deployment
        .metadata
        .name
        .as_deref()
        .filter(|n| *n != deployment_name)
    {
        return Err(PlanError::WrongDeployment {
            expected: format!("{namespace}/{deployment_name}"),
            found: format!("{namespace}/{found}"),
        });
    }
    let containers = deployment
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .map(|s| s.containers.as_slice())
        .unwrap_or_default();
    // By name, not by the recorded index: a sidecar may have been added since.
    let (index, c) = containers
        .iter()
        .enumerate()
        .find(|(_, c)| c.name == container)
        .ok_or_else(|| PlanError::ContainerMissing {
            namespace: namespace.into(),
            deployment: deployment_name.into(),
            container: container.into(),
        })?;
    let resource_version = deployment
        .metadata
        .resource_version
        .clone()
        .filter(|rv| !rv.is_empty())
        .ok_or_else(|| PlanError::NoResourceVersion {
            namespace: namespace.into(),
            deployment: deployment_name.into(),
        })?;
    Ok(Located {
        container: c,
        target: Target {
            namespace: namespace.into(),
            deployment: deployment_name.into(),
            container: container.into(),
            container_index: index,
        },
        resource_version,
    })
}

fn locate_install<'a>(
    install: &Install,
    deployment: &'a Deployment,
) -> Result<Located<'a>, PlanError> {
    locate(
        &install.namespace,
        &install.deployment,
        &install.container,
        deployment,
    )
}

fn command_of(c: &Container) -> &[String] {
    c.command.as_deref().unwrap_or_default()
}

fn args_of(c: &Container) -> &[String] {
    c.args.as_deref().unwrap_or_default()
}

/// The complete current list of `field`.
fn list_of(c: &Container, field: ArgsField) -> Vec<String> {
    match field {
        ArgsField::Args => args_of(c).to_vec(),
        ArgsField::Command => command_of(c).to_vec(),
    }
}

/// The flag part of `field`: `command[1..]` or all of `args`.
fn flags_of(c: &Container, field: ArgsField) -> &[String] {
    match field {
        ArgsField::Args => args_of(c),
        ArgsField::Command => command_of(c).get(1..).unwrap_or_default(),
    }
}

/// Where new flags go: the command when it carries the flags and there are no args (kube-up),
/// otherwise args.
fn primary_field(c: &Container) -> ArgsField {
    if args_of(c).is_empty() && command_of(c).len() > 1 {
        ArgsField::Command
    } else {
        ArgsField::Args
    }
}

/// The list holding the given flags; both lists holding them cannot be done in one patch.
fn field_for(c: &Container, names: &[&str]) -> Result<ArgsField, PlanError> {
    let holds = |field| names.iter().find(|n| args::has_flag(flags_of(c, field), n));
    match (holds(ArgsField::Command), holds(ArgsField::Args)) {
        (Some(n), Some(_)) => Err(PlanError::SplitAcrossCommandAndArgs {
            flag: format!("--{n}"),
            container: c.name.clone(),
        }),
        (Some(_), None) => Ok(ArgsField::Command),
        (None, Some(_)) => Ok(ArgsField::Args),
        (None, None) => Ok(primary_field(c)),
    }
}

/// Rebuild the complete list from edited flags (`command` keeps its binary).
fn with_flags(c: &Container, field: ArgsField, flags: Vec<String>) -> Vec<String> {
    match (field, command_of(c).first()) {
        (ArgsField::Command, Some(binary)) => {
            std::iter::once(binary.clone()).chain(flags).collect()
        }
        _ => flags,
    }
}

/// The argv metrics-server would run with if `field` became `list`.
fn argv_with(c: &Container, field: ArgsField, list: &[String]) -> Vec<String> {
    match field {
        ArgsField::Args => command_of(c).iter().skip(1).chain(list).cloned().collect(),
        ArgsField::Command => list.iter().skip(1).chain(args_of(c)).cloned().collect(),
    }
}

fn version_of(install_version: Option<Version>, c: &Container) -> Option<Version> {
    install_version.or_else(|| c.image.as_deref().and_then(Version::from_image))
}

// ---------------------------------------------------------------------------------------------
// Arg fixes

/// One edit of the flag list.
enum Op {
    AddBool(&'static str),
    Remove(&'static str),
    /// Remove the occurrences with this exact value.
    RemoveValue(&'static str, &'static str),
    Set(&'static str, &'static str),
}

impl Op {
    fn flag(&self) -> &'static str {
        match self {
            Op::AddBool(n) | Op::Remove(n) | Op::RemoveValue(n, _) | Op::Set(n, _) => n,
        }
    }

    fn apply(&self, list: &[String]) -> Vec<String> {
        match self {
            Op::AddBool(n) => args::add_bool_flag(list, n),
            Op::Remove(n) => args::remove_flag(list, n),
            Op::RemoveValue(n, v) => args::remove_flag_if(list, n, |val| val == Some(*v)),
            Op::Set(n, v) => args::set_flag(list, n, v),
        }
    }
}

/// What a fix does to the flags, and the sentence's verb phrase: English "Add --x to" goes
/// before the place, the Korean ending ("에 --x 추가") after it.
fn ops_for(fix: FixId, flags: &Flags) -> Result<(Vec<Op>, Prose), PlanError> {
    let nothing = |why: &str| Err(PlanError::NothingToChange(why.into()));
    match fix {
        FixId::KubeletInsecureTls if flags.bool(INSECURE_TLS) => {
            nothing("--kubelet-insecure-tls is already on")
        }
        FixId::KubeletInsecureTls => Ok((
            vec![Op::AddBool(INSECURE_TLS)],
            Prose::new(
                "Add --kubelet-insecure-tls to",
                "에 --kubelet-insecure-tls 추가",
            ),
        )),
        FixId::DropKubeletInsecureTls if !flags.is_set(INSECURE_TLS) => {
            nothing("--kubelet-insecure-tls is not set")
        }
        FixId::DropKubeletInsecureTls => Ok((
            vec![Op::Remove(INSECURE_TLS)],
            Prose::new(
                "Remove --kubelet-insecure-tls from",
                "에서 --kubelet-insecure-tls 제거",
            ),
        )),
        FixId::PreferredAddressTypes => preferred_address_ops(flags),
        FixId::DropLegacyPortFlags => legacy_port_ops(flags),
        FixId::MetricResolution => resolution_ops(flags),
        FixId::ApproveKubeletCsrs | FixId::RolloutRestart => Err(PlanError::NotAnArgFix(fix)),
    }
}

fn preferred_address_ops(flags: &Flags) -> Result<(Vec<Op>, Prose), PlanError> {
    let already = flags.occurrences(ADDRESS_TYPES) == 1
        && flags.preferred_address_types().join(",") == PREFERRED_ADDRESS_TYPES;
    if already {
        return Err(PlanError::NothingToChange(format!(
            "--{ADDRESS_TYPES} is already {PREFERRED_ADDRESS_TYPES}"
        )));
    }
    let verb = Prose::new(
        format!("Set --{ADDRESS_TYPES}={PREFERRED_ADDRESS_TYPES} (one occurrence) in"),
        format!("의 --{ADDRESS_TYPES}를 {PREFERRED_ADDRESS_TYPES}(으)로 설정 (한 번만)"),
    );
    Ok((vec![Op::Set(ADDRESS_TYPES, PREFERRED_ADDRESS_TYPES)], verb))
}

fn legacy_port_ops(flags: &Flags) -> Result<(Vec<Op>, Prose), PlanError> {
    let legacy_port = flags
        .all()
        .iter()
        .any(|f| f.name == KUBELET_PORT && f.value.as_deref() == Some(LEGACY_PORT));
    let plain_http = flags.is_set(COMPLETELY_INSECURE);
    let (ops, what) = match (legacy_port, plain_http) {
        (false, false) => {
            return Err(PlanError::NothingToChange(
                "neither --kubelet-port=10255 nor --deprecated-kubelet-completely-insecure is set"
                    .into(),
            ));
        }
        (true, false) => (
            vec![Op::RemoveValue(KUBELET_PORT, LEGACY_PORT)],
            "--kubelet-port=10255",
        ),
        (false, true) => (
            vec![Op::Remove(COMPLETELY_INSECURE)],
            "--deprecated-kubelet-completely-insecure",
        ),
        (true, true) => (
            vec![
                Op::RemoveValue(KUBELET_PORT, LEGACY_PORT),
                Op::Remove(COMPLETELY_INSECURE),
            ],
            "--kubelet-port=10255 and --deprecated-kubelet-completely-insecure",
        ),
    };
    Ok((
        ops,
        Prose::new(format!("Remove {what} from"), format!("에서 {what} 제거")),
    ))
}

fn resolution_ops(flags: &Flags) -> Result<(Vec<Op>, Prose), PlanError> {
    let target = std::time::Duration::from_secs(15);
    if flags.occurrences(RESOLUTION) == 1 && flags.duration(RESOLUTION) == Some(target) {
        return Err(PlanError::NothingToChange(
            "--metric-resolution is already 15s".into(),
        ));
    }
    let verb = Prose::new(
        format!("Set --{RESOLUTION}={METRIC_RESOLUTION} in"),
        format!("의 --{RESOLUTION}를 {METRIC_RESOLUTION}(으)로 설정"),
    );
    Ok((vec![Op::Set(RESOLUTION, METRIC_RESOLUTION)], verb))
}

/// Plan one of the args fixes (see [`FixId`]); restart and CSR approval have their own plans.
pub fn plan(fix: FixId, install: &Install, deployment: &Deployment) -> Result<FixPlan, PlanError> {
    let loc = locate_install(install, deployment)?;
    let c = loc.container;
    let version = version_of(install.version, c);
    let flags = Flags::parse(&crate::flags::container_argv(c), version);
    let (ops, verb) = ops_for(fix, &flags)?;
    let names: Vec<&str> = ops.iter().map(Op::flag).collect();
    let field = field_for(c, &names)?;
    let edited = ops
        .iter()
        .fold(flags_of(c, field).to_vec(), |list, op| op.apply(&list));
    let after = with_flags(c, field, edited);
    let sentence = Prose::new(
        format!("{} {}", verb.en, place(field, &loc.target)),
        format!("{}{}", place_ko(field, &loc.target), verb.ko),
    );
    let mut plan = build(Some(fix), loc, field, after, sentence, version);
    plan.warnings = fix_warnings(fix, &flags);
    plan.warnings.extend(install_warnings(&install.kind));
    Ok(plan)
}

/// The same place in Korean: "deployment ns/name의 X 컨테이너" (and its command).
fn place_ko(field: ArgsField, t: &Target) -> String {
    let container = format!(
        "deployment {}/{}의 {} 컨테이너",
        t.namespace, t.deployment, t.container
    );
    match field {
        ArgsField::Args => container,
        ArgsField::Command => format!("{container} command"),
    }
}

/// "container X of deployment ns/name", or "the command of container X …".
fn place(field: ArgsField, target: &Target) -> String {
    match field {
        ArgsField::Args => target.to_string(),
        ArgsField::Command => format!("the command of {target}"),
    }
}

/// Assemble a plan: diff, validation of the resulting flags, and the guarded patch.
fn build(
    fix: Option<FixId>,
    loc: Located<'_>,
    field: ArgsField,
    after: Vec<String>,
    sentence: Prose,
    version: Option<Version>,
) -> FixPlan {
    let before = list_of(loc.container, field);
    let problems = Flags::parse(&argv_with(loc.container, field, &after), version).validate();
    let patch = args_patch(&loc.resource_version, &loc.target.container, field, &after);
    FixPlan {
        fix,
        target: loc.target,
        sentence,
        field,
        diff: args::diff(&before, &after),
        before,
        after,
        warnings: Vec::new(),
        problems,
        patch,
        resource_version: loc.resource_version,
    }
}

/// Strategic merge: `containers` merges by `name`, and `args`/`command` (lists of scalars) are
/// replaced wholesale, so the complete list is sent. `metadata.resourceVersion` makes the API
/// server reject the patch with 409 Conflict if the Deployment changed since it was read.
pub fn args_patch(
    resource_version: &str,
    container: &str,
    field: ArgsField,
    list: &[String],
) -> Value {
    let mut entry = serde_json::Map::new();
    entry.insert("name".into(), json!(container));
    entry.insert(field.key().into(), json!(list));
    json!({
        "metadata": {"resourceVersion": resource_version},
        "spec": {"template": {"spec": {"containers": [entry]}}}
    })
}

/// The fix's own warnings (from the vocabulary), and those that depend on the current flags.
fn fix_warnings(fix: FixId, flags: &Flags) -> Vec<Prose> {
    let mut warnings: Vec<Prose> = fix.info().warnings.iter().map(|&w| w.into()).collect();
    if fix == FixId::PreferredAddressTypes && !flags.bool(INSECURE_TLS) {
        warnings.push(Prose::new(
            "metrics-server will dial node IPs first. Kubelet certificates must then list those IPs: \
             self-signed kubelet certificates carry only the hostname, so expect \"doesn't contain \
             any IP SANs\" (F16) until kubelets have CA-signed serving certificates.",
            "metrics-server가 노드 IP로 먼저 접속합니다. 그러면 kubelet 인증서에 그 IP가 있어야 \
             합니다: 자체 서명 kubelet 인증서에는 호스트 이름만 있으므로, kubelet이 CA가 서명한 서빙 \
             인증서를 갖기 전까지 \"doesn't contain any IP SANs\"(F16)가 나올 수 있습니다.",
        ));
    }
    warnings
}

/// F40 and Helm: who else writes this Deployment.
fn install_warnings(kind: &InstallKind) -> Vec<Prose> {
    match kind {
        k if k.reverts_edits() => vec![Prose::new(
            format!(
                "This Deployment is managed ({}): its reconciler will likely revert this edit (F40). \
                 Prefer the provider's own configuration; otherwise expect to re-apply it.",
                k.label()
            ),
            format!(
                "이 Deployment는 관리형({})입니다: 관리 컨트롤러가 이 수정을 되돌릴 가능성이 큽니다(F40). \
                 제공자의 설정 방법을 쓰고, 그렇지 않으면 다시 적용할 각오를 하세요.",
                k.label()
            ),
        )],
        InstallKind::Helm { release, .. } => {
            let release = release
                .as_deref()
                .map(|r| format!(" release {r}"))
                .unwrap_or_default();
            vec![Prose::new(
                format!(
                    "Installed by Helm{release}: the next helm upgrade overwrites this edit, so put \
                     the same change in the chart values (args, or defaultArgs for the default flags)."
                ),
                format!(
                    "Helm{release}으로 설치되었습니다: 다음 helm upgrade가 이 수정을 덮어쓰므로 같은 \
                     변경을 차트 값(args, 기본 인자는 defaultArgs)에도 넣으세요."
                ),
            )]
        }
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Free-form edits and undo

/// What the args editor starts from: the list where the flags live, without `command[0]`.
pub fn editable_flags(
    install: &Install,
    deployment: &Deployment,
) -> Result<(ArgsField, Vec<String>), PlanError> {
    let loc = locate_install(install, deployment)?;
    let field = primary_field(loc.container);
    Ok((field, flags_of(loc.container, field).to_vec()))
}

/// Plan a free-form edit. `new_args` replaces the list [`editable_flags`] returned (for the
/// `command` layout, the binary `command[0]` is kept in front).
pub fn plan_edit(
    install: &Install,
    deployment: &Deployment,
    new_args: Vec<String>,
) -> Result<FixPlan, PlanError> {
    let loc = locate_install(install, deployment)?;
    let c = loc.container;
    let field = primary_field(c);
    let after = with_flags(c, field, new_args);
    if after == list_of(c, field) {
        return Err(PlanError::NothingToChange(format!(
            "the {} are unchanged",
            field.key()
        )));
    }
    let version = version_of(install.version, c);
    let before_flags = Flags::parse(&crate::flags::container_argv(c), version);
    let sentence = Prose::new(
        format!("Replace the {} of {}", field.key(), loc.target),
        format!(
            "{}의 {}를 편집한 목록으로 교체",
            place_ko(ArgsField::Args, &loc.target),
            field.key()
        ),
    );
    let mut plan = build(None, loc, field, after, sentence, version);
    let after_flags = Flags::parse(&argv_with(c, field, &plan.after), version);
    if after_flags.bool(INSECURE_TLS) && !before_flags.bool(INSECURE_TLS) {
        // The editor added it by hand: the same warning as the quick fix carries.
        let quick_fix = FixId::KubeletInsecureTls.info().warnings;
        plan.warnings
            .extend(quick_fix.iter().map(|&w| Prose::from(w)));
    }
    plan.warnings.extend(install_warnings(&install.kind));
    Ok(plan)
}

/// Undo an applied plan: put back its exact `before` list, planned against the Deployment as it
/// is now (its current resourceVersion guards the undo too).
pub fn plan_undo(previous: &FixPlan, deployment: &Deployment) -> Result<FixPlan, PlanError> {
    let t = &previous.target;
    let loc = locate(&t.namespace, &t.deployment, &t.container, deployment)?;
    let c = loc.container;
    let field = previous.field;
    let current = list_of(c, field);
    if current == previous.before {
        return Err(PlanError::NothingToChange(format!(
            "the {} are already as they were before",
            field.key()
        )));
    }
    let mut warnings = Vec::new();
    if current != previous.after {
        warnings.push(Prose::new(
            format!(
                "The {} changed since this fix was applied; undo restores the exact earlier list \
                 and also discards those later changes. Check the diff.",
                field.key()
            ),
            format!(
                "이 조치를 적용한 뒤 {}가 또 바뀌었습니다: 되돌리기는 이전 목록을 그대로 복원하므로 그 \
                 뒤의 변경도 사라집니다. diff를 확인하세요.",
                field.key()
            ),
        ));
    }
    let sentence = Prose::new(
        format!("Restore the previous {} of {}", field.key(), loc.target),
        format!(
            "{}의 {}를 이전 상태로 되돌리기",
            place_ko(ArgsField::Args, &loc.target),
            field.key()
        ),
    );
    let version = version_of(None, c);
    let mut plan = build(None, loc, field, previous.before.clone(), sentence, version);
    plan.warnings = warnings;
    Ok(plan)
}

// ---------------------------------------------------------------------------------------------
// Rollout restart

/// `kubectl rollout restart`, as a patch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RestartPlan {
    pub namespace: String,
    pub deployment: String,
    pub sentence: Prose,
    /// RFC 3339, UTC, seconds precision (what kubectl writes, in UTC).
    pub restarted_at: String,
    /// Strategic-merge patch of the pod template annotation. Not guarded by resourceVersion:
    /// like kubectl, a restart does not conflict with other edits.
    pub patch: Value,
    pub warnings: Vec<Prose>,
}

pub const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

pub fn plan_restart(
    install: &Install,
    deployment: &Deployment,
    now: jiff::Timestamp,
) -> RestartPlan {
    let restarted_at = now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let patch = json!({
        "spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: restarted_at}}}}
    });
    let paused = deployment
        .spec
        .as_ref()
        .and_then(|s| s.paused)
        .unwrap_or(false);
    let warnings = if paused {
        vec![Prose::new(
            "The Deployment is paused: no new pods roll out until it is resumed (kubectl rollout resume).",
            "Deployment가 일시 중지(paused) 상태입니다: 재개(kubectl rollout resume)하기 전에는 새 파드가 나오지 않습니다.",
        )]
    } else {
        Vec::new()
    };
    RestartPlan {
        sentence: Prose::new(
            format!(
                "Restart deployment {}/{} (rolling replacement of its pods)",
                install.namespace, install.deployment
            ),
            format!(
                "deployment {}/{} 재시작 (파드를 차례로 교체)",
                install.namespace, install.deployment
            ),
        ),
        namespace: install.namespace.clone(),
        deployment: install.deployment.clone(),
        restarted_at,
        patch,
        warnings,
    }
}

// ---------------------------------------------------------------------------------------------
// Kubelet-serving CSR approval

pub const KUBELET_SERVING_SIGNER: &str = "kubernetes.io/kubelet-serving";

/// Approval of the pending kubelet-serving CSRs (proper TLS fix, step one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsrApprovalPlan {
    pub csrs: Vec<CsrApproval>,
    pub sentence: Prose,
    pub warnings: Vec<Prose>,
}

/// One CSR to approve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CsrApproval {
    pub name: String,
    /// From `spec.username` `system:node:<name>`; `None` if the requester is not a node.
    pub node: Option<String>,
    pub username: Option<String>,
    /// Subject and SANs read from `spec.request`; `None` when they could not be read.
    pub request: Option<CsrRequest>,
    /// Reasons to look twice before approving this one.
    pub concerns: Vec<String>,
    /// The condition added to `status.conditions`.
    pub condition: Value,
    /// The object to PUT on `certificatesigningrequests/<name>/approval` (what `kubectl
    /// certificate approve` sends: the CSR with the condition appended; its resourceVersion
    /// guards against a concurrent approval or denial).
    pub body: Value,
}

/// `None` when no kubelet-serving CSR is pending.
pub fn plan_approve_csrs(csrs: &[CertificateSigningRequest]) -> Option<CsrApprovalPlan> {
    let mut pending: Vec<CsrApproval> = csrs
        .iter()
        .filter(|c| is_pending_kubelet_serving(c))
        .map(approval)
        .collect();
    if pending.is_empty() {
        return None;
    }
    pending.sort_by(|a, b| a.name.cmp(&b.name));
    let sentence = approval_sentence(&pending);
    let warnings = vec![Prose::new(
        "Approving issues a serving certificate for exactly the DNS names and IPs each request \
         asks for. mstui does not check them against the node: anyone holding a node's client \
         credentials could ask for other names. Compare the names below with the node's \
         addresses (kubectl get node -o wide) before approving; a SAN-checking approver \
         (kubelet-csr-approver) is the lasting fix. Renewals need approval again.",
        "승인하면 각 요청이 요구한 DNS 이름과 IP 그대로 서빙 인증서가 발급됩니다. mstui는 이를 노드와 \
         대조하지 않습니다: 노드의 클라이언트 자격 증명을 가진 누구나 다른 이름을 요청할 수 있습니다. \
         승인 전에 아래 이름을 노드 주소(kubectl get node -o wide)와 비교하세요. SAN을 검사하는 \
         승인기(kubelet-csr-approver)가 지속적인 해결책이며, 인증서 갱신 때마다 다시 승인이 필요합니다.",
    )];
    Some(CsrApprovalPlan {
        csrs: pending,
        sentence,
        warnings,
    })
}

/// "Approve 2 pending kubelet-serving CSRs (nodes node-1, node-2)".
fn approval_sentence(pending: &[CsrApproval]) -> Prose {
    let mut nodes: Vec<&str> = pending.iter().filter_map(|a| a.node.as_deref()).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut sentence = format!(
        "Approve {} pending kubelet-serving CSR{}",
        pending.len(),
        plural(pending.len())
    );
    let mut ko = format!("대기 중인 kubelet-serving CSR {}개 승인", pending.len());
    if !nodes.is_empty() {
        sentence.push_str(&format!(
            " (node{} {})",
            plural(nodes.len()),
            nodes.join(", ")
        ));
        ko.push_str(&format!(" (노드 {})", nodes.join(", ")));
    }
    Prose::new(sentence, ko)
}

fn is_pending_kubelet_serving(csr: &CertificateSigningRequest) -> bool {
    let decided = csr
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| matches!(c.type_.as_str(), "Approved" | "Denied" | "Failed"))
        });
    csr.spec.signer_name == KUBELET_SERVING_SIGNER && !decided
}

fn approval(csr: &CertificateSigningRequest) -> CsrApproval {
    let name = csr.metadata.name.clone().unwrap_or_default();
    let username = csr.spec.username.clone();
    let node = username
        .as_deref()
        .and_then(|u| u.strip_prefix("system:node:"))
        .map(str::to_string);
    let request = parse_csr_pem(&csr.spec.request.0);
    let concerns = concerns(node.as_deref(), username.as_deref(), request.as_ref());
    let condition = json!({
        "type": "Approved",
        "status": "True",
        "reason": "MstuiApprove",
        "message": format!(
            "Approved with mstui: kubelet serving certificate for node {}",
            node.as_deref().unwrap_or("(unknown)")
        ),
    });
    let body = approval_body(csr, &condition);
    CsrApproval {
        name,
        node,
        username,
        request,
        concerns,
        condition,
        body,
    }
}

fn approval_body(csr: &CertificateSigningRequest, condition: &Value) -> Value {
    let mut body = serde_json::to_value(csr).unwrap_or(Value::Null);
    if let Some(obj) = body.as_object_mut() {
        let status = obj.entry("status").or_insert_with(|| json!({}));
        if !status.is_object() {
            *status = json!({});
        }
        let conditions = status
            .as_object_mut()
            .expect("status is an object")
            .entry("conditions")
            .or_insert_with(|| json!([]));
        if let Some(list) = conditions.as_array_mut() {
            list.push(condition.clone());
        } else {
            *conditions = json!([condition]);
        }
    }
    body
}

/// What the kubeadm docs say to check by hand before approving (F18).
fn concerns(node: Option<&str>, username: Option<&str>, req: Option<&CsrRequest>) -> Vec<String> {
    let mut out = Vec::new();
    if node.is_none() {
        out.push(format!(
            "requested by {}, not by a node (system:node:<name>)",
            username.unwrap_or("an unknown user")
        ));
    }
    let Some(req) = req else {
        out.push(
            "the requested names could not be read, so they are not shown; inspect spec.request \
             (base64 -d | openssl req -noout -text) before approving"
                .into(),
        );
        return out;
    };
    let expected_cn = node.map(|n| format!("system:node:{n}"));
    if req.common_name != expected_cn {
        out.push(format!(
            "subject CN {} does not match the requesting node",
            req.common_name.as_deref().unwrap_or("(none)")
        ));
    }
    if !req.organizations.iter().any(|o| o == "system:nodes") {
        out.push("subject organization is not system:nodes".into());
    }
    if req.dns_names.is_empty() && req.ip_addresses.is_empty() {
        out.push("asks for no DNS names or IPs".into());
    }
    if !req.other_names.is_empty() {
        out.push(format!("also asks for {}", req.other_names.join(", ")));
    }
    out
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
