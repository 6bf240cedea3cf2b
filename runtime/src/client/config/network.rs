//! The network settings of the HTTP client: a proxy beside the environment's, extra root
//! certificates, a client certificate, or a ready `reqwest::Client` used as it is.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use http::header::HeaderValue;
use rustls_pki_types::pem::{self, SectionKind};

use super::ClientBuilder;
use crate::error::{Error, error_chain as chain};

/// Environment variable holding a proxy URL for every request, such as
/// `http://user:password@proxy.internal:3128`; it replaces the standard variables
/// (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`), which are used when it is not set.
pub const PROXY_ENV: &str = "HUAWEICLOUD_SDK_PROXY";
/// Environment variable holding the hosts that bypass [`PROXY_ENV`]'s proxy, in `NO_PROXY`'s
/// syntax (`localhost,.internal,10.0.0.0/8`).
pub const NO_PROXY_ENV: &str = "HUAWEICLOUD_SDK_NO_PROXY";
/// Environment variable naming a PEM file of root certificates to trust besides the system's.
pub const CA_FILE_ENV: &str = "HUAWEICLOUD_SDK_CA_FILE";
/// Environment variable naming the PEM file of a client certificate (its chain, leaf first).
pub const CLIENT_CERT_FILE_ENV: &str = "HUAWEICLOUD_SDK_CLIENT_CERT_FILE";
/// Environment variable naming the PEM file of the client certificate's private key (PKCS #8,
/// PKCS #1 or SEC1); without it the key is looked for in [`CLIENT_CERT_FILE_ENV`]'s file.
pub const CLIENT_KEY_FILE_ENV: &str = "HUAWEICLOUD_SDK_CLIENT_KEY_FILE";

/// What the builder knows of the network. Only [`build_http`] reads it.
#[derive(Clone, Default)]
pub(super) struct Network {
    proxy: Option<String>,
    proxy_credentials: Option<(String, String)>,
    no_proxy: Option<String>,
    /// `Some(false)`: the environment's proxy variables are ignored.
    system_proxy: Option<bool>,
    root_certificate_files: Vec<PathBuf>,
    /// The certificate file and the key file (the same file when it holds both).
    identity_files: Option<(PathBuf, PathBuf)>,
    http_client: Option<reqwest::Client>,
    /// Settings made on the builder that a given `reqwest::Client` would not apply.
    connect_timeout_set: bool,
    accept_invalid_certificates_set: bool,
    user_agent_set: bool,
}

impl fmt::Debug for Network {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Network")
            .field("proxy", &self.proxy.as_deref().map(redact_proxy))
            .field(
                "proxy_credentials",
                &self
                    .proxy_credentials
                    .as_ref()
                    .map(|(user, _)| (user, "***")),
            )
            .field("no_proxy", &self.no_proxy)
            .field("system_proxy", &self.system_proxy)
            .field("root_certificate_files", &self.root_certificate_files)
            .field("identity_files", &self.identity_files)
            .field("http_client", &self.http_client.is_some())
            .finish()
    }
}

impl Network {
    pub(super) fn has_http_client(&self) -> bool {
        self.http_client.is_some()
    }

    pub(super) fn connect_timeout_set(&mut self) {
        self.connect_timeout_set = true;
    }

    pub(super) fn accept_invalid_certificates_set(&mut self) {
        self.accept_invalid_certificates_set = true;
    }

    pub(super) fn user_agent_set(&mut self) {
        self.user_agent_set = true;
    }

    /// The settings [`PROXY_ENV`], [`NO_PROXY_ENV`], [`CA_FILE_ENV`], [`CLIENT_CERT_FILE_ENV`]
    /// and [`CLIENT_KEY_FILE_ENV`] give (values already trimmed, empty ones left out).
    pub(super) fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Network {
        let mut network = Network {
            proxy: get(PROXY_ENV),
            no_proxy: get(NO_PROXY_ENV),
            ..Network::default()
        };
        if let Some(file) = get(CA_FILE_ENV) {
            network.root_certificate_files.push(PathBuf::from(file));
        }
        network.identity_files = match (get(CLIENT_CERT_FILE_ENV), get(CLIENT_KEY_FILE_ENV)) {
            (Some(cert), key) => Some((PathBuf::from(&cert), PathBuf::from(key.unwrap_or(cert)))),
            // A key without its certificate: build says so.
            (None, Some(key)) => Some((PathBuf::new(), PathBuf::from(key))),
            (None, None) => None,
        };
        network
    }
}

