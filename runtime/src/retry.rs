//! Retries: how many attempts and how long to wait between them ([`RetryPolicy`]), which
//! failures may be tried again ([`RetryClassifier`], with Huawei Cloud's rules in
//! [`DefaultRetryClassifier`]), and the client-side budget that stops retries while most attempts
//! fail ([`RetryBudget`]).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use crate::error::{ApiError, Error, TransportErrorKind};

/// When and how often a failed call is tried again.
///
/// Which failures are retried is the client's [`RetryClassifier`] ([`DefaultRetryClassifier`]
/// unless set otherwise); a `Retry-After` (seconds or an HTTP date) is honoured up to
/// `max_backoff`. Every attempt is signed anew.
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

/// What a failed attempt allows.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryClass {
    /// The service never processed the request (the connection failed, the gateway throttled
    /// it): safe to send again whatever the method.
    Always,
    /// The service may have acted (a timeout, 429, 502, 503, 504): only idempotent operations
    /// are sent again.
    IfIdempotent,
    /// Not worth trying again.
    Never,
}

/// Decides whether a failed attempt may be tried again. The client's retry loop asks it after
/// every failure; the [`RetryPolicy`], the [`RetryBudget`] and the operation timeout then say
/// whether another attempt is actually made.
///
/// A classifier of one's own usually handles a few cases and leaves the rest to
/// [`DefaultRetryClassifier`]:
///
/// ```
/// use modelarts_pools_runtime::Error;
/// use modelarts_pools_runtime::retry::{DefaultRetryClassifier, RetryClass, RetryClassifier};
///
/// /// Also retries the service's "system busy" answers (a made-up rule for this example).
/// #[derive(Debug)]
/// struct BusyToo;
///
/// impl RetryClassifier for BusyToo {
///     fn classify(&self, error: &Error) -> RetryClass {
///         match error.api() {
///             Some(api) if api.error_code == "ModelArts.0001" => RetryClass::IfIdempotent,
///             _ => DefaultRetryClassifier.classify(error),
///         }
///     }
/// }
/// ```
pub trait RetryClassifier: Send + Sync + fmt::Debug {
    /// What `error` (the failure of one attempt) allows.
    fn classify(&self, error: &Error) -> RetryClass;
}

/// The API gateway's error code for a request it throttled ("The throttling threshold has been
/// reached"), which Huawei Cloud's help pages tell callers to retry after a pause.
pub const GATEWAY_THROTTLE_CODE: &str = "APIG.0308";

/// The rules of the official SDKs with Huawei Cloud's gateway semantics:
///
/// - a connection that failed (nothing was sent): [`RetryClass::Always`];
/// - a gateway throttle ([`GATEWAY_THROTTLE_CODE`], whatever the status, 429 as the gateway
///   sends it): [`RetryClass::Always`], since the gateway answered in the service's place and
///   the request never reached it;
/// - a timeout, a connection interrupted after the request was sent, or the statuses 429, 502,
///   503 and 504 otherwise: [`RetryClass::IfIdempotent`] (the service may have acted);
/// - anything else (4xx, TLS failures, redirects, bodies too large, decode errors, refused
///   requests): [`RetryClass::Never`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DefaultRetryClassifier;

impl RetryClassifier for DefaultRetryClassifier {
    fn classify(&self, error: &Error) -> RetryClass {
        match error {
            Error::Transport(e) => match e.kind() {
                TransportErrorKind::Connect => RetryClass::Always,
                TransportErrorKind::Timeout | TransportErrorKind::Interrupted => {
                    RetryClass::IfIdempotent
                }
                _ => RetryClass::Never,
            },
            Error::Api(api) if is_gateway_throttle(api) => RetryClass::Always,
            Error::Api(api) if api.is_retryable() => RetryClass::IfIdempotent,
            _ => RetryClass::Never,
        }
    }
}

/// Whether the API gateway throttled the request (it never reached the service).
pub fn is_gateway_throttle(api: &ApiError) -> bool {
    api.error_code == GATEWAY_THROTTLE_CODE
}

