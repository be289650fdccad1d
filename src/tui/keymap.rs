//! The one keymap table: it drives dispatch in `update`, the footer hints and the help screen,
//! so a key can never do something the help does not say.

use crate::tui::app::command::COMMANDS;
use crate::vocab::{Lang, Text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where the key is pressed. Modal contexts shadow the main ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Anywhere in the main screen.
    Global,
    /// The step pane has focus.
    Steps,
    /// The log pane has focus.
    Logs,
    /// The fix dialog is open.
    Dialog,
    /// The help screen is open.
    Help,
    /// The args editor is open: keys not bound here type into it.
    Editor,
    /// The log search prompt is open: keys not bound here type into it.
    Search,
    /// The `:` command prompt is open: keys not bound here type into it.
    Command,
    /// A read-only object view (`:pods`, `:events`, `:deploy`, `:apiservice`, `:nodes`, `:ctx`).
    View,
}

impl Context {
    /// Every context, in the order the help screen lists them.
    pub const ALL: [Context; 9] = [
        Context::Global,
        Context::Steps,
        Context::Logs,
        Context::Editor,
        Context::Search,
        Context::Command,
        Context::View,
        Context::Dialog,
        Context::Help,
    ];

    /// The context's name in the help screen and the README.
    pub fn name(self) -> Text {
        match self {
            Context::Global => Text::new("Everywhere", "어디서나"),
            Context::Steps => Text::new("Step pane", "단계 창"),
            Context::Logs => Text::new("Log pane", "로그 창"),
            Context::Editor => Text::new("Args editor", "인자 편집기"),
            Context::Search => Text::new("Search prompt", "검색 입력"),
            Context::Command => Text::new("Command prompt (:)", "명령 입력 (:)"),
            Context::View => Text::new("Object view", "오브젝트 보기"),
            Context::Dialog => Text::new("Change dialog", "변경 확인 창"),
            Context::Help => Text::new("This screen", "이 화면"),
        }
    }

