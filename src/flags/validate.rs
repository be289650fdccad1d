//! metrics-server's startup validation (F12), settings it cannot use (F21), and flags that are
//! set but not effective (F38).

use super::Flags;
use super::go::{NANOS_PER_SEC, format_go_duration, parse_go_bool, parse_go_duration};
use super::spec::FlagKind::{Bool, Duration as Dur, Int, Repeated, String as Str, StringSlice};
use super::spec::{ADDRESS_TYPES, V0_5, V0_6, V0_7, find_spec, flag_kind, klog_kind};
use crate::vocab::{RuleId, Severity, Version};
use serde::Serialize;

/// A flag problem: a startup failure (F12, error), an unusable setting (F21) or a flag that is
/// set but not effective (F38, warning).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlagProblem {
    /// The flag as written, e.g. `--metric-resolution`.
    pub flag: String,
    pub message: String,
    pub rule: RuleId,
    pub severity: Severity,
}

impl FlagProblem {
    fn startup(flag: impl Into<String>, message: impl Into<String>) -> Self {
        FlagProblem {
            flag: flag.into(),
            message: message.into(),
            rule: RuleId::StartupExit,
            severity: Severity::Error,
        }
    }

    fn not_effective(flag: impl Into<String>, message: impl Into<String>) -> Self {
        FlagProblem {
            flag: flag.into(),
            message: message.into(),
            rule: RuleId::MisleadingFlag,
            severity: Severity::Warning,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl Flags {
    /// Replay metrics-server's startup checks (F12) and list flags that do not do what they
    /// seem to (F38). Ordered: syntax, unknown flags, values, cross-flag rules, warnings.
    pub fn validate(&self) -> Vec<FlagProblem> {
        let mut out = Vec::new();
        self.check_syntax(&mut out);
        self.check_unknown(&mut out);
        self.check_values(&mut out);
        self.check_kubelet_client(&mut out);
        self.check_resolution(&mut out);
        self.check_address_types(&mut out);
        self.check_not_effective(&mut out);
        out
    }

    fn at_least(&self, v: Version) -> bool {
        self.version.is_none_or(|have| have >= v)
    }

    /// v0.4–v0.5 capitalised their validation messages; match what the log will show.
    fn msg(&self, text: String) -> String {
        let old = self.version.is_some_and(|v| v < V0_6);
        match text.chars().next() {
            Some(first) if old => first.to_uppercase().chain(text.chars().skip(1)).collect(),
            _ => text,
        }
    }

    fn check_syntax(&self, out: &mut Vec<FlagProblem>) {
        for e in &self.scan.errors {
            out.push(FlagProblem::startup(&e.flag, &e.message));
        }
        // `- "--metric-resolution 15s"` in YAML is ONE argv item: pflag looks up a flag named
        // "metric-resolution 15s" and fails.
        for f in self.scan.flags.iter().filter(|f| f.name.contains(' ')) {
            let (name, value) = f.name.split_once(' ').unwrap_or((&f.name, ""));
            out.push(FlagProblem::startup(
                format!("--{name}"),
                format!(
                    "unknown flag: --{} (flag and value are one list item; write --{name}={})",
                    f.name,
                    value.trim()
                ),
            ));
        }
    }

    fn check_unknown(&self, out: &mut Vec<FlagProblem>) {
        let klog_gone = self
            .version
            .is_none_or(|v| v >= V0_7 || (v.major, v.minor, v.patch) == (0, 6, 0));
        let mut seen: Vec<&str> = Vec::new();
        for f in &self.scan.flags {
            if seen.contains(&f.name.as_str()) {
                continue;
            }
            seen.push(&f.name);
            let removed = klog_gone && find_spec(&f.name).is_none() && klog_kind(&f.name).is_some();
            let not_yet = find_spec(&f.name).is_some_and(|s| !self.exists(s));
            if removed || not_yet {
                out.push(FlagProblem::startup(
                    format!("--{}", f.name),
                    self.unknown_message(&f.name, removed),
                ));
            }
        }
    }

    fn unknown_message(&self, name: &str, removed: bool) -> String {
        let version = self
            .version
            .map_or("this version".into(), |v| v.to_string());
        if removed {
            format!("unknown flag: --{name} (klog flags were removed in v0.7.0; delete it)")
        } else {
            format!("unknown flag: --{name} (not available in {version})")
        }
    }

    /// Every occurrence must parse, not just the last: pflag sets them one by one.
    fn check_values(&self, out: &mut Vec<FlagProblem>) {
        for f in &self.scan.flags {
            let (Some(kind), Some(value)) = (flag_kind(&f.name), f.value.as_deref()) else {
                continue;
            };
            let err = match kind {
                Bool => parse_go_bool(value)
                    .is_none()
                    .then(|| format!("strconv.ParseBool: parsing {value:?}: invalid syntax")),
                Dur => parse_go_duration(value).err(),
                Int => value
                    .parse::<i64>()
                    .is_err()
                    .then(|| format!("strconv.ParseInt: parsing {value:?}: invalid syntax")),
                Str | StringSlice | Repeated => None,
            };
            if let Some(err) = err {
                out.push(FlagProblem::startup(
                    format!("--{}", f.name),
                    format!(
                        "invalid argument {value:?} for \"--{}\" flag: {err}",
                        f.name
                    ),
                ));
            }
        }
    }

    /// `KubeletClientOptions.Validate` (v0.4+; the same pairs were checked in v0.3).
    fn check_kubelet_client(&self, out: &mut Vec<FlagProblem>) {
        let set = |n: &str| self.value(n).is_some_and(|v| !v.is_empty());
        let ca = set("kubelet-certificate-authority");
        let ca_text = set("kubelet-certificate-authority-text");
        let key = set("kubelet-client-key");
        let cert = set("kubelet-client-certificate");
        let insecure = self.bool("kubelet-insecure-tls");
        let plain_http = self.bool("deprecated-kubelet-completely-insecure");
        let both = |a: &str, b: &str| format!("cannot use both --{a} and --{b}");
        let pairs = [
            (
                ca && ca_text,
                "kubelet-certificate-authority",
                "kubelet-certificate-authority-text",
            ),
            (
                ca_text && insecure,
                "kubelet-certificate-authority-text",
                "kubelet-insecure-tls",
            ),
            (
                ca && insecure,
                "kubelet-certificate-authority",
                "kubelet-insecure-tls",
            ),
        ];
        for (_, a, b) in pairs.into_iter().filter(|p| p.0) {
            out.push(FlagProblem::startup(format!("--{a}"), self.msg(both(a, b))));
        }
        if key != cert {
            let missing = if key {
                "kubelet-client-certificate"
            } else {
                "kubelet-client-key"
            };
            out.push(FlagProblem::startup(
                format!("--{missing}"),
                self.msg("need both --kubelet-client-key and --kubelet-client-certificate".into()),
            ));
        }
        let insecure_pairs = [
            (key, "kubelet-client-key"),
            (cert, "kubelet-client-certificate"),
            (insecure, "kubelet-insecure-tls"),
            (ca_text, "kubelet-certificate-authority-text"),
            (ca, "kubelet-certificate-authority"),
        ];
        for (_, a) in insecure_pairs.into_iter().filter(|p| plain_http && p.0) {
            let b = "deprecated-kubelet-completely-insecure";
            out.push(FlagProblem::startup(format!("--{b}"), self.msg(both(a, b))));
        }
        if self.at_least(V0_7) {
            let timeout = self.signed_duration("kubelet-request-timeout");
            if timeout.is_some_and(|t| t <= 0) {
                out.push(FlagProblem::startup(
                    "--kubelet-request-timeout",
                    "kubelet-request-timeout should be positive",
                ));
            }
        }
    }

    fn signed_duration(&self, name: &str) -> Option<i128> {
        parse_go_duration(&self.value(name)?).ok()
    }

    /// `Options.Validate`: at least 10s (v0.5+), and from v0.7 the scrape timeout (90% of the
    /// resolution) must cover `--kubelet-request-timeout`.
    fn check_resolution(&self, out: &mut Vec<FlagProblem>) {
        let Some(res) = self.signed_duration("metric-resolution") else {
            return;
        };
        if self.at_least(V0_5) && res < 10 * NANOS_PER_SEC {
            out.push(FlagProblem::startup(
                "--metric-resolution",
                self.msg(format!(
                    "metric-resolution should be a time duration at least 10s, but value {} provided",
                    format_go_duration(res)
                )),
            ));
            return;
        }
        let timeout = self.signed_duration("kubelet-request-timeout");
        if let (true, Some(t)) = (self.at_least(V0_7), timeout) {
            // res * 0.9 < timeout, in integers.
            if res * 9 < t * 10 && t > 0 {
                out.push(FlagProblem::startup(
                    "--metric-resolution",
                    format!(
                        "metric-resolution should be larger than kubelet-request-timeout, but \
                         metric-resolution value {} kubelet-request-timeout value {} provided \
                         (metric-resolution × 0.9 must be ≥ kubelet-request-timeout)",
                        format_go_duration(res),
                        format_go_duration(t)
                    ),
                ));
            }
        }
    }

    /// metrics-server does not check the names at startup; an unknown type simply never matches,
    /// so every scrape fails with "no address matched types" (F21) if none is valid.
    fn check_address_types(&self, out: &mut Vec<FlagProblem>) {
        let types = self.preferred_address_types();
        let invalid: Vec<&String> = types
            .iter()
            .filter(|t| !ADDRESS_TYPES.contains(&t.as_str()))
            .collect();
        if invalid.is_empty() {
            return;
        }
        let all_invalid = invalid.len() == types.len();
        let names = invalid
            .iter()
            .map(|t| format!("{t:?}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut message = format!(
            "unknown address type {names}: valid are {} (case-sensitive, no spaces)",
            ADDRESS_TYPES.join(", ")
        );
        if all_invalid {
            message.push_str("; no node address can match, every scrape will fail");
        }
        out.push(FlagProblem {
            flag: "--kubelet-preferred-address-types".into(),
            message,
            rule: RuleId::NoMatchingAddressType,
            severity: if all_invalid {
                Severity::Error
            } else {
                Severity::Warning
            },
        });
    }

    /// F38: flags that are present but do not do what they seem to.
    fn check_not_effective(&self, out: &mut Vec<FlagProblem>) {
        let mut seen: Vec<&str> = Vec::new();
        for f in &self.scan.flags {
            if seen.contains(&f.name.as_str()) {
                continue;
            }
            seen.push(&f.name);
            match flag_kind(&f.name) {
                Some(StringSlice) => self.warn_appended(&f.name, out),
                Some(Bool) => self.warn_false_bool(&f.name, out),
                Some(Dur | Int | Str) => self.warn_overridden(&f.name, out),
                Some(Repeated) | None => {}
            }
        }
        for (_, item) in &self.scan.positional {
            out.push(FlagProblem::not_effective(
                item.clone(),
                format!(
                    "{item:?} is not a flag and metrics-server ignores it (a bool flag never takes \
                     the next item as its value; write --flag=false)"
                ),
            ));
        }
    }

    fn warn_appended(&self, name: &str, out: &mut Vec<FlagProblem>) {
        let n = self.occurrences(name);
        if n > 1 {
            out.push(FlagProblem::not_effective(
                format!("--{name}"),
                format!(
                    "--{name} is given {n} times; after the first, each occurrence appends, so \
                     the effective list is {}",
                    self.list(name).join(",")
                ),
            ));
        }
    }

    fn warn_false_bool(&self, name: &str, out: &mut Vec<FlagProblem>) {
        let written_false = self
            .values_of(name)
            .any(|v| v.and_then(parse_go_bool) == Some(false));
        if written_false && !self.bool(name) {
            out.push(FlagProblem::not_effective(
                format!("--{name}"),
                format!("--{name} is present but set to false, so it is off"),
            ));
        }
    }

    fn warn_overridden(&self, name: &str, out: &mut Vec<FlagProblem>) {
        let values: Vec<Option<&str>> = self.values_of(name).collect();
        let differ = values.windows(2).any(|w| w[0] != w[1]);
        if differ {
            let last = values.last().copied().flatten().unwrap_or("");
            out.push(FlagProblem::not_effective(
                format!("--{name}"),
                format!(
                    "--{name} is given {} times with different values; the last one ({last}) wins",
                    values.len()
                ),
            ));
        }
    }
}
