//! The change flow: the fixes a step offers, plan → permission and read-only gate → server-side
//! dry-run → confirm → apply → record for undo, and re-planning after a conflict.

use super::*;
use crate::cluster::apply::ApplyError;
use crate::fix::plan as planner;
use crate::snapshot::Snapshot;
use crate::tui::msg::{Change, Effect};
use crate::tui::text as t;
use crate::vocab::{FixId, Prose, RuleId, Severity, Step};
use jiff::Timestamp;

impl App {
    /// The fixes the current step offers: `(rule, fix)`, each fix once, in finding order. Step 4
    /// always offers restart & verify.
    pub fn fix_items(&self) -> Vec<(Option<RuleId>, FixId)> {
        let mut items: Vec<(Option<RuleId>, FixId)> = Vec::new();
        for f in self.findings.iter().filter(|f| f.step == self.step) {
            for fix in &f.fixes {
                if !items.iter().any(|(_, x)| x == fix) {
                    items.push((Some(f.id), *fix));
                }
            }
        }
        if self.step == Step::RestartVerify
            && !items.iter().any(|(_, x)| *x == FixId::RolloutRestart)
        {
            items.push((None, FixId::RolloutRestart));
        }
        items
    }

    /// Plan a change and open the dialog; the dry-run starts at once unless the change is blocked.
    pub(super) fn open(&mut self, request: Request) -> Vec<Effect> {
        let Some(snap) = self.snapshot.as_ref() else {
            self.say(
                Severity::Info,
                t::STILL_LOADING.get(self.lang()).to_string(),
            );
            return Vec::new();
        };
        let change = match plan_change(&request, snap, self.now) {
            Ok(c) => c,
            Err(e) => {
                self.say(Severity::Warning, e.get(self.lang()).to_string());
                return Vec::new();
            }
        };
        let blocked = self.blocked_reason(snap, &change);
        self.next_id += 1;
        let id = self.next_id;
        let mut fx = Vec::new();
        let dry_run = if blocked.is_some() {
            DryRun::NotSent
        } else {
            fx.push(Effect::DryRun {
                id,
                change: change.clone(),
            });
            DryRun::Running
        };
        self.editor = None;
        self.dialog = Some(Dialog {
            id,
            request,
            change,
            dry_run,
            blocked,
            applying: false,
            replanning: false,
            scroll: 0,
        });
        fx
    }

    /// Why a change may not be applied: read-only mode, a missing permission, or flags that would
    /// not start. Checked before any request (even a dry-run) is sent.
    pub(super) fn blocked_reason(&self, snap: &Snapshot, change: &Change) -> Option<String> {
        let lang = self.lang();
        if self.opts.read_only {
            return Some(t::READ_ONLY.get(lang).to_string());
        }
        if let Some(denied) = snap.denied(change.needs()) {
            return Some(format!("{} {denied}", t::NOT_PERMITTED.get(lang)));
        }
        if let Change::Args(plan) = change
            && !plan.is_appliable()
        {
            let errors: Vec<String> = plan
                .problems
                .iter()
                .filter(|p| p.is_error())
                .map(|p| format!("{}: {}", p.flag, p.message))
                .collect();
            return Some(format!(
                "{} {}",
                t::WOULD_NOT_START.get(lang),
                errors.join("; ")
            ));
        }
        None
    }

    pub(super) fn on_dry_run(
        &mut self,
        id: u64,
        result: Result<Option<Vec<String>>, ApplyError>,
    ) -> Vec<Effect> {
        let Some(d) = self.dialog.as_mut().filter(|d| d.id == id) else {
            return Vec::new();
        };
        d.dry_run = match result {
            Ok(server_list) => DryRun::Passed { server_list },
            Err(ApplyError::Conflict(_)) => {
                d.replanning = true;
                return self.replan();
            }
            Err(e) => DryRun::Failed(e.to_string()),
        };
        Vec::new()
    }

    /// The Deployment changed under us: fetch it again; the snapshot re-plans the open dialog so
    /// the user sees the new diff. Any fetch in flight is superseded.
    pub(super) fn replan(&mut self) -> Vec<Effect> {
        self.say(Severity::Warning, t::CONFLICT.get(self.lang()).to_string());
        self.loading = false;
        self.refresh()
    }

