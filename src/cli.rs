//! The command line (DESIGN §2): keep it stable, scripts depend on it.

pub use crate::report::LogFormat;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "mstui",
    version,
    about = "Walks you from a broken metrics-server (`kubectl top` ServiceUnavailable) back to working node metrics",
    long_about = None,
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every command accepts, spelled like kubectl's.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, merged, or ~/.kube/config)
    #[arg(long, global = true, value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (default: the current context). `check` takes it more than
    /// once, and glob patterns (`'prod-*'`), to check several clusters
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Vec<String>,
    /// Namespace to look for metrics-server in first (default: follow the APIService, then kube-system)
    #[arg(short = 'n', long = "namespace", global = true, value_name = "NS")]
    pub namespace: Option<String>,
    /// Show fixes but never change the cluster
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Interface language (default: from LC_ALL / LC_MESSAGES / LANG)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// Run against a built-in demo cluster instead of a real one (scenarios: x509, wrong-address, pending-csr)
    #[arg(
        long,
        global = true,
        value_name = "SCENARIO",
        num_args = 0..=1,
        default_missing_value = "x509",
        value_parser = clap::builder::PossibleValuesParser::new(crate::demo::SCENARIOS)
    )]
    pub demo: Option<String>,
    /// Log lines the UI keeps; older lines are dropped and counted on screen
    #[arg(long, global = true, value_name = "LINES", default_value_t = crate::tui::logbuf::DEFAULT_CAPACITY)]
    pub log_buffer: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    En,
    Ko,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Diagnose once and print the findings (exit 0 healthy, 1 problems, 2 usage, 3 unreachable/forbidden)
    Check {
        /// Output format
        #[arg(short = 'o', long = "output", value_enum, default_value_t = CheckFormat::Text)]
        output: CheckFormat,
        #[command(flatten)]
        fleet: FleetArgs,
        /// Also write a redacted incident bundle (findings, objects, logs, events, top nodes,
        /// SUMMARY.md) into DIR (created if missing; must be empty if it exists)
        #[arg(long, value_name = "DIR")]
        bundle: Option<PathBuf>,
        /// Log lines per metrics-server container in the bundle (the last N; at most 500)
        #[arg(long, value_name = "N", default_value_t = 200, requires = "bundle",
              value_parser = clap::value_parser!(u16).range(1..=500))]
        bundle_log_lines: u16,
    },
    /// Classify metrics-server log lines saved from a ticket (FILE, or - / nothing for stdin)
    AnalyzeLogs {
        /// Log file to read; `-` or nothing reads standard input
        file: Option<PathBuf>,
        /// Output format
        #[arg(short = 'o', long = "output", value_enum, default_value_t = LogFormat::Text)]
        output: LogFormat,
    },
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

/// The fleet check: several contexts, one row each.
#[derive(Debug, Clone, Args)]
pub struct FleetArgs {
    /// Check every context of the kubeconfig, one row per cluster
    #[arg(long)]
    pub all_contexts: bool,
    /// Clusters checked at the same time (fleet check)
    #[arg(long, value_name = "N", default_value_t = 8,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Time one cluster may take, connect to last answer (fleet check): 10s, 1500ms, 1m
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub timeout: std::time::Duration,
}

/// `10s`, `1500ms`, `1m`, or a bare number of seconds; between 100ms and 10m.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    use std::time::Duration;
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration; write e.g. 10s, 1500ms or 1m"))?;
    let d = match unit {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        _ => return Err(format!("unknown unit `{unit}` in `{s}`; use ms, s or m")),
    };
    if d < Duration::from_millis(100) || d > Duration::from_secs(600) {
        return Err(format!("`{s}` is out of range (100ms to 10m)"));
    }
    Ok(d)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

/// The subcommand names, which `--demo` must not swallow as its scenario.
const SUBCOMMANDS: [&str; 5] = ["check", "analyze-logs", "completions", "man", "help"];

