//! Credentials: what requests are authenticated with ([`Credentials`]), where they come from
//! (the [`ProvideCredentials`] sources and their [default chain](CredentialsProviderChain)), and
//! the [`CredentialsCache`] in front of them that every attempt of a call asks.
//!
//! # Sources
//!
//! The default chain asks, in the order of the official SDKs (huaweicloud-sdk-go-v3
//! `core/auth/provider`, `DefaultCredentialProviderChain`):
//!
//! 1. the environment, [`EnvironmentProvider`]: `HUAWEICLOUD_SDK_AK`/`HUAWEICLOUD_SDK_SK`
//!    (`HUAWEICLOUD_SDK_SECURITY_TOKEN`), or a federated identity, `HUAWEICLOUD_SDK_IDP_ID` with
//!    `HUAWEICLOUD_SDK_ID_TOKEN_FILE` (which wins, as in the official SDKs), or this crate's
//!    `HUAWEICLOUD_SDK_AUTH_TOKEN`;
//! 2. the profile file, [`ProfileProvider`]: the `[basic]` section of `HUAWEICLOUD_SDK_CREDENTIALS_FILE` or
//!    `~/.huaweicloud/credentials` (keys `ak`, `sk`, `security_token`, `project_id`,
//!    `iam_endpoint`, `idp_id`, `id_token_file`);
//! 3. the instance metadata, [`InstanceMetadataProvider`]: the agency credentials of the ECS server the program runs
//!    on, from `http://169.254.169.254/openstack/latest/securitykey` (with a metadata session
//!    token), refreshed before they expire.
//!
//! A federated identity ([`IdTokenProvider`]) is reached, as in the official SDKs, through the
//! environment or the profile file naming an identity provider and an ID token file; it can also
//! be used alone. Every source is a public type that can be used on its own, and any type that
//! implements [`ProvideCredentials`] plugs in with
//! [`ClientBuilder::credentials_provider`](crate::ClientBuilder::credentials_provider).
//!
//! Neither `Debug` nor `Display` of anything here ever shows a secret key or a token, and no
//! error message carries one.

mod cache;
mod chain;
#[cfg(test)]
mod client_tests;
mod environment;
mod exchange;
mod iam;
mod id_token;
mod metadata;
mod profile;
mod provider;

use std::fmt;

use crate::error::Error;

#[cfg(test)]
pub(crate) use cache::Clock;
pub use cache::{CredentialsCache, DEFAULT_REFRESH_AHEAD};
pub use chain::CredentialsProviderChain;
pub(crate) use environment::Lookup;
pub use environment::{EnvironmentProvider, ID_TOKEN_FILE_ENV, IDP_ID_ENV};
pub(crate) use exchange::HttpClient;
/// The future a [`ProvideCredentials`] returns (re-exported so that implementing the trait needs
/// no other crate).
pub use futures_core::future::BoxFuture;
pub(crate) use iam::normalize_endpoint as normalize_iam_endpoint;
pub use iam::{DEFAULT_IAM_ENDPOINT, IAM_ENDPOINT_ENV, iam_endpoint_for_region};
pub use id_token::IdTokenProvider;
pub use metadata::{DEFAULT_METADATA_ENDPOINT, InstanceMetadataProvider, METADATA_ENDPOINT_ENV};
pub use profile::{CREDENTIALS_FILE_ENV, PROFILE_SECTION, ProfileProvider};
pub use provider::{
    CredentialsError, CredentialsErrorKind, ProvideCredentials, ProvidedCredentials,
};

/// Environment variable holding the access key ID (as the official SDKs read it).
pub const AK_ENV: &str = "HUAWEICLOUD_SDK_AK";
/// Environment variable holding the secret access key.
pub const SK_ENV: &str = "HUAWEICLOUD_SDK_SK";
/// Environment variable holding the security token of temporary AK/SK credentials.
pub const SECURITY_TOKEN_ENV: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Environment variable holding an IAM token (sent as `X-Auth-Token`), used when no AK/SK is set.
pub const TOKEN_ENV: &str = "HUAWEICLOUD_SDK_AUTH_TOKEN";

/// A secret string (secret key or token) whose `Debug`/`Display` print `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself. Take care where it goes.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How requests are authenticated.
#[derive(Clone)]
pub enum Credentials {
    /// Access key ID and secret access key: requests are signed with `SDK-HMAC-SHA256`.
    /// `security_token` is set for temporary credentials (sent as `X-Security-Token`, signed).
    AkSk {
        /// Access key ID.
        ak: String,
        /// Secret access key.
        sk: Secret,
        /// Security token of temporary credentials.
        security_token: Option<Secret>,
    },
    /// An IAM token, sent as `X-Auth-Token`; requests are not signed.
    Token(Secret),
}

impl Credentials {
    /// Permanent AK/SK credentials.
    pub fn ak_sk(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        Credentials::AkSk {
            ak: ak.into(),
            sk: Secret::new(sk),
            security_token: None,
        }
    }

    /// Temporary AK/SK credentials with their security token.
    pub fn temporary(
        ak: impl Into<String>,
        sk: impl Into<String>,
        security_token: impl Into<String>,
    ) -> Self {
        Credentials::AkSk {
            ak: ak.into(),
            sk: Secret::new(sk),
            security_token: Some(Secret::new(security_token)),
        }
    }

    /// An IAM token (`X-Auth-Token`).
    pub fn iam_token(token: impl Into<String>) -> Self {
        Credentials::Token(Secret::new(token))
    }

