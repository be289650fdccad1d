//! JSON patch (`application/json-patch+json`, RFC 6902) the way the API server applies it
//! (evanphx/json-patch v4): a `test` against `null` passes when the path is absent, a failed
//! `test` is a 422 "testing value … failed", a body that is not a patch is a 400.

use serde_json::Value;

/// Why a JSON patch was refused: the HTTP status and the server's message.
pub(crate) type Refusal = (u16, String);

/// Apply `patch` to `target`.
pub(crate) fn apply(target: &Value, patch: &Value) -> Result<Value, Refusal> {
    let ops: Vec<Value> = match patch {
        Value::Array(ops) => ops.clone(),
        _ => {
            return Err((
                400,
                "json: cannot unmarshal object into Go value of type jsonpatch.Patch".into(),
            ));
        }
    };
    let mut doc = target.clone();
    let mut kept = Vec::with_capacity(ops.len());
    for op in ops {
        let path = op.get("path").and_then(Value::as_str).unwrap_or_default();
        if op.get("op").and_then(Value::as_str) == Some("test") {
            let found = doc.pointer(path);
            let wanted = op.get("value").unwrap_or(&Value::Null);
            // Go semantics: a missing path equals null.
            if found.is_none_or(Value::is_null) && wanted.is_null() {
                continue;
            }
            if found != Some(wanted) {
                return Err((422, format!("testing value {path} failed: test failed")));
            }
            continue;
        }
        kept.push(op);
    }
    let ops: json_patch::Patch = serde_json::from_value(Value::Array(kept))
        .map_err(|e| (400, format!("the patch is not a JSON patch: {e}")))?;
    json_patch::patch(&mut doc, &ops).map_err(|e| (422, e.to_string()))?;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"spec": {"template": {"spec": {"containers": [
            {"name": "metrics-server", "args": ["--a", "--b"]},
            {"name": "sidecar"}
        ]}}}})
    }

    #[test]
    fn test_then_replace_applies_when_the_list_is_unchanged() {
        let p = json!([
            {"op": "test", "path": "/spec/template/spec/containers/0/name", "value": "metrics-server"},
            {"op": "test", "path": "/spec/template/spec/containers/0/args", "value": ["--a", "--b"]},
            {"op": "replace", "path": "/spec/template/spec/containers/0/args", "value": ["--a"]},
        ]);
        let out = apply(&doc(), &p).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"][0]["args"],
            json!(["--a"])
        );
    }

    #[test]
    fn a_changed_list_fails_the_test_with_422() {
        let p = json!([
            {"op": "test", "path": "/spec/template/spec/containers/0/args", "value": ["--a"]},
            {"op": "replace", "path": "/spec/template/spec/containers/0/args", "value": []},
        ]);
        let (code, msg) = apply(&doc(), &p).unwrap_err();
        assert_eq!(code, 422);
        assert!(msg.contains("testing value /spec/template/spec/containers/0/args failed"));
    }

    #[test]
    fn a_null_test_passes_on_an_absent_field_and_add_creates_it() {
        let p = json!([
            {"op": "test", "path": "/spec/template/spec/containers/1/args", "value": null},
            {"op": "add", "path": "/spec/template/spec/containers/1/args", "value": ["x"]},
        ]);
        let out = apply(&doc(), &p).unwrap();
        assert_eq!(
            out["spec"]["template"]["spec"]["containers"][1]["args"],
            json!(["x"])
        );
        let present =
            json!([{"op": "test", "path": "/spec/template/spec/containers/0/args", "value": null}]);
        assert_eq!(apply(&doc(), &present).unwrap_err().0, 422);
    }

    #[test]
    fn an_object_body_is_a_400() {
        assert_eq!(apply(&doc(), &json!({"spec": {}})).unwrap_err().0, 400);
    }
}
