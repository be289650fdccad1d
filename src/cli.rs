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
    /// The kubeconfig context to use (default: the current context)
    #[arg(long, global = true, value_name = "NAME")]
    pub context: Option<String>,
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
                output: CheckFormat::Json
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
        assert_eq!(cli.global.context.as_deref(), Some("prod"));
        assert!(cli.global.read_only);
    }
}
