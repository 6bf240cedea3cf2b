//! The ECS server's agency credentials, from the instance metadata service.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use http::StatusCode;

use super::BoxFuture;
use super::exchange::{Answer, HttpClient, SendError, temporary_credentials};
use super::provider::{CredentialsError, ProvideCredentials, ProvidedCredentials};

/// The instance metadata service of Huawei Cloud servers (the official SDKs' `MetadataEndpoint`).
pub const DEFAULT_METADATA_ENDPOINT: &str = "http://169.254.169.254";

/// Environment variable holding another metadata address (for tests against a local fake; the
/// official SDKs have none and always use [`DEFAULT_METADATA_ENDPOINT`]).
pub const METADATA_ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_METADATA_ENDPOINT";

/// Where the session token is asked for (`PUT`).
const TOKEN_PATH: &str = "/meta-data/latest/api/token";
/// Where the agency's temporary AK/SK are read (`GET`).
const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
const TOKEN_HEADER: &str = "X-Metadata-Token";
const TOKEN_TTL_HEADER: &str = "X-Metadata-Token-Ttl-Seconds";
/// The session token's life asked for: 6 hours, as the official SDKs ask.
const TOKEN_TTL_SECONDS: u64 = 6 * 60 * 60;
/// How long a service that issues no session token is trusted not to start issuing them.
const TOKEN_RECHECK: Duration = Duration::from_secs(24 * 60 * 60);
/// What the service says when the server has no agency (then a new token does not help).
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";
/// The metadata service answers at once or not at all (the official SDKs wait 3 s).
const METADATA_TIMEOUT: Duration = Duration::from_secs(3);

/// The session token as last obtained.
#[derive(Default)]
struct Session {
    token: Option<String>,
    /// When a token was last asked for.
    asked_at: Option<Instant>,
}

/// The temporary AK/SK of the cloud service agency of the ECS server the program runs on, as the
/// official SDKs read them: a session token first (`PUT /meta-data/latest/api/token`, kept and
/// renewed when the service refuses it), then `GET /openstack/latest/securitykey` with it in
/// `X-Metadata-Token`. A service that issues no tokens (404, 405, 503) is read without one.
///
/// The address is [`DEFAULT_METADATA_ENDPOINT`], or `HUAWEICLOUD_SDK_METADATA_ENDPOINT`, or what
/// [`endpoint`](Self::endpoint) says. The service is reached directly, never through a proxy.
/// Where there is no metadata service (not on a Huawei Cloud server) the source has nothing to
/// give ([`NotFound`](super::CredentialsErrorKind::NotFound)); a server without an agency is an
/// [`Invalid`](super::CredentialsErrorKind::Invalid) one.
#[derive(Clone)]
pub struct InstanceMetadataProvider {
    endpoint: String,
    http: HttpClient,
    session: Arc<Mutex<Session>>,
}

