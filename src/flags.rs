//! Effective metrics-server flags (pure): pflag semantics, binary defaults by version, validation.
//!
//! metrics-server parses its argv with `spf13/pflag`, so what runs is not always what the
//! manifest seems to say (failure-modes §2.2, F38): a repeated string-slice flag appends, a bool
//! flag written `--flag false` stays on (the `false` becomes an ignored positional argument), and
//! flags in `command:` count as much as flags in `args:`. This module reproduces those rules and
//! replays metrics-server's startup validation (F12) so a plan can be checked before it is applied.

use crate::install::Version;
use crate::vocab::{RuleId, Severity};
use k8s_openapi::api::core::v1::Container;
use serde::Serialize;
use std::time::Duration;

/// The effective argv of a container: `command[1..]` (the binary is `command[0]`) then `args`.
pub fn container_argv(c: &Container) -> Vec<String> {
    let command = c.command.as_deref().unwrap_or_default();
    let args = c.args.as_deref().unwrap_or_default();
    command.iter().skip(1).chain(args).cloned().collect()
}

/// How pflag parses a flag's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// `--f`, `--f=true|false`; never consumes the next argument.
    Bool,
    /// Go `time.Duration` syntax (`15s`, `1m30s`).
    Duration,
    /// Decimal integer (also klog's `-v` level).
    Int,
    /// Any string; last occurrence wins.
    String,
    /// Comma-separated; the first occurrence replaces the default, later ones append (F38).
    StringSlice,
    /// One element per occurrence, no comma splitting (`--tls-sni-cert-key`).
    Repeated,
}

/// A flag metrics-server registers, with its binary default.
struct Spec {
    name: &'static str,
    kind: FlagKind,
    shorthand: Option<char>,
    default: Option<&'static str>,
    /// First version that has the flag; `None` when it has always been there (v0.3+).
    since: Option<Version>,
}

const fn spec(name: &'static str, kind: FlagKind) -> Spec {
    Spec {
        name,
        kind,
        shorthand: None,
        default: None,
        since: None,
    }
}

const fn with_default(mut s: Spec, default: &'static str) -> Spec {
    s.default = Some(default);
    s
}

const fn since(mut s: Spec, v: Version) -> Spec {
    s.since = Some(v);
    s
}

const fn short(mut s: Spec, c: char) -> Spec {
    s.shorthand = Some(c);
    s
}

const V0_4: Version = Version::new(0, 4, 0);
const V0_5: Version = Version::new(0, 5, 0);
const V0_6: Version = Version::new(0, 6, 0);
const V0_7: Version = Version::new(0, 7, 0);

/// The binary default of `--kubelet-preferred-address-types` (`pkg/utils/address_resolver.go`).
pub const DEFAULT_ADDRESS_TYPES: &str = "Hostname,InternalDNS,InternalIP,ExternalDNS,ExternalIP";

/// The node address types metrics-server can match (`corev1.NodeAddressType`, case-sensitive).
pub const ADDRESS_TYPES: [&str; 5] = [
    "Hostname",
    "InternalIP",
    "ExternalIP",
    "InternalDNS",
    "ExternalDNS",
];

use FlagKind::{Bool, Duration as Dur, Int, Repeated, String as Str, StringSlice};

