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

/// Prose made at run time (a plan's sentence, its warnings) in both languages. English is the
/// canonical text — what JSON, logs and comparisons see, hence `Deref<Target = str>` and
/// `PartialEq<&str>` to it; it serialises as the English string — and the UI picks a language
/// with [`Prose::get`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
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

impl serde::Serialize for Prose {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en)
    }
}

impl From<Text> for Prose {
    fn from(t: Text) -> Prose {
        Prose::new(t.en, t.ko)
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
}
