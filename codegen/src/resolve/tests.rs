use serde_json::{Value, json};

use super::*;
use crate::model::{
    AnswerTable, ClientSetting, HttpMethod, ParamKind, PathSegment, Primitive, RuleCheck, TypeKind,
    TypeRef, WaitArgument,
};

fn spec(types: Value, operations: Value) -> String {
    json!({
        "format_version": 1,
        "service": { "name": "unit", "title": "Unit", "description": "d", "schema_id_base": "https://example.test/" },
        "types": types,
        "operations": operations,
    })
    .to_string()
}

fn resolved(text: &str) -> Api {
    let parsed = crate::spec::parse("unit.json", text).unwrap();
    resolve(&parsed, "unit.json").unwrap_or_else(|d| panic!("{d}"))
}

fn errors(text: &str) -> String {
    let parsed = crate::spec::parse("unit.json", text).unwrap();
    match resolve(&parsed, "unit.json") {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(d) => d.to_string(),
    }
}

fn object(name: &str, fields: Value) -> Value {
    json!({ "name": name, "kind": "object", "description": "", "fields": fields })
}

fn op(name: &str, method: &str, path: &str, path_params: Value, body: Option<&str>) -> Value {
    json!({
        "name": name, "method": method, "path": path, "path_params": path_params,
        "header_params": [{ "name": "X-ModelArts-User-ID", "rust_name": "user_id", "type": "string" }],
        "request_body": body.map(|b| json!({ "type": b })),
        "responses": [ { "status": 200, "body": "Out" }, { "status": 404, "body": "Out" } ],
    })
}

#[test]
fn types_are_linked_by_id_in_name_order() {
    let api = resolved(&spec(
        json!([
            object("Zed", json!([{ "name": "a", "type": "array<Alpha>" }])),
            object("Alpha", json!([{ "name": "z", "type": "Zed" }])),
            object("Out", json!([])),
        ]),
        json!([]),
    ));
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Alpha", "Out", "Zed"]);
    let TypeKind::Object(zed) = &api.types[2].kind else {
        panic!()
    };
    assert_eq!(
        zed.fields[0].ty,
        TypeRef::Array(Box::new(TypeRef::Named(TypeId(0))))
    );
    let TypeKind::Object(alpha) = &api.types[0].kind else {
        panic!()
    };
    assert_eq!(alpha.fields[0].ty, TypeRef::Named(TypeId(2)));
    assert!(!alpha.fields[0].boxed, "the cycle passes through an array");
}

#[test]
fn parameters_carry_their_kind_and_any_path_name_is_a_name() {
    let api = resolved(&spec(
        json!([object("In", json!([])), object("Out", json!([]))]),
        json!([op(
            "make_thing",
            "PATCH",
            "/v1/{project_id}/things/{type}/{body}",
            json!([
                { "name": "project_id", "bind": "project_id" },
                { "name": "type" },
                { "name": "body", "rust_name": "body_name" }
            ]),
            Some("In"),
        )]),
    ));
    let op = &api.operations[0];
    assert_eq!(op.method, HttpMethod::Patch);
    assert!(!op.method.idempotent());
    let kinds: Vec<(&str, &str, ParamKind)> = op
        .params
        .iter()
        .map(|p| (p.wire_name.as_str(), p.rust_name.as_str(), p.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "project_id",
                "project_id",
                ParamKind::ClientSetting(ClientSetting::ProjectId)
            ),
            ("type", "type_", ParamKind::Path),
            ("body", "body_name", ParamKind::Path),
            ("X-ModelArts-User-ID", "user_id", ParamKind::Header),
        ]
    );
    assert_eq!(op.params[1].flag, "type");
    assert_eq!(
        op.path_segments,
        [
            PathSegment::Literal("v1".into()),
            PathSegment::Param(0),
            PathSegment::Literal("things".into()),
            PathSegment::Param(1),
            PathSegment::Param(2),
        ]
    );
    assert_eq!(op.request_body.as_ref().unwrap().arg, "body");
    assert_eq!(op.error_enum, "MakeThingError");
    assert_eq!(op.errors[0].variant, "NotFound");
    assert_eq!(
        (op.subcommand.as_str(), op.subcommand_variant.as_str()),
        ("make-thing", "MakeThing")
    );
}

