//! What `codegen` may replace or delete in its output folder, through the real program on real
//! folders: only the files its manifest lists. Anything else there (a git repository, notes, a
//! user's crate, a file added inside a generated folder) makes it refuse and change nothing, until
//! `--force` takes the folder over. Also: one summary line per run, `--verbose`, and `--check`
//! naming foreign entries as such.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

const MANIFEST: &str = ".codegen-manifest";

fn real_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/modelarts-pools.json")
}

/// A fixture spec that produces fewer files than the real one.
fn small_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/enums.json")
}

/// `codegen --spec SPEC --out OUT EXTRA...`.
fn run(spec: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs and asserts success, returning stderr.
fn run_ok(spec: &Path, out: &Path, extra: &[&str]) -> String {
    let output = run(spec, out, extra);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    text
}

#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Folder,
    File(Vec<u8>, SystemTime),
    Link(PathBuf),
}

/// Every path under `root` (folders, files with contents and modification time, symbolic links
/// with their target), without following links.
fn snapshot(root: &Path) -> BTreeMap<String, Entry> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(root).unwrap().display().to_string();
            let meta = fs::symlink_metadata(&path).unwrap();
            let entry = if meta.file_type().is_symlink() {
                Entry::Link(fs::read_link(&path).unwrap())
            } else if meta.is_dir() {
                stack.push(path.clone());
                Entry::Folder
            } else {
                Entry::File(fs::read(&path).unwrap(), meta.modified().unwrap())
            };
            out.insert(relative, entry);
        }
    }
    out
}

/// The files under `root`, relative, sorted.
fn files_in(root: &Path) -> Vec<String> {
    snapshot(root)
        .into_iter()
        .filter(|(_, entry)| matches!(entry, Entry::File(..)))
        .map(|(path, _)| path)
        .collect()
}

fn write(path: &Path, contents: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

const OLD_TIME: Duration = Duration::from_secs(1_000_000_000);

/// Sets every file under `root` to an old modification time, so a rewrite cannot go unnoticed.
fn age_files(root: &Path) {
    for path in files_in(root) {
        fs::File::options()
            .write(true)
            .open(root.join(path))
            .unwrap()
            .set_modified(SystemTime::UNIX_EPOCH + OLD_TIME)
            .unwrap();
    }
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

/// The folder as refusals and summaries name it.
fn named(out: &Path) -> String {
    format!("{}/", out.display())
}

/// Asserts the run was refused, naming the folder, each of `foreign` and what to do.
fn assert_refused(output: &Output, out: &Path, foreign: &[&str]) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("refusing to write {}", named(out))),
        "{text}"
    );
    for entry in foreign {
        assert!(text.lines().any(|l| l.trim() == *entry), "{entry}: {text}");
    }
    assert!(text.contains("nothing was changed"), "{text}");
    assert!(text.contains("--force"), "{text}");
    assert!(text.contains("--out"), "{text}");
}

#[test]
fn a_folder_holding_a_git_repository_and_notes_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("project");
    write(&out.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&out.join(".git/objects/ab/cdef"), "blob");
    write(&out.join("notes.md"), "# my notes\n");
    let before = snapshot(dir.path());

    let output = run(&real_spec(), &out, &[]);
    assert_refused(&output, &out, &[".git/", "notes.md"]);
    assert!(stderr(&output).contains("2 entries"), "{}", stderr(&output));
    assert_eq!(snapshot(dir.path()), before, "every byte left as it was");
}

#[test]
fn a_users_crate_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("my-crate");
    write(&out.join("Cargo.toml"), "[package]\nname = \"mine\"\n");
    write(&out.join("src/main.rs"), "fn main() {}\n");
    let before = snapshot(dir.path());

    let output = run(&real_spec(), &out, &[]);
    assert_refused(&output, &out, &["Cargo.toml", "src/"]);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_file_added_inside_a_generated_folder_is_refused_and_kept_until_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&real_spec(), &out, &[]);
    write(&out.join("src/notes.rs"), "// mine\n");
    write(&out.join("schemas/mine.json"), "{}\n");
    let before = snapshot(dir.path());

    let output = run(&real_spec(), &out, &[]);
    assert_refused(&output, &out, &["schemas/mine.json", "src/notes.rs"]);
    assert!(
        stderr(&output).contains("not listed in its .codegen-manifest"),
        "{}",
        stderr(&output)
    );
    // A changed spec is refused just the same.
    assert_refused(&run(&small_spec(), &out, &[]), &out, &["src/notes.rs"]);
    assert_eq!(snapshot(dir.path()), before);

    let forced = run_ok(&real_spec(), &out, &["--force"]);
    assert!(
        forced.contains(
            "--force deleted 2 entries codegen did not write: schemas/mine.json, src/notes.rs"
        ),
        "{forced}"
    );
    assert!(!out.join("src/notes.rs").exists() && !out.join("schemas/mine.json").exists());
    run_ok(&real_spec(), &out, &["--check"]);
}

