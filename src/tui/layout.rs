//! Where each region of the screen sits. Drawing and `update` (which scrolls by the log pane's
//! height) both read it, so they always agree.

use crate::vocab::Step;
use ratatui::layout::{Constraint, Layout, Rect};

/// Rows of the header (title, verdict, step bar) and of the footer (status, key hints).
const HEADER_ROWS: u16 = 4;
const FOOTER_ROWS: u16 = 2;

/// The body split: the step pane gets a share, the log pane the rest. Step 4 holds the
/// verification table, so it gets more.
pub fn body_split(body: Rect, step: Step) -> [Rect; 2] {
    let share = if step == Step::RestartVerify { 62 } else { 45 };
    Layout::vertical([Constraint::Percentage(share), Constraint::Min(3)]).areas(body)
}

pub fn frame_split(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(HEADER_ROWS),
        Constraint::Min(6),
        Constraint::Length(FOOTER_ROWS),
    ])
    .areas(area)
}

/// The help overlay: the whole screen but a margin, so every size from 60×15 shows most of it.
pub fn help_area(area: Rect) -> Rect {
    area.inner(ratatui::layout::Margin::new(2, 1))
}

/// Rows of the help text visible at once, for a terminal of `size`.
pub fn help_rows(size: (u16, u16)) -> u16 {
    help_area(Rect::new(0, 0, size.0, size.1))
        .height
        .saturating_sub(2)
}

/// Inner height of the log pane for a terminal of `size` (what `update` scrolls by).
pub fn log_pane_height(size: (u16, u16), step: Step) -> u16 {
    let [_, body, _] = frame_split(Rect::new(0, 0, size.0, size.1));
    let [_, logs] = body_split(body, step);
    logs.height.saturating_sub(2)
}