/// Network settings. The environment's proxy variables (`HTTPS_PROXY`, `HTTP_PROXY`,
/// `ALL_PROXY`, `NO_PROXY`) apply unless a proxy is set here or
/// [`system_proxy(false)`](Self::system_proxy) is called; the system's root certificates are
/// always trusted, those added here besides them.
impl<C> ClientBuilder<C> {
    /// Sends every request (`http://` and `https://` endpoints) through the proxy at `url`
    /// (`http://` or `https://`, such as `http://proxy.internal:3128`), instead of the
    /// environment's. The URL may carry credentials (`http://user:password@proxy.internal:3128`),
    /// sent as `Proxy-Authorization: Basic`; they never appear in `Debug` output or errors.
    /// Replaces [`PROXY_ENV`].
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.network.proxy = Some(url.into());
        self
    }

    /// Credentials for the proxy set with [`proxy`](Self::proxy) (Basic authentication),
    /// instead of those in its URL.
    pub fn proxy_credentials(
        mut self,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        self.network.proxy_credentials = Some((user.into(), password.into()));
        self
    }

    /// Hosts reached without the proxy set with [`proxy`](Self::proxy), in `NO_PROXY`'s syntax:
    /// comma-separated host names (`internal.example` also matches its subdomains), IP
    /// addresses, CIDR blocks (`10.0.0.0/8`), or `*` for every host. Replaces [`NO_PROXY_ENV`].
    pub fn no_proxy(mut self, exclusions: impl Into<String>) -> Self {
        self.network.no_proxy = Some(exclusions.into());
        self
    }

    /// `false`: ignore the environment's proxy variables, and connect directly unless
    /// [`proxy`](Self::proxy) is set. `true` (the default) uses them when no proxy is set here.
    pub fn system_proxy(mut self, use_it: bool) -> Self {
        self.network.system_proxy = Some(use_it);
        self
    }

    /// Trusts the root certificates of the PEM file at `path` besides the system's (a
    /// company's TLS-inspecting proxy, a private endpoint). May be called for several files.
    /// Read by [`build`](Self::build), which names the file and what is wrong with it.
    pub fn root_certificates_pem_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.network.root_certificate_files.push(path.into());
        self
    }

    /// Presents a client certificate (mutual TLS): `certificate` is a PEM file of the
    /// certificate chain (leaf first), `key` the PEM file of its private key (PKCS #8, PKCS #1
    /// or SEC1; it may be the same file). Read by [`build`](Self::build), which names the file
    /// and what is wrong with it.
    pub fn client_certificate_pem_files(
        mut self,
        certificate: impl Into<PathBuf>,
        key: impl Into<PathBuf>,
    ) -> Self {
        self.network.identity_files = Some((certificate.into(), key.into()));
        self
    }

    /// Sends every request with `client`, configured as the caller wants it, used as it is.
    ///
    /// The builder's settings that configure a `reqwest::Client` ([`connect_timeout`],
    /// [`proxy`], [`proxy_credentials`], [`no_proxy`], [`system_proxy`],
    /// [`root_certificates_pem_file`], [`client_certificate_pem_files`],
    /// [`danger_accept_invalid_certificates`], [`user_agent`]) cannot be applied to it, so
    /// [`build`](Self::build) refuses them (set them on `client`), and the environment's
    /// [`PROXY_ENV`]/[`CA_FILE_ENV`]... are not read for it. The attempt [`timeout`] is applied
    /// to each request, and so are the timeouts of [`CallOverrides`](crate::CallOverrides).
    ///
    /// `client` should not follow redirects (`reqwest::redirect::Policy::none()`): this client
    /// refuses to send credentials to another address, and an answer reached through a redirect
    /// is refused as a redirect.
    ///
    /// [`connect_timeout`]: Self::connect_timeout
    /// [`proxy`]: Self::proxy
    /// [`proxy_credentials`]: Self::proxy_credentials
    /// [`no_proxy`]: Self::no_proxy
    /// [`system_proxy`]: Self::system_proxy
    /// [`root_certificates_pem_file`]: Self::root_certificates_pem_file
    /// [`client_certificate_pem_files`]: Self::client_certificate_pem_files
    /// [`danger_accept_invalid_certificates`]: Self::danger_accept_invalid_certificates
    /// [`user_agent`]: Self::user_agent
    /// [`timeout`]: Self::timeout
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.network.http_client = Some(client);
        self
    }
}