#[test]
fn a_file_at_a_generated_path_the_manifest_does_not_list_is_foreign() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&real_spec(), &out, &[]);
    let manifest = out.join(MANIFEST);
    let text = fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("\nsrc/models.rs\n"));
    fs::write(&manifest, text.replace("\nsrc/models.rs\n", "\n")).unwrap();
    let before = snapshot(dir.path());

    assert_refused(&run(&real_spec(), &out, &[]), &out, &["src/models.rs"]);
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_folder_whose_manifest_is_missing_or_damaged_is_all_foreign() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&real_spec(), &out, &[]);
    let manifest = out.join(MANIFEST);
    let text = fs::read_to_string(&manifest).unwrap();

    fs::remove_file(&manifest).unwrap();
    let before = snapshot(dir.path());
    let output = run(&real_spec(), &out, &[]);
    assert_refused(&output, &out, &["Cargo.toml", "LICENSE", "README.md"]);
    assert!(stderr(&output).contains("it has no .codegen-manifest"));
    let check = run(&real_spec(), &out, &["--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr(&check).contains("missing: .codegen-manifest"),
        "{}",
        stderr(&check)
    );
    assert_eq!(snapshot(dir.path()), before);

    // Without its header line it is not a manifest codegen wrote.
    fs::write(
        &manifest,
        text.lines().skip(1).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let before = snapshot(dir.path());
    let output = run(&real_spec(), &out, &[]);
    assert_refused(&output, &out, &[MANIFEST, "Cargo.toml", "LICENSE"]);
    assert!(
        stderr(&output)
            .contains("is not one codegen wrote (its first line is not codegen's header)"),
        "{}",
        stderr(&output)
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn a_symbolic_link_in_the_output_folder_is_foreign_and_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let elsewhere = dir.path().join("elsewhere");
    write(&elsewhere.join("precious.txt"), "keep me\n");
    run_ok(&real_spec(), &out, &[]);
    std::os::unix::fs::symlink(&elsewhere, out.join("src/link")).unwrap();
    let before = snapshot(dir.path());

    assert_refused(&run(&real_spec(), &out, &[]), &out, &["src/link"]);
    assert_eq!(snapshot(dir.path()), before);

    // --force deletes the link, not what it points to.
    run_ok(&real_spec(), &out, &["--force"]);
    assert!(fs::symlink_metadata(out.join("src/link")).is_err());
    assert_eq!(
        fs::read_to_string(elsewhere.join("precious.txt")).unwrap(),
        "keep me\n"
    );
}

#[test]
fn force_takes_a_folder_over_leaving_exactly_the_generated_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("project");
    write(&out.join(".git/HEAD"), "ref: refs/heads/main\n");
    write(&out.join("notes.md"), "# my notes\n");
    write(&out.join("src/main.rs"), "fn main() {}\n");

    let text = run_ok(&real_spec(), &out, &["--force"]);
    assert_eq!(text.lines().count(), 1, "{text}");
    let fresh = dir.path().join("fresh");
    run_ok(&real_spec(), &fresh, &[]);
    let files = files_in(&fresh).len() - 1;
    assert_eq!(
        text.trim_end(),
        format!(
            "wrote {} ({files} files: 0 changed, {files} added, 0 removed); --force deleted 3 \
             entries codegen did not write: .git/, notes.md, src/",
            named(&out)
        )
    );
    assert_eq!(files_in(&out), files_in(&fresh));
    run_ok(&real_spec(), &out, &["--check"]);
}

#[test]
fn an_empty_folder_is_written_with_one_summary_line_and_a_second_run_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();

    let output = run(&real_spec(), &out, &[]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(output.stdout.is_empty());
    assert_eq!(text.lines().count(), 1, "one summary line: {text}");
    let files = files_in(&out).len() - 1; // the manifest is not counted
    assert_eq!(
        text.trim_end(),
        format!(
            "wrote {} ({files} files: 0 changed, {files} added, 0 removed)",
            named(&out)
        )
    );
    assert!(out.join(MANIFEST).is_file());

    age_files(&out);
    let before = snapshot(dir.path());
    let inode = fs::metadata(&out).unwrap().ino();
    let output = run(&real_spec(), &out, &[]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert_eq!(
        text.trim_end(),
        format!("{} is up to date ({files} files)", named(&out))
    );
    assert_eq!(snapshot(dir.path()), before, "nothing rewritten");
    assert_eq!(
        fs::metadata(&out).unwrap().ino(),
        inode,
        "folder not replaced"
    );
    assert_eq!(
        modified(&out.join("src/models.rs")),
        SystemTime::UNIX_EPOCH + OLD_TIME
    );
}

#[test]
fn a_missing_folder_is_written_with_one_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a/b/out");
    let output = run(&real_spec(), &out, &[]);
    let text = stderr(&output);
    assert!(output.status.success(), "{text}");
    assert!(output.stdout.is_empty());
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with(&format!("wrote {} (", named(&out))),
        "{text}"
    );
    assert!(out.join("src/lib.rs").is_file() && out.join(MANIFEST).is_file());
    // Nothing is left beside the output.
    let siblings: Vec<_> = fs::read_dir(dir.path().join("a/b"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(siblings, ["out"]);
    let again = run_ok(&real_spec(), &out, &[]);
    assert!(again.contains("is up to date"), "{again}");
}

#[test]
fn a_file_the_new_spec_no_longer_produces_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&real_spec(), &out, &[]);
    assert!(out.join("schemas/CreatePoolRequest.json").is_file());

    let text = run_ok(&small_spec(), &out, &[]);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(!out.join("schemas/CreatePoolRequest.json").exists());
    assert!(!out.join("src/bin").exists(), "emptied folders go too");
    let fresh = dir.path().join("fresh");
    run_ok(&small_spec(), &fresh, &[]);
    assert_eq!(files_in(&out), files_in(&fresh));
    assert_eq!(
        fs::read(out.join(MANIFEST)).unwrap(),
        fs::read(fresh.join(MANIFEST)).unwrap()
    );
    run_ok(&small_spec(), &out, &["--check"]);
}

