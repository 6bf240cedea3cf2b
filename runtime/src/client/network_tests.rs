//! The network settings against loopback servers: a proxy (the test server receiving
//! absolute-form requests) with credentials and exclusions, extra root certificates and a client
//! certificate against a loopback TLS server, a ready `reqwest::Client`, and the errors of bad
//! PEM files.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use modelarts_pools_test_support::{Reply, Server};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

use super::ClientBuilder;
use crate::{
    Client, Credentials, Error, Method, OperationRequest, RetryPolicy, TransportErrorKind,
};

fn builder(endpoint: &str) -> ClientBuilder {
    Client::builder()
        .endpoint(endpoint)
        .project_id("p1")
        .credentials(Credentials::ak_sk("AK", "SK"))
        .retry(RetryPolicy::disabled())
}

fn show_pool() -> OperationRequest {
    let mut r = OperationRequest::new("ShowPool", Method::GET);
    r.push_literal("v2");
    r.push_literal("pools");
    r.push_param("pool_name", "pool-1").unwrap();
    r.query("limit", "1");
    r
}

fn config_error(builder: ClientBuilder) -> String {
    match builder.build() {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_proxy_with_credentials_receives_the_signed_request_in_absolute_form() {
    let proxy = Server::start([Reply::json(200, "{}")]);
    // The endpoint is another loopback server, which must see nothing.
    let endpoint = Server::start([]);
    let c = builder(&endpoint.endpoint())
        .proxy(format!("http://alice:s3cret@{}", proxy.addr()))
        .build()
        .unwrap();
    c.execute::<serde_json::Value>(show_pool()).await.unwrap();
    endpoint.assert_untouched();
    let request = proxy.only();
    assert_eq!(
        request.target,
        format!("{}/v2/pools/pool-1?limit=1", endpoint.endpoint())
    );
    // Basic alice:s3cret.
    assert_eq!(
        request.header("proxy-authorization"),
        Some("Basic YWxpY2U6czNjcmV0")
    );
    assert_eq!(request.header("host"), Some(endpoint.host().as_str()));
    // The signature is over the path the endpoint sees, as the gateway behind a proxy checks it.
    let mut as_the_endpoint_sees_it = request.clone();
    as_the_endpoint_sees_it.target = "/v2/pools/pool-1?limit=1".to_owned();
    let signed = as_the_endpoint_sees_it.verify_signature("AK", "SK");
    assert!(!signed.contains("proxy-authorization"), "{signed}");

    // The password is in no Debug output.
    let shown = format!(
        "{c:?} {:?}",
        builder("http://127.0.0.1:1").proxy("http://alice:s3cret@127.0.0.1:3128")
    );
    assert!(!shown.contains("s3cret"), "{shown}");
}

#[tokio::test]
async fn proxy_credentials_and_exclusions_apply_to_the_builders_proxy() {
    let proxy = Server::start([Reply::json(200, "{}")]);
    let endpoint = Server::start([Reply::json(200, "{}")]);
    let c = builder(&endpoint.endpoint())
        .proxy(proxy.endpoint())
        .proxy_credentials("bob", "pw")
        .build()
        .unwrap();
    c.execute::<serde_json::Value>(show_pool()).await.unwrap();
    assert_eq!(
        proxy.only().header("proxy-authorization"),
        Some("Basic Ym9iOnB3")
    );

    // Excluded: straight to the endpoint, whose request is in origin form.
    let c = builder(&endpoint.endpoint())
        .proxy(proxy.endpoint())
        .no_proxy("localhost, 127.0.0.1")
        .build()
        .unwrap();
    c.execute::<serde_json::Value>(show_pool()).await.unwrap();
    let direct = endpoint.only();
    assert_eq!(direct.target, "/v2/pools/pool-1?limit=1");
    assert!(direct.header("proxy-authorization").is_none());
    assert_eq!(proxy.requests().len(), 1);
}

#[tokio::test]
async fn the_environment_names_a_proxy_and_bad_proxy_settings_are_refused() {
    let proxy = Server::start([Reply::json(200, "{}")]);
    let endpoint = Server::start([]);
    let vars = [
        (crate::client::ENDPOINT_ENV, endpoint.endpoint()),
        (crate::client::PROJECT_ID_ENV, "p1".to_owned()),
        (crate::credentials::AK_ENV, "AK".to_owned()),
        (crate::credentials::SK_ENV, "SK".to_owned()),
        (crate::client::PROXY_ENV, proxy.endpoint()),
    ];
    let get = move |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let c: Client = ClientBuilder::from_lookup(get).build().unwrap();
    c.execute::<serde_json::Value>(show_pool()).await.unwrap();
    endpoint.assert_untouched();
    assert!(proxy.only().target.starts_with("http://"));

    let message =
        config_error(builder("http://127.0.0.1:1").proxy("socks5://u:hidden@127.0.0.1:1080"));
    assert!(
        message.contains("scheme must be http or https"),
        "{message}"
    );
    assert!(!message.contains("hidden"), "{message}");
    let message = config_error(builder("http://127.0.0.1:1").proxy("not a url"));
    assert!(
        message.contains("invalid proxy URL \"not a url\""),
        "{message}"
    );
    let message = config_error(builder("http://127.0.0.1:1").no_proxy("localhost"));
    assert!(message.contains("without a proxy"), "{message}");
}

/// A certificate authority, a server certificate for 127.0.0.1 and a client certificate, all
/// made for this test, written as PEM files into a temporary folder.
struct Pki {
    folder: tempfile::TempDir,
    server_chain: Vec<rustls::pki_types::CertificateDer<'static>>,
    server_key: rustls::pki_types::PrivateKeyDer<'static>,
    ca_der: rustls::pki_types::CertificateDer<'static>,
}

impl Pki {
    fn new() -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "modelarts-pools test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();

        let server_key = KeyPair::generate().unwrap();
        let server = CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .unwrap()
            .signed_by(&server_key, &ca)
            .unwrap();
        let client_key = KeyPair::generate().unwrap();
        let mut client_params = CertificateParams::new(vec!["client.test".to_owned()]).unwrap();
        client_params
            .distinguished_name
            .push(DnType::CommonName, "a test client");
        let client = client_params.signed_by(&client_key, &ca).unwrap();

        let folder = tempfile::tempdir().unwrap();
        let write =
            |name: &str, text: &str| std::fs::write(folder.path().join(name), text).unwrap();
        write("ca.pem", &ca.pem());
        write("client.pem", &client.pem());
        write("client.key", &client_key.serialize_pem());
        write(
            "client-both.pem",
            &format!("{}{}", client.pem(), client_key.serialize_pem()),
        );
        Pki {
            server_chain: vec![server.der().clone()],
            server_key: rustls::pki_types::PrivateKeyDer::Pkcs8(server_key.serialize_der().into()),
            ca_der: ca.der().clone(),
            folder,
        }
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.folder.path().join(name)
    }
}

/// What the TLS server saw of each connection: whether the handshake succeeded and whether
/// the client presented a certificate.
type Handshakes = Arc<Mutex<Vec<(bool, bool)>>>;

/// A TLS server on 127.0.0.1 answering every request with `200 {}`; with `client_ca` it
/// requires a client certificate that CA signed.
async fn tls_server(pki: &Pki, require_client_certificate: bool) -> (String, Handshakes) {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .unwrap();
    let config = if require_client_certificate {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(pki.ca_der.clone()).unwrap();
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .unwrap();
        config.with_client_cert_verifier(verifier)
    } else {
        config.with_no_client_auth()
    };
    let config = config
        .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("https://{}", listener.local_addr().unwrap());
    let handshakes: Handshakes = Arc::default();
    let seen = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut tls = match acceptor.accept(stream).await {
                    Ok(tls) => tls,
                    Err(_) => {
                        seen.lock().unwrap().push((false, false));
                        return;
                    }
                };
                let presented = tls.get_ref().1.peer_certificates().is_some();
                seen.lock().unwrap().push((true, presented));
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (endpoint, handshakes)
}

#[tokio::test]
async fn extra_root_certificates_are_trusted_besides_the_systems() {
    let pki = Pki::new();
    let (endpoint, handshakes) = tls_server(&pki, false).await;
    // Without the CA, the server's certificate is not trusted.
    let err = builder(&endpoint)
        .build()
        .unwrap()
        .execute::<serde_json::Value>(show_pool())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Tls),
        "{err:?}"
    );
    let c = builder(&endpoint)
        .root_certificates_pem_file(pki.path("ca.pem"))
        .build()
        .unwrap();
    c.execute::<serde_json::Value>(show_pool()).await.unwrap();
    assert_eq!(*handshakes.lock().unwrap(), [(false, false), (true, false)]);
}

