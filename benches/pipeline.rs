//! Benchmarks (not tests): log pipeline throughput, frame render time against buffer size, and
//! memory after streaming a million lines. Run with `cargo bench --bench pipeline`; the numbers
//! and the machine they were taken on are recorded in README.md.

use mstui::cluster::logs::TimedLine;
use mstui::diagnose::sample;
use mstui::logs::classify;
use mstui::tui::app::{App, Options};
use mstui::tui::logbuf::LogBuffer;
use mstui::tui::msg::Msg;
use mstui::tui::theme::Theme;
use mstui::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

/// A realistic mix: most lines are benign, one in four a scrape failure, like a broken cluster.
fn generated_line(i: usize) -> String {
    match i % 4 {
        0 => format!(
            "E1110 10:30:{:02}.{:06}       1 scraper.go:149] \"Failed to scrape node\" err=\"Get \\\"https://10.0.1.{}:10250/metrics/resource\\\": tls: failed to verify certificate: x509: certificate signed by unknown authority\" node=\"worker-{}\"",
            i % 60,
            i % 1_000_000,
            i % 250,
            i % 50
        ),
        1 => format!(
            "I1110 10:30:{:02}.{:06}       1 server.go:191] \"Failed probe\" probe=\"metric-storage-ready\" err=\"no metrics to serve\"",
            i % 60,
            i % 1_000_000
        ),
        2 => format!(
            "I1110 10:30:{:02}.{:06}       1 serving.go:374] Generated self-signed cert in-memory",
            i % 60,
            i % 1_000_000
        ),
        _ => format!(
            "I1110 10:30:{:02}.{:06}       1 secure_serving.go:213] Serving securely on [::]:10250",
            i % 60,
            i % 1_000_000
        ),
    }
}

fn classify_throughput(lines: &[String]) {
    let start = Instant::now();
    let mut matched = 0usize;
    for l in lines {
        if black_box(classify(l)).rule.is_some() {
            matched += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "classify: {} lines in {:.3}s = {:.0} lines/s on one core ({} matched)",
        lines.len(),
        secs,
        lines.len() as f64 / secs,
        matched
    );
}

fn render_time(buffered: usize) {
    let (mut app, _) = App::new(Options::default(), sample::x509().cluster, sample::now());
    app.update(Msg::Resize {
        width: 120,
        height: 40,
    });
    app.update(Msg::Snapshot {
        generation: 1,
        snapshot: Box::new(sample::x509()),
    });
    app.logs = LogBuffer::with_capacity(buffered);
    let pod: Arc<str> = Arc::from("metrics-server-7d9f5c8b6-x2vqp");
    for i in 0..buffered {
        app.logs.push(
            &pod,
            TimedLine {
                timestamp: None,
                text: generated_line(i),
            },
            false,
        );
    }
    let mut terminal = match Terminal::new(TestBackend::new(120, 40)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot make a test terminal: {e}");
            return;
        }
    };
    let frames = 200;
    let start = Instant::now();
    for _ in 0..frames {
        let _ = terminal.draw(|f| ui::render(&app, f, Theme::new(true)));
    }
    let per_frame = start.elapsed().as_secs_f64() / frames as f64;
    println!(
        "render: {buffered} buffered lines, {:.3} ms per frame (120x40, following, wrapped)",
        per_frame * 1000.0
    );
}

fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn rss_after_streaming(total: usize) {
    let before = rss_kib().unwrap_or(0);
    let mut buffer = LogBuffer::default();
    let pod: Arc<str> = Arc::from("metrics-server-7d9f5c8b6-x2vqp");
    let start = Instant::now();
    for i in 0..total {
        buffer.push(
            &pod,
            TimedLine {
                timestamp: Some("2026-11-10T10:30:00.123456789Z".into()),
                text: generated_line(i),
            },
            false,
        );
    }
    let secs = start.elapsed().as_secs_f64();
    let after = rss_kib().unwrap_or(0);
    println!(
        "stream: {total} lines into the default {}-line buffer in {:.2}s ({:.0} lines/s), {} dropped; RSS {} MiB → {} MiB",
        buffer.len(),
        secs,
        total as f64 / secs,
        buffer.dropped,
        before / 1024,
        after / 1024
    );
}

fn main() {
    // Memory first, while the process holds nothing else: freed memory is not always returned
    // to the OS, so a later measurement would include the other benchmarks' peaks.
    rss_after_streaming(1_000_000);
    let lines: Vec<String> = (0..400_000).map(generated_line).collect();
    classify_throughput(&lines);
    render_time(1_000);
    render_time(1_000_000);
}
