//! A panic anywhere leaves the user a working terminal and a way on: ratatui's hook (installed
//! by `ratatui::init`, which wraps this one) leaves raw mode and the alternate screen first;
//! this hook shows the cursor again, lets the default hook print the panic, records it in the
//! log file, and prints where that file is.
//!
//! `MSTUI_TEST_PANIC=1` makes the UI loop panic after its first frame, so the pty test
//! (`tests/crash.rs`) can prove all of this on the real binary.

use std::path::{Path, PathBuf};

/// The environment variable that makes the UI loop panic after its first frame (tests only).
pub const TEST_PANIC_ENV: &str = "MSTUI_TEST_PANIC";

/// Where `main` writes diagnostics when `MSTUI_LOG` is set.
pub fn log_path() -> Option<PathBuf> {
    crate::audit::state_dir(std::env::var_os("XDG_STATE_HOME"), std::env::var_os("HOME"))
        .map(|d| d.join("mstui.log"))
}

/// What the user reads after a crash.
pub fn message(log: Option<&Path>) -> String {
    let log = match log {
        Some(p) => format!(
            "Log file: {} (written when MSTUI_LOG is set, e.g. `MSTUI_LOG=debug mstui`).",
            p.display()
        ),
        None => "No log file (HOME and XDG_STATE_HOME are unset).".to_string(),
    };
    format!(
        "mstui stopped on an internal error (a bug); the terminal was restored and nothing more \
         was sent to the cluster.\n{log}\nPlease report the panic message above with that file."
    )
}

/// Install the hook; call before `ratatui::init` so its restore runs first.
pub fn install_hook() {
    let log = log_path();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
        tracing::error!(panic = %info, "mstui panicked");
        previous(info);
        eprintln!("{}", message(log.as_deref()));
    }));
}

/// Whether the test panic was asked for.
pub fn test_panic_requested() -> bool {
    std::env::var(TEST_PANIC_ENV).is_ok_and(|v| v == "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_log_file() {
        let m = message(Some(Path::new("/home/u/.local/state/mstui/mstui.log")));
        assert!(m.contains("/home/u/.local/state/mstui/mstui.log"), "{m}");
        assert!(m.contains("terminal was restored"));
        assert!(message(None).contains("No log file"));
    }
}
