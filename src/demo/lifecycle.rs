//! How pods and kubelets behave over time: which certificate a kubelet serves, whether a
//! metrics-server with given flags can scrape it, when a pod turns Ready, and what state its
//! container is in at any instant. All of it is computed from timestamps, never stored.

use super::clock::{add, timing};
use super::kubelet::{self, ServingCert};
use super::scenario::KubeletCerts;
use super::world::{Behaviour, ContainerState, PodRecord, World};
use crate::flags::Flags;
use jiff::{SignedDuration, Timestamp};

impl World {
    /// The certificate `node` serves before and, if a CSR gets approved, after some instant.
    pub(super) fn serving_cert(
        &self,
        node: &str,
    ) -> (ServingCert, Option<(Timestamp, ServingCert)>) {
        match self.scenario.kubelet_certs {
            KubeletCerts::UnknownCa => (ServingCert::ForeignCa, None),
            KubeletCerts::SelfSigned => (ServingCert::SelfSigned, None),
            KubeletCerts::Bootstrap => {
                let user = format!("system:node:{node}");
                let mine = self
                    .csrs
                    .iter()
                    .filter(|r| r.csr.spec.username.as_deref() == Some(user.as_str()));
                let mut issued_before = false;
                let mut change: Option<Timestamp> = None;
                for r in mine {
                    let has_cert = r
                        .csr
                        .status
                        .as_ref()
                        .is_some_and(|s| s.certificate.is_some());
                    match r.approved_at {
                        Some(at) => {
                            let serving = add(add(at, timing::issue()), timing::kubelet_pickup());
                            change = Some(change.map_or(serving, |c| c.min(serving)));
                        }
                        None if has_cert => issued_before = true,
                        None => {}
                    }
                }
                if issued_before {
                    (ServingCert::ClusterCa, None)
                } else {
                    (
                        ServingCert::Missing,
                        change.map(|t| (t, ServingCert::ClusterCa)),
                    )
                }
            }
        }
    }

    pub fn serving_cert_at(&self, node: &str, t: Timestamp) -> ServingCert {
        match self.serving_cert(node) {
            (_, Some((since, after))) if t >= since => after,
            (before, _) => before,
        }
    }

    /// Scrape result of `node` by a metrics-server with `flags` at `t`.
    pub fn scrape(&self, flags: &Flags, node: &str, t: Timestamp) -> Result<(), String> {
        let Some(n) = self
            .nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(node))
        else {
            return Err(format!("node {node} not found"));
        };
        kubelet::scrape(flags, n, self.serving_cert_at(node, t))
    }

    /// From when `node` can be scraped with `flags`, if ever (as far as is known now).
    pub(super) fn scrapable_from(&self, flags: &Flags, node: &str) -> Option<Option<Timestamp>> {
        let n = self
            .nodes
            .iter()
            .find(|n| n.metadata.name.as_deref() == Some(node))?;
        let (before, change) = self.serving_cert(node);
        if kubelet::scrape(flags, n, before).is_ok() {
            return Some(None);
        }
        let (at, after) = change?;
        kubelet::scrape(flags, n, after).is_ok().then_some(Some(at))
    }

    pub fn running_at(pod: &PodRecord) -> Timestamp {
        add(pod.created, timing::container_start())
    }

    /// When the pod turns Ready, if it does before it is deleted.
    pub fn ready_at(&self, pod: &PodRecord) -> Option<Timestamp> {
        let Behaviour::Serve { flags } = &pod.behaviour else {
            return None;
        };
        let probe = add(Self::running_at(pod), timing::ready_after());
        // metrics-server reports Ready once it has stored one successful scrape of any node.
        let first_ok = self
            .node_names()
            .iter()
            .filter_map(|n| self.scrapable_from(flags, n))
            .map(|from| from.map_or(probe, |t| t.max(probe)))
            .min()?;
        match pod.deleted {
            Some(d) if d <= first_ok => None,
            _ => Some(first_ok),
        }
    }

    pub fn is_ready(&self, pod: &PodRecord, now: Timestamp) -> bool {
        pod.deleted.is_none_or(|d| now < d) && self.ready_at(pod).is_some_and(|t| t <= now)
    }

    /// Whether the pod exists at `now` (created, not yet gone after deletion).
    pub fn exists(pod: &PodRecord, now: Timestamp) -> bool {
        pod.created <= now
            && pod
                .deleted
                .is_none_or(|d| now < add(d, timing::termination()))
    }

    pub fn container_state(pod: &PodRecord, now: Timestamp) -> ContainerState {
        let running = Self::running_at(pod);
        if now < running {
            return ContainerState::Creating;
        }
        if let Some(d) = pod.deleted.filter(|d| *d <= now) {
            return ContainerState::Stopped {
                since: running,
                at: d.max(running),
            };
        }
        match pod.behaviour {
            Behaviour::Serve { .. } => ContainerState::Running {
                since: running,
                restarts: 0,
            },
            Behaviour::Crash { .. } => {
                let cycle = timing::crash_run() + timing::crash_backoff();
                let elapsed = now.duration_since(running).as_millis();
                let cycle_ms = cycle.as_millis().max(1);
                let n = elapsed / cycle_ms;
                let restarts = i32::try_from(n).unwrap_or(i32::MAX);
                let started = add(running, SignedDuration::from_millis((n * cycle_ms) as i64));
                if elapsed % cycle_ms < timing::crash_run().as_millis() {
                    ContainerState::Running {
                        since: started,
                        restarts,
                    }
                } else {
                    ContainerState::BackOff {
                        restarts,
                        started,
                        finished: add(started, timing::crash_run()),
                    }
                }
            }
        }
    }
}
