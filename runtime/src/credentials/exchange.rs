//! The small HTTP exchanges the sources make (metadata service, IAM): one request, the whole
//! answer read within a limit, and errors that name the source and never a secret.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use super::provider::CredentialsError;
use crate::error::error_chain;

/// Largest answer a source reads (IAM tokens with their catalogue are a few hundred KiB).
const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// How much of an error answer goes into a message.
const MAX_ERROR_TEXT: usize = 300;

/// An HTTP client given by the user, or one built the first time it is needed.
#[derive(Clone, Debug, Default)]
pub(crate) struct HttpClient {
    given: Option<reqwest::Client>,
    built: Arc<OnceLock<Result<reqwest::Client, String>>>,
    /// For the built one: no proxy (the metadata service is link-local) and this timeout.
    direct_timeout: Option<Duration>,
}

impl HttpClient {
    /// A client built on first use, through the proxies of the environment.
    pub(crate) fn new() -> Self {
        HttpClient::default()
    }

    /// A client built on first use that never goes through a proxy, with a total timeout.
    pub(crate) fn direct(timeout: Duration) -> Self {
        HttpClient {
            direct_timeout: Some(timeout),
            ..HttpClient::default()
        }
    }

    pub(crate) fn given(client: reqwest::Client) -> Self {
        HttpClient {
            given: Some(client),
            ..HttpClient::default()
        }
    }

    fn client(&self, source: &str) -> Result<reqwest::Client, CredentialsError> {
        if let Some(client) = &self.given {
            return Ok(client.clone());
        }
        let built = self.built.get_or_init(|| {
            let mut builder =
                reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
            if let Some(timeout) = self.direct_timeout {
                builder = builder.no_proxy().timeout(timeout);
            }
            builder.build().map_err(|e| error_chain(&e))
        });
        built.clone().map_err(|e| {
            CredentialsError::unavailable(source, format!("cannot build an HTTP client: {e}"))
        })
    }

    /// Sends `request` (built on [`client`](Self::client)'s client) and reads the answer.
    pub(crate) async fn send(
        &self,
        source: &str,
        what: &str,
        build: impl FnOnce(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, SendError> {
        let client = self.client(source).map_err(SendError::Other)?;
        let mut response = build(&client)
            .send()
            .await
            .map_err(|e| SendError::Unreachable(format!("{what}: {}", error_chain(&e))))?;
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                        return Err(SendError::Other(CredentialsError::unavailable(
                            source,
                            format!("{what}: the answer is larger than {MAX_ANSWER_BYTES} bytes"),
                        )));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(SendError::Unreachable(format!(
                        "{what}: reading the answer failed: {}",
                        error_chain(&e)
                    )));
                }
            }
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

/// Why an exchange gave no answer.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The service could not be reached (connect, timeout, reset): the message says where.
    Unreachable(String),
    Other(CredentialsError),
}

/// An answer read whole.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    /// The status and the start of the body, for the message of an error answer (error answers
    /// carry no credentials), with the IAM trace ID when there is one.
    pub(crate) fn error_text(&self) -> String {
        let body = String::from_utf8_lossy(&self.body);
        let body: String = body
            .trim()
            .chars()
            .take(MAX_ERROR_TEXT)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut text = format!("HTTP {}", self.status);
        if !body.is_empty() {
            text.push_str(": ");
            text.push_str(&body);
        }
        if let Some(trace) = self.header("x-iam-trace-id") {
            text.push_str(&format!(" (X-IAM-Trace-Id {trace})"));
        }
        text
    }
}

/// A string member of a JSON object, trimmed, if present and not empty.
pub(crate) fn json_str<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    value
        .get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Reads the temporary credentials that the metadata service and IAM's `securitytokens` answer
/// with: `{"credential": {"access", "secret", "securitytoken", "expires_at"}}`.
pub(crate) fn temporary_credentials(
    source: &str,
    what: &str,
    body: &[u8],
) -> Result<super::ProvidedCredentials, CredentialsError> {
    let bad = |why: String| CredentialsError::unavailable(source, format!("{what}: {why}"));
    // serde_json's messages give a position, never the text, so no secret leaks through them.
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("the answer is not JSON ({e})")))?;
    let credential = value
        .get("credential")
        .ok_or_else(|| bad("the answer has no \"credential\"".to_string()))?;
    let field = |key: &str| {
        json_str(credential, key)
            .ok_or_else(|| bad(format!("the answer has no \"credential.{key}\"")))
    };
    let (access, secret, token) = (field("access")?, field("secret")?, field("securitytoken")?);
    let expires_text = field("expires_at")?;
    let expires_at = parse_expiry(expires_text).ok_or_else(|| {
        bad(format!(
            "\"credential.expires_at\" is not a UTC time such as 2026-01-02T15:04:05Z: {expires_text:?}"
        ))
    })?;
    let credentials = super::Credentials::temporary(access, secret, token);
    credentials
        .problem()
        .map_or(Ok(()), |p| Err(bad(format!("{p} in the answer"))))?;
    Ok(super::ProvidedCredentials::expiring(
        credentials,
        expires_at,
    ))
}

/// An expiry time as IAM and the metadata service write it: RFC 3339 in UTC
/// (`2026-01-02T15:04:05Z`, `2026-01-02T15:04:05.000000Z`), as the official SDKs parse it.
pub(crate) fn parse_expiry(text: &str) -> Option<std::time::SystemTime> {
    let parsed =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some(parsed.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    #[test]
    fn expiry_times() {
        let at = |s| {
            parse_expiry(s).map(|t| t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs())
        };
        assert_eq!(at("2026-01-02T15:04:05Z"), Some(1_767_366_245));
        assert_eq!(at("2026-01-02T15:04:05.123456Z"), Some(1_767_366_245));
        assert_eq!(at("2026-01-02T16:04:05+01:00"), Some(1_767_366_245));
        assert_eq!(at("2026-01-02 15:04:05"), None);
        assert_eq!(at(""), None);
    }

    #[test]
    fn temporary_credentials_never_put_secrets_in_errors() {
        let body = br#"{"credential":{"access":"AKTEMP","secret":"S3CRET-sk","securitytoken":"T0KEN-st","expires_at":"soon"}}"#;
        let err = temporary_credentials("instance metadata", "securitykey", body).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("expires_at") && text.contains("\"soon\""),
            "{text}"
        );
        assert!(
            !text.contains("S3CRET") && !text.contains("T0KEN"),
            "{text}"
        );

        let body = br#"{"credential":{"access":"AKTEMP","secret":"S3CRET-sk","expires_at":"2026-01-02T15:04:05Z"}}"#;
        let text = temporary_credentials("x", "y", body)
            .unwrap_err()
            .to_string();
        assert!(text.contains("credential.securitytoken"), "{text}");
        assert!(!text.contains("S3CRET"), "{text}");

        let text = temporary_credentials("x", "y", b"{\"credential\": S3CRET")
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("not JSON") && !text.contains("S3CRET"),
            "{text}"
        );
    }
}
