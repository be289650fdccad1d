//! Property-based fuzzing (proptest) of the parsers that read untrusted input: log lines (klog
//! text, JSON, CRI/`kubectl --prefix` envelopes) and their classifier, the sanitiser, the
//! args/pflag parser and validator, and `analyze-logs` on arbitrary bytes.
//!
//! Properties: no panic; spans inside the line and on char boundaries; sanitised text carries no
//! ESC, BEL, NUL, C0/C1 controls or bidi overrides (U+202A–U+202E, U+2066–U+2069) and respects
//! its length cap; `analyze-logs` output is free of the same (text without colour, JSON, NDJSON;
//! with colour, nothing but SGR sequences).
//!
//! Cases: `MSTUI_PROPTEST_CASES` (default 512 per property). Figures: docs/RELIABILITY.md.

use mstui::analyze::{self, Tuning};
use mstui::cli::LogFormat;
use mstui::flags::Flags;
use mstui::logs::{classify, sanitize, scrape_failures, segments};
use mstui::report::Paint;
use mstui::vocab::{Lang, Version};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("MSTUI_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(512)
}

/// Characters that break naive terminals and parsers, mixed with plain text.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        3 => prop::char::range(' ', '~'),
        3 => prop::sample::select(vec![
            '\x1b', '\x07', '\0', '\u{202e}', '\u{202d}', '\u{2066}', '\u{2069}', '\u{9b}',
            '\u{9c}', '\u{9d}', '\r', '\n', '\t', '\x08', '\x7f', '"', '\\', '{', '}', '[', ']',
            ':', '=', ' ', '\u{feff}', '\u{200b}', '한', '\u{fffd}', '\u{0301}',
        ]),
    ]
}

fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// Real line shapes with hostile pieces spliced in: klog headers, JSON objects, CRI and
/// `kubectl logs --prefix --timestamps` envelopes, scrape failures with odd node names.
fn log_line() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec![
        "",
        "E1201 03:49:59.301431   11306 scraper.go:149] ",
        "I0101 00:00:00.000000       1 server.go:191] ",
        "W1201 03:49:59.301431 1 ",
        "2026-12-01T03:49:59.299791448Z stderr F ",
        "2026-12-01T03:49:59.299791448Z stdout P ",
        "[pod/metrics-server-abc/metrics-server] ",
        "2026-12-01T03:49:59.299791448Z ",
        "{\"ts\":1764560999.3,\"caller\":\"scraper.go:149\",\"msg\":\"",
        "{\"level\":\"error\",\"msg\":",
    ]);
    let body = prop::sample::select(vec![
        "\"Failed to scrape node\" err=\"Get \\\"https://",
        "Failed to scrape node, timeout to access kubelet\" node=\"",
        "x509: certificate signed by unknown authority",
        "x509: cannot validate certificate for 10.0.0.1 because it doesn't contain any IP SANs",
        "unable to fully scrape metrics: unable to fully scrape metrics from node ",
        "dial tcp 10.0.0.1:10250: connect: connection refused",
        "\"node\"=\"",
        "err=\"",
        "\"}",
        "",
    ]);
    (prefix, hostile_text(40), body, hostile_text(60))
        .prop_map(|(p, a, b, c)| format!("{p}{a}{b}{c}"))
}

fn any_line() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => log_line(),
        1 => hostile_text(300),
        1 => prop::collection::vec(any::<u8>(), 0..300)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// Nothing that can steer a terminal or reorder text on screen.
fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn assert_clean(what: &str, s: &str) -> Result<(), TestCaseError> {
    if let Some(c) = s.chars().find(|&c| dangerous(c)) {
        return Err(TestCaseError::fail(format!(
            "{what} lets {:?} through: {s:?}",
            c
        )));
    }
    Ok(())
}

/// Remove SGR sequences (`ESC [ digits/; m`), the only escapes colour output may hold.
fn strip_sgr(s: &str) -> String {
    let re = regex::Regex::new(r"\x1b\[[0-9;]*m").unwrap();
    re.replace_all(s, "").into_owned()
}

fn flag_arg() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "kubelet-insecure-tls",
        "kubelet-preferred-address-types",
        "metric-resolution",
        "kubelet-port",
        "secure-port",
        "cert-dir",
        "v",
        "logtostderr",
        "deprecated-kubelet-completely-insecure",
        "kubelet-use-node-status-port",
        "tls-cipher-suites",
        "unknown-flag",
        "",
    ]);
    let value = prop_oneof![
        Just(String::new()),
        prop::sample::select(vec![
            "true",
            "false",
            "1",
            "0",
            "15s",
            "1m30s",
            "-5s",
            "1h",
            "999999999999h",
            "0.5s",
            "InternalIP,ExternalIP,Hostname",
            ",,",
            "10250",
            "65536",
            "-1",
            "abc",
            "=",
        ])
        .prop_map(String::from),
        hostile_text(20),
    ];
    let dashes = prop::sample::select(vec!["--", "-", "---", ""]);
    (
        dashes,
        name,
        prop::sample::select(vec!["=", " ", ""]),
        value,
    )
        .prop_map(|(d, n, sep, v)| {
            if sep == " " {
                format!("{d}{n}")
            } else {
                format!("{d}{n}{sep}{v}")
            }
        })
}

fn argv() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(prop_oneof![4 => flag_arg(), 1 => hostile_text(30)], 0..24)
}

fn version() -> impl Strategy<Value = Option<Version>> {
    prop::option::of(
        (0u32..2, 0u32..12, 0u32..5).prop_map(|(major, minor, patch)| Version {
            major,
            minor,
            patch,
        }),
    )
}

