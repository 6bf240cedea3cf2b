//! A federated identity: an ID token (from a file an identity provider keeps fresh) exchanged
//! with IAM for temporary AK/SK credentials.

use std::path::{Path, PathBuf};

use super::BoxFuture;
use super::exchange::{HttpClient, SendError, json_str, temporary_credentials};
use super::iam::{DEFAULT_IAM_ENDPOINT, normalize_endpoint};
use super::provider::{CredentialsError, ProvideCredentials, ProvidedCredentials};

/// IAM's "get an unscoped token with an OpenID Connect ID token" (`CreateTokenWithIdToken`).
const ID_TOKEN_TOKENS_PATH: &str = "/v3.0/OS-AUTH/id-token/tokens";
/// IAM's "get temporary AK/SK with a token" (`CreateTemporaryAccessKeyByToken`).
const SECURITY_TOKENS_PATH: &str = "/v3.0/OS-CREDENTIAL/securitytokens";
/// How long the temporary AK/SK asked for last: 6 hours, as the official SDKs ask.
const DURATION_SECONDS: u64 = 6 * 60 * 60;

/// Temporary AK/SK for a federated identity: the ID token in `id_token_file` (read anew at every
/// refresh, so the identity provider may rotate it) is exchanged with IAM as the official SDKs do
/// it (`POST /v3.0/OS-AUTH/id-token/tokens` with `X-Idp-Id`, then
/// `POST /v3.0/OS-CREDENTIAL/securitytokens` with the token it gives, for 6 hours).
///
/// IAM is [`DEFAULT_IAM_ENDPOINT`] unless [`iam_endpoint`](Self::iam_endpoint) (or, for the
/// environment and profile sources, `HUAWEICLOUD_SDK_IAM_ENDPOINT` or the profile's
/// `iam_endpoint`) says otherwise.
#[derive(Clone, Debug)]
pub struct IdTokenProvider {
    idp_id: String,
    id_token_file: PathBuf,
    iam_endpoint: String,
    http: HttpClient,
}

impl IdTokenProvider {
    /// The identity provider `idp_id` (as configured in IAM) and the file holding the ID token.
    pub fn new(idp_id: impl Into<String>, id_token_file: impl Into<PathBuf>) -> Self {
        IdTokenProvider {
            idp_id: idp_id.into(),
            id_token_file: id_token_file.into(),
            iam_endpoint: DEFAULT_IAM_ENDPOINT.to_string(),
            http: HttpClient::new(),
        }
    }

    /// The IAM endpoint (default [`DEFAULT_IAM_ENDPOINT`]); `https://` is put in front of a bare
    /// host.
    pub fn iam_endpoint(mut self, endpoint: impl AsRef<str>) -> Self {
        self.iam_endpoint = normalize_endpoint(endpoint.as_ref());
        self
    }

    /// The HTTP client to reach IAM with (proxies, certificates); by default one through the
    /// environment's proxies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = HttpClient::given(client);
        self
    }

    pub(crate) fn with_http(mut self, http: HttpClient) -> Self {
        self.http = http;
        self
    }

    /// The ID token file.
    pub fn id_token_file(&self) -> &Path {
        &self.id_token_file
    }

    fn source(&self) -> String {
        format!("federated ID token (identity provider {})", self.idp_id)
    }

    async fn fetch(&self) -> Result<ProvidedCredentials, CredentialsError> {
        let source = self.source();
        let file = self.id_token_file.display();
        let id_token = match std::fs::read_to_string(&self.id_token_file) {
            Ok(text) => text.trim().to_string(),
            Err(e) => {
                return Err(CredentialsError::invalid(
                    source,
                    format!("cannot read the ID token file {file}: {e}"),
                ));
            }
        };
        if id_token.is_empty() {
            return Err(CredentialsError::invalid(
                source,
                format!("the ID token file {file} is empty"),
            ));
        }
        let unreachable = |e: SendError| match e {
            SendError::Unreachable(why) => CredentialsError::unavailable(source.as_str(), why),
            SendError::Other(e) => e,
        };

        let url = format!("{}{ID_TOKEN_TOKENS_PATH}", self.iam_endpoint);
        let what = format!("POST {url}");
        let body = serde_json::json!({ "auth": { "id_token": { "id": id_token } } });
        let answer = self
            .http
            .send(&source, &what, |c| {
                c.post(&url)
                    .header("X-Idp-Id", &self.idp_id)
                    .header("Content-Type", "application/json;charset=UTF-8")
                    .body(body.to_string())
            })
            .await
            .map_err(unreachable)?;
        if !answer.status.is_success() {
            return Err(CredentialsError::unavailable(
                source,
                format!("{what}: IAM refused the ID token: {}", answer.error_text()),
            ));
        }
        let Some(subject_token) = answer.header("x-subject-token").map(str::to_string) else {
            return Err(CredentialsError::unavailable(
                source,
                format!("{what}: the answer has no X-Subject-Token"),
            ));
        };
        let token_expires = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| {
                v.get("token")
                    .and_then(|t| json_str(t, "expires_at"))
                    .map(str::to_string)
            });
        if token_expires.is_none() {
            return Err(CredentialsError::unavailable(
                source,
                format!("{what}: the answer has no \"token.expires_at\""),
            ));
        }

        let url = format!("{}{SECURITY_TOKENS_PATH}", self.iam_endpoint);
        let what = format!("POST {url}");
        let body = serde_json::json!({
            "auth": {
                "identity": {
                    "methods": ["token"],
                    "token": { "id": subject_token, "duration_seconds": DURATION_SECONDS },
                },
            },
        });
        let answer = self
            .http
            .send(&source, &what, |c| {
                c.post(&url)
                    .header("Content-Type", "application/json;charset=UTF-8")
                    .body(body.to_string())
            })
            .await
            .map_err(unreachable)?;
        if !answer.status.is_success() {
            return Err(CredentialsError::unavailable(
                source,
                format!(
                    "{what}: IAM gave no temporary credentials: {}",
                    answer.error_text()
                ),
            ));
        }
        temporary_credentials(&source, &what, &answer.body)
    }
}

