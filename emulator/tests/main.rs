//! The emulator's tests, in one binary: over HTTP on 127.0.0.1 (`life_cycle`, with the binary's
//! interface) and without a socket, on the runtime's in-process transport (`in_process`).

mod faults;
mod in_process;
mod kept_world;
mod life_cycle;
mod nodes;
mod resources;

/// Every `.rs` file in this folder is a module of this binary (`autotests = false`).
#[test]
fn every_test_file_is_a_module_of_this_binary() {
    modelarts_pools_test_support::test_binary::assert_every_test_file_is_a_module(env!(
        "CARGO_MANIFEST_DIR"
    ));
}
