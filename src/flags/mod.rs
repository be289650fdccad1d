//! Effective metrics-server flags (pure): pflag semantics, binary defaults by version, validation.
//!
//! metrics-server parses its argv with `spf13/pflag`, so what runs is not always what the
//! manifest seems to say (failure-modes §2.2, F38): a repeated string-slice flag appends, a bool
//! flag written `--flag false` stays on (the `false` becomes an ignored positional argument), and
//! flags in `command:` count as much as flags in `args:`. This module reproduces those rules and
//! replays metrics-server's startup validation (F12) so a plan can be checked before it is applied.

//!
//! - `spec`: the flags metrics-server (and klog) register, with kinds and binary defaults;
//! - `scan`: argv read the way pflag reads it;
//! - [`Flags`] (here): the effective values;
//! - `validate`: metrics-server's startup checks and flags that do not do what they seem;
//! - `go`: Go's bool, list and duration syntax.

mod go;
mod scan;
mod spec;
mod validate;

#[cfg(test)]
mod tests;

pub use go::{format_go_duration, parse_go_bool, parse_go_duration, split_csv};
pub use scan::{ArgFlag, Scan, scan};
pub use spec::{ADDRESS_TYPES, DEFAULT_ADDRESS_TYPES, FlagKind, container_argv, flag_kind};
pub use validate::FlagProblem;

use crate::vocab::Version;
use spec::FlagKind::{Bool, Repeated, StringSlice};
use spec::{Spec, bare, find_spec};
use std::time::Duration;

/// The flags a metrics-server container runs with, as metrics-server itself would see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flags {
    version: Option<Version>,
    scan: Scan,
}

impl Flags {
    /// Parse argv (see [`container_argv`]). `version` selects binary defaults and validation
    /// rules; `None` (e.g. a `latest` tag) is treated as the current release.
    pub fn parse(argv: &[String], version: Option<Version>) -> Flags {
        Flags {
            version,
            scan: scan(argv),
        }
    }

    pub fn version(&self) -> Option<Version> {
        self.version
    }

    /// Every flag occurrence in argv order.
    pub fn all(&self) -> &[ArgFlag] {
        &self.scan.flags
    }

    /// Items that are not flags; metrics-server ignores them.
    pub fn positional(&self) -> &[(usize, String)] {
        &self.scan.positional
    }

    /// Whether the flag appears in argv at all (even as `--flag=false`).
    pub fn is_set(&self, name: &str) -> bool {
        self.occurrences(name) > 0
    }

    pub fn occurrences(&self, name: &str) -> usize {
        self.values_of(name).count()
    }

    /// The raw values of every occurrence, in order (`None` for a bare bool flag).
    fn values_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Option<&'a str>> + 'a {
        let name = bare(name);
        self.scan
            .flags
            .iter()
            .filter(move |f| f.name == name)
            .map(|f| f.value.as_deref())
    }

    /// Whether the flag exists in this version; unknown version means "current".
    fn exists(&self, spec: &Spec) -> bool {
        match (spec.since, self.version) {
            (Some(since), Some(v)) => v >= since,
            _ => true,
        }
    }

    fn default_of(&self, name: &str) -> Option<&'static str> {
        find_spec(bare(name))
            .filter(|s| self.exists(s))
            .and_then(|s| s.default)
    }

    /// Effective bool: the last occurrence wins, a bare `--flag` is true; default otherwise.
    /// An unparsable value counts as false (validation reports it).
    pub fn bool(&self, name: &str) -> bool {
        match self.values_of(name).last() {
            Some(None) => true,
            Some(Some(v)) => parse_go_bool(v).unwrap_or(false),
            None => self
                .default_of(name)
                .and_then(parse_go_bool)
                .unwrap_or(false),
        }
    }

    /// Effective value: the last occurrence (bools as `true`/`false`, string slices joined with
    /// commas), else the binary default.
    pub fn value(&self, name: &str) -> Option<String> {
        match flag_kind(name) {
            Some(StringSlice | Repeated) => self.slice(name).map(|l| l.join(",")),
            Some(Bool) if self.is_set(name) => Some(self.bool(name).to_string()),
            _ => match self.values_of(name).last() {
                Some(v) => Some(v.unwrap_or("true").to_string()),
                None => self.default_of(name).map(str::to_string),
            },
        }
    }

    /// Effective list. For string-slice flags: the first occurrence replaces the default and
    /// later occurrences append (pflag `stringSlice.Set`). Other flags: their value, if any.
    pub fn list(&self, name: &str) -> Vec<String> {
        match flag_kind(name) {
            Some(StringSlice | Repeated) => self.slice(name).unwrap_or_default(),
            _ => self.value(name).into_iter().collect(),
        }
    }

    fn slice(&self, name: &str) -> Option<Vec<String>> {
        let repeated = flag_kind(name) == Some(Repeated);
        let values: Vec<&str> = self.values_of(name).map(|v| v.unwrap_or("")).collect();
        if values.is_empty() {
            return self.default_of(name).map(split_csv);
        }
        let split = |v: &str| {
            if repeated {
                vec![v.to_string()]
            } else {
                split_csv(v)
            }
        };
        Some(values.into_iter().flat_map(split).collect())
    }

    /// Effective duration; `None` when absent without default, unparsable or negative.
    pub fn duration(&self, name: &str) -> Option<Duration> {
        let nanos = parse_go_duration(&self.value(name)?).ok()?;
        u64::try_from(nanos).ok().map(Duration::from_nanos)
    }

    /// The effective `--kubelet-preferred-address-types`, in priority order.
    pub fn preferred_address_types(&self) -> Vec<String> {
        self.list("kubelet-preferred-address-types")
    }
}
