//! End-to-end regeneration in one process: parse, check, resolve, emit every output and format
//! it, on the real spec and on synthetic specs 10×, 100× and 1000× its size
//! (`modelarts_pools_benches::scale_spec`).
//!
//! ```sh
//! cargo bench -p modelarts-pools-benches --bench regenerate
//! ```
//!
//! Groups:
//! - `regenerate_real`: `codegen::generate` on `spec/modelarts-pools.json` (reading the file
//!   included), its two halves (`load_api` = parse + check + resolve; `render` = emit + format),
//!   and `generate` followed by `output::write_all` into a fresh folder.
//! - `regenerate_scaled`: `codegen::generate_from_str` on the 10× and 100× specs (10 samples).
//! - `regenerate_1000x`: one iteration takes about a minute, so it is timed by hand: a few runs
//!   (`REGEN_1000X_RUNS`, default 2; 0 skips it), median printed. Skipped in test mode.
//!
//! A summary with the medians and the targets (real < 50 ms, 100× < 1 s) is printed at the end.

mod support;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, SamplingMode};
use modelarts_pools_benches::{SPEC_FILE_NAME, scaled_spec_text, spec_path};
use support::{Record, human, test_mode, verdict};

const REAL_SAMPLES: usize = 20;
const SCALED_SAMPLES: usize = 10;

/// The positional filter criterion was given, if any (`cargo bench --bench regenerate -- real`).
fn filter_allows(id: &str) -> bool {
    const WITH_VALUE: &[&str] = &[
        "--sample-size",
        "--warm-up-time",
        "--measurement-time",
        "--nresamples",
        "--noise-threshold",
        "--confidence-level",
        "--significance-level",
        "--save-baseline",
        "--baseline",
        "--load-baseline",
        "--profile-time",
        "--color",
        "--plotting-backend",
        "--output-format",
        "--format",
        "--logfile",
        "--skip",
    ];
    let mut args = std::env::args().skip(1);
    let mut filters = Vec::new();
    while let Some(arg) = args.next() {
        if WITH_VALUE.contains(&arg.as_str()) {
            args.next();
        } else if !arg.starts_with('-') {
            filters.push(arg);
        }
    }
    filters.is_empty() || filters.iter().any(|f| id.contains(f.as_str()))
}

fn generate_text(text: &str) -> codegen::Files {
    match codegen::generate_from_str(SPEC_FILE_NAME, text) {
        Ok(files) => files,
        Err(diagnostics) => panic!("the spec was refused: {diagnostics:?}"),
    }
}

fn bench_real(c: &mut criterion::Criterion, record: &Record) {
    let path = spec_path();
    let text = std::fs::read_to_string(&path).expect("read spec/modelarts-pools.json");
    let api = codegen::load_api(SPEC_FILE_NAME, &text).expect("the real spec loads");

    let mut group = c.benchmark_group("regenerate_real");
    group.sample_size(REAL_SAMPLES);
    group.bench_function("generate", |b| {
        record.iter(b, "real/generate", || {
            codegen::generate(black_box(&path)).expect("the real spec generates")
        })
    });
    group.bench_function("load_api", |b| {
        record.iter(b, "real/load_api", || {
            codegen::load_api(SPEC_FILE_NAME, black_box(&text)).expect("loads")
        })
    });
    group.bench_function("render", |b| {
        record.iter(b, "real/render", || {
            codegen::emit::render(black_box(&api), SPEC_FILE_NAME).expect("renders")
        })
    });
    group.bench_function("generate_and_write_all", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("a temporary folder"),
            |dir| {
                let files = codegen::generate(black_box(&path)).expect("generates");
                let out = dir.path().join("generated");
                codegen::output::write_all(&out, &files).expect("writes");
                dir
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn bench_scaled(c: &mut criterion::Criterion, record: &Record, factors: &[usize]) {
    let mut group = c.benchmark_group("regenerate_scaled");
    group
        .sample_size(SCALED_SAMPLES)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500));
    for &factor in factors {
        let id = format!("generate_{factor}x");
        if !filter_allows(&format!("regenerate_scaled/{id}")) {
            continue;
        }
        let text = scaled_spec_text(factor).expect("build the scaled spec");
        let name = format!("scaled/{factor}x");
        group.bench_function(&id, |b| record.iter(b, &name, || generate_text(&text)));
    }
    group.finish();
}

/// Times a few whole runs of the 1000× spec by hand; criterion would want at least 10.
fn bench_1000x() -> Option<Duration> {
    let runs: usize = std::env::var("REGEN_1000X_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2);
    if runs == 0 || test_mode() || !filter_allows("regenerate_1000x/generate") {
        return None;
    }
    println!("regenerate_1000x/generate: timing {runs} run(s) by hand (about a minute each)");
    let text = scaled_spec_text(1000).expect("build the 1000x spec");
    let mut times: Vec<Duration> = (0..runs)
        .map(|run| {
            let started = Instant::now();
            let files = generate_text(&text);
            let elapsed = started.elapsed();
            drop(black_box(files));
            println!("  run {}: {}", run + 1, human(elapsed));
            elapsed
        })
        .collect();
    times.sort();
    let n = times.len();
    let median = (times[(n - 1) / 2] + times[n / 2]) / 2;
    println!(
        "regenerate_1000x/generate: median {} of {runs} (min {}, max {})",
        human(median),
        human(times[0]),
        human(times[times.len() - 1])
    );
    Some(median)
}

fn main() {
    let mut c = support::criterion();
    let record = Record::default();
    let factors: &[usize] = if test_mode() { &[10] } else { &[10, 100] };
    bench_real(&mut c, &record);
    bench_scaled(&mut c, &record, factors);
    let big = bench_1000x();
    c.final_summary();
    if test_mode() {
        return;
    }

    println!("\nregenerate summary (median time per run)");
    let real = record.median("real/generate", REAL_SAMPLES);
    if let Some(real) = real {
        println!(
            "  real spec, generate:        {:>12}   target < 50 ms: {}",
            human(real),
            verdict(real < Duration::from_millis(50))
        );
    }
    for (label, name) in [
        ("  real spec, load_api:        ", "real/load_api"),
        ("  real spec, render:          ", "real/render"),
    ] {
        if let Some(d) = record.median(name, REAL_SAMPLES) {
            println!("{label}{:>12}", human(d));
        }
    }
    let mut rows: Vec<(usize, Duration)> = factors
        .iter()
        .filter_map(|&f| Some((f, record.median(&format!("scaled/{f}x"), SCALED_SAMPLES)?)))
        .collect();
    rows.extend(big.map(|d| (1000, d)));
    for (factor, d) in rows {
        let per = d / factor as u32;
        let growth = real
            .map(|r| {
                format!(
                    "{:.2}x the real spec per 1x",
                    per.as_secs_f64() / r.as_secs_f64()
                )
            })
            .unwrap_or_default();
        let target = if factor == 100 {
            format!("   target < 1 s: {}", verdict(d < Duration::from_secs(1)))
        } else {
            String::new()
        };
        println!(
            "  {factor:>4}x spec, generate:       {:>12}   ({} per 1x, {growth}){target}",
            human(d),
            human(per)
        );
    }
}
