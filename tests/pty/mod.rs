//! Driving the real binary in a pseudo-terminal: keys in, the screen (as a vt100 emulator sees
//! it) out. Waits poll the screen with a deadline; nothing sleeps blindly.

#![allow(dead_code)] // each test binary uses a different part

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Term {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Everything the program printed, for failure reports.
    started: Instant,
}

impl Term {
    /// Start `bin args…` in a `cols`×`rows` terminal with the given extra environment.
    pub fn spawn(bin: &str, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Term {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("LC_ALL");
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Ok(dir) = std::env::current_dir() {
            cmd.cwd(dir);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn in the pty");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let sink = parser.clone();
        std::thread::spawn(move || {
            // Keep the master alive as long as the reader runs.
            let _master = pty.master;
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if let Ok(mut p) = sink.lock() {
                            p.process(&buf[..n]);
                        }
                    }
                }
            }
        });
        Term {
            parser,
            writer,
            child,
            started: Instant::now(),
        }
    }

    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// The vt100 screen, for cell-level checks (colours).
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        let p = self.parser.lock().expect("parser lock");
        f(p.screen())
    }

    /// Send raw bytes (keys).
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    pub fn key(&mut self, key: &str) {
        let bytes: &[u8] = match key {
            "Enter" => b"\r",
            "Tab" => b"\t",
            "Esc" | "Escape" => b"\x1b",
            "Up" => b"\x1b[A",
            "Down" => b"\x1b[B",
            "Right" => b"\x1b[C",
            "Left" => b"\x1b[D",
            "Backspace" => b"\x7f",
            "Ctrl+S" => b"\x13",
            "Ctrl+C" => b"\x03",
            other => other.as_bytes(),
        };
        self.send(bytes);
    }

    /// Wait until the screen matches `pattern` (a regex), or fail with the screen shown.
    pub fn wait_for(&self, pattern: &str, timeout: Duration) -> String {
        let re = regex::Regex::new(pattern).expect("valid regex");
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if re.is_match(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!(
                    "after {:?}, the screen never matched /{pattern}/; it shows:\n{screen}",
                    self.started.elapsed()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait for the program to exit; returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<u32> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.exit_code());
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
