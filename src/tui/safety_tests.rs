//! Property: no request that changes the cluster without a confirm. Random sequences of keys and
//! of server answers (dry-run passed or failed, apply ok / conflict / refused, fresh snapshots)
//! drive `update`; an oracle that only watches the effects and the drawn screen checks that every
//! `Effect::Apply`
//! - is produced by the confirm key `y`,
//! - while the change dialog ("Review the change") is on the screen,
//! - for exactly the change whose server-side dry-run was answered with a pass,
//! - at most once per dialog id.

use super::app::{App, Options};
use super::msg::{Change, Effect, Msg};
use super::text as t;
use super::theme::Theme;
use super::ui;
use crate::cluster::apply::ApplyError;
use crate::diagnose::sample;
use crate::vocab::Lang;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::collections::{HashMap, HashSet, VecDeque};

#[derive(Debug, Clone)]
enum Step {
    Key(KeyCode),
    /// Answer the oldest pending dry-run.
    DryRun(bool),
    /// Answer the oldest pending apply: 0 ok, 1 conflict, 2 refused.
    Applied(u8),
    /// Answer the oldest pending snapshot request.
    Snapshot,
}

fn step() -> impl Strategy<Value = Step> {
    let keys = prop::sample::select(vec![
        KeyCode::Char('1'),
        KeyCode::Char('2'),
        KeyCode::Char('3'),
        KeyCode::Char('4'),
        KeyCode::Char('y'),
        KeyCode::Char('y'),
        KeyCode::Char('y'),
        KeyCode::Char('n'),
        KeyCode::Char('j'),
        KeyCode::Char('k'),
        KeyCode::Char('u'),
        KeyCode::Char('R'),
        KeyCode::Char('e'),
        KeyCode::Char('r'),
        KeyCode::Char('/'),
        KeyCode::Char('x'),
        KeyCode::Char('-'),
        KeyCode::Char(' '),
        KeyCode::Enter,
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::Backspace,
        KeyCode::Up,
        KeyCode::Down,
    ]);
    prop_oneof![
        6 => keys.prop_map(Step::Key),
        2 => any::<bool>().prop_map(Step::DryRun),
        1 => (0u8..3).prop_map(Step::Applied),
        1 => Just(Step::Snapshot),
    ]
}

fn dialog_on_screen(app: &App) -> bool {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    terminal
        .draw(|f| ui::render(app, f, Theme::new(false)))
        .expect("draw");
    let buf = terminal.backend().buffer();
    let text: String = buf.content().iter().map(|c| c.symbol()).collect();
    text.contains(t::DIALOG_TITLE.get(Lang::En))
}

/// Run one sequence; returns how many applies the oracle accepted.
fn run(steps: &[Step], read_only: bool) -> Result<usize, TestCaseError> {
    let snap = sample::x509();
    let (mut app, start) = App::new(
        Options {
            lang: Lang::En,
            read_only,
            ..Options::default()
        },
        snap.cluster.clone(),
        sample::now(),
    );
    app.update(Msg::Resize {
        width: 100,
        height: 30,
    });
    let mut snapshots: VecDeque<u64> = VecDeque::new();
    let mut dry_runs: VecDeque<(u64, Change)> = VecDeque::new();
    let mut applies: VecDeque<u64> = VecDeque::new();
    let mut passed: HashMap<u64, Change> = HashMap::new();
    let mut applied_ids: HashSet<u64> = HashSet::new();
    let mut accepted = 0;
    let mut effects = start;
    // The first snapshot always arrives, so the steps start from a diagnosed screen.
    let mut queue: Vec<Step> = vec![Step::Snapshot];
    queue.extend(steps.iter().cloned());
    for s in queue {
        for e in effects.drain(..) {
            match e {
                Effect::FetchSnapshot { generation } => snapshots.push_back(generation),
                Effect::DryRun { id, change } => dry_runs.push_back((id, change)),
                Effect::Apply { .. } => unreachable!("checked below"),
                _ => {}
            }
        }
        let is_confirm = matches!(s, Step::Key(KeyCode::Char('y')));
        let shown = is_confirm && app.dialog.is_some() && dialog_on_screen(&app);
        let msg = match s {
            Step::Key(k) => Msg::Key(KeyEvent::new(k, KeyModifiers::NONE)),
            Step::DryRun(ok) => {
                let Some((id, change)) = dry_runs.pop_front() else {
                    continue;
                };
                let result = if ok {
                    passed.insert(id, change.clone());
                    Ok(match &change {
                        Change::Args(p) => Some(p.after.clone()),
                        _ => None,
                    })
                } else {
                    Err(ApplyError::Invalid("admission webhook said no".into()))
                };
                Msg::DryRun { id, result }
            }
            Step::Applied(kind) => {
                let Some(id) = applies.pop_front() else {
                    continue;
                };
                let result = match kind {
                    0 => Ok(()),
                    1 => Err(ApplyError::Conflict("the object has been modified".into())),
                    _ => Err(ApplyError::Forbidden("RBAC says no".into())),
                };
                Msg::Applied { id, result }
            }
            Step::Snapshot => {
                let Some(generation) = snapshots.pop_front() else {
                    continue;
                };
                Msg::Snapshot {
                    generation,
                    snapshot: Box::new(sample::x509()),
                }
            }
        };
        let out = app.update(msg);
        for e in &out {
            if let Effect::Apply { id, change } = e {
                prop_assert!(!read_only, "read-only applied {change:?}");
                prop_assert!(is_confirm, "Apply not from the confirm key: {s:?}");
                prop_assert!(shown, "Apply without the dialog on screen");
                prop_assert_eq!(
                    passed.get(id),
                    Some(change),
                    "Apply of a change whose dry-run did not pass"
                );
                prop_assert!(applied_ids.insert(*id), "dialog {} applied twice", id);
                applies.push_back(*id);
                accepted += 1;
            }
        }
        effects = out
            .into_iter()
            .filter(|e| !matches!(e, Effect::Apply { .. }))
            .collect();
    }
    Ok(accepted)
}

