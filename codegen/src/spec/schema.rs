//! `spec/spec.schema.json`, the JSON Schema editors check the spec against, generated from the
//! format's types (their doc comments are its descriptions). A test fails when the committed file
//! differs; `UPDATE_SPEC_SCHEMA=1 cargo test -p codegen --lib spec::schema` rewrites it.

use schemars::generate::SchemaSettings;
use serde_json::{Value, json};

use super::Spec;

/// The JSON Schema (draft 2020-12) of the spec format.
pub fn schema() -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<Spec>().to_value();
    if let Value::Object(root) = &mut schema {
        // `$schema` first, as a reader expects it. No `$id`: the project has no address of its
        // own to publish the schema at, and the spec refers to it by a relative path.
        let meta = root.shift_remove("$schema");
        let mut ordered = serde_json::Map::new();
        ordered.extend(meta.map(|m| ("$schema".to_owned(), m)));
        ordered.append(root);
        *root = ordered;
    }
    reflow_descriptions(&mut schema);
    schema
}

/// Doc comments wrap at 100 columns; a description is one line per paragraph, which editors
/// wrap themselves.
fn reflow_descriptions(schema: &mut Value) {
    match schema {
        Value::Object(members) => {
            for (key, value) in members.iter_mut() {
                match value {
                    Value::String(text) if key == "description" => {
                        *text = text
                            .split("\n\n")
                            .map(|paragraph| paragraph.split('\n').collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    _ => reflow_descriptions(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(reflow_descriptions),
        _ => {}
    }
}

/// The schema's text as committed: two-space indentation and a final newline.
pub fn render() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).expect("a schema always serializes");
    text.push('\n');
    text
}

/// What the field types alone cannot say about an enum or a flag set: a string enum's values are
/// strings, an integer enum's integers, and a flag set's are non-negative integers with `repr`
/// "integer".
pub(super) fn values_follow_the_kind(schema: &mut schemars::Schema) {
    let values_are = |value: Value| json!({ "properties": { "values": { "items": { "properties": { "value": value } } } } });
    schema.insert(
        "allOf".to_owned(),
        json!([
            {
                "if": { "properties": { "repr": { "const": "string" } }, "required": ["repr"] },
                "then": values_are(json!({ "description": "Wire value of a string enum: a JSON string.", "type": "string" })),
            },
            {
                "if": { "properties": { "repr": { "const": "integer" } }, "required": ["repr"] },
                "then": values_are(json!({ "description": "Wire value of an integer enum: a JSON integer.", "type": "integer" })),
            },
            {
                "if": { "properties": { "kind": { "const": "flags" } }, "required": ["kind"] },
                "then": {
                    "properties": {
                        "repr": { "description": "Flag sets are integers.", "const": "integer" },
                        "values": { "items": { "properties": { "value": { "description": "The bit value (a power of two, or 0 for the empty set).", "type": "integer", "minimum": 0 } } } },
                    },
                },
            },
        ]),
    );
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn workspace_file(path: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
    }

    #[test]
    fn the_committed_schema_is_the_one_the_types_generate() {
        let path = workspace_file("spec/spec.schema.json");
        let generated = render();
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == generated {
            return;
        }
        if std::env::var_os("UPDATE_SPEC_SCHEMA").is_some() {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(committed.lines().count().min(generated.lines().count()));
        panic!(
            "spec/spec.schema.json is not the schema the types in codegen/src/spec.rs generate (first difference at line {}); run `UPDATE_SPEC_SCHEMA=1 cargo test -p codegen --lib spec::schema` and review the diff",
            first + 1
        );
    }

    fn validator() -> jsonschema::Validator {
        jsonschema::draft202012::new(&schema()).unwrap()
    }

    fn errors(spec: &Value) -> Vec<String> {
        validator()
            .iter_errors(spec)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect()
    }

    fn repository_spec() -> Value {
        serde_json::from_str(
            &std::fs::read_to_string(workspace_file("spec/modelarts-pools.json")).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn the_repository_spec_and_the_fixtures_are_valid() {
        assert_eq!(errors(&repository_spec()), Vec::<String>::new());
        for entry in std::fs::read_dir(workspace_file("tests/fixtures")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                let spec = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                assert_eq!(errors(&spec), Vec::<String>::new(), "{}", path.display());
            }
        }
    }

    #[test]
    fn the_schema_refuses_what_the_generator_refuses() {
        let spec = repository_spec();
        let broken = |change: &dyn Fn(&mut Value), at: &str| {
            let mut spec = spec.clone();
            change(&mut spec);
            // A type's problems are reported at the type, which is one of two kinds (`oneOf`).
            let found: Vec<String> = validator()
                .iter_errors(&spec)
                .map(|e| e.instance_path().to_string())
                .collect();
            assert!(
                found
                    .iter()
                    .any(|path| at.starts_with(path.as_str()) && !path.is_empty()),
                "{at}: {found:?}"
            );
        };
        broken(
            &|s| s["operations"][0]["method"] = json!("FETCH"),
            "/operations/0/method",
        );
        broken(
            &|s| s["operations"][0]["colour"] = json!(1),
            "/operations/0",
        );
        broken(
            &|s| s["types"][0]["source"] = json!("A.json, B.json"),
            "/types/0/source",
        );
        broken(
            &|s| s["types"][0]["fields"][0]["type"] = json!("array<"),
            "/types/0/fields/0/type",
        );
        broken(
            &|s| s["waiters"][0]["gone"] = json!("maybe"),
            "/waiters/0/gone",
        );
        let enum_at = spec["types"]
            .as_array()
            .unwrap()
            .iter()
            .position(|t| t["kind"] == "enum" && t["repr"] == "string")
            .unwrap();
        broken(
            &|s| s["types"][enum_at]["values"][0]["value"] = json!(3),
            &format!("/types/{enum_at}/values/0/value"),
        );
    }
}
