//! `cargo run -p codegen [-- --spec FILE --out DIR --check --force --verbose]`
//! `cargo run -p codegen -- import [--spec FILE] [--check] [FILE|DIR]...`
//!
//! With no subcommand, `codegen` generates; further subcommands go in [`Command`].

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use codegen::output::{self, Drift, ManifestStatus, Status};

// Regeneration allocates millions of small token trees: with mimalloc it takes about a quarter
// less time than with the system allocator (benches/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Regenerates the modelarts-pools crate and its JSON Schemas from the spec.
///
/// codegen lists the files it writes in DIR/.codegen-manifest (sorted paths, one per line) and
/// only ever replaces or deletes those. It refuses to write, changing nothing, while DIR holds
/// anything else: an entry the manifest does not list, or, without a manifest, any entry at all.
/// A missing or empty DIR is simply written. Writing is all or nothing, and an unchanged spec
/// rewrites nothing.
#[derive(Parser)]
#[command(name = "codegen", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    generate: GenerateArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the crate from the spec (what `codegen` does with no subcommand)
    Generate(GenerateArgs),
    /// Update the spec from Huawei's API definitions, and say what changed
    Import(ImportArgs),
}

/// Rewrites the spec's operations, parameters and types from the API Explorer definitions.
///
/// The seeds stay the authority for the rows they have; rows a person decided (a decision that
/// does not start with "[import]") are kept, and a definition that now says otherwise is
/// reported. Importing unchanged definitions changes nothing. The spec is written only if the
/// result resolves, and all at once.
#[derive(Args)]
struct ImportArgs {
    /// The definitions: .json files or folders of them, the whole set to import (an operation
    /// the importer added whose file is not among them is removed) [default:
    /// spec/sources/api-definitions/ModelArts in this workspace]
    #[arg(value_name = "FILE|DIR")]
    inputs: Vec<PathBuf>,
    /// The spec to update [default: spec/modelarts-pools.json in this workspace]
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// The seed documents the spec's seed rows must still be rows of [default:
    /// spec/sources/seeds in this workspace]
    #[arg(long, value_name = "DIR")]
    seeds: Option<PathBuf>,
    /// Write nothing; exit 1 listing what the import would change, any row a person's decision
    /// keeps against the definitions, and any seed row its document no longer has
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct GenerateArgs {
    /// The spec to read [default: spec/modelarts-pools.json in this workspace]
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// The folder to write [default: generated/ in this workspace]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 listing how DIR differs from what the spec produces: files out of
    /// date, missing or no longer produced, entries codegen did not write (foreign), and a
    /// missing or out-of-date manifest (the first 20 unless --verbose)
    #[arg(long, conflicts_with = "force")]
    check: bool,
    /// Take DIR over even though it holds entries codegen did not write (no .codegen-manifest,
    /// or not listed in it): DIR becomes exactly the generated files and a new manifest, and
    /// everything else in it (files, folders, symbolic links, hidden entries such as .git) is
    /// deleted. The summary names what was deleted.
    #[arg(long)]
    force: bool,
    /// List every file added, changed or removed (and with --check, every difference)
    #[arg(long, short)]
    verbose: bool,
}

/// Said when a folder without a manifest is refused or checked.
const OLDER_CODEGEN: &str = " If an older codegen, which kept no manifest, wrote it, run once \
with --force.";

/// How many differences `--check` lists without `--verbose`.
const CHECK_LISTED: usize = 20;
/// How many deleted foreign entries the `--force` summary names without `--verbose`.
const FORCE_NAMED: usize = 5;

fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => generate(cli.generate),
        Some(Command::Generate(args)) => generate(args),
        Some(Command::Import(args)) => import(args),
    }
}

