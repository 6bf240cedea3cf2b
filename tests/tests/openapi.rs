//! The published OpenAPI documents: valid against the official OpenAPI meta-schemas (3.1 and
//! 3.0), built from the same schemas as `schemas/`, with every operation, parameter, documented
//! status and example, and exported by the crate.

use crate::common;

use serde_json::{Value, json};

fn meta(file: &str) -> Value {
    serde_json::from_str(&common::workspace_file(&format!(
        "tests/openapi-meta/{file}"
    )))
    .unwrap()
}

fn document(file: &str) -> Value {
    serde_json::from_str(&common::workspace_file(&format!("generated/{file}"))).unwrap()
}

fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn the_3_1_document_is_valid_openapi_3_1() {
    let validator = jsonschema::draft202012::new(&meta("oas-3.1-schema.json")).unwrap();
    let document = document("openapi.json");
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(errors(&validator, &document), Vec::<String>::new());
    // And a document missing what OpenAPI requires is refused, so the check can fail.
    let mut broken = document.clone();
    broken.as_object_mut().unwrap().remove("info");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_3_0_document_is_valid_openapi_3_0() {
    let validator = jsonschema::draft4::new(&meta("oas-3.0-schema.json")).unwrap();
    let document = document("openapi-3.0.json");
    assert_eq!(document["openapi"], "3.0.3");
    assert_eq!(errors(&validator, &document), Vec::<String>::new());
    // Outside `x-` extensions (where the rules keep their JSON Schema form), no 3.1-only keyword.
    fn without_extensions(value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .filter(|(k, _)| !k.starts_with("x-"))
                    .map(|(k, v)| (k.clone(), without_extensions(v)))
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(without_extensions).collect()),
            other => other.clone(),
        }
    }
    let text = without_extensions(&document["components"]).to_string();
    for keyword in ["\"const\"", "\"$comment\"", "\"if\"", "\"type\":\"null\""] {
        assert!(!text.contains(keyword), "{keyword} is not OpenAPI 3.0");
    }
    let mut broken = document.clone();
    broken["paths"]["/v2/{project_id}/pools"]["post"]["responses"] = json!({});
    assert!(!validator.is_valid(&broken));
}

#[test]
fn every_operation_parameter_status_and_example_is_there() {
    let document = document("openapi.json");
    let spec = common::spec();
    for op in spec["operations"].as_array().unwrap() {
        let method = op["method"].as_str().unwrap().to_ascii_lowercase();
        let path = op["path"].as_str().unwrap();
        let described = &document["paths"][path][&method];
        assert_eq!(described["x-rust-method"], op["name"], "{method} {path}");
        let names: Vec<&str> = described["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for key in ["path_params", "query_params", "header_params"] {
            for param in op[key].as_array().into_iter().flatten() {
                assert!(
                    names.contains(&param["name"].as_str().unwrap()),
                    "{path}: {param}"
                );
            }
        }
        for response in op["responses"].as_array().unwrap() {
            let status = response["status"].to_string();
            let described = &described["responses"][&status];
            assert!(described.is_object(), "{path} {status}");
            if status == "204" {
                // No Content: the document lists no body (the definition's type is kept as
                // `x-definition-body`), so no example either.
                assert!(described["content"].is_null(), "{path} {status}");
                assert!(
                    described["x-definition-body"].is_string(),
                    "{path} {status}"
                );
                continue;
            }
            let examples = response["examples"].as_array().cloned().unwrap_or_default();
            for (i, example) in examples.iter().enumerate() {
                let media = described["content"]["application/json"]["examples"]
                    [format!("example{}", i + 1)]["value"]
                    .clone();
                assert_eq!(&media, example, "{path} {status}");
            }
        }
    }
}

#[test]
fn every_example_validates_against_its_openapi_schema() {
    let document = document("openapi.json");
    let components = document["components"].clone();
    for (type_name, place, example) in common::examples() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("#/components/schemas/{type_name}"),
            "components": components,
        });
        let validator = jsonschema::draft202012::new(&schema).unwrap();
        assert_eq!(
            errors(&validator, &example),
            Vec::<String>::new(),
            "{place}"
        );
    }
}

