//! The real binary in a pseudo-terminal against the real test cluster's `x509` scenario: the
//! newcomer's path from the x509 error to a working `top nodes` table, without leaving the TUI.
//! Prints the keystrokes and seconds it took.

mod pty;
mod support;

use pty::Term;
use std::time::{Duration, Instant};
use support::cluster::NODES;
use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_mstui");

/// The style of the cell under the first character of every occurrence of `needle` on screen
/// (foreground, background, bold).
fn cell_styles(term: &Term, needle: &str) -> Vec<(vt100::Color, vt100::Color, bool)> {
    term.with_screen(|screen| {
        let (rows, cols) = screen.size();
        let mut found = Vec::new();
        for row in 0..rows {
            // One char per cell: a cell never written reads as empty, not as a space.
            let text: String = (0..cols)
                .map(|c| {
                    screen
                        .cell(row, c)
                        .map(|x| x.contents())
                        .filter(|s| !s.is_empty())
                        .unwrap_or(" ")
                        .to_string()
                })
                .collect();
            if let Some(byte) = text.find(needle) {
                let col = text[..byte].chars().count() as u16;
                if let Some(cell) = screen.cell(row, col) {
                    found.push((cell.fgcolor(), cell.bgcolor(), cell.bold()));
                }
            }
        }
        found
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn newcomer_fixes_x509_in_the_tui_on_a_real_cluster() {
    let _serial = serial();
    let _t = TestTimer::new("newcomer_fixes_x509_in_the_tui_on_a_real_cluster");
    let c = Cluster::start(Scenario::X509).await;
    // The real metrics-server has logged its first failed scrapes.
    wait_for(
        "x509 in the metrics-server log",
        Duration::from_secs(90),
        Duration::from_millis(500),
        || {
            let log = c.current_ms_log();
            async move {
                if log.contains("x509: certificate signed by unknown authority") {
                    Ok(())
                } else {
                    Err("not yet".to_string())
                }
            }
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));

    let kubeconfig = c.admin_kubeconfig.display().to_string();
    let started = Instant::now();
    // The audit log goes to a state directory of this test, not the user's.
    let state = tempfile::tempdir().expect("state dir");
    let state_dir = state.path().display().to_string();
    let mut term = Term::spawn(
        BIN,
        &["--kubeconfig", &kubeconfig],
        &[("XDG_STATE_HOME", &state_dir)],
        120,
        40,
    );
    let mut keys = 0;

    // Step 1: the logs show the x509 errors, highlighted as error signatures.
    // The log pane wraps at word boundaries, so the phrase may continue on the next row.
    term.wait_for(r"x509:[\s│]*certificate signed by", Duration::from_secs(60));
    term.wait_for(r"root cause is in step 2", Duration::from_secs(30));
    // In the log pane the signature is drawn bold on red (the step pane quotes it plainly).
    // One word of it: the pane wraps at word boundaries, so the phrase may span rows.
    let styles = cell_styles(&term, "authority");
    assert!(
        styles
            .iter()
            .any(|(_, bg, bold)| *bg == vt100::Color::Idx(1) && *bold),
        "an x509 signature is highlighted: {styles:?}\n{}",
        term.screen()
    );

    // Step 2: the quick fix, previewed with its diff and a server-side dry-run.
    term.key("2");
    keys += 1;
    term.wait_for(
        r"Quick fix: add --kubelet-insecure-tls",
        Duration::from_secs(10),
    );
    term.key("Enter");
    keys += 1;
    term.wait_for(r"\+ --kubelet-insecure-tls", Duration::from_secs(10));
    term.wait_for(r"dry-run: passed", Duration::from_secs(30));
    let screen = term.screen();
    assert!(
        screen.contains("man-in-the-middle"),
        "the MITM warning is shown:\n{screen}"
    );

    // Confirm: the rollout runs and the verification table fills with every node.
    term.key("y");
    keys += 1;
    term.wait_for(r"Rollout", Duration::from_secs(30));
    let screen = term.wait_for(r"Verified: node metrics are back", Duration::from_secs(180));
    let took = started.elapsed();
    for node in NODES {
        let row = screen
            .lines()
            .find(|l| l.contains(node) && l.contains('m') && l.contains("Mi"));
        assert!(
            row.is_some_and(|r| !r.contains("<missing>")),
            "{node} has values:\n{screen}"
        );
    }
    assert!(
        screen.contains(&format!("Node metrics: {n}/{n}", n = NODES.len())),
        "{screen}"
    );
    eprintln!(
        "[e2e] x509 → verified top nodes in the TUI: {keys} keystrokes, {:.1}s\n{screen}",
        took.as_secs_f64()
    );

    term.key("q");
    assert_eq!(
        term.wait_exit(Duration::from_secs(10)),
        Some(0),
        "q quits cleanly"
    );
    // The applied change is in the audit log, with the exact before and after.
    let audit = mstui::audit::read(&state.path().join("mstui").join(mstui::audit::FILE_NAME))
        .expect("the audit log was written");
    eprintln!("[e2e] audit log: {audit:?}");
    assert_eq!(audit.len(), 1, "one applied change");
    let after = audit[0].after.clone().unwrap_or_default();
    assert!(
        after.iter().any(|a| a == "--kubelet-insecure-tls"),
        "{after:?}"
    );
    assert_eq!(audit[0].result, "applied");
    assert_eq!(audit[0].context, "mstui-e2e-admin");
}

/// The admin kubeconfig of `c` with a second context, `mstui-e2e-second`, pointing at the same
/// cluster (so switching needs no second cluster).
fn two_context_kubeconfig(c: &Cluster, dir: &std::path::Path) -> String {
    let text = std::fs::read_to_string(&c.admin_kubeconfig).expect("admin kubeconfig");
    let second = "- name: mstui-e2e-second\n  context:\n    cluster: mstui-e2e\n    user: admin\n    namespace: kube-system\ncurrent-context:";
    let text = text.replacen("current-context:", second, 1);
    let path = dir.join("two.kubeconfig");
    std::fs::write(&path, text).expect("write kubeconfig");
    path.display().to_string()
}

/// `--read-only` shows its badge, help scrolls by page and by line, and the `:` prompt
/// completes, lists the contexts, refuses an unknown one, switches to the second context
/// (reconnect, re-diagnose) and opens a YAML view — all on one real cluster, at 80×24.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_mode_ctx_help_scroll_and_read_only_badge_on_a_real_cluster() {
    let _serial = serial();
    let _t = TestTimer::new("command_mode_ctx_help_scroll_and_read_only_badge_on_a_real_cluster");
    let c = Cluster::start(Scenario::Healthy).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let kubeconfig = two_context_kubeconfig(&c, dir.path());
    let state_dir = dir.path().display().to_string();
    let mut term = Term::spawn(
        BIN,
        &["--read-only", "--kubeconfig", &kubeconfig],
        &[("XDG_STATE_HOME", &state_dir)],
        80,
        24,
    );
    let installed = r"metrics-server kube-system/metrics-server";
    // The badge, on the first row.
    let screen = term.wait_for(r"\[read-only\] mstui-e2e-admin", Duration::from_secs(30));
    assert!(
        screen
            .lines()
            .next()
            .is_some_and(|l| l.contains("[read-only]")),
        "{screen}"
    );
    term.wait_for(installed, Duration::from_secs(60));

    // Help: a page down and a line down show later lines, with the position.
    term.key("?");
    term.wait_for(r"Everywhere", Duration::from_secs(10));
    term.wait_for(r"↑↓ 1–\d+/\d+", Duration::from_secs(10));
    term.send(b"\x1b[6~"); // PgDn
    // Any first line but 1: the help moved on.
    let paged = term.wait_for(r"↑↓ ([2-9]|[1-9]\d+)–\d+/\d+", Duration::from_secs(10));
    assert!(
        !paged.contains("Everywhere"),
        "the first heading scrolled away:\n{paged}"
    );
    let first = |s: &str| {
        regex::Regex::new(r"↑↓ (\d+)–")
            .expect("regex")
            .captures(s)
            .and_then(|c| c[1].parse::<u32>().ok())
            .unwrap_or(0)
    };
    let after_page = first(&paged);
    term.key("Down");
    let want = format!("↑↓ {}–", after_page + 1);
    term.wait_for(&regex::escape(&want), Duration::from_secs(10));
    term.key("Esc");
    // The log pane's title shows again (the overlay is gone) before the next key: an Esc
    // directly followed by `:` would read as Alt-:.
    term.wait_for(r"Logs · ", Duration::from_secs(10));

    // `:ct` Tab completes the command; Enter lists both contexts, the current one marked.
    term.key(":");
    term.key("c");
    term.key("t");
    term.key("Tab");
    term.wait_for(r":ctx ", Duration::from_secs(10));
    term.key("Enter");
    term.wait_for(r"\* mstui-e2e-admin", Duration::from_secs(10));
    term.wait_for(r"mstui-e2e-second", Duration::from_secs(10));
    // Each context is checked like `check --all-contexts`: both healthy, 2/2 nodes.
    let table = term.wait_for(
        r"(?s)mstui-e2e-admin\s+healthy 2/2.*mstui-e2e-second\s+healthy 2/2",
        Duration::from_secs(30),
    );
    eprintln!("[e2e] :ctx table\n{table}");
    term.key("Esc");
    // The log pane's title shows again (the overlay is gone) before the next key: an Esc
    // directly followed by `:` would read as Alt-:.
    term.wait_for(r"Logs · ", Duration::from_secs(10));

    // An unknown context is said; nothing is lost.
    term.key(":");
    for k in ["c", "t", "x", " ", "n", "o", "p", "e", "Enter"] {
        term.key(k);
    }
    term.wait_for(r#"No context "nope""#, Duration::from_secs(10));
    let screen = term.screen();
    assert!(screen.contains(installed), "the diagnosis stays:\n{screen}");

    // `:ctx mstui-e2e-s` Tab completes the name; Enter switches: reconnect and re-diagnose.
    term.key(":");
    for k in "ctx mstui-e2e-s".chars() {
        term.key(&k.to_string());
    }
    term.key("Tab");
    term.wait_for(r":ctx mstui-e2e-second", Duration::from_secs(10));
    term.key("Enter");
    let switched = term.wait_for(
        r"Switched to context mstui-e2e-second",
        Duration::from_secs(30),
    );
    assert!(
        switched.contains("Logs · 0 pods"),
        "the old stream is dropped:\n{switched}"
    );
    // Log streaming restarts on the new connection.
    term.wait_for(r"Logs · 1 pod", Duration::from_secs(60));
    let screen = term.wait_for(installed, Duration::from_secs(60));
    assert!(
        screen
            .lines()
            .next()
            .is_some_and(|l| l.contains("[read-only] mstui-e2e-second")),
        "the header names the new context:\n{screen}"
    );

    // `:ns` completes from the cluster's namespace list (kube-node-lease is in no snapshot).
    term.key(":");
    for k in "ns kube-n".chars() {
        term.key(&k.to_string());
    }
    term.key("Tab");
    term.wait_for(r":ns kube-node-lease", Duration::from_secs(10));
    term.key("Esc");
    // The runbook's footer is back (the prompt's offered `Enter run`).
    term.wait_for(r"Tab next step", Duration::from_secs(10));

    // A view of what mstui read, as YAML; Esc back.
    term.key(":");
    for k in "pods".chars() {
        term.key(&k.to_string());
    }
    term.key("Enter");
    term.wait_for(r"Pod kube-system/metrics-server", Duration::from_secs(10));
    term.key("y");
    term.wait_for(r"kind: Pod", Duration::from_secs(10));
    term.key("Esc");
    // The log pane's title shows again (the overlay is gone) before the next key: an Esc
    // directly followed by `:` would read as Alt-:.
    term.wait_for(r"Logs · ", Duration::from_secs(10));
    term.wait_for(r"Step 1", Duration::from_secs(10));
    eprintln!(
        "[e2e] command mode on a real cluster: {:.1}s\n{}",
        term.elapsed().as_secs_f64(),
        term.screen()
    );
    term.key("q");
    assert_eq!(term.wait_exit(Duration::from_secs(10)), Some(0), "q quits");
}
