//! The `:` command prompt (k9s style): the command list, parsing, and completion. Pure: the
//! prompt's text and what is known (contexts, namespaces) in, a command or candidates out.
//!
//! To add a command: a row in [`COMMANDS`], a [`Command`] variant and its arm in [`parse`]; what
//! it does is `App::run_command` (`app/keys.rs`). Help and completion read the table.

use crate::vocab::Text;

/// A read-only view of objects mstui already fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewKind {
    Pods,
    Events,
    Deploy,
    ApiService,
    Nodes,
    /// What mstui could not read or check, and why (the limits of the diagnosis).
    Checks,
    /// The kubeconfig contexts (`:ctx`), one row each; Enter switches.
    Contexts,
}

impl ViewKind {
    /// The view's title.
    pub fn title(self) -> &'static str {
        match self {
            ViewKind::Pods => "pods",
            ViewKind::Events => "events",
            ViewKind::Deploy => "deployment",
            ViewKind::ApiService => "apiservice",
            ViewKind::Nodes => "nodes",
            ViewKind::Checks => "gaps",
            ViewKind::Contexts => "contexts",
        }
    }

    /// Whether it has a YAML form (`:ctx` and `:checks` are lists of mstui's own).
    pub fn has_yaml(self) -> bool {
        !matches!(self, ViewKind::Contexts | ViewKind::Checks)
    }
}

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `:ctx` alone: the contexts table.
    Contexts,
    /// `:ctx NAME`.
    SwitchContext(String),
    /// `:ns` alone: say where metrics-server is looked for.
    ShowNamespace,
    /// `:ns NAME` (look there first) or `:ns -` (`None`: back to following the APIService).
    SetNamespace(Option<String>),
    View(ViewKind),
    Quit,
}

/// Why a command line does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    Empty,
    Unknown(String),
    /// A command that takes no argument got one.
    NoArgument(&'static str),
    /// Not a valid namespace name (RFC 1123 label).
    BadNamespace(String),
    /// More than one argument.
    TooMany(&'static str),
}

impl ParseError {
    pub fn message(&self, lang: crate::vocab::Lang) -> String {
        use crate::vocab::Lang::{En, Ko};
        match (self, lang) {
            (ParseError::Empty, En) => "Empty command; try :pods, :ctx or :q".into(),
            (ParseError::Empty, Ko) => "명령이 비었습니다. :pods, :ctx, :q 등을 입력하세요".into(),
            (ParseError::Unknown(c), En) => {
                format!("Unknown command :{c} — Tab lists the commands")
            }
            (ParseError::Unknown(c), Ko) => {
                format!("알 수 없는 명령 :{c} — Tab으로 명령 목록을 봅니다")
            }
            (ParseError::NoArgument(c), En) => format!(":{c} takes no argument"),
            (ParseError::NoArgument(c), Ko) => format!(":{c}에는 인자가 없습니다"),
            (ParseError::BadNamespace(n), En) => format!(
                "\"{n}\" is not a namespace name (lowercase letters, digits and '-'); :ns - clears it"
            ),
            (ParseError::BadNamespace(n), Ko) => format!(
                "\"{n}\"은(는) 네임스페이스 이름이 아닙니다 (소문자, 숫자, '-'). :ns - 로 해제합니다"
            ),
            (ParseError::TooMany(c), En) => format!(":{c} takes one name"),
            (ParseError::TooMany(c), Ko) => format!(":{c}에는 이름 하나만 줄 수 있습니다"),
        }
    }
}

/// One command: its name, the other spellings it answers to, its argument and what it does.
pub struct Spec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub arg: Option<&'static str>,
    pub help: Text,
}

