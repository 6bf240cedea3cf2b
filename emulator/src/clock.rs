//! The emulator's time: when a pending change settles, and the timestamps it shows. The system's
//! clock by default; a [`ManualClock`] moves only when told, so tests of transitions neither
//! sleep nor read the wall clock.
//!
//! It is calendar time, not monotonic time, because a state file keeps when each pending change
//! settles across restarts; a system clock set back only makes a change settle later.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Where the emulator reads the time.
pub trait Clock: Send + Sync {
    /// Calendar time: what `creationTimestamp` shows, and when pending changes settle.
    fn calendar(&self) -> SystemTime;
}

/// The system's clocks.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn calendar(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that stands still until [`ManualClock::advance`] moves it. Its calendar starts at
/// 2025-01-01T00:00:00Z, so the timestamps it shows are the same on every run.
#[derive(Debug)]
pub struct ManualClock {
    passed: Mutex<Duration>,
}

/// 2025-01-01T00:00:00Z in seconds since the Unix epoch.
const CALENDAR_ORIGIN: u64 = 1_735_689_600;

impl ManualClock {
    pub fn new() -> Self {
        ManualClock {
            passed: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: Duration) {
        *self.passed() += by;
    }

    fn passed(&self) -> std::sync::MutexGuard<'_, Duration> {
        // A plain number stays usable after a panic elsewhere.
        self.passed
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock::new()
    }
}

impl Clock for ManualClock {
    fn calendar(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(CALENDAR_ORIGIN) + *self.passed()
    }
}
