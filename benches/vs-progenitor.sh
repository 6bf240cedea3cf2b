#!/usr/bin/env bash
# Side by side with cargo-progenitor 0.15.1: regeneration time (whole process, release binaries),
# debug rebuild time of the generated library after `touch src/lib.rs`, lines of generated Rust and
# size of the generated crate, on the same API scaled the same way.
#
#   bash benches/vs-progenitor.sh                     # factors 1 10 100, 5 runs each
#   FACTORS="1 10" RUNS=3 bash benches/vs-progenitor.sh
#   ONLY=progenitor bash benches/vs-progenitor.sh     # progenitor's side alone (ours: ONLY=ours)
#
# Settings (environment):
#   FACTORS        spec sizes, as multiples of spec/modelarts-pools.json        [1 10 100]
#   RUNS           timed runs per figure and contestant, after one untimed warm-up  [5]
#   BUILD_RUNS     the same for the builds                                       [= RUNS]
#   BUILD_FACTORS  factors whose generated crates are built and timed (none: none) [= FACTORS]
#                  codegen refuses a spec over 16 MiB: with the 42-operation spec that is about 37×
#   NONINCR=1      also time the rebuild with CARGO_INCREMENTAL=0 (a real change's upper bound)
#   ONLY           "ours" or "progenitor": measure one side only
#   INTERFACE      progenitor's client interface: "positional" (its default) or "builder"
#                  (`--interface builder`, one builder per operation, as ours)        [positional]
#   CARGO_TARGET_DIR  as for cargo; everything this script makes goes under $CARGO_TARGET_DIR/vs-progenitor
#
# What it does, per factor N:
#   1. `scaled-spec --factor N` writes our spec N× the real one (benches/src/lib.rs `scale_spec`), and
#      `spec-to-openapi --factor N` the published OpenAPI 3.0.3 document (generated/openapi-3.0.json) of the same scaled spec
#      with merge-patch bodies offered as application/json, which progenitor 0.15.1 needs (benches/src/openapi.rs).
#   2. Regeneration: `target/release/codegen --spec FILE --out DIR` and
#      `cargo-progenitor progenitor -i FILE -o DIR -n modelarts-pools -v 0.1.0` (the installed binary,
#      called directly, as `cargo progenitor` would after cargo's own start-up), each into a fresh
#      folder it creates itself, alternated (ours, progenitor, ours, progenitor, …), wall time of the
#      process. Progenitor formats its output with rustfmt, which it runs as a child process: that is
#      part of its process's time.
#   3. Build: each generated crate is copied into its own one-member scratch workspace under the
#      work folder (ours with its runtime dependency's path pointed at this workspace's runtime/ and
#      this workspace's Cargo.lock; progenitor's with the dependencies its Cargo.toml names, resolved
#      fresh). Each side has one target folder for all its factors. `cargo build --lib` once builds
#      every dependency; then `touch src/lib.rs && cargo build --lib` (debug, default features,
#      Cargo's default incremental setting) is timed, alternated as above.
#      A build with nothing changed (no touch) is timed too: what Cargo itself costs before rustc.
#   4. Counts: lines of generated Rust (every .rs file the generator wrote) and the size of the
#      generated crate (every file it wrote, in bytes).
#
# Medians are printed in one table at the end, and every single run in $WORK/runs.tsv. The machine
# is shared: other work running at the same time slows both sides alike only because they alternate.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$root/$CARGO_TARGET_DIR" ;; esac
interface="${INTERFACE:-positional}"
case "$interface" in positional | builder) ;; *) echo "INTERFACE is positional or builder, not $interface" >&2; exit 2 ;; esac
work="$CARGO_TARGET_DIR/vs-progenitor/$interface"
factors="${FACTORS:-1 10 100}"
build_factors="${BUILD_FACTORS:-$factors}"
runs="${RUNS:-5}"
build_runs="${BUILD_RUNS:-$runs}"
nonincr="${NONINCR:-0}"
only="${ONLY:-}"
rustfmt_note="its own choice of rustfmt"
progenitor_version=0.15.1
tools="$CARGO_TARGET_DIR/vs-progenitor/tools"
progenitor="$tools/bin/cargo-progenitor"
mkdir -p "$work"

