//! Configuration: the endpoint (or region, from the table of known regions), project ID,
//! credentials, timeouts, retries, interceptors and the network (`network`), checked once by
//! [`ClientBuilder::build`].

mod network;

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::header::HeaderValue;
use reqwest::Url;

use super::project::{ProjectId, check_project_id};
use super::{Client, Inner};
use crate::credentials::{
    Credentials, CredentialsCache, CredentialsProviderChain, HttpClient, IAM_ENDPOINT_ENV, Lookup,
    METADATA_ENDPOINT_ENV, ProvideCredentials,
};
use crate::error::Error;
use crate::hook::Hook;
use crate::interceptor::{HookInterceptor, Interceptor};
use crate::retry::{DefaultRetryClassifier, RetryBudget, RetryClassifier, RetryPolicy};
use crate::transport::{self, Transport};

/// Total time allowed for one attempt (connect, send, and read the whole answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Time allowed to connect (TCP and TLS).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub use network::{
    CA_FILE_ENV, CLIENT_CERT_FILE_ENV, CLIENT_KEY_FILE_ENV, NO_PROXY_ENV, PROXY_ENV,
};
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

/// Where requests go and who sends them: endpoint, region, project ID, credentials.
#[derive(Clone, Default)]
struct Identity {
    endpoint: Option<String>,
    region: Option<String>,
    project_id: Option<String>,
    credentials: Option<CredentialsSource>,
    /// Why the environment's credentials are unusable (half of a pair set).
    credentials_error: Option<String>,
    /// The environment the default credentials chain reads ([`ClientBuilder::from_env`]).
    env: Option<Lookup>,
    iam_endpoint: Option<String>,
    metadata_endpoint: Option<String>,
    #[cfg(test)]
    clock: Option<crate::credentials::Clock>,
}

#[derive(Clone, Debug)]
enum CredentialsSource {
    Fixed(Credentials),
    Provider(Arc<dyn ProvideCredentials>),
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("project_id", &self.project_id)
            .field("credentials", &self.credentials)
            .field("default_chain", &self.env.is_some())
            .field("iam_endpoint", &self.iam_endpoint)
            .field("metadata_endpoint", &self.metadata_endpoint)
            .finish()
    }
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
    identity: Identity,
    timeout: Duration,
    operation_timeout: Option<Duration>,
    connect_timeout: Duration,
    retry: RetryPolicy,
    retry_classifier: Arc<dyn RetryClassifier>,
    retry_budget: RetryBudget,
    interceptors: Vec<Arc<dyn Interceptor>>,
    max_response_bytes: usize,
    accept_invalid_certificates: bool,
    user_agent: String,
    network: network::Network,
    /// Whether the network settings came from the environment ([`ClientBuilder::from_env`]).
    network_from_env: bool,
    transport: Option<Arc<dyn Transport>>,
    client: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            identity: self.identity.clone(),
            timeout: self.timeout,
            operation_timeout: self.operation_timeout,
            connect_timeout: self.connect_timeout,
            retry: self.retry.clone(),
            retry_classifier: self.retry_classifier.clone(),
            retry_budget: self.retry_budget.clone(),
            interceptors: self.interceptors.clone(),
            max_response_bytes: self.max_response_bytes,
            accept_invalid_certificates: self.accept_invalid_certificates,
            user_agent: self.user_agent.clone(),
            network: self.network.clone(),
            network_from_env: self.network_from_env,
            transport: self.transport.clone(),
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
            .field("identity", &self.identity)
            .field("timeout", &self.timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("retry_classifier", &self.retry_classifier)
            .field("retry_budget", &self.retry_budget)
            .field("interceptors", &self.interceptors.len())
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "accept_invalid_certificates",
                &self.accept_invalid_certificates,
            )
            .field("user_agent", &self.user_agent)
            .field("network", &self.network)
            .field("transport", &self.transport.is_some())
            .finish()
    }
}

