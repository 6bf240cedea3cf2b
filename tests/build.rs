//! Renders every fixture spec in `fixtures/` (models, inputs, client, program, server stubs and
//! typed stubs) into one file that
//! `src/lib.rs` compiles under `#![deny(warnings)]`, so fixture output is proven to compile, not
//! only to match its snapshot. Each fixture is a module: `fixtures::<file stem>::{models, client,
//! cli}`, laid out as in a generated crate (`client` and `cli` refer to `super::models`).

use std::fmt::Write as _;
use std::path::PathBuf;

/// The generated files compiled as modules; `lib.rs` (which embeds the schema files) is not.
const MODULES: &[(&str, &str)] = &[
    ("models", "src/models.rs"),
    ("input", "src/input.rs"),
    ("client", "src/client.rs"),
    ("cli", "src/cli.rs"),
    ("server", "src/server.rs"),
    ("stubs", "src/stubs.rs"),
];

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let fixtures = manifest.join("fixtures");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let mut names: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut out = String::new();
    for path in names {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("fixture names are UTF-8")
            .to_owned();
        let text = std::fs::read_to_string(&path).expect("fixture is readable");
        let file = format!("{stem}.json");
        let files = codegen::generate_from_str(&file, &text)
            .unwrap_or_else(|e| panic!("fixture {file} is a valid spec:\n{e}"));
        // The whole crate is written out, so that the program finds the body schemas it embeds
        // (`../schemas/*.json`) as in a generated crate; the modules are compiled from there.
        let crate_dir = out_dir.join("fixtures").join(&stem);
        for (relative, contents) in &files {
            let target = crate_dir.join(relative);
            std::fs::create_dir_all(target.parent().expect("a file has a folder"))
                .expect("OUT_DIR is writable");
            std::fs::write(&target, contents).expect("OUT_DIR is writable");
        }
        writeln!(out, "pub mod {stem} {{").expect("writing to a String");
        for (module, file) in MODULES {
            if files.contains_key(*file) {
                let path = crate_dir.join(file);
                writeln!(
                    out,
                    "#[path = {:?}]\npub mod {module};",
                    path.display().to_string()
                )
                .expect("writing to a String");
            }
        }
        writeln!(out, "}}").expect("writing to a String");
    }
    std::fs::write(out_dir.join("fixtures.rs"), out).expect("OUT_DIR is writable");
    std::fs::write(out_dir.join("body_types.rs"), body_types(&manifest))
        .expect("OUT_DIR is writable");
}

/// `round_trip(type name, JSON text)` over every request and response body type of the real
/// spec, so tests can put each operation's own examples through the generated crate's types.
fn body_types(manifest: &std::path::Path) -> String {
    let spec = manifest.join("../spec/modelarts-pools.json");
    println!("cargo:rerun-if-changed={}", spec.display());
    let text = std::fs::read_to_string(&spec).expect("the spec is readable");
    let api = codegen::load_api("modelarts-pools.json", &text)
        .unwrap_or_else(|e| panic!("the spec resolves:\n{e}"));
    let mut names = std::collections::BTreeSet::new();
    for op in &api.operations {
        if let Some(body) = &op.request_body {
            names.insert(api.ty(body.ty).name.clone());
        }
        for response in std::iter::once(&op.success).chain(op.errors.iter().map(|e| &e.response)) {
            if let Some(body) = response.body {
                names.insert(api.ty(body).name.clone());
            }
        }
    }
    let mut out = String::from(
        "/// Decodes `text` as the generated body type `type_name` and encodes it back; `None` for\n\
         /// a name that is not a body type of the spec.\n\
         pub fn round_trip(type_name: &str, text: &str) -> Option<Result<String, String>> {\n\
         \x20   fn through<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> Result<String, String> {\n\
         \x20       let typed: T = serde_json::from_str(text).map_err(|e| format!(\"decode: {e}\"))?;\n\
         \x20       serde_json::to_string(&typed).map_err(|e| format!(\"encode: {e}\"))\n\
         \x20   }\n\
         \x20   Some(match type_name {\n",
    );
    for name in names {
        writeln!(
            out,
            "        {name:?} => through::<modelarts_pools::models::{name}>(text),"
        )
        .expect("writing to a String");
    }
    out.push_str("        _ => return None,\n    })\n}\n");
    out
}
