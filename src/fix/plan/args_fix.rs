//! Planning a catalog fix that edits the container's flags: which flags change, the sentence,
//! and the warnings.

use super::locate::*;
use super::*;
use crate::fix::args::{self};
use crate::flags::Flags;
use crate::install::{Install, InstallKind};
use crate::vocab::FixId;
use crate::vocab::Prose;
use crate::vocab::Version;
use k8s_openapi::api::apps::v1::Deployment;
use serde_json::{Value, json};

/// One edit of the flag list.
pub(super) enum Op {
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
pub(super) fn ops_for(fix: FixId, flags: &Flags) -> Result<(Vec<Op>, Prose), PlanError> {
    let nothing = |en: &str, ko: &str| Err(PlanError::NothingToChange(Prose::new(en, ko)));
    match fix {
        FixId::KubeletInsecureTls if flags.bool(INSECURE_TLS) => nothing(
            "--kubelet-insecure-tls is already on",
            "--kubelet-insecure-tls가 이미 켜져 있습니다",
        ),
        FixId::KubeletInsecureTls => Ok((
            vec![Op::AddBool(INSECURE_TLS)],
            Prose::new(
                "Add --kubelet-insecure-tls to",
                "에 --kubelet-insecure-tls 추가",
            ),
        )),
        FixId::DropKubeletInsecureTls if !flags.is_set(INSECURE_TLS) => nothing(
            "--kubelet-insecure-tls is not set",
            "--kubelet-insecure-tls가 설정되어 있지 않습니다",
        ),
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

pub(super) fn preferred_address_ops(flags: &Flags) -> Result<(Vec<Op>, Prose), PlanError> {
    let already = flags.occurrences(ADDRESS_TYPES) == 1
        && flags.preferred_address_types().join(",") == PREFERRED_ADDRESS_TYPES;
    if already {
        return Err(PlanError::NothingToChange(Prose::new(
            format!("--{ADDRESS_TYPES} is already {PREFERRED_ADDRESS_TYPES}"),
            format!("--{ADDRESS_TYPES}가 이미 {PREFERRED_ADDRESS_TYPES}입니다"),
        )));
    }
    let verb = Prose::new(
        format!("Set --{ADDRESS_TYPES}={PREFERRED_ADDRESS_TYPES} (one occurrence) in"),
        format!("의 --{ADDRESS_TYPES}를 {PREFERRED_ADDRESS_TYPES}(으)로 설정 (한 번만)"),
    );
    Ok((vec![Op::Set(ADDRESS_TYPES, PREFERRED_ADDRESS_TYPES)], verb))
}

pub(super) fn legacy_port_ops(flags: &Flags) -> Result<(Vec<Op>, Prose), PlanError> {
    let legacy_port = flags
        .all()
        .iter()
        .any(|f| f.name == KUBELET_PORT && f.value.as_deref() == Some(LEGACY_PORT));
    let plain_http = flags.is_set(COMPLETELY_INSECURE);
    let (ops, what) = match (legacy_port, plain_http) {
        (false, false) => {
            return Err(PlanError::NothingToChange(Prose::new(
                "neither --kubelet-port=10255 nor --deprecated-kubelet-completely-insecure is set",
                "--kubelet-port=10255도 --deprecated-kubelet-completely-insecure도 설정되어 있지 않습니다",
            )));
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

pub(super) fn resolution_ops(flags: &Flags) -> Result<(Vec<Op>, Prose), PlanError> {
    let target = std::time::Duration::from_secs(15);
    if flags.occurrences(RESOLUTION) == 1 && flags.duration(RESOLUTION) == Some(target) {
        return Err(PlanError::NothingToChange(Prose::new(
            "--metric-resolution is already 15s",
            "--metric-resolution이 이미 15s입니다",
        )));
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
pub(super) fn place_ko(field: ArgsField, t: &Target) -> String {
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
pub(super) fn place(field: ArgsField, target: &Target) -> String {
    match field {
        ArgsField::Args => target.to_string(),
        ArgsField::Command => format!("the command of {target}"),
    }
}

/// Assemble a plan: diff, validation of the resulting flags, and the guarded (JSON) patch.
pub(super) fn build(
    fix: Option<FixId>,
    loc: Located<'_>,
    field: ArgsField,
    after: Vec<String>,
    sentence: Prose,
    version: Option<Version>,
) -> FixPlan {
    let before = list_of(loc.container, field);
    let problems = Flags::parse(&argv_with(loc.container, field, &after), version).validate();
    let current = match field {
        ArgsField::Args => loc.container.args.as_deref(),
        ArgsField::Command => loc.container.command.as_deref(),
    };
    let patch = args_patch(
        loc.target.container_index,
        &loc.target.container,
        field,
        current,
        &after,
    );
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

/// A JSON patch (RFC 6902) keyed on what mstui changes: `test` that the container at
/// `index` is still `container` and that its `field` is still exactly `current` (`None`: the
/// field is absent, which a `test` against `null` checks), then set the new list. Writes that
/// do not touch this list (the controller's status, annotations, replicas) no longer conflict;
/// a concurrent edit of the list fails the `test`, which the API server answers with 422 and
/// [`crate::cluster::apply`] reports as a conflict.
pub fn args_patch(
    index: usize,
    container: &str,
    field: ArgsField,
    current: Option<&[String]>,
    list: &[String],
) -> Value {
    let base = format!("/spec/template/spec/containers/{index}");
    let path = format!("{base}/{}", field.key());
    json!([
        {"op": "test", "path": format!("{base}/name"), "value": container},
        {"op": "test", "path": path, "value": current},
        {"op": if current.is_some() { "replace" } else { "add" }, "path": path, "value": list},
    ])
}

/// The fix's own warnings (from the vocabulary), and those that depend on the current flags.
pub(super) fn fix_warnings(fix: FixId, flags: &Flags) -> Vec<Prose> {
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
pub(super) fn install_warnings(kind: &InstallKind) -> Vec<Prose> {
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