fn import(args: ImportArgs) -> ExitCode {
    let spec = args
        .spec
        .unwrap_or_else(|| workspace_root().join("spec/modelarts-pools.json"));
    let inputs = if args.inputs.is_empty() {
        codegen::import::default_inputs(&workspace_root())
    } else {
        args.inputs
    };
    let seeds = args
        .seeds
        .unwrap_or_else(|| codegen::import::default_seeds(&workspace_root()));
    let display = spec.display().to_string();
    let outcome = codegen::spec::read(&spec)
        .map_err(codegen::import::Error::Spec)
        .and_then(|text| {
            let files = codegen::import::read_definitions(&inputs)
                .map_err(codegen::import::Error::Definitions)?;
            let seeds = codegen::import::seeds::read_seeds(&seeds)
                .map_err(codegen::import::Error::Definitions)?;
            Ok((
                codegen::import::import(&display, &text, &files, &seeds)?,
                text,
            ))
        });
    let (outcome, _) = match outcome {
        Ok(found) => found,
        Err(e) => {
            eprintln!("{e}");
            eprintln!("nothing was written; {display} is unchanged");
            return ExitCode::FAILURE;
        }
    };
    for line in &outcome.changes {
        println!("{line}");
    }
    for line in &outcome.contradictions {
        println!("kept by decision: {line}");
    }
    for line in &outcome.seed_mismatches {
        println!("not in the seeds: {line}");
    }
    for line in &outcome.warnings {
        eprintln!("warning: example not accepted: {line}");
    }
    let definitions = plural(outcome.definitions, "definition", "definitions");
    let changes = plural(outcome.changes.len(), "change", "changes");
    let mut review = String::new();
    if !outcome.contradictions.is_empty() {
        review.push_str(&format!(
            "; {} a person's decision keeps against the definitions: review and update the row (its source_type or required) or its decision",
            plural(outcome.contradictions.len(), "row", "rows")
        ));
    }
    if !outcome.seed_mismatches.is_empty() {
        review.push_str(&format!(
            "; {} the seed documents do not have as written: the importer never changes seed rows, so re-encode them from the documents by hand",
            plural(outcome.seed_mismatches.len(), "seed row", "seed rows")
        ));
    }
    let clean = outcome.contradictions.is_empty() && outcome.seed_mismatches.is_empty();
    if args.check {
        if !outcome.changed && clean {
            eprintln!("{display} is in step with {definitions} and the seed documents");
            return ExitCode::SUCCESS;
        }
        if outcome.changed {
            eprintln!(
                "{display} is not in step with {definitions} ({changes}{}){review}; run `cargo run -p codegen -- import` and review the result",
                if outcome.changes.is_empty() {
                    ", layout only"
                } else {
                    ""
                }
            );
        } else {
            eprintln!("{display} is in step with {definitions}{review}");
        }
        if !outcome.changes.is_empty() {
            println!("{}", outcome.verdict);
        }
        return ExitCode::FAILURE;
    }
    if !outcome.changed {
        eprintln!("{display} is up to date with {definitions}{review}");
        return ExitCode::SUCCESS;
    }
    if let Err(e) = codegen::import::write_atomically(&spec, &outcome.text) {
        eprintln!("error: cannot write {display}: {e}; it was left as it was");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "wrote {display} from {definitions} ({changes}){review}; next: `cargo run -p codegen` to regenerate, then review both diffs"
    );
    if !outcome.changes.is_empty() {
        println!("{}", outcome.verdict);
    }
    ExitCode::SUCCESS
}

fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// `a, b, c and 2 more`.
fn named(paths: &[String], limit: usize) -> String {
    let mut text = paths
        .iter()
        .take(limit)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > limit {
        text.push_str(&format!(" and {} more", paths.len() - limit));
    }
    text
}

fn generate(args: GenerateArgs) -> ExitCode {
    let spec = args
        .spec
        .unwrap_or_else(|| workspace_root().join("spec/modelarts-pools.json"));
    let out = args
        .out
        .unwrap_or_else(|| workspace_root().join("generated"));

    let files = match codegen::generate_for(&spec, &out) {
        Ok(files) => files,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            eprintln!("nothing was written; {} is unchanged", out.display());
            return ExitCode::FAILURE;
        }
    };
    if args.check {
        return check(&spec, &out, &files, args.verbose);
    }
    match output::write(&out, &files, args.force) {
        Ok(written) => {
            report_written(&out, &written, args.verbose);
            ExitCode::SUCCESS
        }
        Err(output::Error::Refused(refusal)) => {
            eprintln!("error: {refusal}");
            eprintln!(
                "nothing was changed. Move those entries out of {dir}, choose another --out \
                 folder, or pass --force to take {dir} over (deleting everything in it that \
                 codegen did not write).{}",
                if refusal.manifest == ManifestStatus::Missing {
                    OLDER_CODEGEN
                } else {
                    ""
                },
                dir = output::folder_name(&out)
            );
            ExitCode::FAILURE
        }
        Err(e @ output::Error::NotAFolder { .. }) => {
            eprintln!("error: {e}; nothing was written");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!(
                "error: cannot write {}: {e}; it was left as it was",
                output::folder_name(&out)
            );
            ExitCode::FAILURE
        }
    }
}

