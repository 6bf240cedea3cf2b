//! Writes the spec scaled `--factor` times (`modelarts_pools_benches::scale_spec`, as the
//! `regenerate` benchmark and `regen-memory` build it) to standard output, or to `--out FILE`, for
//! timing the generator as a whole program.
//!
//! ```sh
//! cargo run -p modelarts-pools-benches --bin scaled-spec -- --factor 100 --out spec-100.json
//! ```
//!
//! `--spec` reads another spec instead of `spec/modelarts-pools.json`. Factor 1 writes the spec's
//! text unchanged.

use std::process::ExitCode;

use modelarts_pools_benches::{real_spec_text, scale_spec};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("usage: scaled-spec [--spec FILE] [--factor N] [--out FILE]");
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
    if args.factor <= 1 {
        return args.write(&text);
    }
    let spec: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("the spec is not JSON: {e}"))?;
    let mut out =
        serde_json::to_string_pretty(&scale_spec(&spec, args.factor)).map_err(|e| e.to_string())?;
    out.push('\n');
    args.write(&out)
}
