use super::go::NANOS_PER_SEC;
use super::*;
use crate::vocab::{RuleId, Severity};
use k8s_openapi::api::core::v1::Container;

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