want() { [ -z "$only" ] || [ "$only" = "$1" ]; }
log() { printf '%s\n' "$*" >&2; }

# --- tools -------------------------------------------------------------------------------------
if want progenitor; then
    if ! [ -x "$progenitor" ] || ! "$progenitor" progenitor --help >/dev/null 2>&1 ||
        ! grep -q "cargo-progenitor $progenitor_version" "$tools/.crates.toml" 2>/dev/null; then
        log "installing cargo-progenitor $progenitor_version into $tools (a few minutes, once)"
        CARGO_TARGET_DIR="$work/install-build" \
            cargo install cargo-progenitor --version "$progenitor_version" --locked --root "$tools" --force
    fi
    # Progenitor formats its output by running rustfmt: $RUSTFMT if set, else the rustfmt of the
    # installed toolchain with the highest rustc version, always with --unstable-features (for
    # wrap_comments and normalize_doc_attributes), which only a nightly rustfmt accepts; with a
    # stable one, cargo-progenitor 0.15.1 panics. If that happens here, run it through a shim that
    # drops the flag: stable rustfmt then formats without those two options (it warns and goes on).
    if ! rustfmt --version >/dev/null 2>&1; then
        log "installing rustfmt (cargo-progenitor runs it)"
        rustup component add rustfmt
    fi
    probe="$work/progenitor-probe"
    mkdir -p "$probe"
    printf '{"openapi":"3.0.3","info":{"title":"probe","version":"0.1.0"},"paths":{"/a":{"get":{"operationId":"a","responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"type":"string"}}}}}}}}}\n' >"$probe/openapi.json"
    if ! "$progenitor" progenitor -i "$probe/openapi.json" -o "$probe/out" -n probe -v 0.1.0 >/dev/null 2>"$probe/stderr"; then
        shim="$tools/rustfmt-stable-shim"
        printf '#!/usr/bin/env bash\n# cargo-progenitor passes --unstable-features, which a stable rustfmt refuses.\nargs=()\nfor a in "$@"; do [ "$a" = --unstable-features ] || args+=("$a"); done\nexec rustfmt "${args[@]}" 2>/dev/null\n' >"$shim"
        chmod +x "$shim"
        export RUSTFMT="$shim"
        if ! "$progenitor" progenitor -i "$probe/openapi.json" -o "$probe/out" -n probe -v 0.1.0 >/dev/null 2>>"$probe/stderr"; then
            log "cargo-progenitor fails even on a one-operation document:"
            cat "$probe/stderr" >&2
            exit 1
        fi
        log "NOTE: no nightly rustfmt here; progenitor's output is formatted by stable rustfmt through $shim"
        log "      (no comment wrapping), and its regeneration time includes that shim"
        rustfmt_note="stable rustfmt through a shim (no nightly rustfmt found)"
    fi
fi
log "building codegen (release) and the spec tools"
cargo build -q --release -p codegen
cargo build -q --release -p modelarts-pools-benches --bin scaled-spec --bin spec-to-openapi
codegen="$CARGO_TARGET_DIR/release/codegen"