/// metrics-server's flags (`docs/command-line-flags.txt`, v0.7). The audit flags are mostly left
/// out: unknown flags still parse (a value is taken when the next item is not a flag).
const SPECS: &[Spec] = &[
    // metrics server
    spec("kubeconfig", Str),
    with_default(spec("metric-resolution", Dur), "60s"),
    spec("version", Bool),
    // kubelet client
    spec("deprecated-kubelet-completely-insecure", Bool),
    spec("kubelet-certificate-authority", Str),
    spec("kubelet-certificate-authority-text", Str),
    since(spec("kubelet-client-certificate", Str), V0_4),
    since(spec("kubelet-client-key", Str), V0_4),
    spec("kubelet-insecure-tls", Bool),
    with_default(spec("kubelet-port", Int), "10250"),
    with_default(
        spec("kubelet-preferred-address-types", StringSlice),
        DEFAULT_ADDRESS_TYPES,
    ),
    since(
        with_default(spec("kubelet-request-timeout", Dur), "10s"),
        V0_7,
    ),
    since(spec("kubelet-use-node-status-port", Bool), V0_4),
    since(short(spec("node-selector", Str), 'l'), V0_7),
    // apiserver secure serving
    with_default(spec("bind-address", Str), "0.0.0.0"),
    with_default(spec("cert-dir", Str), "apiserver.local.config/certificates"),
    spec("http2-max-streams-per-connection", Int),
    spec("permit-address-sharing", Bool),
    spec("permit-port-sharing", Bool),
    with_default(spec("secure-port", Int), "443"),
    spec("tls-cert-file", Str),
    spec("tls-cipher-suites", StringSlice),
    spec("tls-min-version", Str),
    spec("tls-private-key-file", Str),
    spec("tls-sni-cert-key", Repeated),
    // apiserver authentication
    spec("authentication-kubeconfig", Str),
    spec("authentication-skip-lookup", Bool),
    with_default(spec("authentication-token-webhook-cache-ttl", Dur), "10s"),
    spec("authentication-tolerate-lookup-failure", Bool),
    spec("client-ca-file", Str),
    spec("requestheader-allowed-names", StringSlice),
    spec("requestheader-client-ca-file", Str),
    with_default(
        spec("requestheader-extra-headers-prefix", StringSlice),
        "x-remote-extra-",
    ),
    with_default(
        spec("requestheader-group-headers", StringSlice),
        "x-remote-group",
    ),
    with_default(
        spec("requestheader-username-headers", StringSlice),
        "x-remote-user",
    ),
    spec("requestheader-uid-headers", StringSlice),
    // apiserver authorization
    with_default(
        spec("authorization-always-allow-paths", StringSlice),
        "/healthz,/readyz,/livez",
    ),
    spec("authorization-kubeconfig", Str),
    with_default(
        spec("authorization-webhook-cache-authorized-ttl", Dur),
        "10s",
    ),
    with_default(
        spec("authorization-webhook-cache-unauthorized-ttl", Dur),
        "10s",
    ),
    // audit (the bool ones matter: they never consume the next item)
    spec("audit-log-compress", Bool),
    spec("audit-log-batch-throttle-enable", Bool),
    spec("audit-log-truncate-enabled", Bool),
    spec("audit-webhook-batch-throttle-enable", Bool),
    spec("audit-webhook-truncate-enabled", Bool),
    spec("audit-log-path", Str),
    spec("audit-policy-file", Str),
    // features
    spec("contention-profiling", Bool),
    with_default(spec("profiling", Bool), "true"),
    spec("debug-socket-path", Str),
    // logging (klog's legacy flags are in KLOG_REMOVED)
    with_default(spec("log-flush-frequency", Dur), "5s"),
    with_default(spec("logging-format", Str), "text"),
    spec("log-json-split-stream", Bool),
    short(spec("v", Int), 'v'),
    spec("vmodule", Str),
    short(spec("help", Bool), 'h'),
];

/// klog flags: dropped by accident in v0.6.0 (#933), back in v0.6.1–v0.6.4, removed for good in
/// v0.7.0. klog registers them with underscores; the `-` spelling is matched too.
const KLOG_REMOVED: &[(&str, FlagKind)] = &[
    ("logtostderr", Bool),
    ("alsologtostderr", Bool),
    ("log_dir", Str),
    ("log_file", Str),
    ("log_file_max_size", Int),
    ("skip_headers", Bool),
    ("skip_log_headers", Bool),
    ("add_dir_header", Bool),
    ("one_output", Bool),
    ("stderrthreshold", Str),
    ("log_backtrace_at", Str),
];

fn find_spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

fn find_shorthand(c: char) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.shorthand == Some(c))
}

fn klog_kind(name: &str) -> Option<FlagKind> {
    let underscored = name.replace('-', "_");
    KLOG_REMOVED
        .iter()
        .find(|(n, _)| *n == underscored)
        .map(|(_, k)| *k)
}

/// The kind of a flag as metrics-server (or klog) registers it; `None` for flags mstui does not know.
pub fn flag_kind(name: &str) -> Option<FlagKind> {
    let name = bare(name);
    find_spec(name).map(|s| s.kind).or_else(|| klog_kind(name))
}

/// `--flag`, `-flag` or `flag` → `flag`, so callers may spell names either way.
fn bare(name: &str) -> &str {
    name.trim_start_matches('-')
}

// ---------------------------------------------------------------------------------------------
// Scanning argv the way pflag does

/// One flag as pflag reads it from an argv list, with where it sits in that list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgFlag {
    /// Long name with shorthands resolved (`-l` → `node-selector`); unknown shorthands keep
    /// their dash (`-x`).
    pub name: String,
    /// `None` for a bool flag written without a value (it means `true`).
    pub value: Option<String>,
    /// Index of the first argv item of this flag.
    pub start: usize,
    /// Number of argv items: 2 for `--flag value`, else 1.
    pub len: usize,
}

/// A flag pflag refuses at startup (metrics-server panics with the message).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ScanError {
    flag: String,
    message: String,
}

/// argv split into flags, positional arguments and syntax errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub flags: Vec<ArgFlag>,
    /// Non-flag items (index, text): cobra accepts and ignores them.
    pub positional: Vec<(usize, String)>,
    errors: Vec<ScanError>,
}

/// Split argv like `pflag.FlagSet.Parse` with interspersed arguments.
pub fn scan(argv: &[String]) -> Scan {
    let mut out = Scan::default();
    let mut i = 0;
    while i < argv.len() {
        let item = &argv[i];
        if item == "--" {
            // Everything after the terminator is positional.
            out.positional.extend(
                argv.iter()
                    .enumerate()
                    .skip(i + 1)
                    .map(|(j, s)| (j, s.clone())),
            );
            break;
        }
        i += if let Some(long) = item.strip_prefix("--") {
            scan_long(argv, i, long, &mut out)
        } else if item.len() > 1 && item.starts_with('-') {
            scan_short(argv, i, &item[1..], &mut out)
        } else {
            out.positional.push((i, item.clone()));
            1
        };
    }
    out
}