    /// Whether keys the table does not bind are text typed into a prompt.
    pub fn takes_text(self) -> bool {
        matches!(self, Context::Editor | Context::Search | Context::Command)
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    NextStep,
    PrevStep,
    GoStep(u8),
    Refresh,
    ToggleFocus,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    OpenFix,
    Restart,
    Undo,
    EditArgs,
    Follow,
    Search,
    NextMatch,
    PrevMatch,
    Filter,
    Wrap,
    Timestamps,
    Previous,
    Save,
    /// The log pane fills the screen, or gives it back.
    Zoom,
    /// Scroll the unwrapped log lines sideways.
    ScrollLeft,
    ScrollRight,
    Confirm,
    Cancel,
    /// Drop the search and the filter.
    ClearSearch,
    /// Plan the editor's args as a change (opens the review dialog).
    SubmitEdit,
    /// Search the logs for what the prompt holds.
    SubmitSearch,
    /// Open the `:` command prompt.
    OpenCommand,
    /// Complete the command prompt's last word (next candidate when cycling).
    Complete,
    /// The previous completion candidate.
    CompletePrev,
    /// Run the command the prompt holds.
    SubmitCommand,
    /// The object view's describe-like summary.
    Describe,
    /// The object view's YAML.
    Yaml,
    /// Use the selected row of the view (`:ctx`: switch to that context).
    Select,
}

/// One row of the table.
pub struct Binding {
    pub context: Context,
    pub code: KeyCode,
    pub mods: KeyModifiers,
    /// How the key is written in hints, e.g. `Tab` or `1-4`.
    pub label: &'static str,
    pub action: Action,
    pub help: Text,
    /// Shown in the footer (the short list), or only in the help screen.
    pub in_footer: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

macro_rules! bind {
    ($ctx:ident, $code:expr, $mods:expr, $label:literal, $action:expr, $en:literal, $ko:literal, $footer:literal) => {
        Binding {
            context: Context::$ctx,
            code: $code,
            mods: $mods,
            label: $label,
            action: $action,
            help: Text::new($en, $ko),
            in_footer: $footer,
        }
    };
}

use Action as A;
use KeyCode as K;

#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    bind!(Dialog, K::Char('y'), NONE, "y", A::Confirm, "confirm and apply", "확인 후 적용", true),
    bind!(Dialog, K::Char('n'), NONE, "n", A::Cancel, "cancel", "취소", true),
    bind!(Dialog, K::Esc, NONE, "Esc", A::Cancel, "cancel", "취소", false),
    bind!(Dialog, K::Up, NONE, "↑↓", A::Up, "scroll", "스크롤", true),
    bind!(Dialog, K::Down, NONE, "↓", A::Down, "scroll", "스크롤", false),
    bind!(Editor, K::Char('s'), CTRL, "Ctrl-s", A::SubmitEdit, "review the change", "변경 내용 확인", true),
    bind!(Editor, K::Esc, NONE, "Esc", A::Cancel, "close the editor", "편집기 닫기", true),
    bind!(Search, K::Enter, NONE, "Enter", A::SubmitSearch, "search", "검색", true),
    bind!(Search, K::Esc, NONE, "Esc", A::Cancel, "cancel the search", "검색 취소", true),
    bind!(Help, K::Esc, NONE, "Esc", A::Cancel, "close help", "도움말 닫기", true),
    bind!(Help, K::Up, NONE, "↑↓", A::Up, "scroll", "스크롤", true),
    bind!(Help, K::Down, NONE, "↓", A::Down, "scroll", "스크롤", false),
    bind!(Help, K::Char('k'), NONE, "k", A::Up, "scroll", "스크롤", false),
    bind!(Help, K::Char('j'), NONE, "j", A::Down, "scroll", "스크롤", false),
    bind!(Help, K::PageUp, NONE, "PgUp", A::PageUp, "page up", "한 쪽 위로", false),
    bind!(Help, K::PageDown, NONE, "PgDn", A::PageDown, "page down", "한 쪽 아래로", false),
    bind!(Help, K::Char('?'), NONE, "?", A::Cancel, "close help", "도움말 닫기", false),
    bind!(Help, K::Char('q'), NONE, "q", A::Cancel, "close help", "도움말 닫기", false),
    bind!(Command, K::Enter, NONE, "Enter", A::SubmitCommand, "run", "실행", true),
    bind!(Command, K::Esc, NONE, "Esc", A::Cancel, "cancel", "취소", true),
    bind!(Command, K::Tab, NONE, "Tab", A::Complete, "complete", "자동 완성", true),
    bind!(Command, K::BackTab, SHIFT, "S-Tab", A::CompletePrev, "previous candidate", "이전 후보", false),
    bind!(Command, K::Up, NONE, "↑↓", A::Up, "choose", "고르기", true),
    bind!(Command, K::Down, NONE, "↓", A::Down, "choose", "고르기", false),
    bind!(View, K::Esc, NONE, "Esc", A::Cancel, "back", "돌아가기", true),
    bind!(View, K::Enter, NONE, "Enter", A::Select, "switch context", "컨텍스트 전환", true),
    bind!(View, K::Char('d'), NONE, "d", A::Describe, "summary", "요약 보기", true),
    bind!(View, K::Char('y'), NONE, "y", A::Yaml, "YAML", "YAML 보기", true),
    bind!(View, K::Up, NONE, "↑↓", A::Up, "scroll", "스크롤", true),
    bind!(View, K::Down, NONE, "↓", A::Down, "scroll", "스크롤", false),
    bind!(View, K::Char('k'), NONE, "k", A::Up, "scroll", "스크롤", false),
    bind!(View, K::Char('j'), NONE, "j", A::Down, "scroll", "스크롤", false),
    bind!(View, K::PageUp, NONE, "PgUp", A::PageUp, "page up", "한 쪽 위로", false),
    bind!(View, K::PageDown, NONE, "PgDn", A::PageDown, "page down", "한 쪽 아래로", false),
    bind!(View, K::Left, NONE, "←→", A::ScrollLeft, "sideways", "좌우 스크롤", true),
    bind!(View, K::Right, NONE, "→", A::ScrollRight, "sideways", "좌우 스크롤", false),
    bind!(View, K::Char('g'), NONE, "g", A::Top, "top", "맨 위", false),
    bind!(View, K::Char('G'), SHIFT, "G", A::Bottom, "bottom", "맨 아래", false),
    bind!(View, K::Char(':'), NONE, ":", A::OpenCommand, "command", "명령", false),
    bind!(View, K::Char('?'), NONE, "?", A::Help, "help", "도움말", true),
    bind!(View, K::Char('q'), NONE, "q", A::Quit, "quit", "종료", true),
    bind!(Steps, K::Up, NONE, "↑↓", A::Up, "select a fix", "조치 선택", true),
    bind!(Steps, K::Down, NONE, "↓", A::Down, "select a fix", "조치 선택", false),
    bind!(Steps, K::Char('k'), NONE, "k", A::Up, "select a fix", "조치 선택", false),
    bind!(Steps, K::Char('j'), NONE, "j", A::Down, "select a fix", "조치 선택", false),
    bind!(Steps, K::Enter, NONE, "Enter", A::OpenFix, "preview the selected fix", "선택한 조치 미리보기", true),
    bind!(Steps, K::PageUp, NONE, "PgUp", A::PageUp, "scroll the explanation", "설명 스크롤", false),
    bind!(Steps, K::PageDown, NONE, "PgDn", A::PageDown, "scroll the explanation", "설명 스크롤", false),
    bind!(Logs, K::Up, NONE, "↑↓", A::Up, "scroll", "스크롤", true),
    bind!(Logs, K::Down, NONE, "↓", A::Down, "scroll", "스크롤", false),
    bind!(Logs, K::Char('k'), NONE, "k", A::Up, "scroll", "스크롤", false),
    bind!(Logs, K::Char('j'), NONE, "j", A::Down, "scroll", "스크롤", false),
    bind!(Logs, K::PageUp, NONE, "PgUp", A::PageUp, "page up", "한 쪽 위로", false),
    bind!(Logs, K::PageDown, NONE, "PgDn", A::PageDown, "page down", "한 쪽 아래로", false),
    bind!(Logs, K::Char('g'), NONE, "g", A::Top, "oldest line", "맨 처음", false),
    bind!(Logs, K::Char('G'), SHIFT, "G", A::Bottom, "newest line (follow)", "맨 끝 (따라가기)", false),
    bind!(Logs, K::Char('f'), NONE, "f", A::Follow, "follow / pause", "따라가기 / 멈춤", true),
    bind!(Logs, K::Char('/'), NONE, "/", A::Search, "search", "검색", true),
    bind!(Logs, K::Char('n'), NONE, "n", A::NextMatch, "next match", "다음 일치", true),
    bind!(Logs, K::Char('N'), SHIFT, "N", A::PrevMatch, "previous match", "이전 일치", false),
    bind!(Logs, K::Char('F'), SHIFT, "F", A::Filter, "only matching / problem lines", "일치·문제 줄만 보기", true),
    bind!(Logs, K::Esc, NONE, "Esc", A::ClearSearch, "clear search and filter", "검색·필터 해제", false),
    bind!(Logs, K::Char('w'), NONE, "w", A::Wrap, "wrap long lines", "긴 줄 접기", false),
    bind!(Logs, K::Char('t'), NONE, "t", A::Timestamps, "show timestamps", "타임스탬프 표시", false),
    bind!(Logs, K::Char('p'), NONE, "p", A::Previous, "previous-container logs", "이전 컨테이너 로그", false),
    bind!(Logs, K::Char('s'), CTRL, "Ctrl-s", A::Save, "save the shown lines to a file", "보이는 줄을 파일로 저장", false),
    bind!(Logs, K::Char('z'), NONE, "z", A::Zoom, "zoom logs / back", "로그 확대 / 복귀", true),
    // Only while wrapping is off; otherwise ←→ keep moving between steps.
    bind!(Logs, K::Right, NONE, "←→", A::ScrollRight, "scroll sideways (wrap off)", "옆으로 스크롤 (줄바꿈 끔)", true),
    bind!(Logs, K::Left, NONE, "←", A::ScrollLeft, "scroll sideways (wrap off)", "옆으로 스크롤 (줄바꿈 끔)", false),
    bind!(Global, K::Tab, NONE, "Tab", A::NextStep, "next step", "다음 단계", true),
    bind!(Global, K::BackTab, SHIFT, "S-Tab", A::PrevStep, "previous step", "이전 단계", false),
    bind!(Global, K::Right, NONE, "→", A::NextStep, "next step", "다음 단계", false),
    bind!(Global, K::Left, NONE, "←", A::PrevStep, "previous step", "이전 단계", false),
    bind!(Global, K::Char('1'), NONE, "1-4", A::GoStep(1), "go to step 1–4", "1–4단계로 이동", false),
    // Shown once, as `1-4` above (an empty label is left out of hints and help).
    bind!(Global, K::Char('2'), NONE, "", A::GoStep(2), "go to step 1–4", "1–4단계로 이동", false),
    bind!(Global, K::Char('3'), NONE, "", A::GoStep(3), "go to step 1–4", "1–4단계로 이동", false),
    bind!(Global, K::Char('4'), NONE, "", A::GoStep(4), "go to step 1–4", "1–4단계로 이동", false),
    bind!(Global, K::Char('l'), NONE, "l", A::ToggleFocus, "focus logs / steps", "로그 / 단계 전환", true),
    bind!(Global, K::Char('e'), NONE, "e", A::EditArgs, "edit args", "인자 편집", true),
    bind!(Global, K::Char('r'), NONE, "r", A::Restart, "rollout restart & verify", "재시작 및 검증", true),
    bind!(Global, K::Char('u'), NONE, "u", A::Undo, "undo the last change", "마지막 변경 되돌리기", true),
    bind!(Global, K::Char(':'), NONE, ":", A::OpenCommand, "command", "명령", true),
    bind!(Global, K::Char('R'), SHIFT, "R", A::Refresh, "re-check now", "지금 다시 점검", false),
    bind!(Global, K::Char('?'), NONE, "?", A::Help, "help", "도움말", true),
    bind!(Global, K::Char('q'), NONE, "q", A::Quit, "quit", "종료", true),
    bind!(Global, K::Char('c'), CTRL, "Ctrl-c", A::Quit, "quit", "종료", false),
];

/// Whether the event matches a binding's key. Terminals disagree on whether a shifted letter
/// or Shift-Tab carries SHIFT, so only the key and the Control modifier are compared.
fn matches(b: &Binding, key: &KeyEvent) -> bool {
    b.code == key.code && b.mods.contains(CTRL) == key.modifiers.contains(CTRL)
}

/// The action of a key in the given contexts, first context first (a dialog shadows the rest).
pub fn lookup(contexts: &[Context], key: &KeyEvent) -> Option<Action> {
    lookup_applicable(contexts, key, |_| true)
}

/// As [`lookup`], but a binding whose action does nothing now gives way to the same key in an
/// outer context (`←` scrolls unwrapped logs sideways, and otherwise goes to the previous step);
/// when no binding applies, the innermost one is still returned so it can say why.
pub fn lookup_applicable(
    contexts: &[Context],
    key: &KeyEvent,
    applies: impl Fn(Action) -> bool,
) -> Option<Action> {
    let mut bound = contexts.iter().filter_map(|ctx| {
        BINDINGS
            .iter()
            .find(|b| b.context == *ctx && matches(b, key))
            .map(|b| b.action)
    });
    let first = bound.next()?;
    if applies(first) {
        return Some(first);
    }
    Some(bound.find(|a| applies(*a)).unwrap_or(first))
}

/// Footer hints for the active contexts: `(key, what it does)`, de-duplicated by label, in
/// table order (innermost context first), which is also their priority when space is short.
pub fn hints(contexts: &[Context], lang: Lang) -> Vec<(&'static str, &'static str)> {
    footer_bindings(contexts)
        .map(|b| (b.label, b.help.get(lang)))
        .collect()
}

/// The bindings the footer may show for the active contexts, de-duplicated by label.
pub fn footer_bindings(contexts: &[Context]) -> impl Iterator<Item = &'static Binding> + '_ {
    let mut seen: Vec<&str> = Vec::new();
    contexts
        .iter()
        .flat_map(|ctx| BINDINGS.iter().filter(move |b| b.context == *ctx))
        .filter(|b| b.in_footer && !b.label.is_empty())
        .filter(move |b| {
            let new = !seen.contains(&b.label);
            seen.push(b.label);
            new
        })
}

/// Hints the footer keeps whatever the width: how to get help and how to leave.
pub fn always_shown(action: Action) -> bool {
    matches!(action, Action::Help | Action::Quit)
}

/// The help screen's lines: each context's name, then its rows.
pub fn help_lines(lang: Lang) -> Vec<HelpLine> {
    Context::ALL
        .into_iter()
        .flat_map(|ctx| {
            let rows = help_rows(ctx, lang)
                .into_iter()
                .map(|(keys, what)| HelpLine::Row(keys, what));
            // The prompt's commands follow its keys.
            let commands = COMMANDS
                .iter()
                .filter(move |_| ctx == Context::Command)
                .map(move |c| {
                    let usage = match c.arg {
                        Some(arg) => format!(":{} {arg}", c.name),
                        None => format!(":{}", c.name),
                    };
                    HelpLine::Row(usage, c.help.get(lang))
                });
            std::iter::once(HelpLine::Heading(ctx.name().get(lang)))
                .chain(rows)
                .chain(commands)
        })
        .collect()
}

/// One line of the help screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    Heading(&'static str),
    Row(String, &'static str),
}

/// Every binding of a context for the help screen, one row per distinct description.
pub fn help_rows(context: Context, lang: Lang) -> Vec<(String, &'static str)> {
    let mut rows: Vec<(String, &'static str)> = Vec::new();
    for b in BINDINGS
        .iter()
        .filter(|b| b.context == context && !b.label.is_empty())
    {
        let text = b.help.get(lang);
        match rows.iter_mut().find(|(_, t)| *t == text) {
            Some((keys, _)) => {
                // `↓` is already part of `↑↓`.
                if !keys.split(", ").any(|k| k.contains(b.label)) {
                    keys.push_str(", ");
                    keys.push_str(b.label);
                }
            }
            None => rows.push((b.label.to_string(), text)),
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn dialog_context_shadows_global_keys() {
        let ctx = [Context::Dialog, Context::Global];
        assert_eq!(lookup(&ctx, &key(K::Char('n'))), Some(A::Cancel));
        assert_eq!(
            lookup(&[Context::Logs, Context::Global], &key(K::Char('n'))),
            Some(A::NextMatch)
        );
        assert_eq!(lookup(&ctx, &key(K::Char('y'))), Some(A::Confirm));
        assert_eq!(
            lookup(&[Context::Steps, Context::Global], &key(K::Char('y'))),
            None,
            "y only confirms in a dialog"
        );
    }

    #[test]
    fn shifted_letters_and_control_keys() {
        let shifted = KeyEvent::new(K::Char('R'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&[Context::Global], &shifted), Some(A::Refresh));
        assert_eq!(
            lookup(&[Context::Global], &key(K::Char('R'))),
            Some(A::Refresh)
        );
        let ctrl_c = KeyEvent::new(K::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&[Context::Global], &ctrl_c), Some(A::Quit));
        assert_eq!(lookup(&[Context::Global], &key(K::Char('c'))), None);
        let back = KeyEvent::new(K::BackTab, KeyModifiers::SHIFT);
        assert_eq!(lookup(&[Context::Global], &back), Some(A::PrevStep));
    }

    #[test]
    fn every_context_has_help_and_no_key_is_bound_twice_in_one_context() {
        for ctx in Context::ALL {
            assert!(!help_rows(ctx, Lang::En).is_empty());
            let keys: Vec<_> = BINDINGS
                .iter()
                .filter(|b| b.context == ctx)
                .map(|b| (b.code, b.mods))
                .collect();
            let mut dedup = keys.clone();
            dedup.sort_by_key(|(c, m)| format!("{c:?}{m:?}"));
            dedup.dedup();
            assert_eq!(keys.len(), dedup.len(), "duplicate key in {ctx:?}");
        }
        for b in BINDINGS {
            assert!(!b.help.ko.is_empty() && !b.help.en.is_empty());
        }
    }
}