impl<C> ClientBuilder<C> {
    /// An empty configuration: endpoint (or region), project ID and credentials must be set.
    pub fn new() -> Self {
        ClientBuilder {
            identity: Identity::default(),
            timeout: DEFAULT_TIMEOUT,
            operation_timeout: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            retry_classifier: Arc::new(DefaultRetryClassifier),
            retry_budget: RetryBudget::default(),
            interceptors: Vec::new(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            accept_invalid_certificates: false,
            user_agent: DEFAULT_USER_AGENT.to_string(),
            network: network::Network::default(),
            network_from_env: false,
            transport: None,
            client: PhantomData,
        }
    }

    /// A configuration read from the environment: `HUAWEICLOUD_SDK_ENDPOINT`,
    /// `HUAWEICLOUD_SDK_REGION` (either may be left unset here and given by
    /// [`endpoint`](Self::endpoint)/[`region`](Self::region)), `HUAWEICLOUD_SDK_PROJECT_ID`
    /// (else the project ID is looked up by region, see
    /// [`Client::resolve_project_id`]), `HUAWEICLOUD_SDK_IAM_ENDPOINT`,
    /// `HUAWEICLOUD_SDK_METADATA_ENDPOINT`, the network variables, and credentials:
    /// `HUAWEICLOUD_SDK_AK` and `HUAWEICLOUD_SDK_SK` (with `HUAWEICLOUD_SDK_SECURITY_TOKEN`) or
    /// `HUAWEICLOUD_SDK_AUTH_TOKEN` when set, else the
    /// [default chain](CredentialsProviderChain::default_chain) (a federated identity from the
    /// environment, the profile file, the ECS server's metadata service), asked on the first
    /// call. Problems are reported by [`build`](Self::build) or, for the chain, by the first
    /// call; later calls of the builder override what was read.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        let lookup: Lookup = Arc::new(lookup);
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut builder = Self::new();
        let identity = &mut builder.identity;
        identity.endpoint = get(ENDPOINT_ENV);
        identity.region = get(REGION_ENV);
        identity.project_id = get(PROJECT_ID_ENV);
        identity.iam_endpoint = get(IAM_ENDPOINT_ENV);
        identity.metadata_endpoint = get(METADATA_ENDPOINT_ENV);
        use crate::credentials::{AK_ENV, SECURITY_TOKEN_ENV, SK_ENV, TOKEN_ENV};
        if [AK_ENV, SK_ENV, SECURITY_TOKEN_ENV, TOKEN_ENV]
            .iter()
            .any(|name| get(name).is_some())
        {
            match Credentials::from_lookup(get) {
                Ok(c) => identity.credentials = Some(CredentialsSource::Fixed(c)),
                Err(Error::Config(msg)) => identity.credentials_error = Some(msg),
                Err(e) => identity.credentials_error = Some(e.to_string()),
            }
        }
        identity.env = Some(Arc::clone(&lookup));
        builder.network = network::Network::from_lookup(get);
        builder.network_from_env = true;
        builder
    }

