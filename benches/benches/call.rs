//! `create_pool` and `delete_pool` through the generated client against a loopback HTTP server,
//! compared with the same requests made with bare `reqwest`, plus signing on its own.
//!
//! ```sh
//! cargo bench -p modelarts-pools-benches --bench call
//! ```
//!
//! The server is started in this process on `127.0.0.1`, port 0: a minimal HTTP/1.1 server on
//! the same tokio runtime as the clients, parsing each request head with `httparse` (as hyper's
//! server does), keeping connections alive and answering every request `200` with the seed's
//! delete response as `application/json`. It lives only as long as the benchmark. The request
//! sent is the seed's create-pool example (`modelarts-pools-test-support`'s seed fixtures); every
//! way makes each `create_pool` call from its own copy of it, since the client takes the request
//! by value.
//!
//! - `generated`: `modelarts_pools::Client` with fixed AK/SK credentials (validate, build the
//!   request, sign, send, read, decode).
//! - `generated_cached`: the same client with its credentials from a provider, through the
//!   credentials cache, as instance metadata or a profile file gives them: AK/SK that expire in
//!   12 hours (the provider is asked once; the check that it was is part of the benchmark).
//! - `reqwest_signed`: the same signed request sent by hand: `reqwest` configured as the runtime
//!   configures it, the body encoded, the `X-Sdk-Date` formatted, the headers the client sends
//!   (`Host`, `X-Sdk-Date`, `X-Project-Id`, `Content-Type`) signed with the runtime's
//!   `signer::sign`, the answer read and decoded with `serde_json::from_slice`. What the client
//!   adds over this is its own overhead.
//! - `reqwest_configured`: bare `reqwest` configured as the runtime configures it (timeouts, no
//!   redirects, user agent): same method, path and JSON body, no signing, decoded into the same
//!   generated type with `serde_json::from_slice`.
//! - `reqwest_default`: the same with `reqwest::Client::new()`.
//!
//! `call_pieces` measures `signer::sign` on a `create_pool`-like request (target < 5 µs),
//! `format_sdk_date`, `validate` and encoding the request body.
//!
//! The summary at the end prints criterion's medians and, more reliable on a shared machine, an
//! interleaved comparison (generated and the other side alternating in rounds of 100 calls,
//! ratio per round); the targets are generated within 1.05× of the hand-signed request and
//! within 1.15× of bare (unsigned) reqwest, and cached credentials no slower than fixed ones.
//!
//! `CALL_PROFILE=WAY:N` (WAY one of `create/generated`, `create/cached`, `create/signed`,
//! `create/configured`, `delete/generated`, `delete/signed`, `delete/configured`) makes `N`
//! calls one way after one warm-up call and exits, measuring nothing: run it under
//! `valgrind --tool=callgrind` with two values of `N` and the difference of the instruction
//! counts, divided by the difference of `N`, is one call's (see `README.md`).

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use modelarts_pools::models::{CreatePoolRequest, CreatePoolResponse, DeletePoolResponse};
use modelarts_pools_runtime::credentials::{
    BoxFuture, CredentialsError, ProvideCredentials, ProvidedCredentials,
};
use modelarts_pools_runtime::request::JSON_CONTENT_TYPE;
use modelarts_pools_runtime::signer::{self, SigningInput};
use modelarts_pools_runtime::{ClientBuilder, Credentials, Response};
use modelarts_pools_test_support::seed;
use support::{Paired, Record, human, paired, test_mode, verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SAMPLES: usize = 20;
const POOL_NAME: &str = "auto-pool-os-86c13962597848eeb29c5861153a391f";

/// The length of the request head at the start of `buffer` and the `Content-Length` it
/// declares (0 when none), once the whole head is there.
fn parse_head(buffer: &[u8]) -> std::io::Result<Option<(usize, usize)>> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    let invalid = |e: &dyn std::fmt::Display| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string())
    };
    let head = match request.parse(buffer).map_err(|e| invalid(&e))? {
        httparse::Status::Complete(head) => head,
        httparse::Status::Partial => return Ok(None),
    };
    let length = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .map(|h| {
            std::str::from_utf8(h.value)
                .ok()
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| invalid(&"a bad Content-Length"))
        })
        .transpose()?
        .unwrap_or(0);
    Ok(Some((head, length)))
}