/// `--name`, `--name=value` or `--name value`. Returns how many items were consumed.
fn scan_long(argv: &[String], i: usize, long: &str, out: &mut Scan) -> usize {
    if long.is_empty() || long.starts_with('-') || long.starts_with('=') {
        out.errors.push(ScanError {
            flag: argv[i].clone(),
            message: format!("bad flag syntax: {}", argv[i]),
        });
        return 1;
    }
    if let Some((name, value)) = long.split_once('=') {
        out.flags.push(flag(name, Some(value), i, 1));
        return 1;
    }
    let next = argv.get(i + 1);
    match flag_kind(long) {
        Some(Bool) => {
            out.flags.push(flag(long, None, i, 1));
            1
        }
        Some(_) => match next {
            Some(v) => {
                out.flags.push(flag(long, Some(v), i, 2));
                2
            }
            None => {
                out.errors.push(ScanError {
                    flag: format!("--{long}"),
                    message: format!("flag needs an argument: --{long}"),
                });
                1
            }
        },
        // Unknown flag: guess that it takes the next item as its value unless that item is
        // itself a flag. metrics-server would refuse it anyway; the guess only affects display.
        None => match next.filter(|v| !v.starts_with('-')) {
            Some(v) => {
                out.flags.push(flag(long, Some(v), i, 2));
                2
            }
            None => {
                out.flags.push(flag(long, None, i, 1));
                1
            }
        },
    }
}

/// `-l sel`, `-l=sel`, `-lsel`, `-v2`, `-h`. Returns how many items were consumed.
fn scan_short(argv: &[String], i: usize, shorts: &str, out: &mut Scan) -> usize {
    let mut rest = shorts;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        let Some(spec) = find_shorthand(c) else {
            // Unknown shorthand: keep it whole, pflag would stop here with an error.
            let value = (!rest.is_empty()).then_some(rest);
            out.flags.push(flag(&format!("-{c}"), value, i, 1));
            return 1;
        };
        let inline = rest.strip_prefix('=');
        if spec.kind == Bool {
            if let Some(v) = inline {
                out.flags.push(flag(spec.name, Some(v), i, 1));
                return 1;
            }
            // Combined bool shorthands (`-hv2`): keep reading letters.
            out.flags.push(flag(spec.name, None, i, 1));
            continue;
        }
        let inline = inline.or((!rest.is_empty()).then_some(rest));
        return match (inline, argv.get(i + 1)) {
            (Some(v), _) => {
                out.flags.push(flag(spec.name, Some(v), i, 1));
                1
            }
            (None, Some(v)) => {
                out.flags.push(flag(spec.name, Some(v), i, 2));
                2
            }
            (None, None) => {
                out.errors.push(ScanError {
                    flag: format!("-{c}"),
                    message: format!("flag needs an argument: '{c}' in -{shorts}"),
                });
                1
            }
        };
    }
    1
}

fn flag(name: &str, value: Option<&str>, start: usize, len: usize) -> ArgFlag {
    ArgFlag {
        name: name.to_string(),
        value: value.map(str::to_string),
        start,
        len,
    }
}

// ---------------------------------------------------------------------------------------------
// Effective flags

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
}

// ---------------------------------------------------------------------------------------------
// Validation

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

// ---------------------------------------------------------------------------------------------
// Go value syntax

/// `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// pflag's string-slice value is read as one CSV record: split on commas, double quotes group,
/// spaces are kept (so `"InternalIP, Hostname"` yields `" Hostname"`). Empty input is an empty list.
pub fn split_csv(s: &str) -> Vec<String> {
    if s.is_empty() {
        return Vec::new();
    }
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("non-empty").push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            _ => fields.last_mut().expect("non-empty").push(c),
        }
    }
    fields
}

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// `time.ParseDuration`: `[-+]` then one or more `<number>[.<fraction>]<unit>`; `0` alone is
/// allowed. Returns nanoseconds, or Go's error text.
pub fn parse_go_duration(s: &str) -> Result<i128, String> {
    let invalid = || format!("time: invalid duration {s:?}");
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(num_end);
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_end);
        if unit.is_empty() {
            return Err(format!("time: missing unit in duration {s:?}"));
        }
        let scale = unit_nanos(unit)
            .ok_or_else(|| format!("time: unknown unit {unit:?} in duration {s:?}"))?;
        total += scaled(number, scale).ok_or_else(invalid)?;
        rest = tail;
    }
    Ok(if neg { -total } else { total })
}

fn unit_nanos(unit: &str) -> Option<i128> {
    Some(match unit {
        "ns" => 1,
        "us" | "µs" | "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => NANOS_PER_SEC,
        "m" => 60 * NANOS_PER_SEC,
        "h" => 3600 * NANOS_PER_SEC,
        _ => return None,
    })
}