#[tokio::test]
async fn a_client_certificate_is_presented_when_the_server_asks() {
    let pki = Pki::new();
    let (endpoint, handshakes) = tls_server(&pki, true).await;
    let trusting = || builder(&endpoint).root_certificates_pem_file(pki.path("ca.pem"));
    let err = trusting()
        .build()
        .unwrap()
        .execute::<serde_json::Value>(show_pool())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Transport(_)), "{err:?}");
    for (certificate, key) in [
        ("client.pem", "client.key"),
        ("client-both.pem", "client-both.pem"),
    ] {
        trusting()
            .client_certificate_pem_files(pki.path(certificate), pki.path(key))
            .build()
            .unwrap()
            .execute::<serde_json::Value>(show_pool())
            .await
            .unwrap();
    }
    let seen = handshakes.lock().unwrap().clone();
    assert_eq!(seen[1..], [(true, true), (true, true)], "{seen:?}");
    assert!(!seen[0].1, "{seen:?}");
}

#[test]
fn bad_pem_files_are_refused_naming_the_file_and_the_problem() {
    let pki = Pki::new();
    let write = |name: &str, text: &str| {
        let path = pki.path(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let shown = |path: &Path| path.display().to_string();

    let missing = pki.path("missing.pem");
    let message = config_error(builder("https://127.0.0.1:1").root_certificates_pem_file(&missing));
    assert!(
        message.starts_with(&format!(
            "root certificate file {}: cannot read it",
            shown(&missing)
        )),
        "{message}"
    );

    let not_pem = write("notes.txt", "just some text\n");
    let message = config_error(builder("https://127.0.0.1:1").root_certificates_pem_file(&not_pem));
    assert!(message.contains(&shown(&not_pem)), "{message}");
    assert!(message.contains("holds no PEM certificate"), "{message}");

    let message = config_error(
        builder("https://127.0.0.1:1").root_certificates_pem_file(pki.path("client.key")),
    );
    assert!(
        message.contains("holds no PEM certificate") && message.contains("1 block(s): PRIVATE KEY"),
        "{message}"
    );

    let cut = std::fs::read_to_string(pki.path("ca.pem")).unwrap();
    let cut = write("cut.pem", &cut[..cut.len() - 30]);
    let message = config_error(builder("https://127.0.0.1:1").root_certificates_pem_file(&cut));
    assert!(
        message.contains(&shown(&cut)) && message.contains("not valid PEM"),
        "{message}"
    );

    let message = config_error(
        builder("https://127.0.0.1:1")
            .client_certificate_pem_files(pki.path("client.pem"), pki.path("ca.pem")),
    );
    assert!(
        message.contains(&format!("client key file {}", shown(&pki.path("ca.pem"))))
            && message.contains("holds no PEM private key"),
        "{message}"
    );
    let message = config_error(
        builder("https://127.0.0.1:1")
            .client_certificate_pem_files(pki.path("client.key"), pki.path("client.key")),
    );
    assert!(
        message.contains("client certificate file") && message.contains("holds no PEM certificate"),
        "{message}"
    );

    // A key named in the environment without its certificate.
    let vars = [(
        crate::client::CLIENT_KEY_FILE_ENV,
        shown(&pki.path("client.key")),
    )];
    let get = move |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    let message = config_error(
        ClientBuilder::from_lookup(get)
            .endpoint("https://127.0.0.1:1")
            .project_id("p")
            .credentials(Credentials::ak_sk("AK", "SK")),
    );
    assert!(
        message.contains(crate::client::CLIENT_CERT_FILE_ENV),
        "{message}"
    );
}

#[tokio::test]
async fn a_ready_reqwest_client_is_used_as_it_is_and_settings_it_would_ignore_are_refused() {
    let server = Server::start([Reply::json(200, "{}"), Reply::hang()]);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-from", "the user's client".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let c = builder(&server.endpoint())
        .http_client(http.clone())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    c.execute::<serde_json::Value>(show_pool()).await.unwrap();
    let request = server.only();
    assert_eq!(request.header("x-from"), Some("the user's client"));
    request.verify_signature("AK", "SK");
    // The attempt timeout applies to the given client's requests.
    let err = tokio::time::timeout(
        Duration::from_secs(30),
        c.execute::<serde_json::Value>(show_pool()),
    )
    .await
    .expect("the attempt timeout was not applied")
    .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{err:?}"
    );

    let message = config_error(
        builder("http://127.0.0.1:1")
            .http_client(http.clone())
            .connect_timeout(Duration::from_secs(1))
            .proxy("http://127.0.0.1:3128")
            .user_agent("me".to_owned()),
    );
    assert_eq!(
        message,
        "http_client(...) was given, so connect_timeout, proxy, user_agent cannot be applied: set them on that reqwest::Client instead"
    );
    let message = config_error(
        builder("http://127.0.0.1:1")
            .http_client(http)
            .root_certificates_pem_file("ca.pem"),
    );
    assert!(
        message.contains("root_certificates_pem_file cannot be applied"),
        "{message}"
    );
}
