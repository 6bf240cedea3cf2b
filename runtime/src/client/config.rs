//! Configuration: the endpoint (or region, from the table of known regions), project ID,
//! credentials, timeouts, retries and hooks, checked once by [`ClientBuilder::build`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use reqwest::Url;

use super::{Client, Inner, chain};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::hook::Hook;
use crate::retry::RetryPolicy;

/// Total time allowed for one attempt (connect, send, and read the whole answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Time allowed to connect (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest response body read (10 MiB); larger answers fail with `BodyTooLarge`.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// The default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("modelarts-pools-runtime/", env!("CARGO_PKG_VERSION"));

/// Environment variable holding the project ID.
pub const PROJECT_ID_ENV: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Environment variable holding the region (such as `cn-north-4`), used when no endpoint is set.
pub const REGION_ENV: &str = "HUAWEICLOUD_SDK_REGION";
/// Environment variable holding the endpoint URL (such as `https://modelarts.cn-north-4.myhuaweicloud.com`);
/// it wins over the region.
pub const ENDPOINT_ENV: &str = "HUAWEICLOUD_SDK_ENDPOINT";

/// The regions ModelArts serves, with their endpoints, as the official SDKs list them
/// (`ModelArtsRegion`). A region missing here is reached with [`ClientBuilder::endpoint`].
pub const REGIONS: &[(&str, &str)] = &[
    (
        "af-north-1",
        "https://modelarts.af-north-1.myhuaweicloud.com",
    ),
    (
        "af-south-1",
        "https://modelarts.af-south-1.myhuaweicloud.com",
    ),
    (
        "ap-southeast-1",
        "https://modelarts.ap-southeast-1.myhuaweicloud.cn",
    ),
    (
        "ap-southeast-2",
        "https://modelarts.ap-southeast-2.myhuaweicloud.com",
    ),
    (
        "ap-southeast-3",
        "https://modelarts.ap-southeast-3.myhuaweicloud.com",
    ),
    (
        "ap-southeast-4",
        "https://modelarts.ap-southeast-4.myhuaweicloud.com",
    ),
    ("cn-east-3", "https://modelarts.cn-east-3.myhuaweicloud.com"),
    ("cn-east-4", "https://modelarts.cn-east-4.myhuaweicloud.com"),
    (
        "cn-north-1",
        "https://modelarts.cn-north-1.myhuaweicloud.com",
    ),
    (
        "cn-north-11",
        "https://modelarts.cn-north-11.myhuaweicloud.com",
    ),
    (
        "cn-north-12",
        "https://modelarts.cn-north-12.myhuaweicloud.com",
    ),
    (
        "cn-north-2",
        "https://modelarts.cn-north-2.myhuaweicloud.com",
    ),
    (
        "cn-north-4",
        "https://modelarts.cn-north-4.myhuaweicloud.com",
    ),
    (
        "cn-north-9",
        "https://modelarts.cn-north-9.myhuaweicloud.com",
    ),
    (
        "cn-south-1",
        "https://modelarts.cn-south-1.myhuaweicloud.com",
    ),
    (
        "cn-southwest-2",
        "https://modelarts.cn-southwest-2.myhuaweicloud.com",
    ),
    (
        "cn-southwest-3",
        "https://modelarts.cn-southwest-3.myhuaweicloud.com",
    ),
    (
        "la-north-2",
        "https://modelarts.la-north-2.myhuaweicloud.com",
    ),
    (
        "la-south-2",
        "https://modelarts.la-south-2.myhuaweicloud.com",
    ),
    ("me-east-1", "https://modelarts.me-east-1.myhuaweicloud.com"),
    (
        "sa-brazil-1",
        "https://modelarts.sa-brazil-1.myhuaweicloud.com",
    ),
    ("tr-west-1", "https://modelarts.tr-west-1.myhuaweicloud.com"),
];

