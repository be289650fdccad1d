//! Locating the metrics-server container in the Deployment, and reading and rewriting its
//! flag list (`args`, or `command` after the binary).

use super::*;
use crate::fix::args::{self};
use crate::install::Install;
use crate::vocab::Version;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Container;

/// The container being changed, as found in the Deployment.
pub(super) struct Located<'a> {
    pub(super) container: &'a Container,
    pub(super) target: Target,
    pub(super) resource_version: String,
}

pub(super) fn locate<'a>(
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

pub(super) fn locate_install<'a>(
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

pub(super) fn command_of(c: &Container) -> &[String] {
    c.command.as_deref().unwrap_or_default()
}

pub(super) fn args_of(c: &Container) -> &[String] {
    c.args.as_deref().unwrap_or_default()
}

/// The complete current list of `field`.
pub(super) fn list_of(c: &Container, field: ArgsField) -> Vec<String> {
    match field {
        ArgsField::Args => args_of(c).to_vec(),
        ArgsField::Command => command_of(c).to_vec(),
    }
}

/// The flag part of `field`: `command[1..]` or all of `args`.
pub(super) fn flags_of(c: &Container, field: ArgsField) -> &[String] {
    match field {
        ArgsField::Args => args_of(c),
        ArgsField::Command => command_of(c).get(1..).unwrap_or_default(),
    }
}

/// Where new flags go: the command when it carries the flags and there are no args (kube-up),
/// otherwise args.
pub(super) fn primary_field(c: &Container) -> ArgsField {
    if args_of(c).is_empty() && command_of(c).len() > 1 {
        ArgsField::Command
    } else {
        ArgsField::Args
    }
}

/// The list holding the given flags; both lists holding them cannot be done in one patch.
pub(super) fn field_for(c: &Container, names: &[&str]) -> Result<ArgsField, PlanError> {
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
pub(super) fn with_flags(c: &Container, field: ArgsField, flags: Vec<String>) -> Vec<String> {
    match (field, command_of(c).first()) {
        (ArgsField::Command, Some(binary)) => {
            std::iter::once(binary.clone()).chain(flags).collect()
        }
        _ => flags,
    }
}

/// The argv metrics-server would run with if `field` became `list`.
pub(super) fn argv_with(c: &Container, field: ArgsField, list: &[String]) -> Vec<String> {
    match field {
        ArgsField::Args => command_of(c).iter().skip(1).chain(list).cloned().collect(),
        ArgsField::Command => list.iter().skip(1).chain(args_of(c)).cloned().collect(),
    }
}

pub(super) fn version_of(install_version: Option<Version>, c: &Container) -> Option<Version> {
    install_version.or_else(|| c.image.as_deref().and_then(Version::from_image))
}
