//! Each emitter on a small spec: what it prints for what resolve decided.

use serde_json::json;

use super::*;

fn api() -> Api {
    let text = json!({
        "format_version": 1,
        "service": { "name": "unit-svc", "title": "Unit <svc>", "description": "d", "schema_id_base": "https://example.test/" },
        "types": [
            { "name": "In", "kind": "object", "description": "In [1] <b>", "fields": [
                { "name": "type", "required": true, "type": "Mode", "description": "t" },
                { "name": "map", "type": "array<Item>", "min_items": 1, "description": "m" },
                { "name": "say \"hi\"", "rust_name": "say_hi", "type": "string", "description": "q" }
            ], "rules": [
                { "id": "needs-map", "when": { "field": "type", "equals": "a" }, "require": ["map"], "message": "map needed" }
            ] },
            { "name": "Item", "kind": "object", "description": "", "fields": [ { "name": "key", "type": "integer", "required": true } ] },
            { "name": "Out", "kind": "object", "description": "", "fields": [ { "name": "value", "type": "Flags" } ] },
            { "name": "Mode", "kind": "enum", "repr": "string", "description": "mode", "values": [
                { "value": "a", "name": "A", "description": "first" }, { "value": "", "name": "Empty", "description": "none" } ] },
            { "name": "Flags", "kind": "flags", "repr": "integer", "description": "bits", "values": [
                { "value": 0, "name": "None", "description": "no bit" }, { "value": 4, "name": "Big", "description": "four" } ] }
        ],
        "operations": [
            { "name": "put_thing", "method": "PUT", "path": "/v1/{project_id}/things/{type}",
              "path_params": [ { "name": "project_id", "bind": "project_id" }, { "name": "type", "description": "the type" } ],
              "header_params": [ { "name": "X-Request", "rust_name": "request", "description": "h" } ],
              "request_body": { "type": "In" },
              "responses": [ { "status": 200, "body": "Out" }, { "status": 409, "description": "Taken", "body": "Out" } ] }
        ]
    })
    .to_string();
    crate::load_api("unit.json", &text).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn models_print_declarations_and_one_serde_line_per_object() {
    let api = api();
    let text = render_models(&api, "unit.json").unwrap();
    assert!(text.contains("open_enum! {\n    /// mode\n    pub enum Mode {\n        /// `a`: first\n        A = \"a\",\n"), "{text}");
    assert!(text.contains("object_serde!(In {\n    type_: \"type\" required,\n    map: \"map\" optional,\n    say_hi: \"say \\\"hi\\\"\" optional,\n});"), "{text}");
    assert!(
        text.contains("/// In \\[1\\] \\<b\\>"),
        "prose is escaped: {text}"
    );
    assert!(text.contains("bitflags::bitflags! {\n    impl Flags: u64 {\n        /// `4`: four\n        const BIG = 4;"), "{text}");
    assert!(
        text.contains("pub const NONE: Self = Self::empty();"),
        "{text}"
    );
    // Locals of validate() are prefixed: no field (`map`, `type_`) can meet them.
    assert!(
        text.contains("let __field_path = __path.key(\"map\");"),
        "{text}"
    );
    assert!(
        text.contains("ValidationError::rule(&__path.key(\"map\"), \"needs-map\", \"map needed\")"),
        "{text}"
    );
    assert!(
        !text.contains("impl Out {"),
        "a response type gets no constructor or validate(): {text}"
    );
    assert!(text.contains("#[derive(Clone, Debug, Default, PartialEq)]\n#[cfg_attr(feature = \"schemars\", derive(schemars::JsonSchema))]\npub struct Out"), "{text}");
    assert!(
        text.contains("\n\n/// "),
        "items are separated by blank lines"
    );
}

#[test]
fn client_methods_take_arguments_by_kind_and_prefix_their_locals() {
    let files = render(&api(), "unit.json").unwrap();
    let client = &files["src/client.rs"];
    assert!(client.contains("pub async fn put_thing(\n        &self,\n        body: &models::In,\n        type_: &str,\n        request: Option<&str>,\n    )"), "{client}");
    assert!(
        client.contains("let mut __request = OperationRequest::new(\"put_thing\", Method::PUT);"),
        "{client}"
    );
    assert!(
        client.contains("__request.push_param(\"project_id\", self.inner.project_id())?;"),
        "{client}"
    );
    assert!(
        client.contains("__request.push_param(\"type\", type_)?;"),
        "{client}"
    );
    assert!(client.contains("__request.idempotent(true);"), "{client}");
    assert!(
        client.contains(
            "pub enum PutThingError {\n    /// HTTP 409: Taken\n    Conflict(Box<ApiError>),"
        ),
        "{client}"
    );
    let lib = &files["src/lib.rs"];
    assert!(
        lib.contains("pub use client::{Client, PutThingError};"),
        "{lib}"
    );
    assert!(
        lib.contains("#[cfg(feature = \"cli\")]\npub mod cli;"),
        "{lib}"
    );
}

#[test]
fn the_program_has_a_subcommand_and_options_per_operation() {
    let files = render(&api(), "unit.json").unwrap();
    let cli = &files["src/cli.rs"];
    assert!(
        cli.contains("#[command(name = \"put-thing\")]\n    PutThing {"),
        "{cli}"
    );
    assert!(
        cli.contains("#[arg(long = \"type\")]\n        type_: String,"),
        "{cli}"
    );
    assert!(
        cli.contains("#[arg(long = \"request\")]\n        request: Option<String>,"),
        "{cli}"
    );
    assert!(
        cli.contains(".put_thing(&body, &type_, request.as_deref())"),
        "{cli}"
    );
    assert_eq!(
        files["src/bin/unit-svc.rs"]
            .lines()
            .filter(|l| l.contains("unit_svc::cli::main()"))
            .count(),
        1
    );
}

#[test]
fn the_manifest_stands_alone_with_features_for_the_program_and_schemars() {
    let files = render_with(
        &api(),
        "unit.json",
        &Placement {
            runtime_path: "../../rt",
        },
    )
    .unwrap();
    let manifest = &files["Cargo.toml"];
    assert!(!manifest.contains("workspace"), "{manifest}");
    assert!(
        manifest.contains("modelarts-pools-runtime = { version = \"0.1.0\", path = \"../../rt\" }"),
        "{manifest}"
    );
    assert!(
        manifest.contains("required-features = [\"cli\"]"),
        "{manifest}"
    );
    assert!(manifest.contains("default = []"), "{manifest}");
    assert!(
        manifest.contains("clap = { version = \"4\", features = [\"derive\"], optional = true }"),
        "{manifest}"
    );
    assert!(manifest.contains("bitflags = \"2\""), "{manifest}");
    assert!(files.contains_key("README.md"));
}

#[test]
fn schemas_link_types_and_state_rules() {
    let documents = schema_documents(&api());
    let names: Vec<&str> = documents.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["In.json", "Out.json", "operations.json"]);
    let input = &documents[0].1;
    assert_eq!(input["properties"]["map"]["items"]["$ref"], "#/$defs/Item");
    assert_eq!(input["properties"]["map"]["minItems"], 1);
    assert_eq!(input["$defs"]["Mode"]["enum"], json!(["a", ""]));
    assert_eq!(input["allOf"][0]["then"]["required"], json!(["map"]));
    assert_eq!(documents[2].1["put_thing"]["responses"]["409"], "Out.json");
}

