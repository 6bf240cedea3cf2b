//! Snapshots of everything the generator writes, for the real spec and for each fixture spec.
//! Review changes with `cargo insta review`.

use std::path::Path;

fn snapshot_files(prefix: &str, files: &codegen::Files) {
    for (path, contents) in files {
        if path == "LICENSE" {
            continue; // the license text, the same for every crate
        }
        let name = format!("{prefix}__{}", path.replace(['/', '.'], "_"));
        insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(name, contents);
        });
    }
}

/// The real spec's output is committed as `generated/` and kept in step by the drift check; its
/// snapshots are the files that summarise it (the manifest, the crate root, the operations index).
#[test]
fn real_spec_output() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/modelarts-pools.json");
    let files = codegen::generate(&spec).unwrap();
    assert!(files.len() > 50, "{} files", files.len());
    let summary: codegen::Files = files
        .into_iter()
        .filter(|(path, _)| {
            ["Cargo.toml", "src/lib.rs", "schemas/operations.json"].contains(&path.as_str())
        })
        .collect();
    assert_eq!(summary.len(), 3);
    snapshot_files("spec", &summary);
}

#[test]
fn fixture_outputs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 9);
    for path in paths {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        let files = codegen::generate_from_str(&format!("{stem}.json"), &text).unwrap();
        snapshot_files(&format!("fixture_{stem}"), &files);
    }
}

#[test]
fn output_is_deterministic() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/modelarts-pools.json");
    let first = codegen::generate(&spec).unwrap();
    for _ in 0..3 {
        assert_eq!(codegen::generate(&spec).unwrap(), first);
    }
}
