//! Flow tests of `update` (keys and messages in, state and effects out, no tokio) and screen
//! snapshots of each meaningful state (TestBackend, fixed size and `now`).

use super::app::{App, DryRun, Options, VerifyPhase};
use super::msg::{Change, Effect, Msg};
use super::theme::Theme;
use super::ui;
use crate::cluster::apply::ApplyError;
use crate::cluster::logs::{LogEvent, TimedLine};
use crate::diagnose::sample;
use crate::snapshot::Snapshot;
use crate::vocab::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn app_with(snap: Snapshot, opts: Options) -> App {
    let (mut app, fx) = App::new(opts, snap.cluster.clone(), sample::now());
    assert_eq!(
        fx,
        vec![Effect::FetchSnapshot { generation: 1 }],
        "starts by reading the cluster"
    );
    app.update(Msg::Resize {
        width: 100,
        height: 30,
    });
    let fx = app.update(Msg::Snapshot {
        generation: 1,
        snapshot: Box::new(snap),
    });
    assert!(
        fx.iter().all(|e| matches!(e, Effect::FollowLogs(_))),
        "only starts log streaming: {fx:?}"
    );
    app
}

fn x509_app() -> App {
    app_with(sample::x509(), Options::default())
}

fn applies(fx: &[Effect]) -> bool {
    fx.iter().any(|e| matches!(e, Effect::Apply { .. }))
}

/// Open the quick TLS fix from step 2 and let its dry-run pass.
fn open_quick_fix(app: &mut App) -> u64 {
    app.update(key('2'));
    let fx = app.update(code(KeyCode::Enter));
    let (id, change) = match fx.as_slice() {
        [Effect::DryRun { id, change }] => (*id, change.clone()),
        other => panic!("expected one dry-run effect, got {other:?}"),
    };
    let Change::Args(plan) = change else {
        panic!("an args change")
    };
    assert!(plan.after.iter().any(|a| a == "--kubelet-insecure-tls"));
    app.update(Msg::DryRun {
        id,
        result: Ok(Some(plan.after.clone())),
    });
    id
}

#[test]
fn apply_only_after_explicit_confirm() {
    let mut app = x509_app();
    let id = open_quick_fix(&mut app);
    // No other key applies: navigation, refresh, undo, restart, help, enter.
    for m in [
        key('j'),
        key('k'),
        code(KeyCode::Enter),
        key('r'),
        key('u'),
        key('R'),
        key('e'),
        code(KeyCode::Tab),
    ] {
        assert!(!applies(&app.update(m)), "only y applies");
    }
    let fx = app.update(key('y'));
    assert!(matches!(fx.as_slice(), [Effect::Apply { id: applied, .. }] if *applied == id));
    // A second y while applying does not send it twice.
    assert!(!applies(&app.update(key('y'))));
}

#[test]
fn confirm_is_refused_until_the_dry_run_passed() {
    let mut app = x509_app();
    app.update(key('2'));
    let fx = app.update(code(KeyCode::Enter));
    let Some(Effect::DryRun { id, .. }) = fx.first() else {
        panic!("dry-run first")
    };
    assert!(!applies(&app.update(key('y'))), "dry-run still running");
    app.update(Msg::DryRun {
        id: *id,
        result: Err(ApplyError::Invalid("admission webhook said no".into())),
    });
    assert!(matches!(
        app.dialog.as_ref().map(|d| &d.dry_run),
        Some(DryRun::Failed(_))
    ));
    assert!(!applies(&app.update(key('y'))), "failed dry-run");
    assert!(app.status.is_some(), "the refusal is explained");
}

#[test]
fn cancel_closes_without_effects() {
    let mut app = x509_app();
    open_quick_fix(&mut app);
    assert!(app.update(key('n')).is_empty());
    assert!(app.dialog.is_none());
    assert!(
        !applies(&app.update(key('y'))),
        "y outside a dialog does nothing"
    );
}

#[test]
fn read_only_never_sends_anything() {
    let mut app = app_with(
        sample::x509(),
        Options {
            lang: Lang::En,
            read_only: true,
            ..Options::default()
        },
    );
    app.update(key('2'));
    let fx = app.update(code(KeyCode::Enter));
    assert!(
        fx.is_empty(),
        "not even a dry-run in read-only mode: {fx:?}"
    );
    let d = app.dialog.as_ref().expect("the plan is still shown");
    assert!(
        d.blocked
            .as_deref()
            .is_some_and(|r| r.contains("--read-only"))
    );
    assert!(!applies(&app.update(key('y'))));
}

#[test]
fn missing_permission_blocks_before_any_request_and_names_it() {
    let mut snap = sample::x509();
    snap.permissions = vec![sample::patch_denied()];
    let mut app = app_with(snap, Options::default());
    app.update(key('2'));
    assert!(app.update(code(KeyCode::Enter)).is_empty());
    let reason = app
        .dialog
        .as_ref()
        .and_then(|d| d.blocked.clone())
        .expect("blocked");
    assert!(
        reason.contains("patch deployments.apps -n kube-system"),
        "{reason}"
    );
    assert!(!applies(&app.update(key('y'))));
}

#[test]
fn conflict_replans_and_shows_the_new_diff_instead_of_overwriting() {
    let mut app = x509_app();
    let id = open_quick_fix(&mut app);
    app.update(key('y'));
    let fx = app.update(Msg::Applied {
        id,
        result: Err(ApplyError::Conflict("the object has been modified".into())),
    });
    let generation = match fx.as_slice() {
        [Effect::FetchSnapshot { generation }] => *generation,
        other => panic!("expected a re-read, got {other:?}"),
    };
    assert!(app.dialog.as_ref().is_some_and(|d| d.replanning));
    // Someone else changed the args meanwhile.
    let mut snap = sample::x509();
    let d = snap.deployment.as_mut().expect("deployment");
    d.metadata.resource_version = Some("999".into());
    let fx = app.update(Msg::Snapshot {
        generation,
        snapshot: Box::new(snap),
    });
    let Some(Effect::DryRun {
        change: Change::Args(plan),
        ..
    }) = fx.iter().find(|e| matches!(e, Effect::DryRun { .. }))
    else {
        panic!("a fresh dry-run of the re-made plan: {fx:?}")
    };
    assert_eq!(
        plan.resource_version, "999",
        "planned against the new version"
    );
    assert!(!app.dialog.as_ref().expect("dialog").applying);
}

