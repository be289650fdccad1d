//! The only code that talks to the API server.

pub mod apply;
pub mod connect;
pub mod evidence;
pub mod fetch;
pub mod fleet;
pub mod logs;
pub mod tls_probe;

pub use connect::{ConnectError, Connection, Target, connect};
pub use fetch::snapshot;