impl std::fmt::Debug for InstanceMetadataProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceMetadataProvider")
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl Default for InstanceMetadataProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl InstanceMetadataProvider {
    /// The metadata service at `HUAWEICLOUD_SDK_METADATA_ENDPOINT`, else
    /// [`DEFAULT_METADATA_ENDPOINT`].
    pub fn new() -> Self {
        let endpoint = std::env::var(METADATA_ENDPOINT_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty());
        Self::at(endpoint.as_deref().unwrap_or(DEFAULT_METADATA_ENDPOINT))
    }

    pub(crate) fn at(endpoint: &str) -> Self {
        InstanceMetadataProvider {
            endpoint: endpoint.trim().trim_end_matches('/').to_string(),
            http: HttpClient::direct(METADATA_TIMEOUT),
            session: Arc::default(),
        }
    }

    /// Another address of the metadata service, such as `http://127.0.0.1:8080`.
    pub fn endpoint(self, endpoint: impl AsRef<str>) -> Self {
        Self::at(endpoint.as_ref())
    }

    fn source(&self) -> String {
        format!("instance metadata ({})", self.endpoint)
    }

    /// Asks for a session token. `Ok(None)`: the service issues none.
    async fn new_token(&self, required: bool) -> Result<Option<String>, CredentialsError> {
        let source = self.source();
        let url = format!("{}{TOKEN_PATH}", self.endpoint);
        let what = format!("PUT {url}");
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .asked_at = Some(Instant::now());
        let answer = self
            .http
            .send(&source, &what, |c| {
                c.put(&url)
                    .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.to_string())
            })
            .await
            .map_err(|e| self.send_error(e))?;
        let token = match answer.status.as_u16() {
            200 => {
                let token = String::from_utf8_lossy(&answer.body).trim().to_string();
                if token.is_empty() || http::HeaderValue::from_str(&token).is_err() {
                    return Err(CredentialsError::unavailable(
                        source,
                        format!("{what}: the session token is empty or not a header value"),
                    ));
                }
                Some(token)
            }
            404 | 405 | 503 if !required => None,
            _ => {
                return Err(CredentialsError::unavailable(
                    source,
                    format!("{what}: no session token: {}", answer.error_text()),
                ));
            }
        };
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .token
            .clone_from(&token);
        Ok(token)
    }

    fn send_error(&self, error: SendError) -> CredentialsError {
        match error {
            // No metadata service here: this source has nothing to give.
            SendError::Unreachable(why) => CredentialsError::not_found(
                self.source(),
                format!("no metadata service (not on a Huawei Cloud server?): {why}"),
            ),
            SendError::Other(e) => e,
        }
    }

    async fn security_key(&self, token: Option<&str>) -> Result<Answer, CredentialsError> {
        let url = format!("{}{SECURITY_KEY_PATH}", self.endpoint);
        let what = format!("GET {url}");
        self.http
            .send(&self.source(), &what, |c| {
                let request = c.get(&url);
                match token {
                    Some(token) => request.header(TOKEN_HEADER, token),
                    None => request,
                }
            })
            .await
            .map_err(|e| self.send_error(e))
    }

    async fn fetch(&self) -> Result<ProvidedCredentials, CredentialsError> {
        let source = self.source();
        let (mut token, asked_at) = {
            let session = self.session.lock().unwrap_or_else(PoisonError::into_inner);
            (session.token.clone(), session.asked_at)
        };
        if token.is_none() && asked_at.is_none_or(|at| at.elapsed() > TOKEN_RECHECK) {
            token = self.new_token(false).await?;
        }
        let mut answer = self.security_key(token.as_deref()).await?;
        if answer.status == StatusCode::UNAUTHORIZED && !body_says_no_agency(&answer) {
            // The session token expired (or the service started issuing them): a new one.
            token = self.new_token(true).await?;
            answer = self.security_key(token.as_deref()).await?;
        }
        let what = format!("GET {}{SECURITY_KEY_PATH}", self.endpoint);
        if body_says_no_agency(&answer) {
            return Err(CredentialsError::invalid(
                source,
                format!(
                    "{what}: the server has no cloud service agency; give it one (ECS console, \
                     the server's Management Information, Agency) or configure credentials \
                     another way: {}",
                    answer.error_text()
                ),
            ));
        }
        if !answer.status.is_success() {
            return Err(CredentialsError::unavailable(
                source,
                format!("{what}: {}", answer.error_text()),
            ));
        }
        temporary_credentials(&source, &what, &answer.body)
    }
}

fn body_says_no_agency(answer: &Answer) -> bool {
    answer.status.as_u16() >= 400 && String::from_utf8_lossy(&answer.body).contains(NO_AGENCY)
}

impl ProvideCredentials for InstanceMetadataProvider {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        Box::pin(self.fetch())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credentials;
    use crate::credentials::CredentialsErrorKind;
    use modelarts_pools_test_support::{Reply, Server};

    const KEY: &str = r#"{"credential":{"access":"AKMETA","secret":"SKMETA-secret","securitytoken":"STMETA-token","expires_at":"2030-01-01T00:00:00.000000Z"}}"#;