/// The ModelArts endpoint of a region of [`REGIONS`]; any other region is a configuration error
/// listing the known ones (nothing is sent to a guessed host).
pub fn region_endpoint(region: &str) -> Result<String, Error> {
    match REGIONS.iter().find(|(id, _)| *id == region) {
        Some((_, endpoint)) => Ok((*endpoint).to_owned()),
        None => {
            let known: Vec<&str> = REGIONS.iter().map(|(id, _)| *id).collect();
            Err(Error::Config(format!(
                "unknown region {region:?}: ModelArts serves {}; for another one give its endpoint URL instead",
                known.join(", ")
            )))
        }
    }
}

#[derive(Clone, Debug)]
enum Target {
    Endpoint(String),
    Region(String),
}

/// Configures a [`Client`].
///
/// ```no_run
/// # use modelarts_pools_runtime::{Client, Credentials};
/// let client = Client::builder()
///     .region("cn-north-4")
///     .project_id("0123456789abcdef")
///     .credentials(Credentials::ak_sk("AK", "SK"))
///     .build()?;
/// # Ok::<(), modelarts_pools_runtime::Error>(())
/// ```
///
/// `C` is the client [`build`](Self::build) gives: this crate's [`Client`], or a generated
/// client wrapping it (`modelarts_pools::Client::builder()` builds that one directly).
pub struct ClientBuilder<C = Client> {
    target: Option<Target>,
    project_id: Option<String>,
    credentials: Option<Credentials>,
    credentials_error: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    hooks: Vec<Arc<dyn Hook>>,
    max_response_bytes: usize,
    accept_invalid_certificates: bool,
    user_agent: String,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            target: self.target.clone(),
            project_id: self.project_id.clone(),
            credentials: self.credentials.clone(),
            credentials_error: self.credentials_error.clone(),
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            retry: self.retry.clone(),
            hooks: self.hooks.clone(),
            max_response_bytes: self.max_response_bytes,
            accept_invalid_certificates: self.accept_invalid_certificates,
            user_agent: self.user_agent.clone(),
            client: PhantomData,
        }
    }
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("target", &self.target)
            .field("project_id", &self.project_id)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "accept_invalid_certificates",
                &self.accept_invalid_certificates,
            )
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

impl<C> ClientBuilder<C> {
    /// An empty configuration: endpoint (or region), project ID and credentials must be set.
    pub fn new() -> Self {
        ClientBuilder {
            target: None,
            project_id: None,
            credentials: None,
            credentials_error: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            hooks: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            accept_invalid_certificates: false,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            client: PhantomData,
        }
    }

