//! The generated crate's manifest, root module and README: a crate that builds wherever it is
//! written, and packages for crates.io with the runtime.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{inner_doc_lines, prose};
use super::models::ident;
use super::schema;
use crate::model::Api;

/// The license the generated crate carries (its manifest says Apache-2.0).
pub const LICENSE: &str = include_str!("../../../LICENSE");

/// The runtime's version the generated code is written against.
pub const RUNTIME_VERSION: &str = "0.1.0";
/// The oldest Rust the generated crate and its locked dependencies build with.
pub const RUST_VERSION: &str = "1.88";

/// A TOML basic string. JSON's escaping is TOML's except for DEL, which TOML also wants escaped;
/// spec text can then never add keys to the manifest.
fn toml_string(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap_or_else(|_| "\"\"".to_owned())
        .replace('\u{7f}', "\\u007F")
}

/// Where the manifest finds the runtime crate: a path relative to the output folder (kept by
/// `cargo package`, which swaps it for the version).
pub struct Placement<'a> {
    pub runtime_path: &'a str,
}

impl Default for Placement<'_> {
    fn default() -> Self {
        Placement {
            runtime_path: "../runtime",
        }
    }
}

pub fn cargo_toml(api: &Api, header: &str, placement: &Placement<'_>) -> String {
    let name = &api.service.package;
    let version = &api.service.version;
    let description = toml_string(&format!(
        "{}: {} Typed models and an async client{}, generated from the API's tables.",
        api.service.title,
        api.service.description,
        if api.operations.is_empty() {
            ""
        } else {
            ", with a command-line program behind the `cli` feature"
        }
    ));
    let runtime_path = toml_string(placement.runtime_path);
    let repository = api
        .service
        .repository
        .as_deref()
        .map(|url| format!("repository = {}\n", toml_string(url)))
        .unwrap_or_default();
    let has_flags = api
        .types
        .iter()
        .any(|t| matches!(t.kind, crate::model::TypeKind::Flags(_)));
    let mut out = String::new();
    out.push_str(&header.replace("//", "#"));
    out.push_str(&format!(
        r#"[package]
name = "{name}"
version = "{version}"
edition = "2024"
rust-version = "{RUST_VERSION}"
license = "Apache-2.0"
description = {description}
{repository}documentation = "https://docs.rs/{name}"
readme = "README.md"
include = ["src/**", "schemas/**", "openapi.json", "openapi-3.0.json", "Cargo.toml", "README.md", "LICENSE"]

[lib]
path = "src/lib.rs"
"#
    ));
    if !api.operations.is_empty() {
        out.push_str(&format!(
            "\n[[bin]]\nname = \"{name}\"\npath = \"src/bin/{name}.rs\"\nrequired-features = [\"cli\"]\n"
        ));
    }
    out.push_str("\n[features]\ndefault = []\n");
    if !api.operations.is_empty() {
        out.push_str("# The program: clap, and the runtime's command-line plumbing.\ncli = [\"dep:clap\", \"modelarts-pools-runtime/cli\"]\n");
        out.push_str("# Server stubs: the `Service` trait and an axum router (axum comes through the runtime).\nserver = [\"modelarts-pools-runtime/server\"]\n");
        out.push_str("# Typed per-operation stubs for unit tests, reached in process by a client (no socket).\nstubs = [\"server\"]\n");
        out.push_str("# `tracing` spans per operation and attempt, events for retries, waits and credential refreshes.\ntracing = [\"modelarts-pools-runtime/tracing\"]\n");
    }
    out.push_str("# `schemars::JsonSchema` for every model type (the published schemas under schemas/ need nothing).\nschemars = [\"dep:schemars\", \"modelarts-pools-runtime/schemars\"]\n");
    out.push_str(&format!(
        "\n[dependencies]\nmodelarts-pools-runtime = {{ version = \"{RUNTIME_VERSION}\", path = {runtime_path} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n"
    ));
    if has_flags {
        out.push_str("bitflags = \"2\"\n");
    }
    if !api.operations.is_empty() {
        out.push_str("clap = { version = \"4\", features = [\"derive\"], optional = true }\n");
    }
    out.push_str("schemars = { version = \"1\", optional = true }\n");
    out
}

