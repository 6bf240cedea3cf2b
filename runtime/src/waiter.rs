//! Waiting for a resource to reach a state: poll, judge, back off with jitter, give up at a limit.
//!
//! Generated `wait_until_*` methods call [`wait_until`] with the operation to poll and a judge
//! that reads the state from each answer. Times come from `tokio::time`, so tests can pause them.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use clock::{now, sleep};

/// A waiter's progress callback, as a generated waiter builder holds it.
pub type OnProgress<'a> = Box<dyn FnMut(&Progress<'_>) + Send + 'a>;

/// How long to wait between polls, and for how long at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiterConfig {
    /// The first wait between polls.
    pub min_delay: Duration,
    /// The longest wait between polls (waits double up to it, with jitter).
    pub max_delay: Duration,
    /// The longest the whole wait may take.
    pub max_wait: Duration,
    /// Pauses take no real time: each moves the wait's own clock on by its length instead
    /// ([`virtual_time`](Self::virtual_time)).
    virtual_time: bool,
}

impl WaiterConfig {
    pub fn new(min_delay: Duration, max_delay: Duration, max_wait: Duration) -> Self {
        WaiterConfig {
            min_delay,
            max_delay: max_delay.max(min_delay),
            max_wait,
            virtual_time: false,
        }
    }

    /// For tests of code that waits: the pauses between polls take no real time, and the
    /// times the wait reports (`elapsed`, `waited`, the deadline) are the sums of its pauses,
    /// so a test sees exactly the schedule the delays give, at once. Polls are real calls.
    pub fn virtual_time(mut self) -> Self {
        self.virtual_time = true;
        self
    }

    pub fn min_delay(mut self, delay: Duration) -> Self {
        self.min_delay = delay;
        self
    }

    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    pub fn max_wait(mut self, wait: Duration) -> Self {
        self.max_wait = wait;
        self
    }

    /// The wait before poll number `polls + 1`: `min_delay` doubling up to `max_delay`, with
    /// "equal jitter" (between half and all of it, never below `min_delay`).
    fn delay(&self, polls: u32) -> Duration {
        let factor = 2u32.saturating_pow(polls.saturating_sub(1).min(31));
        let full = self
            .min_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay);
        let half = (full / 2).max(self.min_delay.min(full));
        let spread = u64::try_from((full - half).as_nanos()).unwrap_or(u64::MAX);
        let jitter = if spread == 0 {
            0
        } else {
            crate::retry::random_u64() % (spread + 1)
        };
        half + Duration::from_nanos(jitter)
    }
}

impl Default for WaiterConfig {
    /// 5 s growing to 60 s, for at most 30 minutes.
    fn default() -> Self {
        WaiterConfig::new(
            Duration::from_secs(5),
            Duration::from_secs(60),
            Duration::from_secs(30 * 60),
        )
    }
}

/// What one answer means to a waiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The wait is over: the resource is where it should be.
    Success,
    /// The wait is over: the resource will not get there.
    Failure,
    /// Poll again.
    Retry,
}

/// What a waiter reports after each poll that leaves it waiting.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Polls made so far.
    pub polls: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
    /// The state the last answer showed (`Creating`), if it showed one.
    pub state: Option<&'a str>,
    /// The wait before the next poll.
    pub next_delay: Option<Duration>,
}

/// Why a wait ended without success.
#[derive(Debug)]
pub enum WaiterError<T, E> {
    /// The resource reached a failure state; `last` is the value as last seen.
    FailureState {
        state: String,
        last: Box<T>,
        polls: u32,
        waited: Duration,
    },
    /// The resource is gone (a 404) while it was awaited.
    Gone { polls: u32, waited: Duration },
    /// Time ran out; `last` is the value of the last answer that had one.
    TimedOut {
        last_state: Option<String>,
        last: Option<Box<T>>,
        waited: Duration,
        polls: u32,
    },
    /// A poll failed in a way that waiting does not mend.
    Operation(E),
}

impl<T, E: fmt::Display> fmt::Display for WaiterError<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiterError::FailureState {
                state,
                polls,
                waited,
                ..
            } => write!(
                f,
                "the resource reached {state} after {polls} poll(s) in {} s",
                waited.as_secs()
            ),
            WaiterError::Gone { polls, waited } => write!(
                f,
                "the resource is gone (404) after {polls} poll(s) in {} s",
                waited.as_secs()
            ),
            WaiterError::TimedOut {
                last_state,
                waited,
                polls,
                ..
            } => write!(
                f,
                "timed out after {} s and {polls} poll(s); the last state was {}",
                waited.as_secs(),
                last_state.as_deref().unwrap_or("unknown")
            ),
            WaiterError::Operation(error) => write!(f, "a poll failed: {error}"),
        }
    }
}

