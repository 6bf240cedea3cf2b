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
    // A response type gets `new()` (its `Default`, `#[inline]` as every non-generic function:
    // emit/inline.rs) but no validate(), and every type is `#[non_exhaustive]`.
    assert!(
        text.contains("impl Out {\n    /// A value with every member absent (the same as `Default`), to set the members\n    /// wanted on (each is a public field).\n    #[inline]\n    pub fn new() -> Self {\n        Self::default()\n    }\n}"),
        "{text}"
    );
    let out_impl = text
        .split("impl Out {\n")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .expect("impl Out");
    assert!(!out_impl.contains("fn validate"), "{out_impl}");
    assert!(text.contains("#[derive(Clone, Debug, Default, PartialEq)]\n#[cfg_attr(feature = \"schemars\", derive(schemars::JsonSchema))]\n#[non_exhaustive]\npub struct Out"), "{text}");
    assert!(
        text.contains("\n\n/// "),
        "items are separated by blank lines"
    );
}

#[test]
fn client_methods_take_arguments_by_kind_and_prefix_their_locals() {
    let files = render(&api(), "unit.json").unwrap();
    let client = &files["src/client.rs"];
    // The required path parameter and the body are the method's arguments, the optional query
    // parameter a setter of its builder.
    assert!(client.contains("pub fn put_thing(\n        &self,\n        type_: impl Into<String>,\n        body: models::In,\n    ) -> PutThingCall<'_>"), "{client}");
    assert!(
        client.contains("pub fn request(mut self, value: impl Into<String>) -> Self {\n        self.call.input.request = Some(value.into());"),
        "{client}"
    );
    let input = &files["src/input.rs"];
    assert!(
        input.contains("let mut __request = OperationRequest::new(\"put_thing\", Method::PUT);"),
        "{input}"
    );
    assert!(
        input.contains("if self.project_id.is_empty() {")
            && input.contains("__client.project_id()"),
        "{input}"
    );
    assert!(
        input.contains("__request.push_param(\"type\", &self.type_)?;"),
        "{input}"
    );
    assert!(input.contains("__request.idempotent(true);"), "{input}");
    assert!(
        client.contains(
            "operation_error! {\n    /// The failures of `put_thing`: those it documents, sorted for matching, and `Unhandled` for anything else.\n    pub enum PutThingError {\n        /// HTTP 409: Taken\n        Conflict = 409,"
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
    // The options are the input's fields; the input goes to the operation's builder.
    assert!(
        cli.contains("let __input = input::PutThingInput {")
            && cli.contains("project_id: String::new(),\n")
            && cli.contains("request,\n"),
        "{cli}"
    );
    assert!(
        cli.contains("client::PutThingCall::from_input(\n                        __session.client(),\n                        __input,"),
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
    let text = json!({
        "format_version": 1,
        "service": { "name": "unit-svc", "title": "Unit", "description": "d", "schema_id_base": "https://example.test/" },
        "types": [
            { "name": "Change", "kind": "object", "description": "c", "decisions": ["why"], "fields": [
                { "name": "mode", "type": "Mode", "description": "the mode" },
                { "name": "size", "type": "integer", "description": "s" },
                { "name": "kind", "type": "string", "required": true }
            ], "rules": [
                { "id": "r", "when": { "field": "kind", "equals": "x" }, "require": ["size"], "message": "m" }
            ] },
            { "name": "Mode", "kind": "enum", "repr": "string", "description": "mode", "values": [
                { "value": "a", "name": "A", "description": "first" } ] },
            { "name": "Out", "kind": "object", "description": "", "fields": [ { "name": "v", "type": "string" } ] }
        ],
        "operations": [
            { "name": "change", "method": "PATCH", "path": "/v1/change",
              "request_body": { "type": "Change", "media_type": "application/merge-patch+json" },
              "responses": [ { "status": 200, "body": "Out" } ] }
        ]
    })
    .to_string();
    let patched = crate::load_api("unit.json", &text).unwrap_or_else(|d| panic!("{d}"));
    let documents = openapi_documents(&patched);
    let (v31, v30) = (&documents[0].1, &documents[1].1);
    assert_eq!(
        (v31["openapi"].as_str(), v30["openapi"].as_str()),
        (Some("3.1.0"), Some("3.0.3"))
    );
    let change = |doc: &serde_json::Value| doc["components"]["schemas"]["Change"].clone();
    let rules = json!([{ "$comment": "rule r: m", "if": { "properties": { "kind": { "const": "x" } }, "required": ["kind"] }, "then": { "required": ["size"] } }]);
    assert_eq!(
        change(v31),
        json!({
            "title": "Change", "description": "c", "$comment": "why", "type": "object",
            "properties": {
                "mode": { "anyOf": [{ "$ref": "#/components/schemas/Mode" }, { "type": "null" }], "description": "the mode" },
                "size": { "anyOf": [{ "type": "integer" }, { "type": "null" }], "description": "s" },
                "kind": { "type": "string" }
            },
            "required": ["kind"], "additionalProperties": true, "allOf": rules
        })
    );
    // A null type becomes `nullable`, a comment `x-comment`; rules need `if`, so they are kept,
    // as JSON Schema, in `x-rules`.
    assert_eq!(
        change(v30),
        json!({
            "title": "Change", "description": "c", "x-comment": "why", "type": "object",
            "properties": {
                "mode": { "allOf": [{ "$ref": "#/components/schemas/Mode" }], "nullable": true, "description": "the mode" },
                "size": { "allOf": [{ "type": "integer" }], "nullable": true, "description": "s" },
                "kind": { "type": "string" }
            },
            "required": ["kind"], "additionalProperties": true, "x-rules": rules
        })
    );
    assert_eq!(
        v31["components"]["schemas"]["Mode"]["oneOf"][0],
        json!({ "const": "a", "title": "A", "description": "first" })
    );
    assert_eq!(
        v30["components"]["schemas"]["Mode"]["oneOf"][0],
        json!({ "enum": ["a"], "title": "A", "description": "first" })
    );
    // 3.0's `required` lists at least one name.
    assert_eq!(v31["components"]["schemas"]["Out"]["required"], json!([]));
    assert!(
        v30["components"]["schemas"]["Out"]
            .get("required")
            .is_none()
    );

    // A reference with a description beside it: 3.0's reference stands alone, so `allOf` wraps it.
    let documents = openapi_documents(&api());
    assert_eq!(
        documents[0].1["components"]["schemas"]["In"]["properties"]["type"],
        json!({ "$ref": "#/components/schemas/Mode", "description": "t" })
    );
    assert_eq!(
        documents[1].1["components"]["schemas"]["In"]["properties"]["type"],
        json!({ "allOf": [{ "$ref": "#/components/schemas/Mode" }], "description": "t" })
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

/// The specs whose output the name checks below read: the real one and every fixture, which
/// together use every feature (merge patches, waiters, paginators, tables, requests).
fn every_spec() -> Vec<(String, Api)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths = vec![root.join("spec/modelarts-pools.json")];
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    fixtures.sort();
    paths.extend(fixtures);
    paths
        .into_iter()
        .map(|path| {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let api = crate::load_api(&name, &text).unwrap_or_else(|d| panic!("{d}"));
            (name, api)
        })
        .collect()
}

/// The names a `use` tree brings into scope.
fn use_names(tree: &syn::UseTree, names: &mut Vec<String>) {
    match tree {
        syn::UseTree::Path(path) => use_names(&path.tree, names),
        syn::UseTree::Name(name) => names.push(name.ident.to_string()),
        syn::UseTree::Rename(rename) => names.push(rename.rename.to_string()),
        syn::UseTree::Glob(_) => names.push("*".into()),
        syn::UseTree::Group(group) => group.items.iter().for_each(|t| use_names(t, names)),
    }
}

/// The path of a `use path::*;`.
fn glob_of(tree: &syn::UseTree) -> Option<String> {
    match tree {
        syn::UseTree::Path(path) => match &*path.tree {
            syn::UseTree::Glob(_) => Some(path.ident.to_string()),
            inner => glob_of(inner),
        },
        _ => None,
    }
}

/// Every type name a file imports or declares at its top level, and every `use` of a glob.
fn module_names(text: &str) -> Vec<String> {
    let file = syn::parse_file(text).unwrap();
    let mut names = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Use(item) => use_names(&item.tree, &mut names),
            syn::Item::Struct(item) => names.push(item.ident.to_string()),
            syn::Item::Enum(item) => names.push(item.ident.to_string()),
            syn::Item::Type(item) => names.push(item.ident.to_string()),
            syn::Item::Trait(item) => names.push(item.ident.to_string()),
            _ => {}
        }
    }
    names
}

fn idents(tokens: proc_macro2::TokenStream, found: &mut std::collections::BTreeSet<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                found.insert(ident.to_string());
            }
            proc_macro2::TokenTree::Group(group) => idents(group.stream(), found),
            _ => {}
        }
    }
}

