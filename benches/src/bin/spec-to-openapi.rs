//! Writes the published OpenAPI 3.0.3 document of the spec (scaled `--factor` times; merge-patch
//! bodies offered as JSON for cargo-progenitor) to standard output, or to `--out FILE`, so other
//! generators are measured on the same API.
//!
//! ```sh
//! cargo run -p modelarts-pools-benches --bin spec-to-openapi -- --factor 10 > openapi-10.json
//! cargo run -p modelarts-pools-benches --bin spec-to-openapi -- --spec FILE --out openapi.json
//! ```
//!
//! `--spec` reads another spec instead of `spec/modelarts-pools.json`; `--factor N` (default 1)
//! scales it first with `modelarts_pools_benches::scale_spec`. See `modelarts_pools_benches::openapi`.

use std::process::ExitCode;

use modelarts_pools_benches::openapi::spec_to_openapi;
use modelarts_pools_benches::{real_spec_text, scale_spec};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("usage: spec-to-openapi [--spec FILE] [--factor N] [--out FILE]");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let args = modelarts_pools_benches::SpecArgs::parse(std::env::args().skip(1))?;
    let text = match &args.spec {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?,
        None => real_spec_text().map_err(|e| format!("cannot read the spec: {e}"))?,
    };
    let spec: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("the spec is not JSON: {e}"))?;
    let doc = spec_to_openapi(&scale_spec(&spec, args.factor))?;
    let mut out = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    out.push('\n');
    args.write(&out)
}