#[test]
fn the_components_are_the_published_schemas() {
    let document = document("openapi.json");
    for (file, text) in modelarts_pools::SCHEMAS {
        let Some(name) = file.strip_suffix(".json").filter(|n| *n != "operations") else {
            continue;
        };
        let published: Value = serde_json::from_str(text).unwrap();
        let component = &document["components"]["schemas"][name];
        // The same members, required-ness, rules and descriptions; only references differ
        // (`#/$defs/X` there, `#/components/schemas/X` here).
        let rewrite = |v: &Value| {
            v.to_string()
                .replace("#/components/schemas/", "#/$defs/")
                .replace(&format!("\"$ref\":\"#/$defs/{name}\""), "\"$ref\":\"#\"")
        };
        for key in ["properties", "required", "allOf", "description", "title"] {
            assert_eq!(
                rewrite(&component[key]),
                rewrite(&published[key]),
                "{name}.{key}"
            );
        }
    }
}

#[test]
fn the_crate_exports_both_documents() {
    assert_eq!(
        serde_json::from_str::<Value>(modelarts_pools::OPENAPI).unwrap(),
        document("openapi.json")
    );
    assert_eq!(
        serde_json::from_str::<Value>(modelarts_pools::OPENAPI_3_0).unwrap(),
        document("openapi-3.0.json")
    );
}

#[test]
fn every_operation_has_the_default_error_answer_and_links_lead_to_real_inputs() {
    for file in ["openapi.json", "openapi-3.0.json"] {
        let doc = document(file);
        let mut operations = std::collections::BTreeMap::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                operations.insert(
                    op["operationId"].as_str().unwrap().to_owned(),
                    (path, method, op),
                );
            }
        }
        let mut links = 0;
        for (id, (_, _, op)) in &operations {
            let default = &op["responses"]["default"];
            assert_eq!(
                default["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ModelArtsError",
                "{file}: {id} has no default error answer"
            );
            assert!(
                default["description"]
                    .as_str()
                    .unwrap()
                    .contains("APIGW.0301"),
                "{file}: {id}"
            );
            for (status, response) in op["responses"].as_object().unwrap() {
                let Some(found) = response.get("links") else {
                    continue;
                };
                for (name, link) in found.as_object().unwrap() {
                    let target = link["operationId"].as_str().unwrap();
                    let (_, _, target_op) = operations.get(target).unwrap_or_else(|| {
                        panic!("{file}: {id} {status} links to {target}, no such operation")
                    });
                    for (param, expression) in link["parameters"].as_object().unwrap() {
                        assert!(
                            target_op["parameters"]
                                .as_array()
                                .unwrap()
                                .iter()
                                .any(|p| p["name"] == *param && p["in"] == "path"),
                            "{file}: link {name} of {id}: {target} has no path parameter {param}"
                        );
                        let expression = expression.as_str().unwrap();
                        if let Some(pointer) = expression.strip_prefix("$response.body#") {
                            // The member is in the answer's schema.
                            let schema = &response["content"]["application/json"]["schema"]["$ref"];
                            let name = schema.as_str().unwrap().rsplit('/').next().unwrap();
                            let mut at = &doc["components"]["schemas"][name];
                            for step in pointer.trim_start_matches('/').split('/') {
                                let properties = &at["properties"][step];
                                assert!(
                                    !properties.is_null(),
                                    "{file}: {id}: {pointer} not in {name}"
                                );
                                // 3.0 wraps a described reference in `allOf`.
                                let reference = properties["$ref"]
                                    .as_str()
                                    .or_else(|| properties["allOf"][0]["$ref"].as_str());
                                at = match reference {
                                    Some(r) => {
                                        &doc["components"]["schemas"][r.rsplit('/').next().unwrap()]
                                    }
                                    None => properties,
                                };
                            }
                        } else {
                            let own = expression.strip_prefix("$request.path.").unwrap();
                            assert!(
                                op["parameters"]
                                    .as_array()
                                    .unwrap()
                                    .iter()
                                    .any(|p| p["name"] == own),
                                "{file}: {id} has no parameter {own} for {name}"
                            );
                        }
                        links += 1;
                    }
                }
            }
        }
        assert!(links > 40, "{file}: only {links} link parameters");
    }
}