    /// The confirm key. The only place an [`Effect::Apply`] is made.
    pub(super) fn confirm(&mut self) -> Vec<Effect> {
        let lang = self.lang();
        let Some(d) = self.dialog.as_mut() else {
            return Vec::new();
        };
        let refusal = if let Some(reason) = &d.blocked {
            Some(reason.clone())
        } else if d.applying || d.replanning {
            Some(t::WAIT.get(lang).to_string())
        } else if !matches!(d.dry_run, DryRun::Passed { .. }) {
            Some(t::NEEDS_DRY_RUN.get(lang).to_string())
        } else {
            None
        };
        if let Some(reason) = refusal {
            self.say(Severity::Warning, reason);
            return Vec::new();
        }
        d.applying = true;
        vec![Effect::Apply {
            id: d.id,
            change: d.change.clone(),
        }]
    }

    pub(super) fn on_applied(&mut self, id: u64, result: Result<(), ApplyError>) -> Vec<Effect> {
        let Some(d) = self.dialog.as_mut().filter(|d| d.id == id) else {
            return Vec::new();
        };
        match result {
            Err(ApplyError::Conflict(_)) => {
                d.applying = false;
                d.replanning = true;
                self.replan()
            }
            Err(e) => {
                d.applying = false;
                d.dry_run = DryRun::Failed(e.to_string());
                self.say(Severity::Error, e.to_string());
                Vec::new()
            }
            Ok(()) => {
                let Some(d) = self.dialog.take() else {
                    return Vec::new();
                };
                let lang = self.lang();
                let sentence = d.change.sentence().get(lang);
                self.say(
                    Severity::Info,
                    format!("{} {sentence}", t::APPLIED.get(lang)),
                );
                match (&d.request, &d.change) {
                    (Request::Undo(_), _) => {
                        self.history.pop();
                    }
                    (_, Change::Args(plan)) => self.history.push(Applied { plan: plan.clone() }),
                    _ => {}
                }
                if !matches!(d.change, Change::ApproveCsrs(_)) {
                    self.verify = Some(Verify {
                        since: self.now,
                        phase: VerifyPhase::RollingOut(String::new()),
                    });
                    self.step = Step::RestartVerify;
                    self.selected = 0;
                }
                self.loading = false;
                self.refresh()
            }
        }
    }
}

/// Turn a request into a concrete change against the snapshot's Deployment.
/// Approve the pending kubelet-serving CSRs whose names match their node; the others are left
/// pending, and the dialog says which and why.
fn approve_checked(snap: &Snapshot) -> Result<Change, Prose> {
    let (plan, refused) = planner::plan_approve_csrs_checked(&snap.kubelet_csrs, &snap.nodes);
    let refusals = refused.iter().map(|r| {
        let why = r.reasons.join("; ");
        Prose::new(
            format!("Not approving {}: {why}", r.name),
            format!("{}는 승인하지 않습니다: {why}", r.name),
        )
    });
    match plan {
        Some(mut plan) => {
            plan.warnings.extend(refusals);
            Ok(Change::ApproveCsrs(plan))
        }
        None => refusals
            .reduce(|a, b| Prose::new(format!("{}; {}", a.en, b.en), format!("{}; {}", a.ko, b.ko)))
            .map_or_else(|| Err(t::NO_PENDING_CSRS.into()), Err),
    }
}

pub fn plan_change(request: &Request, snap: &Snapshot, now: Timestamp) -> Result<Change, Prose> {
    let (install, deployment) = match (snap.install.as_ref(), snap.deployment.as_ref()) {
        (Some(i), Some(d)) => (i, d),
        _ => return Err(t::NO_INSTALL.into()),
    };
    match request {
        Request::Fix(FixId::RolloutRestart) => Ok(Change::Restart(planner::plan_restart(
            install, deployment, now,
        ))),
        Request::Fix(FixId::ApproveKubeletCsrs) => approve_checked(snap),
        Request::Fix(fix) => planner::plan(*fix, install, deployment)
            .map(Change::Args)
            .map_err(|e| e.prose()),
        Request::Edit(args) => planner::plan_edit(install, deployment, args.clone())
            .map(Change::Args)
            .map_err(|e| e.prose()),
        Request::Undo(previous) => planner::plan_undo(previous, deployment)
            .map(Change::Args)
            .map_err(|e| e.prose()),
    }
}