impl<T: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaiterError<T, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaiterError::Operation(error) => Some(error),
            _ => None,
        }
    }
}

/// Polls until `judge` says [`Verdict::Success`] (`Ok(Some(value))`, or `Ok(None)` when the
/// success was an error such as a 404 for a deletion) or [`Verdict::Failure`], or time runs
/// out. `judge` also names the state it saw, for progress and errors. `on_progress` is called
/// after every poll that leaves the waiter waiting.
pub async fn wait_until<T, E, F, Fut, J>(
    config: &WaiterConfig,
    poll: F,
    judge: J,
    on_progress: impl FnMut(&Progress<'_>),
) -> Result<Option<T>, WaiterError<T, E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    J: FnMut(&Result<T, E>) -> (Verdict, Option<String>),
{
    Ok(match wait(config, poll, judge, on_progress).await? {
        Ended::Value(value) => Some(value),
        Ended::Error { .. } => None,
    })
}

/// [`wait_until`] for a waiter whose success is a value: a success judged on an error (which such
/// a judge should not give) ends as [`WaiterError::Gone`] rather than without a value.
pub async fn wait_for_value<T, E, F, Fut, J>(
    config: &WaiterConfig,
    poll: F,
    judge: J,
    on_progress: impl FnMut(&Progress<'_>),
) -> Result<T, WaiterError<T, E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    J: FnMut(&Result<T, E>) -> (Verdict, Option<String>),
{
    match wait(config, poll, judge, on_progress).await? {
        Ended::Value(value) => Ok(value),
        Ended::Error { polls, waited } => Err(WaiterError::Gone { polls, waited }),
    }
}

/// How a successful wait ended.
enum Ended<T> {
    Value(T),
    Error { polls: u32, waited: Duration },
}

async fn wait<T, E, F, Fut, J>(
    config: &WaiterConfig,
    mut poll: F,
    mut judge: J,
    mut on_progress: impl FnMut(&Progress<'_>),
) -> Result<Ended<T>, WaiterError<T, E>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    J: FnMut(&Result<T, E>) -> (Verdict, Option<String>),
{
    let mut clock = WaitClock::new(config.virtual_time);
    let started = clock.now();
    let deadline = started + config.max_wait;
    let mut polls = 0u32;
    let mut last_state: Option<String> = None;
    let mut last: Option<Box<T>> = None;
    loop {
        let answer = poll().await;
        polls += 1;
        let (verdict, state) = judge(&answer);
        if state.is_some() {
            last_state = state;
        }
        let waited = clock.now() - started;
        match (verdict, answer) {
            (Verdict::Success, Ok(value)) => return Ok(Ended::Value(value)),
            (Verdict::Success, Err(_)) => return Ok(Ended::Error { polls, waited }),
            (Verdict::Failure, Ok(value)) => {
                return Err(WaiterError::FailureState {
                    state: last_state.unwrap_or_else(|| "unknown".to_owned()),
                    last: Box::new(value),
                    polls,
                    waited,
                });
            }
            (Verdict::Failure, Err(error)) => {
                return Err(if last_state.as_deref() == Some("gone") {
                    WaiterError::Gone { polls, waited }
                } else {
                    WaiterError::Operation(error)
                });
            }
            (Verdict::Retry, Ok(value)) => last = Some(Box::new(value)),
            (Verdict::Retry, Err(_)) => {}
        }
        let now = clock.now();
        if now >= deadline {
            return Err(WaiterError::TimedOut {
                last_state,
                last,
                waited: now - started,
                polls,
            });
        }
        // The last wait is cut so that the final poll happens at the deadline.
        let delay = config.delay(polls).min(deadline - now);
        crate::telemetry::waiting(polls, last_state.as_deref(), now - started, delay);
        on_progress(&Progress {
            polls,
            elapsed: now - started,
            state: last_state.as_deref(),
            next_delay: Some(delay),
        });
        clock.sleep(delay).await;
    }
}

/// One wait's clock: the waits' own (Tokio's, or a thread's virtual one), or with
/// [`WaiterConfig::virtual_time`] a virtual clock of this wait alone.
enum WaitClock {
    Shared,
    Own {
        began: tokio::time::Instant,
        passed: Duration,
    },
}

impl WaitClock {
    fn new(virtual_time: bool) -> Self {
        if virtual_time {
            WaitClock::Own {
                began: now(),
                passed: Duration::ZERO,
            }
        } else {
            WaitClock::Shared
        }
    }

    fn now(&self) -> tokio::time::Instant {
        match self {
            WaitClock::Shared => now(),
            WaitClock::Own { began, passed } => *began + *passed,
        }
    }

    async fn sleep(&mut self, delay: Duration) {
        match self {
            WaitClock::Shared => sleep(delay).await,
            WaitClock::Own { passed, .. } => *passed += delay,
        }
    }
}

/// Where waits read the time and how they pause: Tokio's clock (so tests can pause it), or, on a
/// thread running [`with_virtual_time`], a virtual clock that each pause moves on at once.
mod clock {
    use std::cell::Cell;
    use std::time::Duration;

    use tokio::time::Instant;

    thread_local! {
        /// When virtual time began (a real reading) and how much of it has passed since.
        static VIRTUAL: Cell<Option<(Instant, Duration)>> = const { Cell::new(None) };
    }

    /// Runs `f` with the waits it makes on this thread taking no real time: a pause moves the
    /// waits' clock on by its length instead of sleeping, so the times a wait reports (elapsed,
    /// timed out after) are the sums of its pauses. The program's test mode (a current-thread
    /// runtime, whose futures all run on this thread).
    #[cfg(feature = "cli")]
    pub(crate) fn with_virtual_time<R>(f: impl FnOnce() -> R) -> R {
        struct Restore(Option<(Instant, Duration)>);
        impl Drop for Restore {
            fn drop(&mut self) {
                VIRTUAL.set(self.0);
            }
        }
        let _restore = Restore(VIRTUAL.replace(Some((Instant::now(), Duration::ZERO))));
        f()
    }

    pub(super) fn now() -> Instant {
        match VIRTUAL.get() {
            Some((began, passed)) => began + passed,
            None => Instant::now(),
        }
    }

    pub(super) async fn sleep(delay: Duration) {
        match VIRTUAL.get() {
            Some((began, passed)) => VIRTUAL.set(Some((began, passed + delay))),
            None => tokio::time::sleep(delay).await,
        }
    }
}

#[cfg(feature = "cli")]
pub(crate) use clock::with_virtual_time;

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};

    use tokio::time::Instant;

    fn config() -> WaiterConfig {
        WaiterConfig::new(
            Duration::from_secs(2),
            Duration::from_secs(16),
            Duration::from_secs(120),
        )
    }

    /// A poll that counts its calls in `count` and answers `answer(call number)`.
    fn poller<'a>(
        count: &'a Cell<usize>,
        answer: &'a impl Fn(usize) -> Result<String, String>,
    ) -> impl FnMut() -> std::future::Ready<Result<String, String>> + 'a {
        move || {
            let i = count.get();
            count.set(i + 1);
            std::future::ready(answer(i))
        }
    }

    /// A poll that answers the given states in turn (the last one forever); "404" is an error.
    fn answers(
        states: &'static [&'static str],
    ) -> (Cell<usize>, impl Fn(usize) -> Result<String, String>) {
        (Cell::new(0), move |i: usize| {
            let state = states[i.min(states.len() - 1)];
            if state == "404" {
                Err("not found".to_owned())
            } else {
                Ok(state.to_owned())
            }
        })
    }

    fn judge(result: &Result<String, String>) -> (Verdict, Option<String>) {
        match result {
            Ok(s) if s == "Running" => (Verdict::Success, Some(s.clone())),
            Ok(s) if s == "Abnormal" => (Verdict::Failure, Some(s.clone())),
            Ok(s) => (Verdict::Retry, Some(s.clone())),
            Err(e) if e == "not found" => (Verdict::Success, Some("gone".to_owned())),
            Err(_) => (Verdict::Retry, None),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn success_after_polls_with_growing_jittered_delays() {
        let (count, answer) = answers(&["Creating", "Creating", "Creating", "Running"]);
        let delays = RefCell::new(Vec::new());
        let started = Instant::now();
        let value = wait_until(&config(), poller(&count, &answer), judge, |p| {
            delays.borrow_mut().push(p.next_delay.unwrap())
        })
        .await
        .unwrap();
        assert_eq!(value.as_deref(), Some("Running"));
        assert_eq!(count.get(), 4);
        let delays = delays.into_inner();
        assert_eq!(delays.len(), 3);
        for (i, delay) in delays.iter().enumerate() {
            let full = Duration::from_secs(2 << i).min(Duration::from_secs(16));
            assert!(
                *delay >= Duration::from_secs(2) && *delay <= full,
                "{i}: {delay:?}"
            );
        }
        // Paused time advances sleeps to whole milliseconds.
        let slept = delays.iter().sum::<Duration>();
        let elapsed = started.elapsed();
        assert!(
            elapsed >= slept && elapsed - slept < Duration::from_millis(10),
            "{elapsed:?} vs {slept:?}"
        );
    }

    /// Tokio's clock is not paused here: were the pauses real, this wait would take two minutes.
    #[tokio::test]
    async fn virtual_time_reports_the_schedule_without_sleeping() {
        let (count, answer) = answers(&["Creating"]);
        let delays = RefCell::new(Vec::new());
        let error = wait_until(
            &config().virtual_time(),
            poller(&count, &answer),
            judge,
            |p| delays.borrow_mut().push((p.elapsed, p.next_delay.unwrap())),
        )
        .await
        .unwrap_err();
        let delays = delays.into_inner();
        // Each progress report's elapsed time is the sum of the pauses before it.
        let mut sum = Duration::ZERO;
        for (elapsed, delay) in &delays {
            assert_eq!(*elapsed, sum);
            sum += *delay;
        }
        match error {
            WaiterError::TimedOut { waited, polls, .. } => {
                assert_eq!(waited, Duration::from_secs(120));
                assert_eq!(
                    sum,
                    Duration::from_secs(120),
                    "the last pause is cut to the deadline"
                );
                assert_eq!(polls as usize, count.get());
                assert_eq!(polls as usize, delays.len() + 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_failure_state_ends_at_once_with_the_value_as_last_seen() {
        let (count, answer) = answers(&["Creating", "Abnormal", "Running"]);
        let error = wait_until(&config(), poller(&count, &answer), judge, |_| {})
            .await
            .unwrap_err();
        match error {
            WaiterError::FailureState {
                state, last, polls, ..
            } => {
                assert_eq!(
                    (state.as_str(), last.as_str(), polls),
                    ("Abnormal", "Abnormal", 2)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn running_out_of_time_says_the_last_state_the_time_and_the_polls() {
        let (count, answer) = answers(&["Creating"]);
        let started = Instant::now();
        let error = wait_until(&config(), poller(&count, &answer), judge, |_| {})
            .await
            .unwrap_err();
        match &error {
            WaiterError::TimedOut {
                last_state,
                waited,
                polls,
                last,
            } => {
                assert_eq!(last_state.as_deref(), Some("Creating"));
                assert_eq!(
                    *waited,
                    Duration::from_secs(120),
                    "the last wait is cut at the limit"
                );
                assert_eq!(*polls, count.get() as u32);
                assert_eq!(last.as_deref().map(String::as_str), Some("Creating"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(started.elapsed(), Duration::from_secs(120));
        assert!(
            error.to_string().contains("the last state was Creating"),
            "{error}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn gone_can_be_the_success_and_transient_errors_are_waited_through() {
        let (count, answer) = answers(&["Deleting", "flaky", "404"]);
        let answer = |i: usize| {
            if i == 1 {
                Err("timeout".to_owned())
            } else {
                answer(i)
            }
        };
        let value = wait_until(&config(), poller(&count, &answer), judge, |_| {})
            .await
            .unwrap();
        assert_eq!(value, None, "gone");
        assert_eq!(count.get(), 3);
    }

    /// Virtual time on a runtime whose clock is not paused: the pauses take no real time, and
    /// the wait reckons with their sums (the limit is reached after exactly 120 s of pauses).
    #[cfg(feature = "cli")]
    #[test]
    fn virtual_time_reckons_with_the_pauses_without_making_them() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let (count, answer) = answers(&["Creating"]);
        let mut elapsed = Vec::new();
        let error = with_virtual_time(|| {
            runtime.block_on(wait_until(&config(), poller(&count, &answer), judge, |p| {
                elapsed.push(p.elapsed)
            }))
        })
        .unwrap_err();
        match error {
            WaiterError::TimedOut { waited, polls, .. } => {
                assert_eq!(waited, Duration::from_secs(120));
                assert_eq!(polls as usize, count.get());
            }
            other => panic!("{other:?}"),
        }
        // The first poll at once, the next after exactly the minimum (jitter never goes below it).
        assert_eq!(elapsed[..2], [Duration::ZERO, Duration::from_secs(2)]);
        assert!(elapsed.windows(2).all(|w| w[0] < w[1]), "{elapsed:?}");
        // Outside `with_virtual_time`, waits sleep on Tokio's clock again.
        assert!(clock::now() <= tokio::time::Instant::now());
    }
}
