//! The generated `modelarts-pools` program end to end: the real binary, run with a cleared
//! environment against a scripted HTTP server on 127.0.0.1. It prints the answer as JSON and exits
//! 0; an API or transport error exits 1 with status, error code, message and request ID on
//! stderr; bad usage or a refused request exits 2 and sends nothing.

mod server;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use server::{AK, PROJECT, REQUEST_ID, SK, Server, Wire, json_reply};

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

/// Runs the program with a cleared environment (only `PATH` and `env` are set), `args`, and
/// `stdin` (closed when `None`), killing it should it outlive [`DEADLINE`].
fn run(args: &[&str], env: &[(&str, String)], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(PROGRAM);
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
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
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the program") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the program did not finish within {DEADLINE:?}: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
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
    assert!(warnings[1].ends_with(": $: unknown member \"futureMember\" (the spec does not list it)"), "{out:?}");
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
    let project = [("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_string())];
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
            "--region",
            "cn-north-4",
            "delete-pool",
            "--pool-name",
            POOL,
        ],
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
