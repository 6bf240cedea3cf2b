//! Every class of bad spec gets an error naming the file and the place, and never a panic.
//! Each case mutates a small valid spec in one way; the messages are snapshots.

use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "format_version": 1,
        "service": { "name": "bad", "title": "Bad", "description": "d", "schema_id_base": "https://example.test/" },
        "types": [
            { "name": "Req", "kind": "object", "description": "request",
              "fields": [
                { "name": "mode", "required": true, "type": "Mode", "description": "m" },
                { "name": "items", "required": false, "type": "array<Item>", "description": "i" }
              ] },
            { "name": "Item", "kind": "object", "description": "item",
              "fields": [ { "name": "count", "required": true, "type": "integer", "description": "c" } ] },
            { "name": "Resp", "kind": "object", "description": "response",
              "fields": [ { "name": "id", "type": "string", "description": "i" } ] },
            { "name": "Mode", "kind": "enum", "repr": "string", "description": "mode",
              "values": [ { "value": "a", "name": "A", "description": "a" } ] }
        ],
        "operations": [
            { "name": "make", "method": "POST", "path": "/v1/{project_id}/things",
              "path_params": [ { "name": "project_id", "required": true, "type": "string", "bind": "project_id" } ],
              "header_params": [],
              "request_body": { "type": "Req" },
              "responses": [ { "status": 200, "body": "Resp" } ] }
        ]
    })
}