#[test]
fn a_changed_file_is_rewritten_and_the_others_keep_their_modification_time() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&real_spec(), &out, &[]);
    fs::write(out.join("src/models.rs"), "// edited by hand\n").unwrap();
    age_files(&out);

    let text = run_ok(&real_spec(), &out, &[]);
    assert!(text.contains("1 changed, 0 added, 0 removed"), "{text}");
    assert_ne!(
        modified(&out.join("src/models.rs")),
        SystemTime::UNIX_EPOCH + OLD_TIME
    );
    for path in files_in(&out) {
        if path != "src/models.rs" {
            assert_eq!(
                modified(&out.join(&path)),
                SystemTime::UNIX_EPOCH + OLD_TIME,
                "{path}"
            );
        }
    }
}

#[test]
fn check_reports_a_foreign_file_as_foreign_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&real_spec(), &out, &[]);
    write(&out.join("notes.md"), "# mine\n");
    write(&out.join("src/scratch/try.rs"), "// mine\n");
    let before = snapshot(dir.path());

    let check = run(&real_spec(), &out, &["--check"]);
    let text = stderr(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    assert!(
        text.contains("foreign (not written by codegen): notes.md"),
        "{text}"
    );
    assert!(
        text.contains("foreign (not written by codegen): src/scratch/"),
        "{text}"
    );
    assert!(!text.contains("deletes"), "foreign is not stray: {text}");
    let summary = text.lines().last().unwrap();
    assert!(
        summary.contains("2 entries not written by codegen"),
        "{summary}"
    );
    assert!(summary.contains("refuses to write"), "{summary}");
    assert_eq!(snapshot(dir.path()), before, "--check writes nothing");
}