/// `mstui analyze-logs` on these bytes, as the binary runs it (block reader, prefilter, worker
/// threads), into memory. The output must be UTF-8.
fn analyze_bytes(
    bytes: &[u8],
    format: LogFormat,
    paint: Paint,
    lang: Lang,
    tuning: Tuning,
) -> String {
    let mut out = Vec::new();
    analyze::run_tuned(bytes, &mut out, format, paint, lang, tuning).expect("in-memory run");
    String::from_utf8(out).expect("analyze-logs writes UTF-8")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn classify_never_panics_and_spans_stay_in_the_line(line in any_line()) {
        let c = classify(&line);
        for s in &c.spans {
            prop_assert!(s.range.start <= s.range.end && s.range.end <= line.len(), "{:?}", s);
            prop_assert!(line.is_char_boundary(s.range.start) && line.is_char_boundary(s.range.end));
        }
        let _ = scrape_failures(&line);
        for max in [0usize, 1, 40, 2000] {
            let segs = segments(&line, &c.spans, max);
            let total: usize = segs.iter().map(|s| s.text.chars().count()).sum();
            prop_assert!(total <= max, "segments keep the cap: {} > {}", total, max);
            for s in &segs {
                assert_clean("segments", &s.text)?;
            }
        }
    }

    #[test]
    fn sanitize_strips_controls_caps_length_and_is_idempotent(
        line in any_line(),
        cap in 0usize..400,
    ) {
        let once = sanitize(&line, cap);
        assert_clean("sanitize", &once)?;
        prop_assert!(!once.contains('\n'));
        prop_assert!(once.chars().count() <= cap);
        let twice = sanitize(&once, cap);
        prop_assert_eq!(twice.as_ref(), once.as_ref());
    }

    #[test]
    fn the_flag_parser_and_validator_never_panic(argv in argv(), v in version()) {
        let flags = Flags::parse(&argv, v);
        let problems = flags.validate();
        for p in &problems {
            let _ = format!("{p:?}");
        }
        // Every parsed flag came from the argv: by its long name, or from a single-dash
        // shorthand group (pflag reads `-logtostderr=` as `-l ogtostderr=`, `-l` being
        // --node-selector; the first run of this property reported that as a finding).
        for f in flags.all() {
            let from_argv = argv.iter().any(|a| {
                a.contains(f.name.as_str()) || (a.starts_with('-') && !a.starts_with("--"))
            });
            prop_assert!(from_argv, "{:?} not in {:?}", f, argv);
        }
        // Accessors hold on any input.
        let _ = flags.preferred_address_types();
        let _ = flags.duration("metric-resolution");
        let _ = flags.bool("kubelet-insecure-tls");
    }

    #[test]
    fn analyze_logs_on_arbitrary_bytes_prints_only_safe_text(
        lines in prop::collection::vec(
            prop_oneof![
                3 => any_line().prop_map(String::into_bytes),
                1 => prop::collection::vec(any::<u8>(), 0..200),
            ],
            0..30,
        ),
        crlf in any::<bool>(),
    ) {
        let mut bytes = lines.join(if crlf { &b"\r\n"[..] } else { &b"\n"[..] });
        if crlf { bytes.push(b'\r'); }
        // Small blocks too, so lines straddle the reader's block boundaries.
        let tuning = Tuning { block: if crlf { 64 } else { 1 << 16 }, workers: 2 };
        for lang in [Lang::En, Lang::Ko] {
            for format in [LogFormat::Text, LogFormat::Json, LogFormat::Ndjson] {
                let plain = analyze_bytes(&bytes, format, Paint { color: false }, lang, tuning);
                assert_clean("analyze-logs output", &plain.replace('\n', " "))?;
                if format == LogFormat::Ndjson {
                    for l in plain.lines().filter(|l| !l.is_empty()) {
                        prop_assert!(serde_json::from_str::<serde_json::Value>(l).is_ok(), "{}", l);
                    }
                }
            }
            let color = analyze_bytes(&bytes, LogFormat::Text, Paint { color: true }, lang, tuning);
            assert_clean("analyze-logs colour output", &strip_sgr(&color).replace('\n', " "))?;
        }
    }
}

/// pflag shorthand: `-logtostderr=` is `-l` (--node-selector) with the value `ogtostderr=`,
/// as metrics-server itself would read it (kept from the first run of the flag property).
#[test]
fn a_single_dash_long_name_is_a_shorthand_group() {
    let flags = Flags::parse(&["-logtostderr=".to_string()], None);
    let names: Vec<&str> = flags.all().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["node-selector"]);
}

/// Regressions found while writing these properties are kept here as plain unit tests.
#[test]
fn regression_examples_stay_clean() {
    for line in [
        "\u{1b}]52;c;ZWNobyBoaQ==\u{7}E1201 x509: certificate signed by unknown authority",
        "2026-12-01T03:49:59Z stderr F \u{202e}node=\"\u{1b}[2J\"",
        "{\"msg\":\"Failed to scrape node\",\"node\":\"\\u001b[31mnode-1\\u202e\"}",
    ] {
        let c = classify(line);
        for s in segments(line, &c.spans, 500) {
            assert!(!s.text.chars().any(dangerous), "{:?}", s.text);
        }
        for format in [LogFormat::Text, LogFormat::Json, LogFormat::Ndjson] {
            let out = analyze_bytes(
                line.as_bytes(),
                format,
                Paint { color: false },
                Lang::En,
                Tuning::default(),
            );
            assert!(
                !out.replace('\n', " ").chars().any(dangerous),
                "{format:?}: {out:?}"
            );
        }
    }
}
