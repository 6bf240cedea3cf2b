#!/usr/bin/env bash
# The `modelarts-pools` program through a pool's life against the emulator, as the README's
# "Try it without an account" runs it: create --wait, show as a table, resize --wait, nodes --all,
# delete --wait, then show answers 404 (exit 1).
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$(pwd)/$target_dir" ;; esac
cargo build --quiet -p modelarts-pools-emulator
cargo build --quiet -p modelarts-pools --features cli --bin modelarts-pools
log="$(mktemp)"
out="$(mktemp)"
"$target_dir/debug/modelarts-pools-emulator" --ak demo --sk demo --listen 127.0.0.1:0 \
    --transition-ms 200 >"$log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -f "$log" "$out"' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$log" && break
    sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$log" | head -1)"
[ -n "$url" ] || { echo "the emulator did not start:"; cat "$log"; exit 1; }

export HUAWEICLOUD_SDK_AK=demo HUAWEICLOUD_SDK_SK=demo HUAWEICLOUD_SDK_PROJECT_ID=demo
program() { "$target_dir/debug/modelarts-pools" --endpoint "$url" "$@"; }
fail() { echo "FAILED: $*"; exit 1; }

program create-pool --body emulator/examples/create-pool.json --wait >"$out"
name="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["metadata"]["name"])' "$out")"
grep -q '"phase": "Running"' "$out" || fail "create --wait did not end Running: $(cat "$out")"
echo "ok: create-pool --wait ($name is Running)"

program --output table show-pool --pool-name "$name" | tee "$out"
grep -q "^$name  *Dedicate  *Running  *modelarts.vm.cpu.8u × 2" "$out" || fail "the table"
echo "ok: show-pool --output table"

echo '{"spec": {"resources": [{"flavor": "modelarts.vm.cpu.8u", "count": 3}]}}' |
    program patch-pool --pool-name "$name" --body - --wait >"$out"
grep -q '"count": 3' "$out" || fail "resize: $(cat "$out")"
echo "ok: patch-pool --wait"

program list-pool-nodes --pool-name "$name" --limit 2 --all >"$out"
nodes="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$out")"
[ "$nodes" = 3 ] || fail "--all gave $nodes nodes"
echo "ok: list-pool-nodes --all (3 nodes over 2 pages)"

program delete-pool --pool-name "$name" --wait >/dev/null
echo "ok: delete-pool --wait"

if program show-pool --pool-name "$name" >/dev/null 2>"$out"; then fail "the pool is still there"; fi
grep -q 'ModelArts.50015001' "$out" || fail "the 404: $(cat "$out")"
echo "ok: show-pool after deletion: 404 ModelArts.50015001"