fn report_written(out: &Path, written: &output::Written, verbose: bool) {
    let status = &written.status;
    let dir = output::folder_name(out);
    if !written.wrote {
        eprintln!(
            "{dir} is up to date ({})",
            plural(status.files, "file", "files")
        );
        return;
    }
    if verbose {
        let lines = (status.changed.iter().map(|p| ("changed", p)))
            .chain(status.added.iter().map(|p| ("added", p)))
            .chain(status.blocked.iter().map(|p| ("added", p)))
            .chain(status.removed.iter().map(|p| ("removed", p)))
            .chain(status.foreign.iter().map(|p| ("deleted (--force)", p)));
        let mut lines: Vec<_> = lines.collect();
        lines.sort_by(|a, b| a.1.cmp(b.1));
        for (what, path) in lines {
            eprintln!("  {what}: {path}");
        }
    }
    let mut summary = format!(
        "wrote {dir} ({}: {} changed, {} added, {} removed",
        plural(status.files, "file", "files"),
        status.changed.len(),
        status.added.len() + status.blocked.len(),
        status.removed.len(),
    );
    let files_changed = !(status.changed.is_empty()
        && status.added.is_empty()
        && status.blocked.is_empty()
        && status.removed.is_empty());
    if !files_changed && status.manifest != ManifestStatus::Current {
        summary.push_str(", manifest written");
    }
    summary.push(')');
    if !status.foreign.is_empty() {
        summary.push_str(&format!(
            "; --force deleted {} codegen did not write: {}",
            plural(status.foreign.len(), "entry", "entries"),
            named(
                &status.foreign,
                if verbose { usize::MAX } else { FORCE_NAMED }
            ),
        ));
    }
    eprintln!("{summary}");
    if let Some(kept) = &written.kept {
        eprintln!(
            "warning: the previous contents of {dir} were not all deleted (something codegen did \
             not write appeared while it was writing, or could not be deleted); they are kept in \
             {}",
            output::folder_name(kept)
        );
    }
}

fn check(spec: &Path, out: &Path, files: &codegen::Files, verbose: bool) -> ExitCode {
    let dir = output::folder_name(out);
    let status = match output::inspect(out, files) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("error: cannot check {dir}: {e}");
            return ExitCode::FAILURE;
        }
    };
    if status.is_up_to_date() {
        eprintln!(
            "{dir} is up to date with {} ({})",
            spec.display(),
            plural(status.files, "file", "files")
        );
        return ExitCode::SUCCESS;
    }
    let drifts = status.drifts();
    let limit = if verbose { usize::MAX } else { CHECK_LISTED };
    for drift in drifts.iter().take(limit) {
        eprintln!("  {drift}");
    }
    if drifts.len() > limit {
        eprintln!("  and {} more", drifts.len() - limit);
    }
    eprintln!("{}", check_summary(&dir, spec, &status, &drifts));
    ExitCode::FAILURE
}

fn check_summary(dir: &str, spec: &Path, status: &Status, drifts: &[Drift]) -> String {
    let mut parts = Vec::new();
    for (count, what) in [
        (status.changed.len(), "out of date"),
        (status.added.len(), "missing"),
        (status.removed.len(), "no longer produced"),
    ] {
        if count > 0 {
            parts.push(format!("{} {what}", plural(count, "file", "files")));
        }
    }
    if !status.foreign.is_empty() {
        parts.push(format!(
            "{} not written by codegen",
            plural(status.foreign.len(), "entry", "entries")
        ));
    }
    match status.manifest {
        ManifestStatus::Current => {}
        ManifestStatus::OutOfDate => parts.push("manifest out of date".into()),
        ManifestStatus::Missing => parts.push("manifest missing".into()),
        ManifestStatus::Damaged(_) => parts.push("manifest damaged".into()),
    }
    let fix = if status.foreign.is_empty() {
        "run `cargo run -p codegen` to update it".to_string()
    } else {
        format!(
            "the next run refuses to write until the foreign entries are moved out of {dir} \
             (or --force takes it over, deleting them).{}",
            if status.manifest == ManifestStatus::Missing {
                OLDER_CODEGEN
            } else {
                ""
            }
        )
    };
    format!(
        "{dir} differs from what {} produces ({} {}: {}); {fix}",
        spec.display(),
        drifts.len(),
        if drifts.len() == 1 {
            "difference"
        } else {
            "differences"
        },
        parts.join(", "),
    )
}
