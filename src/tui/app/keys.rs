//! Keys: the contexts in effect and what each action does to the state.

use super::*;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::msg::Effect;
use crate::tui::text as t;
use crate::vocab::{FixId, Severity, Step};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Columns one sideways scroll moves the unwrapped log lines.
const SIDEWAYS: usize = 20;

impl App {
    /// The keymap contexts in effect, innermost first.
    pub fn contexts(&self) -> Vec<Context> {
        if self.help {
            return vec![Context::Help];
        }
        if self.dialog.is_some() {
            return vec![Context::Dialog];
        }
        if self.editor.is_some() {
            return vec![Context::Editor];
        }
        if self.search_input.is_some() {
            return vec![Context::Search];
        }
        if self.command.is_some() {
            return vec![Context::Command];
        }
        if self.view.is_some() {
            return vec![Context::View];
        }
        let pane = match self.focus {
            Focus::Steps => Context::Steps,
            Focus::Logs => Context::Logs,
        };
        vec![pane, Context::Global]
    }

    fn scroll_help(&mut self, action: Action) {
        let rows = crate::tui::layout::help_rows(self.size);
        let lines = keymap::help_lines(self.lang()).len();
        let last = u16::try_from(lines)
            .unwrap_or(u16::MAX)
            .saturating_sub(rows);
        let page = rows.max(1);
        self.help_scroll = match action {
            Action::Up => self.help_scroll.saturating_sub(1),
            Action::Down => self.help_scroll.saturating_add(1),
            Action::PageUp => self.help_scroll.saturating_sub(page),
            _ => self.help_scroll.saturating_add(page),
        }
        .min(last);
    }

    /// Whether pressing a key bound to `action` does something now: the footer offers only
    /// those (a hint that does nothing would lie).
    pub fn action_applies(&self, action: Action) -> bool {
        let have_install = self
            .snapshot
            .as_ref()
            .is_some_and(|s| s.install.is_some() && s.deployment.is_some());
        match action {
            Action::Confirm => self.dialog.as_ref().is_some_and(|d| {
                d.blocked.is_none() && !d.applying && matches!(d.dry_run, DryRun::Passed { .. })
            }),
            Action::Up | Action::Down if self.command.is_some() => {
                !self.command_candidates().0.is_empty()
            }
            Action::Up | Action::Down if self.view.is_some() => true,
            Action::Up | Action::Down | Action::OpenFix if self.focus == Focus::Steps => {
                self.dialog.is_some() || self.help || !self.fix_items().is_empty()
            }
            Action::Restart | Action::EditArgs => have_install,
            Action::Undo => !self.history.is_empty(),
            Action::NextMatch | Action::PrevMatch => self.logs.search().is_some(),
            Action::Select => self.view.as_ref().is_some_and(|v| {
                v.kind == command::ViewKind::Contexts
                    && !self.kube_contexts.demo
                    && self.kube_contexts.entries.len() > 1
            }),
            Action::ScrollLeft | Action::ScrollRight if self.view.is_some() => {
                self.view.as_ref().is_some_and(|v| {
                    let width = usize::from(crate::tui::layout::view_cols(self.size));
                    v.hscroll > 0
                        || v.lines
                            .iter()
                            .any(|l| unicode_width::UnicodeWidthStr::width(l.text.as_str()) > width)
                })
            }
            Action::ScrollLeft | Action::ScrollRight => !self.logs.wrap,
            Action::Describe => self
                .view
                .as_ref()
                .is_some_and(|v| v.kind.has_yaml() && v.mode == view::ViewMode::Yaml),
            Action::Yaml => self
                .view
                .as_ref()
                .is_some_and(|v| v.kind.has_yaml() && v.mode == view::ViewMode::Summary),
            _ => true,
        }
    }

