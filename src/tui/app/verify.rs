//! Verification after a change: rollout progress, then node metrics coming back.

use super::*;
use crate::rollout::{RolloutPhase, rollout_status};
use crate::snapshot::Snapshot;

impl App {
    pub(super) fn update_verify(&mut self) {
        let (lang, can_undo) = (self.lang(), !self.history.is_empty());
        let (Some(v), Some(snap)) = (self.verify.as_mut(), self.snapshot.as_ref()) else {
            return;
        };
        if matches!(v.phase, VerifyPhase::Done | VerifyPhase::TimedOut) {
            return;
        }
        let Some(deployment) = snap.deployment.as_ref() else {
            return;
        };
        let rollout = rollout_status(deployment);
        v.phase = match rollout.phase {
            RolloutPhase::Failed if can_undo => {
                VerifyPhase::Failed(format!("{}; {}", rollout.message, t::UNDO_OFFER.get(lang)))
            }
            RolloutPhase::Failed => VerifyPhase::Failed(rollout.message),
            RolloutPhase::Progressing => VerifyPhase::RollingOut(rollout.message),
            RolloutPhase::Complete if metrics_back(snap) => VerifyPhase::Done,
            RolloutPhase::Complete => VerifyPhase::WaitingForMetrics,
        };
    }
}

/// Metrics are back: the APIService is Available and every node has metrics.
pub fn metrics_back(snap: &Snapshot) -> bool {
    let available = snap
        .apiservice_available()
        .is_some_and(|c| c.status == "True");
    available && crate::diagnose::coverage(snap).is_some_and(|(n, m)| m > 0 && n == m)
}
