//! `cargo run -p codegen [-- --spec FILE --out DIR --check]`

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Regenerates the modelarts-pools crate and its JSON Schemas from the spec.
#[derive(Parser)]
#[command(name = "codegen", version)]
struct Args {
    /// The spec to read [default: spec/modelarts-pools.json in this workspace]
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// The folder to write, replaced as a whole [default: generated/ in this workspace]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 naming each file that is out of date, missing or stray.
    #[arg(long)]
    check: bool,
}

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let spec = args
        .spec
        .unwrap_or_else(|| workspace_root().join("spec/modelarts-pools.json"));
    let out = args
        .out
        .unwrap_or_else(|| workspace_root().join("generated"));

    let files = match codegen::generate(&spec) {
        Ok(files) => files,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!("nothing was written; {} is unchanged", out.display());
            return ExitCode::FAILURE;
        }
    };
    if args.check {
        return match codegen::output::drift(&out, &files) {
            Ok(drifts) if drifts.is_empty() => {
                eprintln!("{} is up to date with {}", out.display(), spec.display());
                ExitCode::SUCCESS
            }
            Ok(drifts) => {
                for drift in &drifts {
                    eprintln!("{}: {drift}", out.display());
                }
                eprintln!(
                    "{} file(s) differ from what {} produces; run `cargo run -p codegen`",
                    drifts.len(),
                    spec.display()
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", out.display());
                ExitCode::FAILURE
            }
        };
    }
    match codegen::output::write_all(&out, &files) {
        Ok(changes) if changes.is_empty() => {
            eprintln!(
                "{} is already up to date ({} files)",
                out.display(),
                files.len()
            );
            ExitCode::SUCCESS
        }
        Ok(changes) => {
            for change in &changes {
                eprintln!("{change}");
            }
            eprintln!(
                "wrote {} ({} files, {} changed)",
                out.display(),
                files.len(),
                changes.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "error: cannot write {}: {e}; it was left as it was",
                out.display()
            );
            ExitCode::FAILURE
        }
    }
}
