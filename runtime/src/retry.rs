//! Retry policy: how many attempts, and how long to wait between them.

use std::time::Duration;

use crate::error::{Error, TransportErrorKind};

/// When and how often a failed call is tried again.
///
/// Connection failures (nothing was sent) are retried for every operation; timeouts and the
/// statuses 429, 502, 503 and 504 only for idempotent ones. A numeric `Retry-After` is honoured
/// up to `max_backoff`. Every attempt is signed anew.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included (0 counts as 1).
    pub max_attempts: u32,
    /// Wait before the second attempt; it doubles for each further one.
    pub initial_backoff: Duration,
    /// Longest wait between two attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts, waiting 200 ms then 400 ms (doubling up to 5 s), with jitter.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// One attempt only.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    pub(crate) fn attempts(&self) -> u32 {
        self.max_attempts.max(1)
    }

    /// The wait after failed attempt number `attempt` (1-based): exponential, capped, with
    /// "equal jitter" (between half and all of the computed wait). A `retry_after` from the
    /// server replaces it, capped at `max_backoff`.
    pub(crate) fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let full = self
            .initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff);
        let half = full / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        let jitter = if nanos == 0 {
            0
        } else {
            random_u64() % (nanos + 1)
        };
        half + Duration::from_nanos(jitter)
    }
}

/// A pseudo-random number good enough for jitter (no cryptographic use).
/// When a failed attempt may be tried again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryClass {
    /// Nothing reached the service (the connection failed): safe for any method.
    Always,
    /// The service may have acted (a timeout, 429, 502, 503, 504): only for idempotent operations.
    IfIdempotent,
    Never,
}

/// The one retry classifier: what a failed attempt allows.
pub(crate) fn classify(error: &Error) -> RetryClass {
    match error {
        Error::Transport(e) => match e.kind() {
            TransportErrorKind::Connect => RetryClass::Always,
            TransportErrorKind::Timeout => RetryClass::IfIdempotent,
            _ => RetryClass::Never,
        },
        Error::Api(api) if api.is_retryable() => RetryClass::IfIdempotent,
        _ => RetryClass::Never,
    }
}

/// The pause a retryable answer asks for with `Retry-After` (whole seconds).
pub(crate) fn retry_after(error: &Error) -> Option<Duration> {
    let api = error.api().filter(|api| api.is_retryable())?;
    let value = api.headers.get("retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

pub(crate) fn random_u64() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let p = RetryPolicy::default();
        for _ in 0..50 {
            let b1 = p.backoff(1, None);
            assert!(b1 >= Duration::from_millis(100) && b1 <= Duration::from_millis(200));
            let b2 = p.backoff(2, None);
            assert!(b2 >= Duration::from_millis(200) && b2 <= Duration::from_millis(400));
            let b9 = p.backoff(40, None);
            assert!(b9 >= Duration::from_millis(2500) && b9 <= Duration::from_secs(5));
        }
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(1))),
            Duration::from_secs(1)
        );
        assert_eq!(
            p.backoff(1, Some(Duration::from_secs(3600))),
            Duration::from_secs(5)
        );
        assert_eq!(RetryPolicy::disabled().attempts(), 1);
        let zero = RetryPolicy {
            max_attempts: 0,
            initial_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
        };
        assert_eq!(zero.attempts(), 1);
        assert_eq!(zero.backoff(3, None), Duration::ZERO);
    }
}