/// The reserved names resolve checks spec names against are read from naming.rs; these check
/// them against what the emitters really print, so the lists cannot fall behind an emitter that
/// starts importing or defining something new.
#[test]
fn the_reserved_names_are_what_the_generated_code_imports_and_defines() {
    use crate::naming;
    for (spec, api) in every_spec() {
        let files = render(&api, "spec.json").unwrap();
        let uppercase = |name: &String| name.starts_with(|c: char| c.is_ascii_uppercase());

        // The model files: what they import may not be a spec type's name. The only globs are
        // models.rs re-exporting its modules and a module reaching its siblings through it, so
        // every name a glob brings is a spec type's (unique, and checked here) or a module's.
        let model_files = files
            .keys()
            .filter(|path| *path == "src/models.rs" || path.starts_with("src/models/"));
        for file in model_files {
            let tree = syn::parse_file(&files[file]).unwrap();
            for item in &tree.items {
                if let syn::Item::Use(item) = item
                    && let Some(glob) = glob_of(&item.tree)
                {
                    let allowed = if file == "src/models.rs" {
                        api.modules.iter().any(|m| m.name == glob)
                    } else {
                        glob == "super"
                    };
                    assert!(allowed, "{spec}: {file} imports the glob {glob}::*");
                }
            }
            for name in module_names(&files[file]).into_iter().filter(|n| n != "*") {
                let declared = api.types.iter().any(|t| t.name == name);
                assert!(
                    declared
                        || !uppercase(&name)
                        || naming::RESERVED_TYPE_NAMES.contains(&name.as_str()),
                    "{spec}: {file} has `{name}`, which naming::RESERVED_TYPE_NAMES does not list"
                );
            }
        }

        // client.rs and lib.rs: what they import and declare may not be an error enum's or a
        // builder's name.
        for file in ["src/client.rs", "src/lib.rs"] {
            for name in module_names(&files[file]) {
                let error_enum = api
                    .operations
                    .iter()
                    .any(|op| op.error_enum == name || op.call_type == name)
                    || api.waiters.iter().any(|w| w.builder_type == name);
                assert!(name != "*", "{spec}: {file} imports a glob");
                assert!(
                    error_enum
                        || !uppercase(&name)
                        || naming::CLIENT_MODULE_NAMES.contains(&name.as_str()),
                    "{spec}: {file} has `{name}`, which naming::CLIENT_MODULE_NAMES does not list"
                );
            }
        }

        // input.rs: what it imports may not be an input's name.
        if let Some(input) = files.get("src/input.rs") {
            for name in module_names(input) {
                let declared = api.operations.iter().any(|op| op.input_type == name);
                assert!(name != "*", "{spec}: input.rs imports a glob");
                assert!(
                    declared || naming::INPUT_MODULE_NAMES.contains(&name.as_str()),
                    "{spec}: input.rs has `{name}`, which naming::INPUT_MODULE_NAMES does not list"
                );
            }
        }

        // The call builders' methods besides the parameters' setters.
        let client = syn::parse_file(&files["src/client.rs"]).unwrap();
        for op in &api.operations {
            let mut methods: Vec<String> = Vec::new();
            for item in &client.items {
                match item {
                    syn::Item::Impl(block)
                        if quote::ToTokens::to_token_stream(&block.self_ty)
                            .to_string()
                            .starts_with(&format!("{} <", op.call_type)) =>
                    {
                        for member in &block.items {
                            if let syn::ImplItem::Fn(function) = member {
                                methods.push(function.sig.ident.to_string());
                            }
                        }
                    }
                    syn::Item::Macro(call) => {
                        let text = quote::ToTokens::to_token_stream(&call.mac.tokens).to_string();
                        if text.starts_with(&format!("{} ,", op.call_type)) {
                            methods.extend(
                                [
                                    "from_input",
                                    "attempt_timeout",
                                    "operation_timeout",
                                    "retry_policy",
                                    "header",
                                    "input",
                                    "into_input",
                                    "validate",
                                    "preview",
                                    "send",
                                ]
                                .map(String::from),
                            );
                        }
                    }
                    _ => {}
                }
            }
            assert!(
                methods.iter().any(|m| m == "send"),
                "{spec}: {} has no send",
                op.call_type
            );
            for name in methods {
                assert!(
                    op.params.iter().any(|p| p.setter == name)
                        || naming::CALL_METHODS.contains(&name.as_str()),
                    "{spec}: {} has the method `{name}`, which naming::CALL_METHODS does not list",
                    op.call_type
                );
            }
        }

        // The client's methods besides the operations' and waiters'.
        let mut derived: Vec<&str> = Vec::new();
        for op in &api.operations {
            derived.push(op.name.as_str());
        }
        for waiter in &api.waiters {
            derived.push(waiter.method.as_str());
        }
        let mut own = Vec::new();
        for item in &client.items {
            match item {
                syn::Item::Impl(block)
                    if block.trait_.is_none()
                        && quote::ToTokens::to_token_stream(&block.self_ty).to_string()
                            == "Client" =>
                {
                    for member in &block.items {
                        if let syn::ImplItem::Fn(function) = member {
                            own.push(function.sig.ident.to_string());
                        }
                    }
                }
                syn::Item::Struct(item) if item.ident == "Client" => {
                    for attr in &item.attrs {
                        let text = quote::ToTokens::to_token_stream(attr).to_string();
                        if text.contains("derive") {
                            for (derive, method) in [("Clone", "clone"), ("Debug", "fmt")] {
                                if text.contains(derive) {
                                    own.push(method.to_owned());
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for name in own {
            assert!(
                derived.contains(&name.as_str()) || naming::CLIENT_METHODS.contains(&name.as_str()),
                "{spec}: the client has the method `{name}`, which naming::CLIENT_METHODS does not list"
            );
        }

        // The program: its `__` locals, and its subcommands besides the operations'.
        let Some(cli) = files.get("src/cli.rs") else {
            continue;
        };
        let mut found = std::collections::BTreeSet::new();
        idents(cli.parse().unwrap(), &mut found);
        let mut known: Vec<String> = naming::PROGRAM_LOCALS
            .iter()
            .map(|l| l.to_string())
            .collect();
        known.extend(api.tables.iter().map(|t| t.const_name.clone()));
        for op in &api.operations {
            for (_, argument) in op.then_wait.iter().flat_map(|t| &t.arguments) {
                if let crate::model::WaitArgument::Answer { local, .. } = argument {
                    known.push(local.clone());
                }
            }
        }
        for ident in found.iter().filter(|i| i.starts_with("__")) {
            assert!(
                known.contains(ident),
                "{spec}: the program has the local `{ident}`, which naming::PROGRAM_LOCALS does not list"
            );
        }
        let file = syn::parse_file(cli).unwrap();
        for item in &file.items {
            if let syn::Item::Enum(command) = item
                && command.ident == "Command"
            {
                for variant in &command.variants {
                    let name = variant.ident.to_string();
                    let of_operation = api
                        .operations
                        .iter()
                        .any(|op| op.subcommand_variant == name);
                    let reserved = naming::RESERVED_SUBCOMMANDS
                        .iter()
                        .any(|s| naming::upper_camel_case(s).as_deref() == Some(name.as_str()));
                    assert!(
                        of_operation || reserved,
                        "{spec}: the program has the subcommand `{name}`, which naming::RESERVED_SUBCOMMANDS does not list"
                    );
                }
            }
        }
    }
}
