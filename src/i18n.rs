//! Interface language: English or Korean (the seed runbook's language).
//!
//! Chosen by `--lang`, else from the locale variables in POSIX precedence (`LC_ALL`, then
//! `LC_MESSAGES`, then `LANG`); `C`, `POSIX` and unset mean English. JSON output never changes
//! with the language.

use crate::diagnose::{Finding, catalog};
use crate::fix::FixId;
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ko,
}

impl Lang {
    /// Pick the language from an explicit choice or the environment (`env` looks a variable up).
    pub fn detect(explicit: Option<Lang>, env: impl Fn(&str) -> Option<String>) -> Lang {
        if let Some(lang) = explicit {
            return lang;
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(&env)
            .find(|v| !v.is_empty());
        match locale {
            Some(l) if l.to_ascii_lowercase().starts_with("ko") => Lang::Ko,
            _ => Lang::En,
        }
    }

    /// From the process environment.
    pub fn from_env(explicit: Option<Lang>) -> Lang {
        Lang::detect(explicit, |k| std::env::var(k).ok())
    }
}

/// A UI string in both languages. Keeping the pair together makes a missing translation visible
/// in review and impossible to forget at the call site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub ko: &'static str,
}

impl Text {
    pub const fn new(en: &'static str, ko: &'static str) -> Text {
        Text { en, ko }
    }

    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ko => self.ko,
        }
    }
}

/// A fix's one-line summary in both languages (the English is the fix's own, which is also what
/// `check -o json` prints). Shared by the TUI and the text report.
pub fn fix_summary(fix: FixId) -> Text {
    let ko = match fix {
        FixId::KubeletInsecureTls => {
            "임시 조치: --kubelet-insecure-tls 추가 (kubelet 인증서를 검증하지 않음)"
        }
        FixId::ApproveKubeletCsrs => {
            "근본적인 해결: 대기 중인 kubelet-serving CSR 승인 (kubelet이 CA가 서명한 인증서를 사용)"
        }
        FixId::DropKubeletInsecureTls => {
            "근본적인 해결: kubelet 인증서가 검증되므로 --kubelet-insecure-tls 제거"
        }
        FixId::PreferredAddressTypes => {
            "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname 설정"
        }
        FixId::DropLegacyPortFlags => {
            "예전 kubelet 포트 인자 제거 (read-only 포트 10255 / 평문 HTTP)"
        }
        FixId::MetricResolution => "--metric-resolution=15s 설정",
        FixId::RolloutRestart => "metrics-server Deployment 롤아웃 재시작",
    };
    Text::new(fix.summary(), ko)
}

/// A finding's title for people. `Finding::title` is English and is what JSON carries; a rule
/// may customise it. The catalog title is translated; the customised titles mstui's rules build
/// are translated here by shape, and any other customised title stays as the rule wrote it.
pub fn finding_title(f: &Finding, lang: Lang) -> Cow<'_, str> {
    let info = catalog::info(f.id);
    if lang == Lang::En {
        return Cow::Borrowed(&f.title);
    }
    if f.title == info.title_en {
        return Cow::Borrowed(info.title(lang));
    }
    match custom_title_ko(&f.title) {
        Some(ko) => Cow::Owned(ko),
        None => Cow::Borrowed(&f.title),
    }
}

/// Korean for the titles rules write themselves (F15's all-clear, F39's "mstui cannot …").
fn custom_title_ko(title: &str) -> Option<String> {
    if title == "Kubelet certificates are CA-signed: --kubelet-insecure-tls can go" {
        return Some("kubelet 인증서가 CA 서명됨: --kubelet-insecure-tls를 제거해도 됨".into());
    }
    let rest = title.strip_prefix("mstui cannot ")?;
    if let Some(call) = rest.strip_suffix(" (permission missing)") {
        return Some(format!("mstui에 {call} 권한이 없음"));
    }
    let call = rest.strip_suffix(" (call failed)")?;
    Some(format!("mstui의 {call} 호출이 실패함"))
}

