//! Transports: what carries one attempt to the service and brings its answer back.
//!
//! The default is the client's own `reqwest::Client`, used directly. [`ClientBuilder::transport`]
//! puts any [`Transport`] in its place; with the `server` feature, [`InProcess`] calls an axum
//! `Router` or any tower `Service` in this process (the generated server stubs' router, the
//! emulator, a test's own service), so a test needs no socket.
//!
//! Whatever the transport, the client does the same around it: it signs exactly the request the
//! transport is given, reads the answer's body within its size limit, applies its timeout to the
//! exchange and the body together, refuses redirects, retries by the same rules and decodes the
//! same errors.
//!
//! [`ClientBuilder::transport`]: crate::ClientBuilder::transport

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use reqwest::Url;

/// The error a transport fails with; the client sorts it into a
/// [`TransportErrorKind`](crate::TransportErrorKind) by what is in its chain (a `reqwest` or
/// rustls error, an `io::Error` that timed out or was refused), else `Other`.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What [`Transport::send`] returns.
pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<http::Response<ResponseBody>, BoxError>> + Send + 'a>>;

/// Carries one attempt: the request as the client built and signed it, answered with the
/// service's status, headers and body.
///
/// `request` is complete: its URI is the whole URL (`http://host/v2/p/pools?limit=1`), its
/// headers are the ones signed plus `Authorization` and `User-Agent`, its body the bytes signed.
/// A transport must not change what is signed. The body it returns is read by the client (within
/// its limit) after the headers; the client's timeout covers both.
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` and returns the answer, or why there is none.
    fn send(&self, request: http::Request<Bytes>) -> SendFuture<'_>;
}

/// The body of an answer, read by the client frame by frame.
pub struct ResponseBody(UnsyncBoxBody<Bytes, BoxError>);

impl ResponseBody {
    /// Any HTTP body.
    pub fn new<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        ResponseBody(body.map_err(Into::into).boxed_unsync())
    }

    /// No body.
    pub fn empty() -> Self {
        ResponseBody::new(http_body_util::Empty::<Bytes>::new())
    }
}

impl From<Bytes> for ResponseBody {
    fn from(bytes: Bytes) -> Self {
        ResponseBody::new(http_body_util::Full::new(bytes))
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(bytes: Vec<u8>) -> Self {
        ResponseBody::from(Bytes::from(bytes))
    }
}

impl From<String> for ResponseBody {
    fn from(text: String) -> Self {
        ResponseBody::from(Bytes::from(text))
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ResponseBody(..)")
    }
}

/// A transport a client was built on, with the `User-Agent` reqwest would add (added for the
/// transport so that it sees the same request).
#[derive(Clone)]
pub(crate) struct Custom {
    pub transport: Arc<dyn Transport>,
    pub user_agent: HeaderValue,
}

/// How one attempt is sent: the client's own `reqwest::Client`, or the transport it was given.
#[derive(Clone, Copy)]
pub(crate) enum Sender<'a> {
    Reqwest {
        http: &'a reqwest::Client,
        /// The timeout `http` applies by itself (it was built with it), if known.
        own_timeout: Option<Duration>,
    },
    Custom(&'a Custom),
}

/// The request of one attempt, as signed.
pub(crate) struct Outgoing<'a> {
    pub method: &'a Method,
    pub url: &'a Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Bytes>,
}

/// An answer whose head has arrived and whose body is still to be read.
pub(crate) enum Incoming {
    Reqwest(reqwest::Response),
    Custom {
        status: StatusCode,
        headers: HeaderMap,
        body: ResponseBody,
        /// The client's timeout runs over the exchange and the body together.
        deadline: tokio::time::Instant,
    },
}

/// A failed exchange, before it is named for an operation.
pub(crate) enum Failure {
    Reqwest(reqwest::Error),
    Other(BoxError),
    TimedOut(Duration),
}

impl Sender<'_> {
    pub(crate) async fn send(
        self,
        outgoing: Outgoing<'_>,
        timeout: Duration,
    ) -> Result<Incoming, Failure> {
        match self {
            Sender::Reqwest { http, own_timeout } => {
                let mut request =
                    reqwest::Request::new(outgoing.method.clone(), outgoing.url.clone());
                if own_timeout != Some(timeout) {
                    *request.timeout_mut() = Some(timeout);
                }
                let headers = request.headers_mut();
                headers.reserve(outgoing.headers.len());
                for (name, value) in outgoing.headers {
                    headers.append(name, value);
                }
                if let Some(body) = outgoing.body {
                    *request.body_mut() = Some(reqwest::Body::from(body));
                }
                http.execute(request)
                    .await
                    .map(Incoming::Reqwest)
                    .map_err(Failure::Reqwest)
            }
            Sender::Custom(Custom {
                transport,
                user_agent,
            }) => {
                let deadline = tokio::time::Instant::now() + timeout;
                let mut request = http::Request::new(outgoing.body.unwrap_or_default());
                *request.method_mut() = outgoing.method.clone();
                *request.uri_mut() = outgoing
                    .url
                    .as_str()
                    .parse()
                    .map_err(|e| Failure::Other(Box::new(e)))?;
                let headers = request.headers_mut();
                headers.reserve(outgoing.headers.len() + 1);
                for (name, value) in outgoing.headers {
                    headers.append(name, value);
                }
                if !headers.contains_key(http::header::USER_AGENT) {
                    headers.insert(http::header::USER_AGENT, user_agent.clone());
                }
                let response = tokio::time::timeout_at(deadline, transport.send(request))
                    .await
                    .map_err(|_| Failure::TimedOut(timeout))?
                    .map_err(Failure::Other)?;
                let (parts, body) = response.into_parts();
                Ok(Incoming::Custom {
                    status: parts.status,
                    headers: parts.headers,
                    body,
                    deadline,
                })
            }
        }
    }
}

impl Incoming {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Incoming::Reqwest(response) => response.status(),
            Incoming::Custom { status, .. } => *status,
        }
    }

    /// The headers, taken out (the answer keeps none).
    pub(crate) fn take_headers(&mut self) -> HeaderMap {
        match self {
            Incoming::Reqwest(response) => std::mem::take(response.headers_mut()),
            Incoming::Custom { headers, .. } => std::mem::take(headers),
        }
    }

    /// The next piece of the body (`None` at its end). Only data frames count; trailers are
    /// ignored.
    pub(crate) async fn chunk(&mut self, timeout: Duration) -> Result<Option<Bytes>, Failure> {
        match self {
            Incoming::Reqwest(response) => response.chunk().await.map_err(Failure::Reqwest),
            Incoming::Custom { body, deadline, .. } => loop {
                let frame = tokio::time::timeout_at(*deadline, body.0.frame())
                    .await
                    .map_err(|_| Failure::TimedOut(timeout))?;
                match frame {
                    None => return Ok(None),
                    Some(Err(e)) => return Err(Failure::Other(e)),
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            return Ok(Some(data));
                        }
                    }
                }
            },
        }
    }

    /// The `Content-Length` the answer declares, if any.
    pub(crate) fn content_length(&self) -> Option<u64> {
        match self {
            Incoming::Reqwest(response) => response.content_length(),
            Incoming::Custom { body, .. } => http_body::Body::size_hint(&body.0).exact(),
        }
    }
}

/// A shared transport is a transport.
impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(&self, request: http::Request<Bytes>) -> SendFuture<'_> {
        (**self).send(request)
    }
}

#[cfg(feature = "server")]
#[cfg_attr(docsrs, doc(cfg(feature = "server")))]
pub use in_process::InProcess;

#[cfg(feature = "server")]
mod in_process {
    use std::fmt;

    use bytes::Bytes;
    use tower_service::Service;

    use super::{BoxError, ResponseBody, SendFuture, Transport};

    /// A transport that hands each request to a tower `Service` in this process (feature
    /// `server`): an axum `Router` such as the generated `server::router(..)` over the emulator
    /// or a test's own `Service`. No socket is opened; the router sees the request exactly as
    /// signed (its signature checks apply) and its answer is read like any other.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// use modelarts_pools_runtime::server::axum::{Router, routing::get};
    /// use modelarts_pools_runtime::transport::InProcess;
    /// use modelarts_pools_runtime::{Client, Credentials};
    ///
    /// let router = Router::new().route("/v2/{project_id}/pools", get(|| async { "{}" }));
    /// let client = Client::builder()
    ///     .endpoint("http://localhost")
    ///     .project_id("p")
    ///     .credentials(Credentials::ak_sk("AK", "SK"))
    ///     .transport(Arc::new(InProcess::new(router)))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), modelarts_pools_runtime::Error>(())
    /// ```
    pub struct InProcess<S> {
        service: S,
    }

    impl<S> InProcess<S> {
        /// A transport calling `service` (cloned for each request, as axum's `Router` is meant
        /// to be).
        pub fn new(service: S) -> Self {
            InProcess { service }
        }
    }

    impl<S> fmt::Debug for InProcess<S> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("InProcess")
                .field("service", &std::any::type_name::<S>())
                .finish()
        }
    }

    impl<S, B> Transport for InProcess<S>
    where
        S: Service<http::Request<axum::body::Body>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        fn send(&self, request: http::Request<Bytes>) -> SendFuture<'_> {
            let mut service = self.service.clone();
            let request = request.map(axum::body::Body::from);
            Box::pin(async move {
                std::future::poll_fn(|cx| service.poll_ready(cx))
                    .await
                    .map_err(Into::into)?;
                let response = service.call(request).await.map_err(Into::into)?;
                Ok(response.map(ResponseBody::new))
            })
        }
    }
}