#[test]
fn the_body_argument_gives_way_to_a_parameter_named_body() {
    let api = resolved(&spec(
        json!([object("In", json!([])), object("Out", json!([]))]),
        json!([op(
            "put_body",
            "PUT",
            "/v1/{body}",
            json!([{ "name": "body", "rust_name": "body" }]),
            Some("In")
        )]),
    ));
    let op = &api.operations[0];
    assert_eq!(op.request_body.as_ref().unwrap().arg, "request_body");
    assert_eq!(
        op.params[0].flag, "body-param",
        "the program's --body is the request body"
    );
}

#[test]
fn rules_point_at_fields_and_usage_and_boxing_are_decided() {
    let api = resolved(&spec(
        json!([
            object("In", json!([
                { "name": "mode", "type": "string", "required": true },
                { "name": "items", "type": "array<Item>" },
                { "name": "next", "type": "In" }
            ])),
            object("Item", json!([{ "name": "a", "type": "integer" }, { "name": "b", "type": "integer" }])),
            object("Out", json!([])),
        ])
        .as_array()
        .map(|types| {
            let mut types = types.clone();
            types[0]["rules"] = json!([
                { "id": "r1", "when": { "field": "mode", "equals": "x" }, "require": ["items"], "message": "m" },
                { "id": "r2", "when": { "field": "mode", "equals": "x" }, "items_equal": { "array": "items", "fields": ["a", "b"] }, "message": "m" }
            ]);
            Value::Array(types)
        })
        .unwrap(),
        json!([op("make", "POST", "/v1", json!([]), Some("In"))]),
    ));
    let TypeKind::Object(input) = &api.types[0].kind else {
        panic!()
    };
    assert!(input.usage.request && !input.usage.response);
    assert!(input.fields[2].boxed, "In.next leads back to In");
    assert_eq!(input.rules[0].when_field, 0);
    assert_eq!(input.rules[0].check, RuleCheck::Require(vec![1]));
    assert_eq!(
        input.rules[1].check,
        RuleCheck::ItemsEqual {
            array: 1,
            item: TypeId(1),
            left: 0,
            right: 1
        }
    );
    let TypeKind::Object(out) = &api.types[2].kind else {
        panic!()
    };
    assert!(out.usage.response && !out.usage.request);
}

#[test]
fn clashes_of_decided_names_are_located_and_say_what_to_set() {
    let types = json!([object("In", json!([])), object("Out", json!([]))]);
    let message = errors(&spec(
        types.clone(),
        json!([op("api", "GET", "/v1", json!([]), None)]),
    ));
    assert!(
        message.contains("$.operations[0].name") && message.contains("`ApiError`"),
        "{message}"
    );

    let message = errors(&spec(
        types.clone(),
        json!([
            op("make", "GET", "/v1", json!([]), None),
            op("make_", "GET", "/v2", json!([]), None)
        ]),
    ));
    assert!(message.contains("subcommand `make`"), "{message}");

    let message = errors(&spec(
        types.clone(),
        json!([op(
            "make",
            "GET",
            "/v1/{a}/{b}",
            json!([{ "name": "a", "rust_name": "x" }, { "name": "b", "rust_name": "x" }]),
            None
        )]),
    ));
    assert!(
        message.contains("$.operations[0].path_params[1]")
            && message.contains("`x`")
            && message.contains("rust_name"),
        "{message}"
    );

    let message = errors(&spec(
        json!([
            object(
                "In",
                json!([{ "name": "a", "rust_name": "__a", "type": "string" }])
            ),
            object("Out", json!([]))
        ]),
        json!([]),
    ));
    assert!(
        message.contains("$.types[0].fields[0]") && message.contains("\"__\""),
        "{message}"
    );
}

