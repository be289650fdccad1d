//! Query strings and the label and field selectors of list requests.
//!
//! Only equality-based selectors (`a=b`, `a==b`, `a!=b`, and `key` / `!key` for labels) are
//! understood; that is all kube-rs sends for mstui. Anything else is a 400, as the API server
//! answers a selector it cannot parse, rather than a silently unfiltered list.

use serde_json::Value;

/// The decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(query: Option<&str>) -> Query {
        let pairs = query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k), decode(v))
            })
            .collect();
        Query(pairs)
    }

    /// The last value of `key` (the API server also takes the last one).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A Go `strconv.ParseBool`-style flag: `true`, `1`, `t`…
    pub fn flag(&self, key: &str) -> bool {
        self.get(key)
            .and_then(crate::flags::parse_go_bool)
            .unwrap_or(false)
    }
}

/// Percent-decoding of `application/x-www-form-urlencoded` text (`+` is a space).
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    Exists(String),
    Absent(String),
}

/// A parsed selector; matching reads the object as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Selector {
    requirements: Vec<Requirement>,
    /// Field selectors name dotted paths from the object root; label selectors name labels.
    fields: bool,
}

impl Selector {
    pub fn labels(text: &str) -> Result<Selector, String> {
        Self::parse(text, false)
    }

    pub fn fields(text: &str) -> Result<Selector, String> {
        Self::parse(text, true)
    }

    fn parse(text: &str, fields: bool) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let req = if let Some((k, v)) = part.split_once("!=") {
                Requirement::NotEquals(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
                Requirement::Equals(k.trim().into(), v.trim().into())
            } else if fields {
                return Err(format!(
                    "invalid field selector: {part:?}: expected key=value"
                ));
            } else if let Some(k) = part.strip_prefix('!') {
                Requirement::Absent(k.trim().into())
            } else {
                Requirement::Exists(part.into())
            };
            let key = match &req {
                Requirement::Equals(k, _)
                | Requirement::NotEquals(k, _)
                | Requirement::Exists(k)
                | Requirement::Absent(k) => k,
            };
            if key.is_empty() || key.contains([' ', '(', ')']) {
                return Err(format!("unable to parse requirement: {part:?}"));
            }
            requirements.push(req);
        }
        Ok(Selector {
            requirements,
            fields,
        })
    }

    pub fn matches(&self, object: &Value) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => self.value(object, k).as_deref() == Some(v.as_str()),
            Requirement::NotEquals(k, v) => self.value(object, k).as_deref() != Some(v.as_str()),
            Requirement::Exists(k) => self.value(object, k).is_some(),
            Requirement::Absent(k) => self.value(object, k).is_none(),
        })
    }

    fn value(&self, object: &Value, key: &str) -> Option<String> {
        let found = if self.fields {
            key.split('.').try_fold(object, |v, part| v.get(part))
        } else {
            object.get("metadata")?.get("labels")?.get(key)
        }?;
        match found {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_decode_like_a_form() {
        let q = Query::parse(Some(
            "fieldSelector=spec.signerName%3Dkubernetes.io%2Fkubelet-serving&tailLines=500&follow=true&x=a+b&bad=%zz",
        ));
        assert_eq!(
            q.get("fieldSelector"),
            Some("spec.signerName=kubernetes.io/kubelet-serving")
        );
        assert_eq!(q.get("tailLines"), Some("500"));
        assert!(q.flag("follow"));
        assert!(!q.flag("previous"));
        assert_eq!(q.get("x"), Some("a b"));
        assert_eq!(q.get("bad"), Some("%zz"));
        assert_eq!(
            Query::parse(Some("trailing=%4")).get("trailing"),
            Some("%4")
        );
        assert_eq!(Query::parse(None).get("anything"), None);
    }

    #[test]
    fn label_selectors_match_metadata_labels() {
        let pod = json!({"metadata": {"labels": {"k8s-app": "metrics-server", "pod-template-hash": "abc"}}});
        let sel = |s: &str| Selector::labels(s).expect("parses");
        assert!(sel("k8s-app=metrics-server").matches(&pod));
        assert!(sel("k8s-app==metrics-server,pod-template-hash").matches(&pod));
        assert!(!sel("k8s-app=metrics-server,pod-template-hash!=abc").matches(&pod));
        assert!(sel("!tier").matches(&pod));
        assert!(sel("").matches(&pod));
        assert!(Selector::labels("env in (a,b)").is_err());
    }

    #[test]
    fn field_selectors_follow_dotted_paths() {
        let event = json!({"involvedObject": {"kind": "HorizontalPodAutoscaler", "name": "web"}, "type": "Warning"});
        let sel = |s: &str| Selector::fields(s).expect("parses");
        assert!(sel("involvedObject.kind=HorizontalPodAutoscaler").matches(&event));
        assert!(sel("involvedObject.name=web,type!=Normal").matches(&event));
        assert!(!sel("involvedObject.kind=Pod").matches(&event));
        assert!(Selector::fields("involvedObject.kind").is_err());
    }
}
