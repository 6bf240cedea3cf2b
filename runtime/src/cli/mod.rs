//! Support for command-line tools built on the SDK, one concern a module: the global options
//! and the client they build (`args`), one run of a command (`session`), request bodies read and
//! checked (`body`), the JSON printed (`json`), tables (`output`), progress while waiting
//! (`progress`), `--debug` (`debug`), and failures reported with their exit codes (`report`).
//! [`run`] ties them together for a generated program.

mod args;
mod body;
mod debug;
mod json;
mod output;
mod progress;
mod report;
mod session;

use std::io::Write;

pub use crate::body_check::{Problem, ProblemKind, check as check_body};
pub use args::{CREDENTIALS_HELP, GlobalArgs, client_from_args};
pub use body::CliError;
pub use clap_complete::Shell;
pub use debug::DebugHook;
pub use json::{render_json, to_pretty_json};
pub use output::{Column, OutputFormat, Table, render_leaves, render_table};
pub use progress::WaitProgress;
pub(crate) use report::printable;
pub use report::{Failure, exit_code, report_text};
pub use session::Session;

use crate::error::Error;

/// Set to `1`, `--wait` takes no real time: each pause between polls moves the wait's clock on
/// instead of sleeping, so the progress and the limits read as if it had slept (for the tests of
/// a program, which need neither the real pauses nor a reading of the wall clock).
pub const VIRTUAL_WAIT_TIME_ENV: &str = "MODELARTS_POOLS_VIRTUAL_WAIT_TIME";

/// Writes the completion script of the program `C` for `shell` on stdout.
pub fn print_completions<C: clap::CommandFactory>(shell: Shell) -> std::process::ExitCode {
    let mut command = C::command();
    let name = command.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, name, &mut script);
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not worth a panic.
    let _ = out.write_all(&script);
    let _ = out.flush();
    std::process::ExitCode::SUCCESS
}

/// Runs one command of a generated program: builds the client from `args` and the environment,
/// runs `command` on a Tokio runtime, prints what it returns on stdout, and turns failures into a
/// report on stderr and the exit code [`Failure::exit_code`] gives (1: the call or the wait
/// failed; 2: refused, nothing sent).
pub fn run<F, Fut>(args: GlobalArgs, command: F) -> std::process::ExitCode
where
    F: FnOnce(Session) -> Fut,
    Fut: std::future::Future<Output = Result<String, Failure>>,
{
    let outcome = client_from_args(&args)
        .map_err(Failure::from)
        .and_then(|client| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| Error::Config(format!("cannot start the async runtime: {e}")))?;
            let session = Session { args, client };
            if std::env::var_os(VIRTUAL_WAIT_TIME_ENV).is_some_and(|v| v == "1") {
                crate::waiter::with_virtual_time(|| runtime.block_on(command(session)))
            } else {
                runtime.block_on(command(session))
            }
        });
    let mut out = std::io::stdout().lock();
    match outcome {
        Ok(text) => {
            // A closed pipe (`| head`) is not worth a panic.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            std::process::ExitCode::SUCCESS
        }
        Err(failure) => {
            if let Failure::Wait {
                last: Some(last), ..
            } = &failure
            {
                let _ = writeln!(out, "{last}");
                let _ = out.flush();
            }
            let _ = writeln!(std::io::stderr(), "{}", failure.report());
            std::process::ExitCode::from(failure.exit_code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_reports_exit_codes() {
        let args = GlobalArgs {
            endpoint: Some("http://127.0.0.1:9".into()),
            ..GlobalArgs::default()
        };
        if std::env::var_os(crate::client::PROJECT_ID_ENV).is_some()
            || std::env::var_os(crate::client::REGION_ENV).is_some()
        {
            return;
        }
        // No project ID and no region to look it up by: refused before the command runs.
        let ran = std::sync::atomic::AtomicBool::new(false);
        let code = run(args.clone(), |_session| {
            ran.store(true, std::sync::atomic::Ordering::SeqCst);
            async { Ok(String::new()) }
        });
        assert_eq!(code, std::process::ExitCode::from(2));
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    }
}
