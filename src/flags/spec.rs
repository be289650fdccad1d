//! The flags metrics-server and klog register, as data: kind, shorthand, binary default, and the
//! version that added each.

use crate::vocab::Version;
use k8s_openapi::api::core::v1::Container;
use serde::Serialize;

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
pub(super) struct Spec {
    pub(super) name: &'static str,
    pub(super) kind: FlagKind,
    pub(super) shorthand: Option<char>,
    pub(super) default: Option<&'static str>,
    /// First version that has the flag; `None` when it has always been there (v0.3+).
    pub(super) since: Option<Version>,
}

pub(super) const fn spec(name: &'static str, kind: FlagKind) -> Spec {
    Spec {
        name,
        kind,
        shorthand: None,
        default: None,
        since: None,
    }
}

pub(super) const fn with_default(mut s: Spec, default: &'static str) -> Spec {
    s.default = Some(default);
    s
}

pub(super) const fn since(mut s: Spec, v: Version) -> Spec {
    s.since = Some(v);
    s
}

pub(super) const fn short(mut s: Spec, c: char) -> Spec {
    s.shorthand = Some(c);
    s
}

pub(super) const V0_4: Version = Version::new(0, 4, 0);
pub(super) const V0_5: Version = Version::new(0, 5, 0);
pub(super) const V0_6: Version = Version::new(0, 6, 0);
pub(super) const V0_7: Version = Version::new(0, 7, 0);

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
pub(super) const SPECS: &[Spec] = &[
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
pub(super) const KLOG_REMOVED: &[(&str, FlagKind)] = &[
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

pub(super) fn find_spec(name: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.name == name)
}

pub(super) fn find_shorthand(c: char) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.shorthand == Some(c))
}

pub(super) fn klog_kind(name: &str) -> Option<FlagKind> {
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
pub(super) fn bare(name: &str) -> &str {
    name.trim_start_matches('-')
}
