//! The generator behind `examples/genlog` (also compiled into the benchmarks): a seeded,
//! deterministic metrics-server log.
//!
//! Lines: 5% `x509: certificate signed by unknown authority`, 5% `connect: connection refused`,
//! the rest benign info lines. Each problem line is written in the wording of one
//! metrics-server generation, picked at random: v0.3 (`manager.go`, aggregated
//! `kubelet_summary:` errors), v0.4 (`server.go`, aggregated `from node`), v0.5–v0.6 and
//! v0.7–v0.8 (`scraper.go` structured klog), v0.7+ JSON logging.

#![allow(dead_code)]

use std::io::{self, Write};

/// xorshift64*: tiny, fast, and fixed forever, so a seed names a file.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // Never zero, and different seeds diverge at once.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const NODES: u64 = 50;

/// The time of line `i`: a tick a few milliseconds apart, klog's `mmdd hh:mm:ss.uuuuuu`.
fn klog_time(us: u64) -> String {
    let s = us / 1_000_000;
    format!(
        "1110 {:02}:{:02}:{:02}.{:06}",
        (10 + s / 3600) % 24,
        (s / 60) % 60,
        s % 60,
        us % 1_000_000
    )
}

#[derive(Clone, Copy)]
enum Problem {
    UnknownAuthority,
    Refused,
}

fn problem_line(out: &mut impl Write, rng: &mut Rng, us: u64, p: Problem) -> io::Result<()> {
    let n = rng.below(NODES);
    let node = format!("worker-{n}");
    let ip = format!("10.0.{}.{}", n / 200, 10 + n % 200);
    let t = klog_time(us);
    let err = |url: &str| match p {
        Problem::UnknownAuthority => "x509: certificate signed by unknown authority".to_owned(),
        Problem::Refused => format!("dial tcp {}: connect: connection refused", url),
    };
    let target = format!("{ip}:10250");
    match rng.below(5) {
        0 => writeln!(
            out,
            "E{t}       1 manager.go:111] unable to fully collect metrics: unable to fully scrape metrics from source kubelet_summary:{node}: unable to fetch metrics from Kubelet {node} ({ip}): Get https://{ip}:10250/stats/summary?only_cpu_and_memory=true: {}",
            err(&target)
        ),
        1 => writeln!(
            out,
            "E{t}       1 server.go:132] unable to fully scrape metrics: unable to fully scrape metrics from node {node}: unable to fetch metrics from node {node}: Get \"https://{ip}:10250/stats/summary?only_cpu_and_memory=true\": {}",
            err(&target)
        ),
        2 => writeln!(
            out,
            "E{t}       1 scraper.go:140] \"Failed to scrape node\" err=\"Get \\\"https://{ip}:10250/stats/summary?only_cpu_and_memory=true\\\": {}\" node=\"{node}\"",
            err(&target)
        ),
        3 => {
            let e = match p {
                Problem::UnknownAuthority => {
                    format!("tls: failed to verify certificate: {}", err(&target))
                }
                Problem::Refused => err(&target),
            };
            writeln!(
                out,
                "E{t}       1 scraper.go:149] \"Failed to scrape node\" err=\"Get \\\"https://{ip}:10250/metrics/resource\\\": {e}\" node=\"{node}\""
            )
        }
        _ => {
            let e = match p {
                Problem::UnknownAuthority => {
                    format!("tls: failed to verify certificate: {}", err(&target))
                }
                Problem::Refused => err(&target),
            };
            writeln!(
                out,
                "{{\"ts\":{}.{:03},\"caller\":\"scraper/scraper.go:149\",\"msg\":\"Failed to scrape node\",\"node\":{{\"name\":\"{node}\"}},\"err\":\"Get \\\"https://{ip}:10250/metrics/resource\\\": {e}\"}}",
                1_762_770_600_000 + us / 1000,
                us % 1000
            )
        }
    }
}

/// Benign lines of every generation, at the verbosities clusters commonly run.
fn info_line(out: &mut impl Write, rng: &mut Rng, us: u64) -> io::Result<()> {
    let n = rng.below(NODES);
    let t = klog_time(us);
    match rng.below(10) {
        0 => writeln!(
            out,
            "I{t}       1 manager.go:95] Scraping metrics from {} sources",
            1 + n
        ),
        1 => writeln!(
            out,
            "I{t}       1 manager.go:148] ScrapeMetrics: time: {}.{}ms, nodes: {NODES}, pods: {}",
            rng.below(900),
            rng.below(10),
            rng.below(3000)
        ),
        2 => writeln!(
            out,
            "I{t}       1 scraper.go:144] \"Scraping node\" node=\"worker-{n}\""
        ),
        3 => writeln!(
            out,
            "I{t}       1 scraper.go:181] \"Scrape finished\" duration=\"{}.{}ms\" nodeCount={NODES} podCount={}",
            rng.below(900),
            rng.below(10),
            rng.below(3000)
        ),
        4 => writeln!(
            out,
            "I{t}       1 round_trippers.go:553] GET https://10.96.0.1:443/api/v1/nodes?resourceVersion={} 200 OK in {} milliseconds",
            rng.below(1_000_000),
            rng.below(40)
        ),
        5 => writeln!(
            out,
            "I{t}       1 storage.go:104] \"Storing metrics\" nodes={NODES} pods={}",
            rng.below(3000)
        ),
        6 => writeln!(
            out,
            "I{t}       1 handler.go:288] Adding GroupVersion metrics.k8s.io v1beta1 to ResourceManager"
        ),
        7 => writeln!(
            out,
            "I{t}       1 secure_serving.go:213] Serving securely on [::]:10250"
        ),
        8 => writeln!(
            out,
            "{{\"ts\":{}.{:03},\"caller\":\"scraper/scraper.go:144\",\"msg\":\"Scraping node\",\"node\":{{\"name\":\"worker-{n}\"}},\"v\":2}}",
            1_762_770_600_000 + us / 1000,
            us % 1000
        ),
        _ => writeln!(
            out,
            "I{t}       1 shared_informer.go:320] Caches are synced for RequestHeaderAuthRequestController"
        ),
    }
}

pub fn log(out: &mut impl Write, lines: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng::new(seed);
    let mut us = 0;
    for _ in 0..lines {
        us += 1 + rng.below(5_000);
        match rng.below(100) {
            0..5 => problem_line(out, &mut rng, us, Problem::UnknownAuthority)?,
            5..10 => problem_line(out, &mut rng, us, Problem::Refused)?,
            _ => info_line(out, &mut rng, us)?,
        }
    }
    Ok(())
}

pub fn random_bytes(out: &mut impl Write, n: u64, seed: u64) -> io::Result<()> {
    let mut rng = Rng::new(seed);
    let mut left = n;
    let mut chunk = [0u8; 8192];
    while left > 0 {
        for c in chunk.chunks_mut(8) {
            c.copy_from_slice(&rng.next().to_le_bytes()[..c.len()]);
        }
        let take = left.min(chunk.len() as u64) as usize;
        out.write_all(&chunk[..take])?;
        left -= take as u64;
    }
    Ok(())
}
