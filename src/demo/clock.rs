//! The demo's sense of time, and the compressed durations of its scenario.
//!
//! Everything the demo cluster shows is derived from timestamps (when a pod was created, when a
//! CSR was approved) and the current time, so the same clock can be the wall clock (the product)
//! or a hand-advanced one (tests that must not sleep through a rollout).

use jiff::{SignedDuration, Timestamp};
use std::sync::{Arc, Mutex, PoisonError};

/// Where "now" comes from.
#[derive(Debug, Clone)]
pub(crate) enum Clock {
    System,
    /// Moves only when a test says so.
    #[cfg_attr(not(test), allow(dead_code))]
    Manual(Arc<Mutex<Timestamp>>),
}

impl Clock {
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn manual(start: Timestamp) -> Clock {
        Clock::Manual(Arc::new(Mutex::new(start)))
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Manual(t) => *t.lock().unwrap_or_else(PoisonError::into_inner),
        }
    }

    /// Move a manual clock forward; the system clock moves by itself.
    #[cfg(test)]
    pub fn advance(&self, by: SignedDuration) {
        if let Clock::Manual(t) = self {
            let mut now = t.lock().unwrap_or_else(PoisonError::into_inner);
            *now = add(*now, by);
        }
    }
}

/// `t + d`, saturating instead of panicking at the ends of the representable range.
pub(crate) fn add(t: Timestamp, d: SignedDuration) -> Timestamp {
    t.checked_add(d).unwrap_or(t)
}

pub(crate) fn ms(n: i64) -> SignedDuration {
    SignedDuration::from_millis(n)
}

/// Time compression: what takes tens of seconds on a real cluster takes a second or two here,
/// so the whole story (fix, rollout, metrics back) plays out while the user watches.
pub(crate) mod timing {
    use super::ms;
    use jiff::SignedDuration;

    /// Pod created → container running (image already present).
    pub fn container_start() -> SignedDuration {
        ms(500)
    }
    /// Container running → readiness probe passes, when metrics-server can scrape something.
    /// Stands for the real probe's initial delay plus the first two scrapes.
    pub fn ready_after() -> SignedDuration {
        ms(2000)
    }
    /// deletionTimestamp set → pod object gone (graceful termination).
    pub fn termination() -> SignedDuration {
        ms(1500)
    }
    /// Spec change → the Deployment controller has observed it and created the ReplicaSet.
    pub fn observe() -> SignedDuration {
        ms(300)
    }
    /// CSR approved → the signer has written `status.certificate`.
    pub fn issue() -> SignedDuration {
        ms(500)
    }
    /// Certificate issued → the kubelet serves it.
    pub fn kubelet_pickup() -> SignedDuration {
        ms(1000)
    }
    /// A crashing container runs this long before it exits…
    pub fn crash_run() -> SignedDuration {
        ms(1000)
    }
    /// …and waits this long in CrashLoopBackOff before the next start.
    pub fn crash_backoff() -> SignedDuration {
        ms(2000)
    }
    /// Real seconds per second of `--metric-resolution`: a 15s resolution scrapes every second.
    pub const SCRAPE_COMPRESSION: i64 = 15;
    /// A pod's log reaches back at most this far (older lines count as rotated away).
    pub fn history() -> SignedDuration {
        SignedDuration::from_mins(15)
    }
    /// How long a real Deployment may make no progress before `ProgressDeadlineExceeded`.
    pub fn progress_deadline() -> SignedDuration {
        SignedDuration::from_secs(600)
    }
}