#[test]
fn members_of_blocks_get_a_blank_line_between_them() {
    let text = "impl A {\n    fn a() {\n    }\n    fn b() {}\n}\n";
    assert_eq!(
        space_members(text),
        "impl A {\n    fn a() {\n    }\n\n    fn b() {}\n}\n"
    );
}

#[test]
fn openapi_3_0_keeps_the_meaning_of_what_3_1_says_in_newer_keywords() {
    let mut schema = json!({
        "type": "object", "required": [], "$comment": "why",
        "properties": {
            "a": { "$ref": "#/components/schemas/A", "description": "an A" },
            "b": { "anyOf": [{ "type": "integer" }, { "type": "null" }] },
            "c": { "const": "x" }
        },
        "allOf": [{ "if": { "properties": { "c": { "const": "x" } } }, "then": { "required": ["a"] } }]
    });
    openapi::schema_3_0(&mut schema);
    assert_eq!(
        schema,
        json!({
            "type": "object", "x-comment": "why",
            "properties": {
                "a": { "allOf": [{ "$ref": "#/components/schemas/A" }], "description": "an A" },
                "b": { "allOf": [{ "type": "integer" }], "nullable": true },
                "c": { "enum": ["x"] }
            },
            "x-rules": [{ "if": { "properties": { "c": { "const": "x" } } }, "then": { "required": ["a"] } }]
        })
    );
}

#[test]
fn openapi_operations_carry_ids_parameters_media_types_and_errors() {
    let documents = openapi_documents(&api());
    let op = &documents[0].1["paths"]["/v1/{project_id}/things/{type}"]["put"];
    assert_eq!(op["operationId"], "PutThing");
    assert_eq!(op["x-rust-method"], "put_thing");
    let places: Vec<(&str, &str)> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
        .collect();
    assert_eq!(
        places,
        [
            ("project_id", "path"),
            ("type", "path"),
            ("X-Request", "header")
        ]
    );
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/In"
    );
    assert_eq!(op["responses"]["409"]["description"], "Taken");
    assert_eq!(documents[1].1["openapi"], "3.0.3");
}
