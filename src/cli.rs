//! The command line (DESIGN §2): keep it stable, scripts depend on it.
