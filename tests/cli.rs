//! The built binary, run as a user or a script would: output formats, exit codes and clear
//! errors for bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_mstui");

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/logs/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn analyze_logs_ndjson_lists_each_matched_line_once() {
    let o = run(&["analyze-logs", "-o", "ndjson", &fixture("v0.8.0-x509.log")]);
    assert_eq!(o.status.code(), Some(1), "problems found: {}", stderr(&o));
    let objects: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(!objects.is_empty());
    let lines: Vec<u64> = objects
        .iter()
        .map(|v| v["line"].as_u64().expect("line number"))
        .collect();
    let mut sorted = lines.clone();
    sorted.dedup();
    assert_eq!(lines, sorted, "ascending, one object per line");
    assert!(lines.iter().all(|n| *n >= 1), "line numbers count from 1");
    assert!(
        objects
            .iter()
            .any(|v| v["rule"] == "F15" && v["severity"] == "error")
    );
    assert!(
        objects.iter().any(|v| v["rule"] == "F19"),
        "the seed's connection refused line"
    );
    // The seed's x509 line is line 8 of the fixture.
    let text = std::fs::read_to_string(fixture("v0.8.0-x509.log")).expect("fixture");
    for v in &objects {
        let n = v["line"].as_u64().expect("line") as usize;
        let line = text.lines().nth(n - 1).expect("line exists");
        if v["rule"] == "F15" {
            assert!(
                line.contains("x509: certificate signed by unknown authority"),
                "line {n}: {line}"
            );
        }
    }
}

