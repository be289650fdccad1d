//! Free-form edits from the args editor, and undo of an applied change.

use super::args_fix::*;
use super::locate::*;
use super::*;
use crate::flags::Flags;
use crate::install::Install;
use crate::vocab::FixId;
use crate::vocab::Prose;
use k8s_openapi::api::apps::v1::Deployment;

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
        return Err(PlanError::NothingToChange(Prose::new(
            format!("the {} are unchanged", field.key()),
            format!("{}가 바뀌지 않았습니다", field.key()),
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
        return Err(PlanError::NothingToChange(Prose::new(
            format!("the {} are already as they were before", field.key()),
            format!("{}가 이미 이전 상태와 같습니다", field.key()),
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