#[test]
fn applied_change_moves_to_verify_and_undo_restores() {
    let mut app = x509_app();
    let id = open_quick_fix(&mut app);
    app.update(key('y'));
    let fx = app.update(Msg::Applied { id, result: Ok(()) });
    assert!(matches!(fx.as_slice(), [Effect::FetchSnapshot { .. }]));
    assert_eq!(app.step, crate::vocab::Step::RestartVerify);
    assert!(matches!(
        app.verify.as_ref().map(|v| &v.phase),
        Some(VerifyPhase::RollingOut(_))
    ));
    assert_eq!(app.history.len(), 1);
    // The next snapshot shows the applied args.
    let mut snap = sample::x509();
    let applied = app.history[0].plan.after.clone();
    if let Some(c) = snap.deployment.as_mut().and_then(|d| {
        d.spec
            .as_mut()?
            .template
            .spec
            .as_mut()?
            .containers
            .first_mut()
    }) {
        c.args = Some(applied);
    }
    let generation = app.generation;
    app.update(Msg::Snapshot {
        generation,
        snapshot: Box::new(snap),
    });
    let fx = app.update(key('u'));
    let Some(Effect::DryRun {
        change: Change::Args(undo),
        ..
    }) = fx.first()
    else {
        panic!("undo plans a change: {fx:?}")
    };
    let original = app.history[0].plan.before.clone();
    assert_eq!(
        undo.after, original,
        "undo restores the exact previous args"
    );
}

#[test]
fn healthy_snapshot_finishes_verification() {
    let mut app = x509_app();
    let id = open_quick_fix(&mut app);
    app.update(key('y'));
    app.update(Msg::Applied { id, result: Ok(()) });
    let generation = app.generation;
    app.update(Msg::Snapshot {
        generation,
        snapshot: Box::new(sample::healthy()),
    });
    assert_eq!(
        app.verify.as_ref().map(|v| v.phase.clone()),
        Some(VerifyPhase::Done)
    );
}

#[test]
fn stale_snapshots_are_ignored() {
    let mut app = x509_app();
    app.update(key('R'));
    let newest = app.generation;
    app.update(Msg::Snapshot {
        generation: newest - 1,
        snapshot: Box::new(sample::healthy()),
    });
    assert!(
        !app.findings.is_empty(),
        "an older answer does not replace the x509 diagnosis"
    );
}

#[test]
fn search_keys_type_into_the_prompt_not_the_keymap() {
    let mut app = x509_app();
    app.update(key('l'));
    app.update(Msg::Log(LogEvent::Lines {
        pod: "metrics-server-7d9f6c5b8-abcde".into(),
        lines: vec![TimedLine { timestamp: None, text: "E1110 10:30:00.1 1 s.go:1] \"Failed to scrape node\" err=\"x509: certificate signed by unknown authority\" node=\"worker-1\"".into() }],
    }));
    app.update(key('/'));
    for c in "quit".chars() {
        app.update(key(c));
    }
    assert!(!app.should_quit, "q inside the search prompt is text");
    assert_eq!(app.search_input.as_deref(), Some("quit"));
    app.update(code(KeyCode::Esc));
    assert!(app.search_input.is_none());
    app.update(key('q'));
    assert!(app.should_quit);
}

// ---- screens ----------------------------------------------------------------------------------

fn screen(app: &App, width: u16, height: u16, color: bool) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| ui::render(app, f, Theme::new(color)))
        .expect("draw");
    terminal
}

fn x509_with_logs(lang: Lang) -> App {
    let mut app = app_with(
        sample::x509(),
        Options {
            lang,
            read_only: false,
            ..Options::default()
        },
    );
    let lines = sample::logs::x509_unknown_authority()
        .lines()
        .map(|l| TimedLine {
            timestamp: None,
            text: l.to_string(),
        })
        .collect();
    app.update(Msg::Log(LogEvent::Attached {
        pod: sample::POD.into(),
    }));
    app.update(Msg::Log(LogEvent::Lines {
        pod: sample::POD.into(),
        lines,
    }));
    app
}

#[test]
fn screen_loading() {
    let (app, _) = App::new(Options::default(), sample::x509().cluster, sample::now());
    insta::assert_snapshot!(screen(&app, 80, 24, false).backend());
}

#[test]
fn screen_healthy() {
    let mut app = app_with(sample::healthy(), Options::default());
    app.update(key('4'));
    insta::assert_snapshot!(screen(&app, 100, 30, false).backend());
}

#[test]
fn screen_x509_in_logs() {
    let app = x509_with_logs(Lang::En);
    insta::assert_snapshot!(screen(&app, 100, 30, false).backend());
}

#[test]
fn screen_x509_at_80x24() {
    let mut app = x509_with_logs(Lang::En);
    app.update(key('2'));
    insta::assert_snapshot!(screen(&app, 80, 24, false).backend());
}

#[test]
fn screen_apiservice_unavailable() {
    let mut app = app_with(sample::apiservice_unavailable(), Options::default());
    app.update(key('3'));
    insta::assert_snapshot!(screen(&app, 100, 30, false).backend());
}

#[test]
fn screen_fix_dialog_with_diff_and_dry_run() {
    let mut app = x509_with_logs(Lang::En);
    open_quick_fix(&mut app);
    insta::assert_snapshot!(screen(&app, 100, 30, false).backend());
}