    /// A key goes to the table first; in a prompt (editor, search) the keys it does not bind
    /// are typed.
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let contexts = self.contexts();
        if let Some(action) = keymap::lookup_applicable(&contexts, &key, |a| self.action_applies(a))
        {
            return self.on_action(action);
        }
        match contexts.first() {
            Some(Context::Editor) => self.type_into_editor(key),
            Some(Context::Search) => self.type_into_search(key),
            Some(Context::Command) => {
                if let Some(p) = self.command.as_mut() {
                    match key.code {
                        KeyCode::Backspace if p.input.is_empty() => self.command = None,
                        KeyCode::Backspace => p.backspace(),
                        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                            p.type_char(c)
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn type_into_search(&mut self, key: KeyEvent) {
        let Some(input) = self.search_input.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Backspace => {
                input.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => input.push(c),
            _ => {}
        }
    }

    fn submit_search(&mut self) {
        let query = self.search_input.take();
        self.logs.set_search(query);
        let height = self.log_height();
        if !self.logs.jump(true, height) && self.logs.search().is_some() {
            self.say(Severity::Info, t::NO_MATCH.get(self.lang()).to_string());
        }
    }

    pub(super) fn on_action(&mut self, action: Action) -> Vec<Effect> {
        let height = self.log_height();
        match action {
            Action::Quit => {
                self.should_quit = true;
                return vec![Effect::Quit];
            }
            Action::Help => {
                self.help = true;
                self.help_scroll = 0;
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown if self.help => {
                self.scroll_help(action)
            }
            Action::Cancel if self.help => self.help = false,
            Action::Cancel if self.dialog.is_some() => self.dialog = None,
            Action::Cancel if self.editor.is_some() => self.editor = None,
            Action::Cancel if self.command.is_some() => self.command = None,
            Action::Cancel if self.search_input.is_none() && self.view.is_some() => {
                self.view = None;
            }
            Action::OpenCommand => self.command = Some(command::Prompt::default()),
            Action::Complete | Action::CompletePrev => {
                self.complete_command(action == Action::Complete, false)
            }
            Action::Up | Action::Down if self.command.is_some() => {
                self.complete_command(action == Action::Down, true)
            }
            Action::SubmitCommand => return self.submit_command(),
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
            | Action::Describe
            | Action::Yaml
            | Action::Select
            | Action::ScrollLeft
            | Action::ScrollRight
                if self.view.is_some() =>
            {
                return self.on_view_action(action);
            }
            Action::Describe | Action::Yaml | Action::Select => {}
            Action::Cancel => self.search_input = None,
            Action::SubmitEdit => return self.submit_editor(),
            Action::SubmitSearch => self.submit_search(),
            Action::Confirm => return self.confirm(),
            Action::NextStep => self.go_step(self.step.number() % 4 + 1),
            Action::PrevStep => self.go_step((self.step.number() + 2) % 4 + 1),
            Action::GoStep(n) => self.go_step(n),
            Action::Refresh => return self.refresh(),
            Action::ToggleFocus => {
                // The step pane is hidden while the logs are zoomed: leaving the logs unzooms.
                self.zoomed = false;
                self.focus = match self.focus {
                    Focus::Steps => Focus::Logs,
                    Focus::Logs => Focus::Steps,
                }
            }
            Action::Up | Action::Down if self.dialog.is_some() => {
                let (total, visible) = crate::tui::ui::dialog_row_count(self);
                let last = u16::try_from(total.saturating_sub(visible)).unwrap_or(u16::MAX);
                if let Some(d) = self.dialog.as_mut() {
                    d.scroll = if action == Action::Up {
                        d.scroll.saturating_sub(1)
                    } else {
                        d.scroll.saturating_add(1)
                    }
                    .min(last);
                }
            }
            Action::Up if self.focus == Focus::Steps => {
                self.selected = self.selected.saturating_sub(1)
            }
            Action::Down if self.focus == Focus::Steps => {
                let n = self.fix_items().len();
                self.selected = (self.selected + 1).min(n.saturating_sub(1));
            }
            Action::PageUp | Action::PageDown if self.focus == Focus::Steps => {
                self.scroll_details(action == Action::PageDown)
            }
            Action::Up => self.logs.scroll_up(1, height),
            Action::Down => self.logs.scroll_down(1, height),
            Action::PageUp => self.logs.scroll_up(height.max(1), height),
            Action::PageDown => self.logs.scroll_down(height.max(1), height),
            Action::Top => self.logs.top(),
            Action::Bottom => self.logs.bottom(),
            Action::Follow => self.logs.toggle_follow(height),
            Action::Search => self.search_input = Some(String::new()),
            Action::NextMatch | Action::PrevMatch => {
                if !self.logs.jump(action == Action::NextMatch, height) {
                    self.say(Severity::Info, t::NO_MATCH.get(self.lang()).to_string());
                }
            }
            Action::Filter => self.logs.filter = !self.logs.filter,
            Action::ClearSearch => {
                self.logs.set_search(None);
                self.logs.filter = false;
            }
            Action::Wrap => {
                self.logs.wrap = !self.logs.wrap;
                self.logs.hscroll = 0;
            }
            Action::Timestamps => self.logs.timestamps = !self.logs.timestamps,
            Action::Previous => self.logs.set_show_previous(!self.logs.show_previous),
            Action::Save => return self.save_logs(),
            Action::Zoom => {
                self.zoomed = !self.zoomed;
                self.focus = Focus::Logs;
            }
            Action::ScrollLeft => self.logs.hscroll = self.logs.hscroll.saturating_sub(SIDEWAYS),
            Action::ScrollRight => self.logs.hscroll = self.logs.hscroll.saturating_add(SIDEWAYS),
            Action::OpenFix => {
                if let Some(fix) = self.fix_items().get(self.selected).map(|(_, f)| *f) {
                    return self.open(Request::Fix(fix));
                }
            }
            Action::Restart => return self.open(Request::Fix(FixId::RolloutRestart)),
            Action::Undo => match self.history.last() {
                Some(last) => return self.open(Request::Undo(Box::new(last.plan.clone()))),
                None => self.say(
                    Severity::Info,
                    t::NOTHING_TO_UNDO.get(self.lang()).to_string(),
                ),
            },
            Action::EditArgs => self.open_editor(),
        }
        Vec::new()
    }

    /// Page the step's explanation, never past its end.
    fn scroll_details(&mut self, down: bool) {
        let (total, height) = crate::tui::ui::detail_row_count(self);
        let page = u16::try_from(height.saturating_sub(1).max(1)).unwrap_or(1);
        let last = u16::try_from(crate::tui::wrap::max_scroll(total, height)).unwrap_or(u16::MAX);
        self.detail_scroll = if down {
            self.detail_scroll.saturating_add(page)
        } else {
            self.detail_scroll.saturating_sub(page)
        }
        .min(last);
    }

    pub(super) fn go_step(&mut self, n: u8) {
        if let Some(step) = Step::ALL.into_iter().find(|s| s.number() == n) {
            self.step = step;
            self.selected = 0;
            self.detail_scroll = 0;
        }
    }

    /// Rows of the log pane (what scroll and search centre on), from the current layout.
    pub fn log_height(&self) -> usize {
        usize::from(crate::tui::layout::log_pane_inner(self.size, self.shape()).height)
    }
}
