//! Request bodies given on the command line: read, checked against the body's published JSON
//! Schema with every problem reported at once, then decoded.
//!
//! Members the schema does not list and enum values it does not allow are most likely typos
//! (`"spce"`, `"apiVersion": "v3"`): they are warnings, and refusals under `--strict`. Anything
//! else the schema forbids (a wrong type, a missing required member) is always refused.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::CliError;

/// One thing wrong with a body, at its JSON path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// `$.spec.resources[0].count`.
    pub path: String,
    pub message: String,
    /// A likely typo (an unknown member or enum value): a warning unless `--strict`.
    pub suspicious: bool,
}

/// The problems of `value` against the JSON Schema document `schema` (as published under
/// `schemas/`), in document order.
pub fn check(value: &Value, schema: &str) -> Result<Vec<Problem>, String> {
    let mut schema: Value =
        serde_json::from_str(schema).map_err(|e| format!("the body's schema is not JSON: {e}"))?;
    close_objects(&mut schema);
    let validator = jsonschema::validator_for(&schema)
        .map_err(|e| format!("the body's schema cannot be used: {e}"))?;
    let mut problems: Vec<Problem> = validator
        .iter_errors(value)
        .map(|error| {
            let pointer = error.instance_path().as_str().to_owned();
            let path = json_path_of_pointer(&pointer);
            match error.kind() {
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let names: Vec<String> = unexpected.iter().map(|n| format!("{n:?}")).collect();
                    let known = known_members(&schema, value, &pointer);
                    let hints: Vec<String> = unexpected
                        .iter()
                        .filter_map(|n| closest(n, &known).map(|k| format!("{k:?} for {n:?}")))
                        .collect();
                    let mut message = format!(
                        "unknown member{} {} (the spec does not list it)",
                        if names.len() == 1 { "" } else { "s" },
                        names.join(", ")
                    );
                    if !hints.is_empty() {
                        message.push_str(&format!("; did you mean {}?", hints.join(", ")));
                    }
                    Problem {
                        path,
                        message,
                        suspicious: true,
                    }
                }
                jsonschema::error::ValidationErrorKind::Enum { options } => Problem {
                    path,
                    message: format!(
                        "{} is not a value the spec lists ({})",
                        error.instance(),
                        options
                            .as_array()
                            .map(|o| o
                                .iter()
                                .map(Value::to_string)
                                .collect::<Vec<_>>()
                                .join(", "))
                            .unwrap_or_default()
                    ),
                    suspicious: true,
                },
                _ => Problem {
                    path,
                    message: error.to_string(),
                    suspicious: false,
                },
            }
        })
        .collect();
    problems.dedup();
    Ok(problems)
}

