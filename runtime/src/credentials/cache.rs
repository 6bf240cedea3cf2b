//! The cache in front of a provider: credentials kept until shortly before they expire, and one
//! refresh at a time however many calls ask.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use super::provider::{CredentialsError, ProvideCredentials, ProvidedCredentials};

/// How long before they expire credentials are fetched anew: 40 minutes, as the official SDKs do
/// (`defaultExpirationThresholdSeconds`). Credentials that arrive with less of their life left
/// than twice this are refreshed when half of what was left has passed.
pub const DEFAULT_REFRESH_AHEAD: Duration = Duration::from_secs(40 * 60);

/// The wall clock the cache compares expiry times with (injected in tests).
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Credentials as held by the cache.
struct Entry {
    provided: Arc<ProvidedCredentials>,
    /// When to ask the provider again (`None`: never).
    refresh_at: Option<SystemTime>,
}

/// What the last refresh left for the callers that waited for it.
struct Refresh {
    /// The number of the last refresh finished.
    number: u64,
    /// Its error, when it failed.
    error: Option<CredentialsError>,
}

/// A [`ProvideCredentials`] with its credentials kept until [`DEFAULT_REFRESH_AHEAD`] (or the
/// configured time) before they expire.
///
/// [`credentials`](Self::credentials) answers from memory while the credentials are fresh. When
/// they are due, the first caller asks the provider and every other caller waits for that one
/// answer: a thousand calls in flight cause one refresh. If a refresh fails while the old
/// credentials have not expired yet, they are used until they do (and the next call tries
/// again); once they have expired, the callers that waited for the failed refresh all get its
/// error, and the next call tries again.
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    refresh_ahead: Duration,
    clock: Clock,
    entry: RwLock<Option<Entry>>,
    /// Refreshes finished so far; a caller that saw `n` before waiting and finds more after
    /// does not refresh again.
    refreshes: AtomicU64,
    refresh: tokio::sync::Mutex<Refresh>,
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entry = self.entry.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("CredentialsCache")
            .field("provider", &self.provider)
            .field(
                "cached",
                &entry.as_ref().map(|e| e.provided.credentials().to_string()),
            )
            .field("refresh_ahead", &self.refresh_ahead)
            .finish()
    }
}

