//! The generated `modelarts-pools` program end to end: the real binary, run with a cleared
//! environment against a scripted HTTP server on 127.0.0.1. It prints the answer as JSON and exits
//! 0; an API or transport error exits 1 with status, error code, message and request ID on
//! stderr; bad usage or a refused request exits 2 and sends nothing.

use crate::server;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use server::{AK, PROJECT, REQUEST_ID, SK, Server, json_reply};
use wait_timeout::ChildExt;

const POOL: &str = "auto-pool-os-86c13962597848eeb29c5861153a391f";
/// Longest a run of the program may take before it is killed and the test fails: far longer
/// than any run takes, even on a loaded machine; reaching it means the program hung.
const DEADLINE: Duration = Duration::from_secs(60);

/// The generated `modelarts-pools` program, built by Cargo as this package's binary
/// `modelarts-pools-under-test` (from `generated/src/bin/modelarts-pools.rs`; see `Cargo.toml`)
/// before the tests run.
const PROGRAM: &str = env!("CARGO_BIN_EXE_modelarts-pools-under-test");

/// What a run of the program did.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    fn assert_code(&self, code: i32) {
        assert_eq!(self.code, Some(code), "{self:?}");
    }
}

/// The environment of a configured user: AK/SK and project ID, nothing else (plus `PATH`).
fn credentials() -> Vec<(&'static str, String)> {
    vec![
        ("HUAWEICLOUD_SDK_AK", AK.to_string()),
        ("HUAWEICLOUD_SDK_SK", SK.to_string()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_string()),
    ]
}

/// Runs the program with a cleared environment (only `PATH` and `env` are set, and
/// `MODELARTS_POOLS_VIRTUAL_WAIT_TIME`, so that `--wait` pauses take no real time and the times
/// it reports are the sums of its pauses), `args`, and `stdin` (closed when `None`), killing it
/// should it outlive [`DEADLINE`].
fn run(args: &[&str], env: &[(&str, String)], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(PROGRAM);
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.env(modelarts_pools_runtime::cli::VIRTUAL_WAIT_TIME_ENV, "1");
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("a stdin pipe");
        pipe.write_all(bytes).expect("write stdin");
        // Dropping the pipe closes standard input.
    }
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).expect("UTF-8 output");
            text
        })
    };
    let stdout = reader(Box::new(child.stdout.take().expect("a stdout pipe")));
    let stderr = reader(Box::new(child.stderr.take().expect("a stderr pipe")));
    let status = match child.wait_timeout(DEADLINE).expect("wait for the program") {
        Some(status) => status,
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the program did not finish within {DEADLINE:?}: {args:?}");
        }
    };
    Run {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// The seed request as a user's body file would hold it, with members the tables do not list.
fn body_file_json() -> Value {
    let mut body = server::seed_create_request();
    body["futureMember"] = json!({ "keep": ["me", 1, true] });
    body["metadata"]["labels"]["os.modelarts/custom.label"] = json!("kept");
    body
}

fn write_body(dir: &tempfile::TempDir, body: &Value) -> String {
    let path = dir.path().join("pool.json");
    std::fs::write(&path, serde_json::to_vec_pretty(body).unwrap()).unwrap();
    path.to_str().expect("a UTF-8 temp path").to_string()
}

#[test]
fn create_pool_sends_the_file_body_and_prints_the_answer() {
    let server = Server::start(vec![json_reply(200, &server::created_pool().to_string())]);
    let dir = tempfile::tempdir().unwrap();
    let file = write_body(&dir, &body_file_json());
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "create-pool",
            "--body",
            &file,
            "--user-id",
            "tenant-9",
        ],
        &credentials(),
        None,
    );
    out.assert_code(0);
    assert_eq!(out.json(), server::created_pool());
    assert!(out.stdout.ends_with("}\n"), "{out:?}");
    // The members the spec does not list are warned about (likely typos), and sent as they are.
    let warnings: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(warnings.len(), 3, "{out:?}");
    assert!(warnings[0].ends_with(": $.metadata.labels: unknown member \"os.modelarts/custom.label\" (the spec does not list it)"), "{out:?}");
    assert!(
        warnings[1].ends_with(": $: unknown member \"futureMember\" (the spec does not list it)"),
        "{out:?}"
    );
    assert!(warnings[2].contains("--strict"), "{out:?}");

    let req = server.only();
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, format!("/v2/{PROJECT}/pools"));
    assert_eq!(req.header("host"), Some(server.host().as_str()));
    assert_eq!(req.header("x-project-id"), Some(PROJECT));
    assert_eq!(req.header("x-modelarts-user-id"), Some("tenant-9"));
    assert_eq!(
        req.header("content-type"),
        Some("application/json;charset=UTF-8")
    );
    // Everything in the file arrives, members the tables do not list included.
    let sent = req.json();
    assert_eq!(sent, body_file_json());
    assert_eq!(sent["futureMember"], json!({ "keep": ["me", 1, true] }));
    assert_eq!(
        req.verify_signature(AK, SK),
        "content-type;host;x-modelarts-user-id;x-project-id;x-sdk-date"
    );
}

