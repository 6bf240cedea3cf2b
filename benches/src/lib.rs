//! Inputs shared by the benchmarks of the `modelarts-pools` workspace.
//!
//! - [`scale_spec`]: a synthetic spec `factor` times the size of the real one, for measuring how
//!   regeneration grows.
//! - [`large_delete_response`]: a large response body for the codec benchmarks (the seed's own
//!   examples come from `modelarts-pools-test-support`'s seed fixtures).
//! - [`peak_rss_kib`]: the process's peak resident memory, for `regen-memory`.
//! - [`openapi::spec_to_openapi`]: the published OpenAPI 3.0.3 document of a spec, for measuring other
//!   generators on the same API (`vs-progenitor.sh`).
//!
//! The benchmarks themselves are under `benches/`; `README.md` says how to run them and what they
//! measured.

use std::path::PathBuf;

#[cfg(feature = "codegen")]
pub mod openapi;

use serde_json::{Value, json};

/// The file label regeneration reports in messages and "generated from" headers.
pub const SPEC_FILE_NAME: &str = "modelarts-pools.json";

/// Path of the real spec, `spec/modelarts-pools.json` at the root of the workspace.
pub fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("spec")
        .join(SPEC_FILE_NAME)
}

/// Reads the real spec's text.
pub fn real_spec_text() -> std::io::Result<String> {
    std::fs::read_to_string(spec_path())
}

/// Reads and parses the real spec as JSON.
pub fn real_spec() -> Result<Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&real_spec_text()?)?)
}

/// A spec `factor` times the size of `real`: the real types and operations unchanged, followed by
/// `factor - 1` copies of every type and every operation, copy `n` (1-based) with distinct names.
///
/// In copy `n`:
/// - every type name gets the suffix `n` (`PoolNodeAz` → `PoolNodeAz7`), and so does every
///   reference to a declared type: field and parameter `type` expressions, including inside
///   `array<…>` (`array<PoolNodeAz>` → `array<PoolNodeAz7>`), request body types and response
///   bodies;
/// - every operation name gets `_n` (`create_pool` → `create_pool_7`), and so does the last
///   literal segment of its path (`/v2/{project_id}/pools/{pool_name}` →
///   `/v2/{project_id}/pools_7/{pool_name}`);
/// - everything else (descriptions, rules, examples) is copied as is.
///
/// `factor` 0 and 1 both give `real` unchanged. A `real` that is not shaped like a spec (no
/// `types` or `operations` list) is returned unchanged too.
pub fn scale_spec(real: &Value, factor: usize) -> Value {
    let mut out = real.clone();
    let (Some(types), Some(operations)) = (
        real.get("types").and_then(Value::as_array),
        real.get("operations").and_then(Value::as_array),
    ) else {
        return out;
    };
    let declared: Vec<&str> = types
        .iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str))
        .collect();
    let mut all_types = types.clone();
    let mut all_operations = operations.clone();
    for n in 1..factor {
        for ty in types {
            all_types.push(copy_type(ty, n, &declared));
        }
        for op in operations {
            all_operations.push(copy_operation(op, n, &declared));
        }
    }
    out["types"] = Value::Array(all_types);
    out["operations"] = Value::Array(all_operations);
    out
}

/// [`scale_spec`] of the real spec, as the text regeneration reads.
pub fn scaled_spec_text(factor: usize) -> Result<String, Box<dyn std::error::Error>> {
    if factor <= 1 {
        return Ok(real_spec_text()?);
    }
    Ok(serde_json::to_string_pretty(&scale_spec(
        &real_spec()?,
        factor,
    ))?)
}

