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

/// Criterion with short measurements: 20 samples, 1 s warm-up, 3 s of measurement. Command-line
/// options (`--sample-size`, `--measurement-time`, a filter, `--test`) still override these.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

/// Per-iteration times of every sample criterion took, by benchmark name.
#[derive(Clone, Default)]
pub struct Record {
    samples: Rc<RefCell<BTreeMap<String, Vec<(u64, Duration)>>>>,
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
        let mid = per_iter.len() / 2;
        let median = if per_iter.len() % 2 == 0 {
            (per_iter[mid - 1] + per_iter[mid]) / 2.0
        } else {
            per_iter[mid]
        };
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