/// The pause an error answer asks for with `Retry-After`: whole seconds, or an HTTP date
/// (`Sun, 06 Nov 1994 08:49:37 GMT`, and the two obsolete forms) read against `now`. A date in
/// the past asks for no pause; a value of neither form is ignored.
pub fn retry_after(error: &Error, now: SystemTime) -> Option<Duration> {
    let value = error
        .api()?
        .headers
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds: as long as can be (the policy caps it).
        return Some(Duration::from_secs(
            value.parse::<u64>().unwrap_or(u64::MAX),
        ));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A client-side retry budget: a token bucket, as in smithy-rs's standard retry strategy.
///
/// Every retry takes [`retry_cost`](Self::retry_cost) tokens (a retry after a timeout
/// [`timeout_cost`](Self::timeout_cost)); when the bucket holds too few, the failure is returned
/// instead of retried. A call that succeeds at once puts [`success_refund`](Self::success_refund)
/// token back; one that succeeds on a retry gives back what that retry took. So while most
/// attempts succeed the bucket stays full, and while most fail it empties and retries stop being
/// sent, which keeps a fleet of clients from multiplying a throttle or an outage.
///
/// Clones share one bucket (so do the clones of a [`Client`](crate::Client), which keep the
/// budget they were built with); give several clients clones of one budget to make them share
/// it. The default holds 500 tokens, retries cost 5 and 10 after a timeout, and a success
/// refunds 1.
#[derive(Clone)]
pub struct RetryBudget {
    tokens: Arc<AtomicU32>,
    capacity: u32,
    retry_cost: u32,
    timeout_cost: u32,
    success_refund: u32,
}

impl RetryBudget {
    /// Tokens in a new default budget.
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// Tokens a retry takes by default.
    pub const DEFAULT_RETRY_COST: u32 = 5;
    /// Tokens a retry after a timeout takes by default.
    pub const DEFAULT_TIMEOUT_COST: u32 = 10;
    /// Tokens a call that succeeds at once gives back by default.
    pub const DEFAULT_SUCCESS_REFUND: u32 = 1;

    /// A full budget of `capacity` tokens with the default costs.
    pub fn new(capacity: u32) -> Self {
        RetryBudget {
            tokens: Arc::new(AtomicU32::new(capacity)),
            capacity,
            retry_cost: Self::DEFAULT_RETRY_COST,
            timeout_cost: Self::DEFAULT_TIMEOUT_COST,
            success_refund: Self::DEFAULT_SUCCESS_REFUND,
        }
    }

    /// A budget that never runs out: retries cost nothing (only the [`RetryPolicy`] limits
    /// them).
    pub fn unlimited() -> Self {
        RetryBudget::new(u32::MAX)
            .retry_cost(0)
            .timeout_cost(0)
            .success_refund(0)
    }

    /// Sets the tokens a retry takes.
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// Sets the tokens a retry after a timeout takes.
    pub fn timeout_cost(mut self, tokens: u32) -> Self {
        self.timeout_cost = tokens;
        self
    }

    /// Sets the tokens a call that succeeds at once gives back.
    pub fn success_refund(mut self, tokens: u32) -> Self {
        self.success_refund = tokens;
        self
    }

    /// The tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }

    /// The most tokens the bucket holds.
    pub fn capacity(&self) -> u32 {
        self.capacity
    }

    /// What a retry after `error` costs.
    pub(crate) fn cost_of(&self, error: &Error) -> u32 {
        match error {
            Error::Transport(e) if e.kind() == TransportErrorKind::Timeout => self.timeout_cost,
            _ => self.retry_cost,
        }
    }

    /// Takes `cost` tokens if the bucket has them.
    pub(crate) fn try_take(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .is_ok()
    }

    /// After a success: gives back what the retry that succeeded took (`retry_cost`), or the
    /// refund when the first attempt succeeded; never beyond the capacity.
    pub(crate) fn on_success(&self, retry_cost: Option<u32>) {
        let tokens = retry_cost.unwrap_or(self.success_refund);
        if tokens == 0 {
            return;
        }
        let capacity = self.capacity;
        // The closure always returns Some: the update cannot fail.
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |now| {
                Some(now.saturating_add(tokens).min(capacity))
            });
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget::new(Self::DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("available", &self.available())
            .field("capacity", &self.capacity)
            .field("retry_cost", &self.retry_cost)
            .field("timeout_cost", &self.timeout_cost)
            .field("success_refund", &self.success_refund)
            .finish()
    }
}

/// A pseudo-random number good enough for jitter (no cryptographic use).
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
    use http::{HeaderMap, HeaderValue, StatusCode};

    use super::*;
    use crate::error::TransportError;

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

    fn api(status: u16, code: &str, retry_after: Option<&str>) -> Error {
        let mut headers = HeaderMap::new();
        if let Some(value) = retry_after {
            headers.insert("retry-after", HeaderValue::from_str(value).unwrap());
        }
        let body = format!(r#"{{"error_code":"{code}","error_msg":"m"}}"#);
        Error::Api(Box::new(ApiError::from_response(
            "CreatePool",
            StatusCode::from_u16(status).unwrap(),
            headers,
            body.as_bytes(),
            None,
        )))
    }

    fn transport(kind: TransportErrorKind) -> Error {
        Error::Transport(Box::new(TransportError::new(kind, "CreatePool", "x")))
    }

    #[test]
    fn the_default_classifier_knows_gateway_throttles() {
        let c = DefaultRetryClassifier;
        assert_eq!(c.classify(&api(429, "APIG.0308", None)), RetryClass::Always);
        // The code decides, whatever status a gateway puts on it.
        assert_eq!(c.classify(&api(503, "APIG.0308", None)), RetryClass::Always);
        assert_eq!(
            c.classify(&api(429, "ModelArts.0429", None)),
            RetryClass::IfIdempotent
        );
        for status in [502, 503, 504] {
            assert_eq!(
                c.classify(&api(status, "APIG.0201", None)),
                RetryClass::IfIdempotent
            );
        }
        for status in [400, 401, 403, 404, 409, 500] {
            assert_eq!(
                c.classify(&api(status, "ModelArts.50004000", None)),
                RetryClass::Never
            );
        }
        assert_eq!(
            c.classify(&transport(TransportErrorKind::Connect)),
            RetryClass::Always
        );
        for kind in [TransportErrorKind::Timeout, TransportErrorKind::Interrupted] {
            assert_eq!(
                c.classify(&transport(kind)),
                RetryClass::IfIdempotent,
                "{kind:?}"
            );
        }
        for kind in [
            TransportErrorKind::Tls,
            TransportErrorKind::Redirect,
            TransportErrorKind::BodyTooLarge,
            TransportErrorKind::Other,
        ] {
            assert_eq!(c.classify(&transport(kind)), RetryClass::Never, "{kind:?}");
        }
        assert_eq!(c.classify(&Error::Config("x".into())), RetryClass::Never);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        // 1994-11-06 08:49:37 UTC.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        let wait = |value: &str| retry_after(&api(429, "APIG.0308", Some(value)), now);
        assert_eq!(wait("7"), Some(Duration::from_secs(7)));
        assert_eq!(wait(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            wait("99999999999999999999999"),
            Some(Duration::from_secs(u64::MAX))
        );
        assert_eq!(
            wait("Sun, 06 Nov 1994 08:50:07 GMT"),
            Some(Duration::from_secs(30))
        );
        // RFC 850 and asctime forms.
        assert_eq!(
            wait("Sunday, 06-Nov-94 08:49:47 GMT"),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            wait("Sun Nov  6 08:49:38 1994"),
            Some(Duration::from_secs(1))
        );
        // In the past: no pause.
        assert_eq!(wait("Sat, 05 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO));
        for bad in ["-1", "soon", "1.5", "Sun, 06 Nov 1994 25:00:00 GMT"] {
            assert_eq!(wait(bad), None, "{bad}");
        }
        assert_eq!(retry_after(&api(429, "APIG.0308", None), now), None);
        assert_eq!(
            retry_after(&transport(TransportErrorKind::Connect), now),
            None
        );
    }

    #[test]
    fn the_budget_empties_on_retries_and_refills_on_successes() {
        let budget = RetryBudget::new(20);
        let shared = budget.clone();
        let timeout = transport(TransportErrorKind::Timeout);
        let busy = api(503, "APIG.0201", None);
        assert_eq!(budget.cost_of(&timeout), 10);
        assert_eq!(budget.cost_of(&busy), 5);
        assert!(budget.try_take(10));
        assert!(shared.try_take(5));
        assert_eq!(budget.available(), 5);
        assert!(!shared.try_take(10), "more than is left");
        assert_eq!(budget.available(), 5, "a refused take takes nothing");
        assert!(budget.try_take(5));
        assert!(!budget.try_take(5));
        // A retry that succeeded gives its cost back; a first-attempt success one token.
        budget.on_success(Some(5));
        assert_eq!(shared.available(), 5);
        budget.on_success(None);
        assert_eq!(shared.available(), 6);
        // Never beyond the capacity.
        for _ in 0..100 {
            budget.on_success(Some(10));
        }
        assert_eq!(budget.available(), 20);

        let unlimited = RetryBudget::unlimited();
        for _ in 0..1000 {
            assert!(unlimited.try_take(unlimited.cost_of(&timeout)));
        }
        assert_eq!(unlimited.available(), u32::MAX);
    }
}
