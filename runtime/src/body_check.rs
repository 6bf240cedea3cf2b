//! A JSON body checked against its published JSON Schema, every problem reported at once with its
//! JSON path. The program (`cli`) warns about unknown members and values and refuses the rest;
//! server stubs (`server`) refuse what the service would.

use serde_json::Value;

/// One thing wrong with a body, at its JSON path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// `$.spec.resources[0].count`.
    pub path: String,
    pub message: String,
    pub kind: ProblemKind,
}

/// What kind of problem: the first two are likely typos, which a client may only warn about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// A member the schema does not list.
    UnknownMember,
    /// A value the schema's `enum` does not list.
    UnknownValue,
    /// Anything else the schema forbids (a type, a required member, a bound).
    Invalid,
}

impl Problem {
    /// An unknown member or enum value: most likely a typo.
    pub fn suspicious(&self) -> bool {
        self.kind != ProblemKind::Invalid
    }
}

/// The problems of `value` against the JSON Schema document `schema` (as published under
/// `schemas/`), in document order.
pub fn check(value: &Value, schema: &str) -> Result<Vec<Problem>, String> {
    check_with(value, schema, true)
}

/// [`check`], but with `close` false the members a schema does not list pass as it allows
/// (what a server accepts from newer clients).
pub fn check_with(value: &Value, schema: &str, close: bool) -> Result<Vec<Problem>, String> {
    let mut schema: Value =
        serde_json::from_str(schema).map_err(|e| format!("the body's schema is not JSON: {e}"))?;
    if close {
        close_objects(&mut schema);
    }
    let validator = jsonschema::validator_for(&schema)
        .map_err(|e| format!("the body's schema cannot be used: {e}"))?;
    let mut problems = Vec::new();
    for error in validator.iter_errors(value) {
        problems_of(&error, &schema, value, &mut problems);
    }
    problems.dedup();
    Ok(problems)
}

/// The problems one error stands for. A member that may be null (`anyOf: [X, {"type": "null"}]`)
/// and is not fails as a whole; what is wrong is inside X, so X's errors are reported instead.
fn problems_of(
    error: &jsonschema::ValidationError<'_>,
    schema: &Value,
    value: &Value,
    out: &mut Vec<Problem>,
) {
    use jsonschema::error::ValidationErrorKind;
    if let ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } =
        error.kind()
    {
        // The null branch fails with one type error on the member itself.
        let only_null = |branch: &Vec<jsonschema::ValidationError<'static>>| {
            branch.len() == 1
                && matches!(branch[0].kind(), ValidationErrorKind::Type { .. })
                && branch[0].instance_path().as_str() == error.instance_path().as_str()
        };
        let real: Vec<&Vec<jsonschema::ValidationError<'static>>> =
            context.iter().filter(|branch| !only_null(branch)).collect();
        if real.len() == 1 && context.len() == 2 {
            for inner in real[0] {
                problems_of(inner, schema, value, out);
            }
            return;
        }
    }
    let problem = {
        let pointer = error.instance_path().as_str().to_owned();
        let path = json_path_of_pointer(&pointer);
        match error.kind() {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                let names: Vec<String> = unexpected.iter().map(|n| format!("{n:?}")).collect();
                let known = known_members(schema, value, &pointer);
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
                    kind: ProblemKind::UnknownMember,
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
                kind: ProblemKind::UnknownValue,
            },
            _ => Problem {
                path,
                message: error.to_string(),
                kind: ProblemKind::Invalid,
            },
        }
    };
    out.push(problem);
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

/// Follows local `$ref`s (`#/$defs/Name`) and, for a nullable member (`anyOf` with a
/// `{"type": "null"}` branch), its other branch.
fn resolve<'a>(root: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..32 {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match reference
                .strip_prefix('#')
                .and_then(|pointer| root.pointer(pointer))
            {
                Some(target) => schema = target,
                None => break,
            }
        } else if let Some(branch) =
            schema
                .get("anyOf")
                .and_then(Value::as_array)
                .and_then(|branches| {
                    branches
                        .iter()
                        .find(|b| b.get("type") != Some(&Value::from("null")))
                })
        {
            schema = branch;
        } else {
            break;
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

/// `/spec/resources/0/count` as `$.spec.resources[0].count`, written as the decoder writes paths.
fn json_path_of_pointer(pointer: &str) -> String {
    let mut path = String::from("$");
    for step in pointer.split('/').skip(1) {
        let step = step.replace("~1", "/").replace("~0", "~");
        if !step.is_empty() && step.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str(&format!("[{step}]"));
        } else {
            crate::error::push_member(&mut path, &step);
        }
    }
    path
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
            .map(|p| (p.path.clone(), p.suspicious()))
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
        assert_eq!(json_path_of_pointer("/a/0/b c"), "$.a[0]['b c']");
        assert_eq!(json_path_of_pointer("/x~1y"), "$['x/y']");
    }
}

#[cfg(test)]
mod nullable_tests {
    use super::*;
    use serde_json::json;

    const PATCH: &str = r##"{
        "type": "object",
        "properties": {"spec": {"anyOf": [{"$ref": "#/$defs/Spec"}, {"type": "null"}]}},
        "additionalProperties": true,
        "$defs": {
            "Spec": {"type": "object", "properties": {"count": {"type": "integer"}}, "required": ["count"], "additionalProperties": true}
        }
    }"##;

    #[test]
    fn problems_inside_a_nullable_member_are_reported_where_they_are() {
        let problems = check(&json!({"spec": {"count": 1, "cuont": 2}}), PATCH).unwrap();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].path, "$.spec");
        assert_eq!(problems[0].kind, ProblemKind::UnknownMember);
        assert!(
            problems[0].message.contains("\"count\" for \"cuont\""),
            "{problems:#?}"
        );
        // A server lets the unknown member through, and still refuses a wrong type inside.
        assert!(
            check_with(&json!({"spec": {"count": 1, "cuont": 2}}), PATCH, false)
                .unwrap()
                .is_empty()
        );
        let problems = check_with(&json!({"spec": {"count": "1"}}), PATCH, false).unwrap();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].path, "$.spec.count");
        assert!(check(&json!({"spec": null}), PATCH).unwrap().is_empty());
    }
}