/// Renames a type expression's references to declared types: `T` → `Tn`, `array<T>` →
/// `array<Tn>`, `map<T>` → `map<Tn>`; builtin types (`string`, `integer`, …) stay.
fn rename_type_expr(expr: &str, n: usize, declared: &[&str]) -> String {
    for wrapper in ["array", "map"] {
        if let Some(inner) = expr
            .strip_prefix(wrapper)
            .and_then(|rest| rest.strip_prefix('<'))
            .and_then(|rest| rest.strip_suffix('>'))
        {
            return format!("{wrapper}<{}>", rename_type_expr(inner, n, declared));
        }
    }
    if declared.contains(&expr) {
        format!("{expr}{n}")
    } else {
        expr.to_string()
    }
}

fn rename_in_place(value: &mut Value, key: &str, n: usize, declared: &[&str]) {
    if let Some(Value::String(text)) = value.get_mut(key) {
        *text = rename_type_expr(text, n, declared);
    }
}

fn copy_type(ty: &Value, n: usize, declared: &[&str]) -> Value {
    let mut ty = ty.clone();
    if let Some(Value::String(name)) = ty.get_mut("name") {
        name.push_str(&n.to_string());
    }
    if let Some(Value::Array(fields)) = ty.get_mut("fields") {
        for field in fields {
            rename_in_place(field, "type", n, declared);
        }
    }
    ty
}

fn copy_operation(op: &Value, n: usize, declared: &[&str]) -> Value {
    let mut op = op.clone();
    if let Some(Value::String(name)) = op.get_mut("name") {
        name.push_str(&format!("_{n}"));
    }
    if let Some(Value::String(id)) = op.get_mut("operation_id") {
        id.push_str(&n.to_string());
    }
    if let Some(Value::String(path)) = op.get_mut("path") {
        *path = suffix_last_literal_segment(path, n);
    }
    for list in ["path_params", "query_params", "header_params"] {
        if let Some(Value::Array(params)) = op.get_mut(list) {
            for param in params {
                rename_in_place(param, "type", n, declared);
            }
        }
    }
    if let Some(body) = op.get_mut("request_body").filter(|b| b.is_object()) {
        rename_in_place(body, "type", n, declared);
    }
    if let Some(Value::Array(responses)) = op.get_mut("responses") {
        for response in responses {
            rename_in_place(response, "body", n, declared);
        }
    }
    op
}

/// `/v2/{project_id}/pools/{pool_name}` → `/v2/{project_id}/pools_7/{pool_name}`.
fn suffix_last_literal_segment(path: &str, n: usize) -> String {
    let mut segments: Vec<String> = path.split('/').map(str::to_string).collect();
    if let Some(last) = segments
        .iter_mut()
        .rev()
        .find(|s| !s.is_empty() && !s.starts_with('{'))
    {
        last.push_str(&format!("_{n}"));
    }
    segments.join("/")
}

/// A large `DeletePoolResponse` body: `example` (the seed's delete response,
/// `modelarts_pools_test_support::seed::response("delete_pool", 200)`) with
/// `status.resources.available` replaced by `flavors` flavors of `azs` availability zones each,
/// and `spec.resources` by `resources` resources (each with `extendParams` and `os`).
pub fn large_delete_response(
    example: &Value,
    flavors: usize,
    azs: usize,
    resources: usize,
) -> Value {
    let mut body = example.clone();
    let available: Vec<Value> = (0..flavors)
        .map(|i| {
            let zones: Vec<Value> = (0..azs)
                .map(|z| json!({ "az": format!("cn-north-7{}", char::from(b'a' + (z % 26) as u8)), "count": 1 + (i + z) % 8 }))
                .collect();
            json!({
                "flavor": format!("modelarts.vm.gpu.flavor{i:04}"),
                "count": 3 * (1 + i % 8),
                "maxCount": 4 * (1 + i % 8),
                "azs": zones,
                "nodePool": format!("nodepool-{i:04}"),
            })
        })
        .collect();
    let spec_resources: Vec<Value> = (0..resources)
        .map(|i| {
            json!({
                "flavor": format!("modelarts.vm.cpu.flavor{i:04}"),
                "count": 1 + i % 16,
                "extendParams": { "dockerBaseSize": "100" },
                "os": { "name": "EulerOS 2.9", "imageId": format!("image-{i:04}"), "imageType": "private" },
            })
        })
        .collect();
    body["status"]["resources"]["available"] = Value::Array(available);
    body["spec"]["resources"] = Value::Array(spec_resources);
    body
}