/// Every name a spec brings into a namespace of the generated crate is checked in one place,
/// against what the generated code has there (its imports included) and against each other.
#[test]
fn names_that_meet_the_generated_crates_own_are_refused_where_the_spec_gives_them() {
    let out = object(
        "Out",
        json!([{ "name": "next", "type": "string" }, { "name": "items", "type": "array<string>" }]),
    );
    let listing = |name: &str| {
        json!({
            "name": name, "method": "GET", "path": format!("/{name}"),
            "query_params": [{ "name": "marker", "type": "string" }],
            "pagination": { "request_token": "marker", "response_token": "next", "items": "items" },
            "responses": [{ "status": 200, "body": "Out" }],
        })
    };
    let plain = |name: &str| json!({ "name": name, "method": "GET", "path": format!("/{name}"), "responses": [{ "status": 200, "body": "Out" }] });

    // A type named like a runtime item models.rs imports.
    let message = errors(&spec(
        json!([out.clone(), object("Patch", json!([]))]),
        json!([]),
    ));
    assert!(
        message.contains("$.types[1].name") && message.contains("type \"Patch\" `Patch`"),
        "{message}"
    );

    // An operation whose error enum is named like a runtime item the client imports.
    let message = errors(&spec(json!([out.clone()]), json!([plain("waiter")])));
    assert!(
        message.contains("$.operations[0].name") && message.contains("`WaiterError`"),
        "{message}"
    );

    // Paginators are the call builder's (`into_pages`), so an operation may be named like the
    // old `{operation}_pages` methods.
    resolved(&spec(
        json!([out.clone()]),
        json!([plain("list_pools_pages"), listing("list_pools")]),
    ));
    // A parameter whose setter, renamed because a builder method has its name (`send` →
    // `send_param`), meets another parameter's.
    let mut clashing = listing("list_pools");
    clashing["query_params"] = json!([
        { "name": "marker", "type": "string" },
        { "name": "send", "type": "string" },
        { "name": "send_param", "type": "string" },
    ]);
    let message = errors(&spec(json!([out.clone()]), json!([clashing])));
    assert!(
        message.contains("$.operations[0].query_params[2].name")
            && message.contains("setter of \"send_param\" `send_param` is also operation \"list_pools\"'s setter of \"send\""),
        "{message}"
    );

    // Schema files that only case tells apart, or that meet the index.
    let message = errors(&spec(
        json!([out.clone(), object("Operations", json!([]))]),
        json!([{ "name": "show", "method": "GET", "path": "/show", "responses": [{ "status": 200, "body": "Operations" }, { "status": 404, "body": "Out" }] }]),
    ));
    assert!(
        message.contains("$.types[1].name: type \"Operations\"'s schema file `operations.json`"),
        "{message}"
    );

    // A method the client has itself.
    let message = errors(&spec(json!([out.clone()]), json!([plain("runtime")])));
    assert!(
        message.contains("$.operations[0].name") && message.contains("`runtime`"),
        "{message}"
    );

    // A waiter's delays function meets another waiter's method.
    let waiter = |name: &str| {
        json!({
            "name": name, "operation": "show", "member": "next", "success": ["x"],
            "min_delay_seconds": 1, "max_delay_seconds": 2, "max_wait_seconds": 3,
        })
    };
    let mut doc: Value =
        serde_json::from_str(&spec(json!([out.clone()]), json!([plain("show")]))).unwrap();
    // The waiters' delays are their builders' (`default_config`), so `pool_config` is a name
    // like any other.
    doc["waiters"] = json!([waiter("pool"), waiter("pool_config")]);
    resolved(&doc.to_string());
    doc["waiters"] = json!([waiter("pool")]);
    doc["operations"] = json!([plain("show"), plain("wait_until_pool")]);
    let message = errors(&doc.to_string());
    assert!(
        message.contains("$.waiters[0].name") && message.contains("`wait_until_pool`"),
        "{message}"
    );
}

