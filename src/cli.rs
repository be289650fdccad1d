//! The command line (DESIGN §2): keep it stable, scripts depend on it.

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
    /// Run against a built-in demo cluster instead of a real one
    #[arg(long, global = true, value_name = "SCENARIO", num_args = 0..=1, default_missing_value = "x509")]
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
    Ndjson,
}

/// Exit codes of `check` (DESIGN §2).
pub mod exit {
    pub const HEALTHY: i32 = 0;
    pub const PROBLEMS: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const UNREACHABLE: i32 = 3;
}