/// Every command, in the order completion and help list them.
pub static COMMANDS: &[Spec] = &[
    Spec {
        name: "ctx",
        aliases: &["context", "contexts"],
        arg: Some("[NAME]"),
        help: Text::new(
            "kubeconfig contexts; with NAME, switch to it",
            "kubeconfig 컨텍스트 목록, NAME을 주면 전환",
        ),
    },
    Spec {
        name: "ns",
        aliases: &["namespace"],
        arg: Some("[NAME|-]"),
        help: Text::new(
            "prefer namespace NAME (- : follow the APIService)",
            "NAME 네임스페이스 우선 (- : APIService를 따름)",
        ),
    },
    Spec {
        name: "pods",
        aliases: &["po", "pod"],
        arg: None,
        help: Text::new("metrics-server pods", "metrics-server 파드"),
    },
    Spec {
        name: "events",
        aliases: &["ev", "event"],
        arg: None,
        help: Text::new("events mstui read", "mstui가 읽은 이벤트"),
    },
    Spec {
        name: "deploy",
        aliases: &["deployment", "deployments", "dp"],
        arg: None,
        help: Text::new("the metrics-server Deployment", "metrics-server Deployment"),
    },
    Spec {
        name: "apiservice",
        aliases: &["apiservices"],
        arg: None,
        help: Text::new(
            "the v1beta1.metrics.k8s.io APIService",
            "v1beta1.metrics.k8s.io APIService",
        ),
    },
    Spec {
        name: "nodes",
        aliases: &["no", "node"],
        arg: None,
        help: Text::new("nodes and their kubelet addresses", "노드와 kubelet 주소"),
    },
    Spec {
        name: "gaps",
        aliases: &[],
        arg: None,
        help: Text::new(
            "what mstui could not read or check, and why",
            "mstui가 읽거나 확인하지 못한 것과 이유",
        ),
    },
    Spec {
        name: "quit",
        aliases: &["q", "q!"],
        arg: None,
        help: Text::new("quit mstui", "mstui 종료"),
    },
];

fn spec(word: &str) -> Option<&'static Spec> {
    COMMANDS
        .iter()
        .find(|c| c.name == word || c.aliases.contains(&word))
}

/// Whether `name` is a Kubernetes namespace name (an RFC 1123 label).
pub fn valid_namespace(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// Parse a command line (without the `:`).
pub fn parse(input: &str) -> Result<Command, ParseError> {
    let mut words = input.split_whitespace();
    let Some(first) = words.next() else {
        return Err(ParseError::Empty);
    };
    let first = first.strip_prefix(':').unwrap_or(first);
    let arg = words.next();
    let Some(spec) = spec(first) else {
        return Err(ParseError::Unknown(first.to_string()));
    };
    if words.next().is_some() {
        return Err(ParseError::TooMany(spec.name));
    }
    if spec.arg.is_none() && arg.is_some() {
        return Err(ParseError::NoArgument(spec.name));
    }
    Ok(match (spec.name, arg) {
        ("ctx", None) => Command::Contexts,
        ("ctx", Some(name)) => Command::SwitchContext(name.to_string()),
        ("ns", None) => Command::ShowNamespace,
        ("ns", Some("-")) => Command::SetNamespace(None),
        ("ns", Some(name)) if valid_namespace(name) => Command::SetNamespace(Some(name.into())),
        ("ns", Some(name)) => return Err(ParseError::BadNamespace(name.to_string())),
        ("pods", _) => Command::View(ViewKind::Pods),
        ("events", _) => Command::View(ViewKind::Events),
        ("deploy", _) => Command::View(ViewKind::Deploy),
        ("apiservice", _) => Command::View(ViewKind::ApiService),
        ("nodes", _) => Command::View(ViewKind::Nodes),
        ("gaps", _) => Command::View(ViewKind::Checks),
        _ => Command::Quit,
    })
}

/// What completion may offer beyond the command names.
#[derive(Debug, Clone, Copy, Default)]
pub struct Known<'a> {
    pub contexts: &'a [String],
    pub namespaces: &'a [String],
}

