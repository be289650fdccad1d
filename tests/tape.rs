//! Replays demo.tape (VHS syntax) against the real binary in a pseudo-terminal, so the tape that
//! renders the README's GIF cannot rot: every `Wait+Screen /regex/` must come true.

mod pty;

use pty::Term;
use std::time::Duration;

/// Sleeps in the tape are for viewers; the replay caps them.
const SLEEP_CAP: Duration = Duration::from_millis(200);

#[derive(Debug, PartialEq)]
enum Command {
    Type(String),
    Key(String),
    WaitScreen(String),
    Sleep(Duration),
    Setting,
}

fn parse_duration(s: &str) -> Option<Duration> {
    if let Some(ms) = s.strip_suffix("ms") {
        return ms.parse().ok().map(Duration::from_millis);
    }
    s.strip_suffix('s')
        .and_then(|v| v.parse::<f64>().ok())
        .map(Duration::from_secs_f64)
}

fn parse(tape: &str) -> Vec<Command> {
    let mut out = Vec::new();
    for (n, raw) in tape.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let cmd = match word {
            "Output" | "Set" | "Hide" | "Show" | "Require" | "Env" => Command::Setting,
            "Type" => Command::Type(
                rest.trim()
                    .strip_prefix('"')
                    .and_then(|r| r.strip_suffix('"'))
                    .expect("Type \"text\"")
                    .to_string(),
            ),
            "Sleep" => Command::Sleep(parse_duration(rest.trim()).expect("Sleep duration")),
            "Wait+Screen" => Command::WaitScreen(
                rest.trim()
                    .strip_prefix('/')
                    .and_then(|r| r.strip_suffix('/'))
                    .expect("Wait+Screen /regex/")
                    .to_string(),
            ),
            "Enter" | "Tab" | "Escape" | "Up" | "Down" | "Left" | "Right" | "Backspace"
            | "Ctrl+C" | "Ctrl+S" => Command::Key(word.to_string()),
            other => panic!("demo.tape line {}: unsupported command {other:?}", n + 1),
        };
        out.push(cmd);
    }
    out
}

#[test]
fn the_tape_parses_the_vhs_commands_it_uses() {
    let cmds = parse(
        "Output x.gif\nType \"mstui --demo\"\nEnter\nWait+Screen /x509: .*/\nSleep 1.5s\nSleep 300ms\n",
    );
    assert_eq!(
        cmds,
        vec![
            Command::Setting,
            Command::Type("mstui --demo".into()),
            Command::Key("Enter".into()),
            Command::WaitScreen("x509: .*".into()),
            Command::Sleep(Duration::from_millis(1500)),
            Command::Sleep(Duration::from_millis(300)),
        ]
    );
}

#[test]
fn demo_tape_replays_against_the_binary() {
    let tape = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/demo.tape"))
        .expect("demo.tape");
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_mstui"))
        .parent()
        .expect("bin dir")
        .display()
        .to_string();
    let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
    // The tape prepends target/release to PATH; the test puts the binary under test first too.
    let mut term = Term::spawn(
        "bash",
        &["--norc", "--noprofile"],
        &[("PATH", &path), ("PS1", "$ ")],
        120,
        36,
    );
    let started = std::time::Instant::now();
    for cmd in parse(&tape) {
        match cmd {
            Command::Setting => {}
            Command::Type(text) => {
                term.send(text.replace("$PWD/target/release", &bin_dir).as_bytes())
            }
            Command::Key(k) => term.key(&k),
            Command::WaitScreen(re) => {
                term.wait_for(&re, Duration::from_secs(30));
            }
            Command::Sleep(d) => std::thread::sleep(d.min(SLEEP_CAP)),
        }
    }
    println!("demo.tape replayed in {:?}", started.elapsed());
}
