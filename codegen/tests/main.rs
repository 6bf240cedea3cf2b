//! The generator's tests, in one binary: each module is one subject (bad specs, the program, the
//! fuzz corpus replayed, import, what the output folder may lose).

mod bad_specs;
mod cli;
mod fuzz_regressions;
mod import;
mod output_safety;

/// Every `.rs` file in this folder is a module of this binary. The package says
/// `autotests = false` (one binary, not one per file), so Cargo would not build a file left out
/// here, and its tests would silently not run.
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
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
