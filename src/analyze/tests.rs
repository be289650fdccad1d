//! Tests of the streaming `analyze-logs` engine against the line-by-line classifier.

use super::tally::SAMPLE_PER_RULE;
use super::*;
use crate::diagnose::sample;
use crate::logs::classify;
use crate::logs::classify::tests::{FIXTURES, negatives, positives};
use prefilter::Prefilter;

const PLAIN: Paint = Paint { color: false };

fn has_hangul(s: &str) -> bool {
    s.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c))
}

/// The report of `input`, read `block` bytes at a time.
fn report(input: &[u8], format: LogFormat, lang: Lang, block: usize) -> (String, Tally) {
    let mut out = Vec::new();
    let tuning = Tuning { block, workers: 2 };
    let tally = run_tuned(input, &mut out, format, PLAIN, lang, tuning).expect("in memory");
    (String::from_utf8(out).expect("UTF-8 output"), tally)
}

/// What the pre-streaming implementation printed: classify every line of the whole text.
fn reference_ndjson(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let c = classify(line);
        if let (Some(rule), Some(severity)) = (c.rule, c.severity) {
            let m = LineMatch {
                line: i as u64 + 1,
                rule,
                severity,
                node: c.fields.node.as_deref().map(shown),
            };
            out.push_str(&serde_json::to_string(&m).expect("serialises"));
            out.push('\n');
        }
    }
    out
}

/// Every fixture, one after the other, with CRLF, invalid UTF-8 and no final newline mixed in.
fn all_fixtures() -> Vec<u8> {
    let mut all = Vec::new();
    for (i, (_, text)) in FIXTURES.iter().enumerate() {
        if i % 3 == 1 {
            all.extend_from_slice(text.replace('\n', "\r\n").as_bytes());
        } else {
            all.extend_from_slice(text.as_bytes());
        }
        all.extend_from_slice(b"\xff\xfe not UTF-8 \xc3\n");
    }
    all.extend_from_slice(sample::logs::x509_unknown_authority().trim_end().as_bytes());
    all
}

#[test]
fn streaming_finds_exactly_what_classifying_every_line_finds() {
    let input = all_fixtures();
    let want = reference_ndjson(&input);
    assert!(want.lines().count() > 50, "the fixtures match: {want}");
    let longest = input.split(|&b| b == b'\n').map(<[u8]>::len).max();
    for block in [longest.unwrap_or(0) + 2, 4096, 65_536, lines::BLOCK] {
        let (got, tally) = report(&input, LogFormat::Ndjson, Lang::En, block);
        assert_eq!(got, want, "block {block}");
        for workers in [1, 3] {
            let mut out = Vec::new();
            let tuning = Tuning { block, workers };
            run_tuned(
                &input[..],
                &mut out,
                LogFormat::Ndjson,
                PLAIN,
                Lang::En,
                tuning,
            )
            .expect("in memory");
            assert_eq!(String::from_utf8_lossy(&out), want, "{tuning:?}");
        }
        let lines = String::from_utf8_lossy(&input).lines().count() as u64;
        assert_eq!(tally.lines, lines);
    }
}

/// Lines the classifier gives a severity, that the prefilter must therefore keep.
fn classified_lines() -> Vec<String> {
    let mut all: Vec<String> = positives().into_iter().map(|p| p.0).collect();
    all.extend(negatives().into_iter().map(|n| n.0));
    for (_, text) in FIXTURES {
        all.extend(text.lines().map(str::to_owned));
    }
    for text in [
        sample::logs::STARTUP.to_owned(),
        sample::logs::x509_unknown_authority(),
    ] {
        all.extend(text.lines().map(str::to_owned));
    }
    // Anchors spelled with escapes: klog's Go quoting and JSON both unescape them.
    all.extend([
        r#"E1110 10:30:00.123456       1 server.go:1] "probe" err="metric collection didn\u0027t finish on time""#.to_owned(),
        r#"{"ts":1,"msg":"F\u0061iled to scrape node","node":{"name":"w"},"err":"x509: certificate signed by unknown authority"}"#.to_owned(),
        r#"{"ts":1,"msg":"probe","err":"Readiness probe failed: HTTP probe failed with statuscode: 5\u00300"}"#.to_owned(),
    ]);
    all.retain(|l| classify(l).severity.is_some());
    all
}

#[test]
fn the_prefilter_keeps_every_line_the_classifier_matches() {
    let lines = classified_lines();
    assert!(lines.len() > 150, "{} classified lines", lines.len());
    let pre = Prefilter::global();
    for line in &lines {
        assert!(
            pre.is_candidate(line.as_bytes()),
            "prefilter misses: {line}"
        );
    }
    // The escaped spellings above really are classified, so the check is not vacuous.
    assert!(lines.iter().any(|l| l.contains(r"didn\u0027t")));
    assert!(lines.iter().any(|l| l.contains(r"F\u0061iled")));
    assert!(lines.iter().any(|l| l.contains(r"5\u00300")));
}

