//! Where each region of the screen sits. Drawing and `update` (which scrolls by the heights of
//! the panes) both read it, so they always agree.

use crate::vocab::Step;
use ratatui::layout::{Constraint, Layout, Margin, Rect};

/// Rows of the header (title, install line, verdict, step bar).
const HEADER_ROWS: u16 = 4;
/// The most rows a status message may take before it is cut with `…`.
pub const MAX_STATUS_ROWS: u16 = 3;

/// What the layout depends on besides the terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub step: Step,
    /// Rows the status message needs (0 when there is none, at most [`MAX_STATUS_ROWS`]).
    pub status_rows: u16,
    /// The log pane fills the body (the header and the step pane give way).
    pub zoomed: bool,
    /// Fixes listed under the step's explanation.
    pub fixes: usize,
}

/// The regions of the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regions {
    pub header: Rect,
    /// Empty when the log pane is zoomed.
    pub steps: Rect,
    pub logs: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn regions(area: Rect, shape: Shape) -> Regions {
    let header_rows = if shape.zoomed { 0 } else { HEADER_ROWS };
    // The status row stays even when empty, so the screen does not jump when a message comes.
    let status_rows = shape.status_rows.clamp(1, MAX_STATUS_ROWS);
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(header_rows),
        Constraint::Min(3),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    let [steps, logs] = if shape.zoomed {
        [Rect { height: 0, ..body }, body]
    } else {
        // Step 4 holds the verification table, so it gets more.
        let share = if shape.step == Step::RestartVerify {
            62
        } else {
            45
        };
        Layout::vertical([Constraint::Percentage(share), Constraint::Min(3)]).areas(body)
    };
    Regions {
        header,
        steps,
        logs,
        status,
        hints,
    }
}

/// The step pane's inside: the explanation on top, the fix list (a heading and one row per fix)
/// below. The list gets at most half, and in a short pane a single row (the selected fix).
pub fn step_pane_split(inner: Rect, fixes: usize) -> [Rect; 2] {
    let full = u16::try_from(fixes).unwrap_or(u16::MAX).saturating_add(1);
    let fix_rows = match fixes {
        0 => 0,
        _ if inner.height < SHORT_STEP_PANE => 1,
        _ => full.min(inner.height / 2 + 1),
    };
    Layout::vertical([Constraint::Min(1), Constraint::Length(fix_rows)]).areas(inner)
}

/// Below this many rows the step pane lists only the selected fix.
const SHORT_STEP_PANE: u16 = 6;

/// The explanation area of the step pane for a terminal of `size`.
pub fn step_details_area(size: (u16, u16), shape: Shape) -> Rect {
    let steps = regions(screen(size), shape).steps;
    step_pane_split(steps.inner(Margin::new(1, 1)), shape.fixes)[0]
}

/// Inside of the log pane for a terminal of `size` (what `update` scrolls by).
pub fn log_pane_inner(size: (u16, u16), shape: Shape) -> Rect {
    regions(screen(size), shape).logs.inner(Margin::new(1, 1))
}

/// The help overlay: the whole screen but a margin, so every size from 60×15 shows most of it.
pub fn help_area(area: Rect) -> Rect {
    area.inner(Margin::new(2, 1))
}

/// Rows of the help text visible at once, for a terminal of `size`.
pub fn help_rows(size: (u16, u16)) -> u16 {
    help_area(screen(size)).height.saturating_sub(2)
}

fn screen(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
}

/// Where an object view (`:pods` …) sits: over the step and log panes, between the header and
/// the status, so the cluster line and the keys stay in sight (also over zoomed logs).
pub fn view_area(area: Rect, shape: Shape) -> Rect {
    let r = regions(
        area,
        Shape {
            zoomed: false,
            ..shape
        },
    );
    let top = r.steps.y;
    Rect {
        height: (r.logs.y + r.logs.height).saturating_sub(top),
        y: top,
        ..r.logs
    }
}

/// Rows of text an object view shows at once (inside its border), for a terminal of `size`.
pub fn view_rows(size: (u16, u16), shape: Shape) -> u16 {
    view_area(screen(size), shape).height.saturating_sub(2)
}

/// Columns of text an object view shows (inside its border).
pub fn view_cols(size: (u16, u16)) -> u16 {
    size.0.saturating_sub(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape() -> Shape {
        Shape {
            step: Step::Logs,
            status_rows: 0,
            zoomed: false,
            fixes: 0,
        }
    }

    #[test]
    fn regions_tile_the_screen() {
        for (w, h) in [(60, 15), (80, 24), (200, 50)] {
            let r = regions(screen((w, h)), shape());
            let rows = r.header.height + r.steps.height + r.logs.height + r.status.height + 1;
            assert_eq!(rows, h, "{w}×{h}");
        }
    }

    #[test]
    fn zoom_gives_the_logs_the_header_and_the_step_pane() {
        let normal = log_pane_inner((80, 24), shape());
        let zoomed = log_pane_inner(
            (80, 24),
            Shape {
                zoomed: true,
                ..shape()
            },
        );
        assert_eq!(
            zoomed.height,
            24 - 2 - 2,
            "all but the status, hints and borders"
        );
        assert!(zoomed.height > normal.height * 2);
    }

    #[test]
    fn a_long_status_takes_rows_from_the_body_up_to_its_limit() {
        let one = regions(screen((80, 24)), shape());
        let many = regions(
            screen((80, 24)),
            Shape {
                status_rows: 9,
                ..shape()
            },
        );
        assert_eq!(many.status.height, MAX_STATUS_ROWS);
        let body = |r: Regions| r.steps.height + r.logs.height;
        assert_eq!(body(one) - body(many), MAX_STATUS_ROWS - 1);
    }
}
