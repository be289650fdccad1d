//! The thin binary: parse the command line, run one command, map the outcome to an exit code.

use clap::{CommandFactory, Parser};
use mstui::cli::{CheckFormat, Cli, Command, FleetArgs, GlobalArgs, exit};
use mstui::cluster::{self, Target};
use mstui::{analyze, diagnose, report};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse_from(mstui::cli::normalize_args(std::env::args_os()));
    let code = match cli.command {
        Some(Command::Check {
            output,
            fleet,
            bundle,
            bundle_log_lines,
        }) => {
            if mstui::fleet::wanted(fleet.all_contexts, &cli.global.context) {
                if bundle.is_some() {
                    eprintln!(
                        "mstui: --bundle writes one cluster's evidence; pick one --context for it"
                    );
                    exit::USAGE
                } else {
                    runtime().block_on(fleet_check(&cli.global, output, &fleet))
                }
            } else {
                let bundle = bundle.map(|dir| (dir, usize::from(bundle_log_lines)));
                runtime().block_on(check(&cli.global, output, bundle))
            }
        }
        Some(Command::AnalyzeLogs { file, output }) => {
            analyze_logs(file, output, lang(&cli.global))
        }
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "mstui", &mut std::io::stdout());
            exit::HEALTHY
        }
        Some(Command::Man) => man(),
        None => runtime().block_on(interactive(&cli.global)),
    };
    ExitCode::from(code as u8)
}

fn runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mstui: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    }
}

/// With `MSTUI_LOG` set (an env-filter such as `debug` or `mstui=debug,kube=info`), write
/// diagnostics to `$XDG_STATE_HOME/mstui/mstui.log` (default `~/.local/state/mstui/mstui.log`).
/// The returned guard flushes the log when dropped.
fn file_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let filter = std::env::var("MSTUI_LOG").ok().filter(|f| !f.is_empty())?;
    let dir = std::env::var_os("XDG_STATE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".local/state"))
        })?
        .join("mstui");
    std::fs::create_dir_all(&dir).ok()?;
    let (writer, guard) =
        tracing_appender::non_blocking(tracing_appender::rolling::never(&dir, "mstui.log"));
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// The demo cluster with `--demo`, else the cluster of the kubeconfig. Errors are printed here.
async fn connection(global: &GlobalArgs) -> Result<cluster::Connection, i32> {
    if let Some(scenario) = &global.demo {
        return mstui::demo::connect(scenario).map_err(|e| {
            eprintln!("mstui: {e}");
            exit::USAGE
        });
    }
    cluster::connect(&target(global)).await.map_err(|e| {
        eprintln!("mstui: {e}");
        exit::UNREACHABLE
    })
}

/// The one cluster of the TUI and the single-cluster check. Several `--context` values (or a
/// pattern) are the fleet check's, refused before we get here.
fn target(global: &GlobalArgs) -> Target {
    Target {
        kubeconfig: global.kubeconfig.clone(),
        context: global.context.first().cloned(),
        namespace: global.namespace.clone(),
    }
}

/// `check --all-contexts` / `--context` repeated or a pattern: one row per cluster.
async fn fleet_check(global: &GlobalArgs, output: CheckFormat, args: &FleetArgs) -> i32 {
    if global.demo.is_some() {
        eprintln!("mstui: the demo is one cluster; drop --all-contexts / the context pattern");
        return exit::USAGE;
    }
    let (kubeconfig, source) = match cluster::connect::load_kubeconfig(&target(global)) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("mstui: {e}");
            return exit::UNREACHABLE;
        }
    };
    let available: Vec<String> = kubeconfig.contexts.iter().map(|c| c.name.clone()).collect();
    let contexts =
        match mstui::fleet::select_contexts(&available, &global.context, args.all_contexts) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("mstui: {e}");
                return exit::USAGE;
            }
        };
    let limits = cluster::fleet::Limits {
        concurrency: usize::from(args.concurrency),
        timeout: args.timeout,
    };
    let probes = cluster::fleet::probe_all(
        &kubeconfig,
        &source,
        &contexts,
        global.namespace.clone(),
        limits,
    )
    .await;
    let now = jiff::Timestamp::now();
    let rows: Vec<mstui::fleet::Row> = probes
        .into_iter()
        .map(|p| mstui::fleet::Row::from_probe(p, now))
        .collect();
    let text = match output {
        CheckFormat::Json => mstui::fleet::json(&rows),
        CheckFormat::Text => mstui::fleet::table(&rows, paint()),
    };
    print_out(&text);
    let down = mstui::fleet::unreachable(&rows);
    if !down.is_empty() {
        eprintln!("mstui: unreachable: {}", down.join("; "));
    }
    mstui::fleet::exit_code(&rows)
}

fn paint() -> report::Paint {
    report::Paint {
        color: report::use_color(std::io::stdout().is_terminal(), |k| std::env::var(k).ok()),
    }
}