#[test]
fn analyze_logs_json_and_text_summarise_by_rule() {
    let o = run(&["analyze-logs", "-o", "json", &fixture("v0.8.0-x509.log")]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON");
    assert_eq!(doc["healthy"], false);
    let rules = doc["rules"].as_array().expect("rules");
    let f15 = rules
        .iter()
        .find(|r| r["id"] == "F15")
        .expect("F15 summarised");
    assert_eq!(f15["step"], 2);
    assert!(f15["count"].as_u64().expect("count") >= 2);
    assert!(
        f15["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|n| n == "worker-1")
    );

    let o = run(&["analyze-logs", &fixture("v0.8.0-x509.log")]);
    let text = stdout(&o);
    assert!(text.contains("F15"), "{text}");
    assert!(!text.contains('\x1b'), "NO_COLOR means no escapes");
}

#[test]
fn analyze_logs_of_a_healthy_log_is_clean_and_exits_zero() {
    let o = run(&[
        "analyze-logs",
        "-o",
        "ndjson",
        &fixture("healthy-v0.8.0.log"),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o).trim(), "", "benign lines produce no object");
    let o = run(&["analyze-logs", &fixture("healthy-v0.8.0.log")]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("no known metrics-server problem"));
}

#[test]
fn analyze_logs_reads_stdin_and_recognises_every_version() {
    for (file, rule) in [
        ("v0.3.6-x509.log", "F15"),
        ("v0.4.1-mixed.log", "F16"),
        ("v0.5.2-x509.log", "F16"),
        ("v0.6.4-403.log", "F24"),
        ("v0.7.2-timeout.log", "F19"),
        ("v0.9.0-mixed.log", "F18"),
        ("json-v0.7.log", "F15"),
        ("kubectl-prefix-timestamps.log", "F15"),
        ("cri-v0.8.0.log", "F15"),
    ] {
        let text = std::fs::read(fixture(file)).expect("fixture");
        let mut child = Command::new(BIN)
            .args(["analyze-logs", "-", "-o", "ndjson"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&text)
            .expect("write");
        let o = child.wait_with_output().expect("wait");
        assert!(
            stdout(&o).contains(&format!("\"rule\":\"{rule}\"")),
            "{file} should match {rule}: {}",
            stdout(&o)
        );
    }
}

#[test]
fn hostile_log_lines_never_reach_the_terminal() {
    let o = run(&["analyze-logs", &fixture("hostile.log")]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        !out.contains('\x1b') && !out.contains('\x07') && !out.contains('\u{9b}'),
        "{out:?}"
    );
}

#[test]
fn unreadable_file_is_a_usage_error() {
    let o = run(&["analyze-logs", "/nonexistent/ms.log"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read /nonexistent/ms.log"));
}

#[test]
fn bad_arguments_are_usage_errors() {
    assert_eq!(run(&["check", "-o", "yaml"]).status.code(), Some(2));
    assert_eq!(run(&["analyze-logs", "-o", "xml"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

fn write_kubeconfig(dir: &tempfile::TempDir, server: &str) -> String {
    let path = dir.path().join("config");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: ctx\nclusters:\n- name: c\n  cluster:\n    server: {server}\n\
             contexts:\n- name: ctx\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .expect("write kubeconfig");
    path.display().to_string()
}

#[test]
fn check_against_nothing_exits_3_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A closed port on loopback: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let cfg = write_kubeconfig(&dir, &format!("https://127.0.0.1:{port}"));
    let o = run(&["check", "--kubeconfig", &cfg]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!(
            "cannot reach the cluster at https://127.0.0.1:{port}"
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unknown_context_and_malformed_kubeconfig_exit_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = write_kubeconfig(&dir, "https://127.0.0.1:1");
    let o = run(&["check", "--kubeconfig", &cfg, "--context", "prod"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("context \"prod\" not found"),
        "{}",
        stderr(&o)
    );

    let bad = dir.path().join("bad");
    std::fs::write(&bad, "apiVersion: v1\nclusters: [\n").expect("write");
    let o = run(&["check", "--kubeconfig", &bad.display().to_string()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stderr(&o).contains("cannot read kubeconfig"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn completions_man_and_version() {
    let o = run(&["completions", "bash"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("mstui"));
    let o = run(&["man"]);
    assert!(stdout(&o).contains(".TH mstui"));
    let o = run(&["--version"]);
    assert_eq!(
        stdout(&o).trim(),
        format!("mstui {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_interactive_ui_refuses_a_pipe_instead_of_garbling_it() {
    let o = Command::new(BIN)
        .arg("--demo")
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("needs a terminal"), "{}", stderr(&o));
}

#[test]
fn fleet_of_unreachable_clusters_exits_3_and_bad_selections_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let closed = || {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let (a, b) = (closed(), closed());
    let path = dir.path().join("fleet");
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: dev-a\nclusters:\n\
             - name: a\n  cluster:\n    server: https://127.0.0.1:{a}\n\
             - name: b\n  cluster:\n    server: https://127.0.0.1:{b}\n\
             contexts:\n- name: dev-a\n  context:\n    cluster: a\n    user: u\n\
             - name: dev-b\n  context:\n    cluster: b\n    user: u\n\
             users:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .expect("write kubeconfig");
    let cfg = path.display().to_string();
    let o = run(&[
        "check",
        "--all-contexts",
        "-o",
        "json",
        "--kubeconfig",
        &cfg,
        "--timeout",
        "5s",
    ]);
    assert_eq!(
        o.status.code(),
        Some(3),
        "every cluster unreachable: {}",
        stderr(&o)
    );
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("a JSON array");
    assert_eq!(rows.as_array().map(Vec::len), Some(2));
    assert_eq!(rows[1]["context"], "dev-b");
    assert_eq!(rows[1]["server"], format!("https://127.0.0.1:{b}"));
    assert_eq!(rows[1]["verdict"], "unreachable");
    assert!(
        stderr(&o).contains("unreachable: dev-a ("),
        "{}",
        stderr(&o)
    );

    let o = run(&["check", "--kubeconfig", &cfg, "--context", "prod-*"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no context matches \"prod-*\" (contexts: dev-a, dev-b"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "check",
        "--kubeconfig",
        &cfg,
        "--all-contexts",
        "--bundle",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--bundle writes one cluster"),
        "{}",
        stderr(&o)
    );
    let full = dir.path().display().to_string();
    let o = run(&["check", "--kubeconfig", &cfg, "--bundle", &full]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a non-empty bundle directory is refused"
    );
    assert!(stderr(&o).contains("is not empty"), "{}", stderr(&o));
    let o = run(&["check", "--timeout", "10h"]);
    assert_eq!(o.status.code(), Some(2));
}