impl ProvideCredentials for IdTokenProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;
    use modelarts_pools_test_support::{Reply, Server};

    #[tokio::test]
    async fn exchanges_the_id_token_with_iam() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("id_token");
        std::fs::write(&file, "  eyJ.ID-TOKEN.sig\n").unwrap();
        let iam = Server::start([
            Reply::json(
                201,
                r#"{"token":{"expires_at":"2030-01-01T00:00:00.000000Z","methods":["mapped"]}}"#,
            )
            .header("X-Subject-Token", "MIIsubject")
            .header("X-Request-Id", "r1"),
            Reply::json(
                201,
                r#"{"credential":{"access":"AKFED","secret":"SKFED","securitytoken":"STFED","expires_at":"2030-01-01T06:00:00.000000Z"}}"#,
            ),
        ]);
        let provider = IdTokenProvider::new("my-idp", &file).iam_endpoint(iam.endpoint());
        let provided = provider.provide_credentials().await.unwrap();
        match provided.credentials() {
            Credentials::AkSk {
                ak,
                sk,
                security_token,
            } => {
                assert_eq!(ak, "AKFED");
                assert_eq!(sk.expose(), "SKFED");
                assert_eq!(security_token.as_ref().unwrap().expose(), "STFED");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            provided.expires_at(),
            super::super::exchange::parse_expiry("2030-01-01T06:00:00Z")
        );

        let requests = iam.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[0].method, "POST");
        assert_eq!(requests[0].path(), "/v3.0/OS-AUTH/id-token/tokens");
        assert_eq!(requests[0].header("x-idp-id"), Some("my-idp"));
        assert_eq!(
            requests[0].json(),
            serde_json::json!({"auth": {"id_token": {"id": "eyJ.ID-TOKEN.sig"}}})
        );
        assert_eq!(requests[1].path(), "/v3.0/OS-CREDENTIAL/securitytokens");
        assert_eq!(
            requests[1].json(),
            serde_json::json!({"auth": {"identity": {"methods": ["token"],
                "token": {"id": "MIIsubject", "duration_seconds": 21600}}}})
        );
    }

    #[tokio::test]
    async fn failures_name_the_source_and_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let err = IdTokenProvider::new("idp1", &missing)
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(
            err.kind(),
            crate::credentials::CredentialsErrorKind::Invalid
        );
        assert!(
            err.to_string().starts_with(
                "federated ID token (identity provider idp1): cannot read the ID token file"
            ),
            "{err}"
        );

        let file = dir.path().join("tok");
        std::fs::write(&file, "SECRET-ID-TOKEN").unwrap();
        let iam = Server::start([Reply::json(
            401,
            r#"{"error":{"code":"IAM.0011","message":"Invalid id token"}}"#,
        )
        .header("X-IAM-Trace-Id", "trace-7")]);
        let err = IdTokenProvider::new("idp1", &file)
            .iam_endpoint(iam.endpoint())
            .provide_credentials()
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("IAM refused the ID token: HTTP 401"),
            "{text}"
        );
        assert!(
            text.contains("IAM.0011") && text.contains("trace-7"),
            "{text}"
        );
        assert!(!text.contains("SECRET-ID-TOKEN"), "{text}");

        // A 201 without the subject token.
        let iam = Server::start([Reply::json(
            201,
            r#"{"token":{"expires_at":"2030-01-01T00:00:00Z"}}"#,
        )]);
        let err = IdTokenProvider::new("idp1", &file)
            .iam_endpoint(iam.endpoint())
            .provide_credentials()
            .await
            .unwrap_err();
        assert!(err.to_string().contains("no X-Subject-Token"), "{err}");
    }
}
