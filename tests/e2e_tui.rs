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