/// The quick TLS fix opened in `--read-only`: shown, never sent.
fn read_only_dialog() -> App {
    let mut app = app_with(
        sample::x509(),
        Options {
            lang: Lang::En,
            read_only: true,
            ..Options::default()
        },
    );
    app.update(key('2'));
    app.update(code(KeyCode::Enter));
    app
}

#[test]
fn screen_read_only_dialog() {
    let app = read_only_dialog();
    insta::assert_snapshot!(screen(&app, 100, 30, false).backend());
}

#[test]
fn screen_args_editor_with_validation_error() {
    let mut app = x509_app();
    app.update(key('e'));
    assert!(app.editor.is_some());
    app.update(code(KeyCode::End));
    app.update(code(KeyCode::Enter));
    for c in "--metric-resolution=5s".chars() {
        app.update(key(c));
    }
    let problems = &app.editor.as_ref().expect("editor").problems;
    assert!(
        problems
            .iter()
            .any(|p| p.flag.contains("metric-resolution")),
        "{problems:?}"
    );
    insta::assert_snapshot!(screen(&app, 100, 30, false).backend());
}

#[test]
fn screen_rollout_in_progress() {
    let mut app = x509_app();
    let id = open_quick_fix(&mut app);
    app.update(key('y'));
    app.update(Msg::Applied { id, result: Ok(()) });
    let mut snap = sample::x509();
    if let Some(d) = snap.deployment.as_mut() {
        d.metadata.generation = Some(3);
        if let Some(s) = d.status.as_mut() {
            s.observed_generation = Some(3);
            s.replicas = Some(2);
            s.updated_replicas = Some(1);
        }
    }
    let generation = app.generation;
    app.update(Msg::Snapshot {
        generation,
        snapshot: Box::new(snap),
    });
    assert!(matches!(
        app.verify.as_ref().map(|v| &v.phase),
        Some(VerifyPhase::RollingOut(_))
    ));
    insta::assert_snapshot!(screen(&app, 100, 30, false).backend());
}

#[test]
fn screen_verification_table() {
    let mut app = x509_app();
    let id = open_quick_fix(&mut app);
    app.update(key('y'));
    app.update(Msg::Applied { id, result: Ok(()) });
    let generation = app.generation;
    app.update(Msg::Snapshot {
        generation,
        snapshot: Box::new(sample::healthy()),
    });
    insta::assert_snapshot!(screen(&app, 100, 30, false).backend());
}

#[test]
fn screen_help() {
    let mut app = x509_app();
    app.update(key('?'));
    insta::assert_snapshot!(screen(&app, 100, 40, false).backend());
}

#[test]
fn screen_korean_at_80x24() {
    let mut app = x509_with_logs(Lang::Ko);
    app.update(key('2'));
    insta::assert_snapshot!(screen(&app, 80, 24, false).backend());
}

#[test]
fn error_signatures_are_highlighted_in_colour_and_without() {
    let app = x509_with_logs(Lang::En);
    for color in [true, false] {
        let theme = Theme::new(color);
        let terminal = screen(&app, 100, 30, color);
        let buffer = terminal.backend().buffer();
        let expected = theme.span(crate::logs::SpanClass::Signature(
            crate::vocab::Severity::Error,
        ));
        let area = buffer.area;
        let mut found = false;
        for y in 0..area.height {
            let row: String = (0..area.width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect();
            if let Some(col) = row.find("certificate signed by unknown") {
                let x = row[..col].chars().count() as u16;
                let cell = &buffer[(x, y)];
                assert_eq!(cell.fg, expected.fg.unwrap_or(cell.fg), "colour={color}");
                assert!(
                    cell.modifier.contains(expected.add_modifier),
                    "colour={color}: {:?}",
                    cell.modifier
                );
                found = true;
            }
        }
        assert!(found, "the x509 signature is on screen");
    }
}

#[test]
fn screen_korean_fix_dialog_at_80x24() {
    let mut app = x509_with_logs(Lang::Ko);
    open_quick_fix(&mut app);
    let d = app.dialog.as_ref().expect("dialog");
    assert!(
        d.change.warnings()[0].get(Lang::Ko).contains("중간자 공격"),
        "the MITM warning is in Korean"
    );
    insta::assert_snapshot!(screen(&app, 80, 24, false).backend());
}

/// The app in every keymap context a user can reach: each step-pane and log-pane state, the
/// dialog, the editor, the search prompt and help.
fn every_context() -> Vec<(&'static str, App)> {
    let mut states = vec![("steps", x509_app())];
    let mut logs = x509_app();
    logs.update(key('l'));
    states.push(("logs", logs));
    let mut dialog = x509_app();
    open_quick_fix(&mut dialog);
    states.push(("dialog", dialog));
    let mut editor = x509_app();
    editor.update(key('e'));
    states.push(("editor", editor));
    let mut search = x509_app();
    search.update(key('l'));
    search.update(key('/'));
    states.push(("search", search));
    let mut help = x509_app();
    help.update(key('?'));
    states.push(("help", help));
    let mut unwrapped = x509_with_logs(Lang::En);
    unwrapped.update(key('l'));
    unwrapped.update(key('w'));
    states.push(("logs without wrap", unwrapped));
    let mut zoomed = x509_with_logs(Lang::En);
    zoomed.update(key('l'));
    zoomed.update(key('z'));
    states.push(("zoomed logs", zoomed));
    let mut command = x509_app();
    command.update(key(':'));
    states.push(("command", command));
    let mut view = x509_app();
    run_command(&mut view, "deploy");
    states.push(("view", view));
    let mut ctx = with_contexts(x509_app(), false);
    run_command(&mut ctx, "ctx");
    states.push(("ctx view", ctx));
    states
}

#[test]
fn every_footer_hint_is_a_key_that_dispatches_in_its_context() {
    use super::keymap::{self, BINDINGS};
    for (name, app) in every_context() {
        let contexts = app.contexts();
        let hints = keymap::hints(&contexts, Lang::En);
        assert!(!hints.is_empty(), "{name}: no hints");
        for (label, what) in hints {
            let binding = BINDINGS
                .iter()
                .find(|b| contexts.contains(&b.context) && b.label == label && b.in_footer)
                .unwrap_or_else(|| panic!("{name}: hint {label} has no binding"));
            let pressed = KeyEvent::new(binding.code, binding.mods);
            assert_eq!(
                keymap::lookup(&contexts, &pressed),
                Some(binding.action),
                "{name}: `{label} {what}` is shadowed by another binding"
            );
        }
    }
}

#[test]
fn the_editor_and_the_search_prompt_offer_their_own_keys_only() {
    let states = every_context();
    let hints_of = |state: &str| {
        let app = &states.iter().find(|(n, _)| *n == state).expect(state).1;
        super::keymap::hints(&app.contexts(), Lang::En)
    };
    let editor = hints_of("editor");
    assert_eq!(
        editor,
        [("Ctrl-s", "review the change"), ("Esc", "close the editor")]
    );
    let search = hints_of("search");
    assert_eq!(search, [("Enter", "search"), ("Esc", "cancel the search")]);
}

#[test]
fn editor_keys_type_text_except_its_own_bindings() {
    let mut app = x509_app();
    app.update(key('e'));
    // `q` and `r` are global keys, but in the editor they are text.
    app.update(key('q'));
    app.update(key('r'));
    assert!(!app.should_quit, "q typed into the editor must not quit");
    let editor = app.editor.as_ref().expect("editor still open");
    assert!(
        editor.area.lines().iter().any(|l| l.contains("qr")),
        "{:?}",
        editor.area.lines()
    );
    // Its own binding: Ctrl-s plans the change and opens the review dialog.
    let fx = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
    assert!(app.editor.is_none() && app.dialog.is_some(), "{fx:?}");
}

fn rows(terminal: &Terminal<TestBackend>) -> Vec<String> {
    let buffer = terminal.backend().buffer();
    let width = usize::from(buffer.area.width);
    buffer
        .content()
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect())
        .collect()
}