/// What the HTTP client is built from besides [`Network`].
pub(super) struct Base<'a> {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub user_agent: HeaderValue,
    pub accept_invalid_certificates: bool,
    pub network: &'a Network,
    /// Whether the environment's network variables were read (and so are no error with a
    /// given client).
    pub from_env: bool,
}

/// The `reqwest::Client` the settings describe, or the one given, checked.
pub(super) fn build_http(base: Base<'_>) -> Result<reqwest::Client, Error> {
    let network = base.network;
    if let Some(client) = &network.http_client {
        let mut refused: Vec<&str> = Vec::new();
        let mut refuse = |set: bool, name: &'static str| {
            if set {
                refused.push(name);
            }
        };
        refuse(network.connect_timeout_set, "connect_timeout");
        refuse(network.proxy.is_some() && !base.from_env, "proxy");
        refuse(network.proxy_credentials.is_some(), "proxy_credentials");
        refuse(network.no_proxy.is_some() && !base.from_env, "no_proxy");
        refuse(network.system_proxy.is_some(), "system_proxy");
        refuse(
            !network.root_certificate_files.is_empty() && !base.from_env,
            "root_certificates_pem_file",
        );
        refuse(
            network.identity_files.is_some() && !base.from_env,
            "client_certificate_pem_files",
        );
        refuse(
            network.accept_invalid_certificates_set,
            "danger_accept_invalid_certificates",
        );
        refuse(network.user_agent_set, "user_agent");
        if !refused.is_empty() {
            return Err(Error::Config(format!(
                "http_client(...) was given, so {} cannot be applied: set {} on that reqwest::Client instead",
                refused.join(", "),
                if refused.len() == 1 { "it" } else { "them" },
            )));
        }
        return Ok(client.clone());
    }

    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(base.timeout)
        .connect_timeout(base.connect_timeout)
        .user_agent(base.user_agent)
        .tls_danger_accept_invalid_certs(base.accept_invalid_certificates);

    match &network.proxy {
        Some(url) => builder = builder.proxy(proxy(url, network)?),
        None => {
            if network.proxy_credentials.is_some() || network.no_proxy.is_some() {
                return Err(Error::Config(
                    "proxy credentials or exclusions were given without a proxy: set one with proxy(...) or HUAWEICLOUD_SDK_PROXY".to_owned(),
                ));
            }
            if network.system_proxy == Some(false) {
                builder = builder.no_proxy();
            }
        }
    }

    let mut roots = Vec::new();
    for path in &network.root_certificate_files {
        roots.extend(root_certificates(path)?);
    }
    if !roots.is_empty() {
        builder = builder.tls_certs_merge(roots);
    }
    if let Some((certificate, key)) = &network.identity_files {
        builder = builder.identity(identity(certificate, key)?);
    }
    builder
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", chain(&e))))
}

