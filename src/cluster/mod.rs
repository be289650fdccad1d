//! The only code that talks to the API server.

pub mod connect;
pub mod fetch;

pub use connect::{ConnectError, Connection, Target, connect};
pub use fetch::snapshot;
