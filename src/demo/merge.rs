//! A small strategic merge patch (`application/strategic-merge-patch+json`), enough for the
//! Deployment shapes kubectl and mstui send.
//!
//! The rules that matter for metrics-server: maps merge recursively and `null` deletes a key;
//! lists of containers (and env, volumes, ports…) merge element by element on their merge key,
//! while every other list, `args` and `command` included, is replaced wholesale. The `$patch`
//! directives `delete` and `replace` and `$deleteFromPrimitiveList` are honoured;
//! `$setElementOrder` and `$retainKeys` only carry ordering and pruning hints and are dropped.

use serde_json::{Map, Value};

/// The merge key of a list field, from the Kubernetes API's `patchMergeKey` markers, for the
/// lists a Deployment holds.
fn merge_key(field: &str) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets" => Some("name"),
        "volumeMounts" | "volumeDevices" => Some("mountPath"),
        "ports" => Some("containerPort"),
        "hostAliases" => Some("ip"),
        "conditions" => Some("type"),
        "topologySpreadConstraints" => Some("topologyKey"),
        _ => None,
    }
}

/// The patch content types the demo understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PatchType {
    Strategic,
    Merge,
    /// RFC 6902, see [`super::jsonpatch`].
    Json,
}

impl PatchType {
    /// Apply `patch` to `target`. Errors are the server's "cannot be handled" reasons.
    pub fn apply(self, target: &Value, patch: &Value) -> Result<Value, (u16, String)> {
        match self {
            PatchType::Json => super::jsonpatch::apply(target, patch),
            _ => merge_patch(target, patch, self == PatchType::Strategic).map_err(|e| (400, e)),
        }
    }
}

fn merge_patch(target: &Value, patch: &Value, strategic: bool) -> Result<Value, String> {
    if !patch.is_object() {
        return Err(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            kind(patch)
        ));
    }
    let rules = Rules { strategic };
    Ok(rules
        .merge_value(Some(target), patch, None)
        .unwrap_or(Value::Object(Map::new())))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[derive(Clone, Copy)]
struct Rules {
    /// Strategic merge (lists merge on their key, `$` directives apply) or plain JSON merge.
    strategic: bool,
}

impl Rules {
    /// The merged value, or `None` when the patch deletes it.
    fn merge_value(
        self,
        target: Option<&Value>,
        patch: &Value,
        field: Option<&str>,
    ) -> Option<Value> {
        match patch {
            Value::Null => None,
            Value::Object(p) => self.merge_map(target.and_then(Value::as_object), p),
            Value::Array(items) => Some(self.merge_list(
                target.and_then(Value::as_array),
                items,
                field.and_then(merge_key).filter(|_| self.strategic),
            )),
            scalar => Some(scalar.clone()),
        }
    }

    fn merge_map(
        self,
        target: Option<&Map<String, Value>>,
        patch: &Map<String, Value>,
    ) -> Option<Value> {
        if !self.strategic {
            let mut out = target.cloned().unwrap_or_default();
            for (key, value) in patch {
                match self.merge_value(out.get(key), value, Some(key)) {
                    Some(v) => {
                        out.insert(key.clone(), v);
                    }
                    None => {
                        out.remove(key);
                    }
                }
            }
            return Some(Value::Object(out));
        }
        match patch.get("$patch").and_then(Value::as_str) {
            Some("delete") => return None,
            Some("replace") => {
                let mut replaced = patch.clone();
                replaced.remove("$patch");
                return Some(Value::Object(strip_directives(replaced)));
            }
            _ => {}
        }
        let mut out = target.cloned().unwrap_or_default();
        for (key, value) in patch {
            if let Some(list) = key.strip_prefix("$deleteFromPrimitiveList/") {
                let drop: Vec<&Value> = value
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_default();
                if let Some(Value::Array(items)) = out.get_mut(list) {
                    items.retain(|i| !drop.contains(&i));
                }
                continue;
            }
            if key.starts_with('$') {
                continue;
            }
            match self.merge_value(out.get(key), value, Some(key)) {
                Some(v) => {
                    out.insert(key.clone(), v);
                }
                None => {
                    out.remove(key);
                }
            }
        }
        Some(Value::Object(out))
    }

    fn merge_list(self, target: Option<&Vec<Value>>, patch: &[Value], key: Option<&str>) -> Value {
        if !self.strategic {
            return Value::Array(patch.to_vec());
        }
        let replace_all = patch
            .iter()
            .any(|p| p.get("$patch").and_then(Value::as_str) == Some("replace"));
        let (Some(key), Some(target), false) = (key, target, replace_all) else {
            // No merge key (args, command, tolerations…) or an explicit replace: the patch's list is
            // the new list.
            let items = patch
                .iter()
                .filter(|p| p.get("$patch").is_none())
                .map(|p| match p {
                    Value::Object(m) => Value::Object(strip_directives(m.clone())),
                    other => other.clone(),
                })
                .collect();
            return Value::Array(items);
        };
        let mut out = target.clone();
        for item in patch {
            let id = item.get(key);
            let position = id.and_then(|id| out.iter().position(|t| t.get(key) == Some(id)));
            match (
                position,
                self.merge_value(position.map(|i| &out[i]), item, None),
            ) {
                (Some(i), Some(merged)) => out[i] = merged,
                (Some(i), None) => {
                    out.remove(i);
                }
                (None, Some(new)) => out.push(new),
                (None, None) => {}
            }
        }
        Value::Array(out)
    }
}

