//! The generator's tests, in one binary: each module is one subject (bad specs, the program, the
//! fuzz corpus replayed, import, what the output folder may lose).

mod bad_specs;
mod cli;
mod fuzz_regressions;
mod import;
mod output_safety;

/// Every `.rs` file in this folder is a module of this binary (`autotests = false`).
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    modelarts_pools_test_support::test_binary::assert_every_test_file_is_a_module(env!(
        "CARGO_MANIFEST_DIR"
    ));
}