fn resized(mut app: App, width: u16, height: u16) -> App {
    app.update(Msg::Resize { width, height });
    app
}

#[test]
fn the_footer_keeps_help_and_quit_at_every_size_and_marks_what_it_leaves_out() {
    for (w, h) in [(60, 15), (80, 24), (200, 50)] {
        for (name, app) in every_context() {
            let app = resized(app, w, h);
            let screen = rows(&screen(&app, w, h, false));
            let footer = screen.last().expect("a last row");
            // Modal states (dialog, editor, search, help) offer their own way out instead.
            if ["steps", "logs", "logs without wrap", "zoomed logs"].contains(&name) {
                assert!(
                    footer.contains("? help") && footer.contains("q quit"),
                    "{name} at {w}x{h}: {footer:?}"
                );
            }
            let contexts = app.contexts();
            let fits = super::keymap::footer_bindings(&contexts)
                .filter(|b| app.action_applies(b.action))
                .all(|b| footer.contains(&format!("{} {}", b.label, b.help.en)));
            assert!(
                fits || footer.contains('…'),
                "{name} at {w}x{h}: hints left out without a mark: {footer:?}"
            );
        }
    }
}

#[test]
fn step_one_offers_no_fix_keys_when_it_has_no_fixes() {
    let app = x509_app();
    assert!(app.fix_items().is_empty(), "step 1 of x509 has no fixes");
    let footer = rows(&screen(&app, 200, 50, false)).pop().expect("footer");
    assert!(!footer.contains("select a fix"), "{footer}");
    assert!(!footer.contains("preview the selected fix"), "{footer}");
}

#[test]
fn read_only_shows_a_badge_and_says_why_apply_is_disabled() {
    let app = read_only_dialog();
    let screen = rows(&screen(&app, 100, 30, false));
    assert!(screen[0].contains("[read-only]"), "{}", screen[0]);
    let footer = screen.last().expect("footer");
    assert!(footer.contains("apply disabled: read-only"), "{footer}");
    assert!(!footer.contains("y confirm"), "{footer}");
}

#[test]
fn help_scrolls_to_its_last_line_at_60x15() {
    let mut app = resized(x509_app(), 60, 15);
    app.update(key('?'));
    let first = rows(&screen(&app, 60, 15, false));
    assert!(first.iter().any(|r| r.contains("Everywhere")));
    let total = super::keymap::help_lines(Lang::En).len();
    for _ in 0..total {
        app.update(code(KeyCode::Down));
    }
    let end = rows(&screen(&app, 60, 15, false));
    assert!(
        end.iter().any(|r| r.contains("close help")),
        "the last context is reachable: {end:#?}"
    );
    assert!(
        end.iter().any(|r| r.contains(&format!("/{total}"))),
        "the position is shown: {end:#?}"
    );
}

#[test]
fn status_messages_expire() {
    let mut app = x509_app();
    app.update(key('u'));
    assert!(app.status.is_some(), "nothing to undo is said");
    app.update(Msg::Tick(
        sample::now() + jiff::SignedDuration::from_secs(3),
    ));
    assert!(app.status.is_some(), "still there after 3 s");
    app.update(Msg::Tick(
        sample::now() + jiff::SignedDuration::from_secs(11),
    ));
    assert!(app.status.is_none(), "gone after 10 s");
}

#[test]
fn step_four_of_a_healthy_cluster_says_no_restart_is_needed() {
    let mut app = app_with(sample::healthy(), Options::default());
    app.update(key('4'));
    let screen = rows(&screen(&app, 100, 30, false)).join("\n");
    assert!(screen.contains("nothing needs a restart"), "{screen}");
    assert!(!screen.contains("No restart yet"), "{screen}");
}