/// The command lines completing the last word of `input` would make, in order: command names
/// for the first word, contexts after `ctx `, namespaces after `ns `.
pub fn candidates(input: &str, known: Known) -> Vec<String> {
    let trimmed = input.trim_start();
    match trimmed.split_once(char::is_whitespace) {
        None => COMMANDS
            .iter()
            .filter(|c| {
                c.name.starts_with(trimmed) || c.aliases.iter().any(|a| a.starts_with(trimmed))
            })
            .map(|c| c.name.to_string())
            .collect(),
        Some((cmd, rest)) => {
            let rest = rest.trim_start();
            if rest.contains(char::is_whitespace) {
                return Vec::new();
            }
            let pool = match spec(cmd).map(|s| s.name) {
                Some("ctx") => known.contexts,
                Some("ns") => known.namespaces,
                _ => return Vec::new(),
            };
            pool.iter()
                .filter(|n| n.starts_with(rest))
                .map(|n| format!("{cmd} {n}"))
                .collect()
        }
    }
}

/// The word of a candidate line that completion offered (what the candidate list shows).
pub fn shown_word(candidate: &str) -> &str {
    candidate
        .rsplit_once(' ')
        .map_or(candidate, |(_, word)| word)
}

/// The prompt being typed after `:`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub input: String,
    /// Set while Tab or ↑↓ step through a frozen candidate list.
    cycle: Option<Cycle>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cycle {
    candidates: Vec<String>,
    index: usize,
}

impl Prompt {
    pub fn type_char(&mut self, c: char) {
        self.input.push(c);
        self.cycle = None;
    }

    pub fn backspace(&mut self) {
        self.input.pop();
        self.cycle = None;
    }

    /// Tab: the one candidate (and a space when its command takes a name), else the longest
    /// common prefix, else step through the candidates; Shift-Tab steps back.
    pub fn complete(&mut self, known: Known, forward: bool) {
        if self.cycle.is_some() {
            return self.step(forward);
        }
        let cands = candidates(&self.input, known);
        match cands.as_slice() {
            [] => {}
            [one] => {
                self.input = one.clone();
                if !one.contains(' ') && spec(one).is_some_and(|s| s.arg.is_some()) {
                    self.input.push(' ');
                }
            }
            many => {
                let prefix = common_prefix(many);
                if prefix.len() > self.input.trim_start().len() {
                    self.input = prefix;
                } else {
                    self.start_cycle(cands, forward);
                }
            }
        }
    }

    /// ↑↓: step through the candidates of what is typed.
    pub fn choose(&mut self, known: Known, forward: bool) {
        if self.cycle.is_some() {
            return self.step(forward);
        }
        let cands = candidates(&self.input, known);
        if !cands.is_empty() {
            self.start_cycle(cands, forward);
        }
    }

    fn start_cycle(&mut self, candidates: Vec<String>, forward: bool) {
        let index = if forward { 0 } else { candidates.len() - 1 };
        self.input = candidates[index].clone();
        self.cycle = Some(Cycle { candidates, index });
    }

    fn step(&mut self, forward: bool) {
        if let Some(c) = self.cycle.as_mut() {
            let n = c.candidates.len();
            c.index = if forward {
                (c.index + 1) % n
            } else {
                (c.index + n - 1) % n
            };
            self.input = c.candidates[c.index].clone();
        }
    }

    /// The candidate list to show and the chosen one, if stepping.
    pub fn shown(&self, known: Known) -> (Vec<String>, Option<usize>) {
        match &self.cycle {
            Some(c) => (c.candidates.clone(), Some(c.index)),
            None => (candidates(&self.input, known), None),
        }
    }
}