    fn ak(provided: &ProvidedCredentials) -> (String, String, String) {
        match provided.credentials() {
            Credentials::AkSk {
                ak,
                sk,
                security_token,
            } => (
                ak.clone(),
                sk.expose().to_string(),
                security_token.as_ref().unwrap().expose().to_string(),
            ),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn session_token_then_security_key() {
        let server = Server::start([
            Reply::json(200, "session-token-1"),
            Reply::json(200, KEY),
            Reply::json(200, KEY.replace("AKMETA", "AKMETA2")),
        ]);
        let provider = InstanceMetadataProvider::new().endpoint(server.endpoint());
        let provided = provider.provide_credentials().await.unwrap();
        assert_eq!(
            ak(&provided),
            (
                "AKMETA".into(),
                "SKMETA-secret".into(),
                "STMETA-token".into()
            )
        );
        assert_eq!(
            provided.expires_at(),
            super::super::exchange::parse_expiry("2030-01-01T00:00:00Z")
        );
        // The second fetch reuses the session token.
        let again = provider.provide_credentials().await.unwrap();
        assert_eq!(ak(&again).0, "AKMETA2");

        let requests = server.requests();
        assert_eq!(requests.len(), 3);
        assert_eq!(requests[0].method, "PUT");
        assert_eq!(requests[0].path(), "/meta-data/latest/api/token");
        assert_eq!(
            requests[0].header("x-metadata-token-ttl-seconds"),
            Some("21600")
        );
        for r in &requests[1..] {
            assert_eq!(
                (r.method.as_str(), r.path()),
                ("GET", "/openstack/latest/securitykey")
            );
            assert_eq!(r.header("x-metadata-token"), Some("session-token-1"));
        }
    }

    #[tokio::test]
    async fn without_session_tokens_and_with_an_expired_one() {
        // A service that issues no tokens is read without one.
        let server = Server::start([Reply::status(404), Reply::json(200, KEY)]);
        let provider = InstanceMetadataProvider::new().endpoint(server.endpoint());
        provider.provide_credentials().await.unwrap();
        assert_eq!(server.requests()[1].header("x-metadata-token"), None);

        // A refused token is renewed once.
        let server = Server::start([
            Reply::json(200, "old"),
            Reply::json(401, r#"{"error":"token expired"}"#),
            Reply::json(200, "new"),
            Reply::json(200, KEY),
        ]);
        let provider = InstanceMetadataProvider::new().endpoint(server.endpoint());
        provider.provide_credentials().await.unwrap();
        let requests = server.requests();
        assert_eq!(requests[1].header("x-metadata-token"), Some("old"));
        assert_eq!(requests[2].method, "PUT");
        assert_eq!(requests[3].header("x-metadata-token"), Some("new"));
    }

    #[tokio::test]
    async fn failures_say_which_source_and_why_never_a_secret() {
        // No agency: no new token is asked for.
        let server = Server::start([
            Reply::json(200, "tok"),
            Reply::json(
                401,
                r#"{"error":"Please configure Cloud Service Agency first"}"#,
            ),
        ]);
        let provider = InstanceMetadataProvider::new().endpoint(server.endpoint());
        let err = provider.provide_credentials().await.unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Invalid);
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("instance metadata ({})", server.endpoint())),
            "{text}"
        );
        assert!(text.contains("no cloud service agency"), "{text}");
        assert_eq!(server.requests().len(), 2);

        // A malformed answer: the secret in it is not repeated.
        let server = Server::start([
            Reply::status(404),
            Reply::json(
                200,
                r#"{"credential":{"access":"AK","secret":"SKMETA-secret","expires_at":"2030-01-01T00:00:00Z"}}"#,
            ),
        ]);
        let err = InstanceMetadataProvider::new()
            .endpoint(server.endpoint())
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::Unavailable);
        assert!(
            err.to_string().contains("credential.securitytoken"),
            "{err}"
        );
        assert!(!err.to_string().contains("SKMETA"), "{err}");

        // Nothing listening: not found (the chain goes on).
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let err = InstanceMetadataProvider::new()
            .endpoint(format!("http://127.0.0.1:{port}"))
            .provide_credentials()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), CredentialsErrorKind::NotFound, "{err}");
        assert!(err.to_string().contains("no metadata service"), "{err}");
    }
}
