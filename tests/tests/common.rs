//! Shared helpers: the spec and the published schemas, read as users would.
#![allow(dead_code)]

use serde_json::Value;

pub fn workspace_file(relative: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub use modelarts_pools_test_support::seed::spec;

/// `(type name, where, example)` for every example the spec carries.
pub fn examples() -> Vec<(String, String, Value)> {
    let spec = spec();
    let mut out = Vec::new();
    for op in spec["operations"].as_array().expect("operations") {
        let name = op["name"].as_str().expect("name");
        if let Some(body) = op["request_body"].as_object() {
            for example in body
                .get("examples")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push((
                    body["type"].as_str().unwrap().to_owned(),
                    format!("{name} request"),
                    example.clone(),
                ));
            }
        }
        for response in op["responses"].as_array().expect("responses") {
            for example in response
                .get("examples")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push((
                    response["body"].as_str().unwrap().to_owned(),
                    format!("{name} {}", response["status"]),
                    example.clone(),
                ));
            }
        }
    }
    out
}

pub fn schema(file: &str) -> Value {
    let (_, text) = modelarts_pools::SCHEMAS
        .iter()
        .find(|(name, _)| *name == file)
        .unwrap_or_else(|| panic!("no published schema {file}"));
    serde_json::from_str(text).expect("schemas are JSON")
}

pub fn validator(file: &str) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema(file))
        .unwrap_or_else(|e| panic!("{file} is a valid draft 2020-12 schema: {e}"))
}

/// Deserializes `value` as the generated type `type_name` (from its JSON text, as from the wire)
/// and serializes it back.
pub fn round_trip(type_name: &str, value: &Value) -> Value {
    let text = modelarts_pools_tests::body_types::round_trip(type_name, &value.to_string())
        .unwrap_or_else(|| panic!("{type_name} is not a body type of the spec"))
        .unwrap_or_else(|e| panic!("{type_name}: {e}"));
    serde_json::from_str(&text).expect("the encoding is JSON")
}

/// Whether two JSON values say the same thing: numbers compare by value (`-1` and `-1.0` are the
/// same number; an `f64` member writes the second), and a member that is `null` reads as absent
/// (an optional member holds `None` either way).
pub fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_json(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            let present = |m: &serde_json::Map<String, Value>| {
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, _)| k.clone())
                    .collect::<std::collections::BTreeSet<_>>()
            };
            present(x) == present(y)
                && x.iter()
                    .filter(|(_, v)| !v.is_null())
                    .all(|(k, v)| same_json(v, &y[k]))
        }
        _ => a == b,
    }
}
