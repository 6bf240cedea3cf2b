//! `modelarts-pools-emulator`: the emulated service on a local address.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use modelarts_pools_emulator::{Emulator, StateFile};
use modelarts_pools_runtime::server::Auth;

/// A local ModelArts resource pool service: every operation of the published document, with the
/// service's names, phases, errors and AK/SK signature checks; its world kept in a file on demand,
/// and faults injected on demand.
#[derive(Parser)]
#[command(name = "modelarts-pools-emulator", version)]
struct Args {
    /// Address to listen on; port 0 picks a free one (the first line on stdout says which)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Access key ID that signatures must use
    #[arg(long, value_name = "AK", env = "HUAWEICLOUD_SDK_AK")]
    ak: Option<String>,
    /// Secret key that signatures must use
    #[arg(
        long,
        value_name = "SK",
        env = "HUAWEICLOUD_SDK_SK",
        hide_env_values = true
    )]
    sk: Option<String>,
    /// Accept unsigned requests (for API fuzzers and quick trials)
    #[arg(long, conflicts_with_all = ["ak", "sk"])]
    no_auth: bool,
    /// How long creating, resizing and deleting take, in milliseconds
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    transition_ms: u64,
    /// Keep the world in FILE: start from what it holds (empty if it does not exist) and write
    /// every change to it before answering
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
    /// Make an operation fail: OPERATION=FAULT[:TIMES], FAULT one of throttle[=SECONDS],
    /// error[=STATUS], slow=MILLISECONDS, close; OPERATION `*` for all (repeatable; a request can
    /// also ask with the header X-Emulator-Fault: FAULT)
    #[arg(long, value_name = "RULE")]
    fault: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let auth = match (args.no_auth, args.ak, args.sk) {
        (true, _, _) => Auth::None,
        (false, Some(ak), Some(sk)) if !ak.is_empty() && !sk.is_empty() => Auth::AkSk { ak, sk },
        _ => {
            eprintln!(
                "error: give the key pair signatures must use (--ak and --sk, or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), or --no-auth"
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut emulator = Emulator::new(Duration::from_millis(args.transition_ms));
    if let Some(path) = args.state {
        emulator = match emulator.with_state_file(StateFile::new(path)) {
            Ok(emulator) => emulator,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
    }
    for rule in &args.fault {
        if let Err(e) = emulator.faults().add_rule(rule) {
            eprintln!("error: --fault {e}");
            return ExitCode::from(2);
        }
    }
    let emulator = Arc::new(emulator);
    let listen = args.listen;
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("error: cannot listen on {listen}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let address = listener.local_addr().unwrap_or(listen);
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{address}");
        let _ = out.flush();
        drop(out);
        let app = emulator.router(auth);
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        match modelarts_pools_runtime::server::axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await
        {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: the server stopped: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