#[test]
fn create_pool_reads_the_body_from_stdin() {
    let server = Server::start(vec![json_reply(200, &server::created_pool().to_string())]);
    let endpoint = server.endpoint();
    let body = serde_json::to_vec(&body_file_json()).unwrap();
    let out = run(
        &["--endpoint", &endpoint, "create-pool", "--body", "-"],
        &credentials(),
        Some(&body),
    );
    out.assert_code(0);
    assert_eq!(out.json(), server::created_pool());
    let req = server.only();
    assert_eq!(req.json(), body_file_json());
    assert!(req.header("x-modelarts-user-id").is_none());
    req.verify_signature(AK, SK);
}

#[test]
fn delete_pool_prints_the_answer() {
    let example = server::seed_response("delete_pool", 200);
    let server = Server::start(vec![json_reply(200, &example.to_string())]);
    let endpoint = server.endpoint();
    let out = run(
        &["--endpoint", &endpoint, "delete-pool", "--pool-name", POOL],
        &credentials(),
        None,
    );
    out.assert_code(0);
    assert_eq!(out.json(), example);
    assert!(out.stderr.is_empty(), "{out:?}");
    let req = server.only();
    assert_eq!(req.method, "DELETE");
    assert_eq!(req.target, format!("/v2/{PROJECT}/pools/{POOL}"));
    assert!(req.body.is_empty());
    assert!(req.header("content-type").is_none());
    assert_eq!(req.verify_signature(AK, SK), "host;x-project-id;x-sdk-date");
}

#[test]
fn delete_pool_sends_a_hostile_name_as_one_segment_and_refuses_dot_dot() {
    let server = Server::start(vec![json_reply(
        200,
        &server::seed_response("delete_pool", 200).to_string(),
    )]);
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "delete-pool",
            "--pool-name",
            "../x?y",
        ],
        &credentials(),
        None,
    );
    out.assert_code(0);
    assert_eq!(
        server.only().target,
        format!("/v2/{PROJECT}/pools/..%2Fx%3Fy")
    );

    let out = run(
        &["--endpoint", &endpoint, "delete-pool", "--pool-name", ".."],
        &credentials(),
        None,
    );
    out.assert_code(2);
    assert!(out.stderr.contains("pool_name"), "{out:?}");
    assert_eq!(server.requests().len(), 1, "'..' was sent");
}

#[test]
fn an_api_error_exits_1_naming_status_code_message_and_request_id() {
    let not_found = server::seed_response("delete_pool", 404).to_string();
    let server = Server::start(vec![json_reply(404, &not_found)]);
    let endpoint = server.endpoint();
    let out = run(
        &["--endpoint", &endpoint, "delete-pool", "--pool-name", POOL],
        &credentials(),
        None,
    );
    out.assert_code(1);
    assert!(out.stdout.is_empty(), "{out:?}");
    for part in ["404", "ModelArts.50015001", "pool not found", REQUEST_ID] {
        assert!(out.stderr.contains(part), "{part} missing: {out:?}");
    }
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_server_error_exits_1_and_no_retry_sends_once() {
    let server = Server::start(vec![
        json_reply(503, r#"{"error_code":"APIG.0201","error_msg":"busy"}"#),
        json_reply(200, &server::seed_response("delete_pool", 200).to_string()),
    ]);
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "--no-retry",
            "delete-pool",
            "--pool-name",
            POOL,
        ],
        &credentials(),
        None,
    );
    out.assert_code(1);
    for part in ["503", "APIG.0201", "busy", REQUEST_ID] {
        assert!(out.stderr.contains(part), "{part} missing: {out:?}");
    }
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_connection_failure_exits_1() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "--no-retry",
            "delete-pool",
            "--pool-name",
            POOL,
        ],
        &credentials(),
        None,
    );
    out.assert_code(1);
    assert!(out.stderr.contains("connection failed"), "{out:?}");
}