fn cases() -> u32 {
    std::env::var("MSTUI_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

#[test]
fn no_apply_without_a_confirm_of_a_shown_dry_run_passed_dialog() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::Cell;
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        ..Config::default()
    });
    let applies = Cell::new(0usize);
    let with_apply = Cell::new(0usize);
    runner
        .run(&prop::collection::vec(step(), 1..80), |steps| {
            let n = run(&steps, false)?;
            applies.set(applies.get() + n);
            with_apply.set(with_apply.get() + usize::from(n > 0));
            Ok(())
        })
        .unwrap();
    eprintln!(
        "[safety] {} sequences, {} with an apply, {} applies checked",
        cases(),
        with_apply.get(),
        applies.get()
    );
    // Not vacuous: random sequences do reach the confirm of a passed dry-run.
    assert!(applies.get() > 0, "no sequence ever applied");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn read_only_never_applies(steps in prop::collection::vec(step(), 1..80)) {
        prop_assert_eq!(run(&steps, true)?, 0);
    }
}

/// The oracle is not vacuous: the newcomer's path passes it and yields one apply.
#[test]
fn the_oracle_accepts_the_real_path() {
    let steps = [
        Step::Key(KeyCode::Char('2')),
        Step::Key(KeyCode::Enter),
        Step::DryRun(true),
        Step::Key(KeyCode::Char('y')),
        Step::Applied(0),
    ];
    assert_eq!(run(&steps, false).unwrap(), 1);
}

/// A rollout that never becomes ready: the verify step reports ProgressDeadlineExceeded with the
/// controller's words and offers undo; `u` plans the exact earlier args (dry-run first).
#[test]
fn a_failed_rollout_is_reported_with_its_reason_and_undo_is_offered() {
    use super::app::VerifyPhase;
    let mut app = App::new(
        Options::default(),
        sample::x509().cluster.clone(),
        sample::now(),
    )
    .0;
    app.update(Msg::Resize {
        width: 100,
        height: 30,
    });
    app.update(Msg::Snapshot {
        generation: 1,
        snapshot: Box::new(sample::x509()),
    });
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('2'),
        KeyModifiers::NONE,
    )));
    let fx = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
    let [
        Effect::DryRun {
            id,
            change: Change::Args(plan),
        },
    ] = fx.as_slice()
    else {
        panic!("a dry-run of the quick fix: {fx:?}")
    };
    let (id, plan) = (*id, plan.clone());
    app.update(Msg::DryRun {
        id,
        result: Ok(Some(plan.after.clone())),
    });
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('y'),
        KeyModifiers::NONE,
    )));
    let fx = app.update(Msg::Applied { id, result: Ok(()) });
    let generation = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchSnapshot { generation } => Some(*generation),
            _ => None,
        })
        .expect("the applied change is verified from a fresh snapshot");

    // The cluster now runs the new args, and the rollout hit its deadline.
    let mut snap = sample::x509();
    let d = snap.deployment.as_mut().expect("deployment");
    let spec = d.spec.as_mut().unwrap().template.spec.as_mut().unwrap();
    spec.containers[plan.target.container_index].args = Some(plan.after.clone());
    d.metadata.generation = Some(7);
    d.status = Some(
        serde_json::from_value(serde_json::json!({
            "observedGeneration": 7, "replicas": 2, "updatedReplicas": 1, "availableReplicas": 1,
            "conditions": [{"type": "Progressing", "status": "False",
                            "reason": "ProgressDeadlineExceeded",
                            "message": "ReplicaSet \"metrics-server-6b9\" has timed out progressing."}]
        }))
        .unwrap(),
    );
    app.update(Msg::Snapshot {
        generation,
        snapshot: Box::new(snap),
    });
    let phase = app.verify.as_ref().map(|v| v.phase.clone());
    let Some(VerifyPhase::Failed(message)) = phase else {
        panic!("the rollout is reported failed: {phase:?}")
    };
    assert!(message.contains("ProgressDeadlineExceeded"), "{message}");
    assert!(message.contains("has timed out progressing"), "{message}");
    assert!(message.contains("press u to undo"), "{message}");

    let fx = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::NONE,
    )));
    let [
        Effect::DryRun {
            change: Change::Args(undo),
            ..
        },
    ] = fx.as_slice()
    else {
        panic!("undo starts with a dry-run: {fx:?}")
    };
    assert_eq!(
        undo.after, plan.before,
        "undo restores the exact earlier args"
    );
    assert_eq!(undo.before, plan.after);
}
