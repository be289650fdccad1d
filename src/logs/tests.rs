//! Real log lines from public bug reports (`tests/fixtures/logs/real/*.tsv`, sources named in
//! each file): every line must get its expected rule from [`classify`] and from the
//! `analyze-logs` path ([`crate::analyze`], streaming), benign lines none.
//!
//! `cargo test --lib logs::corpus -- --nocapture` prints the per-family accuracy table.

use super::classify::classify;
use super::signatures::prefilter_anchors;

macro_rules! family {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/logs/real/",
                $name,
                ".tsv"
            )),
        )
    };
}

const FAMILIES: &[(&str, &str)] = &[
    family!("v02-summary"),
    family!("v02-responses-in-time"),
    family!("v03-manager"),
    family!("reflector"),
    family!("heapster-fatal"),
    family!("bare-errors"),
    family!("kubelet-auth"),
    family!("cert-name"),
    family!("node-address"),
    family!("container-skips"),
    family!("other-components"),
    family!("benign"),
];

/// What a fixture line must classify as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Rule(u8),
    /// A symptom without a single cause: severity set, no rule.
    Chain,
    Benign,
}

fn parse_expect(s: &str) -> Expect {
    match s {
        "-" => Expect::Benign,
        "chain" => Expect::Chain,
        f => Expect::Rule(
            f.strip_prefix('F')
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("bad expectation {f:?}")),
        ),
    }
}

/// `(expected, line)` of every data line of a family file.
fn entries(text: &str) -> Vec<(Expect, &str)> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (e, line) = l.split_once('\t').unwrap_or_else(|| panic!("no tab: {l}"));
            (parse_expect(e), line)
        })
        .collect()
}

fn got(line: &str) -> Expect {
    let c = classify(line);
    match (c.rule, c.severity) {
        (Some(r), _) => Expect::Rule(r.number()),
        (None, Some(_)) => Expect::Chain,
        (None, None) => Expect::Benign,
    }
}

#[test]
fn corpus_accuracy() {
    let mut table = String::from("family                  failure ok/n   benign flagged/n\n");
    let (mut ok, mut failures, mut flagged, mut benign) = (0, 0, 0, 0);
    let mut misses = Vec::new();
    for (name, text) in FAMILIES {
        let (mut f_ok, mut f_n, mut b_flag, mut b_n) = (0, 0, 0, 0);
        for (want, line) in entries(text) {
            let have = got(line);
            if want == Expect::Benign {
                b_n += 1;
                if have != Expect::Benign {
                    b_flag += 1;
                    misses.push(format!("{name}: benign flagged as {have:?}: {line}"));
                }
            } else {
                f_n += 1;
                if have == want {
                    f_ok += 1;
                } else {
                    misses.push(format!("{name}: want {want:?} got {have:?}: {line}"));
                }
            }
        }
        table.push_str(&format!(
            "{name:<23} {f_ok:>4}/{f_n:<4}       {b_flag:>3}/{b_n}\n"
        ));
        ok += f_ok;
        failures += f_n;
        flagged += b_flag;
        benign += b_n;
    }
    let pct = 100.0 * f64::from(ok) / f64::from(failures.max(1));
    table.push_str(&format!(
        "TOTAL                   {ok:>4}/{failures:<4} ({pct:.1}%) {flagged:>3}/{benign}\n"
    ));
    println!("{table}");
    for m in &misses {
        println!("MISS {m}");
    }
    assert!(failures >= 150 && benign >= 40, "corpus too small");
    assert!(
        misses.is_empty(),
        "{} misses (see --nocapture)",
        misses.len()
    );
}

/// `analyze-logs` reports the same rules, line by line, on each whole family file.
#[test]
fn analyze_logs_path_agrees() {
    for (name, text) in FAMILIES {
        let lines: Vec<_> = entries(text);
        let body: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
        let mut out = Vec::new();
        crate::analyze::run(
            body.as_bytes(),
            &mut out,
            crate::report::LogFormat::Ndjson,
            crate::report::Paint { color: false },
            crate::vocab::Lang::En,
        )
        .expect("in memory");
        let want: Vec<(usize, u8)> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, (e, _))| match e {
                Expect::Rule(r) => Some((i + 1, *r)),
                _ => None,
            })
            .collect();
        let have: Vec<(usize, u8)> = String::from_utf8_lossy(&out)
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("NDJSON");
                let line = v["line"].as_u64().expect("line") as usize;
                let rule = v["rule"].as_str().expect("rule");
                (line, rule[1..].parse().expect("F number"))
            })
            .collect();
        assert_eq!(have, want, "{name}");
    }
}

/// Every line the classifier flags contains one of the prefilter literals, so a streaming
/// reader that skips lines without any of them loses nothing.
#[test]
fn flagged_lines_contain_a_prefilter_anchor() {
    let anchors: Vec<&str> = prefilter_anchors().collect();
    for (name, text) in FAMILIES {
        for (_, line) in entries(text) {
            if classify(line).severity.is_some() {
                assert!(
                    anchors.iter().any(|a| line.contains(a)),
                    "{name}: no anchor in {line}"
                );
            }
        }
    }
}