#[test]
fn an_iam_token_and_endpoint_from_the_environment_work() {
    let server = Server::start(vec![json_reply(
        200,
        &server::seed_response("delete_pool", 200).to_string(),
    )]);
    let env = [
        ("HUAWEICLOUD_SDK_AUTH_TOKEN", "MIIiam-token".to_string()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_string()),
        ("HUAWEICLOUD_SDK_ENDPOINT", server.endpoint()),
    ];
    let out = run(&["delete-pool", "--pool-name", POOL], &env, None);
    out.assert_code(0);
    let req = server.only();
    assert_eq!(req.header("x-auth-token"), Some("MIIiam-token"));
    assert!(req.header("authorization").is_none());
    assert!(req.header("x-sdk-date").is_none());
}

#[test]
fn without_credentials_it_exits_2_and_sends_nothing() {
    let server = Server::start([]);
    let dir = tempfile::tempdir().unwrap();
    let file = write_body(&dir, &body_file_json());
    let endpoint = server.endpoint();
    // Not on an ECS server: the metadata address (a closed loopback port) does not answer.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metadata = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let project = [
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_string()),
        ("HUAWEICLOUD_SDK_METADATA_ENDPOINT", metadata),
    ];
    let out = run(
        &["--endpoint", &endpoint, "create-pool", "--body", &file],
        &project,
        None,
    );
    out.assert_code(2);
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(
        out.stderr.contains("HUAWEICLOUD_SDK_AK")
            && out.stderr.contains("HUAWEICLOUD_SDK_AUTH_TOKEN"),
        "{out:?}"
    );
    // The metadata service was tried, and the report says so.
    assert!(out.stderr.contains("metadata"), "{out:?}");
    // An AK without its SK is refused too.
    let half = [
        ("HUAWEICLOUD_SDK_AK", AK.to_string()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_string()),
    ];
    let out = run(
        &["--endpoint", &endpoint, "delete-pool", "--pool-name", POOL],
        &half,
        None,
    );
    out.assert_code(2);
    assert!(out.stderr.contains("HUAWEICLOUD_SDK_SK"), "{out:?}");
    // And so is a missing project ID.
    let no_project = [
        ("HUAWEICLOUD_SDK_AK", AK.to_string()),
        ("HUAWEICLOUD_SDK_SK", SK.to_string()),
    ];
    let out = run(
        &["--endpoint", &endpoint, "delete-pool", "--pool-name", POOL],
        &no_project,
        None,
    );
    out.assert_code(2);
    assert!(out.stderr.contains("HUAWEICLOUD_SDK_PROJECT_ID"), "{out:?}");
    server.assert_untouched();
}

/// Bodies the program must refuse, with what its report must name.
fn invalid_bodies() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let mut no_metadata = server::seed_create_request();
    no_metadata.as_object_mut().unwrap().remove("metadata");
    let mut no_network = server::seed_create_request();
    no_network["spec"]
        .as_object_mut()
        .unwrap()
        .remove("network");
    let mut wrong_type = server::seed_create_request();
    wrong_type["spec"]["resources"][0]["count"] = json!("two");
    vec![
        (
            "missing metadata",
            serde_json::to_vec(&no_metadata).unwrap(),
            "metadata",
        ),
        (
            "Dedicate without network",
            serde_json::to_vec(&no_network).unwrap(),
            "$.spec.network",
        ),
        (
            "wrong type",
            serde_json::to_vec(&wrong_type).unwrap(),
            "$.spec.resources[0].count",
        ),
        ("not JSON", b"{\"kind\": ".to_vec(), "line 1"),
        ("empty", Vec::new(), "EOF"),
    ]
}

#[test]
fn invalid_body_files_exit_2_and_send_nothing() {
    let server = Server::start([]);
    let endpoint = server.endpoint();
    let dir = tempfile::tempdir().unwrap();
    for (what, bytes, expected) in invalid_bodies() {
        let path = dir.path().join("body.json");
        std::fs::write(&path, &bytes).unwrap();
        let out = run(
            &[
                "--endpoint",
                &endpoint,
                "create-pool",
                "--body",
                path.to_str().unwrap(),
            ],
            &credentials(),
            None,
        );
        assert_eq!(out.code, Some(2), "{what}: {out:?}");
        assert!(out.stdout.is_empty(), "{what}: {out:?}");
        assert!(
            out.stderr.contains(expected),
            "{what}: {expected} missing: {out:?}"
        );
    }
    let missing = dir.path().join("missing.json");
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "create-pool",
            "--body",
            missing.to_str().unwrap(),
        ],
        &credentials(),
        None,
    );
    out.assert_code(2);
    assert!(out.stderr.contains("missing.json"), "{out:?}");
    server.assert_untouched();
}