#[cfg(all(test, feature = "server"))]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use axum::Router;
    use axum::extract::Request;
    use axum::response::{IntoResponse, Response};
    use axum::routing::{any, get};
    use http::StatusCode;

    use super::{BoxError, InProcess, ResponseBody, SendFuture, Transport};
    use crate::server::{Auth, ServiceError, check_signature, json_response};
    use crate::{
        Client, Credentials, Error, Method, OperationRequest, RetryPolicy, TransportErrorKind,
    };

    /// Answers `{"seen": PATH}` to a request whose signature checks out, as the gateway would.
    async fn checked(auth: Auth, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
        let query = parts.uri.query().unwrap_or("");
        if let Err(e) = check_signature(
            &auth,
            parts.method.as_str(),
            parts.uri.path(),
            query,
            &parts.headers,
            &bytes,
        ) {
            return e.into_response();
        }
        let agent = parts.headers.get("user-agent").cloned();
        json_response(
            StatusCode::OK,
            &serde_json::json!({
                "seen": parts.uri.path(),
                "query": query,
                "body": String::from_utf8_lossy(&bytes),
                "agent": agent.map(|a| a.to_str().unwrap().to_owned()),
            }),
        )
    }

    fn router() -> Router {
        let auth = Auth::AkSk {
            ak: "AK".into(),
            sk: "SK".into(),
        };
        Router::new().route(
            "/v2/{project}/pools",
            any(move |request: Request| checked(auth.clone(), request)),
        )
    }

    fn client(credentials: Credentials, transport: Arc<dyn Transport>) -> Client {
        Client::builder()
            .endpoint("http://localhost:8080")
            .project_id("p1")
            .credentials(credentials)
            .retry(RetryPolicy::disabled())
            .transport(transport)
            .build()
            .unwrap()
    }

    fn list() -> OperationRequest {
        let mut request = OperationRequest::new("ListPools", Method::POST);
        request.push_literal("v2");
        request.push_param("project_id", "p1").unwrap();
        request.push_literal("pools");
        request.query("limit", "2 3");
        request.json_body(&serde_json::json!({"a": 1})).unwrap();
        request
    }

    #[tokio::test]
    async fn signed_requests_pass_the_routers_check_and_others_get_401() {
        let transport: Arc<dyn Transport> = Arc::new(InProcess::new(router()));
        let ok = client(Credentials::ak_sk("AK", "SK"), Arc::clone(&transport));
        let answer = ok.execute::<serde_json::Value>(list()).await.unwrap();
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.body["seen"], "/v2/p1/pools");
        assert_eq!(answer.body["query"], "limit=2%203");
        assert_eq!(answer.body["body"], r#"{"a":1}"#);
        assert_eq!(answer.body["agent"], crate::DEFAULT_USER_AGENT);
        assert_eq!(answer.request_id.map(|id| id.len()), Some(32));

        for credentials in [
            Credentials::ak_sk("AK", "wrong"),
            Credentials::ak_sk("other", "SK"),
            Credentials::iam_token("token"),
        ] {
            let bad = client(credentials, Arc::clone(&transport));
            match bad.execute::<serde_json::Value>(list()).await {
                Err(Error::Api(e)) => {
                    assert_eq!(e.status, StatusCode::UNAUTHORIZED);
                    assert_eq!(e.error_code, "APIGW.0301", "{e:?}");
                }
                other => panic!("expected a 401, got {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn size_limits_redirects_and_errors_apply_as_over_http() {
        let big = "x".repeat(4096);
        let router = Router::new()
            .route("/big", get(move || async move { big.clone() }))
            .route(
                "/moved",
                get(|| async {
                    (
                        StatusCode::FOUND,
                        [("location", "http://elsewhere.invalid/")],
                    )
                }),
            )
            .route("/text", get(|| async { "not json" }))
            .route(
                "/gone",
                get(|| async {
                    ServiceError::new(StatusCode::NOT_FOUND, "ModelArts.50015001", "no such pool")
                }),
            );
        let client = Client::builder()
            .endpoint("http://localhost")
            .project_id("p1")
            .credentials(Credentials::ak_sk("AK", "SK"))
            .max_response_bytes(1024)
            .transport(Arc::new(InProcess::new(router)))
            .build()
            .unwrap();
        let get = |path: &'static str| {
            let mut request = OperationRequest::new("Get", Method::GET);
            request.push_literal(path);
            client.execute::<serde_json::Value>(request)
        };
        match get("big").await {
            Err(Error::Transport(e)) => assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge),
            other => panic!("{other:?}"),
        }
        match get("moved").await {
            Err(Error::Transport(e)) => assert_eq!(e.kind(), TransportErrorKind::Redirect),
            other => panic!("{other:?}"),
        }
        assert!(matches!(get("text").await, Err(Error::Decode(_))));
        match get("gone").await {
            Err(Error::Api(e)) => {
                assert_eq!(e.status, StatusCode::NOT_FOUND);
                assert_eq!(e.error_code, "ModelArts.50015001");
            }
            other => panic!("{other:?}"),
        }
        match get("nowhere").await {
            Err(Error::Api(e)) => assert_eq!(e.status, StatusCode::NOT_FOUND),
            other => panic!("{other:?}"),
        }
    }

    /// Fails with `error()` until `failures` calls have failed, then answers `{}`.
    struct Flaky<E> {
        calls: AtomicU32,
        failures: u32,
        error: E,
    }

    impl<E: Fn() -> BoxError + Send + Sync + 'static> Transport for Flaky<E> {
        fn send(&self, _request: http::Request<bytes::Bytes>) -> SendFuture<'_> {
            let call = self.calls.fetch_add(1, Ordering::SeqCst);
            let failure = (call < self.failures).then(|| (self.error)());
            Box::pin(async move {
                match failure {
                    Some(e) => Err(e),
                    None => Ok(http::Response::new(ResponseBody::from("{}".to_owned()))),
                }
            })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn transport_failures_are_sorted_and_retried_by_the_same_rules() {
        let refused = || -> BoxError {
            Box::new(std::io::Error::new(
                std::io::ErrorKind::ConnectionRefused,
                "refused",
            ))
        };
        let flaky = Arc::new(Flaky {
            calls: AtomicU32::new(0),
            failures: 2,
            error: refused,
        });
        let client = Client::builder()
            .endpoint("http://localhost")
            .project_id("p1")
            .credentials(Credentials::ak_sk("AK", "SK"))
            .transport(flaky.clone())
            .build()
            .unwrap();
        let get = || {
            let mut request = OperationRequest::new("Get", Method::GET);
            request.push_literal("x");
            request
        };
        client.execute::<serde_json::Value>(get()).await.unwrap();
        assert_eq!(flaky.calls.load(Ordering::SeqCst), 3);

        let never = Arc::new(Flaky {
            calls: AtomicU32::new(0),
            failures: u32::MAX,
            error: refused,
        });
        let once = Client::builder()
            .endpoint("http://localhost")
            .project_id("p1")
            .credentials(Credentials::ak_sk("AK", "SK"))
            .retry(RetryPolicy::disabled())
            .transport(never.clone())
            .build()
            .unwrap();
        match once.execute::<serde_json::Value>(get()).await {
            Err(Error::Transport(e)) => {
                assert_eq!(e.kind(), TransportErrorKind::Connect);
                assert!(e.to_string().contains("refused"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(never.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_timeout_covers_the_exchange_and_the_body() {
        let router = Router::new()
            .route("/hang", get(std::future::pending::<&'static str>))
            .route(
                "/slow-body",
                get(|| async {
                    let stream = futures_util::stream::unfold(0u32, |n| async move {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        Some((
                            Ok::<_, std::io::Error>(bytes::Bytes::from_static(b" ")),
                            n + 1,
                        ))
                    });
                    axum::body::Body::from_stream(stream)
                }),
            );
        let client = Client::builder()
            .endpoint("http://localhost")
            .project_id("p1")
            .credentials(Credentials::ak_sk("AK", "SK"))
            .timeout(Duration::from_secs(5))
            .retry(RetryPolicy::disabled())
            .transport(Arc::new(InProcess::new(router)))
            .build()
            .unwrap();
        for path in ["hang", "slow-body"] {
            let mut request = OperationRequest::new("Get", Method::GET);
            request.push_literal(path);
            let started = tokio::time::Instant::now();
            match client.execute::<serde_json::Value>(request).await {
                Err(Error::Transport(e)) => assert_eq!(e.kind(), TransportErrorKind::Timeout),
                other => panic!("{path}: {other:?}"),
            }
            assert_eq!(started.elapsed(), Duration::from_secs(5), "{path}");
        }
    }
}
