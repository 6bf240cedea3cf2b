#!/usr/bin/env bash
# The official Huawei Cloud Python SDK (huaweicloudsdkmodelarts, from PyPI), unchanged but for the
# endpoint, through a pool's life against the emulator with AK/SK signatures
# (emulator/official_python_sdk.py). Installs the SDK into target/official-sdk-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir="${CARGO_TARGET_DIR:-target}"
case "$target_dir" in /*) ;; *) target_dir="$(pwd)/$target_dir" ;; esac
venv="$target_dir/official-sdk-venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet huaweicloudsdkmodelarts
fi
"$venv/bin/pip" show huaweicloudsdkmodelarts | grep -E '^(Name|Version)'

cargo build --quiet -p modelarts-pools-emulator
log="$(mktemp)"
"$target_dir/debug/modelarts-pools-emulator" --ak sdk-test-ak --sk sdk-test-sk --listen 127.0.0.1:0 \
    --transition-ms 100 >"$log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do
    grep -q '^listening on ' "$log" && break
    sleep 0.1
done
url="$(sed -n 's/^listening on //p' "$log" | head -1)"
[ -n "$url" ] || { echo "the emulator did not start:"; cat "$log"; exit 1; }
"$venv/bin/python" emulator/official_python_sdk.py "$url" sdk-test-ak sdk-test-sk
