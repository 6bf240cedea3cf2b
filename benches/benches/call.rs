//! `create_pool` and `delete_pool` through the generated client against a loopback HTTP server,
//! compared with the same requests made with bare `reqwest`, plus signing on its own.
//!
//! ```sh
//! cargo bench -p modelarts-pools-benches --bench call
//! ```
//!
//! The server is started in this process on `127.0.0.1`, port 0: a minimal HTTP/1.1 server on
//! the same tokio runtime as the clients, keeping connections alive and answering every request
//! `200` with the seed's delete response as `application/json`. It lives only as long as the
//! benchmark.
//!
//! - `generated`: `modelarts_pools::Client` with AK/SK credentials (validate, build the request,
//!   sign, send, read, decode).
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
//! within 1.15× of bare (unsigned) reqwest.

mod support;

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use modelarts_pools::models::{CreatePoolRequest, CreatePoolResponse, DeletePoolResponse};
use modelarts_pools_benches::{delete_example, real_spec};
use modelarts_pools_runtime::request::JSON_CONTENT_TYPE;
use modelarts_pools_runtime::signer::{self, SigningInput};
use modelarts_pools_runtime::{ClientBuilder, Credentials};
use serde_json::Value;
use support::{Paired, Record, human, paired, test_mode, verdict};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const SAMPLES: usize = 20;
const POOL_NAME: &str = "auto-pool-os-86c13962597848eeb29c5861153a391f";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// Answers every request on one keep-alive connection with `response`, until the client closes.
async fn connection(mut stream: TcpStream, response: Arc<Vec<u8>>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let head_end = loop {
            if let Some(at) = find(&buffer, b"\r\n\r\n") {
                break at + 4;
            }
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let end = head_end + content_length(&buffer[..head_end]);
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

fn create_example(spec: &Value) -> CreatePoolRequest {
    let example = spec["operations"]
        .as_array()
        .and_then(|ops| ops.iter().find(|op| op["name"] == "create_pool"))
        .map(|op| op["request_body"]["examples"][0].clone())
        .expect("the create_pool request example");
    serde_json::from_value(example).expect("the example decodes as CreatePoolRequest")
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

/// `(what, generated vs hand-signed, generated vs bare)` from the interleaved comparison.
type PairedResults = Vec<(&'static str, Paired, Paired)>;

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

fn bench_calls(c: &mut criterion::Criterion, record: &Record, spec: &Value) -> PairedResults {
    let seed = serde_json::to_vec(delete_example(spec).expect("the delete_pool 200 example"))
        .expect("encode the seed response");
    let request = create_example(spec);
    request.validate().expect("the example is valid");

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let port = rt.block_on(start_server(&seed));
    let host = format!("127.0.0.1:{port}");
    let endpoint = format!("http://{host}");

    let client = rt.block_on(async {
        modelarts_pools::Client::new(
            ClientBuilder::new()
                .endpoint(endpoint.clone())
                .project_id("p")
                .credentials(Credentials::ak_sk("AK", "SK"))
                .build()
                .expect("the client builds"),
        )
    });
    let configured = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(modelarts_pools_runtime::DEFAULT_TIMEOUT)
        .connect_timeout(modelarts_pools_runtime::DEFAULT_CONNECT_TIMEOUT)
        .user_agent(modelarts_pools_runtime::DEFAULT_USER_AGENT)
        .build()
        .expect("a reqwest client");
    let default = reqwest::Client::new();

    let create_bare = |http: &reqwest::Client| {
        let http = http.clone();
        let url = format!("{endpoint}/v2/p/pools");
        let body = serde_json::to_vec(&request).expect("encodes");
        async move {
            let response = http
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .expect("sent");
            assert!(response.status().is_success());
            let bytes = response.bytes().await.expect("read");
            serde_json::from_slice::<CreatePoolResponse>(&bytes).expect("decodes")
        }
    };
    let delete_bare = |http: &reqwest::Client| {
        let http = http.clone();
        let url = format!("{endpoint}/v2/p/pools/{POOL_NAME}");
        async move {
            let response = http.delete(url).send().await.expect("sent");
            assert!(response.status().is_success());
            let bytes = response.bytes().await.expect("read");
            serde_json::from_slice::<DeletePoolResponse>(&bytes).expect("decodes")
        }
    };

    let create_signed = || {
        let body = serde_json::to_vec(&request).expect("encodes");
        let (http, host) = (&configured, host.as_str());
        async move {
            send_signed::<CreatePoolResponse>(
                http,
                host,
                reqwest::Method::POST,
                "/v2/p/pools",
                Some(body),
            )
            .await
        }
    };
    let delete_path = format!("/v2/p/pools/{POOL_NAME}");
    let delete_signed = || {
        let (http, host, path) = (&configured, host.as_str(), delete_path.as_str());
        async move {
            send_signed::<DeletePoolResponse>(http, host, reqwest::Method::DELETE, path, None).await
        }
    };

    // Each way works before it is timed.
    rt.block_on(async {
        let created = client
            .create_pool(request.clone())
            .send()
            .await
            .expect("create_pool");
        assert_eq!(created.request_id.as_deref(), Some("bench-request"));
        client
            .delete_pool(POOL_NAME)
            .send()
            .await
            .expect("delete_pool");
        create_bare(&configured).await;
        delete_bare(&default).await;
        create_signed().await;
        delete_signed().await;
    });

    let mut group = c.benchmark_group("call_create_pool");
    group.sample_size(SAMPLES);
    group.bench_function("generated", |b| {
        record.iter_async(&mut b.to_async(&rt), "create/generated", || async {
            client
                .create_pool(request.clone())
                .send()
                .await
                .expect("create_pool")
        })
    });
    group.bench_function("reqwest_signed", |b| {
        record.iter_async(&mut b.to_async(&rt), "create/signed", create_signed)
    });
    group.bench_function("reqwest_configured", |b| {
        record.iter_async(&mut b.to_async(&rt), "create/configured", || {
            create_bare(&configured)
        })
    });
    group.bench_function("reqwest_default", |b| {
        record.iter_async(&mut b.to_async(&rt), "create/default", || {
            create_bare(&default)
        })
    });
    group.finish();

    let mut group = c.benchmark_group("call_delete_pool");
    group.sample_size(SAMPLES);
    group.bench_function("generated", |b| {
        record.iter_async(&mut b.to_async(&rt), "delete/generated", || async {
            client
                .delete_pool(POOL_NAME)
                .send()
                .await
                .expect("delete_pool")
        })
    });
    group.bench_function("reqwest_signed", |b| {
        record.iter_async(&mut b.to_async(&rt), "delete/signed", delete_signed)
    });
    group.bench_function("reqwest_configured", |b| {
        record.iter_async(&mut b.to_async(&rt), "delete/configured", || {
            delete_bare(&configured)
        })
    });
    group.bench_function("reqwest_default", |b| {
        record.iter_async(&mut b.to_async(&rt), "delete/default", || {
            delete_bare(&default)
        })
    });
    group.finish();

    let mut results = PairedResults::new();
    if !test_mode() {
        let create_generated = || async {
            client
                .create_pool(request.clone())
                .send()
                .await
                .expect("create_pool")
        };
        let delete_generated = || async {
            client
                .delete_pool(POOL_NAME)
                .send()
                .await
                .expect("delete_pool")
        };
        results.push((
            "create_pool",
            paired(
                PAIRED_ROUNDS,
                || batch(&rt, create_generated),
                || batch(&rt, create_signed),
            ),
            paired(
                PAIRED_ROUNDS,
                || batch(&rt, create_generated),
                || batch(&rt, || create_bare(&configured)),
            ),
        ));
        results.push((
            "delete_pool",
            paired(
                PAIRED_ROUNDS,
                || batch(&rt, delete_generated),
                || batch(&rt, delete_signed),
            ),
            paired(
                PAIRED_ROUNDS,
                || batch(&rt, delete_generated),
                || batch(&rt, || delete_bare(&configured)),
            ),
        ));
    }
    drop(rt);
    results
}

fn bench_signing(c: &mut criterion::Criterion, record: &Record, spec: &Value) {
    let body = serde_json::to_vec(&create_example(spec)).expect("encodes");
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
    let request = create_example(spec);

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
    let spec = real_spec().expect("read the real spec");
    let interleaved = bench_calls(&mut c, &record, &spec);
    bench_signing(&mut c, &record, &spec);
    c.final_summary();
    if test_mode() {
        return;
    }

    println!(
        "\ncall summary (median per call; targets: generated <= {SIGNED_TARGET:.2}x the hand-signed request, <= {BARE_TARGET:.2}x bare reqwest)"
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
        ] {
            if let Some(d) = record.median(&format!("{op}/{other}"), SAMPLES) {
                let ratio = generated.as_secs_f64() / d.as_secs_f64();
                println!(
                    "  {op}_pool: generated {:>10}  vs {label} {:>10}  ratio {ratio:.2}  {}  (+{:.1} µs)",
                    human(generated),
                    human(d),
                    verdict(ratio <= target),
                    (generated.as_secs_f64() - d.as_secs_f64()) * 1e6,
                );
            }
        }
    }
    println!(
        "  interleaved ({PAIRED_ROUNDS} rounds of {PAIRED_BATCH} calls each, order alternating):"
    );
    for (op, signed, bare) in &interleaved {
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
