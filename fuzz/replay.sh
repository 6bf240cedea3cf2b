#!/usr/bin/env bash
# Replays the committed regression corpora through the fuzz targets themselves, once each (no
# fuzzing), in this folder's dependency graph, which (as a user's build, and unlike the workspace's
# test build) has no test-only crates switching serde_json features on.
#
#   bash fuzz/replay.sh
#
# Needs cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")"
export RUSTC_BOOTSTRAP=1
# libFuzzer writes inputs it finds new into its first corpus folder: give it a scratch one.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/spec" "$scratch/response"
# libFuzzer reads corpus folders recursively (so decode_regressions/ includes float_roundtrip/).
cargo +stable fuzz run -a "$@" spec "$scratch/spec" ../codegen/tests/fuzz_regressions seeds/spec -- -runs=0
cargo +stable fuzz run -a "$@" response "$scratch/response" ../tests/tests/decode_regressions seeds/response -- -runs=0
echo "every regression input passes both fuzz targets"
