//! Credentials from environment variables.

use std::sync::Arc;

use super::exchange::HttpClient;
use super::iam::{DEFAULT_IAM_ENDPOINT, IAM_ENDPOINT_ENV, normalize_endpoint};
use super::provider::{CredentialsError, ProvideCredentials, ProvidedCredentials};
use super::{AK_ENV, BoxFuture, Credentials, IdTokenProvider, SK_ENV, TOKEN_ENV};
use crate::client::PROJECT_ID_ENV;
use crate::error::Error;

/// Environment variable naming the identity provider of a federated identity (as the official
/// SDKs read it); used with [`ID_TOKEN_FILE_ENV`].
pub const IDP_ID_ENV: &str = "HUAWEICLOUD_SDK_IDP_ID";
/// Environment variable holding the path of the file with the federated identity's ID token.
pub const ID_TOKEN_FILE_ENV: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";

/// How a source reads a variable (the process environment, or a map in tests).
pub(crate) type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

pub(crate) fn process_env() -> Lookup {
    Arc::new(|name| std::env::var(name).ok())
}

/// Reads `name` through `lookup`, trimmed; empty counts as unset.
pub(crate) fn read(lookup: &Lookup, name: &str) -> Option<String> {
    lookup(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// Credentials from the environment, read at each fetch, in the official SDKs' order: a
/// federated identity (`HUAWEICLOUD_SDK_IDP_ID` with `HUAWEICLOUD_SDK_ID_TOKEN_FILE`, exchanged
/// with IAM by an [`IdTokenProvider`]), else `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (with
/// `HUAWEICLOUD_SDK_SECURITY_TOKEN` for temporary ones), else `HUAWEICLOUD_SDK_AUTH_TOKEN` (an
/// IAM token). `HUAWEICLOUD_SDK_PROJECT_ID`, when set, comes with them.
///
/// None of them set: nothing to give ([`NotFound`](super::CredentialsErrorKind::NotFound)).
/// Half of a pair set: [`Invalid`](super::CredentialsErrorKind::Invalid), naming the variable
/// that is missing.
#[derive(Clone)]
pub struct EnvironmentProvider {
    lookup: Lookup,
    iam_endpoint: Option<String>,
    http: HttpClient,
}

impl std::fmt::Debug for EnvironmentProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvironmentProvider")
            .field("iam_endpoint", &self.iam_endpoint)
            .finish_non_exhaustive()
    }
}