#[test]
fn log_buffer_cap_comes_from_the_options_and_drops_are_shown() {
    let mut app = app_with(
        sample::x509(),
        Options {
            log_buffer: 5,
            ..Options::default()
        },
    );
    let lines = (0..12)
        .map(|i| TimedLine {
            timestamp: None,
            text: format!("I1110 10:30:00.000000       1 scraper.go:144] line {i}"),
        })
        .collect();
    app.update(Msg::Log(LogEvent::Lines {
        pod: sample::POD.into(),
        lines,
    }));
    assert_eq!((app.logs.len(), app.logs.dropped), (5, 7));
    let term = screen(&app, 100, 30, false);
    let text: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(text.contains("7 dropped"), "{text}");
}

#[test]
fn approving_csrs_checks_their_names_against_the_nodes_first() {
    let snap = sample::x509_pending_csrs();
    let change = super::app::plan_change(
        &super::app::Request::Fix(crate::vocab::FixId::ApproveKubeletCsrs),
        &snap,
        sample::now(),
    )
    .expect("the sample's CSRs match their nodes");
    let Change::ApproveCsrs(plan) = change else {
        panic!("a CSR approval")
    };
    assert!(!plan.csrs.is_empty());
    assert!(
        !plan
            .warnings
            .iter()
            .any(|w| w.en.starts_with("Not approving")),
        "{:?}",
        plan.warnings
    );

    // A node without the address its CSR asks for: that CSR is left pending, with the reason.
    let mut foreign = sample::x509_pending_csrs();
    for node in &mut foreign.nodes {
        if let Some(addresses) = node.status.as_mut().and_then(|s| s.addresses.as_mut()) {
            addresses.retain(|a| a.type_ != "InternalIP");
        }
    }
    match super::app::plan_change(
        &super::app::Request::Fix(crate::vocab::FixId::ApproveKubeletCsrs),
        &foreign,
        sample::now(),
    ) {
        Err(why) => assert!(why.en.starts_with("Not approving"), "{why:?}"),
        Ok(Change::ApproveCsrs(plan)) => assert!(
            plan.warnings
                .iter()
                .any(|w| w.en.starts_with("Not approving")),
            "{:?}",
            plan.warnings
        ),
        Ok(other) => panic!("{other:?}"),
    }
}

fn screen_text(app: &App, width: u16, height: u16) -> String {
    rows(&screen(app, width, height, false)).join("\n")
}

#[test]
fn zoom_gives_the_logs_the_whole_screen_and_back() {
    let mut app = resized(x509_with_logs(Lang::En), 80, 24);
    let normal = app.log_height();
    app.update(key('l'));
    app.update(key('z'));
    assert!(app.zoomed);
    assert!(
        app.log_height() > normal * 2,
        "{} vs {normal}",
        app.log_height()
    );
    let zoomed = screen_text(&app, 80, 24);
    assert!(
        !zoomed.contains("Step 1"),
        "the step pane gives way:\n{zoomed}"
    );
    assert!(zoomed.contains("zoom"), "the title says so:\n{zoomed}");
    assert!(zoomed.contains("? help"), "{zoomed}");
    app.update(key('z'));
    assert!(!app.zoomed && screen_text(&app, 80, 24).contains("Step 1"));
}

#[test]
fn without_wrap_arrows_scroll_sideways_and_the_cut_end_is_marked() {
    let mut app = resized(x509_with_logs(Lang::En), 80, 24);
    app.update(key('l'));
    // Wrapped, → still moves between steps.
    app.update(code(KeyCode::Right));
    assert_eq!(app.step.number(), 2);
    app.update(code(KeyCode::Left));
    app.update(key('w'));
    let before = screen_text(&app, 80, 24);
    assert!(before.contains("no wrap"), "{before}");
    assert!(before.contains('›'), "cut lines are marked:\n{before}");
    app.update(code(KeyCode::Right));
    app.update(code(KeyCode::Right));
    assert_eq!(app.step.number(), 1, "→ scrolls the logs now");
    assert_eq!(app.logs.hscroll, 40);
    let after = screen_text(&app, 80, 24);
    assert!(after.contains("no wrap →40"), "{after}");
    assert_ne!(before, after);
    app.update(code(KeyCode::Left));
    assert_eq!(app.logs.hscroll, 20);
    app.update(key('w'));
    assert_eq!(app.logs.hscroll, 0, "wrapping again starts at the left");
}

#[test]
fn the_log_title_counts_matches_and_shows_every_mode() {
    let mut app = x509_with_logs(Lang::En);
    app.update(key('l'));
    app.update(key('/'));
    for c in "unknown authority".chars() {
        app.update(key(c));
    }
    app.update(code(KeyCode::Enter));
    let (at, total) = app.logs.match_position().expect("a search");
    assert!(total >= 2 && at == 1, "{at}/{total}");
    app.update(key('n'));
    app.update(key('t'));
    let title = rows(&screen(&app, 200, 50, false))
        .into_iter()
        .find(|r| r.contains("┌ Logs"))
        .expect("the log pane");
    assert!(
        title.contains(&format!("/unknown authority 2/{total}")),
        "{title}"
    );
    assert!(
        title.contains("paused") && title.contains("timestamps"),
        "{title}"
    );
}

#[test]
fn step_one_does_not_look_fine_when_the_logs_could_not_be_read() {
    let mut snap = sample::healthy();
    snap.logs.clear();
    let mut failure = sample::forbidden("get", "pods/log", Some("kube-system"));
    failure.code = Some(500);
    failure.message = "Get \"https://10.0.1.11:10250/containerLogs/kube-system/ms/ms\": remote error: tls: internal error".into();
    snap.failures.push(failure);
    let app = app_with(snap, Options::default());
    assert_eq!(
        app.step_status(crate::vocab::Step::Logs),
        super::app::StepStatus::Warning
    );
    let text = screen_text(&app, 100, 30);
    assert!(text.contains("could not be read"), "{text}");
    assert!(text.contains("tls: internal error"), "{text}");
    assert!(!text.contains("No problems found"), "{text}");
}

