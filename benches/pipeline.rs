//! Benchmarks (not tests) of the log pipeline, the log ring and one frame, with divan:
//! `cargo bench --bench pipeline`. The figures and the machine are in docs/PERFORMANCE.md.
//!
//! The input is `examples/genlog`'s seeded mix (5% x509, 5% connection refused, the rest info
//! lines, every metrics-server generation's wording).

#[path = "../examples/genlog/mix.rs"]
mod mix;

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use mstui::analyze::lines::{BLOCK, Scanner};
use mstui::analyze::prefilter::Prefilter;
use mstui::cluster::logs::TimedLine;
use mstui::diagnose::sample;
use mstui::logs::classify;
use mstui::report::LogFormat;
use mstui::report::Paint;
use mstui::tui::app::{App, Options};
use mstui::tui::logbuf::LogBuffer;
use mstui::tui::msg::Msg;
use mstui::tui::theme::Theme;
use mstui::tui::ui;
use mstui::vocab::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::{Arc, LazyLock};

const LINES: u64 = 200_000;

/// The generated log, once per process.
static LOG: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut out = Vec::new();
    mix::log(&mut out, LINES, 1).expect("in memory");
    out
});

fn log_lines() -> Vec<String> {
    String::from_utf8_lossy(&LOG)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn main() {
    divan::main();
}

/// Full classification of every line, one at a time (what the TUI does on arrival).
#[divan::bench]
fn classify_each_line(bencher: Bencher) {
    let lines = log_lines();
    bencher
        .counter(ItemsCount::new(lines.len()))
        .bench(|| lines.iter().filter(|l| classify(l).rule.is_some()).count());
}

/// Block read + prefilter + exact line numbers, without classifying.
#[divan::bench]
fn prefilter_scan(bencher: Bencher) {
    let pre = Prefilter::global();
    bencher.counter(BytesCount::new(LOG.len())).bench(|| {
        let mut candidates = 0u64;
        let lines = Scanner::new(pre, BLOCK)
            .scan(&LOG[..], |_, _| {
                candidates += 1;
                Ok(())
            })
            .map_err(|e| format!("{e:?}"));
        (lines, candidates)
    });
}

/// `analyze-logs` end to end (scan, classify the candidates, write), output discarded.
#[divan::bench(args = [LogFormat::Ndjson, LogFormat::Text, LogFormat::Json])]
fn analyze_logs(bencher: Bencher, format: LogFormat) {
    bencher.counter(BytesCount::new(LOG.len())).bench(|| {
        let r = mstui::analyze::run(
            &LOG[..],
            std::io::sink(),
            format,
            Paint { color: false },
            Lang::En,
        );
        r.map(|t| t.matched).map_err(|e| format!("{e:?}"))
    });
}

/// Lines into the default-size ring (classify included), the ring full, so every push drops.
#[divan::bench]
fn ring_ingest(bencher: Bencher) {
    let lines = log_lines();
    let pod: Arc<str> = Arc::from(sample::POD);
    let mut ring = LogBuffer::default();
    bencher
        .counter(ItemsCount::new(lines.len()))
        .bench_local(|| {
            for l in &lines {
                ring.push(
                    &pod,
                    TimedLine {
                        timestamp: None,
                        text: l.clone(),
                    },
                    false,
                );
            }
            ring.dropped
        });
}

/// An app at 200×50 following `buffered` log lines of the generated mix.
pub fn flooded_app(buffered: usize) -> App {
    let opts = Options {
        log_buffer: buffered,
        ..Options::default()
    };
    let (mut app, _) = App::new(opts, sample::x509().cluster, sample::now());
    app.update(Msg::Resize {
        width: 200,
        height: 50,
    });
    app.update(Msg::Snapshot {
        generation: 1,
        snapshot: Box::new(sample::x509()),
    });
    let pod: Arc<str> = Arc::from(sample::POD);
    let lines = log_lines();
    for i in 0..buffered {
        app.logs.push(
            &pod,
            TimedLine {
                timestamp: None,
                text: lines[i % lines.len()].clone(),
            },
            false,
        );
    }
    app
}

/// One frame at 200×50, following, wrapped: must not grow with the buffer.
#[divan::bench(args = [1_000, 1_000_000], sample_count = 200)]
fn frame_draw(bencher: Bencher, buffered: usize) {
    let app = flooded_app(buffered);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test terminal");
    bencher.bench_local(|| {
        let _ = black_box(terminal.draw(|f| ui::render(&app, f, Theme::new(true))));
    });
}
