//! A log flood through the real UI path (a benchmark, not a test): `cargo bench --bench flood`.
//!
//! A producer thread sends `Msg::Log` batches of 64 lines (the log follower's batch size) at
//! 50,000 lines/s for 10 s over a bounded channel, as the cluster tasks do; another thread
//! presses `?` every 250 ms. This thread runs the UI loop of `tui::event_loop`: draw when dirty,
//! take the first ready message (key or log, alternating which is polled first, as `select!`
//! picks at random), drain up to 64 more, `update` each. Drawing goes to ratatui's
//! `TestBackend` at 200×50, so the cost measured is `update` + `render` + buffer diff, not a
//! terminal's.
//!
//! Reports frames per second, the worst frame, the key-press-to-drawn-frame latency, the lines
//! delivered per second (the producer blocks if the UI falls behind, so a slow UI shows up as a
//! lower rate) and RSS at the end. Options: `--secs N`, `--rate LINES_PER_S`, `--log-buffer N`.

#[path = "../examples/genlog/mix.rs"]
mod mix;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mstui::cluster::logs::{LogEvent, TimedLine};
use mstui::diagnose::sample;
use mstui::tui::app::{App, Options};
use mstui::tui::msg::Msg;
use mstui::tui::theme::Theme;
use mstui::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError, sync_channel};
use std::time::{Duration, Instant};

/// The UI loop's own constants (`tui::BATCH`, the follower's `BATCH_LINES`, the channel size).
const UI_BATCH: usize = 64;
const FOLLOWER_BATCH: usize = 64;
const CHANNEL: usize = 1024;
const KEY_EVERY: Duration = Duration::from_millis(250);

struct Args {
    secs: u64,
    rate: u64,
    log_buffer: usize,
}