/// Prose made at run time (a plan's sentence, its warnings) in both languages. English is the
/// canonical text — what JSON, logs and comparisons see, hence `Deref<Target = str>` and
/// `PartialEq<&str>` to it — and the UI picks a language with [`Prose::get`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Prose {
    pub en: String,
    pub ko: String,
}

impl Prose {
    pub fn new(en: impl Into<String>, ko: impl Into<String>) -> Prose {
        Prose {
            en: en.into(),
            ko: ko.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

impl std::ops::Deref for Prose {
    type Target = str;
    fn deref(&self) -> &str {
        &self.en
    }
}

impl PartialEq<&str> for Prose {
    fn eq(&self, other: &&str) -> bool {
        self.en == *other
    }
}

impl std::fmt::Display for Prose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| {
            vars.iter()
                .find(|(name, _)| name == k)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn locale_precedence_follows_posix() {
        assert_eq!(
            Lang::detect(None, env(&[("LANG", "ko_KR.UTF-8")])),
            Lang::Ko
        );
        assert_eq!(
            Lang::detect(None, env(&[("LC_ALL", "C"), ("LANG", "ko_KR.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::detect(None, env(&[("LC_MESSAGES", "ko_KR"), ("LANG", "en_US")])),
            Lang::Ko
        );
        assert_eq!(
            Lang::detect(None, env(&[("LC_ALL", ""), ("LANG", "ko")])),
            Lang::Ko,
            "empty is unset"
        );
        assert_eq!(Lang::detect(None, env(&[])), Lang::En);
        assert_eq!(Lang::detect(None, env(&[("LANG", "POSIX")])), Lang::En);
        assert_eq!(
            Lang::detect(Some(Lang::En), env(&[("LANG", "ko_KR.UTF-8")])),
            Lang::En
        );
    }

    #[test]
    fn every_fix_has_a_korean_summary_that_keeps_its_flags() {
        use FixId as F;
        let all = [
            F::KubeletInsecureTls,
            F::ApproveKubeletCsrs,
            F::DropKubeletInsecureTls,
            F::PreferredAddressTypes,
            F::DropLegacyPortFlags,
            F::MetricResolution,
            F::RolloutRestart,
        ];
        for fix in all {
            let t = fix_summary(fix);
            assert_eq!(t.en, fix.summary());
            assert_ne!(t.ko, t.en);
            for flag in t.en.split(' ').filter(|w| w.starts_with("--")) {
                assert!(
                    t.ko.contains(flag),
                    "{fix:?}: {flag} missing from {:?}",
                    t.ko
                );
            }
        }
    }

    #[test]
    fn finding_titles_follow_the_language_and_json_keeps_english() {
        let f = Finding::from_catalog(crate::diagnose::RuleId(15));
        assert_eq!(finding_title(&f, Lang::En), f.title);
        assert_eq!(finding_title(&f, Lang::Ko), catalog::info(f.id).title_ko);

        let all_clear = f
            .clone()
            .with_title("Kubelet certificates are CA-signed: --kubelet-insecure-tls can go");
        assert!(finding_title(&all_clear, Lang::Ko).starts_with("kubelet 인증서가 CA 서명됨"));

        let f39 = Finding::from_catalog(crate::diagnose::RuleId(39));
        let denied = f39
            .clone()
            .with_title("mstui cannot list pods (permission missing)");
        assert_eq!(
            finding_title(&denied, Lang::Ko),
            "mstui에 list pods 권한이 없음"
        );
        let failed = f39
            .clone()
            .with_title("mstui cannot get nodes (call failed)");
        assert_eq!(
            finding_title(&failed, Lang::Ko),
            "mstui의 get nodes 호출이 실패함"
        );
        let unknown = f39.with_title("something a rule made up");
        assert_eq!(
            finding_title(&unknown, Lang::Ko),
            "something a rule made up"
        );
    }
}
