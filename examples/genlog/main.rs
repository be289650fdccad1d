//! A deterministic metrics-server log for benchmarks: the same seed gives the same bytes.
//!
//! ```text
//! cargo run --release --example genlog -- --lines 1000000 --seed 1 > ms.log
//! cargo run --release --example genlog -- --random-bytes 52428800 --seed 1 > random.bin
//! cargo run --release --example genlog -- --literals > literals.txt   # analyze-logs' prefilter
//! ```
//!
//! What the lines look like is described in `mix.rs`.

mod mix;

use std::io::{self, BufWriter, Write};

fn usage() -> ! {
    eprintln!(
        "usage: genlog (--lines N | --random-bytes N) [--seed S]   (writes to standard output)\n       genlog --literals"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| -> Option<u64> {
        let i = args.iter().position(|a| a == name)?;
        Some(
            args.get(i + 1)
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage()),
        )
    };
    let seed = value("--seed").unwrap_or(1);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = if args.iter().any(|a| a == "--literals") {
        mstui::logs::candidates::candidate_literals()
            .iter()
            .try_for_each(|l| writeln!(out, "{l}"))
    } else if let Some(n) = value("--lines") {
        mix::log(&mut out, n, seed)
    } else if let Some(n) = value("--random-bytes") {
        mix::random_bytes(&mut out, n, seed)
    } else {
        usage()
    };
    if let Err(e) = result.and_then(|()| out.flush()) {
        eprintln!("genlog: {e}");
        std::process::exit(1);
    }
}