/// `12.5` × scale, exactly (Go truncates sub-nanosecond fractions too).
fn scaled(number: &str, scale: i128) -> Option<i128> {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let int: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut value = int.checked_mul(scale)?;
    let mut unit = scale;
    for d in frac.chars() {
        unit /= 10;
        value += i128::from(d.to_digit(10)?) * unit;
    }
    Some(value)
}

/// `time.Duration.String()`: `1m0s`, `10s`, `1.5s`, `500ms`, `0s`.
pub fn format_go_duration(nanos: i128) -> String {
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    if n == 0 {
        return "0s".into();
    }
    if n < 1_000_000_000 {
        let (div, unit) = match n {
            0..1_000 => (1, "ns"),
            1_000..1_000_000 => (1_000, "µs"),
            _ => (1_000_000, "ms"),
        };
        return format!("{sign}{}{unit}", decimal(n, div));
    }
    let (h, rem) = (n / 3_600_000_000_000, n % 3_600_000_000_000);
    let (m, s) = (rem / 60_000_000_000, rem % 60_000_000_000);
    let secs = format!("{}s", decimal(s, 1_000_000_000));
    match (h, m) {
        (0, 0) => format!("{sign}{secs}"),
        (0, m) => format!("{sign}{m}m{secs}"),
        (h, m) => format!("{sign}{h}h{m}m{secs}"),
    }
}

/// `n / div` with the fraction's trailing zeros trimmed (`1500, 1000` → `1.5`).
fn decimal(n: u128, div: u128) -> String {
    let (int, frac) = (n / div, n % div);
    if frac == 0 {
        return int.to_string();
    }
    let width = div.to_string().len() - 1;
    let frac = format!("{frac:0width$}");
    format!("{int}.{}", frac.trim_end_matches('0'))
}

