//! The tests of the generated crate and the generator's output, in one binary: reqwest, Tokio and
//! the generated models are linked once. Each module is one subject; `common` and `server` are
//! what they share.

mod common;
mod server;

mod client;
mod decode_regressions;
mod examples;
mod fixtures;
mod hostile_responses;
mod lists_and_patches;
mod models_that_grow;
mod openapi;
mod program;
mod properties;
mod schemas;
mod snapshots;
mod validation;
mod waiters_and_paginators;

/// Every `.rs` file in this folder is a module of this binary (`autotests = false`).
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    modelarts_pools_test_support::test_binary::assert_every_test_file_is_a_module(env!(
        "CARGO_MANIFEST_DIR"
    ));
}