/// `--demo` takes an optional scenario, so `mstui --demo check` would read `check` as the
/// scenario. Spell the default out in that case: `--demo=x509 check`.
pub fn normalize_args(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let mut out = Vec::with_capacity(args.len());
    for (i, a) in args.iter().enumerate() {
        let next_is_subcommand = args
            .get(i + 1)
            .and_then(|n| n.to_str())
            .is_some_and(|n| SUBCOMMANDS.contains(&n));
        if a == "--demo" && next_is_subcommand {
            out.push("--demo=x509".into());
        } else {
            out.push(a.clone());
        }
    }
    out
}

/// Exit codes of `check` (DESIGN §2).
pub mod exit {
    pub const HEALTHY: i32 = 0;
    pub const PROBLEMS: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const UNREACHABLE: i32 = 3;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(normalize_args(args.iter().map(std::ffi::OsString::from)))
    }

    #[test]
    fn demo_takes_an_optional_scenario_without_swallowing_subcommands() {
        let cli = parse(&["mstui", "--demo"]).expect("parses");
        assert_eq!(cli.global.demo.as_deref(), Some("x509"));
        let cli = parse(&["mstui", "--demo", "wrong-address"]).expect("parses");
        assert_eq!(cli.global.demo.as_deref(), Some("wrong-address"));
        let cli = parse(&["mstui", "--demo", "check", "-o", "json"]).expect("parses");
        assert_eq!(cli.global.demo.as_deref(), Some("x509"));
        assert!(matches!(
            cli.command,
            Some(Command::Check {
                output: CheckFormat::Json,
                ..
            })
        ));
        let cli = parse(&["mstui", "check", "--demo"]).expect("parses");
        assert_eq!(cli.global.demo.as_deref(), Some("x509"));
        let err = parse(&["mstui", "--demo", "nope"]).expect_err("unknown scenario");
        assert!(
            err.to_string().contains("wrong-address"),
            "lists the scenarios: {err}"
        );
    }

    #[test]
    fn kubectl_style_flags() {
        let cli = parse(&[
            "mstui",
            "-n",
            "monitoring",
            "--context",
            "prod",
            "--read-only",
            "check",
        ])
        .expect("parses");
        assert_eq!(cli.global.namespace.as_deref(), Some("monitoring"));
        assert_eq!(cli.global.context, vec!["prod".to_string()]);
        assert!(cli.global.read_only);
        assert_eq!(cli.global.log_buffer, crate::tui::logbuf::DEFAULT_CAPACITY);
        let cli = parse(&["mstui", "--log-buffer", "500", "--demo"]).expect("parses");
        assert_eq!(cli.global.log_buffer, 500);
        assert!(parse(&["mstui", "--log-buffer", "lots"]).is_err());
    }

    #[test]
    fn fleet_flags() {
        let cli = parse(&[
            "mstui",
            "check",
            "--context",
            "prod-*",
            "--context",
            "staging",
            "--concurrency",
            "3",
            "--timeout",
            "1500ms",
        ])
        .expect("parses");
        assert_eq!(cli.global.context, vec!["prod-*", "staging"]);
        let Some(Command::Check { fleet, .. }) = cli.command else {
            panic!("check expected")
        };
        assert_eq!(fleet.concurrency, 3);
        assert_eq!(fleet.timeout, std::time::Duration::from_millis(1500));
        let Some(Command::Check { fleet, bundle, .. }) =
            parse(&["mstui", "check", "--all-contexts"])
                .expect("parses")
                .command
        else {
            panic!("check expected")
        };
        assert!(fleet.all_contexts);
        assert_eq!(fleet.concurrency, 8, "documented default");
        assert_eq!(
            fleet.timeout,
            std::time::Duration::from_secs(10),
            "documented default"
        );
        assert!(bundle.is_none());
        assert!(parse(&["mstui", "check", "--concurrency", "0"]).is_err());
        assert!(
            parse(&["mstui", "check", "--bundle-log-lines", "5"]).is_err(),
            "needs --bundle"
        );
    }

    #[test]
    fn durations() {
        use std::time::Duration;
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "s", "10h", "-1s", "1.5s", "0s", "11m"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} must be refused");
        }
    }
}
