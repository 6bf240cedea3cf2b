//! Replays the regression corpus of the `spec` fuzz target (`fuzz/fuzz_targets/spec.rs`) on every
//! `cargo test`, so CI keeps checking what the fuzzer checks without running it.
//!
//! Every file in `tests/fuzz_regressions/` is read as bytes, turned into (lossy) UTF-8 text as the
//! fuzz target does, and given to [`codegen::generate_from_str`]. Each must come back as `Ok` or
//! `Err` (with printable diagnostics) without a panic and without taking long. The inputs are
//! small (under 4 KB): deep nesting, huge and odd numbers, odd Unicode and invalid UTF-8, names
//! that collide with Rust, broken paths, methods, headers and rules, and entries the fuzzer kept.
//!
//! To add a crash the fuzzer found: copy `fuzz/artifacts/spec/crash-…` here under a name that says
//! what it is (minimize it first with `cargo fuzz tmin spec FILE`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Generous: the slowest input takes milliseconds in release builds; debug builds under a loaded
/// CI machine are far slower, and a hang is what this bound is for.
const PER_INPUT: Duration = Duration::from_secs(30);

fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn the_regression_corpus_is_there_and_small() {
    let files = inputs();
    assert!(files.len() >= 20, "only {} inputs", files.len());
    for path in files {
        let size = std::fs::metadata(&path).unwrap().len();
        assert!(size < 4096, "{} is {size} bytes", path.display());
    }
}

#[test]
fn no_regression_input_panics_or_hangs() {
    let mut failures = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for path in inputs() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let started = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            match codegen::generate_from_str("fuzz.json", &text) {
                Ok(files) => Ok(files.len()),
                // Rendering the diagnostics is part of what a user sees: it must not panic either.
                Err(diagnostics) => Err(diagnostics.to_string()),
            }
        }));
        let elapsed = started.elapsed();
        match outcome {
            Ok(Ok(count)) => {
                assert!(count > 0, "{name}: accepted but rendered no file");
                accepted += 1;
            }
            Ok(Err(message)) => {
                assert!(
                    message.contains("fuzz.json"),
                    "{name}: the diagnostics do not name the file:\n{message}"
                );
                refused += 1;
            }
            Err(panic) => {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                failures.push(format!("{name}: panicked: {message}"));
            }
        }
        if elapsed > PER_INPUT {
            failures.push(format!("{name}: took {elapsed:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(refused > 0 && accepted + refused >= 20);
}

/// The keys of a manifest, table by table (`[package]`, `name`, `version`, ...).
fn manifest_keys(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            if line.starts_with('[') {
                line.to_owned()
            } else {
                line.split(['=', '.'])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_owned()
            }
        })
        .collect()
}

/// Whether every `key = "…"` line holds exactly one TOML basic string: no raw control character,
/// no unescaped `"` inside.
fn strings_are_sound(manifest: &str) -> bool {
    manifest.lines().all(|line| {
        let Some(value) = line
            .split_once(" = ")
            .and_then(|(_, value)| value.strip_prefix('"'))
        else {
            return !line.chars().any(char::is_control);
        };
        let Some(inner) = value.strip_suffix('"') else {
            return false;
        };
        let mut escaped = false;
        for c in inner.chars() {
            if c.is_control() || (c == '"' && !escaped) {
                return false;
            }
            escaped = c == '\\' && !escaped;
        }
        true
    })
}

/// Spec text must not change the generated manifest's structure: a service title with a quote and
/// line breaks (`service-title-injects-manifest-keys.json`) must not add keys such as `build`
/// (a build script runs at build time), and one with a control character
/// (`service-fields-odd.json`) must not make the manifest unparseable.
#[test]
fn spec_text_cannot_change_the_generated_manifest() {
    let spec = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/modelarts-pools.json"),
    )
    .unwrap();
    let reference = codegen::generate_from_str("spec.json", &spec).expect("the spec generates");
    let expected = manifest_keys(&reference["Cargo.toml"]);
    assert!(expected.iter().any(|k| k == "[[bin]]") && expected.iter().any(|k| k == "bitflags"));
    let mut failures = Vec::new();
    for path in inputs() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let Ok(files) = codegen::generate_from_str("fuzz.json", &text) else {
            continue;
        };
        let manifest = &files["Cargo.toml"];
        // A spec without operations or flag sets has fewer keys (no program, no bitflags), never
        // others.
        let unexpected: Vec<String> = manifest_keys(manifest)
            .into_iter()
            .filter(|key| !expected.contains(key))
            .collect();
        if !unexpected.is_empty() || !strings_are_sound(manifest) {
            failures.push(format!(
                "{name}: unexpected keys {unexpected:?}:\n{manifest}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