impl Default for EnvironmentProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::with_lookup(process_env())
    }

    pub(crate) fn with_lookup(lookup: Lookup) -> Self {
        EnvironmentProvider {
            lookup,
            iam_endpoint: None,
            http: HttpClient::new(),
        }
    }

    /// The IAM endpoint for a federated identity (default `HUAWEICLOUD_SDK_IAM_ENDPOINT`, else
    /// [`DEFAULT_IAM_ENDPOINT`]).
    pub fn iam_endpoint(mut self, endpoint: impl AsRef<str>) -> Self {
        self.iam_endpoint = Some(normalize_endpoint(endpoint.as_ref()));
        self
    }

    /// The HTTP client to reach IAM with, for a federated identity.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = HttpClient::given(client);
        self
    }

    pub(crate) fn with_http(mut self, http: HttpClient) -> Self {
        self.http = http;
        self
    }

    async fn fetch(&self) -> Result<ProvidedCredentials, CredentialsError> {
        const SOURCE: &str = "environment";
        let get = |name: &str| read(&self.lookup, name);
        let provided = match (get(IDP_ID_ENV), get(ID_TOKEN_FILE_ENV)) {
            (Some(idp_id), Some(file)) => {
                let iam = self
                    .iam_endpoint
                    .clone()
                    .or_else(|| get(IAM_ENDPOINT_ENV).map(|e| normalize_endpoint(&e)))
                    .unwrap_or_else(|| DEFAULT_IAM_ENDPOINT.to_string());
                IdTokenProvider::new(idp_id, file)
                    .iam_endpoint(iam)
                    .with_http(self.http.clone())
                    .provide_credentials()
                    .await
                    .map_err(|e| {
                        CredentialsError::new(
                            e.kind(),
                            format!("{SOURCE}: {}", e.source_name()),
                            e.message(),
                        )
                    })?
            }
            (Some(_), None) => {
                return Err(CredentialsError::invalid(
                    SOURCE,
                    format!("{IDP_ID_ENV} is set but {ID_TOKEN_FILE_ENV} is not; set both"),
                ));
            }
            (None, Some(_)) => {
                return Err(CredentialsError::invalid(
                    SOURCE,
                    format!("{ID_TOKEN_FILE_ENV} is set but {IDP_ID_ENV} is not; set both"),
                ));
            }
            (None, None) => {
                if [AK_ENV, SK_ENV, TOKEN_ENV].iter().all(|n| get(n).is_none()) {
                    return Err(CredentialsError::not_found(
                        SOURCE,
                        format!(
                            "none of {AK_ENV}/{SK_ENV}, {IDP_ID_ENV}/{ID_TOKEN_FILE_ENV} or \
                             {TOKEN_ENV} is set"
                        ),
                    ));
                }
                let credentials = Credentials::from_lookup(|name| get(name)).map_err(|e| {
                    let message = match e {
                        Error::Config(message) => message,
                        other => other.to_string(),
                    };
                    CredentialsError::invalid(SOURCE, message)
                })?;
                if let Some(problem) = credentials.problem() {
                    return Err(CredentialsError::invalid(SOURCE, problem));
                }
                ProvidedCredentials::new(credentials)
            }
        };
        Ok(match get(PROJECT_ID_ENV) {
            Some(project_id) => provided.with_project_id(project_id),
            None => provided,
        })
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::credentials::{CredentialsErrorKind, SECURITY_TOKEN_ENV};
    use std::collections::HashMap;

    pub(crate) fn lookup(vars: &[(&str, &str)]) -> Lookup {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Arc::new(move |name| map.get(name).cloned())
    }

    #[tokio::test]
    async fn reads_the_official_variables() {
        let provided = EnvironmentProvider::with_lookup(lookup(&[
            (AK_ENV, "AKENV"),
            (SK_ENV, "SKENV-secret"),
            (SECURITY_TOKEN_ENV, "ST"),
            (PROJECT_ID_ENV, "proj-1"),
        ]))
        .provide_credentials()
        .await
        .unwrap();
        assert!(matches!(provided.credentials(),
            Credentials::AkSk { ak, security_token: Some(t), .. } if ak == "AKENV" && t.expose() == "ST"));
        assert_eq!(provided.project_id(), Some("proj-1"));
        assert_eq!(provided.expires_at(), None);

        let err = EnvironmentProvider::with_lookup(lookup(&[]))
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::NotFound);
        assert!(
            err.to_string()
                .starts_with("environment: none of HUAWEICLOUD_SDK_AK"),
            "{err}"
        );

        let err = EnvironmentProvider::with_lookup(lookup(&[(SK_ENV, "SKENV-secret")]))
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
        assert!(
            err.to_string()
                .contains("HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not"),
            "{err}"
        );
        assert!(!err.to_string().contains("SKENV-secret"), "{err}");

        let err = EnvironmentProvider::with_lookup(lookup(&[(IDP_ID_ENV, "idp")]))
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("HUAWEICLOUD_SDK_ID_TOKEN_FILE is not"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_federated_identity_wins_over_ak_sk() {
        use modelarts_pools_test_support::{Reply, Server};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("id_token");
        std::fs::write(&file, "ID-TOKEN").unwrap();
        let iam = Server::start([
            Reply::json(201, r#"{"token":{"expires_at":"2030-01-01T00:00:00Z"}}"#)
                .header("X-Subject-Token", "subject"),
            Reply::json(
                201,
                r#"{"credential":{"access":"AKFED","secret":"SK","securitytoken":"ST","expires_at":"2030-01-01T00:00:00Z"}}"#,
            ),
        ]);
        let provided = EnvironmentProvider::with_lookup(lookup(&[
            (AK_ENV, "AKENV"),
            (SK_ENV, "SKENV"),
            (IDP_ID_ENV, "idp"),
            (ID_TOKEN_FILE_ENV, file.to_str().unwrap()),
            (IAM_ENDPOINT_ENV, &iam.endpoint()),
        ]))
        .provide_credentials()
        .await
        .unwrap();
        assert!(matches!(provided.credentials(), Credentials::AkSk { ak, .. } if ak == "AKFED"));
        assert!(provided.expires_at().is_some());
        assert_eq!(iam.requests().len(), 2);
    }
}