    /// The endpoint URL, such as `https://modelarts.cn-north-4.myhuaweicloud.com` or
    /// `http://127.0.0.1:8080`: scheme, host and optional port only. It wins over the region
    /// for where requests go; a region given too still names the project to look up.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.identity.endpoint = Some(url.into());
        self
    }

    /// The region, such as `cn-north-4`: the endpoint is derived from it by
    /// [`region_endpoint`] unless one is given, and the project ID, when none is given, is the
    /// one IAM names after it.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.identity.region = Some(region.into());
        self
    }

    /// The project ID (in URLs and, with AK/SK, the signed `X-Project-Id` header). Without one,
    /// it is looked up by region on the first call ([`Client::resolve_project_id`]).
    pub fn project_id(mut self, id: impl Into<String>) -> Self {
        self.identity.project_id = Some(id.into());
        self
    }

    /// Fixed credentials (they never expire for the client).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.identity.credentials = Some(CredentialsSource::Fixed(credentials));
        self.identity.credentials_error = None;
        self
    }

    /// A source of credentials, asked through a [`CredentialsCache`]: on the first call, then
    /// ahead of expiry, once however many calls are in flight. Any source of
    /// [`crate::credentials`] ([`CredentialsProviderChain`],
    /// [`InstanceMetadataProvider`](crate::credentials::InstanceMetadataProvider)…) or the
    /// user's own [`ProvideCredentials`].
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.identity.credentials = Some(CredentialsSource::Provider(Arc::new(provider)));
        self.identity.credentials_error = None;
        self
    }

    /// The IAM endpoint, such as `https://iam.cn-north-4.myhuaweicloud.com` (default
    /// `HUAWEICLOUD_SDK_IAM_ENDPOINT` with [`from_env`](Self::from_env), else the region's, see
    /// [`iam_endpoint_for_region`](crate::credentials::iam_endpoint_for_region)): where the
    /// project ID is looked up and, for the default chain, a federated ID token exchanged.
    pub fn iam_endpoint(mut self, url: impl Into<String>) -> Self {
        self.identity.iam_endpoint = Some(url.into());
        self
    }

    /// The address of the instance metadata service the default chain asks (default
    /// `HUAWEICLOUD_SDK_METADATA_ENDPOINT` with [`from_env`](Self::from_env), else
    /// [`DEFAULT_METADATA_ENDPOINT`](crate::credentials::DEFAULT_METADATA_ENDPOINT)).
    pub fn metadata_endpoint(mut self, url: impl Into<String>) -> Self {
        self.identity.metadata_endpoint = Some(url.into());
        self
    }

    /// The wall clock the credentials cache judges expiry by.
    #[cfg(test)]
    pub(crate) fn credentials_clock(mut self, clock: crate::credentials::Clock) -> Self {
        self.identity.clock = Some(clock);
        self
    }

    /// Total time for one attempt (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Total time for all attempts of a call together, the pauses between them included (no
    /// limit by default). When it runs out the attempt in flight is abandoned and the call fails
    /// with a timeout, and no retry is begun whose pause would outlast it (the last failure is
    /// returned instead). [`CallOverrides`](crate::CallOverrides) may set another one per call.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Time to connect (default [`DEFAULT_CONNECT_TIMEOUT`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self.network.connect_timeout_set();
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// What decides whether a failure may be retried (default [`DefaultRetryClassifier`]).
    pub fn retry_classifier(mut self, classifier: Arc<dyn RetryClassifier>) -> Self {
        self.retry_classifier = classifier;
        self
    }

    /// The retry budget (default [`RetryBudget::default`], one per built client and shared by
    /// its clones); pass clones of one budget to several builders to make them share it, or
    /// [`RetryBudget::unlimited`] to leave retries to the policy alone.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = budget;
        self
    }

    /// Adds an interceptor; interceptors (and hooks) are called in the order added.
    pub fn interceptor(mut self, interceptor: Arc<dyn Interceptor>) -> Self {
        self.interceptors.push(interceptor);
        self
    }

    /// Adds a hook (an interceptor that only watches, [`HookInterceptor`]); interceptors and
    /// hooks are called in the order added.
    pub fn hook(mut self, hook: Arc<dyn Hook>) -> Self {
        self.interceptors.push(Arc::new(HookInterceptor(hook)));
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
        self.network.accept_invalid_certificates_set();
        self
    }

    /// The `User-Agent` header (default [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: String) -> Self {
        self.user_agent = user_agent;
        self.network.user_agent_set();
        self
    }

    /// Sends every attempt through `transport` instead of the HTTP client, such as
    /// [`InProcess`](crate::transport::InProcess) (feature `server`) over a router in this
    /// process. Signing, the timeout, the response size limit, retries and error decoding are
    /// the same; the connection settings (connect timeout, certificates) are the transport's.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// Checks the configuration and builds the client. Fails with [`Error::Config`] (a missing
    /// or malformed endpoint, an unknown region, no project ID, no or bad credentials).
    pub fn build(self) -> Result<C, Error> {
        let identity = self.identity;
        let trimmed = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let region = trimmed(&identity.region);
        let endpoint_text = match (trimmed(&identity.endpoint), &region) {
            (Some(endpoint), _) => endpoint,
            (None, Some(region)) => region_endpoint(region)?,
            (None, None) => {
                return Err(Error::Config(format!(
                    "no endpoint: set an endpoint or a region (or {ENDPOINT_ENV} / {REGION_ENV})"
                )));
            }
        };
        let (endpoint, host) = parse_endpoint(&endpoint_text)?;
        let host_header = HeaderValue::from_str(&host).map_err(|_| {
            Error::Config(format!(
                "invalid endpoint {endpoint_text:?}: the host is not a valid header value"
            ))
        })?;

        let project_id = trimmed(&identity.project_id);
        if let Some(id) = &project_id {
            check_project_id(id)?;
        }

        if let Some(error) = identity.credentials_error {
            return Err(Error::Config(error));
        }
        let fixed = matches!(identity.credentials, Some(CredentialsSource::Fixed(_)));
        if project_id.is_none() && region.is_none() && (fixed || identity.credentials.is_none()) {
            return Err(Error::Config(format!(
                "no project ID: set one with project_id(...) or {PROJECT_ID_ENV} (--project-id), \
                 or give the region ({REGION_ENV}, --region) to look it up through IAM"
            )));
        }
        if let Some(CredentialsSource::Fixed(c)) = &identity.credentials {
            c.check()?;
        }
        let iam_endpoint =
            trimmed(&identity.iam_endpoint).map(|e| crate::credentials::normalize_iam_endpoint(&e));

        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config(format!("invalid user agent {:?}", self.user_agent)))?;
        let user_agent_header = user_agent.clone();
        if self.transport.is_some() && self.network.has_http_client() {
            return Err(Error::Config(
                "both a transport and an http_client(...) were given: give one".to_owned(),
            ));
        }
        let connect_timeout = (!self.network.has_http_client()).then_some(self.connect_timeout);
        let http_timeout = (!self.network.has_http_client()).then_some(self.timeout);
        let http = network::build_http(network::Base {
            timeout: self.timeout,
            connect_timeout: self.connect_timeout,
            user_agent,
            accept_invalid_certificates: self.accept_invalid_certificates,
            network: &self.network,
            from_env: self.network_from_env,
        })?;

        let credentials = match identity.credentials {
            Some(CredentialsSource::Fixed(c)) => CredentialsCache::fixed(c),
            Some(CredentialsSource::Provider(p)) => CredentialsCache::with_provider(p),
            None => match identity.env {
                Some(env) => CredentialsCache::new(CredentialsProviderChain::configured(
                    env,
                    HttpClient::given(http.clone()),
                    iam_endpoint.as_deref(),
                    trimmed(&identity.metadata_endpoint).as_deref(),
                )),
                None => {
                    return Err(Error::Config(
                        "no credentials: set them with credentials(...) or \
                         credentials_provider(...), or use ClientBuilder::from_env()"
                            .to_string(),
                    ));
                }
            },
        };
        #[cfg(test)]
        let credentials = match identity.clock {
            Some(clock) => credentials.clock(clock),
            None => credentials,
        };

        Ok(C::from(Client {
            inner: Arc::new(Inner {
                project: ProjectId::new(project_id, region, iam_endpoint),
                http,
                http_timeout,
                endpoint,
                host_header,
                credentials,
                retry: self.retry,
                retry_classifier: self.retry_classifier,
                retry_budget: self.retry_budget,
                interceptors: self.interceptors,
                max_response_bytes: self.max_response_bytes,
                timeout: self.timeout,
                operation_timeout: self.operation_timeout,
                connect_timeout,
                transport: self.transport.map(|transport| transport::Custom {
                    transport,
                    user_agent: user_agent_header,
                }),
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
        assert_eq!(c.inner.host_header, "127.0.0.1:8080");
        let c = base().endpoint("https://Example.COM:443").build().unwrap();
        assert_eq!(c.endpoint(), "https://example.com");
        assert_eq!(c.inner.host_header, "example.com");
        let c = base().endpoint("http://[::1]:9000").build().unwrap();
        assert_eq!(c.inner.host_header, "[::1]:9000");

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
        // No project ID and no region to look it up by.
        let err = Client::builder()
            .endpoint("http://127.0.0.1:9")
            .credentials(Credentials::ak_sk("ak", "sk"))
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("no project ID"), "{err}");
        assert!(err.to_string().contains(PROJECT_ID_ENV), "{err}");
        // With a region, it is looked up on the first call.
        let c = Client::builder()
            .region("cn-north-4")
            .credentials(Credentials::ak_sk("ak", "sk"))
            .build()
            .unwrap();
        assert_eq!(c.project_id(), crate::client::PROJECT_ID_PLACEHOLDER);
        // The endpoint wins over the region, which still names the project.
        let c = Client::builder()
            .region("xx-unlisted-1")
            .endpoint("http://127.0.0.1:9")
            .credentials(Credentials::ak_sk("ak", "sk"))
            .build()
            .unwrap();
        assert_eq!(c.endpoint(), "http://127.0.0.1:9");
        assert_eq!(c.inner.project.region(), Some("xx-unlisted-1"));
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
        let lookup = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let c = ClientBuilder::<Client>::from_lookup(lookup(&[
            (crate::credentials::TOKEN_ENV, "tok"),
            (PROJECT_ID_ENV, " p9 "),
            (REGION_ENV, "cn-east-3"),
        ]))
        .build()
        .unwrap();
        assert_eq!(
            c.endpoint(),
            "https://modelarts.cn-east-3.myhuaweicloud.com"
        );
        assert_eq!(c.project_id(), "p9");
        assert!(matches!(
            c.inner.credentials.cached().unwrap().credentials(),
            Credentials::Token(_)
        ));
        // Fixed credentials, an endpoint, no region and no project ID: nothing to look it up by.
        let err = ClientBuilder::<Client>::from_lookup(lookup(&[
            (ENDPOINT_ENV, "http://127.0.0.1:1"),
            (crate::credentials::TOKEN_ENV, "tok"),
        ]))
        .build()
        .unwrap_err();
        assert!(err.to_string().contains(PROJECT_ID_ENV), "{err}");
        // Half a pair is refused by build.
        let err = ClientBuilder::<Client>::from_lookup(lookup(&[
            (ENDPOINT_ENV, "http://127.0.0.1:1"),
            (PROJECT_ID_ENV, "p"),
            (crate::credentials::AK_ENV, "ak"),
        ]))
        .build()
        .unwrap_err();
        assert!(
            err.to_string().contains(crate::credentials::SK_ENV),
            "{err}"
        );
        // No credentials in the environment: the default chain, asked on the first call.
        let c = ClientBuilder::<Client>::from_lookup(lookup(&[
            (ENDPOINT_ENV, "http://127.0.0.1:1"),
            (PROJECT_ID_ENV, "p"),
            (IAM_ENDPOINT_ENV, "iam.example.test"),
        ]))
        .build()
        .unwrap();
        assert!(c.inner.credentials.cached().is_none());
        assert_eq!(
            c.inner.project.iam_endpoint_configured(),
            Some("https://iam.example.test")
        );
        // Without from_env, credentials must be given.
        let err = Client::builder()
            .endpoint("http://127.0.0.1:1")
            .project_id("p")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("credentials_provider"), "{err}");
    }
}