/// Answers every request on one keep-alive connection with `response`, until the client closes.
/// The head is parsed with `httparse`, as hyper's server parses it.
async fn connection(mut stream: TcpStream, response: Arc<Vec<u8>>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let (head, length) = loop {
            if let Some(parsed) = parse_head(&buffer)? {
                break parsed;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let end = head + length;
        while buffer.len() < end {
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        buffer.drain(..end);
        stream.write_all(&response).await?;
    }
}

/// Starts the loopback server; returns its port.
async fn start_server(body: &[u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nX-Request-Id: bench-request\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    let response = Arc::new(response);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(connection(stream, Arc::clone(&response)));
        }
    });
    port
}

/// The seed's create-pool request, as the generated type.
fn create_example() -> CreatePoolRequest {
    serde_json::from_value(seed::create_pool_request())
        .expect("the example decodes as CreatePoolRequest")
}

// The calls of the generated client, one function per operation: the only lines that change
// with the client's API.

async fn generated_create(
    client: &modelarts_pools::Client,
    request: &CreatePoolRequest,
) -> Response<CreatePoolResponse> {
    client
        .create_pool(request.clone())
        .send()
        .await
        .expect("create_pool")
}

async fn generated_delete(client: &modelarts_pools::Client) -> Response<DeletePoolResponse> {
    client
        .delete_pool(POOL_NAME)
        .send()
        .await
        .expect("delete_pool")
}

/// Credentials as a provider gives them (instance metadata, a profile file): AK/SK that expire
/// in 12 hours, so the cache holds them for the whole benchmark. Counts how often it is asked.
#[derive(Debug, Default)]
struct Expiring {
    asked: AtomicUsize,
}

impl ProvideCredentials for Expiring {
    fn provide_credentials(&self) -> BoxFuture<'_, Result<ProvidedCredentials, CredentialsError>> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        Box::pin(async {
            Ok(ProvidedCredentials::expiring(
                Credentials::ak_sk("AK", "SK"),
                SystemTime::now() + Duration::from_secs(12 * 3600),
            ))
        })
    }
}

/// Rounds and calls per batch of the interleaved comparison printed in the summary.
const PAIRED_ROUNDS: usize = 31;
const PAIRED_BATCH: u32 = 100;

/// Runs `PAIRED_BATCH` calls one after the other; returns the time per call.
fn batch<F: Future>(rt: &tokio::runtime::Runtime, run: impl Fn() -> F) -> Duration {
    rt.block_on(async {
        let started = Instant::now();
        for _ in 0..PAIRED_BATCH {
            black_box(run().await);
        }
        started.elapsed() / PAIRED_BATCH
    })
}

/// Target: a call through the client within this factor of the same signed request sent by hand.
const SIGNED_TARGET: f64 = 1.05;
/// Target: a call through the client within this factor of a bare unsigned reqwest call.
const BARE_TARGET: f64 = 1.15;

/// Sends a request signed by hand as the client signs it: `Host`, `X-Sdk-Date`, `X-Project-Id`
/// and, with a body, `Content-Type`, through `signer::sign`; the answer decoded as `T`.
async fn send_signed<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    host: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Vec<u8>>,
) -> T {
    let sdk_date = signer::format_sdk_date(SystemTime::now());
    let mut headers = vec![
        ("host".to_owned(), host.to_owned()),
        ("x-sdk-date".to_owned(), sdk_date.clone()),
        ("x-project-id".to_owned(), "p".to_owned()),
    ];
    if body.is_some() {
        headers.push(("content-type".to_owned(), JSON_CONTENT_TYPE.to_owned()));
    }
    let signature = signer::sign(
        &SigningInput {
            method: method.as_str(),
            path,
            query: "",
            headers: &headers,
            body: body.as_deref().unwrap_or_default(),
        },
        "AK",
        "SK",
        &sdk_date,
    );
    let mut builder = http.request(method, format!("http://{host}{path}"));
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder = builder.header(reqwest::header::AUTHORIZATION, signature.authorization);
    if let Some(body) = body {
        builder = builder.body(body);
    }
    let response = builder.send().await.expect("sent");
    assert!(response.status().is_success());
    let bytes = response.bytes().await.expect("read");
    serde_json::from_slice(&bytes).expect("decodes")
}

