//! The guard each crate's one integration-test binary keeps.

use std::path::Path;

/// Fails unless every `.rs` file in `{manifest_dir}/tests` is declared `mod name;` in
/// `tests/main.rs`. The packages say `autotests = false` (one binary, not one per file), so Cargo
/// would not build a file left out there, and its tests would silently not run.
pub fn assert_every_test_file_is_a_module(manifest_dir: &str) {
    let folder = Path::new(manifest_dir).join("tests");
    let main = std::fs::read_to_string(folder.join("main.rs")).expect("tests/main.rs");
    let mut files = 0;
    for entry in std::fs::read_dir(&folder).expect("the tests folder") {
        let path = entry.expect("a folder entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
            files += 1;
            assert!(
                main.lines().any(|line| line == format!("mod {stem};")),
                "tests/{stem}.rs is not declared in tests/main.rs (`mod {stem};`), so it never runs"
            );
        }
    }
    assert!(files > 0, "no test files next to tests/main.rs");
}
