//! Arbitrary bytes, read as (lossy) UTF-8 spec text, through the whole generator: parse, check,
//! resolve and emit. It must return `Ok` or `Err` for every input: never panic, never hang
//! (libFuzzer's `-timeout` turns a hang into a crash).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = codegen::generate_from_str("fuzz.json", &text);
});
