//! `--state FILE`: the world survives restarts and a kill at any moment, every acknowledged change
//! is in the file, a refused change leaves it as it was, and a damaged file is refused with its
//! path and what is wrong, and left untouched.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use modelarts_pools::{Client, CreatePoolError, Credentials};
use modelarts_pools_emulator::{Emulator, ManualClock, StateError, StateFile};
use modelarts_pools_runtime::server::Auth;
use modelarts_pools_runtime::transport::InProcess;

use crate::in_process::create_request;

/// A folder of its own under the system's temporary folder, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("modelarts-emulator-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn in_process_client(emulator: Arc<Emulator>) -> Client {
    Client::builder()
        .endpoint("http://127.0.0.1:9")
        .project_id("p1")
        .credentials(Credentials::ak_sk("ak", "sk"))
        .transport(Arc::new(InProcess::new(emulator.router(Auth::None))))
        .build()
        .unwrap()
}

fn kept(path: &Path) -> Arc<Emulator> {
    let clock = Arc::new(ManualClock::new());
    Arc::new(
        Emulator::with_clock(Duration::from_secs(60), clock)
            .with_state_file(StateFile::new(path))
            .unwrap(),
    )
}

#[tokio::test]
async fn a_kept_world_is_there_after_a_restart_and_a_refused_change_leaves_it_alone() {
    let dir = scratch("restart");
    let path = dir.join("world.json");
    let first = kept(&path);
    let c = in_process_client(first.clone());
    let created = c.create_pool(create_request("kept")).send().await.unwrap();
    let name = created.body.metadata.unwrap().name.unwrap();
    let written = std::fs::read(&path).unwrap();

    // Refused (the name is taken): the file is as it was.
    match c.create_pool(create_request("kept")).send().await {
        Err(CreatePoolError::Conflict(_)) => {}
        other => panic!("expected 409, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), written);
    drop(c);
    drop(first);

    let second = kept(&path);
    let c = in_process_client(second.clone());
    let shown = c.show_pool(&name).send().await.unwrap();
    assert_eq!(
        shown.body.metadata.unwrap().name.as_deref(),
        Some(name.as_str())
    );
    c.delete_pool(&name).send().await.unwrap();
    // The deletion is kept too: a third start sees the pool Deleting.
    let third = kept(&path);
    let phase = serde_json::to_value(
        in_process_client(third)
            .show_pool(&name)
            .send()
            .await
            .unwrap()
            .body,
    )
    .unwrap()["status"]["phase"]
        .clone();
    assert_eq!(phase, "Deleting");
    let _ = std::fs::remove_dir_all(dir);
}

/// The binary on `state`, with its endpoint.
fn start(state: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_modelarts-pools-emulator"))
        .args(["--listen", "127.0.0.1:0", "--no-auth", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let endpoint = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .to_owned();
    (child, endpoint)
}

fn http_client(endpoint: &str) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .project_id("p1")
        .credentials(Credentials::ak_sk("ak", "sk"))
        .retry(modelarts_pools_runtime::RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[test]
fn a_kill_at_any_moment_leaves_every_acknowledged_change_in_the_file() {
    let dir = scratch("kill");
    let path = dir.join("world.json");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut acknowledged: Vec<String> = Vec::new();
    // Each round kills the emulator while creations are in flight, after a different number of
    // them was answered: the kill lands before, during or after a write of the file.
    for (round, answered) in [1usize, 3, 5, 2].into_iter().enumerate() {
        let (mut child, endpoint) = start(&path);
        let c = http_client(&endpoint);
        runtime.block_on(async {
            let mut calls = tokio::task::JoinSet::new();
            for i in 0..8 {
                let c = c.clone();
                calls.spawn(async move {
                    c.create_pool(create_request(&format!("round{round}-{i}")))
                        .send()
                        .await
                });
            }
            let mut seen = 0;
            while let Some(done) = calls.join_next().await {
                if let Ok(created) = done.unwrap() {
                    acknowledged.push(created.body.metadata.unwrap().name.unwrap());
                    seen += 1;
                    if seen == answered {
                        child.kill().unwrap();
                        break;
                    }
                }
            }
            calls.abort_all();
        });
        child.wait().unwrap();

        let world = StateFile::new(&path)
            .load()
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        for name in &acknowledged {
            assert!(
                world.pools.contains_key(name),
                "round {round}: {name} was acknowledged but is not in the file"
            );
        }
    }
    // A last start serves them all.
    let (mut child, endpoint) = start(&path);
    let c = http_client(&endpoint);
    let listed = runtime.block_on(async { c.list_pools().send().await.unwrap() });
    let _ = child.kill();
    let _ = child.wait();
    let listed: Vec<String> = listed
        .body
        .items
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.metadata.and_then(|m| m.name))
        .collect();
    for name in &acknowledged {
        assert!(
            listed.contains(name),
            "{name} not served after the restarts"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_damaged_state_file_is_refused_with_where_and_left_untouched() {
    let dir = scratch("damaged");
    let cases = [
        ("truncated.json", "{\"pools\": {\n  \"p\": {", "line 2"),
        (
            "wrong-type.json",
            r#"{"pools": {"p": {"body": {"spec": {"resources": "many"}}}}}"#,
            "$.pools.p.body.spec.resources",
        ),
        ("unknown.json", r#"{"pool": {}}"#, "pool"),
    ];
    for (file, text, at) in cases {
        let path = dir.join(file);
        std::fs::write(&path, text).unwrap();
        let err = StateFile::new(&path).load().unwrap_err();
        assert!(matches!(err, StateError::Damaged { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains(at), "{file}: {message}");

        let out = Command::new(env!("CARGO_BIN_EXE_modelarts-pools-emulator"))
            .args(["--listen", "127.0.0.1:0", "--no-auth", "--state"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(at), "{file}: {stderr}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "{file} was changed"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}
