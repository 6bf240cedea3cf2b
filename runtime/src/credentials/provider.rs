//! The provider trait, what a provider gives (credentials with an optional expiry), and how it
//! fails.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use futures_core::future::BoxFuture;

use super::Credentials;

/// Credentials as a source gave them: the credentials, when they stop being valid (none for
/// permanent ones), and the project ID the source names, if it names one (a profile file's
/// `project_id`).
#[derive(Clone, Debug)]
pub struct ProvidedCredentials {
    credentials: Credentials,
    expires_at: Option<SystemTime>,
    project_id: Option<String>,
}

impl ProvidedCredentials {
    /// Credentials that do not expire.
    pub fn new(credentials: Credentials) -> Self {
        ProvidedCredentials {
            credentials,
            expires_at: None,
            project_id: None,
        }
    }

    /// Credentials valid until `expires_at`; the [`CredentialsCache`](super::CredentialsCache)
    /// asks its provider again before then.
    pub fn expiring(credentials: Credentials, expires_at: SystemTime) -> Self {
        ProvidedCredentials {
            credentials,
            expires_at: Some(expires_at),
            project_id: None,
        }
    }

    /// The project ID the source names, used when the client was given none.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// When they stop being valid; `None` for credentials that do not expire.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The project ID the source names, if any.
    pub fn project_id(&self) -> Option<&str> {
        self.project_id.as_deref()
    }
}

/// A source of credentials.
///
/// The client asks it through a [`CredentialsCache`](super::CredentialsCache), so it is called
/// once at first, then again only when the credentials it gave are about to expire, however many
/// calls are in flight. It may do I/O (read a file, ask a service).
///
/// ```
/// use modelarts_pools_runtime::credentials::{
///     CredentialsError, ProvideCredentials, ProvidedCredentials,
/// };
/// use modelarts_pools_runtime::Credentials;
/// use modelarts_pools_runtime::credentials::BoxFuture;
///
/// /// Credentials from the team's own vault (here, fixed ones).
/// #[derive(Debug)]
/// struct Vault;
///
/// impl ProvideCredentials for Vault {
///     fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
///         Box::pin(async {
///             let expires_at = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
///             Ok(ProvidedCredentials::expiring(
///                 Credentials::temporary("AK", "SK", "token"),
///                 expires_at,
///             ))
///         })
///     }
/// }
/// # let _ = modelarts_pools_runtime::Client::builder().credentials_provider(Vault);
/// ```
pub trait ProvideCredentials: fmt::Debug + Send + Sync {
    /// Fetches credentials. A source that has none to give (no variables set, no file, not on
    /// a server with a metadata service) fails with [`CredentialsErrorKind::NotFound`], so that
    /// a [chain](super::CredentialsProviderChain) asks the next one.
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>>;
}

impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        let credentials = self.clone();
        Box::pin(async move { Ok(ProvidedCredentials::new(credentials)) })
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        (**self).provide_credentials()
    }
}

/// What kind of failure a [`CredentialsError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialsErrorKind {
    /// The source has no credentials to give (nothing configured there); a chain goes on to the
    /// next source.
    NotFound,
    /// The source is configured but wrongly (half of a pair set, a file that does not parse, an
    /// ECS server without an agency); a chain stops here.
    Invalid,
    /// The source is configured but could not give credentials now (the service answered with
    /// an error, or could not be reached); a chain stops here.
    Unavailable,
}

/// Why a source gave no credentials: which source, and why. Never holds a secret.
#[derive(Clone, Debug)]
pub struct CredentialsError {
    source: String,
    kind: CredentialsErrorKind,
    message: String,
}

impl CredentialsError {
    /// A failure of `source` (such as `"environment"` or `"instance metadata (http://…)"`).
    pub fn new(
        kind: CredentialsErrorKind,
        source: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        CredentialsError {
            source: source.into(),
            kind,
            message: message.into(),
        }
    }

    /// The source has nothing to give.
    pub fn not_found(source: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::NotFound, source, message)
    }

    /// The source is configured wrongly.
    pub fn invalid(source: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::Invalid, source, message)
    }

    /// The source could not give credentials now.
    pub fn unavailable(source: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(CredentialsErrorKind::Unavailable, source, message)
    }

    /// The source that failed.
    pub fn source_name(&self) -> &str {
        &self.source
    }

    /// The kind of failure.
    pub fn kind(&self) -> CredentialsErrorKind {
        self.kind
    }

    /// Why it failed.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

impl std::error::Error for CredentialsError {}
