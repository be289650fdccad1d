//! Output of the headless commands (`check`, `analyze-logs`): text for humans, JSON for scripts.
