#!/usr/bin/env bash
# A property-based run of schemathesis (PyPI) against the emulator: every operation of the
# published OpenAPI 3.1 document, in all four phases (examples, coverage, fuzzing, and stateful
# sequences that follow the document's links). It fails on any server error (5xx), any status,
# content type or body the document does not allow, and on a "missing test data" warning (an operation that only
# ever answered 404 is "missing test data"). The emulator starts from the fixed world
# emulator/examples/world.json (a copy), whose names emulator/schemathesis.toml gives as the path
# parameters.
#
#   bash emulator/schemathesis.sh [MAX_EXAMPLES]        (default 20 per operation)
#
# Installs schemathesis into target/schemathesis-venv (pip), builds and starts the emulator with
# --no-auth on a free loopback port, and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
examples="${1:-20}"
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$(pwd)/$target_dir" ;; esac
venv="$target_dir/schemathesis-venv"
if [ ! -x "$venv/bin/st" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis>=4.3,<5"
fi
"$venv/bin/st" --version

cargo build --quiet -p modelarts-pools-emulator
log="$(mktemp)"
world="$(mktemp -d)"
cp emulator/examples/world.json "$world/world.json"
# Changes take 10 minutes: what the run deletes stays (Deleting) for the rest of the run.
"$target_dir/debug/modelarts-pools-emulator" --no-auth --listen 127.0.0.1:0 --transition-ms 600000 \
    --state "$world/world.json" >"$log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -f "$log"; rm -rf "$world"' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$log" && break
    sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$log" | head -1)"
[ -n "$url" ] || { echo "the emulator did not start:"; cat "$log"; exit 1; }
echo "emulator at $url"

# Run from a scratch folder: schemathesis keeps a cache where it runs.
repo="$(pwd)"
scratch="$(mktemp -d)"
trap 'kill "$emulator" 2>/dev/null || true; rm -f "$log"; rm -rf "$scratch" "$world"' EXIT
cd "$scratch"
"$venv/bin/st" --config-file "$repo/emulator/schemathesis.toml" run "$repo/generated/openapi.json" \
    --url "$url" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$examples" --generation-deterministic --no-color
