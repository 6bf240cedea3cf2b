#!/usr/bin/env bash
# Evolution test: Huawei's additive changes regenerate into a crate that cargo-semver-checks
# accepts as a minor release of the one before (default and all features), and the importer's
# summary says "additive"; a breaking control (an enum value removed) is found by both.
# Usage: bash tests/evolution.sh   (installs cargo-semver-checks if absent)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SEMVER_CHECKS_VERSION=0.51.0

if ! cargo semver-checks --version >/dev/null 2>&1; then
    start=$(date +%s)
    # A debug build: it compiles in about half the time of a release one, and the checks it
    # runs here take seconds either way.
    cargo install --locked --debug cargo-semver-checks --version "$SEMVER_CHECKS_VERSION"
    echo "evolution: installing cargo-semver-checks $SEMVER_CHECKS_VERSION took $(( $(date +%s) - start )) s"
fi
start=$(date +%s)

[ -n "${CODEGEN:-}" ] || cargo build -q -p codegen
CODEGEN="${CODEGEN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/codegen}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp spec/modelarts-pools.json "$WORK/spec.json"
cp -r spec/sources/api-definitions/ModelArts "$WORK/defs"
cp -r spec/sources/seeds "$WORK/seeds"
export SEMVER_TARGET="$WORK/semver-target"

fail=0
expect() { echo "evolution: $1"; }
import() {
    "$CODEGEN" import --spec "$WORK/spec.json" --seeds "$WORK/seeds" "$WORK/defs" >"$WORK/summary" 2>"$WORK/import.err" \
        || { cat "$WORK/import.err"; return 1; }
    cat "$WORK/summary"
}
semver() { # baseline, new, feature flag
    cargo semver-checks --baseline-root "$1" --manifest-path "$2/Cargo.toml" --release-type minor "$3"
}

"$CODEGEN" --spec "$WORK/spec.json" --out "$WORK/old" >/dev/null

# One change of every additive kind Huawei makes.
python3 - "$WORK/defs" <<'EOF'
import json, sys, pathlib
defs = pathlib.Path(sys.argv[1])
def edit(name, change):
    path = defs / name
    d = json.loads(path.read_text())
    change(d)
    path.write_text(json.dumps(d, ensure_ascii=False, indent=2))
def op(d):
    item = next(iter(d["paths"].values()))
    return next(iter(item.values()))
# ListWorkloads gains an optional query parameter.
edit("ListWorkloads.json", lambda d: op(d)["parameters"].append(
    {"in": "query", "name": "hostip", "required": False, "type": "string", "description": "节点IP。"}))
# Pool objects (requests and responses) and network objects (responses) gain optional members.
def members(d):
    for schema in d.get("definitions", {}).values():
        if isinstance(schema.get("properties"), dict):
            schema["properties"]["evolutionNote"] = {"type": "string", "description": "说明。"}
for name in ["CreatePool.json", "ShowPool.json", "ListNetworks.json"]:
    edit(name, members)
# An enumeration gains a value (the job types, in both definitions that list them).
for name in ["ListWorkloads.json", "ShowWorkloadStatistics.json"]:
    def value(d):
        text = json.dumps(d["definitions"], ensure_ascii=False)
        d["definitions"] = json.loads(text.replace("- notebook:Notebook作业", "- notebook:Notebook作业\\n- batch:批处理作业"))
    edit(name, value)
# An operation gains a documented status.
edit("ShowPool.json", lambda d: op(d)["responses"].setdefault("429", {"description": "Too Many Requests"}))
# A new operation appears.
d = json.loads((defs / "ShowPool.json").read_text())
path, item = next(iter(d["paths"].items()))
d["paths"] = {path + "/evolution": item}
next(iter(item.values()))["operationId"] = "ShowPoolEvolution"
(defs / "ShowPoolEvolution.json").write_text(json.dumps(d, ensure_ascii=False, indent=2))
EOF

import || fail=1
if tail -n1 "$WORK/summary" | grep -q '^semver: additive'; then
    expect "ok: the importer calls the additive changes additive"
else
    expect "FAIL: the importer's verdict on the additive changes: $(tail -n1 "$WORK/summary")"; fail=1
fi
"$CODEGEN" --spec "$WORK/spec.json" --out "$WORK/new" >/dev/null
for features in --default-features --all-features; do
    if semver "$WORK/old" "$WORK/new" "$features"; then
        expect "ok: cargo-semver-checks accepts the additive changes as minor ($features)"
    else
        expect "FAIL: cargo-semver-checks finds a breaking change among the additive ones ($features)"; fail=1
    fi
done

# The breaking control: an enum value removed.
python3 - "$WORK/defs" <<'EOF'
import json, sys, pathlib
for name in ["ListWorkloads.json", "ShowWorkloadStatistics.json"]:
    path = pathlib.Path(sys.argv[1]) / name
    d = json.loads(path.read_text())
    text = json.dumps(d["definitions"], ensure_ascii=False)
    d["definitions"] = json.loads(text.replace("\\n- batch:批处理作业", "").replace("- train:训练作业\\n", ""))
    path.write_text(json.dumps(d, ensure_ascii=False, indent=2))
EOF
import || fail=1
if tail -n1 "$WORK/summary" | grep -q '^semver: breaking'; then
    expect "ok: the importer calls the removed value breaking"
else
    expect "FAIL: the importer's verdict on the removed value: $(tail -n1 "$WORK/summary")"; fail=1
fi
"$CODEGEN" --spec "$WORK/spec.json" --out "$WORK/broken" >/dev/null
if semver "$WORK/new" "$WORK/broken" --default-features >"$WORK/control.log" 2>&1; then
    expect "FAIL: cargo-semver-checks accepts a removed enum value"; fail=1
else
    expect "ok: cargo-semver-checks finds the removed enum value ($(grep -o 'enum_variant_missing' "$WORK/control.log" | head -n1))"
fi

echo "evolution: $(( $(date +%s) - start )) s without the install"
exit "$fail"
