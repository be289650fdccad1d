//! The footer: the status line and the key hints of the current context.

use super::*;
use crate::tui::app::App;
use crate::tui::keymap::{self, Action};
use crate::tui::text as t;
use crate::tui::theme::Theme;
use crate::vocab::Lang;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

pub(super) fn draw_footer(
    app: &App,
    frame: &mut Frame,
    status: Rect,
    hints_area: Rect,
    theme: Theme,
) {
    let l = lang(app);
    if let Some(p) = &app.command {
        let line = Line::from(vec![
            Span::styled(" :", theme.accent()),
            Span::raw(crate::logs::sanitize(&p.input, 200).into_owned()),
            Span::styled("▏", theme.accent()),
        ]);
        frame.render_widget(Paragraph::new(line), status);
    } else if let Some(input) = &app.search_input {
        let line = Line::from(vec![
            Span::styled(format!(" {}: /", t::SEARCH.get(l)), theme.accent()),
            Span::raw(crate::logs::sanitize(input, 200).into_owned()),
            Span::styled("▏", theme.accent()),
        ]);
        frame.render_widget(Paragraph::new(line), status);
    } else if let Some((sev, _)) = &app.status {
        let mut rows = app.status_rows(usize::from(status.width));
        // Longer than its rows: the last one shown ends in `…`.
        if rows.len() > usize::from(status.height) {
            rows.truncate(usize::from(status.height));
            if let Some(last) = rows.last_mut() {
                let text = format!("{} …", last.to_string().trim_end());
                *last = Line::raw(ellipsize(&text, usize::from(status.width)));
            }
        }
        let lines: Vec<Line> = rows
            .into_iter()
            .map(|r| r.style(theme.severity(*sev)))
            .collect();
        frame.render_widget(Paragraph::new(lines), status);
    }
    let hints = footer_hints(app, l);
    let line = fit_hints(&hints, usize::from(hints_area.width), theme);
    frame.render_widget(Paragraph::new(line), hints_area);
}

/// The hints that apply now, `(key, what)`; where `y` would apply but cannot (read-only or no
/// permission), the reason takes its place.
fn footer_hints(app: &App, l: Lang) -> Vec<(String, String, bool)> {
    let contexts = app.contexts();
    let mut out = Vec::new();
    for b in keymap::footer_bindings(&contexts) {
        if b.action == Action::Confirm
            && let Some(reason) = app.dialog.as_ref().and_then(|d| d.blocked.as_ref())
        {
            let reason = if app.read_only() {
                t::APPLY_DISABLED_READ_ONLY.get(l).to_string()
            } else {
                reason.clone()
            };
            out.push((String::new(), reason, false));
            continue;
        }
        if app.action_applies(b.action) {
            out.push((
                b.label.to_string(),
                b.help.get(l).to_string(),
                keymap::always_shown(b.action),
            ));
        }
    }
    out
}

/// As many hints as fit, in priority order, always keeping the ones marked to stay (help, quit)
/// at the end; `…` marks hints left out.
fn fit_hints(hints: &[(String, String, bool)], width: usize, theme: Theme) -> Line<'static> {
    let cost = |(key, what, _): &(String, String, bool)| {
        let key_w = if key.is_empty() { 0 } else { key.width() + 1 };
        key_w + what.width() + 2
    };
    let (kept, optional): (Vec<_>, Vec<_>) = hints.iter().partition(|h| h.2);
    let mut budget = width.saturating_sub(kept.iter().copied().map(cost).sum::<usize>() + 2);
    let mut shown = Vec::new();
    let mut cut = false;
    for h in optional {
        if !cut && cost(h) <= budget {
            budget -= cost(h);
            shown.push(h);
        } else {
            cut = true;
        }
    }
    let hint = |(key, what, _): &(String, String, bool)| {
        let key = (!key.is_empty()).then(|| Span::styled(format!(" {key}"), theme.accent()));
        key.into_iter()
            .chain([Span::styled(format!(" {what} "), theme.muted())])
    };
    let mark = cut.then(|| Span::styled(" …", theme.muted()));
    let spans: Vec<Span> = shown
        .into_iter()
        .flat_map(hint)
        .chain(mark)
        .chain(kept.into_iter().flat_map(hint))
        .collect();
    Line::from(spans)
}
