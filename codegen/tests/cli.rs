//! The `codegen` program as users run it: regeneration is all or nothing, `--check` names every
//! difference, and a bad spec leaves the output exactly as it was. What codegen may replace or
//! delete in a folder (its manifest, refusals, `--force`) is in `output_safety.rs`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn codegen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
}

fn real_spec() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/modelarts-pools.json")
}

/// `codegen --spec SPEC --out OUT [--check]`.
fn run(spec: &Path, out: &Path, check: bool) -> std::process::Output {
    let mut command = codegen();
    command.arg("--spec").arg(spec).arg("--out").arg(out);
    if check {
        command.arg("--check");
    }
    command.output().unwrap()
}

fn snapshot_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((
                    path.strip_prefix(root).unwrap().display().to_string(),
                    fs::read(&path).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn regenerates_into_any_folder_and_check_passes_afterwards() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let status = run(&real_spec(), &out, false).status;
    assert!(status.success());
    assert!(
        out.join("src/models.rs").is_file() && out.join("schemas/CreatePoolRequest.json").is_file()
    );
    let check = run(&real_spec(), &out, true);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Nothing is left beside the output.
    let siblings: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(siblings, ["out"]);
}

#[test]
fn check_names_changed_missing_and_stray_files_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run(&real_spec(), &out, false).status.success());
    fs::write(out.join("src/models.rs"), "// edited by hand\n").unwrap();
    fs::remove_file(out.join("schemas/ModelArtsError.json")).unwrap();
    // A file an earlier run wrote (so its manifest lists it) that the spec no longer produces.
    fs::write(out.join("src/old.rs"), "// no longer produced\n").unwrap();
    let manifest = out.join(".codegen-manifest");
    let listed = fs::read_to_string(&manifest).unwrap() + "src/old.rs\n";
    fs::write(&manifest, listed).unwrap();
    let before = snapshot_tree(&out);
    let check = run(&real_spec(), &out, true);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("out of date: src/models.rs"), "{stderr}");
    assert!(
        stderr.contains("missing: schemas/ModelArtsError.json"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no longer produced (the next run deletes it): src/old.rs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("out of date: .codegen-manifest"),
        "{stderr}"
    );
    assert!(!stderr.contains("foreign"), "{stderr}");
    assert_eq!(snapshot_tree(&out), before, "--check writes nothing");

    // Regenerating repairs all three, removing the stray file.
    assert!(run(&real_spec(), &out, false).status.success());
    assert!(!out.join("src/old.rs").exists());
    assert!(run(&real_spec(), &out, true).status.success());
}

#[test]
fn a_bad_spec_is_refused_and_the_output_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run(&real_spec(), &out, false).status.success());
    let before = snapshot_tree(&out);
    let bad = dir.path().join("bad.json");
    let text = fs::read_to_string(real_spec()).unwrap().replacen(
        "\"type\": \"PoolType\"",
        "\"type\": \"PoolTyp\"",
        1,
    );
    // The line and column of the changed member (its key), found in the text rather than
    // written down.
    let (line_index, line_text) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("\"PoolTyp\""))
        .unwrap();
    let column = line_text.find("\"type\"").unwrap() + 1;
    fs::write(&bad, &text).unwrap();
    let run = run(&bad, &out, false);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let expected = format!(
        "bad.json:{}:{column}: at $.types[4].fields[0].type: unknown type \"PoolTyp\"",
        line_index + 1
    );
    assert!(stderr.contains(&expected), "{expected} in {stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "one mistake, one error: {stderr}"
    );
    assert_eq!(snapshot_tree(&out), before);
}

#[test]
fn an_unchanged_spec_rewrites_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run(&real_spec(), &out, false).status.success());
    let modified = fs::metadata(out.join("src/models.rs"))
        .unwrap()
        .modified()
        .unwrap();
    let run = run(&real_spec(), &out, false);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("is up to date"), "{stderr}");
    assert_eq!(
        fs::metadata(out.join("src/models.rs"))
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
}

#[test]
fn a_staging_folder_left_by_a_killed_run_is_cleared() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let staging = dir.path().join(".out.codegen-staging");
    fs::create_dir_all(staging.join("src")).unwrap();
    fs::write(staging.join("src/half.rs"), "// half written").unwrap();
    assert!(run(&real_spec(), &out, false).status.success());
    assert!(!staging.exists());
    assert!(!out.join("src/half.rs").exists());
}

#[test]
fn a_missing_spec_file_is_a_clear_error() {
    let run = codegen()
        .arg("--spec")
        .arg("/nonexistent/spec.json")
        .arg("--check")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&run.stderr)
            .contains("/nonexistent/spec.json: cannot read the spec")
    );
}