#[test]
fn invalid_bodies_on_stdin_and_bad_user_ids_exit_2_and_send_nothing() {
    let server = Server::start([]);
    let endpoint = server.endpoint();
    for (what, bytes, expected) in invalid_bodies() {
        let out = run(
            &["--endpoint", &endpoint, "create-pool", "--body", "-"],
            &credentials(),
            Some(&bytes),
        );
        assert_eq!(out.code, Some(2), "{what}: {out:?}");
        assert!(
            out.stderr.contains(expected),
            "{what}: {expected} missing: {out:?}"
        );
    }
    // A user ID that would split the header.
    let body = serde_json::to_vec(&body_file_json()).unwrap();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "create-pool",
            "--body",
            "-",
            "--user-id",
            "u\r\nX-Evil: 1",
        ],
        &credentials(),
        Some(&body),
    );
    out.assert_code(2);
    assert!(out.stderr.contains("X-ModelArts-User-ID"), "{out:?}");
    server.assert_untouched();
}

#[test]
fn bad_usage_exits_2_and_sends_nothing() {
    let server = Server::start([]);
    let endpoint = server.endpoint();
    let cases: &[&[&str]] = &[
        &["--endpoint", &endpoint],
        &["--endpoint", &endpoint, "no-such-command"],
        &["--endpoint", &endpoint, "delete-pool"],
        &["--endpoint", &endpoint, "create-pool"],
        &[
            "--endpoint",
            &endpoint,
            "--timeout",
            "0",
            "delete-pool",
            "--pool-name",
            POOL,
        ],
    ];
    for args in cases {
        let out = run(args, &credentials(), None);
        assert_eq!(out.code, Some(2), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {out:?}");
        assert!(
            out.stderr.contains("Usage") || out.stderr.contains("--help"),
            "{args:?}: {out:?}"
        );
    }
    server.assert_untouched();
}

// ---------------------------------------------------------------------------------------------
// Waiting, pages, tables, debugging, dry runs, body checks, setup
// ---------------------------------------------------------------------------------------------

fn pool_in(phase: &str) -> Value {
    let mut pool = server::created_pool();
    pool["status"]["phase"] = json!(phase);
    pool
}

/// A pool as shown before the service has given it a phase.
fn pool_without_phase() -> Value {
    let mut pool = server::created_pool();
    pool["status"]
        .as_object_mut()
        .expect("a status")
        .remove("phase");
    pool
}

fn not_found() -> server::Reply {
    json_reply(
        404,
        r#"{"error_code":"ModelArts.50015001","error_msg":"The pool does not exist."}"#,
    )
}

#[test]
fn create_pool_wait_polls_until_running_with_one_progress_line_per_phase() {
    let server = Server::start(vec![
        json_reply(200, &pool_in("Creating").to_string()),
        json_reply(200, &pool_without_phase().to_string()),
        json_reply(200, &pool_without_phase().to_string()),
        json_reply(200, &pool_in("Creating").to_string()),
        json_reply(200, &pool_in("Running").to_string()),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let file = write_body(&dir, &server::seed_create_request());
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "create-pool",
            "--body",
            &file,
            "--wait",
        ],
        &credentials(),
        None,
    );
    out.assert_code(0);
    // Only the final answer on stdout: the pool as Running.
    assert_eq!(out.json(), pool_in("Running"));
    // stderr is not a terminal: one line for each phase it waited through, when it first saw
    // it. The spec's waiter starts at 5 s between polls, doubling: the first pause is exactly
    // 5 s (its jitter never goes below the minimum), the second between 5 and 10 s.
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{out:?}");
    assert_eq!(
        lines[0], "waiting for pool running: no state yet (0:00 elapsed, 1 poll)",
        "{out:?}"
    );
    let second = lines[1]
        .strip_prefix("waiting for pool running: Creating (")
        .and_then(|rest| rest.strip_suffix(" elapsed, 3 polls)"))
        .unwrap_or_else(|| panic!("{out:?}"));
    let (minutes, seconds) = second.split_once(':').expect("m:ss");
    let seconds: u64 = seconds.parse().expect("seconds");
    assert_eq!(minutes, "0", "{out:?}");
    assert!((10..=15).contains(&seconds), "5 s, then 5 to 10 s: {out:?}");
    let requests = server.requests();
    assert_eq!(requests.len(), 5);
    // The pool's name comes from the answer to create.
    for poll in &requests[1..] {
        assert_eq!(poll.method, "GET");
        assert_eq!(poll.path(), format!("/v2/{PROJECT}/pools/{POOL}"));
    }
}

#[test]
fn a_failure_state_ends_the_wait_with_exit_1_and_the_pool_as_last_seen() {
    let server = Server::start(vec![
        json_reply(200, &pool_in("Creating").to_string()),
        json_reply(200, &pool_in("Abnormal").to_string()),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let file = write_body(&dir, &server::seed_create_request());
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "create-pool",
            "--body",
            &file,
            "--wait",
        ],
        &credentials(),
        None,
    );
    out.assert_code(1);
    assert_eq!(out.json(), pool_in("Abnormal"));
    assert!(
        out.stderr
            .contains("error: the wait failed: the resource reached Abnormal after 1 poll(s)"),
        "{out:?}"
    );
}

#[test]
fn running_out_of_wait_time_says_the_last_phase_and_the_polls() {
    let server = Server::start(vec![
        json_reply(200, &pool_in("Running").to_string()),
        json_reply(200, &pool_in("Creating").to_string()),
        json_reply(200, &pool_in("Creating").to_string()),
    ]);
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "patch-pool",
            "--pool-name",
            POOL,
            "--body",
            "-",
            "--wait",
            "--wait-timeout",
            "1",
        ],
        &credentials(),
        Some(br#"{"spec": {"resources": [{"flavor": "modelarts.vm.cpu.4ud", "count": 3}]}}"#),
    );
    out.assert_code(1);
    assert!(
        out.stderr.contains(
            "the wait failed: timed out after 1 s and 2 poll(s); the last state was Creating"
        ),
        "{out:?}"
    );
    assert_eq!(out.json(), pool_in("Creating"));
    assert_eq!(server.requests()[0].method, "PATCH");
}

