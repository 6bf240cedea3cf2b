//! Shared by the benchmarks: criterion settings for this 2-core machine, and a record of each
//! benchmark's samples so the summary can print medians and ratios.

#![allow(dead_code)] // each benchmark uses a different part

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;
use std::hint::black_box;
use std::rc::Rc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use criterion::async_executor::AsyncExecutor;
use criterion::measurement::WallTime;

/// Criterion with short measurements: 20 samples, 1 s warm-up, 3 s of measurement, no plots.
/// Command-line options (`--sample-size`, `--measurement-time`, a filter, `--test`) still
/// override these.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .without_plots()
        .configure_from_args()
}

/// Whether criterion only checks that each benchmark runs (`cargo test --benches`,
/// `cargo bench -- --test`) or lists them, rather than measuring. The summaries are skipped then:
/// one unoptimized run is no figure.
pub fn test_mode() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--test") || has("--list") || has("--profile-time") || !has("--bench")
}

/// Each sample criterion took: iterations and their total time.
type Samples = Vec<(u64, Duration)>;

/// Every sample criterion took, by benchmark name.
#[derive(Clone, Default)]
pub struct Record {
    samples: Rc<RefCell<BTreeMap<String, Samples>>>,
}

impl Record {
    fn push(&self, name: &str, iters: u64, elapsed: Duration) {
        self.samples
            .borrow_mut()
            .entry(name.to_string())
            .or_default()
            .push((iters, elapsed));
    }

    /// Times `routine` the way `Bencher::iter` does, keeping each sample under `name`.
    pub fn iter<R>(
        &self,
        b: &mut criterion::Bencher<'_, WallTime>,
        name: &str,
        mut routine: impl FnMut() -> R,
    ) {
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                black_box(routine());
            }
            let elapsed = started.elapsed();
            self.push(name, iters, elapsed);
            elapsed
        });
    }

    /// [`Record::iter`] for an async routine on criterion's async executor.
    pub fn iter_async<'b, A, R, F>(
        &self,
        b: &mut criterion::AsyncBencher<'_, 'b, A, WallTime>,
        name: &str,
        routine: impl Fn() -> F,
    ) where
        A: AsyncExecutor,
        F: Future<Output = R>,
    {
        let routine = &routine;
        b.iter_custom(|iters| {
            let record = self.clone();
            let name = name.to_string();
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    black_box(routine().await);
                }
                let elapsed = started.elapsed();
                record.push(&name, iters, elapsed);
                elapsed
            }
        });
    }

    /// Median time per iteration of the last `sample_size` samples (criterion's measured
    /// samples; earlier calls are its warm-up), or `None` when `name` was not run.
    pub fn median(&self, name: &str, sample_size: usize) -> Option<Duration> {
        let samples = self.samples.borrow();
        let all = samples.get(name)?;
        let measured = &all[all.len().saturating_sub(sample_size)..];
        let mut per_iter: Vec<f64> = measured
            .iter()
            .filter(|(iters, _)| *iters > 0)
            .map(|(iters, elapsed)| elapsed.as_secs_f64() / *iters as f64)
            .collect();
        if per_iter.is_empty() {
            return None;
        }
        per_iter.sort_by(f64::total_cmp);
        let median = median_of(&mut per_iter);
        Some(Duration::from_secs_f64(median))
    }
}

/// `1.23 ms`, `45.6 µs`, `789 ns`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.3} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}

/// `met` or `NOT MET`.
pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT MET" }
}

/// The result of [`paired`].
pub struct Paired {
    /// Median time per iteration of `a`.
    pub a: Duration,
    /// Median time per iteration of `b`.
    pub b: Duration,
    /// Median over the rounds of `a / b` within one round.
    pub ratio: f64,
}

/// Compares `a` with `b` in alternating rounds, so that load from other processes on the
/// machine falls on both alike: each round times one batch of each (order swapped every
/// round), and the ratio is taken within the round. Each closure runs one batch and returns the
/// time per iteration.
pub fn paired(
    rounds: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> Paired {
    let mut times_a = Vec::with_capacity(rounds);
    let mut times_b = Vec::with_capacity(rounds);
    let mut ratios = Vec::with_capacity(rounds);
    let mut a_first = true;
    for _ in 0..rounds.max(1) {
        let (ta, tb) = if a_first {
            let ta = a();
            (ta, b())
        } else {
            let tb = b();
            (a(), tb)
        };
        a_first = !a_first;
        times_a.push(ta.as_secs_f64());
        times_b.push(tb.as_secs_f64());
        ratios.push(ta.as_secs_f64() / tb.as_secs_f64());
    }
    Paired {
        a: Duration::from_secs_f64(median_of(&mut times_a)),
        b: Duration::from_secs_f64(median_of(&mut times_b)),
        ratio: median_of(&mut ratios),
    }
}

fn median_of(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    (values[(n - 1) / 2] + values[n / 2]) / 2.0
}

/// Times `iters` runs of `routine`, per iteration.
pub fn per_iter<R>(iters: u32, mut routine: impl FnMut() -> R) -> Duration {
    let started = Instant::now();
    for _ in 0..iters {
        black_box(routine());
    }
    started.elapsed() / iters
}

/// Whether serde_json's `preserve_order` is on in this build, for the summaries (the runtime turns
/// it on so unknown members keep their arrival order).
pub fn unknown_fields_kind() -> &'static str {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(r#"{"b": 1, "a": 2}"#).unwrap_or_default();
    if map.keys().next().map(String::as_str) == Some("b") {
        "serde_json preserve_order ON (the runtime requires it): unknown_fields keeps arrival order"
    } else {
        "serde_json preserve_order OFF: unexpected, the runtime turns it on"
    }
}
