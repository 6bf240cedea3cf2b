//! Property tests over every published body type, with values drawn from its published schema:
//! - a value decodes, encodes back to the same JSON, and the encoding validates against the schema;
//! - with unknown members and unknown enum values mixed in at any depth, it still decodes and
//!   encodes back without loss.
//!
//! Cases per type: `PROPTEST_CASES` (default 256).

use crate::common;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Value, json};

const BODY_TYPES: [&str; 4] = [
    "CreatePoolRequest",
    "CreatePoolResponse",
    "DeletePoolResponse",
    "ModelArtsError",
];

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some("#") => root,
        Some(reference) => {
            let name = reference.trim_start_matches("#/$defs/");
            &root["$defs"][name]
        }
        None => schema,
    }
}

fn any_string() -> BoxedStrategy<Value> {
    prop_oneof![
        "[a-zA-Z0-9._/-]{0,12}".prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
    .boxed()
}

fn unknown_member_value() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any_string(),
        prop::collection::vec(any::<i32>().prop_map(Value::from), 0..3).prop_map(Value::from),
        Just(json!({ "nested": { "kept": [1, "two", null] } })),
    ]
    .boxed()
}

/// JSON values the schema accepts; with `open`, also unknown members and unknown enum values.
fn value_for(root: &Value, schema: &Value, open: bool, depth: u32) -> BoxedStrategy<Value> {
    let schema = resolve(root, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let known = prop::sample::select(values.clone());
        return if open {
            prop_oneof![4 => known, 1 => "[A-Z][a-z]{1,8}".prop_map(Value::from)].boxed()
        } else {
            known.boxed()
        };
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => any_string(),
        Some("integer") if schema.get("minimum").is_some() => {
            (0..=u32::MAX as u64).prop_map(Value::from).boxed()
        }
        Some("integer") if schema.get("format") == Some(&json!("int32")) => {
            any::<i32>().prop_map(Value::from).boxed()
        }
        Some("integer") => any::<i64>().prop_map(Value::from).boxed(),
        // Whole and halved values: exact in binary, so the comparison is about the codec.
        Some("number") => any::<i32>()
            .prop_map(|i| Value::from(f64::from(i) / 2.0))
            .boxed(),
        Some("boolean") => any::<bool>().prop_map(Value::from).boxed(),
        Some("array") => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
            let max = if depth > 4 { min } else { min + 2 };
            prop::collection::vec(
                value_for(root, &schema["items"], open, depth + 1),
                min..=max,
            )
            .prop_map(Value::from)
            .boxed()
        }
        Some("object") if schema.get("properties").is_none() => {
            let values = match schema.get("additionalProperties") {
                Some(values @ Value::Object(_)) if depth <= 4 => {
                    value_for(root, values, open, depth + 1)
                }
                _ => any_string(),
            };
            prop::collection::btree_map("[a-z]{1,6}", values, 0..3)
                .prop_map(|map| Value::Object(map.into_iter().collect()))
                .boxed()
        }
        Some("object") => object_for(root, schema, open, depth),
        _ => Just(Value::Null).boxed(),
    }
}

fn object_for(root: &Value, schema: &Value, open: bool, depth: u32) -> BoxedStrategy<Value> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut members: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        let name = name.clone();
        let value = value_for(root, property, open, depth + 1);
        if required.contains(&name.as_str()) {
            members.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
        } else if depth > 6 {
            continue;
        } else {
            members.push(
                prop::option::of(value)
                    .prop_map(move |v| v.map(|v| (name.clone(), v)))
                    .boxed(),
            );
        }
    }
    let extra = if open {
        prop::collection::vec(("x-[a-z]{1,6}", unknown_member_value()), 0..2).boxed()
    } else {
        Just(Vec::new()).boxed()
    };
    (members, extra)
        .prop_map(|(members, extra)| {
            let mut object = Map::new();
            for (name, value) in members.into_iter().flatten() {
                object.insert(name, value);
            }
            for (name, value) in extra {
                object.insert(name, value);
            }
            Value::Object(object)
        })
        .boxed()
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn check_type(type_name: &str, open: bool) {
    let schema = common::schema(&format!("{type_name}.json"));
    let validator = common::validator(&format!("{type_name}.json"));
    let strategy = value_for(&schema, &schema, open, 0);
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |value| {
            let encoded = common::round_trip(type_name, &value);
            prop_assert!(
                common::same_json(&encoded, &value),
                "decode then encode loses nothing: {encoded} for {value}"
            );
            prop_assert_eq!(
                common::round_trip(type_name, &encoded),
                encoded.clone(),
                "and is stable"
            );
            if !open {
                // Requests may break a cross-field rule; the schema and validate() must then agree,
                // except on the one rule JSON Schema cannot state (two values being equal).
                let schema_valid = match type_name {
                    "CreatePoolRequest" => {
                        let request: modelarts_pools::models::CreatePoolRequest =
                            serde_json::from_value(value.clone()).unwrap();
                        match request.validate() {
                            Ok(()) => true,
                            Err(e) => e.rule == Some("dedicate-max-count-equals-count"),
                        }
                    }
                    _ => true,
                };
                let errors: Vec<String> = validator
                    .iter_errors(&encoded)
                    .map(|e| format!("{e} at {}", e.instance_path()))
                    .collect();
                prop_assert_eq!(
                    errors.is_empty(),
                    schema_valid,
                    "the schema and validate() agree: {:?}",
                    errors
                );
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{type_name} (open: {open}): {e}"));
}

#[test]
fn values_from_the_schema_round_trip_and_validate() {
    for type_name in BODY_TYPES {
        check_type(type_name, false);
    }
}

#[test]
fn unknown_members_and_enum_values_round_trip() {
    for type_name in BODY_TYPES {
        check_type(type_name, true);
    }
}