# --- helpers -----------------------------------------------------------------------------------
now() { echo "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
median() { tr ' ' '\n' | awk 'NF' | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit } if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
rust_lines() { find "$1" -name '*.rs' -type f -print0 | xargs -0 cat | wc -l | tr -d ' '; }
rust_bytes() { find "$1" -name '*.rs' -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
tree_bytes() { find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$work/runs.tsv"; }

regen_ours() { # spec out
    rm -rf "$2"
    "$codegen" --spec "$1" --out "$2" >/dev/null 2>>"$work/regen-ours.log" || {
        log "codegen failed on $1:"
        tail -n 3 "$work/regen-ours.log" >&2
        exit 1
    }
}
regen_progenitor() { # openapi out
    rm -rf "$2"
    "$progenitor" progenitor -i "$1" -o "$2" -n modelarts-pools -v 0.1.0 --interface "$interface" >"$work/progenitor-stdout.log" 2>>"$work/regen-progenitor.log" || {
        log "cargo-progenitor failed on $1:"
        grep -m 3 -e 'gen fail' -e panicked "$work/progenitor-stdout.log" "$work/regen-progenitor.log" >&2
        exit 1
    }
}

# A one-member workspace at $1 holding a copy of the generated crate $2 (in $1/crate).
scratch_workspace() { # dir generated
    rm -rf "$1"
    mkdir -p "$1"
    cp -a "$2" "$1/crate"
    printf '[workspace]\nresolver = "3"\nmembers = ["crate"]\n' >"$1/Cargo.toml"
}

declare -A med
skipped=""
printf 'factor\tside\tmeasure\trun\tvalue\n' >"$work/runs.tsv"
: >"$work/regen-ours.log"
: >"$work/regen-progenitor.log"

for n in $factors; do
    dir="$work/f$n"
    mkdir -p "$dir"
    log "factor $n: specs"
    "$CARGO_TARGET_DIR/release/scaled-spec" --factor "$n" --out "$dir/spec.json"
    "$CARGO_TARGET_DIR/release/spec-to-openapi" --factor "$n" --out "$dir/openapi.json"
    # codegen refuses a spec over 16 MiB (the 42-operation spec passes that at about 37×).
    if [ "$(stat -c %s "$dir/spec.json")" -gt $((16 * 1024 * 1024)) ]; then
        log "factor $n: SKIPPED: the scaled spec is $(stat -c %s "$dir/spec.json") bytes, over the 16 MiB codegen accepts"
        skipped+=" ${n}×"
        continue
    fi

    # Regeneration, alternated; one untimed warm-up of each first.
    log "factor $n: regeneration, $runs runs each, alternated"
    want ours && regen_ours "$dir/spec.json" "$dir/ours"
    want progenitor && regen_progenitor "$dir/openapi.json" "$dir/progenitor"
    ours_t=""
    prog_t=""
    for run in $(seq 1 "$runs"); do
        if want ours; then
            a=$(now); regen_ours "$dir/spec.json" "$dir/ours"; b=$(now)
            t=$(elapsed "$a" "$b"); ours_t+=" $t"; record "$n" ours regen "$run" "$t"
        fi
        if want progenitor; then
            a=$(now); regen_progenitor "$dir/openapi.json" "$dir/progenitor"; b=$(now)
            t=$(elapsed "$a" "$b"); prog_t+=" $t"; record "$n" progenitor regen "$run" "$t"
        fi
    done
    med[$n,ours,regen]=$(echo "$ours_t" | median)
    med[$n,progenitor,regen]=$(echo "$prog_t" | median)
    for side in ours progenitor; do
        if want "$side"; then
            med[$n,$side,lines]=$(rust_lines "$dir/$side")
            med[$n,$side,rsbytes]=$(rust_bytes "$dir/$side")
            med[$n,$side,bytes]=$(tree_bytes "$dir/$side")
            med[$n,$side,files]=$(find "$dir/$side" -type f | wc -l | tr -d ' ')
        fi
    done

    case " $build_factors " in *" $n "*) ;; *) continue ;; esac

    # Build: scratch workspaces, dependencies first.
    if want ours; then
        scratch_workspace "$dir/build-ours" "$dir/ours"
        # Point the runtime dependency at this workspace's runtime/, wherever codegen said it was.
        sed -i -E "s#^(modelarts-pools-runtime = \\{.*path = )\"[^\"]*\"#\\1\"$root/runtime\"#" \
            "$dir/build-ours/crate/Cargo.toml"
        grep -q "path = \"$root/runtime\"" "$dir/build-ours/crate/Cargo.toml" || {
            log "cannot find the runtime dependency in $dir/build-ours/crate/Cargo.toml"
            exit 1
        }
        cp "$root/Cargo.lock" "$dir/build-ours/Cargo.lock"
    fi
    want progenitor && scratch_workspace "$dir/build-progenitor" "$dir/progenitor"
    build() { # side [env...]
        local side="$1"
        shift
        (cd "$work/f$n/build-$side" &&
            env CARGO_TARGET_DIR="$work/target-$side" "$@" cargo build -q --lib)
    }
    for side in ours progenitor; do
        if want "$side"; then
            log "factor $n: building $side's crate and its dependencies (untimed)"
            build "$side"
        fi
    done

    # Cargo's own cost: a build with nothing changed (fingerprints of the crate and every dependency).
    log "factor $n: cargo build --lib with nothing changed, $build_runs runs each, alternated"
    ours_t=""
    prog_t=""
    for run in $(seq 1 "$build_runs"); do
        for side in ours progenitor; do
            want "$side" || continue
            a=$(now); build "$side"; b=$(now)
            t=$(elapsed "$a" "$b")
            record "$n" "$side" build-noop "$run" "$t"
            if [ "$side" = ours ]; then ours_t+=" $t"; else prog_t+=" $t"; fi
        done
    done
    med[$n,ours,build-noop]=$(echo "$ours_t" | median)
    med[$n,progenitor,build-noop]=$(echo "$prog_t" | median)

    configs=("incr|")
    [ "$nonincr" = 1 ] && configs+=("nonincr|CARGO_INCREMENTAL=0")
    for config in "${configs[@]}"; do
        measure="${config%%|*}"
        extra=()
        [ -n "${config#*|}" ] && extra=("${config#*|}")
        log "factor $n: touch src/lib.rs && cargo build --lib ($measure), $build_runs runs each, alternated"
        for side in ours progenitor; do # warm-up
            if want "$side"; then touch "$dir/build-$side/crate/src/lib.rs"; build "$side" "${extra[@]}"; fi
        done
        ours_t=""
        prog_t=""
        for run in $(seq 1 "$build_runs"); do
            for side in ours progenitor; do
                want "$side" || continue
                touch "$dir/build-$side/crate/src/lib.rs"
                a=$(now); build "$side" "${extra[@]}"; b=$(now)
                t=$(elapsed "$a" "$b")
                record "$n" "$side" "build-$measure" "$run" "$t"
                if [ "$side" = ours ]; then ours_t+=" $t"; else prog_t+=" $t"; fi
            done
        done
        med[$n,ours,build-$measure]=$(echo "$ours_t" | median)
        med[$n,progenitor,build-$measure]=$(echo "$prog_t" | median)
    done
done

# --- report ------------------------------------------------------------------------------------
get() { echo "${med[$1]:--}"; }
secs() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else if (v < 1) printf "%.0f ms", v * 1000; else printf "%.2f s", v }'; }
kib() { awk -v v="$1" 'BEGIN { if (v == "-") print "-"; else printf "%.0f KiB", v / 1024 }'; }
cell() { # key formatter: "ours | progenitor | ratio"
    echo "$($2 "$(get "$1,ours,$3")") | $($2 "$(get "$1,progenitor,$3")") | $(ratio "$(get "$1,ours,$3")" "$(get "$1,progenitor,$3")")"
}
plain() { echo "$1"; }

