//! A panic inside the UI loop (forced with `MSTUI_TEST_PANIC=1`) restores the terminal and
//! prints a useful message with the log file path. Runs the real binary in a pty on the demo
//! cluster.

mod pty;

use pty::Term;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_mstui");

#[test]
fn a_panic_in_the_ui_loop_restores_the_terminal_and_names_the_log() {
    let state = tempfile::tempdir().expect("tempdir");
    let state_dir = state.path().display().to_string();
    let mut term = Term::spawn(
        BIN,
        &["--demo", "x509"],
        &[
            ("MSTUI_TEST_PANIC", "1"),
            ("XDG_STATE_HOME", &state_dir),
            ("RUST_BACKTRACE", "0"),
        ],
        100,
        30,
    );
    let screen = term.wait_for(
        r"(?s)MSTUI_TEST_PANIC is set.*Please report",
        Duration::from_secs(60),
    );
    let code = term.wait_exit(Duration::from_secs(30));
    eprintln!("[crash] exit {code:?}; screen:\n{screen}");
    assert_eq!(code, Some(101), "a panic exits with 101");
    let log = format!("{state_dir}/mstui/mstui.log");
    assert!(
        screen.replace('\n', "").contains(&log),
        "the log path {log} is shown:\n{screen}"
    );
    assert!(screen.contains("terminal was restored"), "{screen}");
    term.with_screen(|s| {
        assert!(!s.alternate_screen(), "left the alternate screen");
        assert!(!s.hide_cursor(), "the cursor is visible again");
    });
}