pub fn readme(api: &Api, header: &str) -> String {
    let krate = &api.service.crate_ident;
    let name = &api.service.package;
    let schemas: Vec<String> = schema::schema_documents(api)
        .into_iter()
        .map(|(file, _)| format!("`schemas/{file}`"))
        .collect();
    let grouped = grouped_by_resource(
        api,
        |m| format!("`models::{m}`"),
        ", every one also at `models::` directly",
    );
    let mut out = format!(
        "<!-- {} -->\n# {name}\n\n{}: {}\n\n",
        header.trim_start_matches("// ").trim_end(),
        api.service.title,
        api.service.description
    );
    out.push_str(&format!(
        "```toml\n[dependencies]\n{name} = \"0.1\"\n```\n\n- `{krate}::models`: one type per table of the source documents{grouped}; unknown members and enum values are kept.\n- `{krate}::Client`: one method per operation giving its call builder (`Client::from_env()?`, or `Client::builder()` … `.build()?`), then `.send().await?` on what an operation's method gives: the required parameters are the method's arguments, the optional ones setters; each call fails with its own error enum (`{{Operation}}Error`), the documented failures as variants.
- `{krate}::input`: one `{{Operation}}Input` per operation, its parameters and body together (what a builder holds and a server receives).\n- `{krate}::SCHEMAS`: the JSON Schema documents ({}).\n\nFeatures: `cli` builds the `{name}` program; `schemars` derives `schemars::JsonSchema` for the model types.\n",
        schemas.join(", ")
    ));
    let waiters: Vec<String> = api
        .waiters
        .iter()
        .map(|w| format!("`{}`", w.method))
        .collect();
    let paginated: Vec<String> = api
        .operations
        .iter()
        .filter(|op| op.pagination.is_some())
        .map(|op| format!("`{}`", op.name))
        .collect();
    if !waiters.is_empty() || !paginated.is_empty() {
        out.push('\n');
    }
    if !waiters.is_empty() {
        out.push_str(&format!(
            "Waiters poll until a resource reaches a state, with backoff, a time limit and progress: {}.\n",
            waiters.join(", ")
        ));
    }
    if !paginated.is_empty() {
        out.push_str(&format!(
            "Paginators: the call builders of {} have `into_items()` and `into_pages()`, `Stream`s that follow the continuation token.\n",
            paginated.join(", ")
        ));
    }
    if !api.operations.is_empty() {
        out.push_str(&format!(
            "\nThe program: `cargo install {name} --features cli`, then `{name} --help`; `--wait`, `--all`, `--output table`, `--dry-run`, `--debug`, `--strict` and `completions SHELL` are described there.\n"
        ));
    }
    out
}

/// `, grouped by resource (…){tail}` naming each module by `name`, or nothing without modules.
fn grouped_by_resource(api: &Api, name: impl Fn(&str) -> String, tail: &str) -> String {
    if api.modules.is_empty() {
        return String::new();
    }
    let list: Vec<String> = api.modules.iter().map(|m| name(&m.name)).collect();
    format!(", grouped by resource ({}){tail}", list.join(", "))
}

pub fn lib_rs(api: &Api) -> TokenStream {
    let krate = &api.service.crate_ident;
    let grouped = grouped_by_resource(
        api,
        |m| format!("[`{m}`](models::{m})"),
        " and all re-exported in `models`",
    );
    let docs = inner_doc_lines([
        format!("{}: {}", prose(&api.service.title), prose(&api.service.description)).as_str(),
        "Generated from the spec by the generator; nothing here is edited by hand.",
        format!("- [`models`]: one type per table of the source documents{grouped}.\n- [`Client`]: one method per operation, giving a call builder: the required parameters are its arguments, the optional ones setters, then `.send().await`; plumbing lives in [`runtime`].\n- [`SCHEMAS`]: the published JSON Schema documents, one per request and response body.\n- [`OPENAPI`], [`OPENAPI_3_0`]: the API as OpenAPI 3.1 and 3.0.3 documents.").as_str(),
        format!("```no_run\nasync fn demo() -> Result<(), {krate}::Error> {{\n    let client = {krate}::Client::from_env()?;\n    let _ = client;\n    Ok(())\n}}\n```").as_str(),
    ]);
    let schemas = schema::schema_documents(api).into_iter().map(|(file, _)| {
        let path = format!("../schemas/{file}");
        quote!((#file, include_str!(#path)))
    });
    let error_enums = api.operations.iter().map(|op| ident(&op.error_enum));
    let cli = if api.operations.is_empty() {
        quote!()
    } else {
        quote! {
            #[cfg(feature = "cli")]
            pub mod cli;
            #[cfg(feature = "server")]
            pub mod server;
            #[cfg(feature = "stubs")]
            pub mod stubs;
            pub mod input;
        }
    };
    quote! {
        #docs
        #![forbid(unsafe_code)]

        #cli
        pub mod client;
        pub mod models;

        pub use client::{Client, #(#error_enums),*};
        pub use modelarts_pools_runtime as runtime;
        pub use modelarts_pools_runtime::{ApiError, Credentials, Error, Response, RetryPolicy, ValidationError};

        /// Configures a [`Client`]: `Client::builder()…build()?` (the runtime's builder, giving this
        /// crate's client).
        pub type ClientBuilder = modelarts_pools_runtime::ClientBuilder<Client>;

        /// The published JSON Schema documents: `(file name, contents)`, as under `schemas/`.
        pub const SCHEMAS: &[(&str, &str)] = &[#(#schemas),*];

        /// The OpenAPI 3.1 document of the API (`openapi.json`): the published schemas as its
        /// components, the AK/SK security scheme, the examples and the documented errors.
        pub const OPENAPI: &str = include_str!("../openapi.json");

        /// The same API as OpenAPI 3.0.3 (`openapi-3.0.json`), for tools that do not read 3.1.
        pub const OPENAPI_3_0: &str = include_str!("../openapi-3.0.json");
    }
}
