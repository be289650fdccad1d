//! Interface language: English or Korean (the seed runbook's language).
//!
//! Chosen by `--lang`, else from the locale variables in POSIX precedence (`LC_ALL`, then
//! `LC_MESSAGES`, then `LANG`); `C`, `POSIX` and unset mean English. JSON output never changes
//! with the language.

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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| vars.iter().find(|(name, _)| name == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn locale_precedence_follows_posix() {
        assert_eq!(Lang::detect(None, env(&[("LANG", "ko_KR.UTF-8")])), Lang::Ko);
        assert_eq!(Lang::detect(None, env(&[("LC_ALL", "C"), ("LANG", "ko_KR.UTF-8")])), Lang::En);
        assert_eq!(Lang::detect(None, env(&[("LC_MESSAGES", "ko_KR"), ("LANG", "en_US")])), Lang::Ko);
        assert_eq!(Lang::detect(None, env(&[("LC_ALL", ""), ("LANG", "ko")])), Lang::Ko, "empty is unset");
        assert_eq!(Lang::detect(None, env(&[])), Lang::En);
        assert_eq!(Lang::detect(None, env(&[("LANG", "POSIX")])), Lang::En);
        assert_eq!(Lang::detect(Some(Lang::En), env(&[("LANG", "ko_KR.UTF-8")])), Lang::En);
    }
}