#[test]
fn the_prefilter_skips_most_ordinary_info_lines() {
    let pre = Prefilter::global();
    for (name, text) in FIXTURES
        .iter()
        .filter(|(name, _)| name.starts_with("healthy"))
    {
        let lines: Vec<&str> = text.lines().collect();
        let kept = lines
            .iter()
            .filter(|l| pre.is_candidate(l.as_bytes()))
            .count();
        // Some benign lines share words with a scrape-error anchor; the point is that few do.
        assert!(
            kept * 5 <= lines.len(),
            "{name}: {kept} of {} kept",
            lines.len()
        );
    }
}

#[test]
fn nothing_found_prints_no_ndjson_and_one_json_document() {
    let clean = sample::logs::STARTUP.as_bytes();
    let (nd, tally) = report(clean, LogFormat::Ndjson, Lang::En, lines::BLOCK);
    assert_eq!(nd, "", "not even a blank line");
    assert!(!tally.has_problems());
    let (json, _) = report(clean, LogFormat::Json, Lang::En, lines::BLOCK);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("one JSON document");
    assert_eq!(doc["matched"], 0);
    assert_eq!(
        doc["lines"],
        clean.split(|&b| b == b'\n').count() as u64 - 1
    );
    assert_eq!(doc["healthy"], true);
    let (nothing, tally) = report(b"", LogFormat::Json, Lang::En, lines::BLOCK);
    assert_eq!(tally.lines, 0);
    assert!(serde_json::from_str::<serde_json::Value>(&nothing).is_ok());
}

#[test]
fn json_counts_everything_but_keeps_a_bounded_sample() {
    let line = sample::logs::x509_unknown_authority();
    let one = line
        .lines()
        .find(|l| classify(l).rule.is_some())
        .expect("a match");
    let n = 5 * SAMPLE_PER_RULE;
    let input = format!("{one}\n").repeat(n);
    let (json, tally) = report(input.as_bytes(), LogFormat::Json, Lang::En, 4096);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(doc["matched"], n as u64);
    assert_eq!(tally.matched, n as u64);
    assert_eq!(doc["rules"][0]["count"], n as u64);
    let matches = doc["matches"].as_array().expect("matches");
    assert_eq!(matches.len(), SAMPLE_PER_RULE);
    assert_eq!(doc["matches_omitted"], (n - SAMPLE_PER_RULE) as u64);
    assert_eq!(matches[0]["line"], 1);
}

#[test]
fn output_does_not_depend_on_the_language_except_text() {
    let log = sample::logs::x509_unknown_authority();
    for format in [LogFormat::Json, LogFormat::Ndjson] {
        let (en, _) = report(log.as_bytes(), format, Lang::En, lines::BLOCK);
        let (ko, _) = report(log.as_bytes(), format, Lang::Ko, lines::BLOCK);
        assert_eq!(en, ko, "{format:?}");
        assert!(!has_hangul(&en));
    }
}

#[test]
fn text_streams_matched_lines_then_summarises_in_both_languages() {
    let log = sample::logs::x509_unknown_authority();
    let (ko, tally) = report(log.as_bytes(), LogFormat::Text, Lang::Ko, lines::BLOCK);
    let f15 = catalog::info(RuleId::KubeletCertUnknownAuthority).title.ko;
    assert!(ko.contains(&format!("F15 {f15} — ")), "{ko}");
    assert!(ko.contains("(2단계 · TLS 인증 문제 해결)"), "{ko}");
    assert!(ko.contains("줄을 읽었고, 그중 "), "{ko}");
    assert!(ko.contains("        노드: node-1"), "{ko}");
    let (en, _) = report(log.as_bytes(), LogFormat::Text, Lang::En, lines::BLOCK);
    assert!(!has_hangul(&en));
    assert!(en.contains("(step 2 · Kubelet TLS trust)"), "{en}");
    // One streamed line per match, before the summary, with its number and rule.
    let first = tally.sample()[0];
    let streamed = format!("{:>7}: {} ", first.line, first.rule);
    assert!(en.starts_with(&streamed), "{en}");
    let streamed_lines = en.lines().take_while(|l| !l.is_empty()).count() as u64;
    assert_eq!(streamed_lines, tally.matched);

    let clean = sample::logs::STARTUP.as_bytes();
    let (ko, _) = report(clean, LogFormat::Text, Lang::Ko, lines::BLOCK);
    assert!(
        ko.starts_with("정상 8줄을 읽었고, 알려진 metrics-server 문제와 일치하는 줄이"),
        "{ko}"
    );
}

#[test]
fn a_closed_output_stops_the_run_and_reports_what_was_seen() {
    struct Closed;
    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let log = sample::logs::x509_unknown_authority();
    let r = run(log.as_bytes(), Closed, LogFormat::Ndjson, PLAIN, Lang::En);
    assert!(
        matches!(r, Err(RunError::Write { problems: true, .. })),
        "{r:?}"
    );
}