echo
echo "machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/^Mem:/ {print $2 " GiB"}') memory, shared with other work; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "rustc: $(rustc --version); cargo-progenitor $progenitor_version --interface $interface, formatting with $rustfmt_note; medians of $runs regeneration runs and $build_runs build runs per figure (after one warm-up each), contestants alternated"
echo
header="| factor | regenerate: ours | progenitor | ratio | debug rebuild: ours | progenitor | ratio |"
rule="|---:|---:|---:|---:|---:|---:|---:|"
if [ "$nonincr" = 1 ]; then
    header+=" same, CARGO_INCREMENTAL=0: ours | progenitor | ratio |"
    rule+="---:|---:|---:|"
fi
header+=" nothing changed: ours | progenitor |"
rule+="---:|---:|"
echo "$header"
echo "$rule"
for n in $factors; do
    row="| ${n}× | $(cell "$n" secs regen) | $(cell "$n" secs build-incr) |"
    [ "$nonincr" = 1 ] && row+=" $(cell "$n" secs build-nonincr) |"
    row+=" $(secs "$(get "$n,ours,build-noop")") | $(secs "$(get "$n,progenitor,build-noop")") |"
    echo "$row"
done
echo
echo "| factor | lines of Rust: ours | progenitor | ratio | Rust source: ours | progenitor | ratio | whole crate: ours | progenitor | ratio | files: ours | progenitor |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $factors; do
    echo "| ${n}× | $(cell "$n" plain lines) | $(cell "$n" kib rsbytes) | $(cell "$n" kib bytes) | $(get "$n,ours,files") | $(get "$n,progenitor,files") |"