fn common_prefix(items: &[String]) -> String {
    let Some(first) = items.first() else {
        return String::new();
    };
    let mut len = first.len();
    for item in &items[1..] {
        len = first
            .char_indices()
            .zip(item.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(len);
    }
    first[..len].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known<'a>(contexts: &'a [String], namespaces: &'a [String]) -> Known<'a> {
        Known {
            contexts,
            namespaces,
        }
    }

    #[test]
    fn parses_commands_aliases_and_arguments() {
        assert_eq!(parse("ctx"), Ok(Command::Contexts));
        assert_eq!(
            parse(" context  prod "),
            Ok(Command::SwitchContext("prod".into()))
        );
        assert_eq!(parse("po"), Ok(Command::View(ViewKind::Pods)));
        assert_eq!(parse("deployment"), Ok(Command::View(ViewKind::Deploy)));
        assert_eq!(parse("apiservice"), Ok(Command::View(ViewKind::ApiService)));
        assert_eq!(parse("ev"), Ok(Command::View(ViewKind::Events)));
        assert_eq!(parse("no"), Ok(Command::View(ViewKind::Nodes)));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("quit"), Ok(Command::Quit));
        assert_eq!(parse("ns"), Ok(Command::ShowNamespace));
        assert_eq!(
            parse("ns monitoring"),
            Ok(Command::SetNamespace(Some("monitoring".into())))
        );
        assert_eq!(parse("ns -"), Ok(Command::SetNamespace(None)));
        assert_eq!(parse(""), Err(ParseError::Empty));
        assert_eq!(parse("bogus"), Err(ParseError::Unknown("bogus".into())));
        assert_eq!(parse("pods x"), Err(ParseError::NoArgument("pods")));
        assert_eq!(parse("ctx a b"), Err(ParseError::TooMany("ctx")));
        assert_eq!(
            parse("ns Bad_NS"),
            Err(ParseError::BadNamespace("Bad_NS".into()))
        );
        let msg = ParseError::Unknown("bogus".into()).message(crate::vocab::Lang::En);
        assert!(msg.contains(":bogus") && msg.contains("Tab"), "{msg}");
    }

    #[test]
    fn completes_command_names_then_context_and_namespace_names() {
        let ctxs = vec!["prod-eu".to_string(), "prod-us".into(), "staging".into()];
        let nss = vec!["kube-system".to_string(), "monitoring".into()];
        let k = known(&ctxs, &nss);
        assert_eq!(candidates("p", k), ["pods"]);
        assert_eq!(candidates("de", k), ["deploy"]);
        assert_eq!(candidates("n", k), ["ns", "nodes"]);
        assert_eq!(candidates("ctx prod", k), ["ctx prod-eu", "ctx prod-us"]);
        assert_eq!(candidates("ns m", k), ["ns monitoring"]);
        assert!(candidates("pods x", k).is_empty());
        assert_eq!(candidates("", k).len(), COMMANDS.len());

        let mut p = Prompt::default();
        p.type_char('p');
        p.type_char('o');
        p.complete(k, true);
        assert_eq!(p.input, "pods");

        let mut p = Prompt::default();
        p.type_char('c');
        p.complete(k, true);
        assert_eq!(p.input, "ctx ", "a command taking a name gets its space");
        for c in "pr".chars() {
            p.type_char(c);
        }
        p.complete(k, true);
        assert_eq!(p.input, "ctx prod-", "longest common prefix first");
        p.complete(k, true);
        assert_eq!(p.input, "ctx prod-eu", "then the candidates in turn");
        assert_eq!(
            p.shown(k),
            (vec!["ctx prod-eu".into(), "ctx prod-us".into()], Some(0))
        );
        p.complete(k, true);
        assert_eq!(p.input, "ctx prod-us");
        p.complete(k, true);
        assert_eq!(p.input, "ctx prod-eu", "wraps");
        p.complete(k, false);
        assert_eq!(p.input, "ctx prod-us");
        p.backspace();
        assert_eq!(p.shown(k).1, None, "typing ends the cycle");

        let mut p = Prompt::default();
        p.type_char('n');
        p.choose(k, false);
        assert_eq!(p.input, "nodes", "↑ starts from the last candidate");
        assert_eq!(shown_word("ctx prod-eu"), "prod-eu");
        assert_eq!(shown_word("pods"), "pods");
    }

    #[test]
    fn namespace_names() {
        assert!(valid_namespace("kube-system"));
        assert!(!valid_namespace("-x") && !valid_namespace("X") && !valid_namespace(""));
        assert!(!valid_namespace(&"a".repeat(64)));
    }
}