fn args() -> Args {
    let argv: Vec<String> = std::env::args().collect();
    let get = |name: &str| {
        argv.iter()
            .position(|a| a == name)
            .and_then(|i| argv.get(i + 1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Args {
        secs: get("--secs").unwrap_or(10),
        rate: get("--rate").unwrap_or(50_000),
        log_buffer: get("--log-buffer")
            .map_or(mstui::tui::logbuf::DEFAULT_CAPACITY, |n| n as usize),
    }
}

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Sends `rate` lines/s in follower-sized batches until `deadline`; returns lines sent.
fn produce(tx: std::sync::mpsc::SyncSender<Msg>, rate: u64, deadline: Instant) -> u64 {
    let mut text = Vec::new();
    mix::log(&mut text, 100_000, 7).expect("in memory");
    let lines: Vec<String> = String::from_utf8_lossy(&text)
        .lines()
        .map(str::to_owned)
        .collect();
    let start = Instant::now();
    let mut sent = 0u64;
    while Instant::now() < deadline {
        // Catch up to the rate, then sleep a little: bursts of a few milliseconds, like a
        // kubelet stream read.
        let due = (start.elapsed().as_secs_f64() * rate as f64) as u64;
        while sent + FOLLOWER_BATCH as u64 <= due {
            let batch = (0..FOLLOWER_BATCH)
                .map(|i| TimedLine {
                    timestamp: None,
                    text: lines[(sent as usize + i) % lines.len()].clone(),
                })
                .collect();
            let msg = Msg::Log(LogEvent::Lines {
                pod: sample::POD.into(),
                lines: batch,
            });
            if tx.send(msg).is_err() {
                return sent;
            }
            sent += FOLLOWER_BATCH as u64;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    sent
}

fn press_keys(tx: std::sync::mpsc::SyncSender<(Instant, Msg)>, deadline: Instant) {
    while Instant::now() + KEY_EVERY < deadline {
        std::thread::sleep(KEY_EVERY);
        let key = Msg::Key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE));
        if tx.send((Instant::now(), key)).is_err() {
            return;
        }
    }
}

enum Next {
    Key(Instant, Msg),
    Log(Msg),
    Idle,
}

/// The first ready message, polling keys or logs first by turns.
fn first(keys: &Receiver<(Instant, Msg)>, logs: &Receiver<Msg>, keys_first: bool) -> Next {
    let key = || match keys.try_recv() {
        Ok((at, k)) => Some(Next::Key(at, k)),
        Err(TryRecvError::Empty | TryRecvError::Disconnected) => None,
    };
    if keys_first && let Some(k) = key() {
        return k;
    }
    match logs.try_recv() {
        Ok(m) => return Next::Log(m),
        Err(TryRecvError::Empty | TryRecvError::Disconnected) => {}
    }
    if let Some(k) = key() {
        return k;
    }
    // Nothing ready: wait briefly, as the loop would sleep in `select!`.
    match logs.recv_timeout(Duration::from_millis(1)) {
        Ok(m) => Next::Log(m),
        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => Next::Idle,
    }
}

fn main() {
    let a = args();
    let rss_start = status_kib("VmRSS:");
    let opts = Options {
        log_buffer: a.log_buffer,
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
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test terminal");
    let theme = Theme::new(true);

    let start = Instant::now();
    let deadline = start + Duration::from_secs(a.secs);
    let (log_tx, logs) = sync_channel::<Msg>(CHANNEL);
    let (key_tx, keys) = sync_channel::<(Instant, Msg)>(16);
    let producer = std::thread::spawn(move || produce(log_tx, a.rate, deadline));
    let presser = std::thread::spawn(move || press_keys(key_tx, deadline));

    let mut frames = 0u64;
    let mut worst_frame = Duration::ZERO;
    let mut frame_total = Duration::ZERO;
    let mut latencies: Vec<Duration> = Vec::new();
    let mut pending_key: Option<Instant> = None;
    let mut help_toggles = 0u64;
    let mut keys_first = false;
    while Instant::now() < deadline {
        if app.dirty {
            let t = Instant::now();
            let _ = terminal.draw(|f| ui::render(&app, f, theme));
            let took = t.elapsed();
            app.dirty = false;
            frames += 1;
            frame_total += took;
            worst_frame = worst_frame.max(took);
            if let Some(at) = pending_key.take() {
                latencies.push(at.elapsed());
            }
        }
        keys_first = !keys_first;
        let mut batch = Vec::with_capacity(UI_BATCH);
        match first(&keys, &logs, keys_first) {
            Next::Key(at, k) => {
                pending_key = Some(at);
                batch.push(k);
            }
            Next::Log(m) => batch.push(m),
            Next::Idle => continue,
        }
        while batch.len() < UI_BATCH {
            match logs.try_recv() {
                Ok(m) => batch.push(m),
                Err(_) => break,
            }
        }
        for msg in batch {
            let was_help = app.help;
            let is_key = matches!(msg, Msg::Key(_));
            app.update(msg);
            if is_key && app.help != was_help {
                help_toggles += 1;
            }
        }
    }
    drop(logs);
    drop(keys);
    // Close the help overlay if the last press opened it, and draw the last updates, so the
    // screen shows the log pane's final dropped count.
    if app.help {
        app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char('?'),
            KeyModifiers::NONE,
        )));
    }
    let _ = terminal.draw(|f| ui::render(&app, f, theme));
    let sent = producer.join().unwrap_or(0);
    let _ = presser.join();
    let secs = start.elapsed().as_secs_f64();

    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    println!(
        "flood: {} lines/s offered for {}s at 200x50, --log-buffer {}",
        a.rate, a.secs, a.log_buffer
    );
    println!(
        "  delivered     {:.0} lines/s ({} lines; the producer blocks when the UI falls behind)",
        sent as f64 / secs,
        sent
    );
    println!(
        "  frames        {:.1} /s ({frames} drawn), mean {:.2} ms, worst {:.2} ms",
        frames as f64 / secs,
        frame_total.as_secs_f64() * 1000.0 / frames.max(1) as f64,
        worst_frame.as_secs_f64() * 1000.0
    );
    println!(
        "  key → frame   {} presses ({} toggled help), median {:.2} ms, p95 {:.2} ms, worst {:.2} ms",
        latencies.len(),
        help_toggles,
        pct(0.5),
        pct(0.95),
        pct(1.0)
    );
    println!(
        "  buffer        {} lines kept, {} dropped; dropped count on screen: {}",
        app.logs.len(),
        app.logs.dropped,
        screen.contains(&format!("{} dropped", app.logs.dropped))
    );
    println!(
        "  RSS           {} MiB at start, {} MiB at the end, peak {} MiB",
        rss_start / 1024,
        status_kib("VmRSS:") / 1024,
        status_kib("VmHWM:") / 1024
    );
}
