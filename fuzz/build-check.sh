#!/usr/bin/env bash
# CI check that the fuzz targets still build against the current codegen and generated crate.
#
#   bash fuzz/build-check.sh          # type-check the targets: `cargo check` (stable, no cargo-fuzz)
#   bash fuzz/build-check.sh --full   # the real build: cargo-fuzz, libFuzzer, AddressSanitizer
#
# The default catches what breaks fuzz targets in practice (a renamed type or function); it needs
# nothing beyond the stable toolchain. `--full` needs cargo-fuzz (`cargo install cargo-fuzz
# --locked`, about 75 s) and builds every dependency with AddressSanitizer; RUSTC_BOOTSTRAP=1 lets
# the stable compiler take the `-Z` flags cargo-fuzz passes, so no nightly toolchain is needed.
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

if [[ "${1:-}" == "--full" ]]; then
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2
        exit 1
    fi
    RUSTC_BOOTSTRAP=1 cargo +stable fuzz build -O
else
    cargo check --locked --bins
fi
echo "fuzz targets build"
