//! The published JSON Schemas: the seed examples validate, broken copies do not, every seed row
//! is there with its required-ness, type and values, and the schema `schemars` derives for each
//! generated type agrees with the published one.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use modelarts_pools::models::*;
use serde_json::{Value, json};

fn file_for(type_name: &str) -> String {
    format!("{type_name}.json")
}

#[test]
fn every_document_has_its_identity_and_draft() {
    let names: Vec<&str> = modelarts_pools::SCHEMAS.iter().map(|(n, _)| *n).collect();
    for seed in [
        "CreatePoolRequest.json",
        "CreatePoolResponse.json",
        "DeletePoolResponse.json",
        "ModelArtsError.json",
    ] {
        assert!(names.contains(&seed), "{seed}");
    }
    assert_eq!(names.last(), Some(&"operations.json"));
    for name in &names[..names.len() - 1] {
        let doc = common::schema(name);
        assert_eq!(
            doc["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name}"
        );
        // The spec names no address of the project's own, so no document claims one.
        assert!(doc.get("$id").is_none(), "{name}: {}", doc["$id"]);
        assert_eq!(doc["title"], name.trim_end_matches(".json"), "{name}");
        assert!(
            doc["description"].is_string() && doc["required"].is_array(),
            "{name}"
        );
    }
    let index = common::schema("operations.json");
    assert_eq!(index["create_pool"]["request"], "CreatePoolRequest.json");
    assert_eq!(
        index["create_pool"]["responses"]["409"],
        "ModelArtsError.json"
    );
    assert_eq!(
        index["delete_pool"]["responses"]["200"],
        "DeletePoolResponse.json"
    );
}

#[test]
fn the_seed_examples_validate() {
    for (type_name, place, example) in common::examples() {
        let validator = common::validator(&file_for(&type_name));
        let errors: Vec<String> = validator
            .iter_errors(&example)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{place}: {errors:?}");
    }
}

fn create_example() -> Value {
    common::examples()
        .into_iter()
        .find(|(_, p, _)| p == "create_pool request")
        .unwrap()
        .2
}

#[test]
fn broken_copies_are_rejected() {
    let validator = common::validator("CreatePoolRequest.json");
    let mut missing = create_example();
    missing.as_object_mut().unwrap().remove("metadata");
    assert!(!validator.is_valid(&missing), "a required member removed");
    let mut nested_missing = create_example();
    nested_missing["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("os.modelarts/name");
    assert!(
        !validator.is_valid(&nested_missing),
        "a nested required member removed"
    );
    let mut wrong_type = create_example();
    wrong_type["spec"]["resources"][0]["count"] = json!("2");
    assert!(
        !validator.is_valid(&wrong_type),
        "a string where an integer belongs"
    );
    let mut wrong_enum = create_example();
    wrong_enum["spec"]["scope"] = json!(["Training"]);
    assert!(
        !validator.is_valid(&wrong_enum),
        "a value the enumeration does not list"
    );
    let mut empty_scope = create_example();
    empty_scope["spec"]["scope"] = json!([]);
    assert!(!validator.is_valid(&empty_scope), "minItems");
    let error = common::validator("ModelArtsError.json");
    assert!(!error.is_valid(&json!({ "error_code": 50004000, "error_msg": "Bad request" })));
    assert!(error.is_valid(
        &json!({ "error_code": "ModelArts.50004000", "error_msg": "Bad request", "extra": 1 })
    ));
}

#[test]
fn the_cross_field_rules_are_in_the_schema() {
    let validator = common::validator("CreatePoolRequest.json");
    let mut yearly = create_example();
    yearly["metadata"]["annotations"]["os.modelarts/billing.mode"] = json!("1");
    assert!(
        !validator.is_valid(&yearly),
        "yearly/monthly without period and order"
    );
    for (key, value) in [
        ("os.modelarts/period.type", "2"),
        ("os.modelarts/period.num", "1"),
        ("os.modelarts/order.id", "o"),
    ] {
        yearly["metadata"]["annotations"][key] = json!(value);
    }
    assert!(validator.is_valid(&yearly));
    let mut no_network = create_example();
    no_network["spec"]
        .as_object_mut()
        .unwrap()
        .remove("network");
    assert!(!validator.is_valid(&no_network), "Dedicate without network");
    no_network["spec"]["type"] = json!("Logical");
    assert!(validator.is_valid(&no_network), "Logical without network");
}

/// Every object schema in a document by title: the root and its `$defs`.
fn objects_by_title(doc: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    out.insert(doc["title"].as_str().unwrap().to_owned(), doc.clone());
    for (name, def) in doc
        .get("$defs")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        out.insert(name.clone(), def.clone());
    }
    out
}

#[test]
fn every_row_of_every_table_is_published_with_its_required_ness_type_and_values() {
    let spec = common::spec();
    let mut published = BTreeMap::new();
    for (file, _) in modelarts_pools::SCHEMAS
        .iter()
        .filter(|(f, _)| *f != "operations.json")
    {
        published.extend(objects_by_title(&common::schema(file)));
    }
    // Enums only parameters use are published in the OpenAPI documents, not as a body's part.
    let openapi: Value = serde_json::from_str(modelarts_pools::OPENAPI).unwrap();
    let parameter_types: BTreeSet<String> = spec["operations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|op| ["query_params", "header_params"].map(|key| op[key].clone()))
        .flat_map(|params| params.as_array().cloned().unwrap_or_default())
        .filter_map(|param| param["type"].as_str().map(str::to_owned))
        .map(|ty| {
            ty.trim_start_matches("array<")
                .trim_end_matches('>')
                .to_owned()
        })
        .collect();
    let mut rows = 0;
    let mut seed_rows = 0;
    for def in spec["types"].as_array().unwrap() {
        let name = def["name"].as_str().unwrap();
        if !published.contains_key(name) && parameter_types.contains(name) {
            assert!(
                openapi["components"]["schemas"][name]["enum"].is_array(),
                "{name}, a parameter's enum, is not in the OpenAPI components"
            );
            continue;
        }
        let from_seed = def["source"]
            .as_array()
            .and_then(|sources| sources.last())
            .and_then(Value::as_str)
            .is_some_and(|s| s.ends_with(".txt"));
        let schema = published
            .get(name)
            .unwrap_or_else(|| panic!("{name} is in no published schema"));
        match def["kind"].as_str().unwrap() {
            "object" => {
                let properties = schema["properties"].as_object().unwrap();
                let required: BTreeSet<&str> = schema["required"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap())
                    .collect();
                assert_eq!(
                    properties.len(),
                    def["fields"].as_array().unwrap().len(),
                    "{name}"
                );
                for field in def["fields"].as_array().unwrap() {
                    rows += 1;
                    // A row of a seed table: its type comes from a seed document and the row
                    // names no other source (the importer's added rows do).
                    if from_seed && field.get("source").is_none() {
                        seed_rows += 1;
                    }
                    let wire = field["name"].as_str().unwrap();
                    let property = properties
                        .get(wire)
                        .unwrap_or_else(|| panic!("{name}.{wire} missing"));
                    let wire_required = field
                        .get("wire_required")
                        .or(field.get("required"))
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    assert_eq!(
                        required.contains(wire),
                        wire_required,
                        "{name}.{wire} required"
                    );
                    assert_eq!(
                        property["description"], field["description"],
                        "{name}.{wire} description"
                    );
                    let ty = field["type"].as_str().unwrap();
                    let expected = match ty {
                        "string" => json!({ "type": "string" }),
                        "integer" => json!({ "type": "integer" }),
                        "int32" => json!({ "type": "integer", "format": "int32" }),
                        "number" => json!({ "type": "number" }),
                        "boolean" => json!({ "type": "boolean" }),
                        "json" => json!({}),
                        t if t.starts_with("array<") => json!({ "type": "array" }),
                        t if t.starts_with("map<") => json!({ "type": "object" }),
                        t if t == name => json!({ "$ref": "#" }),
                        t => json!({ "$ref": format!("#/$defs/{t}") }),
                    };
                    // A merge-patch member may also be null.
                    let property = match property.get("anyOf") {
                        Some(any_of) if !wire_required => &any_of[0],
                        _ => property,
                    };
                    for (key, value) in expected.as_object().unwrap() {
                        assert_eq!(&property[key], value, "{name}.{wire} type");
                    }
                }
            }
            "enum" => {
                let values: Vec<&Value> = def["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| &v["value"])
                    .collect();
                let listed: Vec<&Value> = schema["enum"].as_array().unwrap().iter().collect();
                assert_eq!(listed, values, "{name}");
                for (value, one_of) in def["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(schema["oneOf"].as_array().unwrap())
                {
                    assert_eq!(one_of["const"], value["value"]);
                    // A value the examples added has no meaning: the empty text.
                    let meaning = value.get("description").cloned().unwrap_or(json!(""));
                    assert_eq!(one_of["description"], meaning, "{name} meaning");
                }
            }
            "flags" => {
                assert_eq!(schema["type"], "integer");
                assert_eq!(
                    schema["x-bit-flags"].as_array().unwrap().len(),
                    def["values"].as_array().unwrap().len()
                );
            }
            other => panic!("unknown kind {other}"),
        }
    }
    assert_eq!(seed_rows, 109, "rows of the seed documents' tables");
    assert!(rows > seed_rows, "and the definitions' rows");
}

/// A comparable description of a property's type: `string`, `integer`, `ref:Name`,
/// `array<…>`, ignoring `null` (schemars spells `Option<T>` as nullable).
fn kind(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return format!("ref:{}", reference.rsplit('/').next().unwrap());
    }
    if let Some(any_of) = schema.get("anyOf").and_then(Value::as_array) {
        let kinds: Vec<String> = any_of.iter().map(kind).filter(|k| k != "null").collect();
        return kinds.join("|");
    }
    let ty = match &schema["type"] {
        Value::String(s) => s.clone(),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join("|"),
        _ => String::new(),
    };
    if ty == "array" {
        return format!("array<{}>", kind(&schema["items"]));
    }
    ty
}

fn assert_agrees(derived: schemars::Schema, file: &str) {
    let derived = derived.to_value();
    let published = common::schema(file);
    let derived_objects = objects_by_title(&derived);
    let published_objects = objects_by_title(&published);
    assert_eq!(
        derived_objects.keys().collect::<Vec<_>>(),
        published_objects.keys().collect::<Vec<_>>(),
        "{file}: the same types"
    );
    for (name, published) in &published_objects {
        let derived = &derived_objects[name];
        if published["type"] == "object" {
            let names = |s: &Value| {
                s["properties"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect::<BTreeSet<_>>()
            };
            assert_eq!(
                names(derived),
                names(published),
                "{file} {name}: properties"
            );
            let required = |s: &Value| {
                s.get("required")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            let mut a = required(derived);
            let mut b = required(published);
            a.sort_by_key(|v| v.to_string());
            b.sort_by_key(|v| v.to_string());
            assert_eq!(a, b, "{file} {name}: required");
            for (property, schema) in published["properties"].as_object().unwrap() {
                assert_eq!(
                    kind(&derived["properties"][property]),
                    kind(schema),
                    "{file} {name}.{property}: type"
                );
            }
        } else {
            assert_eq!(kind(derived), kind(published), "{file} {name}: type");
            if let Some(values) = published.get("enum") {
                assert_eq!(&derived["enum"], values, "{file} {name}: values");
            }
        }
    }
}

#[test]
fn schemars_agrees_with_the_published_schemas() {
    assert_agrees(
        schemars::schema_for!(CreatePoolRequest),
        "CreatePoolRequest.json",
    );
    assert_agrees(
        schemars::schema_for!(CreatePoolResponse),
        "CreatePoolResponse.json",
    );
    assert_agrees(
        schemars::schema_for!(DeletePoolResponse),
        "DeletePoolResponse.json",
    );
    assert_agrees(schemars::schema_for!(ModelArtsError), "ModelArtsError.json");
}

#[test]
fn the_spec_validates_against_its_own_schema() {
    let schema: Value =
        serde_json::from_str(&common::workspace_file("spec/spec.schema.json")).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let mut specs = vec![("spec/modelarts-pools.json".to_owned(), common::spec())];
    for entry in
        std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"))
            .unwrap()
    {
        let path = entry.unwrap().path();
        specs.push((
            path.display().to_string(),
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap(),
        ));
    }
    for (name, spec) in specs {
        let errors: Vec<String> = validator
            .iter_errors(&spec)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}
