#!/usr/bin/env bash
# Compile cost of the generated crate: builds every dependency first, then times rebuilding only
# `modelarts-pools` (library and program) after touching generated/src/lib.rs, in the debug and
# release profiles. Prints seconds for each.
#
#   bash benches/compile-cost.sh            # one timed rebuild per profile
#   RUNS=3 bash benches/compile-cost.sh     # three per profile, each printed
#
# Nothing is edited: `touch` only changes the file's modification time. Run it from anywhere in
# the workspace. `cargo build --timings` would give per-crate detail; plain wall time is what is
# printed here.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${RUNS:-1}"

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
echo "rustc: $(rustc --version)"
echo "generated/src: $(cat generated/src/*.rs generated/src/bin/*.rs | wc -l) lines of Rust"

# profile label, CARGO_INCREMENTAL value ("" = Cargo's default: on for debug, off for release)
configs=(
    "debug|"
    "debug|0"
    "release|"
)
for config in "${configs[@]}"; do
    profile="${config%%|*}"
    incremental="${config#*|}"
    flag=()
    [ "$profile" = release ] && flag=(--release)
    label="$profile"
    env_args=()
    if [ -n "$incremental" ]; then
        label="$profile, CARGO_INCREMENTAL=$incremental"
        env_args=("CARGO_INCREMENTAL=$incremental")
    fi
    # Dependencies (and the crate itself) first, with the same settings, so that only
    # modelarts-pools is timed.
    env "${env_args[@]}" cargo build -q -p modelarts-pools "${flag[@]}"
    for run in $(seq 1 "$runs"); do
        touch generated/src/lib.rs
        start=$(date +%s.%N)
        env "${env_args[@]}" cargo build -q -p modelarts-pools "${flag[@]}"
        end=$(date +%s.%N)
        printf 'cargo build -p modelarts-pools (%s), after touching generated/src/lib.rs: %.1f s (run %d)\n' \
            "$label" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$run"
    done
done