#[test]
fn check_on_a_missing_folder_counts_the_manifest_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let check = run(&real_spec(), &out, &["--check"]);
    let text = stderr(&check);
    assert_eq!(check.status.code(), Some(1), "{text}");
    assert!(text.contains("missing: .codegen-manifest"), "{text}");
    // The list is capped; --verbose shows every file.
    let verbose = stderr(&run(&real_spec(), &out, &["--check", "--verbose"]));
    assert!(verbose.contains("missing: src/lib.rs"), "{verbose}");
    assert!(!out.exists());
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn check_caps_its_list_at_20_and_ends_with_one_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&real_spec(), &out, &[]);
    for i in 0..25 {
        write(&out.join(format!("extra/{i:02}.txt")), "x");
        write(&out.join(format!("note{i:02}.md")), "x");
    }
    let text = stderr(&run(&real_spec(), &out, &["--check"]));
    let lines: Vec<_> = text.lines().collect();
    assert_eq!(lines.len(), 22, "{text}");
    assert_eq!(lines[0].trim(), "foreign (not written by codegen): extra/");
    assert_eq!(lines[20].trim(), "and 6 more");
    assert!(lines[21].contains("(26 differences: 26 entries not written by codegen)"));

    let verbose = stderr(&run(&real_spec(), &out, &["--check", "--verbose"]));
    assert_eq!(verbose.lines().count(), 27, "{verbose}");
}

#[test]
fn verbose_lists_each_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let text = run_ok(&real_spec(), &out, &["--verbose"]);
    let lines: Vec<_> = text.lines().collect();
    let files = files_in(&out).len() - 1;
    assert_eq!(lines.len(), files + 1, "{text}");
    assert!(lines.contains(&"  added: src/models.rs"), "{text}");
    assert!(lines.contains(&"  added: Cargo.toml"), "{text}");
    assert!(lines[files].starts_with("wrote "), "{text}");

    let text = run_ok(&small_spec(), &out, &["-v"]);
    assert!(
        text.contains("  removed: schemas/CreatePoolRequest.json"),
        "{text}"
    );
    assert!(text.contains("  changed: Cargo.toml"), "{text}");

    // Up to date: nothing to list.
    let text = run_ok(&small_spec(), &out, &["--verbose"]);
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn the_manifest_is_deterministic_sorted_and_lists_exactly_the_files_written() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two/nested"));
    run_ok(&real_spec(), &one, &[]);
    run_ok(&real_spec(), &two, &[]);
    let manifest = fs::read_to_string(one.join(MANIFEST)).unwrap();
    assert_eq!(
        manifest.as_bytes(),
        fs::read(two.join(MANIFEST)).unwrap(),
        "same spec, same bytes"
    );
    let mut lines = manifest.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("# Generated by codegen, do not edit."),
        "{header}"
    );
    let listed: Vec<_> = lines.map(str::to_string).collect();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted);
    let written: Vec<_> = files_in(&one)
        .into_iter()
        .filter(|p| p != MANIFEST)
        .collect();
    assert_eq!(listed, written);
    assert!(manifest.ends_with('\n') && !manifest.contains("\r"));
}

#[test]
fn a_failure_before_the_swap_leaves_the_folder_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(&real_spec(), &out, &[]);
    fs::write(out.join("src/models.rs"), "// edited by hand\n").unwrap();
    // A file where codegen stages its output.
    fs::write(dir.path().join(".out.codegen-staging"), "not a folder").unwrap();
    let before = snapshot(dir.path());

    let output = run(&real_spec(), &out, &[]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(".out.codegen-staging"),
        "names the path: {text}"
    );
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn the_generate_subcommand_is_the_same_as_no_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_codegen"))
        .arg("generate")
        .arg("--spec")
        .arg(real_spec())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    run_ok(&real_spec(), &out, &["--check"]);
}

#[test]
fn check_and_force_together_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = run(&real_spec(), &out, &["--check", "--force"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!out.exists());
}

#[test]
fn an_output_path_that_is_a_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::write(&out, "a file").unwrap();
    for extra in [&[][..], &["--force"], &["--check"]] {
        let output = run(&real_spec(), &out, extra);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(
            text.contains(&format!("{}: exists and is not a folder", out.display())),
            "{text}"
        );
        assert_eq!(fs::read_to_string(&out).unwrap(), "a file");
    }
}