/// Every object schema that lists its members gets `additionalProperties: false` (the published
/// schemas allow more, for newer services), so that unknown members are reported; and the
/// `oneOf` of `const`s beside an `enum` (there for the meanings) is dropped, so that a value
/// outside the enum is reported once.
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties")
                && map
                    .get("additionalProperties")
                    .is_none_or(|a| a == &Value::Bool(true))
            {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            if map.contains_key("enum") {
                map.remove("oneOf");
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// The members the schema lists for the object at `pointer` in `value`, found by walking both.
fn known_members(schema: &Value, value: &Value, pointer: &str) -> Vec<String> {
    let root = schema;
    let mut here = schema;
    let mut instance = value;
    let steps: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    for step in steps {
        here = resolve(root, here);
        let next = match instance {
            Value::Object(map) => {
                instance = map.get(&step).unwrap_or(&Value::Null);
                here.get("properties").and_then(|p| p.get(&step))
            }
            Value::Array(items) => {
                instance = step
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .unwrap_or(&Value::Null);
                here.get("items")
            }
            _ => None,
        };
        match next {
            Some(next) => here = next,
            None => return Vec::new(),
        }
    }
    let here = resolve(root, here);
    here.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Follows local `$ref`s (`#/$defs/Name`).
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match reference
            .strip_prefix('#')
            .and_then(|pointer| root.pointer(pointer))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// The known name closest to `name` (edit distance at most 2, or the same ignoring case).
fn closest<'a>(name: &str, known: &'a [String]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (edit_distance(&name.to_lowercase(), &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// `/spec/resources/0/count` as `$.spec.resources[0].count`.
fn json_path_of_pointer(pointer: &str) -> String {
    let mut path = String::from("$");
    for step in pointer.split('/').skip(1) {
        let step = step.replace("~1", "/").replace("~0", "~");
        if !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str(&format!("[{step}]"));
        } else if !step.is_empty() && step.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            path.push('.');
            path.push_str(&step);
        } else {
            path.push_str(&format!("[{step:?}]"));
        }
    }
    path
}

/// Reads a body (a file, or standard input for `-`), checks it against `schema`, writes the
/// warnings to stderr, and decodes it. Refused (nothing sent) when it is not JSON, when it breaks
/// the schema, or, with `strict`, when it has an unknown member or value: every problem is listed.
pub fn read_checked<T: DeserializeOwned>(
    path_or_dash: &str,
    schema: &str,
    strict: bool,
) -> Result<T, CliError> {
    let (file, bytes) = super::read_file_or_stdin(path_or_dash)?;
    let value: Value = super::parse_json_body(&file, &bytes)?;
    let problems = check(&value, schema).map_err(|message| CliError::Invalid {
        file: file.clone(),
        problems: vec![Problem {
            path: "$".into(),
            message,
            suspicious: false,
        }],
    })?;
    let refused: Vec<Problem> = problems
        .iter()
        .filter(|p| strict || !p.suspicious)
        .cloned()
        .collect();
    if !refused.is_empty() {
        return Err(CliError::Invalid {
            file,
            problems: if strict { problems } else { refused },
        });
    }
    for problem in &problems {
        eprintln!("warning: {file}: {}: {}", problem.path, problem.message);
    }
    if !problems.is_empty() {
        eprintln!("warning: {file}: sent anyway; --strict refuses a body with such problems");
    }
    super::parse_json_body(&file, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: &str = r##"{
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "apiVersion": {"$ref": "#/$defs/ApiVersion"},
            "spec": {"$ref": "#/$defs/Spec"}
        },
        "required": ["apiVersion"],
        "additionalProperties": true,
        "$defs": {
            "ApiVersion": {"type": "string", "enum": ["v2"], "oneOf": [{"const": "v2"}]},
            "Spec": {
                "type": "object",
                "properties": {"count": {"type": "integer"}, "resources": {"type": "array", "items": {"$ref": "#/$defs/Resource"}}},
                "additionalProperties": true
            },
            "Resource": {"type": "object", "properties": {"flavor": {"type": "string"}}, "additionalProperties": true}
        }
    }"##;

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let body = json!({
            "apiVersion": "v3",
            "spce": {},
            "spec": {"count": "two", "resources": [{"flavr": "x"}]}
        });
        let problems = check(&body, SCHEMA).unwrap();
        let shown: Vec<(String, bool)> = problems
            .iter()
            .map(|p| (p.path.clone(), p.suspicious))
            .collect();
        assert!(
            shown.contains(&("$.apiVersion".into(), true)),
            "{problems:#?}"
        );
        assert!(shown.contains(&("$".into(), true)), "{problems:#?}");
        assert!(
            shown.contains(&("$.spec.count".into(), false)),
            "{problems:#?}"
        );
        assert!(
            shown.contains(&("$.spec.resources[0]".into(), true)),
            "{problems:#?}"
        );
        let unknown = problems.iter().find(|p| p.path == "$").unwrap();
        assert!(unknown.message.contains("\"spce\""), "{}", unknown.message);
        assert!(
            unknown
                .message
                .contains("did you mean \"spec\" for \"spce\"?"),
            "{}",
            unknown.message
        );
        let flavor = problems
            .iter()
            .find(|p| p.path == "$.spec.resources[0]")
            .unwrap();
        assert!(
            flavor.message.contains("\"flavor\" for \"flavr\""),
            "{}",
            flavor.message
        );
        let version = problems.iter().find(|p| p.path == "$.apiVersion").unwrap();
        assert!(version.message.contains("\"v3\""), "{}", version.message);
        assert_eq!(problems.len(), 4, "{problems:#?}");
    }

    #[test]
    fn a_clean_body_has_no_problems() {
        let body =
            json!({"apiVersion": "v2", "spec": {"count": 2, "resources": [{"flavor": "f"}]}});
        assert_eq!(check(&body, SCHEMA).unwrap(), Vec::new());
    }

    #[test]
    fn pointers_become_json_paths() {
        assert_eq!(json_path_of_pointer(""), "$");
        assert_eq!(json_path_of_pointer("/a/0/b c"), "$.a[0][\"b c\"]");
        assert_eq!(json_path_of_pointer("/x~1y"), "$[\"x/y\"]");
    }
}