#[test]
fn delete_pool_wait_ends_when_the_pool_is_gone() {
    let server = Server::start(vec![
        json_reply(200, &pool_in("Deleting").to_string()),
        not_found(),
    ]);
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "delete-pool",
            "--pool-name",
            POOL,
            "--wait",
        ],
        &credentials(),
        None,
    );
    out.assert_code(0);
    // What delete answered; the pool is gone now.
    assert_eq!(out.json(), pool_in("Deleting"));
    let requests = server.requests();
    assert_eq!(requests[0].method, "DELETE");
    assert_eq!(requests[1].method, "GET");
}

#[test]
fn all_fetches_every_page_and_prints_one_answer() {
    let page = |names: &[&str], next: Option<&str>| {
        let items: Vec<Value> = names
            .iter()
            .map(|n| json!({ "metadata": { "name": n } }))
            .collect();
        let metadata = match next {
            Some(token) => json!({ "continue": token }),
            None => json!({}),
        };
        json_reply(
            200,
            &json!({ "kind": "NodeList", "metadata": metadata, "items": items }).to_string(),
        )
    };
    let server = Server::start(vec![page(&["n1", "n2"], Some("c2")), page(&["n3"], None)]);
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "list-pool-nodes",
            "--pool-name",
            POOL,
            "--limit",
            "2",
            "--all",
        ],
        &credentials(),
        None,
    );
    out.assert_code(0);
    let answer = out.json();
    let names: Vec<&str> = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["n1", "n2", "n3"]);
    assert_eq!(answer["metadata"], json!({}), "no continuation token left");
    let queries: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.query().to_owned())
        .collect();
    assert_eq!(queries, ["limit=2", "continue=c2&limit=2"]);
}

#[test]
fn output_table_prints_the_columns_a_person_scans() {
    let list = json!({ "kind": "PoolList", "items": [pool_in("Running")] });
    let server = Server::start(vec![json_reply(200, &list.to_string())]);
    let endpoint = server.endpoint();
    let out = run(
        &["--endpoint", &endpoint, "--output", "table", "list-pools"],
        &credentials(),
        None,
    );
    out.assert_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{out:?}");
    let header: Vec<&str> = lines[0]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        ["NAME", "TYPE", "PHASE", "FLAVOR × COUNT", "CREATED"]
    );
    let row: Vec<&str> = lines[1]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        row,
        [
            POOL,
            "Dedicate",
            "Running",
            "modelarts.vm.cpu.4ud × 2",
            "2022-09-16T03:10:40Z"
        ]
    );
}

