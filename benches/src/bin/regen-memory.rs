//! Wall time and peak memory of one regeneration, per spec size.
//!
//! ```sh
//! cargo run --release -p modelarts-pools-benches --bin regen-memory -- --all
//! cargo run --release -p modelarts-pools-benches --bin regen-memory -- --all 1,10,100
//! cargo run --release -p modelarts-pools-benches --bin regen-memory -- 100
//! ```
//!
//! With a factor, the program builds the synthetic spec of that size
//! (`modelarts_pools_benches::scale_spec`), resets the kernel's peak-memory mark where it can
//! (`/proc/self/clear_refs`), runs `codegen::generate_from_str` once and prints one line of
//! `key=value` pairs. `--all` runs itself once per factor, each in a fresh process so the peaks do
//! not mix, and prints a table.
//!
//! `--stages FACTOR` splits one regeneration into its stages (`load_api` = parse + check +
//! resolve; `render_models` = `models.rs` alone; `render` = every file) and prints the time and
//! the peak of live heap bytes of each, counted by this program's allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use modelarts_pools_benches::{SPEC_FILE_NAME, peak_rss_kib, scaled_spec_text};

const DEFAULT_FACTORS: &[usize] = &[1, 10, 100, 1000];

/// The system allocator, counting live bytes and their peak (for `--stages`).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to `System` unchanged; only counters are updated around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` are passed on.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` with `layout`; `new_size` is the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `stage`, printing its time and how far live heap bytes rose above where they started.
fn stage<T>(name: &str, run: impl FnOnce() -> T) -> T {
    let start = LIVE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let started = Instant::now();
    let value = run();
    let elapsed = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed);
    let kept = LIVE.load(Ordering::Relaxed).saturating_sub(start);
    println!(
        "| {name} | {:.1} | {:.1} | {:.1} |",
        elapsed.as_secs_f64() * 1e3,
        (peak - start) as f64 / 1048576.0,
        kept as f64 / 1048576.0,
    );
    value
}

fn measure_stages(factor: usize) -> Result<(), String> {
    let text = scaled_spec_text(factor).map_err(|e| format!("cannot build the spec: {e}"))?;
    println!("{factor}x spec, {} KiB of JSON", text.len() / 1024);
    println!("| stage | time (ms) | peak live heap above start (MiB) | still held after (MiB) |");
    println!("|---|---:|---:|---:|");
    let refused = |d: codegen::Diagnostics| format!("the {factor}x spec was refused: {d:?}");
    let api = stage("load_api (parse, check, resolve)", || {
        codegen::load_api(SPEC_FILE_NAME, &text)
    })
    .map_err(refused)?;
    let models = stage("render_models (models.rs only)", || {
        codegen::emit::render_models(&api, SPEC_FILE_NAME)
    })?;
    let models_len = models.len();
    drop(models);
    let files = stage("render (every file)", || {
        codegen::emit::render(&api, SPEC_FILE_NAME)
    })?;
    let total: usize = files.values().map(String::len).sum();
    println!(
        "output: {:.1} MiB in {} files, models.rs {:.1} MiB",
        total as f64 / 1048576.0,
        files.len(),
        models_len as f64 / 1048576.0
    );
    Ok(())
}

fn current_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Resets `VmHWM` to the current RSS (Linux ≥ 4.0); false where that is not allowed.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn measure_one(factor: usize) -> Result<(), String> {
    let text = scaled_spec_text(factor).map_err(|e| format!("cannot build the spec: {e}"))?;
    let reset = reset_peak();
    let before = current_rss_kib().unwrap_or(0);
    let started = Instant::now();
    let files = codegen::generate_from_str(SPEC_FILE_NAME, &text)
        .map_err(|d| format!("the {factor}x spec was refused: {d:?}"))?;
    let wall = started.elapsed();
    let peak = peak_rss_kib().unwrap_or(0);
    let output_bytes: usize = files.values().map(String::len).sum();
    println!(
        "factor={factor} spec_bytes={} output_files={} output_bytes={output_bytes} wall_ms={:.1} rss_before_kib={before} peak_kib={peak} peak_reset={reset}",
        text.len(),
        files.len(),
        wall.as_secs_f64() * 1e3,
    );
    Ok(())
}

fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split_whitespace()
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
        .unwrap_or("?")
}

fn measure_all(factors: &[usize]) -> Result<(), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    println!(
        "| factor | spec (KiB) | files | output (KiB) | wall (ms) | ms per 1x | RSS before (MiB) | peak (MiB) | peak growth (MiB) | growth per 1x (MiB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut notes = Vec::new();
    for &factor in factors {
        let output = Command::new(&exe)
            .arg(factor.to_string())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if !output.status.success() {
            return Err(format!(
                "factor {factor} failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout.lines().last().unwrap_or("");
        let number = |key| field(line, key).parse::<f64>().unwrap_or(f64::NAN);
        let growth_mib = (number("peak_kib") - number("rss_before_kib")) / 1024.0;
        let per = factor as f64;
        println!(
            "| {factor} | {:.0} | {} | {:.0} | {:.1} | {:.2} | {:.1} | {:.1} | {:.1} | {:.2} |",
            number("spec_bytes") / 1024.0,
            field(line, "output_files"),
            number("output_bytes") / 1024.0,
            number("wall_ms"),
            number("wall_ms") / per,
            number("rss_before_kib") / 1024.0,
            number("peak_kib") / 1024.0,
            growth_mib,
            growth_mib / per,
        );
        if field(line, "peak_reset") != "true" {
            notes.push(format!(
                "factor {factor}: the peak could not be reset, so it includes building the spec"
            ));
        }
    }
    println!(
        "\npeak growth = peak RSS (VmHWM) during generate minus RSS just before it; each factor ran in a fresh process"
    );
    for note in notes {
        println!("{note}");
    }
    Ok(())
}

fn parse_factors(list: &str) -> Result<Vec<usize>, String> {
    list.split(',')
        .map(|f| {
            f.trim()
                .parse::<usize>()
                .ok()
                .filter(|&f| f > 0)
                .ok_or_else(|| format!("{f:?} is not a positive factor"))
        })
        .collect()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [all] if all == "--all" => measure_all(DEFAULT_FACTORS),
        [all, list] if all == "--all" => parse_factors(list).and_then(|f| measure_all(&f)),
        [stages, factor] if stages == "--stages" => match factor.parse::<usize>() {
            Ok(f) if f > 0 => measure_stages(f),
            _ => Err(format!("{factor:?} is not a positive factor")),
        },
        [factor] => match factor.parse::<usize>() {
            Ok(f) if f > 0 => measure_one(f),
            _ => Err(format!("{factor:?} is not a positive factor")),
        },
        _ => Err("usage: regen-memory FACTOR | regen-memory --all [F1,F2,...] | regen-memory --stages FACTOR".to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("regen-memory: {message}");
            ExitCode::FAILURE
        }
    }
}
