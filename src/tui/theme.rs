//! Semantic styles. With colour off (NO_COLOR, TERM=dumb) the same roles map to bold, underline
//! and reverse, so errors stay visible without colour.

use crate::logs::{Level, SpanClass};
use crate::vocab::Severity;
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn pick(&self, colored: Style, mono: Style) -> Style {
        if self.color { colored } else { mono }
    }

    pub fn error(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    pub fn warning(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn info(&self) -> Style {
        self.pick(Style::new().fg(Color::Cyan), Style::new())
    }

    pub fn ok(&self) -> Style {
        self.pick(Style::new().fg(Color::Green), Style::new())
    }

    pub fn muted(&self) -> Style {
        self.pick(
            Style::new().fg(Color::DarkGray),
            Style::new().add_modifier(Modifier::DIM),
        )
    }

    pub fn accent(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Blue).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn selection(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    pub fn added(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Green),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    pub fn removed(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Red),
            Style::new().add_modifier(Modifier::CROSSED_OUT),
        )
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.error(),
            Severity::Warning => self.warning(),
            Severity::Info => self.info(),
        }
    }

    /// The style of a classifier span in the log pane.
    pub fn span(&self, class: SpanClass) -> Style {
        match class {
            SpanClass::Signature(s) => match s {
                Severity::Error => self.pick(
                    Style::new()
                        .fg(Color::White)
                        .bg(Color::Red)
                        .add_modifier(Modifier::BOLD),
                    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
                ),
                other => self.severity(other).add_modifier(Modifier::BOLD),
            },
            SpanClass::Level(Level::Error | Level::Fatal) => self.error(),
            SpanClass::Level(Level::Warning) => self.warning(),
            SpanClass::Level(_) => self.muted(),
            SpanClass::Timestamp | SpanClass::Source | SpanClass::Prefix => self.muted(),
            SpanClass::Key => self.pick(Style::new().fg(Color::Blue), Style::new()),
            SpanClass::Node => self.pick(
                Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
                Style::new().add_modifier(Modifier::BOLD),
            ),
            SpanClass::Address => self.pick(
                Style::new().fg(Color::Cyan),
                Style::new().add_modifier(Modifier::UNDERLINED),
            ),
        }
    }

    /// A stable colour per pod, so interleaved pods are told apart.
    pub fn pod(&self, index: usize) -> Style {
        const PALETTE: [Color; 4] = [Color::Cyan, Color::Magenta, Color::Yellow, Color::Green];
        self.pick(
            Style::new().fg(PALETTE[index % PALETTE.len()]),
            Style::new().add_modifier(Modifier::DIM),
        )
    }
}