done
echo
echo "targets (ratio = ours / progenitor's $interface interface):"
bound=$([ "$interface" = builder ] && echo 0.7 || echo 0.8)
for n in 1 10; do
    for measure in build-incr build-nonincr; do
        r=$(ratio "$(get "$n,ours,$measure")" "$(get "$n,progenitor,$measure")")
        [ "$r" = "-" ] && continue
        awk -v r="$r" -v n="$n" -v m="$measure" -v b="$bound" 'BEGIN { printf "  debug rebuild (%s) at %s×: %s (target ≤ %s): %s\n", m, n, r, b, (r <= b ? "met" : "NOT MET") }'
    done
    r=$(ratio "$(get "$n,ours,regen")" "$(get "$n,progenitor,regen")")
    [ "$r" != "-" ] && awk -v r="$r" -v n="$n" 'BEGIN { printf "  regeneration at %s×: %s (target ≤ 0.3): %s\n", n, r, (r <= 0.3 ? "met" : "NOT MET") }'
    if [ "$interface" = builder ]; then
        r=$(ratio "$(get "$n,ours,lines")" "$(get "$n,progenitor,lines")")
        [ "$r" != "-" ] && awk -v r="$r" -v n="$n" 'BEGIN { printf "  lines of Rust at %s×: %s (target ≤ 1.0): %s\n", n, r, (r <= 1.0 ? "met" : "NOT MET") }'
    fi
done
if [ -z "$only" ]; then
    echo
    echo "median of the per-run ratios (each run's ours / the progenitor run right after it), with their range:"
    awk -F'\t' 'NR > 1 { v[$1 SUBSEP $3 SUBSEP $4 SUBSEP $2] = $5; if (!(($1 SUBSEP $3) in seen)) { seen[$1 SUBSEP $3] = 1; order[++k] = $1 SUBSEP $3 } }
        END {
            for (i = 1; i <= k; i++) {
                split(order[i], fm, SUBSEP); n = 0
                for (r = 1; (fm[1] SUBSEP fm[2] SUBSEP r SUBSEP "ours") in v; r++) {
                    p = v[fm[1] SUBSEP fm[2] SUBSEP r SUBSEP "progenitor"]
                    if (p > 0) x[++n] = v[fm[1] SUBSEP fm[2] SUBSEP r SUBSEP "ours"] / p
                }
                if (n == 0) continue
                for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
                m = (n % 2) ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
                printf "  %s× %s: %.2f (%.2f to %.2f, %d runs)\n", fm[1], fm[2], m, x[1], x[n], n
            }
        }' "$work/runs.tsv"
fi
[ -n "$skipped" ] && echo "skipped (scaled spec over codegen's 16 MiB limit):$skipped"
echo "every run: $work/runs.tsv"
