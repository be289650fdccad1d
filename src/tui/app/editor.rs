//! The args editor: opening it on the container's current flags and validating as you type.

use super::*;
use crate::fix::plan::{self as planner};
use crate::flags::Flags;
use crate::tui::msg::Effect;
use crate::tui::text as t;
use crate::vocab::Severity;
use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

impl App {
    pub(super) fn open_editor(&mut self) {
        let lang = self.lang();
        let Some(snap) = self.snapshot.as_ref() else {
            self.say(Severity::Info, t::STILL_LOADING.get(lang).to_string());
            return;
        };
        let (Some(install), Some(deployment)) = (snap.install.as_ref(), snap.deployment.as_ref())
        else {
            self.say(Severity::Warning, t::NO_INSTALL.get(lang).to_string());
            return;
        };
        match planner::editable_flags(install, deployment) {
            Ok((_, list)) => {
                let mut editor = Editor {
                    area: TextArea::new(list),
                    problems: Vec::new(),
                };
                validate_editor(&mut editor, install.version);
                self.editor = Some(editor);
            }
            Err(e) => self.say(Severity::Warning, e.to_string()),
        }
    }

    /// A key the editor's bindings do not take: text for the editor, validated as typed.
    pub(super) fn type_into_editor(&mut self, key: KeyEvent) {
        let Some(editor) = self.editor.as_mut() else {
            return;
        };
        editor.area.input(key);
        let version = self
            .snapshot
            .as_ref()
            .and_then(|s| s.install.as_ref())
            .and_then(|i| i.version);
        validate_editor(editor, version);
    }

    /// Plan what the editor holds as a change: the review dialog opens with its diff.
    pub(super) fn submit_editor(&mut self) -> Vec<Effect> {
        match self.editor.as_ref().map(Editor::args) {
            Some(args) => self.open(Request::Edit(args)),
            None => Vec::new(),
        }
    }
}

pub(super) fn validate_editor(editor: &mut Editor, version: Option<crate::vocab::Version>) {
    editor.problems = Flags::parse(&editor.args(), version).validate();
}