/// The address metrics-server dials for a node (`pkg/utils/address_resolver.go`): the first
/// preferred type the node has, and its first address of that type, as `(type, address)`.
pub fn choose_address(
    node: &k8s_openapi::api::core::v1::Node,
    types: &[String],
) -> Option<(String, String)> {
    let addresses = node.status.as_ref()?.addresses.as_ref()?;
    types.iter().find_map(|t| {
        addresses
            .iter()
            .find(|a| &a.type_ == t)
            .map(|a| (t.clone(), a.address.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn parse(items: &[&str]) -> Flags {
        Flags::parse(&argv(items), Some(Version::new(0, 7, 2)))
    }

    fn parse_v(items: &[&str], v: Version) -> Flags {
        Flags::parse(&argv(items), Some(v))
    }

    fn container(json: serde_json::Value) -> Container {
        serde_json::from_value(json).expect("container fixture")
    }

    /// Messages of the problems with the given rule.
    fn problems(f: &Flags, rule: u8) -> Vec<String> {
        f.validate()
            .into_iter()
            .filter(|p| p.rule.number() == rule)
            .map(|p| p.message)
            .collect()
    }

    fn errors(f: &Flags) -> Vec<FlagProblem> {
        f.validate()
            .into_iter()
            .filter(FlagProblem::is_error)
            .collect()
    }

    // --- container_argv -----------------------------------------------------------------

    #[test]
    fn argv_is_args_for_the_upstream_layout() {
        let c = container(serde_json::json!({
            "name": "metrics-server",
            "image": "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
            "args": ["--cert-dir=/tmp", "--secure-port=10250", "--metric-resolution=15s"]
        }));
        assert_eq!(
            container_argv(&c),
            argv(&[
                "--cert-dir=/tmp",
                "--secure-port=10250",
                "--metric-resolution=15s"
            ])
        );
    }

    #[test]
    fn argv_skips_the_binary_in_the_kube_up_command_layout() {
        let c = container(serde_json::json!({
            "name": "metrics-server",
            "image": "registry.k8s.io/metrics-server/metrics-server:v0.7.2",
            "command": [
                "/metrics-server",
                "--metric-resolution=30s",
                "--kubelet-port=10250",
                "--kubelet-insecure-tls",
                "--kubelet-preferred-address-types=InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP"
            ],
            "args": ["--v=2"]
        }));
        let got = container_argv(&c);
        assert_eq!(got.len(), 5);
        assert_eq!(got[0], "--metric-resolution=30s");
        assert_eq!(got[4], "--v=2");
        let f = Flags::parse(&got, None);
        assert!(f.bool("kubelet-insecure-tls"));
        assert_eq!(f.preferred_address_types()[0], "InternalIP");
        assert_eq!(
            f.duration("metric-resolution"),
            Some(Duration::from_secs(30))
        );
    }

    #[test]
    fn argv_of_a_container_without_command_or_args_is_empty() {
        let c = container(serde_json::json!({"name": "metrics-server"}));
        assert!(container_argv(&c).is_empty());
    }

    // --- pflag parsing --------------------------------------------------------------------

    #[test]
    fn equals_and_separate_value_spellings() {
        let f = parse(&["--metric-resolution", "30s", "--kubelet-port=10255"]);
        assert_eq!(f.value("metric-resolution").as_deref(), Some("30s"));
        assert_eq!(f.value("kubelet-port").as_deref(), Some("10255"));
        assert_eq!(f.all()[0].len, 2);
        assert!(f.positional().is_empty());
    }

    #[test]
    fn bool_flag_never_consumes_the_next_item() {
        let f = parse(&["--kubelet-insecure-tls", "false"]);
        assert!(
            f.bool("kubelet-insecure-tls"),
            "`false` is a positional argument"
        );
        assert_eq!(f.positional(), &[(1, "false".to_string())]);
        let warnings = problems(&f, 38);
        assert!(warnings[0].contains("is not a flag"), "{warnings:?}");
    }

    #[test]
    fn bool_flag_values() {
        assert!(parse(&["--kubelet-insecure-tls"]).bool("kubelet-insecure-tls"));
        assert!(parse(&["--kubelet-insecure-tls=true"]).bool("kubelet-insecure-tls"));
        assert!(parse(&["--kubelet-insecure-tls=T"]).bool("kubelet-insecure-tls"));
        assert!(!parse(&["--kubelet-insecure-tls=false"]).bool("kubelet-insecure-tls"));
        assert!(!parse(&[]).bool("kubelet-insecure-tls"));
        // Last one wins.
        assert!(
            parse(&["--kubelet-insecure-tls=false", "--kubelet-insecure-tls"])
                .bool("kubelet-insecure-tls")
        );
        // Defaults: profiling is on unless turned off.
        assert!(parse(&[]).bool("profiling"));
        assert!(!parse(&["--profiling=false"]).bool("profiling"));
        assert!(!parse(&[]).bool("not-a-flag"));
    }

    #[test]
    fn bool_written_false_is_a_f38_warning() {
        let f = parse(&["--kubelet-insecure-tls=false"]);
        assert!(f.is_set("kubelet-insecure-tls"));
        assert_eq!(f.value("kubelet-insecure-tls").as_deref(), Some("false"));
        let p = &f.validate()[0];
        assert_eq!(
            (p.rule, p.severity),
            (RuleId::MisleadingFlag, Severity::Warning)
        );
        assert_eq!(
            p.message,
            "--kubelet-insecure-tls is present but set to false, so it is off"
        );
        // Overridden later by a bare flag: it is on, no warning.
        assert!(
            parse(&["--kubelet-insecure-tls=false", "--kubelet-insecure-tls"])
                .validate()
                .is_empty()
        );
    }

    #[test]
    fn invalid_bool_value_is_a_startup_error() {
        let f = parse(&["--kubelet-insecure-tls=yes"]);
        assert!(!f.bool("kubelet-insecure-tls"));
        let e = errors(&f);
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].message,
            "invalid argument \"yes\" for \"--kubelet-insecure-tls\" flag: strconv.ParseBool: parsing \"yes\": invalid syntax"
        );
        assert_eq!(e[0].rule, RuleId::StartupExit);
    }

    #[test]
    fn shorthands() {
        let f = parse(&["-l", "pool=a", "-v=4"]);
        assert_eq!(f.value("node-selector").as_deref(), Some("pool=a"));
        assert_eq!(f.value("v").as_deref(), Some("4"));
        let f = parse(&["-lpool=b", "-v2", "--v", "3"]);
        assert_eq!(f.value("node-selector").as_deref(), Some("pool=b"));
        assert_eq!(
            f.value("--v").as_deref(),
            Some("3"),
            "last wins; dashes in the name are fine"
        );
        assert_eq!(f.occurrences("v"), 2);
        let f = parse(&["-l=pool=c"]);
        assert_eq!(f.value("node-selector").as_deref(), Some("pool=c"));
        // Unknown shorthand is kept, not rejected.
        let f = parse(&["-x", "--v=1"]);
        assert_eq!(f.all()[0].name, "-x");
        assert!(errors(&f).is_empty());
    }

    #[test]
    fn missing_argument_is_a_startup_error() {
        let f = parse(&["--cert-dir=/tmp", "--metric-resolution"]);
        let e = errors(&f);
        assert_eq!(e[0].message, "flag needs an argument: --metric-resolution");
        let f = parse(&["-l"]);
        assert_eq!(errors(&f)[0].message, "flag needs an argument: 'l' in -l");
    }

    #[test]
    fn flag_and_value_in_one_item_is_an_unknown_flag() {
        let f = parse(&["--metric-resolution 15s"]);
        let e = errors(&f);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].flag, "--metric-resolution");
        assert!(
            e[0].message
                .starts_with("unknown flag: --metric-resolution 15s"),
            "{}",
            e[0].message
        );
        assert!(e[0].message.contains("--metric-resolution=15s"));
    }

    #[test]
    fn bad_syntax_and_terminator() {
        assert_eq!(
            errors(&parse(&["---x"]))[0].message,
            "bad flag syntax: ---x"
        );
        let f = parse(&["--", "--kubelet-insecure-tls"]);
        assert!(
            !f.bool("kubelet-insecure-tls"),
            "after -- everything is positional"
        );
        assert_eq!(f.positional().len(), 1);
    }

    #[test]
    fn scalars_last_wins_with_a_warning_when_values_differ() {
        let f = parse(&["--metric-resolution=15s", "--metric-resolution=30s"]);
        assert_eq!(
            f.duration("metric-resolution"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(f.occurrences("metric-resolution"), 2);
        assert_eq!(
            problems(&f, 38),
            ["--metric-resolution is given 2 times with different values; the last one (30s) wins"]
        );
        // Same value twice: harmless.
        assert!(
            parse(&["--secure-port=10250", "--secure-port=10250"])
                .validate()
                .is_empty()
        );
    }

    #[test]
    fn unknown_flags_are_kept_and_not_rejected() {
        let f = parse(&[
            "--some-future-flag",
            "x",
            "--other=1",
            "--kubelet-insecure-tls",
        ]);
        assert_eq!(f.value("some-future-flag").as_deref(), Some("x"));
        assert_eq!(f.value("other").as_deref(), Some("1"));
        assert!(f.bool("kubelet-insecure-tls"));
        assert!(f.validate().is_empty());
        // An unknown flag followed by a flag takes no value.
        let f = parse(&["--some-future-flag", "--kubelet-insecure-tls"]);
        assert_eq!(f.value("some-future-flag").as_deref(), Some("true"));
        assert!(f.bool("kubelet-insecure-tls"));
    }

    // --- defaults -----------------------------------------------------------------------------

    #[test]
    fn binary_defaults() {
        let f = parse(&[]);
        assert_eq!(
            f.duration("metric-resolution"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            f.preferred_address_types(),
            [
                "Hostname",
                "InternalDNS",
                "InternalIP",
                "ExternalDNS",
                "ExternalIP"
            ]
        );
        assert_eq!(f.value("kubelet-port").as_deref(), Some("10250"));
        assert_eq!(
            f.duration("kubelet-request-timeout"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(f.value("secure-port").as_deref(), Some("443"));
        assert_eq!(
            f.list("authorization-always-allow-paths"),
            ["/healthz", "/readyz", "/livez"]
        );
        assert_eq!(f.list("tls-cipher-suites"), Vec::<String>::new());
        assert_eq!(f.value("kubelet-certificate-authority"), None);
        assert!(!f.is_set("metric-resolution"));
    }

    #[test]
    fn request_timeout_has_no_default_before_v0_7() {
        let f = parse_v(&[], Version::new(0, 6, 4));
        assert_eq!(f.duration("kubelet-request-timeout"), None);
        let f = Flags::parse(&[], None);
        assert_eq!(
            f.duration("kubelet-request-timeout"),
            Some(Duration::from_secs(10))
        );
    }

    // --- string slices (F38) ------------------------------------------------------------------

    #[test]
    fn helm_default_args_plus_user_args_append() {
        // Chart 3.x order: --secure-port, defaultArgs, then the user's args.
        let f = parse(&[
            "--secure-port=10250",
            "--cert-dir=/tmp",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--kubelet-use-node-status-port",
            "--metric-resolution=15s",
            "--kubelet-preferred-address-types=Hostname",
        ]);
        assert_eq!(
            f.preferred_address_types(),
            ["InternalIP", "ExternalIP", "Hostname", "Hostname"],
            "the user's Hostname preference does nothing"
        );
        assert_eq!(f.occurrences("kubelet-preferred-address-types"), 2);
        let p = f.validate();
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].rule, RuleId::MisleadingFlag);
        assert_eq!(p[0].severity, Severity::Warning);
        assert_eq!(
            p[0].message,
            "--kubelet-preferred-address-types is given 2 times; after the first, each occurrence \
             appends, so the effective list is InternalIP,ExternalIP,Hostname,Hostname"
        );
    }

    #[test]
    fn single_slice_occurrence_replaces_the_default() {
        let f = parse(&["--kubelet-preferred-address-types=InternalIP"]);
        assert_eq!(f.preferred_address_types(), ["InternalIP"]);
        assert_eq!(
            f.value("kubelet-preferred-address-types").as_deref(),
            Some("InternalIP")
        );
        assert!(f.validate().is_empty());
        let f = parse(&[
            "--authorization-always-allow-paths=/metrics",
            "--authorization-always-allow-paths",
            "/livez,/readyz",
        ]);
        assert_eq!(
            f.list("authorization-always-allow-paths"),
            ["/metrics", "/livez", "/readyz"]
        );
    }

    #[test]
    fn slice_values_are_csv() {
        assert_eq!(split_csv("a,b"), ["a", "b"]);
        assert_eq!(split_csv("\"a,b\",c"), ["a,b", "c"]);
        assert_eq!(split_csv("a, b"), ["a", " b"]);
        assert!(split_csv("").is_empty());
        // An empty value empties the list.
        let f = parse(&["--kubelet-preferred-address-types="]);
        assert!(f.preferred_address_types().is_empty());
    }

    #[test]
    fn repeated_flags_do_not_split_on_commas() {
        let f = parse(&[
            "--tls-sni-cert-key=a.crt,a.key:*.a",
            "--tls-sni-cert-key=b.crt,b.key",
        ]);
        assert_eq!(
            f.list("tls-sni-cert-key"),
            ["a.crt,a.key:*.a", "b.crt,b.key"]
        );
        assert!(f.validate().is_empty());
    }

    // --- validation ---------------------------------------------------------------------------

    #[test]
    fn address_type_names_are_checked() {
        let f = parse(&["--kubelet-preferred-address-types=InternalIP, Hostname"]);
        let p = f.validate();
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].rule, p[0].severity),
            (RuleId::NoMatchingAddressType, Severity::Warning)
        );
        assert!(p[0].message.contains("\" Hostname\""), "{}", p[0].message);

        let f = parse(&["--kubelet-preferred-address-types=internalip"]);
        let p = f.validate();
        assert_eq!(
            (p[0].rule, p[0].severity),
            (RuleId::NoMatchingAddressType, Severity::Error)
        );
        assert!(p[0].message.ends_with("every scrape will fail"));

        assert!(parse(&["--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname,InternalDNS,ExternalDNS"]).validate().is_empty());
    }

    #[test]
    fn metric_resolution_minimum() {
        let e = errors(&parse(&["--metric-resolution=5s"]));
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].message,
            "metric-resolution should be a time duration at least 10s, but value 5s provided"
        );
        // v0.5.x spelled it with a capital M.
        let e = errors(&parse_v(&["--metric-resolution=5s"], Version::new(0, 5, 2)));
        assert!(e[0].message.starts_with("Metric-resolution should be"));
        // v0.4 had no minimum.
        assert!(errors(&parse_v(&["--metric-resolution=5s"], Version::new(0, 4, 1))).is_empty());
        assert!(errors(&parse(&["--metric-resolution=15s"])).is_empty());
    }

    #[test]
    fn metric_resolution_against_request_timeout_from_v0_7() {
        let e = errors(&parse(&["--metric-resolution=10s"]));
        assert_eq!(e.len(), 1, "10s × 0.9 < 10s default timeout");
        assert!(e[0].message.starts_with(
            "metric-resolution should be larger than kubelet-request-timeout, but metric-resolution value 10s kubelet-request-timeout value 10s provided"
        ));
        assert!(
            errors(&parse(&["--metric-resolution=12s"])).is_empty(),
            "10.8s ≥ 10s"
        );
        assert!(
            errors(&parse(&[
                "--metric-resolution=10s",
                "--kubelet-request-timeout=9s"
            ]))
            .is_empty()
        );
        assert_eq!(
            errors(&parse(&[
                "--metric-resolution=15s",
                "--kubelet-request-timeout=20s"
            ]))
            .len(),
            1
        );
        // v0.6 has neither the flag nor the rule.
        assert!(
            errors(&parse_v(
                &["--metric-resolution=10s"],
                Version::new(0, 6, 4)
            ))
            .is_empty()
        );
    }

    #[test]
    fn request_timeout_must_be_positive() {
        let e = errors(&parse(&["--kubelet-request-timeout=0s"]));
        assert_eq!(e[0].message, "kubelet-request-timeout should be positive");
        assert!(errors(&parse(&["--kubelet-request-timeout=5s"])).is_empty());
    }

    #[test]
    fn unparsable_duration_and_int() {
        let e = errors(&parse(&["--metric-resolution=15"]));
        assert_eq!(
            e[0].message,
            "invalid argument \"15\" for \"--metric-resolution\" flag: time: missing unit in duration \"15\""
        );
        assert_eq!(
            parse(&["--metric-resolution=15"]).duration("metric-resolution"),
            None
        );
        let e = errors(&parse(&["--kubelet-port=ten"]));
        assert!(e[0].message.contains("strconv.ParseInt: parsing \"ten\""));
        // Every occurrence is parsed, not only the last.
        assert_eq!(
            errors(&parse(&["--secure-port=x", "--secure-port=4443"])).len(),
            1
        );
    }

    #[test]
    fn insecure_tls_and_ca_cannot_be_combined() {
        let f = parse(&[
            "--kubelet-insecure-tls",
            "--kubelet-certificate-authority=/ca/ca.crt",
        ]);
        let e = errors(&f);
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].message,
            "cannot use both --kubelet-certificate-authority and --kubelet-insecure-tls"
        );
        let e = errors(&parse_v(
            &[
                "--kubelet-insecure-tls",
                "--kubelet-certificate-authority=/ca",
            ],
            Version::new(0, 4, 0),
        ));
        assert!(e[0].message.starts_with("Cannot use both"));
        // insecure-tls=false with a CA is fine.
        let f = parse(&[
            "--kubelet-insecure-tls=false",
            "--kubelet-certificate-authority=/ca",
        ]);
        assert!(errors(&f).is_empty());
        assert!(errors(&parse(&["--kubelet-certificate-authority=/ca"])).is_empty());
    }

    #[test]
    fn client_cert_and_key_go_together() {
        let msg = "need both --kubelet-client-key and --kubelet-client-certificate";
        let e = errors(&parse(&["--kubelet-client-certificate=/c.crt"]));
        assert_eq!(
            (e[0].flag.as_str(), e[0].message.as_str()),
            ("--kubelet-client-key", msg)
        );
        let e = errors(&parse(&["--kubelet-client-key=/c.key"]));
        assert_eq!(
            (e[0].flag.as_str(), e[0].message.as_str()),
            ("--kubelet-client-certificate", msg)
        );
        assert!(
            errors(&parse(&[
                "--kubelet-client-key=/c.key",
                "--kubelet-client-certificate=/c.crt"
            ]))
            .is_empty()
        );
    }

    #[test]
    fn completely_insecure_conflicts() {
        let e = errors(&parse(&[
            "--deprecated-kubelet-completely-insecure",
            "--kubelet-insecure-tls",
        ]));
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].message,
            "cannot use both --kubelet-insecure-tls and --deprecated-kubelet-completely-insecure"
        );
        assert!(
            errors(&parse(&[
                "--deprecated-kubelet-completely-insecure",
                "--kubelet-port=10255"
            ]))
            .is_empty()
        );
    }

    #[test]
    fn klog_flags_are_unknown_from_v0_7_and_in_v0_6_0() {
        let items = ["--logtostderr", "--v=2", "--log-dir=/var/log"];
        let e = errors(&parse(&items));
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].message,
            "unknown flag: --logtostderr (klog flags were removed in v0.7.0; delete it)"
        );
        assert_eq!(e[1].flag, "--log-dir");
        assert_eq!(errors(&parse_v(&items, Version::new(0, 6, 0))).len(), 2);
        assert!(errors(&parse_v(&items, Version::new(0, 6, 1))).is_empty());
        assert!(errors(&parse_v(&items, Version::new(0, 5, 2))).is_empty());
        // `--logtostderr false` : the bool never takes `false`.
        assert!(
            parse_v(&["--logtostderr", "false"], Version::new(0, 6, 4))
                .positional()
                .len()
                == 1
        );
    }

    #[test]
    fn flags_newer_than_the_version_are_unknown() {
        let e = errors(&parse_v(
            &["--kubelet-request-timeout=5s", "-l", "a=b"],
            Version::new(0, 6, 4),
        ));
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].message,
            "unknown flag: --kubelet-request-timeout (not available in v0.6.4)"
        );
        assert_eq!(e[1].flag, "--node-selector");
        assert!(
            errors(&Flags::parse(
                &argv(&["--kubelet-request-timeout=5s"]),
                None
            ))
            .is_empty()
        );
        let e = errors(&parse_v(
            &["--kubelet-use-node-status-port"],
            Version::new(0, 3, 7),
        ));
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn upstream_manifest_args_are_clean() {
        let f = parse(&[
            "--cert-dir=/tmp",
            "--secure-port=10250",
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
            "--kubelet-use-node-status-port",
            "--metric-resolution=15s",
        ]);
        assert!(f.validate().is_empty());
        assert!(f.bool("kubelet-use-node-status-port"));
        assert_eq!(
            f.duration("metric-resolution"),
            Some(Duration::from_secs(15))
        );
    }

    // --- Go durations -------------------------------------------------------------------------

    #[test]
    fn go_durations() {
        assert_eq!(parse_go_duration("15s"), Ok(15 * NANOS_PER_SEC));
        assert_eq!(parse_go_duration("1m30s"), Ok(90 * NANOS_PER_SEC));
        assert_eq!(parse_go_duration("500ms"), Ok(500_000_000));
        assert_eq!(parse_go_duration("1.5h"), Ok(5400 * NANOS_PER_SEC));
        assert_eq!(parse_go_duration(".5s"), Ok(500_000_000));
        assert_eq!(parse_go_duration("0"), Ok(0));
        assert_eq!(parse_go_duration("-2s"), Ok(-2 * NANOS_PER_SEC));
        assert_eq!(parse_go_duration("2µs"), Ok(2_000));
        assert!(parse_go_duration("").is_err());
        assert!(parse_go_duration("s").is_err());
        assert!(
            parse_go_duration("1d")
                .unwrap_err()
                .contains("unknown unit \"d\"")
        );
        assert!(parse_go_duration("1.2.3s").is_err());
    }

    #[test]
    fn go_duration_formatting() {
        let s = NANOS_PER_SEC;
        assert_eq!(format_go_duration(60 * s), "1m0s");
        assert_eq!(format_go_duration(10 * s), "10s");
        assert_eq!(format_go_duration(s + s / 2), "1.5s");
        assert_eq!(format_go_duration(500_000_000), "500ms");
        assert_eq!(format_go_duration(3600 * s + 90 * s), "1h1m30s");
        assert_eq!(format_go_duration(0), "0s");
        assert_eq!(format_go_duration(-5 * s), "-5s");
        assert_eq!(format_go_duration(1_500), "1.5µs");
    }

    #[test]
    fn negative_duration_is_none() {
        assert_eq!(
            parse(&["--kubelet-request-timeout=-1s"]).duration("kubelet-request-timeout"),
            None
        );
    }
}