#[test]
fn the_step_explanation_marks_what_it_cuts_and_pages_no_further_than_its_end() {
    let mut app = resized(x509_app(), 80, 24);
    let top = screen_text(&app, 80, 24);
    assert!(top.contains("more · PgUp/PgDn"), "{top}");
    for _ in 0..50 {
        app.update(code(KeyCode::PageDown));
    }
    let end = screen_text(&app, 80, 24);
    assert!(
        end.contains("above · PgUp/PgDn"),
        "the end is marked:\n{end}"
    );
    app.update(code(KeyCode::PageUp));
    assert_ne!(
        screen_text(&app, 80, 24),
        end,
        "one PgUp moves back at once, however often PgDn was pressed"
    );
}

#[test]
fn the_dialog_scrolls_no_further_than_its_end() {
    let mut app = resized(x509_app(), 60, 15);
    open_quick_fix(&mut app);
    for _ in 0..100 {
        app.update(code(KeyCode::Down));
    }
    let end = app.dialog.as_ref().expect("dialog").scroll;
    assert!(end > 0 && end < 100, "{end}");
    app.update(code(KeyCode::Up));
    assert_eq!(app.dialog.as_ref().expect("dialog").scroll, end - 1);
}

#[test]
fn a_long_status_wraps_and_a_longer_one_is_marked() {
    let mut app = resized(x509_app(), 60, 15);
    app.update(key('u'));
    let path = "/home/operator/clusters/production-eu-west-1/mstui-logs-20261201T060000Z.log";
    app.status = Some((
        crate::vocab::Severity::Info,
        format!("Saved 120 lines to {path}"),
    ));
    let status: String = rows(&screen(&app, 60, 15, false))[11..14]
        .iter()
        .map(|r| r.trim())
        .collect();
    assert!(
        status.ends_with(path),
        "the path is whole over the rows: {status}"
    );
    app.status = Some((crate::vocab::Severity::Info, "word ".repeat(80)));
    let text = screen_text(&app, 60, 15);
    assert!(text.contains('…'), "{text}");
    assert!(text.contains("? help"), "{text}");
}

#[test]
fn screens_at_60x15_and_200x50() {
    for (w, h) in [(60, 15), (200, 50)] {
        let mut steps = resized(x509_with_logs(Lang::En), w, h);
        insta::assert_snapshot!(
            format!("x509_{w}x{h}"),
            screen(&steps, w, h, false).backend()
        );
        steps.update(key('l'));
        steps.update(key('z'));
        insta::assert_snapshot!(
            format!("zoomed_{w}x{h}"),
            screen(&steps, w, h, false).backend()
        );
        let mut pending = resized(
            app_with(sample::x509_pending_csrs(), Options::default()),
            w,
            h,
        );
        pending.update(key('2'));
        insta::assert_snapshot!(
            format!("pending_csr_step2_{w}x{h}"),
            screen(&pending, w, h, false).backend()
        );
        let mut healthy = resized(app_with(sample::healthy(), Options::default()), w, h);
        healthy.update(key('4'));
        insta::assert_snapshot!(
            format!("healthy_step4_{w}x{h}"),
            screen(&healthy, w, h, false).backend()
        );
    }
}

#[test]
fn a_small_dialog_folds_unchanged_args_so_the_change_is_in_view() {
    let mut app = resized(x509_app(), 60, 15);
    open_quick_fix(&mut app);
    let text = screen_text(&app, 60, 15);
    assert!(text.contains("+ --kubelet-insecure-tls"), "{text}");
    assert!(text.contains("unchanged args"), "{text}");
    let large = resized(app, 200, 50);
    let text = screen_text(&large, 200, 50);
    assert!(
        !text.contains("unchanged args"),
        "room for every arg:\n{text}"
    );
}

// ---- command mode and object views -------------------------------------------------------------

fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    let mut fx = Vec::new();
    for c in text.chars() {
        fx.extend(app.update(key(c)));
    }
    fx
}

/// `:` + `text` + Enter; the effects of Enter.
fn run_command(app: &mut App, text: &str) -> Vec<Effect> {
    app.update(key(':'));
    type_text(app, text);
    app.update(code(KeyCode::Enter))
}

const CURRENT: &str = "kubernetes-admin@kubernetes";

fn with_contexts(mut app: App, demo: bool) -> App {
    use super::app::view::KubeContexts;
    use crate::cluster::connect::ContextEntry;
    let entry = |name: &str, server: &str| ContextEntry {
        name: name.into(),
        server: Some(server.into()),
        namespace: Some("default".into()),
        user: Some("admin".into()),
    };
    let entries = if demo {
        vec![entry("mstui-demo", "demo://x509")]
    } else {
        vec![
            entry(CURRENT, "https://10.0.0.10:6443"),
            entry("staging", "https://10.0.1.10:6443"),
            entry("stage-eu", "https://10.0.2.10:6443"),
        ]
    };
    app.update(Msg::Contexts(KubeContexts {
        entries,
        demo,
        error: None,
    }));
    app
}