    /// A configuration read from the environment:
    /// credentials as [`Credentials::from_env`] reads them (`HUAWEICLOUD_SDK_AK`,
    /// `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_SECURITY_TOKEN`, else `HUAWEICLOUD_SDK_AUTH_TOKEN`),
    /// `HUAWEICLOUD_SDK_PROJECT_ID`, and `HUAWEICLOUD_SDK_ENDPOINT` or else
    /// `HUAWEICLOUD_SDK_REGION` (both optional here; set one, or call
    /// [`endpoint`](Self::endpoint)/[`region`](Self::region)). Problems are reported by
    /// [`build`](Self::build); later calls override what was read.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut builder = Self::new();
        if let Some(endpoint) = get(ENDPOINT_ENV) {
            builder.target = Some(Target::Endpoint(endpoint));
        } else if let Some(region) = get(REGION_ENV) {
            builder.target = Some(Target::Region(region));
        }
        builder.project_id = get(PROJECT_ID_ENV);
        match Credentials::from_lookup(|name| get(name)) {
            Ok(c) => builder.credentials = Some(c),
            Err(Error::Config(msg)) => builder.credentials_error = Some(msg),
            Err(e) => builder.credentials_error = Some(e.to_string()),
        }
        builder
    }

    /// The endpoint URL, such as `https://modelarts.cn-north-4.myhuaweicloud.com` or
    /// `http://127.0.0.1:8080`: scheme, host and optional port only. Replaces a region.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.target = Some(Target::Endpoint(url.into()));
        self
    }

    /// The region, such as `cn-north-4`; the endpoint is derived by [`region_endpoint`].
    /// Replaces an endpoint.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.target = Some(Target::Region(region.into()));
        self
    }

    /// The project ID (in URLs and, with AK/SK, the signed `X-Project-Id` header).
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.project_id = Some(id.into());
        self
    }

    /// The credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self.credentials_error = None;
        self
    }

    /// Total time for one attempt (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time to connect (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Adds a hook; hooks are called in the order added.
    pub fn hook(mut self, hook: Arc<dyn Hook>) -> Self {
        self.hooks.push(hook);
        self
    }

    /// Largest response body read (default [`DEFAULT_MAX_RESPONSE_BYTES`]).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Accepts any TLS certificate. Dangerous: only for tests. Verification is on by default.
    pub fn danger_accept_invalid_certificates(mut self, accept: bool) -> Self {
        self.accept_invalid_certificates = accept;
        self
    }

    /// The `User-Agent` header (default [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: String) -> Self {
        self.user_agent = user_agent;
        self
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// Checks the configuration and builds the client. Fails with [`Error::Config`] (a missing
    /// or malformed endpoint, an unknown region, no project ID, no or bad credentials).
    pub fn build(self) -> Result<C, Error> {
        let endpoint_text = match &self.target {
            None => {
                return Err(Error::Config(format!(
                    "no endpoint: set an endpoint or a region (or {ENDPOINT_ENV} / {REGION_ENV})"
                )));
            }
            Some(Target::Region(region)) => region_endpoint(region.trim())?,
            Some(Target::Endpoint(endpoint)) => endpoint.trim().to_string(),
        };
        let (endpoint, host) = parse_endpoint(&endpoint_text)?;

        let project_id = self
            .project_id
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .ok_or_else(|| {
                Error::Config(format!(
                    "no project ID: set one with project_id(...) or {PROJECT_ID_ENV}"
                ))
            })?
            .to_string();
        if !project_id.bytes().all(|b| (0x21..0x7f).contains(&b)) {
            return Err(Error::Config(format!(
                "invalid project ID {project_id:?}: expected visible ASCII characters"
            )));
        }

        let credentials = match self.credentials {
            Some(c) => c,
            None => {
                return Err(Error::Config(self.credentials_error.unwrap_or_else(|| {
                    "no credentials: set them with credentials(...) or through the environment"
                        .to_string()
                })));
            }
        };
        credentials.check()?;

        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent {:?}", self.user_agent)))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(user_agent)
            .tls_danger_accept_invalid_certs(self.accept_invalid_certificates)
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", chain(&e))))?;

        Ok(C::from(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                host,
                project_id,
                credentials,
                retry: self.retry,
                hooks: self.hooks,
                max_response_bytes: self.max_response_bytes,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
            }),
        }))
    }
}

