//! Replays the regression corpus of the `response` fuzz target (`fuzz/fuzz_targets/response.rs`)
//! on every `cargo test`, so CI keeps checking what the fuzzer checks without running it.
//!
//! Every file in `tests/decode_regressions/` is decoded as each response body type the client
//! decodes (`DeletePoolResponse`, `CreatePoolResponse`, `ModelArtsError`). Decoding must never
//! panic; a value that decodes must encode, decode again, and be equal to the first. The inputs
//! are small (under 4 KB): deep nesting, odd Unicode and invalid UTF-8, huge and odd numbers,
//! wrong shapes, and entries the fuzzer kept.
//!
//! To add a crash the fuzzer found: copy `fuzz/artifacts/response/crash-…` here under a name that
//! says what it is (minimize it first with `cargo fuzz tmin response FILE`).

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use modelarts_pools::models::{CreatePoolResponse, DeletePoolResponse, ModelArtsError};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn inputs(folder: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/decode_regressions")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

/// What the fuzz target does for one type: `Ok(true)` when the bytes decode and survive a round
/// trip, `Ok(false)` when they do not decode, `Err` when the round trip changes the value.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(
    data: &[u8],
) -> Result<bool, String> {
    let Ok(first) = serde_json::from_slice::<T>(data) else {
        return Ok(false);
    };
    let type_name = std::any::type_name::<T>().rsplit("::").next().unwrap();
    let encoded =
        serde_json::to_vec(&first).map_err(|e| format!("{type_name} does not encode: {e}"))?;
    let second: T = serde_json::from_slice(&encoded).map_err(|e| {
        format!(
            "{type_name} re-encoded as {} does not decode: {e}",
            String::from_utf8_lossy(&encoded)
        )
    })?;
    if first != second {
        return Err(format!(
            "{type_name} changed in a round trip through {}:\n first: {first:?}\nsecond: {second:?}",
            String::from_utf8_lossy(&encoded)
        ));
    }
    Ok(true)
}

/// Runs every input of `folder` through every type; returns the failures and how many
/// (input, type) pairs decoded.
fn replay(folder: &str) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut decoded = 0;
    for path in inputs(folder) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            [
                round_trip::<DeletePoolResponse>(&data),
                round_trip::<CreatePoolResponse>(&data),
                round_trip::<ModelArtsError>(&data),
            ]
        }));
        match outcome {
            Ok(results) => {
                for result in results {
                    match result {
                        Ok(true) => decoded += 1,
                        Ok(false) => {}
                        Err(message) => failures.push(format!("{name}: {message}")),
                    }
                }
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
    }
    (failures, decoded)
}

#[test]
fn the_regression_corpus_is_there_and_small() {
    let files = inputs("");
    assert!(files.len() >= 20, "only {} inputs", files.len());
    for path in files.iter().chain(&inputs("float_roundtrip")) {
        let size = std::fs::metadata(path).unwrap().len();
        assert!(size < 4096, "{} is {size} bytes", path.display());
    }
}

#[test]
fn no_input_panics_and_decoded_values_survive_a_round_trip() {
    let (failures, decoded) = replay("");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most inputs are refused, but the corpus must also exercise the encode path.
    assert!(decoded >= 20, "only {decoded} (input, type) pairs decoded");
}

/// Floats in members the spec does not list once drifted: parsed into `serde_json::Value`
/// without serde_json's `float_roundtrip` feature, `8e-32` decoded to `7.999999999999999e-32`,
/// moving one more unit in the last place on every round trip. The `response` fuzz target found
/// this (`fuzz-crash-8e-32.json`). Unknown members are now kept as the JSON text received, so no
/// float in them is parsed, whatever serde_json features a build has (`fuzz/replay.sh` replays
/// these files in a user's dependency graph).
#[test]
fn floats_in_unknown_members_survive_a_round_trip() {
    let (failures, decoded) = replay("float_roundtrip");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(decoded >= 3);
}