#[test]
fn command_prompt_completes_opens_a_view_and_esc_goes_back() {
    use super::app::command::ViewKind;
    use super::keymap::Context;
    let mut app = x509_app();
    app.update(key(':'));
    assert_eq!(app.contexts(), [Context::Command]);
    type_text(&mut app, "po");
    app.update(code(KeyCode::Tab));
    assert_eq!(app.command.as_ref().map(|p| p.input.as_str()), Some("pods"));
    let fx = app.update(code(KeyCode::Enter));
    assert!(fx.is_empty(), "a view reads only what mstui has: {fx:?}");
    assert!(app.command.is_none(), "the prompt closes");
    assert_eq!(app.view.as_ref().map(|v| v.kind), Some(ViewKind::Pods));
    assert_eq!(app.contexts(), [Context::View]);
    let shown = rows(&screen(&app, 100, 30, false)).join("\n");
    assert!(shown.contains(":pods · summary"), "{shown}");
    assert!(
        shown.contains(&format!("Pod kube-system/{}", sample::POD)),
        "{shown}"
    );
    // y: YAML, d: back to the summary; q in a view is not typed anywhere.
    app.update(key('y'));
    let shown = rows(&screen(&app, 100, 30, false)).join("\n");
    assert!(shown.contains("kind: Pod"), "{shown}");
    app.update(key('G'));
    let v = app.view.as_ref().expect("view");
    assert!(v.scroll > 0, "G goes to the end of a long YAML");
    let shown = rows(&screen(&app, 100, 30, false)).join("\n");
    assert!(
        shown.contains(&format!("/{}", v.lines.len())),
        "position: {shown}"
    );
    app.update(key('d'));
    assert_eq!(app.view.as_ref().map(|v| v.scroll), Some(0));
    app.update(code(KeyCode::Esc));
    assert!(app.view.is_none(), "Esc goes back to the runbook");
    assert_eq!(app.contexts(), [Context::Steps, Context::Global]);
}

#[test]
fn unknown_command_is_said_and_the_prompt_closes() {
    let mut app = x509_app();
    let fx = run_command(&mut app, "bogus");
    assert!(fx.is_empty());
    assert!(app.command.is_none() && app.view.is_none());
    let (sev, text) = app.status.clone().expect("a status");
    assert_eq!(sev, crate::vocab::Severity::Error);
    assert!(text.contains("Unknown command :bogus"), "{text}");
    // Typed keys were text, not runbook keys: `q` did not quit.
    run_command(&mut app, "q-not-a-command");
    assert!(!app.should_quit);
    // Esc cancels; Backspace on an empty prompt closes it.
    app.update(key(':'));
    app.update(code(KeyCode::Esc));
    assert!(app.command.is_none());
    app.update(key(':'));
    app.update(code(KeyCode::Backspace));
    assert!(app.command.is_none());
    let fx = run_command(&mut app, "q");
    assert!(app.should_quit && fx == [Effect::Quit]);
}

#[test]
fn ctx_lists_completes_and_switches_and_an_unknown_name_loses_nothing() {
    let mut app = with_contexts(x509_app(), false);
    // Unknown: said, nothing sent, the diagnosis stays.
    let fx = run_command(&mut app, "ctx nope");
    assert!(fx.is_empty(), "{fx:?}");
    let (_, text) = app.status.clone().expect("status");
    assert!(
        text.contains("No context \"nope\"") && text.contains("still on"),
        "{text}"
    );
    assert!(app.snapshot.is_some() && !app.findings.is_empty());

    // Completion: `:ctx st` Tab → the common prefix, Tab again → the first candidate.
    app.update(key(':'));
    type_text(&mut app, "ctx st");
    app.update(code(KeyCode::Tab));
    assert_eq!(
        app.command.as_ref().map(|p| p.input.as_str()),
        Some("ctx stag")
    );
    app.update(code(KeyCode::Tab));
    assert_eq!(
        app.command.as_ref().map(|p| p.input.as_str()),
        Some("ctx staging")
    );
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(fx, [Effect::SwitchContext("staging".into())]);

    // The runner connected: adopt it, start over on the new cluster.
    let info = crate::snapshot::ClusterInfo {
        context: "staging".into(),
        server: "https://10.0.1.10:6443".into(),
        server_version: None,
    };
    let fx = app.update(Msg::Switched {
        context: "staging".into(),
        result: Ok(info),
    });
    assert_eq!(
        fx,
        [
            Effect::AdoptConnection("staging".into()),
            Effect::FetchSnapshot { generation: 2 },
            Effect::ListNamespaces
        ]
    );
    assert!(app.snapshot.is_none() && app.findings.is_empty());
    assert_eq!(app.cluster.context, "staging");
    // Lines still queued from the old cluster's stream are dropped, not shown as the new one's.
    app.update(Msg::Log(LogEvent::Lines {
        pod: sample::POD.into(),
        lines: vec![TimedLine {
            timestamp: None,
            text: "old cluster line".into(),
        }],
    }));
    assert!(app.logs.is_empty(), "a stale line got in");
    let (_, text) = app.status.clone().expect("status");
    assert!(text.contains("Switched to context staging"), "{text}");
    let header = rows(&screen(&app, 100, 30, false)).remove(0);
    assert!(header.contains("staging"), "{header}");
    // The next snapshot restarts log streaming on the new cluster.
    let mut snap = sample::x509();
    snap.cluster.context = "staging".into();
    let fx = app.update(Msg::Snapshot {
        generation: 2,
        snapshot: Box::new(snap),
    });
    assert!(
        fx.iter().any(|e| matches!(e, Effect::FollowLogs(_))),
        "{fx:?}"
    );

    // A failed connection keeps everything.
    let fx = app.update(Msg::Switched {
        context: "stage-eu".into(),
        result: Err("cannot reach the cluster".into()),
    });
    assert!(fx.is_empty());
    let (_, text) = app.status.clone().expect("status");
    assert!(
        text.contains("Still on staging: cannot switch to stage-eu"),
        "{text}"
    );
    assert!(app.snapshot.is_some());
}

/// Fleet-check rows for the three contexts of [`with_contexts`]: x509, healthy, unreachable.
fn sample_health() -> Vec<crate::fleet::Row> {
    use crate::cluster::fleet::Probe;
    let probe = |context: &str, result| Probe {
        context: context.into(),
        server: String::new(),
        took: std::time::Duration::from_millis(5),
        result,
    };
    let row = |p| crate::fleet::Row::from_probe(p, sample::now());
    vec![
        row(probe(CURRENT, Ok(sample::x509()))),
        row(probe("staging", Ok(sample::healthy()))),
        row(probe("stage-eu", Err("refused".into()))),
    ]
}