/// `(what, generated vs hand-signed, generated vs bare, cached vs fixed credentials)` from the
/// interleaved comparison.
type PairedResults = Vec<(&'static str, Paired, Paired, Option<Paired>)>;

/// The ways a call is made, each a future per call, with the loopback server they call.
struct Ways {
    rt: tokio::runtime::Runtime,
    host: String,
    endpoint: String,
    request: CreatePoolRequest,
    /// Fixed AK/SK.
    client: modelarts_pools::Client,
    /// AK/SK from a provider, through the credentials cache.
    cached: modelarts_pools::Client,
    provider: Arc<Expiring>,
    configured: reqwest::Client,
    default: reqwest::Client,
}

impl Ways {
    fn new() -> Ways {
        let seed = serde_json::to_vec(&seed::response("delete_pool", 200))
            .expect("encode the seed response");
        let request = create_example();
        request.validate().expect("the example is valid");

        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let port = rt.block_on(start_server(&seed));
        let host = format!("127.0.0.1:{port}");
        let endpoint = format!("http://{host}");
        let provider = Arc::new(Expiring::default());
        let (client, cached) = rt.block_on(async {
            let builder = || {
                ClientBuilder::new()
                    .endpoint(endpoint.clone())
                    .project_id("p")
            };
            let client = modelarts_pools::Client::new(
                builder()
                    .credentials(Credentials::ak_sk("AK", "SK"))
                    .build()
                    .expect("the client builds"),
            );
            let cached = modelarts_pools::Client::new(
                builder()
                    .credentials_provider(Arc::clone(&provider))
                    .build()
                    .expect("the client builds"),
            );
            (client, cached)
        });
        let configured = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(modelarts_pools_runtime::DEFAULT_TIMEOUT)
            .connect_timeout(modelarts_pools_runtime::DEFAULT_CONNECT_TIMEOUT)
            .user_agent(modelarts_pools_runtime::DEFAULT_USER_AGENT)
            .build()
            .expect("a reqwest client");
        let default = reqwest::Client::new();
        let ways = Ways {
            rt,
            host,
            endpoint,
            request,
            client,
            cached,
            provider,
            configured,
            default,
        };
        // Each way works before it is timed.
        ways.rt.block_on(async {
            let created = generated_create(&ways.client, &ways.request).await;
            assert_eq!(created.request_id.as_deref(), Some("bench-request"));
            generated_create(&ways.cached, &ways.request).await;
            generated_delete(&ways.client).await;
            ways.create_bare(&ways.configured).await;
            ways.delete_bare(&ways.default).await;
            ways.create_signed().await;
            ways.delete_signed().await;
        });
        ways
    }

    async fn create_bare(&self, http: &reqwest::Client) -> CreatePoolResponse {
        // Every way starts from its own request, as the client's (which takes it by value) does.
        let request = self.request.clone();
        let body = serde_json::to_vec(&request).expect("encodes");
        let response = http
            .post(format!("{}/v2/p/pools", self.endpoint))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .expect("sent");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("read");
        serde_json::from_slice(&bytes).expect("decodes")
    }

    async fn delete_bare(&self, http: &reqwest::Client) -> DeletePoolResponse {
        let url = format!("{}/v2/p/pools/{POOL_NAME}", self.endpoint);
        let response = http.delete(url).send().await.expect("sent");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("read");
        serde_json::from_slice(&bytes).expect("decodes")
    }

    async fn create_signed(&self) -> CreatePoolResponse {
        let request = self.request.clone();
        let body = serde_json::to_vec(&request).expect("encodes");
        send_signed(
            &self.configured,
            &self.host,
            reqwest::Method::POST,
            "/v2/p/pools",
            Some(body),
        )
        .await
    }

    async fn delete_signed(&self) -> DeletePoolResponse {
        let path = format!("/v2/p/pools/{POOL_NAME}");
        send_signed(
            &self.configured,
            &self.host,
            reqwest::Method::DELETE,
            &path,
            None,
        )
        .await
    }

    /// Makes `n` calls one `way` (see the module's documentation), after one warm-up call.
    fn profile(&self, way: &str, n: usize) {
        let calls = |n: usize| async move {
            for _ in 0..n {
                match way {
                    "create/generated" => drop(black_box(
                        generated_create(&self.client, &self.request).await,
                    )),
                    "create/cached" => drop(black_box(
                        generated_create(&self.cached, &self.request).await,
                    )),
                    "create/signed" => drop(black_box(self.create_signed().await)),
                    "create/configured" => {
                        drop(black_box(self.create_bare(&self.configured).await))
                    }
                    "delete/generated" => drop(black_box(generated_delete(&self.client).await)),
                    "delete/signed" => drop(black_box(self.delete_signed().await)),
                    "delete/configured" => {
                        drop(black_box(self.delete_bare(&self.configured).await))
                    }
                    other => panic!("CALL_PROFILE: unknown way {other:?}"),
                }
            }
        };
        self.rt.block_on(async {
            calls(1).await;
            calls(n).await;
        });
    }
}

fn bench_calls(c: &mut criterion::Criterion, record: &Record, ways: &Ways) -> PairedResults {
    let rt = &ways.rt;
    let mut group = c.benchmark_group("call_create_pool");
    group.sample_size(SAMPLES);
    group.bench_function("generated", |b| {
        record.iter_async(&mut b.to_async(rt), "create/generated", || {
            generated_create(&ways.client, &ways.request)
        })
    });
    group.bench_function("generated_cached", |b| {
        record.iter_async(&mut b.to_async(rt), "create/cached", || {
            generated_create(&ways.cached, &ways.request)
        })
    });
    group.bench_function("reqwest_signed", |b| {
        record.iter_async(&mut b.to_async(rt), "create/signed", || {
            ways.create_signed()
        })
    });
    group.bench_function("reqwest_configured", |b| {
        record.iter_async(&mut b.to_async(rt), "create/configured", || {
            ways.create_bare(&ways.configured)
        })
    });
    group.bench_function("reqwest_default", |b| {
        record.iter_async(&mut b.to_async(rt), "create/default", || {
            ways.create_bare(&ways.default)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("call_delete_pool");
    group.sample_size(SAMPLES);
    group.bench_function("generated", |b| {
        record.iter_async(&mut b.to_async(rt), "delete/generated", || {
            generated_delete(&ways.client)
        })
    });
    group.bench_function("reqwest_signed", |b| {
        record.iter_async(&mut b.to_async(rt), "delete/signed", || {
            ways.delete_signed()
        })
    });
    group.bench_function("reqwest_configured", |b| {
        record.iter_async(&mut b.to_async(rt), "delete/configured", || {
            ways.delete_bare(&ways.configured)
        })
    });
    group.bench_function("reqwest_default", |b| {
        record.iter_async(&mut b.to_async(rt), "delete/default", || {
            ways.delete_bare(&ways.default)
        })
    });
    group.finish();

    let mut results = PairedResults::new();
    if !test_mode() {
        let create = || batch(rt, || generated_create(&ways.client, &ways.request));
        let create_cached = || batch(rt, || generated_create(&ways.cached, &ways.request));
        let delete = || batch(rt, || generated_delete(&ways.client));
        results.push((
            "create_pool",
            paired(PAIRED_ROUNDS, create, || batch(rt, || ways.create_signed())),
            paired(PAIRED_ROUNDS, create, || {
                batch(rt, || ways.create_bare(&ways.configured))
            }),
            Some(paired(PAIRED_ROUNDS, create_cached, create)),
        ));
        results.push((
            "delete_pool",
            paired(PAIRED_ROUNDS, delete, || batch(rt, || ways.delete_signed())),
            paired(PAIRED_ROUNDS, delete, || {
                batch(rt, || ways.delete_bare(&ways.configured))
            }),
            None,
        ));
    }
    // However many calls were made, the provider was asked once: the credentials were cached.
    assert_eq!(ways.provider.asked.load(Ordering::SeqCst), 1);
    results
}

fn bench_signing(c: &mut criterion::Criterion, record: &Record) {
    let request = create_example();
    let body = serde_json::to_vec(&request).expect("encodes");
    let sdk_date = signer::format_sdk_date(SystemTime::now());
    let headers: Vec<(String, String)> = [
        ("host", "modelarts.cn-north-4.myhuaweicloud.com"),
        ("x-sdk-date", sdk_date.as_str()),
        ("x-project-id", "0123456789abcdef0123456789abcdef"),
        ("content-type", "application/json;charset=UTF-8"),
    ]
    .iter()
    .map(|(n, v)| (n.to_string(), v.to_string()))
    .collect();
    let input = SigningInput {
        method: "POST",
        path: "/v2/0123456789abcdef0123456789abcdef/pools",
        query: "",
        headers: &headers,
        body: &body,
    };

    let mut group = c.benchmark_group("call_pieces");
    group.sample_size(SAMPLES);
    group.bench_function("sign", |b| {
        record.iter(b, "sign", || {
            signer::sign(
                black_box(&input),
                "HPUAXXXXXXXXXXXXXXXX",
                "SKXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
                &sdk_date,
            )
        })
    });
    group.bench_function("format_sdk_date", |b| {
        record.iter(b, "format_sdk_date", || {
            signer::format_sdk_date(black_box(SystemTime::now()))
        })
    });
    group.bench_function("validate_create_request", |b| {
        record.iter(b, "validate", || black_box(&request).validate())
    });
    group.bench_function("encode_create_request", |b| {
        record.iter(b, "encode_request", || {
            serde_json::to_vec(black_box(&request)).expect("encodes")
        })
    });
    group.finish();
}

fn main() {
    let mut c = support::criterion();
    let record = Record::default();
    let ways = Ways::new();
    if let Ok(profile) = std::env::var("CALL_PROFILE") {
        let (way, n) = profile
            .rsplit_once(':')
            .and_then(|(way, n)| Some((way, n.parse().ok()?)))
            .expect("CALL_PROFILE=WAY:N, such as create/generated:1000");
        ways.profile(way, n);
        return;
    }
    let interleaved = bench_calls(&mut c, &record, &ways);
    bench_signing(&mut c, &record);
    c.final_summary();
    if test_mode() {
        return;
    }

    println!(
        "\ncall summary (median per call; targets: generated <= {SIGNED_TARGET:.2}x the hand-signed request, <= {BARE_TARGET:.2}x bare reqwest, cached credentials no slower than fixed ones)"
    );
    println!("  {}", support::unknown_fields_kind());
    for op in ["create", "delete"] {
        let Some(generated) = record.median(&format!("{op}/generated"), SAMPLES) else {
            continue;
        };
        for (other, label, target) in [
            ("signed", "the same request signed by hand", SIGNED_TARGET),
            (
                "configured",
                "bare reqwest as the runtime configures it",
                BARE_TARGET,
            ),
            ("default", "bare reqwest::Client::new()", BARE_TARGET),
            (
                "cached",
                "the same with cached credentials (generated/cached)",
                f64::NAN,
            ),
        ] {
            if let Some(d) = record.median(&format!("{op}/{other}"), SAMPLES) {
                let ratio = generated.as_secs_f64() / d.as_secs_f64();
                let verdict = if target.is_nan() {
                    "(no target)"
                } else {
                    verdict(ratio <= target)
                };
                println!(
                    "  {op}_pool: generated {:>10}  vs {label} {:>10}  ratio {ratio:.2}  {verdict}  (+{:.1} µs)",
                    human(generated),
                    human(d),
                    (generated.as_secs_f64() - d.as_secs_f64()) * 1e6,
                );
            }
        }
    }
    println!(
        "  interleaved ({PAIRED_ROUNDS} rounds of {PAIRED_BATCH} calls each, order alternating):"
    );
    for (op, signed, bare, cached) in &interleaved {
        println!(
            "    {op}: generated {:>10}  hand-signed {:>10}  median ratio {:.3}  {}",
            human(signed.a),
            human(signed.b),
            signed.ratio,
            verdict(signed.ratio <= SIGNED_TARGET)
        );
        println!(
            "    {op}: generated {:>10}  bare        {:>10}  median ratio {:.3}  {}",
            human(bare.a),
            human(bare.b),
            bare.ratio,
            verdict(bare.ratio <= BARE_TARGET)
        );
        if let Some(cached) = cached {
            println!(
                "    {op}: cached credentials {:>10}  fixed {:>10}  median ratio {:.3}",
                human(cached.a),
                human(cached.b),
                cached.ratio,
            );
        }
    }
    if let Some(sign) = record.median("sign", SAMPLES) {
        println!(
            "  sign (create_pool-like request): {:>10}  target < 5 µs: {}",
            human(sign),
            verdict(sign < Duration::from_micros(5))
        );
    }
    for (name, label) in [
        ("format_sdk_date", "format_sdk_date"),
        ("validate", "CreatePoolRequest::validate"),
        ("encode_request", "serde_json::to_vec(CreatePoolRequest)"),
    ] {
        if let Some(d) = record.median(name, SAMPLES) {
            println!("  {label}: {:>10}", human(d));
        }
    }
}