#[test]
fn derived_names_are_decided_in_the_model() {
    let mut doc: Value = serde_json::from_str(&thing_spec(
        thing_waiter(json!([{ "operation": "make_thing", "from_answer": { "thing": "metadata.name" } }])),
        json!([{ "type": "Thing", "columns": [{ "header": "NAME", "values": ["metadata.name"] }] }]),
    ))
    .unwrap();
    doc["operations"][1]["responses"] = json!([{ "status": 204, "body": "Thing" }]);
    doc["operations"][1]["path"] = json!("/things/{thing}");
    doc["operations"][1]["path_params"] =
        json!([{ "name": "thing", "required": true, "type": "string" }]);
    doc["waiters"][0]["after"] = json!([]);
    let api = resolved(&doc.to_string());
    let make = &api.operations[0];
    assert_eq!(
        (
            make.input_type.as_str(),
            make.call_type.as_str(),
            make.handler.as_str()
        ),
        ("MakeThingInput", "MakeThingCall", "__handle_make_thing")
    );
    assert!(make.success.no_content, "a 204 may come without its body");
    assert_eq!(
        make.success.answer(),
        crate::model::Answer::MaybeBody(make.success.body.unwrap())
    );
    let waiter = &api.waiters[0];
    assert_eq!(
        (waiter.method.as_str(), waiter.builder_type.as_str()),
        ("wait_until_thing_ready", "WaitUntilThingReady")
    );
    let table = &api.tables[0];
    assert_eq!(table.const_name, "__COLUMNS_0");
    assert_eq!(table.columns[0].values[0].wire, "metadata.name");
    assert_eq!(table.columns[0].values[0].steps.len(), 2);
    assert_eq!(crate::naming::answer_local("thing"), "__thing");
    assert_eq!(
        crate::naming::answer_local("wait_timeout"),
        "__wait_timeout_from_answer",
        "a program local is never shadowed"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let message = errors(&spec(
        json!([
            object(
                "In",
                json!([{ "name": "a", "type": "Missing" }, { "name": "b", "type": "strng" }])
            ),
            object(
                "Out",
                json!([{ "name": "c", "type": "string", "required": true }])
            ),
        ]),
        json!([op("make", "FETCH", "/v1", json!([]), Some("Nope"))]),
    ));
    for expected in [
        "$.types[0].fields[0].type: unknown type \"Missing\"",
        "$.types[0].fields[1].type: unknown type \"strng\"",
        "$.operations[0].method: method \"FETCH\"",
        "$.operations[0].request_body.type: request body type \"Nope\"",
    ] {
        assert!(message.contains(expected), "{expected} in\n{message}");
    }
}

/// A spec with a `Thing` (named, with a phase and parts) shown by `show_thing` and made by
/// `make_thing` (whose answer names it), plus the given waiters and tables.
fn thing_spec(waiters: Value, tables: Value) -> String {
    let mut doc: Value = serde_json::from_str(&spec(
        json!([
            object("Thing", json!([
                { "name": "metadata", "type": "Meta" },
                { "name": "phase", "type": "string" },
                { "name": "parts", "type": "array<Part>" },
            ])),
            object("Meta", json!([{ "name": "name", "type": "string" }])),
            object("Part", json!([{ "name": "size", "type": "integer" }])),
            object("Out", json!([])),
        ]),
        json!([
            {
                "name": "show_thing", "method": "GET", "path": "/things/{thing}",
                "path_params": [{ "name": "thing", "required": true, "type": "string" }],
                "responses": [ { "status": 200, "body": "Thing" }, { "status": 404, "body": "Out" } ],
            },
            {
                "name": "make_thing", "method": "POST", "path": "/things",
                "responses": [ { "status": 200, "body": "Thing" } ],
            },
        ]),
    ))
    .unwrap();
    doc["waiters"] = waiters;
    doc["tables"] = tables;
    doc.to_string()
}

fn thing_waiter(after: Value) -> Value {
    json!([{
        "name": "thing_ready", "operation": "show_thing", "member": "phase",
        "success": ["Ready"], "gone": "failure",
        "min_delay_seconds": 1, "max_delay_seconds": 2, "max_wait_seconds": 3,
        "after": after,
    }])
}

#[test]
fn waiters_after_operations_take_their_arguments_from_the_answer_or_parameters() {
    let api = resolved(&thing_spec(
        thing_waiter(
            json!([{ "operation": "make_thing", "from_answer": { "thing": "metadata.name" } }]),
        ),
        json!([{ "type": "Thing", "columns": [
            { "header": "NAME", "values": ["metadata.name"] },
            { "header": "SIZES", "each": "parts", "values": ["size"] },
        ] }]),
    ));
    let make = api
        .operations
        .iter()
        .find(|o| o.name == "make_thing")
        .unwrap();
    let then = make.then_wait.as_ref().unwrap();
    assert_eq!(api.waiters[then.waiter].name, "thing_ready");
    assert!(
        matches!(&then.arguments[..], [(name, WaitArgument::Answer { path, local })] if name == "thing" && path.steps.len() == 2 && path.wire == "metadata.name" && local == "__thing")
    );
    let show = api
        .operations
        .iter()
        .find(|o| o.name == "show_thing")
        .unwrap();
    assert_eq!(
        show.table,
        Some(AnswerTable {
            table: 0,
            rows: None
        })
    );
    assert_eq!(api.tables[0].columns[1].join, " ");
}

#[test]
fn waiters_and_tables_with_paths_that_lead_nowhere_are_located() {
    let text = errors(&thing_spec(
        thing_waiter(json!([
            { "operation": "make_thing" },
            { "operation": "unmade" },
        ])),
        json!([{ "type": "Thing", "columns": [
            { "header": "NAME", "values": ["metadata.nmae"] },
            { "header": "SIZES", "each": "phase", "values": ["size"] },
        ] }]),
    ));
    for expected in [
        "$.waiters[0].after[0].from_answer: show_thing needs \"thing\", which make_thing does not have: give it in from_answer",
        "$.waiters[0].after[1].operation: \"unmade\" is not an operation of the spec",
        "$.tables[0].columns[0].values[0]: Meta has no member \"nmae\" (it has name)",
        "$.tables[0].columns[1].each: \"phase\" is not an array",
    ] {
        assert!(text.contains(expected), "{expected:?} in:\n{text}");
    }
}

fn string_enum(name: &str, values: &[&str]) -> Value {
    let values: Vec<Value> = values
        .iter()
        .map(|v| json!({ "value": v, "name": crate::naming::upper_camel_case(v).unwrap() }))
        .collect();
    json!({ "name": name, "kind": "enum", "repr": "string", "description": "", "values": values })
}

fn listing_op(query: Value, header: Value) -> Value {
    json!({
        "name": "list_things", "method": "GET", "path": "/v1/things",
        "query_params": query, "header_params": header,
        "responses": [ { "status": 200, "body": "Out" } ],
    })
}

#[test]
fn a_parameter_naming_a_string_enum_is_that_open_enum() {
    let api = resolved(&spec(
        json!([
            object("Out", json!([])),
            string_enum("ThingStatus", &["running", "stopped"]),
        ]),
        json!([listing_op(
            json!([
                { "name": "status", "type": "ThingStatus" },
                { "name": "states", "type": "array<ThingStatus>" },
                { "name": "marker", "type": "string" },
            ]),
            json!([{ "name": "X-Thing-Status", "type": "ThingStatus" }]),
        )]),
    ));
    let status = api.types.iter().position(|t| t.name == "ThingStatus");
    let status = status.map(TypeId);
    let params = &api.operations[0].params;
    let summary: Vec<(&str, Primitive, bool, Option<TypeId>)> = params
        .iter()
        .map(|p| (p.wire_name.as_str(), p.ty, p.repeated, p.enum_type))
        .collect();
    assert_eq!(
        summary,
        [
            ("status", Primitive::String, false, status),
            ("states", Primitive::String, true, status),
            ("marker", Primitive::String, false, None),
            ("X-Thing-Status", Primitive::String, false, status),
        ]
    );
}

#[test]
fn a_parameter_naming_an_object_an_unknown_type_or_an_enum_in_the_path_is_refused_where_it_is() {
    let message = errors(&spec(
        json!([
            object("Out", json!([])),
            string_enum("ThingStatus", &["running"]),
        ]),
        json!([listing_op(
            json!([
                { "name": "out", "type": "Out" },
                { "name": "status", "type": "array<ThingStatu>" },
            ]),
            json!([{ "name": "X-Many", "type": "array<ThingStatus>" }]),
        )]),
    ));
    assert!(
        message.contains("at $.operations[0].query_params[0].type: parameter type \"Out\" names \"Out\", which is not an enum"),
        "{message}"
    );
    assert!(
        message.contains("at $.operations[0].query_params[1].type: parameter type \"array<ThingStatu>\" names no declared type; a parameter's type is a primitive or the name of a string enum"),
        "{message}"
    );
    assert!(
        message.contains("at $.operations[0].header_params[0].type: parameter type \"array<ThingStatus>\" is not supported; header parameters are \"string\" or the name of a string enum"),
        "{message}"
    );
    let path = errors(&spec(
        json!([
            object("Out", json!([])),
            string_enum("ThingStatus", &["running"]),
        ]),
        json!([{
            "name": "show_thing", "method": "GET", "path": "/v1/things/{status}",
            "path_params": [{ "name": "status", "type": "ThingStatus" }],
            "responses": [ { "status": 200, "body": "Out" } ],
        }]),
    ));
    assert!(
        path.contains("at $.operations[0].path_params[0].type: parameter type \"ThingStatus\" is not supported; path parameters are \"string\""),
        "{path}"
    );
}

#[test]
fn a_creating_operation_links_to_the_operations_under_what_it_made() {
    let named = object("Made", json!([{ "name": "metadata", "type": "MadeMeta" }]));
    let meta = object("MadeMeta", json!([{ "name": "name", "type": "string" }]));
    let pool = json!([{ "name": "pool_name", "type": "string" }]);
    let node = json!([{ "name": "pool_name", "type": "string" }, { "name": "node_name", "type": "string" }]);
    let mut create = op("create_thing", "POST", "/v1/things", json!([]), None);
    create["responses"] = json!([{ "status": 200, "body": "Made" }]);
    let api = resolved(&spec(
        json!([named, meta, object("Out", json!([]))]),
        json!([
            create,
            op(
                "show_thing",
                "GET",
                "/v1/things/{pool_name}",
                pool.clone(),
                None
            ),
            op(
                "list_parts",
                "GET",
                "/v1/things/{pool_name}/parts",
                pool.clone(),
                None
            ),
            // A second parameter after the new one cannot be filled from the answer.
            op(
                "show_node",
                "GET",
                "/v1/things/{pool_name}/nodes/{node_name}",
                node,
                None
            ),
            // Another collection.
            op("show_other", "GET", "/v1/others/{pool_name}", pool, None),
            // Not a creation: a GET links nowhere.
            op("list_things", "GET", "/v1/things", json!([]), None),
        ]),
    ));
    let by_name = |name: &str| api.operations.iter().find(|o| o.name == name).unwrap();
    let linked: Vec<&str> = by_name("create_thing")
        .links
        .iter()
        .map(|l| api.operations[l.operation].name.as_str())
        .collect();
    assert_eq!(linked, ["list_parts", "show_thing"]);
    assert_eq!(
        by_name("create_thing").links[0].parameters["pool_name"],
        "$response.body#/metadata/name"
    );
    assert!(by_name("list_things").links.is_empty());
}

#[test]
fn the_links_agree_with_the_waiters_bindings_in_the_real_spec() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/modelarts-pools.json");
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = crate::spec::parse(path, &text).unwrap();
    let api = resolve(&parsed, path).unwrap_or_else(|d| panic!("{d}"));
    let mut checked = 0;
    for waiter in &parsed.waiters {
        let polled = api
            .operations
            .iter()
            .position(|o| o.name == waiter.operation)
            .unwrap();
        for after in &waiter.after {
            let trigger = api
                .operations
                .iter()
                .find(|o| o.name == after.operation)
                .unwrap();
            for (param, member) in &after.from_answer {
                let is_path = api.operations[polled]
                    .params
                    .iter()
                    .any(|p| &p.wire_name == param && p.kind == ParamKind::Path);
                if !is_path {
                    continue;
                }
                let link = trigger
                    .links
                    .iter()
                    .find(|l| l.operation == polled)
                    .unwrap_or_else(|| {
                        panic!("{} has no link to {}", trigger.name, waiter.operation)
                    });
                assert_eq!(
                    link.parameters[param],
                    format!("$response.body#/{}", member.replace('.', "/"))
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no waiter binding was compared");
}

#[test]
fn default_errors_name_an_object_type_of_the_spec() {
    let mut text: Value = serde_json::from_str(&spec(
        json!([object("Out", json!([])), string_enum("Code", &["A"])]),
        json!([]),
    ))
    .unwrap();
    text["service"]["default_errors"] = json!({ "body": "Err", "description": "any" });
    let message = errors(&text.to_string());
    assert!(
        message.contains("$.service.default_errors.body"),
        "{message}"
    );
    assert!(
        message.contains("\"Err\" is not a type of the spec"),
        "{message}"
    );
    text["service"]["default_errors"]["body"] = json!("Code");
    assert!(errors(&text.to_string()).contains("is not an object type"));
    text["service"]["default_errors"]["body"] = json!("Out");
    let api = resolved(&text.to_string());
    assert_eq!(
        api.default_errors.map(|d| d.description),
        Some("any".to_owned())
    );
}

#[test]
fn modules_group_types_and_unknown_or_bad_modules_are_located() {
    let mut doc: Value = serde_json::from_str(&spec(
        json!([
            { "name": "Pool", "kind": "object", "module": "pools", "description": "",
              "fields": [ { "name": "spec", "type": "PoolSpec" }, { "name": "error", "type": "Failure" } ] },
            { "name": "PoolSpec", "kind": "object", "module": "pools", "description": "",
              "fields": [ { "name": "size", "type": "integer" } ] },
            { "name": "Node", "kind": "object", "module": "nodes", "description": "",
              "fields": [ { "name": "name", "type": "string" } ] },
            object("Failure", json!([ { "name": "code", "type": "string" } ])),
        ]),
        json!([]),
    ))
    .unwrap();
    doc["service"]["modules"] = json!([
        { "name": "pools", "description": "Pools." },
        { "name": "nodes", "description": "Nodes." },
    ]);
    let api = resolved(&doc.to_string());
    let module_of = |name: &str| {
        let entry = api.types.iter().find(|t| t.name == name).unwrap();
        entry.module.map(|m| api.modules[m].name.as_str())
    };
    assert_eq!(module_of("Pool"), Some("pools"));
    assert_eq!(module_of("Node"), Some("nodes"));
    assert_eq!(module_of("Failure"), None);
    // `Pool` names `Failure`, which is at the top of `models`; `Node` names nothing outside.
    assert!(api.modules[0].names_other_modules);
    assert!(!api.modules[1].names_other_modules);

    let mut bad = doc.clone();
    bad["types"][2]["module"] = json!("nodez");
    bad["service"]["modules"][1]["name"] = json!("Nodes");
    bad["service"]["modules"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "pools", "description": "Again." }));
    let message = errors(&bad.to_string());
    assert!(
        message.contains("$.service.modules[1].name")
            && message.contains("must be a snake_case Rust identifier"),
        "{message}"
    );
    assert!(
        message.contains("$.service.modules[2].name") && message.contains("declared twice"),
        "{message}"
    );
    assert!(
        message.contains("$.types[2].module")
            && message
                .contains("module \"nodez\" is not declared in service.modules (declared: pools)"),
        "{message}"
    );
}