/// The peak resident set size of this process in KiB (`VmHWM` in `/proc/self/status`), or `None`
/// where that file does not exist (not Linux).
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Command-line options of the `scaled-spec` and `spec-to-openapi` programs:
/// `[--spec FILE] [--factor N] [--out FILE]`.
#[derive(Debug, Default, PartialEq)]
pub struct SpecArgs {
    /// The spec to read; `None` is `spec/modelarts-pools.json`.
    pub spec: Option<PathBuf>,
    /// How many times to scale it ([`scale_spec`]); 1 when not given.
    pub factor: usize,
    /// Where to write; `None` is standard output.
    pub out: Option<PathBuf>,
}

impl SpecArgs {
    /// Parses the options (without the program name).
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<SpecArgs, String> {
        let mut parsed = SpecArgs {
            factor: 1,
            ..SpecArgs::default()
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (key, inline) = match arg.split_once('=') {
                Some((key, value)) => (key.to_owned(), Some(value.to_owned())),
                None => (arg, None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{key} needs a value"))
            };
            match key.as_str() {
                "--spec" => parsed.spec = Some(PathBuf::from(value()?)),
                "--out" => parsed.out = Some(PathBuf::from(value()?)),
                "--factor" => {
                    let text = value()?;
                    parsed.factor = text.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                        format!("--factor takes a whole number from 1, not {text:?}")
                    })?;
                }
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(parsed)
    }

    /// Writes `text` to `--out`, or to standard output.
    pub fn write(&self, text: &str) -> Result<(), String> {
        use std::io::Write;
        match &self.out {
            Some(path) => std::fs::write(path, text)
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
            None => std::io::stdout()
                .lock()
                .write_all(text.as_bytes())
                .map_err(|e| format!("cannot write to standard output: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_args_parse() {
        let args = |list: &[&str]| SpecArgs::parse(list.iter().map(|s| s.to_string()));
        assert_eq!(
            args(&[]).unwrap(),
            SpecArgs {
                spec: None,
                factor: 1,
                out: None
            }
        );
        assert_eq!(
            args(&["--factor", "10", "--out=o.json", "--spec", "s.json"]).unwrap(),
            SpecArgs {
                spec: Some(PathBuf::from("s.json")),
                factor: 10,
                out: Some(PathBuf::from("o.json")),
            }
        );
        assert!(args(&["--factor", "0"]).is_err());
        assert!(args(&["--factor"]).is_err());
        assert!(args(&["--bogus"]).is_err());
    }

    fn names(spec: &Value, list: &str) -> Vec<String> {
        spec[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn factor_one_is_the_real_spec() {
        let real = real_spec().unwrap();
        assert_eq!(scale_spec(&real, 1), real);
        assert_eq!(scale_spec(&real, 0), real);
    }

    #[test]
    fn copies_have_distinct_names_and_renamed_references() {
        let real = real_spec().unwrap();
        let scaled = scale_spec(&real, 3);
        let types = names(&scaled, "types");
        let ops = names(&scaled, "operations");
        assert_eq!(types.len(), 3 * names(&real, "types").len());
        assert_eq!(ops.len(), 3 * names(&real, "operations").len());
        let mut unique = types.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), types.len(), "type names must stay unique");
        assert!(types.contains(&"PoolNodeAz2".to_string()));
        assert!(ops.contains(&"create_pool_2".to_string()));

        let op = scaled["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "delete_pool_2")
            .unwrap();
        assert_eq!(op["path"], "/v2/{project_id}/pools_2/{pool_name}");
        assert_eq!(op["responses"][0]["body"], "DeletePoolResponse2");
        let create = scaled["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == "create_pool_1")
            .unwrap();
        assert_eq!(create["path"], "/v2/{project_id}/pools_1");
        assert_eq!(create["request_body"]["type"], "CreatePoolRequest1");

        let flavor_count = scaled["types"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "PoolResourceFlavorCount2")
            .unwrap();
        let azs = flavor_count["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "azs")
            .unwrap();
        assert_eq!(azs["type"], "array<PoolNodeAz2>");
        let count = flavor_count["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "count")
            .unwrap();
        assert_eq!(count["type"], "integer");
    }

    #[test]
    fn type_expressions_rename_only_declared_types() {
        let declared = ["PoolNodeAz", "PoolScope"];
        assert_eq!(
            rename_type_expr("array<PoolNodeAz>", 4, &declared),
            "array<PoolNodeAz4>"
        );
        assert_eq!(rename_type_expr("PoolScope", 12, &declared), "PoolScope12");
        assert_eq!(
            rename_type_expr("array<string>", 4, &declared),
            "array<string>"
        );
        assert_eq!(rename_type_expr("json", 4, &declared), "json");
        assert_eq!(
            rename_type_expr("map<array<PoolScope>>", 3, &declared),
            "map<array<PoolScope3>>"
        );
    }

    #[cfg(feature = "codegen")]
    fn assert_generates(factor: usize) {
        let text = scaled_spec_text(factor).unwrap();
        let files = codegen::generate_from_str(SPEC_FILE_NAME, &text)
            .unwrap_or_else(|d| panic!("{factor}x spec refused: {d:?}"));
        let models = &files["src/models.rs"];
        if factor > 1 {
            let last = factor - 1;
            assert!(models.contains(&format!("pub struct PoolNodeAz{last} ")));
            assert!(files["src/client.rs"].contains(&format!("pub fn create_pool_{last}(")));
            assert!(files.contains_key(&format!("schemas/DeletePoolResponse{last}.json")));
        }
    }

    #[test]
    #[cfg(feature = "codegen")]
    fn scaled_specs_pass_the_generator() {
        for factor in [1, 2, 10] {
            assert_generates(factor);
        }
    }

    #[test]
    #[cfg(feature = "codegen")]
    #[ignore = "slow in debug builds; run with --release -- --ignored"]
    fn large_scaled_spec_passes_the_generator() {
        // 1000x needs about 9 GiB and a minute; `regen-memory --all` and the regenerate
        // benchmark generate it (and fail loudly if it is refused).
        assert_generates(100);
    }

    #[test]
    fn large_response_has_the_requested_shape_and_decodes() {
        let example = modelarts_pools_test_support::seed::response("delete_pool", 200);
        assert_eq!(example["status"]["phase"], "Running");
        let large = large_delete_response(&example, 1000, 3, 1000);
        let available = large["status"]["resources"]["available"]
            .as_array()
            .unwrap();
        assert_eq!(available.len(), 1000);
        assert!(
            available
                .iter()
                .all(|f| f["azs"].as_array().unwrap().len() == 3)
        );
        assert_eq!(large["spec"]["resources"].as_array().unwrap().len(), 1000);

        // Every member is one the generated types know: the codec benchmarks measure the typed
        // path, not the unknown-field one, and the round trip is exact.
        let bytes = serde_json::to_vec(&large).unwrap();
        let typed: modelarts_pools::models::DeletePoolResponse =
            serde_json::from_slice(&bytes).unwrap();
        assert!(typed.unknown_fields.is_empty());
        let status = typed.status.as_ref().unwrap();
        let first = &status
            .resources
            .as_ref()
            .unwrap()
            .available
            .as_ref()
            .unwrap()[0];
        assert!(first.unknown_fields.is_empty());
        assert_eq!(serde_json::to_value(&typed).unwrap(), large);
    }

    #[test]
    fn peak_memory_is_readable_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_kib().unwrap() > 0);
        }
    }
}