#[test]
fn debug_shows_every_attempt_retries_included_and_no_secret() {
    let server = Server::start(vec![
        json_reply(503, r#"{"error_code":"ModelArts.0001","error_msg":"busy"}"#),
        json_reply(200, &pool_in("Running").to_string()),
    ]);
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "--debug",
            "show-pool",
            "--pool-name",
            POOL,
        ],
        &credentials(),
        None,
    );
    out.assert_code(0);
    let url = format!("{endpoint}/v2/{PROJECT}/pools/{POOL}");
    for expected in [
        format!("debug: show_pool attempt 1: GET {url}"),
        "debug: show_pool attempt 1: HTTP 503 Service Unavailable in ".to_owned(),
        format!("request id {REQUEST_ID}"),
        "retrying".to_owned(),
        format!("debug: show_pool attempt 2: GET {url}"),
        "debug: show_pool attempt 2: HTTP 200 OK in ".to_owned(),
    ] {
        assert!(out.stderr.contains(&expected), "{expected:?} in {out:?}");
    }
    let signature = server.requests()[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    let secret_part = signature.rsplit("Signature=").next().unwrap();
    assert!(!out.stderr.contains(SK), "{out:?}");
    assert!(!out.stderr.contains(secret_part), "{out:?}");
}

#[test]
fn dry_run_prints_the_request_and_sends_nothing() {
    let server = Server::start(vec![]);
    let dir = tempfile::tempdir().unwrap();
    let file = write_body(&dir, &server::seed_create_request());
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "--dry-run",
            "create-pool",
            "--body",
            &file,
            "--wait",
        ],
        &credentials(),
        None,
    );
    out.assert_code(0);
    server.assert_untouched();
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some(format!("POST {endpoint}/v2/{PROJECT}/pools").as_str())
    );
    assert!(
        out.stdout.contains(&format!("x-project-id: {PROJECT}")),
        "{out:?}"
    );
    assert!(
        out.stdout.contains("authorization: SDK-HMAC-SHA256 ***"),
        "{out:?}"
    );
    assert!(!out.stdout.contains(AK), "{out:?}");
    let body = out
        .stdout
        .split("\n\n")
        .nth(1)
        .expect("a body after the headers");
    let sent: Value = serde_json::from_str(body.trim()).unwrap();
    assert_eq!(sent, server::seed_create_request());
}

#[test]
fn strict_refuses_unknown_members_and_values_listing_every_one() {
    let server = Server::start(vec![]);
    let mut body = server::seed_create_request();
    body["apiVersion"] = json!("v3");
    let spec = body["spec"].take();
    body["spce"] = spec;
    body["metadata"]["labels"]["os.modelarts/name"] = json!(7);
    let dir = tempfile::tempdir().unwrap();
    let file = write_body(&dir, &body);
    let endpoint = server.endpoint();
    // A wrong type is refused even without --strict, with the typos listed beside it.
    let out = run(
        &["--endpoint", &endpoint, "create-pool", "--body", &file],
        &credentials(),
        None,
    );
    out.assert_code(2);
    assert!(
        out.stderr
            .contains("$.metadata.labels['os.modelarts/name']: 7 is not of type \"string\""),
        "{out:?}"
    );
    server.assert_untouched();

    body["metadata"]["labels"]["os.modelarts/name"] = json!("pool-001");
    let file = write_body(&dir, &body);
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "--strict",
            "create-pool",
            "--body",
            &file,
        ],
        &credentials(),
        None,
    );
    out.assert_code(2);
    for expected in [
        "the body is refused (nothing was sent)",
        "$.apiVersion: \"v3\" is not a value the spec lists (\"v2\")",
        "$: unknown member \"spce\" (the spec does not list it); did you mean \"spec\" for \"spce\"?",
    ] {
        assert!(out.stderr.contains(expected), "{expected:?} in {out:?}");
    }
    server.assert_untouched();
}