impl CredentialsCache {
    /// A cache in front of `provider`, refreshing [`DEFAULT_REFRESH_AHEAD`] before expiry.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::with_provider(Arc::new(provider))
    }

    pub(crate) fn with_provider(provider: Arc<dyn ProvideCredentials>) -> Self {
        CredentialsCache {
            provider,
            refresh_ahead: DEFAULT_REFRESH_AHEAD,
            clock: Arc::new(SystemTime::now),
            entry: RwLock::new(None),
            refreshes: AtomicU64::new(0),
            refresh: tokio::sync::Mutex::new(Refresh {
                number: 0,
                error: None,
            }),
        }
    }

    /// A cache already holding `credentials`, which do not expire: it never calls a provider.
    pub fn fixed(credentials: super::Credentials) -> Self {
        let cache = Self::new(credentials.clone());
        *cache.entry.write().unwrap_or_else(PoisonError::into_inner) = Some(Entry {
            provided: Arc::new(ProvidedCredentials::new(credentials)),
            refresh_at: None,
        });
        cache
    }

    /// How long before expiry to refresh (default [`DEFAULT_REFRESH_AHEAD`]).
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.refresh_ahead = ahead;
        self
    }

    #[cfg(test)]
    pub(crate) fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The credentials held now, without asking the provider (`None` before the first fetch).
    pub fn cached(&self) -> Option<Arc<ProvidedCredentials>> {
        let entry = self.entry.read().unwrap_or_else(PoisonError::into_inner);
        entry.as_ref().map(|e| Arc::clone(&e.provided))
    }

    /// Fresh credentials: from memory, or from the provider when they are due (one refresh for
    /// all the callers that ask meanwhile).
    pub async fn credentials(&self) -> Result<Arc<ProvidedCredentials>, CredentialsError> {
        let now = (self.clock)();
        let seen = self.refreshes.load(Ordering::Acquire);
        if let Some(fresh) = self.fresh(now) {
            return Ok(fresh);
        }
        let mut refresh = self.refresh.lock().await;
        let now = (self.clock)();
        if let Some(fresh) = self.fresh(now) {
            return Ok(fresh);
        }
        if refresh.number != seen {
            // A refresh ran while this caller waited, and failed (else the entry is fresh).
            if let Some(error) = &refresh.error {
                return self.usable(now).ok_or_else(|| error.clone());
            }
        }
        let outcome = self.provider.provide_credentials().await;
        refresh.number = self.refreshes.fetch_add(1, Ordering::AcqRel) + 1;
        match outcome {
            Ok(provided) => {
                refresh.error = None;
                let now = (self.clock)();
                let refresh_at = provided.expires_at().map(|expires_at| {
                    let left = expires_at.duration_since(now).unwrap_or_default();
                    expires_at - self.refresh_ahead.min(left / 2)
                });
                let provided = Arc::new(provided);
                *self.entry.write().unwrap_or_else(PoisonError::into_inner) = Some(Entry {
                    provided: Arc::clone(&provided),
                    refresh_at,
                });
                Ok(provided)
            }
            Err(error) => {
                refresh.error = Some(error.clone());
                self.usable(now).ok_or(error)
            }
        }
    }

    /// The held credentials if they are not due for a refresh at `now`.
    fn fresh(&self, now: SystemTime) -> Option<Arc<ProvidedCredentials>> {
        let entry = self.entry.read().unwrap_or_else(PoisonError::into_inner);
        let entry = entry.as_ref()?;
        match entry.refresh_at {
            Some(at) if now >= at => None,
            _ => Some(Arc::clone(&entry.provided)),
        }
    }

    /// The held credentials if they have not expired at `now` (due for a refresh or not).
    fn usable(&self, now: SystemTime) -> Option<Arc<ProvidedCredentials>> {
        let entry = self.entry.read().unwrap_or_else(PoisonError::into_inner);
        let entry = entry.as_ref()?;
        match entry.provided.expires_at() {
            Some(at) if now >= at => None,
            _ => Some(Arc::clone(&entry.provided)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::{BoxFuture, Credentials, CredentialsErrorKind};
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    /// A wall clock the test moves.
    #[derive(Clone)]
    struct TestClock(Arc<Mutex<SystemTime>>);

    impl TestClock {
        fn new() -> Self {
            TestClock(Arc::new(Mutex::new(
                SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
            )))
        }
        fn now(&self) -> SystemTime {
            *self.0.lock().unwrap()
        }
        fn advance(&self, by: Duration) {
            *self.0.lock().unwrap() += by;
        }
        fn clock(&self) -> Clock {
            let me = self.clone();
            Arc::new(move || me.now())
        }
    }

    /// Hands out `AK1`, `AK2`… each valid for `life`, counting calls; yields a few times inside
    /// each call so that concurrent callers pile up behind it. Fails while `failing` is set.
    #[derive(Debug)]
    struct Counting {
        calls: AtomicUsize,
        life: Duration,
        now: Arc<Mutex<SystemTime>>,
        failing: std::sync::atomic::AtomicBool,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials(
            &self,
        ) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
            Box::pin(async move {
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                for _ in 0..5 {
                    tokio::task::yield_now().await;
                }
                if self.failing.load(Ordering::SeqCst) {
                    return Err(CredentialsError::unavailable("test source", "down"));
                }
                let expires_at = *self.now.lock().unwrap() + self.life;
                Ok(ProvidedCredentials::expiring(
                    Credentials::temporary(format!("AK{n}"), "SK", "TOKEN"),
                    expires_at,
                ))
            })
        }
    }

    fn setup(life: Duration) -> (TestClock, Arc<Counting>, Arc<CredentialsCache>) {
        let clock = TestClock::new();
        let provider = Arc::new(Counting {
            calls: AtomicUsize::new(0),
            life,
            now: Arc::clone(&clock.0),
            failing: false.into(),
        });
        let cache = CredentialsCache::with_provider(provider.clone()).clock(clock.clock());
        (clock, provider, Arc::new(cache))
    }

    fn ak(provided: &ProvidedCredentials) -> String {
        match provided.credentials() {
            Credentials::AkSk { ak, .. } => ak.clone(),
            other => panic!("{other:?}"),
        }
    }

    async fn many(cache: &Arc<CredentialsCache>, n: usize) -> Vec<String> {
        let calls = (0..n).map(|_| {
            let cache = Arc::clone(cache);
            tokio::spawn(async move { cache.credentials().await.map(|p| ak(&p)) })
        });
        let mut out = Vec::new();
        for call in calls.collect::<Vec<_>>() {
            out.push(call.await.unwrap().unwrap());
        }
        out
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_thousand_calls_after_expiry_cause_one_refresh() {
        let (clock, provider, cache) = setup(Duration::from_secs(3600));
        assert!(cache.cached().is_none());
        let first = many(&cache, 1000).await;
        assert!(first.iter().all(|a| a == "AK1"));
        assert_eq!(provider.calls.load(Ordering::SeqCst), 1);

        // Still fresh 19 minutes before expiry... not 21 minutes after the refresh point.
        clock.advance(Duration::from_secs(3600 - 41 * 60));
        assert!(many(&cache, 10).await.iter().all(|a| a == "AK1"));
        assert_eq!(provider.calls.load(Ordering::SeqCst), 1);

        // The credentials have just expired: 1,000 concurrent calls, one refresh.
        clock.advance(Duration::from_secs(41 * 60 + 1));
        let second = many(&cache, 1000).await;
        assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
        assert!(second.iter().all(|a| a == "AK2"), "{:?}", &second[..3]);
    }

    #[tokio::test]
    async fn refreshes_ahead_of_expiry() {
        let (clock, provider, cache) = setup(Duration::from_secs(6 * 3600));
        assert_eq!(ak(&cache.credentials().await.unwrap()), "AK1");
        clock.advance(Duration::from_secs(6 * 3600 - 40 * 60 - 1));
        assert_eq!(ak(&cache.credentials().await.unwrap()), "AK1");
        clock.advance(Duration::from_secs(1));
        assert_eq!(ak(&cache.credentials().await.unwrap()), "AK2");
        assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn short_lived_credentials_are_refreshed_at_half_life() {
        // 15-minute credentials (less than the 40-minute threshold): refreshed after 7.5 min,
        // not on every call.
        let (clock, provider, cache) = setup(Duration::from_secs(15 * 60));
        cache.credentials().await.unwrap();
        clock.advance(Duration::from_secs(7 * 60));
        cache.credentials().await.unwrap();
        assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
        clock.advance(Duration::from_secs(31));
        assert_eq!(ak(&cache.credentials().await.unwrap()), "AK2");
    }

    // One thread: every caller is waiting before the first refresh ends, so the count is exact.
    #[tokio::test]
    async fn a_failed_refresh_keeps_valid_credentials_and_is_shared_once_expired() {
        let (clock, provider, cache) = setup(Duration::from_secs(3600));
        cache.credentials().await.unwrap();
        provider.failing.store(true, Ordering::SeqCst);

        // Due but not expired: the old credentials are still used.
        clock.advance(Duration::from_secs(30 * 60));
        assert_eq!(ak(&cache.credentials().await.unwrap()), "AK1");
        assert_eq!(provider.calls.load(Ordering::SeqCst), 2);

        // Expired, and the source is down: the waiting callers share one failed attempt.
        clock.advance(Duration::from_secs(30 * 60));
        let before = provider.calls.load(Ordering::SeqCst);
        let calls: Vec<_> = (0..200)
            .map(|_| {
                let cache = Arc::clone(&cache);
                tokio::spawn(async move { cache.credentials().await })
            })
            .collect();
        for call in calls {
            let err = call.await.unwrap().unwrap_err();
            assert_eq!(err.kind(), CredentialsErrorKind::Unavailable);
            assert_eq!(err.to_string(), "test source: down");
        }
        let attempts = provider.calls.load(Ordering::SeqCst) - before;
        assert_eq!(attempts, 1, "the waiters retried the source");

        // Back up: the next call refreshes.
        provider.failing.store(false, Ordering::SeqCst);
        let fresh = cache.credentials().await.unwrap();
        assert!(ak(&fresh).starts_with("AK"));
        assert_ne!(ak(&fresh), "AK1");
    }

    #[tokio::test]
    async fn fixed_credentials_never_call_a_provider() {
        let cache = CredentialsCache::fixed(Credentials::ak_sk("AKFIXED", "SK"));
        assert_eq!(ak(&cache.cached().unwrap()), "AKFIXED");
        assert_eq!(ak(&cache.credentials().await.unwrap()), "AKFIXED");
        let debug = format!("{cache:?}");
        assert!(!debug.contains("SK\""), "{debug}");
        assert!(debug.contains("AKFI…"), "{debug}");
    }
}
