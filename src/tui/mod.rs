//! The interactive UI: four runbook panes over the core engine.
//!
//! `App` (state + pure `update`) is owned by the loop alone; cluster work runs in tasks started by
//! the [`runner`] and reports back as messages; `ui::render` draws from `&App` when it changed.

pub mod app;
pub mod crash;
pub mod keymap;
pub mod layout;
pub mod logbuf;
pub mod msg;
pub mod runner;
pub mod text;
pub mod theme;
pub mod ui;
pub mod wrap;

use crate::cluster::Connection;
use app::{App, Options};
use futures::StreamExt;
use msg::{Effect, Msg};
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use std::time::Duration;
use theme::Theme;
use tokio::sync::mpsc;

/// How many queued messages one loop turn handles before drawing.
const BATCH: usize = 64;
const TICK: Duration = Duration::from_millis(250);

/// Whether the terminal should get colours: not with NO_COLOR set, nor on a dumb terminal.
pub fn color_enabled() -> bool {
    crate::report::use_color(true, |k| std::env::var(k).ok())
}

/// Run the UI until the user quits. The terminal is restored on return and on panic.
/// `source` is what `:ctx` lists and switches between.
pub async fn run(conn: Connection, source: runner::Source, opts: Options) -> anyhow::Result<()> {
    let theme = Theme::new(color_enabled());
    crash::install_hook();
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, conn, source, opts, theme).await;
    ratatui::restore();
    result
}

async fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    conn: Connection,
    source: runner::Source,
    opts: Options,
    theme: Theme,
) -> anyhow::Result<()> {
    let (tx, mut rx) = mpsc::channel::<Msg>(1024);
    let (mut app, start) = App::new(opts, conn.info.clone(), jiff::Timestamp::now());
    let mut runner = runner::Runner::new(conn, source, tx);
    let size = terminal.size()?;
    app.update(Msg::Resize {
        width: size.width,
        height: size.height,
    });
    // The contexts and namespaces are read once at start, for `:ctx` / `:ns` completion.
    for effect in start
        .into_iter()
        .chain([Effect::ListContexts, Effect::ListNamespaces])
    {
        runner.run(effect);
    }
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(TICK);
    let test_panic = crash::test_panic_requested();
    loop {
        if app.dirty {
            terminal.draw(|f| ui::render(&app, f, theme))?;
            app.dirty = false;
            assert!(
                !test_panic,
                "{} is set: a test panic inside the UI loop",
                crash::TEST_PANIC_ENV
            );
        }
        let first = tokio::select! {
            Some(event) = events.next() => match event? {
                Event::Key(k) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Event::Resize(width, height) => Msg::Resize { width, height },
                _ => continue,
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick() => Msg::Tick(jiff::Timestamp::now()),
        };
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(m) => batch.push(m),
                Err(_) => break,
            }
        }
        for msg in batch {
            for effect in app.update(msg) {
                let quit = effect == Effect::Quit;
                runner.run(effect);
                if quit {
                    return Ok(());
                }
            }
        }
    }
}

#[cfg(test)]
mod safety_tests;
#[cfg(test)]
mod tests;