async fn check(
    global: &GlobalArgs,
    output: CheckFormat,
    bundle: Option<(std::path::PathBuf, usize)>,
) -> i32 {
    if let Some((dir, _)) = &bundle
        && let Err(e) = mstui::bundle::prepare_dir(dir)
    {
        eprintln!("mstui: {e}");
        return exit::USAGE;
    }
    let conn = match connection(global).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let now = jiff::Timestamp::now();
    let snap = cluster::snapshot(&conn, now).await;
    if let Some(reason) = cluster::fetch::unreadable(&snap) {
        eprintln!("mstui: {reason}");
        return exit::UNREACHABLE;
    }
    let findings = diagnose::diagnose(&snap, now);
    let text = match output {
        CheckFormat::Json => report::check_json(&snap, &findings),
        CheckFormat::Text => {
            let color =
                report::use_color(std::io::stdout().is_terminal(), |k| std::env::var(k).ok());
            report::check_text(&snap, &findings, report::Paint { color }, lang(global))
        }
    };
    print_out(&text);
    if let Some((dir, log_lines)) = bundle {
        let files = mstui::bundle::build(
            &snap,
            &findings,
            now,
            log_lines,
            &mstui::bundle::Session::default(),
        );
        match mstui::bundle::write(&dir, &files) {
            Ok(()) => eprintln!("mstui: wrote the incident bundle to {}", dir.display()),
            Err(e) => {
                eprintln!("mstui: cannot write the bundle: {e}");
                return exit::USAGE;
            }
        }
    }
    if mstui::diagnose::has_problems(&findings) {
        exit::PROBLEMS
    } else {
        exit::HEALTHY
    }
}

/// The TUI. Connecting (and so any exec-auth plugin prompt) happens before raw mode.
async fn interactive(global: &GlobalArgs) -> i32 {
    if global.context.len() > 1 || global.context.iter().any(|c| mstui::fleet::is_glob(c)) {
        eprintln!(
            "mstui: the UI works on one cluster; several --context values or a pattern are for `mstui check`"
        );
        return exit::USAGE;
    }
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "mstui: the interactive UI needs a terminal; for scripts use `mstui check -o json`"
        );
        return exit::USAGE;
    }
    // The screen is the UI: diagnostics go to a file, and only when asked for.
    let _log_guard = file_logging();
    let conn = match connection(global).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let opts = mstui::tui::app::Options {
        lang: lang(global),
        read_only: global.read_only,
        log_buffer: global.log_buffer,
        namespace: global.namespace.clone(),
    };
    let source = if global.demo.is_some() {
        mstui::tui::runner::Source::Demo
    } else {
        mstui::tui::runner::Source::Kubeconfig(target(global))
    };
    match mstui::tui::run(conn, source, opts).await {
        Ok(()) => exit::HEALTHY,
        Err(e) => {
            eprintln!("mstui: {e:#}");
            1
        }
    }
}

fn lang(global: &GlobalArgs) -> mstui::vocab::Lang {
    let explicit = global.lang.map(|l| match l {
        mstui::cli::LangArg::En => mstui::vocab::Lang::En,
        mstui::cli::LangArg::Ko => mstui::vocab::Lang::Ko,
    });
    mstui::vocab::Lang::from_env(explicit)
}

/// Streams the input: results are written as lines are read, memory stays bounded.
fn analyze_logs(
    file: Option<std::path::PathBuf>,
    output: mstui::cli::LogFormat,
    lang: mstui::vocab::Lang,
) -> i32 {
    let input: Box<dyn Read + Send> = match file.as_deref() {
        Some(p) if p.as_os_str() != "-" => match std::fs::File::open(p) {
            Ok(f) => Box::new(f),
            Err(e) => return cannot_read(file.as_deref(), &e),
        },
        _ => Box::new(std::io::stdin()),
    };
    let color = report::use_color(std::io::stdout().is_terminal(), |k| std::env::var(k).ok());
    let out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let problems = match analyze::run(input, out, output, report::Paint { color }, lang) {
        Ok(tally) => tally.has_problems(),
        Err(analyze::RunError::Read(e)) => return cannot_read(file.as_deref(), &e),
        // A closed pipe (`| head`): stop quietly, like the line tools.
        Err(analyze::RunError::Write { problems, .. }) => problems,
    };
    if problems {
        exit::PROBLEMS
    } else {
        exit::HEALTHY
    }
}

fn cannot_read(file: Option<&std::path::Path>, e: &std::io::Error) -> i32 {
    let name = file
        .filter(|p| p.as_os_str() != "-")
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "standard input".into());
    eprintln!("mstui: cannot read {name}: {e}");
    exit::USAGE
}

fn man() -> i32 {
    let mut buf = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut buf) {
        Ok(()) => {
            print_out(&String::from_utf8_lossy(&buf));
            exit::HEALTHY
        }
        Err(e) => {
            eprintln!("mstui: cannot render the man page: {e}");
            1
        }
    }
}

/// Print, ignoring a closed pipe (`mstui check | head`) rather than panicking.
fn print_out(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    if !text.ends_with('\n') {
        let _ = out.write_all(b"\n");
    }
    let _ = out.flush();
}