fn strip_directives(mut m: Map<String, Value>) -> Map<String, Value> {
    m.retain(|k, _| !k.starts_with('$'));
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strategic_merge(target: &Value, patch: &Value) -> Result<Value, String> {
        PatchType::Strategic
            .apply(target, patch)
            .map_err(|(_, e)| e)
    }

    fn json_merge(target: &Value, patch: &Value) -> Result<Value, String> {
        PatchType::Merge.apply(target, patch).map_err(|(_, e)| e)
    }

    fn deployment() -> Value {
        json!({
            "metadata": {"name": "metrics-server", "resourceVersion": "1834", "labels": {"k8s-app": "metrics-server"}},
            "spec": {"template": {
                "metadata": {"labels": {"k8s-app": "metrics-server"}},
                "spec": {"containers": [
                    {"name": "metrics-server", "image": "registry.k8s.io/metrics-server/metrics-server:v0.8.0",
                     "args": ["--cert-dir=/tmp", "--secure-port=10250"],
                     "ports": [{"containerPort": 10250, "name": "https"}]},
                    {"name": "sidecar", "image": "busybox", "args": ["sleep", "3600"]}
                ]}
            }}
        })
    }

    #[test]
    fn containers_merge_by_name_and_their_args_are_replaced() {
        let patch = json!({
            "metadata": {"resourceVersion": "1834"},
            "spec": {"template": {"spec": {"containers": [
                {"name": "metrics-server", "args": ["--cert-dir=/tmp", "--kubelet-insecure-tls"]}
            ]}}}
        });
        let out = strategic_merge(&deployment(), &patch).expect("merges");
        let containers = &out["spec"]["template"]["spec"]["containers"];
        assert_eq!(containers.as_array().map(Vec::len), Some(2));
        assert_eq!(
            containers[0]["args"],
            json!(["--cert-dir=/tmp", "--kubelet-insecure-tls"])
        );
        // What the patch did not mention stays.
        assert_eq!(
            containers[0]["image"],
            "registry.k8s.io/metrics-server/metrics-server:v0.8.0"
        );
        assert_eq!(containers[0]["ports"][0]["name"], "https");
        assert_eq!(containers[1]["args"], json!(["sleep", "3600"]));
    }

    #[test]
    fn annotations_merge_and_null_deletes() {
        let patch = json!({"spec": {"template": {"metadata": {"annotations": {
            "kubectl.kubernetes.io/restartedAt": "2026-11-29T06:00:00Z"
        }}}}, "metadata": {"labels": {"k8s-app": null, "team": "obs"}}});
        let out = strategic_merge(&deployment(), &patch).expect("merges");
        assert_eq!(
            out["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"],
            "2026-11-29T06:00:00Z"
        );
        assert_eq!(
            out["spec"]["template"]["metadata"]["labels"]["k8s-app"],
            "metrics-server"
        );
        assert_eq!(out["metadata"]["labels"], json!({"team": "obs"}));
    }

    #[test]
    fn directives_delete_replace_and_primitive_removal() {
        let patch = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "sidecar", "$patch": "delete"}],
            "$setElementOrder/containers": [{"name": "metrics-server"}]
        }}}});
        let out = strategic_merge(&deployment(), &patch).expect("merges");
        let containers = out["spec"]["template"]["spec"]["containers"]
            .as_array()
            .cloned();
        assert_eq!(containers.map(|c| c.len()), Some(1));
        assert!(
            out["spec"]["template"]["spec"]
                .get("$setElementOrder/containers")
                .is_none()
        );

        let patch = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "metrics-server", "$deleteFromPrimitiveList/args": ["--secure-port=10250"]}
        ]}}}});
        let out = strategic_merge(&deployment(), &patch).expect("merges");
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"][0]["args"],
            json!(["--cert-dir=/tmp"])
        );

        let patch = json!({"metadata": {"labels": {"$patch": "replace", "only": "this"}}});
        let out = strategic_merge(&deployment(), &patch).expect("merges");
        assert_eq!(out["metadata"]["labels"], json!({"only": "this"}));
    }

    #[test]
    fn a_json_merge_patch_replaces_lists() {
        let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "only"}]}}}});
        let out = json_merge(&deployment(), &patch).expect("merges");
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"],
            json!([{"name": "only"}])
        );
        assert_eq!(out["metadata"]["name"], "metrics-server");
    }

    #[test]
    fn a_patch_that_is_not_an_object_is_refused() {
        let err = strategic_merge(&deployment(), &json!([1, 2])).expect_err("not a map");
        assert!(err.contains("cannot unmarshal array"), "{err}");
    }
}