/// The proxy at `url`, with the builder's credentials and exclusions.
fn proxy(url: &str, network: &Network) -> Result<reqwest::Proxy, Error> {
    let shown = redact_proxy(url);
    let bad = |why: &str| Error::Config(format!("invalid proxy URL {shown:?}: {why}"));
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| bad(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad("the scheme must be http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    if !matches!(parsed.path(), "" | "/") || parsed.query().is_some() || parsed.fragment().is_some()
    {
        return Err(bad("give only scheme, credentials, host and port"));
    }
    let mut proxy = reqwest::Proxy::all(parsed).map_err(|e| bad(&chain(&e)))?;
    if let Some((user, password)) = &network.proxy_credentials {
        proxy = proxy.basic_auth(user, password);
    }
    if let Some(exclusions) = &network.no_proxy {
        proxy = proxy.no_proxy(reqwest::NoProxy::from_string(exclusions));
    }
    Ok(proxy)
}

/// A proxy URL with its password (and user) hidden.
fn redact_proxy(url: &str) -> String {
    match reqwest::Url::parse(url.trim()) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("***");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Ok(_) => url.trim().to_owned(),
        Err(_) if url.contains('@') => "(a URL with credentials)".to_owned(),
        Err(_) => url.trim().to_owned(),
    }
}

/// The PEM sections of the file at `path`, in order: kind and DER bytes. `what` says what the
/// file is for, in errors.
fn pem_sections(path: &Path, what: &str) -> Result<Vec<(SectionKind, Vec<u8>)>, Error> {
    let fail = |why: String| Error::Config(format!("{what} {}: {why}", path.display()));
    if path.as_os_str().is_empty() {
        return Err(Error::Config(format!("{what}: no file given")));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    let mut reader: &[u8] = &bytes;
    let mut sections = Vec::new();
    loop {
        match pem::from_buf(&mut reader) {
            Ok(Some(section)) => sections.push(section),
            Ok(None) => break,
            Err(e) => {
                return Err(fail(format!(
                    "not valid PEM after {} good section(s): {e}",
                    sections.len()
                )));
            }
        }
    }
    Ok(sections)
}

fn kind_name(kind: SectionKind) -> &'static str {
    match kind {
        SectionKind::Certificate => "CERTIFICATE",
        SectionKind::PublicKey => "PUBLIC KEY",
        SectionKind::RsaPrivateKey => "RSA PRIVATE KEY",
        SectionKind::PrivateKey => "PRIVATE KEY",
        SectionKind::EcPrivateKey => "EC PRIVATE KEY",
        SectionKind::Crl => "X509 CRL",
        SectionKind::Csr => "CERTIFICATE REQUEST",
        _ => "another kind of",
    }
}

/// The certificates of a root certificate file; a file with none is an error.
fn root_certificates(path: &Path) -> Result<Vec<reqwest::Certificate>, Error> {
    let what = "root certificate file";
    let sections = pem_sections(path, what)?;
    let mut certificates = Vec::new();
    for (kind, der) in &sections {
        if *kind == SectionKind::Certificate {
            let certificate = reqwest::Certificate::from_der(der).map_err(|e| {
                Error::Config(format!(
                    "{what} {}: certificate {} is not valid: {}",
                    path.display(),
                    certificates.len() + 1,
                    chain(&e)
                ))
            })?;
            certificates.push(certificate);
        }
    }
    if certificates.is_empty() {
        let found: Vec<&str> = sections.iter().map(|(k, _)| kind_name(*k)).collect();
        return Err(Error::Config(format!(
            "{what} {}: holds no PEM certificate (-----BEGIN CERTIFICATE-----){}",
            path.display(),
            if found.is_empty() {
                String::new()
            } else {
                format!("; it holds {} block(s): {}", found.len(), found.join(", "))
            }
        )));
    }
    Ok(certificates)
}

/// The client identity: the certificates of `certificate` and the one private key of `key`.
fn identity(certificate: &Path, key: &Path) -> Result<reqwest::Identity, Error> {
    let cert_what = "client certificate file";
    let key_what = "client key file";
    if certificate.as_os_str().is_empty() {
        return Err(Error::Config(format!(
            "a client key file ({}) was given without its certificate: set {CLIENT_CERT_FILE_ENV} or client_certificate_pem_files(...)",
            key.display()
        )));
    }
    let certificates = pem_sections(certificate, cert_what)?
        .iter()
        .filter(|(kind, _)| *kind == SectionKind::Certificate)
        .count();
    if certificates == 0 {
        return Err(Error::Config(format!(
            "{cert_what} {}: holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            certificate.display()
        )));
    }
    let keys = pem_sections(key, key_what)?
        .iter()
        .filter(|(kind, _)| {
            matches!(
                kind,
                SectionKind::PrivateKey | SectionKind::RsaPrivateKey | SectionKind::EcPrivateKey
            )
        })
        .count();
    match keys {
        1 => {}
        0 => {
            return Err(Error::Config(format!(
                "{key_what} {}: holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                key.display()
            )));
        }
        several => {
            return Err(Error::Config(format!(
                "{key_what} {}: holds {several} private keys; give exactly one",
                key.display(),
            )));
        }
    }
    // reqwest reads the identity from one PEM text: the files as they are, checked above.
    let mut text = std::fs::read(certificate).map_err(|e| {
        Error::Config(format!(
            "{cert_what} {}: cannot read it: {e}",
            certificate.display()
        ))
    })?;
    if key != certificate {
        text.push(b'\n');
        text.extend(std::fs::read(key).map_err(|e| {
            Error::Config(format!("{key_what} {}: cannot read it: {e}", key.display()))
        })?);
    }
    reqwest::Identity::from_pem(&text).map_err(|e| {
        Error::Config(format!(
            "client certificate {} with key {}: not usable: {}",
            certificate.display(),
            key.display(),
            chain(&e)
        ))
    })
}