    /// Reads credentials from the environment: `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK`
    /// (plus `HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary credentials), else
    /// `HUAWEICLOUD_SDK_AUTH_TOKEN` ([`TOKEN_ENV`]). Empty variables count as unset.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        match (get(AK_ENV), get(SK_ENV)) {
            (Some(ak), Some(sk)) => Ok(Credentials::AkSk {
                ak: ak.trim().to_string(),
                sk: Secret::new(sk.trim()),
                security_token: get(SECURITY_TOKEN_ENV).map(|t| Secret::new(t.trim())),
            }),
            (Some(_), None) => Err(Error::Config(format!(
                "{AK_ENV} is set but {SK_ENV} is not; set both"
            ))),
            (None, Some(_)) => Err(Error::Config(format!(
                "{SK_ENV} is set but {AK_ENV} is not; set both"
            ))),
            (None, None) => match get(TOKEN_ENV) {
                Some(token) => Ok(Credentials::Token(Secret::new(token.trim()))),
                None => Err(Error::Config(format!(
                    "no credentials: set {AK_ENV} and {SK_ENV} (and {SECURITY_TOKEN_ENV} for \
                     temporary credentials), or {TOKEN_ENV} with an IAM token"
                ))),
            },
        }
    }

    /// Checks that the credentials can be put in HTTP headers.
    pub(crate) fn check(&self) -> Result<(), Error> {
        match self.problem() {
            Some(problem) => Err(Error::Config(problem.to_string())),
            None => Ok(()),
        }
    }

    /// What makes the credentials unusable in HTTP headers, if anything (never the value).
    pub(crate) fn problem(&self) -> Option<&'static str> {
        match self {
            Credentials::AkSk {
                ak,
                sk,
                security_token,
            } => {
                if !header_safe(ak) || ak.contains([',', ' ']) {
                    return Some("the access key ID is empty or not a valid header value");
                }
                if sk.expose().is_empty() {
                    return Some("the secret access key is empty or not a valid header value");
                }
                if security_token
                    .as_ref()
                    .is_some_and(|token| !header_safe(token.expose()))
                {
                    return Some("the security token is empty or not a valid header value");
                }
                None
            }
            Credentials::Token(token) => {
                if !header_safe(token.expose()) {
                    return Some("the IAM token is empty or not a valid header value");
                }
                None
            }
        }
    }
}

fn header_safe(value: &str) -> bool {
    !value.is_empty() && value.bytes().all(|b| (0x21..0x7f).contains(&b))
}

/// The AK shortened for display: its first 4 characters then `…`.
fn short_ak(ak: &str) -> String {
    let prefix: String = ak.chars().take(4).collect();
    if prefix.len() < ak.len() {
        format!("{prefix}…")
    } else {
        prefix
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AkSk {
                ak, security_token, ..
            } => {
                let mut s = f.debug_struct("AccessKey");
                s.field("ak", &short_ak(ak)).field("sk", &Secret::new(""));
                if security_token.is_some() {
                    s.field("security_token", &Secret::new(""));
                }
                s.finish()
            }
            Credentials::Token(_) => f.debug_tuple("IamToken").field(&Secret::new("")).finish(),
        }
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AkSk {
                ak,
                security_token: None,
                ..
            } => write!(f, "AK/SK credentials (AK {})", short_ak(ak)),
            Credentials::AkSk { ak, .. } => {
                write!(f, "temporary AK/SK credentials (AK {})", short_ak(ak))
            }
            Credentials::Token(_) => f.write_str("IAM token credentials"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn debug_and_display_redact_secrets() {
        let c = Credentials::temporary("AKIDEXAMPLE1234", "topsecretSK", "tok-SECRET-123");
        let debug = format!("{c:?}");
        let alt = format!("{c:#?}");
        let display = c.to_string();
        for out in [&debug, &alt, &display] {
            assert!(!out.contains("topsecretSK"), "{out}");
            assert!(!out.contains("tok-SECRET-123"), "{out}");
            assert!(!out.contains("AKIDEXAMPLE1234"), "{out}");
        }
        assert_eq!(
            debug,
            "AccessKey { ak: \"AKID…\", sk: <redacted>, security_token: <redacted> }"
        );
        let t = Credentials::iam_token("MIIsecret");
        assert_eq!(format!("{t:?}"), "IamToken(<redacted>)");
        assert!(!t.to_string().contains("MIIsecret"));
        assert_eq!(format!("{:?}", Secret::new("x")), "<redacted>");
    }

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn from_env_precedence() {
        let c = Credentials::from_lookup(lookup(&[
            (AK_ENV, "ak"),
            (SK_ENV, "sk"),
            (SECURITY_TOKEN_ENV, "st"),
            (TOKEN_ENV, "tok"),
        ]))
        .unwrap();
        assert!(
            matches!(c, Credentials::AkSk { security_token: Some(ref t), .. } if t.expose() == "st")
        );
        let c = Credentials::from_lookup(lookup(&[(TOKEN_ENV, "tok"), (AK_ENV, "")])).unwrap();
        assert!(matches!(c, Credentials::Token(ref t) if t.expose() == "tok"));
        let err = Credentials::from_lookup(lookup(&[]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(AK_ENV) && err.contains(SK_ENV) && err.contains(TOKEN_ENV),
            "{err}"
        );
        let err = Credentials::from_lookup(lookup(&[(AK_ENV, "ak")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains(SK_ENV), "{err}");
    }
}
