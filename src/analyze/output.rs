//! The three output formats of `analyze-logs`, written as lines are read.
//!
//! - ndjson: one object per matched line, nothing else (no output at all when nothing
//!   matched, so strict readers accept an empty result).
//! - text: each matched line as it is found (number, rule, the line with its signature
//!   highlighted), then the per-rule summary.
//! - json: one document at the end, from the bounded [`Tally`].
//!
//! Only the text format follows the language.

use super::tally::{LineMatch, Tally};
use super::{Lang, Paint, Text, catalog, severity_tag};
use crate::logs::{Classified, SpanClass, segments};
use crate::report::LogFormat;
use std::io::{self, Write};

/// How much of a matched line the text report shows.
pub const EXCERPT_CHARS: usize = 220;

const OK: Text = Text::new("ok", "정상");
const NODES: Text = Text::new("nodes:", "노드:");

pub struct Sink<W: Write> {
    out: W,
    format: LogFormat,
    paint: Paint,
    lang: Lang,
}

impl<W: Write> Sink<W> {
    pub fn new(out: W, format: LogFormat, paint: Paint, lang: Lang) -> Self {
        Sink {
            out,
            format,
            paint,
            lang,
        }
    }

    /// Bytes already rendered by [`render_match`], in input order.
    pub fn write(&mut self, rendered: &[u8]) -> io::Result<()> {
        self.out.write_all(rendered)
    }

    /// Everything that needs the whole input, then flush.
    pub fn finish(mut self, t: &Tally) -> io::Result<()> {
        match self.format {
            LogFormat::Ndjson => {}
            LogFormat::Json => {
                let sample = t.sample();
                let doc = serde_json::json!({
                    "lines": t.lines,
                    "matched": t.matched,
                    "healthy": !t.has_problems(),
                    "rules": t.summaries(),
                    // Bounded: the first matches of each rule, in line order.
                    "matches": sample,
                    "matches_omitted": t.matched - sample.len() as u64,
                });
                serde_json::to_writer_pretty(&mut self.out, &doc)?;
                self.out.write_all(b"\n")?;
            }
            LogFormat::Text => {
                if t.matched > 0 {
                    self.out.write_all(b"\n")?;
                }
                self.out
                    .write_all(summary_text(t, self.paint, self.lang).as_bytes())?;
            }
        }
        self.out.flush()
    }
}

/// Renders one matched line as soon as it is found (nothing for JSON, which reports at the
/// end). Pure, so the workers that classify can format too.
pub fn render_match(
    out: &mut Vec<u8>,
    format: LogFormat,
    paint: Paint,
    m: &LineMatch,
    raw: &str,
    c: &Classified,
) {
    match format {
        LogFormat::Ndjson => {
            // Serialising plain strings and numbers into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, m);
            out.push(b'\n');
        }
        LogFormat::Text => {
            let number = paint.dim(&format!("{:>7}:", m.line));
            let rule = paint.severity(m.severity, &m.rule.to_string());
            let _ = write!(out, "{number} {rule} ");
            for s in segments(raw, &c.spans, EXCERPT_CHARS) {
                match s.class {
                    Some(SpanClass::Signature(sev)) => {
                        out.extend_from_slice(paint.severity(sev, &s.text).as_bytes());
                    }
                    _ => out.extend_from_slice(s.text.as_bytes()),
                }
            }
            out.push(b'\n');
        }
        LogFormat::Json => {}
    }
}

/// The per-rule summary that ends the text report.
pub fn summary_text(t: &Tally, paint: Paint, lang: Lang) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let summaries = t.summaries();
    let (lines, matched) = (t.lines, t.matched);
    if summaries.is_empty() {
        let ok = paint.green(OK.get(lang));
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "{ok} {lines} lines read, no known metrics-server problem matched"
            ),
            Lang::Ko => writeln!(
                out,
                "{ok} {lines}줄을 읽었고, 알려진 metrics-server 문제와 일치하는 줄이 없습니다"
            ),
        };
        return out;
    }
    let _ = match lang {
        Lang::En => writeln!(
            out,
            "{lines} lines read, {matched} matched a known problem\n"
        ),
        Lang::Ko => writeln!(
            out,
            "{lines}줄을 읽었고, 그중 {matched}줄이 알려진 문제와 일치합니다\n"
        ),
    };
    for s in &summaries {
        let tag = severity_tag(s.severity, lang, paint);
        let id = paint.bold(&s.id.to_string());
        let (count, first, n) = (s.count, s.first_line, s.step.number());
        let step = s.step.title().get(lang);
        let _ = match lang {
            Lang::En => writeln!(
                out,
                "{tag} {id} {} — {count} line(s), first at line {first} (step {n} · {step})",
                s.title
            ),
            Lang::Ko => writeln!(
                out,
                "{tag} {id} {} — {count}줄, 처음 {first}번째 줄 ({n}단계 · {step})",
                catalog::info(s.id).title(lang)
            ),
        };
        if !s.nodes.is_empty() {
            let more = if s.nodes_truncated { ", …" } else { "" };
            let _ = writeln!(
                out,
                "        {} {}{more}",
                NODES.get(lang),
                s.nodes.join(", ")
            );
        }
        let _ = writeln!(
            out,
            "        {}",
            paint.dim(&format!("{first}: {}", s.excerpt))
        );
    }
    out
}