#[test]
fn ctx_view_marks_the_current_context_and_enter_switches_to_the_selected_row() {
    let mut app = with_contexts(x509_app(), false);
    let fx = run_command(&mut app, "ctx");
    assert_eq!(
        fx,
        [Effect::ListContexts, Effect::ProbeContexts],
        "the kubeconfig is read again and every context checked"
    );
    let shown = rows(&screen(&app, 100, 30, false)).join("\n");
    assert!(shown.contains(&format!("* {CURRENT}")), "{shown}");
    assert!(shown.contains("checking…"), "{shown}");
    // The fleet check's rows fill the health column.
    app.update(Msg::ContextHealth(sample_health()));
    let shown = rows(&screen(&app, 100, 30, false)).join("\n");
    assert!(!shown.contains("checking…"), "{shown}");
    assert!(shown.contains("F15"), "{shown}");
    assert!(shown.contains("healthy 3/3"), "{shown}");
    assert!(shown.contains("unreachable"), "{shown}");
    app.update(code(KeyCode::Down));
    let fx = app.update(code(KeyCode::Enter));
    assert_eq!(fx, [Effect::SwitchContext("staging".into())]);
}

#[test]
fn ctx_in_the_demo_says_it_has_one_context() {
    let mut app = with_contexts(x509_app(), true);
    let fx = run_command(&mut app, "ctx other");
    assert!(fx.is_empty());
    let (_, text) = app.status.clone().expect("status");
    assert!(text.contains("one context"), "{text}");
    run_command(&mut app, "ctx");
    let shown = rows(&screen(&app, 100, 30, false)).join("\n");
    assert!(shown.contains("nothing to switch to"), "{shown}");
    assert!(
        !app.action_applies(super::keymap::Action::Select),
        "no Enter hint"
    );
}

#[test]
fn ns_sets_the_override_and_re_diagnoses() {
    let mut app = x509_app();
    app.update(key(':'));
    type_text(&mut app, "ns m");
    // Only namespaces mstui has seen (or listed) are offered; none starts with m here.
    app.update(code(KeyCode::Tab));
    assert_eq!(app.command.as_ref().map(|p| p.input.as_str()), Some("ns m"));
    app.update(code(KeyCode::Esc));
    app.update(Msg::Namespaces(vec!["default".into(), "monitoring".into()]));
    app.update(key(':'));
    type_text(&mut app, "ns m");
    app.update(code(KeyCode::Tab));
    assert_eq!(
        app.command.as_ref().map(|p| p.input.as_str()),
        Some("ns monitoring")
    );
    app.update(code(KeyCode::Esc));
    let fx = run_command(&mut app, "ns monitoring");
    assert_eq!(
        fx,
        [
            Effect::SetNamespace(Some("monitoring".into())),
            Effect::FetchSnapshot { generation: 2 }
        ]
    );
    assert_eq!(app.opts.namespace.as_deref(), Some("monitoring"));
    run_command(&mut app, "ns");
    let (_, text) = app.status.clone().expect("status");
    assert!(text.contains("monitoring first"), "{text}");
    let fx = run_command(&mut app, "ns Not_Valid");
    assert!(fx.is_empty());
    assert!(
        app.status
            .as_ref()
            .is_some_and(|(_, t)| t.contains("not a namespace name"))
    );
}

#[test]
fn help_lists_the_commands() {
    let lines = super::keymap::help_lines(Lang::En);
    for c in [":ctx [NAME]", ":ns [NAME|-]", ":pods", ":deploy", ":quit"] {
        assert!(
            lines
                .iter()
                .any(|l| matches!(l, super::keymap::HelpLine::Row(k, _) if k == c)),
            "{c}"
        );
    }
}

fn command_prompt_app(w: u16, h: u16) -> App {
    let mut app = resized(with_contexts(x509_app(), false), w, h);
    app.update(key(':'));
    app.update(key('n'));
    app
}

#[test]
fn screen_command_prompt_at_80x24() {
    let app = command_prompt_app(80, 24);
    insta::assert_snapshot!(screen(&app, 80, 24, false).backend());
}

#[test]
fn screen_command_prompt_at_60x15() {
    let app = command_prompt_app(60, 15);
    insta::assert_snapshot!(screen(&app, 60, 15, false).backend());
}

fn yaml_view_app(w: u16, h: u16) -> App {
    let mut app = resized(x509_app(), w, h);
    run_command(&mut app, "deploy");
    app.update(key('y'));
    app
}

#[test]
fn screen_yaml_view_at_80x24() {
    let app = yaml_view_app(80, 24);
    insta::assert_snapshot!(screen(&app, 80, 24, false).backend());
}

#[test]
fn screen_yaml_view_at_60x15() {
    let app = yaml_view_app(60, 15);
    insta::assert_snapshot!(screen(&app, 60, 15, false).backend());
}

#[test]
fn screen_ctx_view_at_80x24() {
    let mut app = resized(with_contexts(x509_app(), false), 80, 24);
    run_command(&mut app, "ctx");
    app.update(Msg::ContextHealth(sample_health()));
    insta::assert_snapshot!(screen(&app, 80, 24, false).backend());
}

#[test]
fn a_view_over_zoomed_logs_keeps_the_header_and_esc_returns_to_the_zoom() {
    let mut app = resized(x509_with_logs(Lang::En), 80, 24);
    app.update(key('l'));
    app.update(key('z'));
    assert!(app.zoomed);
    run_command(&mut app, "nodes");
    let shown = rows(&screen(&app, 80, 24, false));
    assert!(shown[0].contains("mstui"), "{shown:#?}");
    assert!(shown[4].contains(":nodes"), "{shown:#?}");
    app.update(code(KeyCode::Esc));
    assert!(app.view.is_none() && app.zoomed);
}