#[test]
fn setup_problems_name_the_option_to_set_and_send_nothing() {
    let no_project: Vec<(&str, String)> = credentials()
        .into_iter()
        .filter(|(name, _)| *name != "HUAWEICLOUD_SDK_PROJECT_ID")
        .collect();
    // No project ID: IAM (a loopback fake) is asked and finds none; the pool service hears nothing.
    let iam = Server::start(vec![json_reply(200, r#"{"projects": []}"#)]);
    let pools = Server::start([]);
    let mut env = no_project.clone();
    env.push(("HUAWEICLOUD_SDK_IAM_ENDPOINT", iam.endpoint()));
    let out = run(
        &[
            "--endpoint",
            &pools.endpoint(),
            "--region",
            "cn-north-4",
            "list-pools",
        ],
        &env,
        None,
    );
    out.assert_code(2);
    assert!(
        out.stderr.contains("--project-id") && out.stderr.contains("HUAWEICLOUD_SDK_PROJECT_ID"),
        "{out:?}"
    );
    pools.assert_untouched();

    let out = run(
        &["--region", "cn-nowhere-9", "list-pools"],
        &credentials(),
        None,
    );
    out.assert_code(2);
    assert!(
        out.stderr.contains("unknown region \"cn-nowhere-9\""),
        "{out:?}"
    );
    assert!(out.stderr.contains("cn-north-4"), "{out:?}");

    // The region may come from the environment, as --help says.
    let mut env = credentials();
    env.push(("HUAWEICLOUD_SDK_REGION", "cn-nowhere-9".into()));
    let out = run(&["list-pools"], &env, None);
    out.assert_code(2);
    assert!(
        out.stderr.contains("unknown region \"cn-nowhere-9\""),
        "{out:?}"
    );

    let help = run(&["--help"], &[], None);
    help.assert_code(0);
    for expected in [
        "[env: HUAWEICLOUD_SDK_REGION=]",
        "[env: HUAWEICLOUD_SDK_ENDPOINT=]",
        "HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_AUTH_TOKEN",
    ] {
        assert!(help.stdout.contains(expected), "{expected:?} in {help:?}");
    }
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef modelarts-pools"),
        ("fish", "complete -c modelarts-pools"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = run(&["completions", shell], &[], None);
        out.assert_code(0);
        assert!(out.stdout.contains(marker), "{shell}: {out:?}");
        assert!(out.stdout.contains("create-pool"), "{shell}");
    }
}

#[test]
fn create_node_pool_wait_follows_the_node_pool_named_in_the_answer() {
    let created = json!({ "kind": "NodePool", "metadata": { "name": "np-7" }, "spec": { "resources": { "flavor": "f", "count": 2 } } });
    let listed = |resources: Value| {
        json!({ "kind": "NodePoolList", "items": [
            { "metadata": { "name": "np-7" }, "spec": { "resources": { "flavor": "f", "count": 2 } }, "status": { "resources": resources } }
        ] })
        .to_string()
    };
    let server = Server::start(vec![
        json_reply(200, &created.to_string()),
        json_reply(
            200,
            &listed(json!({ "available": { "flavor": "f", "count": 2 } })),
        ),
    ]);
    let endpoint = server.endpoint();
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "--output",
            "table",
            "create-node-pool",
            "--pool-name",
            POOL,
            "--body",
            "-",
            "--wait",
        ],
        &credentials(),
        Some(br#"{"apiVersion": "v2", "kind": "NodePool", "metadata": {"name": "np-7"}, "spec": {"resources": {"flavor": "f", "count": 2, "maxCount": 2}}}"#),
    );
    out.assert_code(0);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{out:?}");
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(row, ["np-7", "f", "2", "2", "-", "-"], "{out:?}");
    let requests = server.requests();
    assert_eq!(requests[1].method, "GET");
    assert_eq!(
        requests[1].path(),
        format!("/v2/{PROJECT}/pools/{POOL}/nodepools")
    );
}

// ---------------------------------------------------------------------------------------------
// Network options: proxy, exclusions, certificates, the operation timeout
// ---------------------------------------------------------------------------------------------

fn delete_answer() -> server::Reply {
    json_reply(200, &server::seed_response("delete_pool", 200).to_string())
}

#[test]
fn proxy_options_and_variables_send_the_request_through_the_proxy() {
    // --proxy: the proxy (a loopback fake) gets the signed request in absolute form, the
    // endpoint nothing.
    let endpoint = Server::start([]);
    let proxy = Server::start([delete_answer()]);
    let args = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["--endpoint".to_owned(), endpoint.endpoint()];
        args.extend(extra.iter().map(|a| a.to_string()));
        args.extend(["delete-pool", "--pool-name", POOL].map(String::from));
        args
    };
    let with = |extra: &[&str], env: &[(&str, String)]| {
        let args = args(extra);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args, env, None)
    };
    let proxy_url = format!("http://alice:s3cret@{}", proxy.addr());
    with(&["--proxy", &proxy_url], &credentials()).assert_code(0);
    let request = proxy.only();
    assert_eq!(
        request.target,
        format!("{}/v2/{PROJECT}/pools/{POOL}", endpoint.endpoint())
    );
    assert_eq!(
        request.header("proxy-authorization"),
        Some("Basic YWxpY2U6czNjcmV0")
    );
    assert!(request.header("authorization").is_some(), "{request:?}");
    endpoint.assert_untouched();

    // HUAWEICLOUD_SDK_PROXY does the same.
    let proxy = Server::start([delete_answer()]);
    let mut env = credentials();
    env.push(("HUAWEICLOUD_SDK_PROXY", proxy.endpoint()));
    with(&[], &env).assert_code(0);
    assert!(proxy.only().target.starts_with("http://"));
    endpoint.assert_untouched();

    // --no-proxy naming the endpoint's host, and HUAWEICLOUD_SDK_NO_PROXY: straight there.
    let direct = Server::start([delete_answer(), delete_answer()]);
    let direct_args = |extra: &[&str]| {
        let mut args = vec!["--endpoint".to_owned(), direct.endpoint()];
        args.extend(extra.iter().map(|a| a.to_string()));
        args.extend(["delete-pool", "--pool-name", POOL].map(String::from));
        args
    };
    let a = direct_args(&["--no-proxy", "127.0.0.1"]);
    run(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &env,
        None,
    )
    .assert_code(0);
    let mut env_no_proxy = env.clone();
    env_no_proxy.push(("HUAWEICLOUD_SDK_NO_PROXY", "127.0.0.1".into()));
    let a = direct_args(&[]);
    run(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        &env_no_proxy,
        None,
    )
    .assert_code(0);
    let requests = direct.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests.iter().all(|r| r.target.starts_with('/')),
        "{requests:?}"
    );
    // The proxy saw only the request of HUAWEICLOUD_SDK_PROXY's run above.
    assert_eq!(proxy.requests().len(), 1);
}