fn errors_of(text: &str) -> String {
    match codegen::generate_from_str("bad.json", text) {
        Ok(_) => panic!("the spec was accepted:\n{text}"),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

fn errors_after(change: impl FnOnce(&mut Value)) -> String {
    let mut spec = base();
    change(&mut spec);
    errors_of(&serde_json::to_string_pretty(&spec).unwrap())
}

#[test]
fn the_base_spec_is_valid() {
    codegen::generate_from_str("bad.json", &base().to_string()).unwrap();
}

#[test]
fn syntax_error_names_line_and_column() {
    let text = "{\n  \"format_version\": 1,\n  \"service\": { \"name\": \"x\" ,, }\n}";
    insta::assert_snapshot!(errors_of(text), @"error: bad.json:3:29: at $.service.?: key must be a string (the file is not valid JSON)");
}

#[test]
fn empty_spec() {
    insta::assert_snapshot!(errors_of("  \n"), @"error: bad.json: the spec is empty; it must be a JSON object with `format_version`, `service`, `types` and `operations` (see spec/README.md)");
    insta::assert_snapshot!(errors_of(r#"{"format_version": 1, "service": {"name": "x", "title": "t", "description": "d", "schema_id_base": "b"}}"#), @"error: bad.json:1:1: at $: the spec declares no types and no operations; there is nothing to generate");
}

#[test]
fn trailing_text_after_the_object() {
    let text = format!("{} {{}}", base());
    assert!(errors_of(&text).contains("unexpected text after the spec's JSON object"));
}

#[test]
fn wrong_shape_names_the_json_path() {
    let message = errors_after(|s| s["types"][0]["fields"][0]["required"] = json!("yes"));
    insta::assert_snapshot!(message, @"error: bad.json:17:11: at $.types[0].fields[0].required: invalid type: string \"yes\", expected a boolean (the spec does not have the shape spec/spec.schema.json describes)");
    let message = errors_after(|s| s["types"][0]["fields"][0]["requird"] = json!(true));
    assert!(
        message.contains("$.types[0].fields[0]") && message.contains("unknown field `requird`"),
        "{message}"
    );
}

#[test]
fn unknown_and_misspelt_types() {
    insta::assert_snapshot!(errors_after(|s| s["types"][0]["fields"][1]["type"] = json!("array<Itme>")), @r#"error: bad.json:24:11: at $.types[0].fields[1].type: unknown type "Itme"; declare it in types or use string, integer, int32, number, boolean, json, array<T> or map<T>"#);
    insta::assert_snapshot!(errors_after(|s| s["types"][0]["fields"][1]["type"] = json!("array<item>")), @r#"error: bad.json:24:11: at $.types[0].fields[1].type: unknown type "item"; use string, integer, int32, number, boolean, json, array<T>, map<T> or the UpperCamelCase name of a declared type"#);
    insta::assert_snapshot!(errors_after(|s| s["types"][0]["fields"][1]["type"] = json!("ITEM")), @r#"error: bad.json:24:11: at $.types[0].fields[1].type: unknown type "ITEM" (did you mean "Item"?); declare it in types or use string, integer, int32, number, boolean, json, array<T> or map<T>"#);
}

#[test]
fn duplicates() {
    insta::assert_snapshot!(errors_after(|s| {
        let copy = s["types"][1].clone();
        s["types"].as_array_mut().unwrap().push(copy);
    }), @r#"error: bad.json:68:7: at $.types[4].name: type "Item" is declared twice; each type name must be unique"#);
    insta::assert_snapshot!(errors_after(|s| {
        let copy = s["types"][0]["fields"][0].clone();
        s["types"][0]["fields"].as_array_mut().unwrap().push(copy);
    }), @r#"
    error: bad.json:28:11: at $.types[0].fields[2].name: field "mode" appears twice in Req
    error: bad.json:27:9: at $.types[0].fields[2]: fields "mode" and "mode" of Req both become the Rust field `mode`; set "rust_name" on one of them
    "#);
    insta::assert_snapshot!(errors_after(|s| {
        let copy = s["operations"][0].clone();
        s["operations"].as_array_mut().unwrap().push(copy);
    }), @r#"error: bad.json:93:7: at $.operations[1].name: operation "make" is declared twice"#);
}

#[test]
fn two_wire_names_one_rust_identifier() {
    insta::assert_snapshot!(errors_after(|s| {
        s["types"][2]["fields"].as_array_mut().unwrap().push(json!({ "name": "I-D", "type": "string" }));
        s["types"][2]["fields"].as_array_mut().unwrap().push(json!({ "name": "i.d", "type": "string" }));
    }), @r#"error: bad.json:56:9: at $.types[2].fields[2]: fields "I-D" and "i.d" of Resp both become the Rust field `i_d`; set "rust_name" on one of them"#);
    insta::assert_snapshot!(errors_after(|s| {
        s["types"][2]["fields"].as_array_mut().unwrap().push(json!({ "name": "unknownFields", "type": "string" }));
    }), @r#"error: bad.json:52:9: at $.types[2].fields[1]: field "unknownFields" becomes `unknown_fields`, the name that holds unlisted members; set another "rust_name""#);
}

#[test]
fn enum_values_of_the_wrong_type() {
    insta::assert_snapshot!(errors_after(|s| s["types"][3]["values"][0]["value"] = json!(1)), @"error: bad.json:61:11: at $.types[3].values[0].value: value 1 is not of the enum's repr String; write it as a JSON string");
    insta::assert_snapshot!(errors_after(|s| s["types"][3]["values"][0]["name"] = json!("Unknown")), @r#"error: bad.json:62:11: at $.types[3].values[0].name: variant name "Unknown" is reserved for values the spec does not list"#);
}

#[test]
fn reference_cycles_of_required_fields_are_refused() {
    insta::assert_snapshot!(errors_after(|s| {
        s["types"][1]["fields"].as_array_mut().unwrap().push(json!({ "name": "again", "required": true, "type": "Item" }));
    }), @r#"error: bad.json:40:9: at $.types[1].fields[1]: field "again" of Item is required and leads back to Item through required fields only, so no finite value exists; make one field of the cycle optional or an array"#);
}

#[test]
fn path_template_and_parameters_must_match() {
    insta::assert_snapshot!(errors_after(|s| s["operations"][0]["path"] = json!("/v1/{project_id}/things/{thing}")), @r#"error: bad.json:72:7: at $.operations[0].path: path "/v1/{project_id}/things/{thing}" uses {thing}, which path_params does not declare"#);
    insta::assert_snapshot!(errors_after(|s| s["operations"][0]["path"] = json!("/v1/things")), @r#"error: bad.json:75:11: at $.operations[0].path_params[0].name: path parameter "project_id" is declared but the path "/v1/things" does not use it"#);
    insta::assert_snapshot!(errors_after(|s| s["operations"][0]["path"] = json!("/v1/{project_id}/../x")), @r#"error: bad.json:72:7: at $.operations[0].path: path "/v1/{project_id}/../x" has an empty, '.' or '..' segment"#);
}

#[test]
fn operations_refer_to_declared_body_types() {
    insta::assert_snapshot!(errors_after(|s| s["operations"][0]["request_body"]["type"] = json!("Missing")), @r#"error: bad.json:83:9: at $.operations[0].request_body.type: request body type "Missing" is not declared in types"#);
    insta::assert_snapshot!(errors_after(|s| s["operations"][0]["responses"][0]["body"] = json!("Mode")), @r#"error: bad.json:88:11: at $.operations[0].responses[0].body: response body "Mode" must be an object type"#);
}

#[test]
fn response_types_never_require_fields() {
    insta::assert_snapshot!(errors_after(|s| s["types"][2]["fields"][0]["required"] = json!(true)), @r#"error: bad.json:51:11: at $.types[2].fields[0].required: Resp is used in a response, and response fields are never required (a response table promises none); drop "required" or give the request its own type"#);
}

#[test]
fn every_problem_is_reported_in_one_run() {
    let message = errors_after(|s| {
        s["types"][0]["fields"][1]["type"] = json!("Nope");
        s["operations"][0]["method"] = json!("FETCH");
    });
    assert_eq!(message.lines().count(), 2, "{message}");
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let depth = 100_000;
    let mut spec = base().to_string();
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    spec = spec.replace(
        r#""request_body":{"type":"Req"}"#,
        &format!(r#""request_body":{{"type":"Req","examples":[{deep}]}}"#),
    );
    assert!(spec.contains(&deep));
    let message = errors_of(&spec);
    assert!(message.contains("recursion limit exceeded"), "{message}");
}

#[test]
fn very_large_specs_are_refused_before_parsing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(codegen::spec::MAX_SPEC_BYTES + 1).unwrap();
    let message = codegen::generate(&path).unwrap_err().to_string();
    assert!(
        message.contains("huge.json") && message.contains("more than the"),
        "{message}"
    );
}

#[test]
fn rules_must_name_real_fields_and_values() {
    let message = errors_after(|s| {
        s["types"][0]["rules"] = json!([
            { "id": "r", "when": { "field": "mode", "equals": "zz" }, "require": ["nothing"], "message": "m" }
        ]);
    });
    insta::assert_snapshot!(message, @r#"
    error: bad.json:33:13: at $.types[0].rules[0].when.equals: "zz" is not a value of Mode
    error: bad.json:36:13: at $.types[0].rules[0].require[0]: Req has no field "nothing"
    "#);
}

#[test]
fn a_spec_file_name_cannot_inject_lines_into_the_output() {
    let files = codegen::generate_from_str("x.json\nfn injected() {}\n[evil]", &base().to_string())
        .unwrap();
    for (path, text) in &files {
        assert!(
            !text.contains("\nfn injected") && !text.contains("\n[evil]"),
            "{path}"
        );
    }
}

#[test]
fn service_text_with_control_characters_is_refused() {
    let message = errors_after(|s| s["service"]["title"] = json!("Evil\"\nbuild = \"x.rs\""));
    assert!(
        message.contains("at $.service.title") && message.contains("control characters"),
        "{message}"
    );
}