/// Checks an endpoint URL and returns it normalised (`scheme://host[:port]`) with its `Host`.
fn parse_endpoint(text: &str) -> Result<(String, String), Error> {
    let bad = |why: &str| Err(Error::Config(format!("invalid endpoint {text:?}: {why}")));
    let url = match Url::parse(text) {
        Ok(url) => url,
        Err(e) => return bad(&e.to_string()),
    };
    if !matches!(url.scheme(), "http" | "https") {
        return bad("the scheme must be https (or http)");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("user information is not allowed");
    }
    if url.query().is_some() || url.fragment().is_some() {
        return bad("a query or fragment is not allowed");
    }
    if !matches!(url.path(), "" | "/") {
        return bad("a path is not allowed: give only scheme, host and port");
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return bad("no host");
    };
    // `Url::port` is None when the port is the scheme's default, which is also when hyper
    // leaves it out of the Host header.
    let authority = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    Ok((format!("{}://{authority}", url.scheme()), authority))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map_to_endpoints() {
        assert_eq!(
            region_endpoint("cn-north-4").unwrap(),
            "https://modelarts.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(
            region_endpoint("ap-southeast-3").unwrap(),
            "https://modelarts.ap-southeast-3.myhuaweicloud.com"
        );
        assert_eq!(
            region_endpoint("ap-southeast-1").unwrap(),
            "https://modelarts.ap-southeast-1.myhuaweicloud.cn"
        );
        for bad in [
            "",
            "CN-North-4",
            "cn north",
            "cn.north",
            "evil.com/x",
            "-a",
            "é",
            "xx-nowhere-1",
        ] {
            match region_endpoint(bad) {
                Err(Error::Config(message)) => {
                    assert!(message.contains("unknown region"), "{message}");
                    assert!(message.contains("cn-north-4, cn-north-9"), "{message}");
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        // Every entry is an https URL the endpoint check accepts, named after its region.
        for (region, endpoint) in REGIONS {
            let (normalised, host) = parse_endpoint(endpoint).unwrap();
            assert_eq!(&normalised, endpoint);
            assert!(host.starts_with(&format!("modelarts.{region}.")), "{host}");
        }
    }

    fn base() -> ClientBuilder {
        Client::builder()
            .project_id("p1")
            .credentials(Credentials::ak_sk("ak", "sk"))
    }

    #[test]
    fn build_checks_configuration() {
        let c = base().region("cn-north-4").build().unwrap();
        assert_eq!(
            c.endpoint(),
            "https://modelarts.cn-north-4.myhuaweicloud.com"
        );
        assert_eq!(c.project_id(), "p1");
        let c = base().endpoint("http://127.0.0.1:8080/").build().unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:8080");
        assert_eq!(c.inner.host, "127.0.0.1:8080");
        let c = base().endpoint("https://Example.COM:443").build().unwrap();
        assert_eq!(c.endpoint(), "https://example.com");
        assert_eq!(c.inner.host, "example.com");
        let c = base().endpoint("http://[::1]:9000").build().unwrap();
        assert_eq!(c.inner.host, "[::1]:9000");

        for bad in [
            "http://127.0.0.1:8080/v2",
            "http://127.0.0.1/?a=b",
            "http://user:pw@127.0.0.1",
            "http://user@127.0.0.1",
            "ftp://127.0.0.1",
            "not a url",
            "http://127.0.0.1/#frag",
        ] {
            let err = base().endpoint(bad).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad}: {err:?}");
        }
        assert!(matches!(
            base().region("Bad!").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            base().build(),
            Err(Error::Config(m)) if m.contains("endpoint")
        ));
        let err = Client::builder()
            .region("cn-north-4")
            .credentials(Credentials::ak_sk("ak", "sk"))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("project ID"), "{err}");
        let err = Client::builder()
            .region("cn-north-4")
            .project_id("p")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("credentials"), "{err}");
        let err = base()
            .region("cn-north-4")
            .credentials(Credentials::iam_token("a\nb"))
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
    }

    #[test]
    fn debug_hides_secrets() {
        let c = base()
            .credentials(Credentials::temporary(
                "AKEXAMPLE",
                "SKSECRET",
                "TOKENSECRET",
            ))
            .region("cn-north-4")
            .build()
            .unwrap();
        let out = format!(
            "{c:?} {:?}",
            base().credentials(Credentials::iam_token("TOKENSECRET"))
        );
        assert!(
            !out.contains("SKSECRET") && !out.contains("TOKENSECRET"),
            "{out}"
        );
    }

    #[test]
    fn from_env_reads_variables() {
        let vars = [
            (crate::credentials::TOKEN_ENV, "tok"),
            (PROJECT_ID_ENV, " p9 "),
            (REGION_ENV, "cn-east-3"),
        ];
        let get = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let c = ClientBuilder::<Client>::from_lookup(get).build().unwrap();
        assert_eq!(
            c.endpoint(),
            "https://modelarts.cn-east-3.myhuaweicloud.com"
        );
        assert_eq!(c.project_id(), "p9");
        let get = |name: &str| (name == ENDPOINT_ENV).then(|| "http://127.0.0.1:1".to_string());
        let err = ClientBuilder::<Client>::from_lookup(get)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains(PROJECT_ID_ENV), "{err}");
        let get = |name: &str| match name {
            ENDPOINT_ENV => Some("http://127.0.0.1:1".to_string()),
            PROJECT_ID_ENV => Some("p".to_string()),
            _ => None,
        };
        let err = ClientBuilder::<Client>::from_lookup(get)
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains(crate::credentials::TOKEN_ENV),
            "{err}"
        );
    }
}