#[test]
fn bad_certificate_files_are_refused_naming_the_file_and_nothing_is_sent() {
    let server = Server::start([]);
    let endpoint = server.endpoint();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing-ca.pem");
    let not_pem = dir.path().join("not-a-certificate.pem");
    std::fs::write(&not_pem, "hello, not PEM\n").unwrap();
    let (missing, not_pem) = (missing.to_str().unwrap(), not_pem.to_str().unwrap());
    // (options, variables, the file the report must name)
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, String)>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (vec!["--ca-file", missing], vec![], missing),
        (vec!["--ca-file", not_pem], vec![], not_pem),
        (
            vec![],
            vec![("HUAWEICLOUD_SDK_CA_FILE", not_pem.to_owned())],
            not_pem,
        ),
        (vec!["--client-cert", not_pem], vec![], not_pem),
        (
            vec![],
            vec![("HUAWEICLOUD_SDK_CLIENT_CERT_FILE", missing.to_owned())],
            missing,
        ),
    ];
    for (extra, more_env, named) in cases {
        let mut args = vec!["--endpoint", endpoint.as_str()];
        args.extend(extra.iter().copied());
        args.extend(["delete-pool", "--pool-name", POOL]);
        let mut env = credentials();
        env.extend(more_env);
        let out = run(&args, &env, None);
        out.assert_code(2);
        assert!(out.stderr.contains(named), "{named} not named: {out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
    }
    // A key without its certificate is bad usage.
    let out = run(
        &[
            "--endpoint",
            &endpoint,
            "--client-key",
            not_pem,
            "delete-pool",
            "--pool-name",
            POOL,
        ],
        &credentials(),
        None,
    );
    out.assert_code(2);
    assert!(out.stderr.contains("--client-cert"), "{out:?}");
    server.assert_untouched();
}

#[test]
fn the_operation_timeout_ends_a_call_the_server_never_answers() {
    // The server reads the request and never answers; the attempt timeout (60 s) is far off, so
    // only --operation-timeout can end the call.
    let server = Server::start([server::Reply::hang()]);
    let out = run(
        &[
            "--endpoint",
            &server.endpoint(),
            "--operation-timeout",
            "1",
            "delete-pool",
            "--pool-name",
            POOL,
        ],
        &credentials(),
        None,
    );
    out.assert_code(1);
    assert!(
        out.stderr
            .contains("operation timeout of 1s ran out during attempt 1"),
        "{out:?}"
    );
    assert_eq!(server.requests().len(), 1);
}
