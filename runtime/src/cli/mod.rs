//! Support for command-line tools built on the SDK: global options, building the client, reading
//! JSON bodies, printing results, reporting errors and exit codes.

mod body;
mod debug;
mod output;
mod progress;

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use crate::body_check::{Problem, ProblemKind, check as check_body};
pub use clap_complete::Shell;
pub use debug::DebugHook;
pub use output::{Column, OutputFormat, Table, render_leaves, render_table};
pub use progress::WaitProgress;

use crate::client::{Client, ClientBuilder, ENDPOINT_ENV, PROJECT_ID_ENV, REGION_ENV};
use crate::credentials::{AK_ENV, SECURITY_TOKEN_ENV, SK_ENV, TOKEN_ENV};
use crate::error::{Error, json_path};
use crate::request::OperationRequest;
use crate::retry::RetryPolicy;
use crate::validation::ValidationError;
use crate::waiter::WaiterError;

/// The text `--help` ends with: where credentials come from.
pub const CREDENTIALS_HELP: &str = "Credentials come from the environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK (with HUAWEICLOUD_SDK_SECURITY_TOKEN for temporary ones), or HUAWEICLOUD_SDK_AUTH_TOKEN (an IAM token). The project ID is --project-id or HUAWEICLOUD_SDK_PROJECT_ID.";

/// Options every command takes. Credentials come from the environment only
/// ([`CREDENTIALS_HELP`]).
// The field doc comments are the `--help` text, so they stay plain (a bare URL, brackets).
#[allow(rustdoc::bare_urls, rustdoc::broken_intra_doc_links)]
#[derive(clap::Args, Clone, Debug, Default)]
pub struct GlobalArgs {
    /// Endpoint URL, such as https://modelarts.cn-north-4.myhuaweicloud.com or http://127.0.0.1:8080
    #[arg(long, value_name = "URL", global = true, env = ENDPOINT_ENV, conflicts_with = "region")]
    pub endpoint: Option<String>,
    /// Region, such as cn-north-4 (the endpoint is derived from it)
    #[arg(long, value_name = "REGION", global = true, env = REGION_ENV)]
    pub region: Option<String>,
    /// Project ID
    #[arg(long, value_name = "ID", global = true, env = PROJECT_ID_ENV)]
    pub project_id: Option<String>,
    /// Timeout of each attempt, in seconds (default 60)
    #[arg(long, value_name = "SECONDS", global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Do not retry failed calls
    #[arg(long, global = true)]
    pub no_retry: bool,
    /// How to print the answer: json (for scripts) or table (for people)
    #[arg(long, value_name = "FORMAT", global = true, value_enum, default_value_t = OutputFormat::Json)]
    pub output: OutputFormat,
    /// Show each attempt (method, URL, status, request ID, time; retries too) on stderr; never secrets
    #[arg(long, global = true)]
    pub debug: bool,
    /// Print the request that would be sent (secrets hidden), and send nothing
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Refuse a request body with members or enum values the spec does not know (otherwise warned about)
    #[arg(long, global = true)]
    pub strict: bool,
}

/// Builds the client from the options and the environment. Fails with [`Error::Config`] (nothing
/// sent) when the endpoint, project ID or credentials are missing, naming the option or variable
/// to set, or when the region is not one ModelArts serves.
pub fn client_from_args(args: &GlobalArgs) -> Result<Client, Error> {
    let mut builder: ClientBuilder = ClientBuilder::from_env();
    match (&args.endpoint, &args.region) {
        (Some(endpoint), _) => builder = builder.endpoint(endpoint.clone()),
        (None, Some(region)) => {
            // An unknown region fails first, with the known ones listed.
            crate::client::region_endpoint(region.trim())?;
            builder = builder.region(region.trim().to_owned());
        }
        (None, None) => {
            return Err(Error::Config(format!(
                "no endpoint: pass --region REGION (such as cn-north-4) or --endpoint URL, or set {REGION_ENV} or {ENDPOINT_ENV}"
            )));
        }
    }
    match args.project_id.as_deref().map(str::trim) {
        Some(project_id) if !project_id.is_empty() => {
            builder = builder.project_id(project_id.to_owned());
        }
        _ => {
            return Err(Error::Config(format!(
                "no project ID: pass --project-id ID or set {PROJECT_ID_ENV}"
            )));
        }
    }
    let has = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if !has(AK_ENV) && !has(SK_ENV) && !has(TOKEN_ENV) && !has(SECURITY_TOKEN_ENV) {
        return Err(Error::Config(format!(
            "no credentials: set {AK_ENV} and {SK_ENV}, or {TOKEN_ENV}"
        )));
    }
    if let Some(seconds) = args.timeout {
        builder = builder.timeout(Duration::from_secs(seconds));
    }
    if args.no_retry {
        builder = builder.retry(RetryPolicy::disabled());
    }
    if args.debug {
        builder = builder.hook(Arc::new(DebugHook));
    }
    builder.build()
}

/// Why a command did not succeed, and its exit code.
#[derive(Debug)]
pub enum Failure {
    /// The call failed (1) or was refused before sending (2): [`exit_code`].
    Error(Error),
    /// A body given on the command line could not be read or was refused (2).
    Body(CliError),
    /// A wait ended without success (1): a failure state, a timeout, the resource gone; `last`
    /// is the resource as last seen, printed on stdout as JSON.
    Wait {
        reason: String,
        last: Option<String>,
    },
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Error(error)
    }
}

impl From<CliError> for Failure {
    fn from(error: CliError) -> Self {
        Failure::Body(error)
    }
}

impl<T: Serialize, E: Into<Error> + std::fmt::Display> From<WaiterError<T, E>> for Failure {
    fn from(error: WaiterError<T, E>) -> Self {
        let reason = format!("the wait failed: {error}");
        match error {
            WaiterError::Operation(e) => Failure::Error(e.into()),
            WaiterError::FailureState { last, .. } => Failure::Wait {
                reason,
                last: to_pretty_json(&*last).ok(),
            },
            WaiterError::TimedOut { last, .. } => Failure::Wait {
                reason,
                last: last.and_then(|last| to_pretty_json(&*last).ok()),
            },
            WaiterError::Gone { .. } => Failure::Wait { reason, last: None },
        }
    }
}

impl Failure {
    /// 1: the call or the wait failed; 2: refused before sending (bad usage, body or setup).
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Error(error) => exit_code(error),
            Failure::Body(error) => error.exit_code(),
            Failure::Wait { .. } => 1,
        }
    }

    /// What goes on stderr.
    pub fn report(&self) -> String {
        match self {
            Failure::Error(error) => report_text(error),
            Failure::Body(error) => printable(&format!("error: {error}")),
            Failure::Wait { reason, .. } => printable(&format!("error: {reason}")),
        }
    }
}

/// The state of one run: the options and the client; what every generated command calls.
pub struct Session {
    args: GlobalArgs,
    client: Client,
}

impl Session {
    /// The runtime client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `--dry-run` was given.
    pub fn dry_run(&self) -> bool {
        self.args.dry_run
    }

    /// Reads a request body (a file, or `-` for standard input) and checks it against its
    /// published JSON Schema: unknown members and enum values are warnings (refusals with
    /// `--strict`), anything else the schema forbids is refused; every problem is listed.
    pub fn read_body<T: DeserializeOwned>(&self, file: &str, schema: &str) -> Result<T, Failure> {
        Ok(body::read_checked(file, schema, self.args.strict)?)
    }

    /// `--dry-run`: the request as it would be sent, secrets hidden.
    pub fn preview(&self, request: Result<OperationRequest, Error>) -> Result<String, Failure> {
        Ok(self.client.preview(&request?)?.to_string())
    }

    /// The answer as `--output` asks: pretty JSON, or a table (`table`, when the spec gives the
    /// answer one; otherwise every member on its own line).
    pub fn render<T: Serialize>(
        &self,
        value: &T,
        table: Option<&Table>,
    ) -> Result<String, Failure> {
        match self.args.output {
            OutputFormat::Json => Ok(render_json(value)?),
            OutputFormat::Table => {
                let value = serde_json::to_value(value).map_err(|e| {
                    Error::Config(format!("cannot print the result as a table: {e}"))
                })?;
                Ok(match table {
                    Some(table) => render_table(&value, table),
                    None => render_leaves(&value),
                })
            }
        }
    }

    /// Every page of a list, merged into one answer shaped like a page: the items of all pages
    /// under `items` (a member path), and the continuation token (at `token`) removed.
    pub async fn all_pages<P, E, S>(
        &self,
        pages: S,
        items: &str,
        token: &str,
    ) -> Result<serde_json::Value, Failure>
    where
        P: Serialize,
        E: Into<Error>,
        S: futures_core::Stream<Item = Result<P, E>>,
    {
        use futures_util::StreamExt;
        let mut pages = std::pin::pin!(pages);
        let mut merged: Option<serde_json::Value> = None;
        let mut all_items = Vec::new();
        while let Some(page) = pages.next().await {
            let page = serde_json::to_value(page.map_err(Into::into)?)
                .map_err(|e| Error::Config(format!("cannot merge the pages: {e}")))?;
            if let Some(serde_json::Value::Array(found)) = output::member(&page, items) {
                all_items.extend(found.iter().cloned());
            }
            merged.get_or_insert(page);
        }
        let mut merged = merged.unwrap_or_else(|| serde_json::json!({}));
        set_member(
            &mut merged,
            items,
            Some(serde_json::Value::Array(all_items)),
        );
        set_member(&mut merged, token, None);
        Ok(merged)
    }
}

/// Sets (or, with `None`, removes) the member at a dotted path, creating objects on the way.
fn set_member(value: &mut serde_json::Value, path: &str, new: Option<serde_json::Value>) {
    let steps: Vec<&str> = path.split('.').collect();
    let mut here = value;
    for step in &steps[..steps.len() - 1] {
        let Some(object) = here.as_object_mut() else {
            return;
        };
        if new.is_none() && !object.contains_key(*step) {
            return;
        }
        here = object
            .entry(step.to_string())
            .or_insert_with(|| serde_json::json!({}));
    }
    if let Some(object) = here.as_object_mut() {
        let last = steps[steps.len() - 1].to_string();
        match new {
            Some(new) => {
                object.insert(last, new);
            }
            None => {
                object.remove(&last);
            }
        }
    }
}

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

/// A failure to read a request body given on the command line.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The file (or standard input) could not be read.
    #[error("cannot read {file}: {source}")]
    Read {
        /// The file name, or `<stdin>`.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The body breaks its schema (or, with `--strict`, has unknown members or values): every
    /// problem, each at its JSON path.
    #[error("{file}: the body is refused (nothing was sent):{}", problems.iter().map(|p| format!("\n  {}: {}", p.path, p.message)).collect::<String>())]
    Invalid {
        /// The file name, or `<stdin>`.
        file: String,
        /// What is wrong, where.
        problems: Vec<Problem>,
    },
    /// The content is not valid JSON for the expected type.
    #[error("{file}: line {line}, column {column}: {path}: {message}")]
    Json {
        /// The file name, or `<stdin>`.
        file: String,
        /// JSON path of the offending value, such as `$.spec.resources[0].count`.
        path: String,
        /// Line (1-based).
        line: usize,
        /// Column (1-based).
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl CliError {
    /// The exit code for this failure (2: a usage error).
    pub fn exit_code(&self) -> u8 {
        2
    }
}

impl From<CliError> for Error {
    /// A bad body file is a request refused before sending.
    fn from(e: CliError) -> Self {
        let (path, message) = match &e {
            CliError::Read { file, source } => (format!("file {file}"), source.to_string()),
            CliError::Invalid { file, problems } => (
                problems.first().map(|p| p.path.clone()).unwrap_or_default(),
                format!("{e} ({file})"),
            ),
            CliError::Json {
                file,
                path,
                line,
                column,
                message,
            } => (
                path.clone(),
                format!("{message} ({file}, line {line}, column {column})"),
            ),
        };
        Error::InvalidRequest(ValidationError {
            path,
            message,
            rule: None,
        })
    }
}

/// Reads a JSON value from a file, or from standard input when `path_or_dash` is `-`.
pub fn read_json_body<T: DeserializeOwned>(path_or_dash: &str) -> Result<T, CliError> {
    let (file, bytes) = read_file_or_stdin(path_or_dash)?;
    parse_json_body(&file, &bytes)
}

/// The name to report and the bytes of a file, or of standard input for `-`.
fn read_file_or_stdin(path_or_dash: &str) -> Result<(String, Vec<u8>), CliError> {
    let (file, bytes) = if path_or_dash == "-" {
        let mut buf = Vec::new();
        let read = std::io::stdin().lock().read_to_end(&mut buf);
        (String::from("<stdin>"), read.map(|_| buf))
    } else {
        (path_or_dash.to_string(), std::fs::read(path_or_dash))
    };
    let bytes = bytes.map_err(|source| CliError::Read {
        file: file.clone(),
        source,
    })?;
    Ok((file, bytes))
}

fn parse_json_body<T: DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<T, CliError> {
    let json_error = |path: String, e: serde_json::Error| CliError::Json {
        file: file.to_string(),
        path,
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = json_path(e.path());
        json_error(path, e.into_inner())
    })?;
    deserializer
        .end()
        .map_err(|e| json_error("$".to_string(), e))?;
    Ok(value)
}

/// A value as pretty JSON (two-space indent, as `serde_json::to_string_pretty`).
///
/// Unknown members of generated types are kept as their JSON text, which serde_json's pretty
/// printer copies as it is; so the value is written compact and the whole text indented here,
/// which also indents those members. The text of every string and number is left as it is.
pub fn to_pretty_json<T: Serialize + ?Sized>(value: &T) -> Result<String, serde_json::Error> {
    serde_json::to_string(value).map(|text| indent_json(&text))
}

/// Valid JSON text re-indented: whitespace between tokens replaced by serde_json's pretty layout.
fn indent_json(json: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
    let mut out = String::with_capacity(json.len() + json.len() / 2);
    let mut depth = 0usize;
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    out.push(c);
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                while chars.next_if(|c| c.is_ascii_whitespace()).is_some() {}
                out.push(c);
                if let Some(close) = chars.next_if(|&n| n == '}' || n == ']') {
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            ' ' | '\t' | '\n' | '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// Prints a value as pretty JSON on standard output.
pub fn print_json<T: Serialize>(value: &T) {
    match to_pretty_json(value) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not worth a panic.
            let _ = writeln!(out, "{text}");
            let _ = out.flush();
        }
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: cannot print the result as JSON: {e}"
            );
        }
    }
}

/// The process exit code for an error: 1 when the call failed (API, transport, decode), 2 when it
/// was refused before sending (invalid request, configuration).
pub fn exit_code(err: &Error) -> u8 {
    match err {
        Error::InvalidRequest(_) | Error::Config(_) => 2,
        Error::Api(_) | Error::Transport(_) | Error::Decode(_) => 1,
    }
}

/// Text from the server made safe for a terminal: control characters (escape sequences could set
/// the clipboard or clear the screen) are shown escaped; line breaks are kept.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out
}

/// The report [`report`] writes.
pub fn report_text(err: &Error) -> String {
    match err {
        Error::Api(api) => {
            let mut text = format!(
                "error: {} failed with HTTP {}",
                api.operation,
                api.status.as_u16()
            );
            if let Some(reason) = api.status.canonical_reason() {
                text.push_str(&format!(" {reason}"));
            }
            if let Some(documented) = api.documented {
                text.push_str(&format!(" ({documented})"));
            }
            text.push_str(&format!("\n  error code: {}", printable(&api.error_code)));
            text.push_str(&format!("\n  message:    {}", printable(&api.error_msg)));
            text.push_str(&format!(
                "\n  request id: {}",
                printable(api.request_id.as_deref().unwrap_or("(none)"))
            ));
            text
        }
        other => {
            let mut text = printable(&format!("error: {other}"));
            match (other.request_id(), other) {
                (Some(id), Error::Decode(_)) if !text.contains(id) => {
                    text.push_str(&format!("\n  request id: {}", printable(id)));
                }
                _ => {}
            }
            text
        }
    }
}

/// Writes an error report to standard error: for API errors the HTTP status, error code, message
/// and request ID.
pub fn report(err: &Error) {
    let _ = writeln!(std::io::stderr(), "{}", report_text(err));
}

/// The response body as the JSON the program prints (pretty, with a trailing newline).
pub fn render_json<T: Serialize>(value: &T) -> Result<String, Error> {
    to_pretty_json(value)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| Error::Config(format!("cannot print the result as JSON: {e}")))
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
            runtime.block_on(command(Session { args, client }))
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
    use clap::Parser;

    #[derive(clap::Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        global: GlobalArgs,
    }

    #[test]
    fn global_args_parse() {
        let cli = Cli::try_parse_from([
            "x",
            "--region",
            "cn-north-4",
            "--timeout",
            "5",
            "--no-retry",
        ])
        .unwrap();
        assert_eq!(cli.global.region.as_deref(), Some("cn-north-4"));
        assert_eq!(cli.global.timeout, Some(5));
        assert!(cli.global.no_retry);
        assert!(Cli::try_parse_from(["x", "--region", "r", "--endpoint", "http://h"]).is_err());
        assert!(Cli::try_parse_from(["x", "--timeout", "0"]).is_err());
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        spec: Spec,
    }
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Spec {
        count: u32,
    }

    #[test]
    fn json_body_errors_name_path_and_position() {
        let err = parse_json_body::<Body>("body.json", b"{\n  \"spec\": {\"count\": \"x\"}\n}")
            .unwrap_err();
        match &err {
            CliError::Json {
                path, line, column, ..
            } => {
                assert_eq!(path, "$.spec.count");
                assert_eq!(*line, 2);
                assert!(*column > 0);
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().starts_with("body.json: line 2"), "{err}");
        let e: Error = err.into();
        assert_eq!(exit_code(&e), 2);
        assert!(parse_json_body::<Body>("b", b"{\"spec\":{\"count\":1}} x").is_err());
        parse_json_body::<Body>("b", b"{\"spec\":{\"count\":1}}").unwrap();
    }

    #[test]
    fn read_json_body_from_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, br#"{"spec":{"count":3}}"#).unwrap();
        let body: Body = read_json_body(path.to_str().unwrap()).unwrap();
        assert_eq!(body.spec.count, 3);
        let missing = dir.path().join("missing.json");
        let err = read_json_body::<Body>(missing.to_str().unwrap()).unwrap_err();
        assert!(matches!(err, CliError::Read { .. }));
    }

    #[test]
    fn pretty_json_indents_raw_members_and_matches_serde_json_elsewhere() {
        let value = serde_json::json!({
            "a": [1, {"b": [], "c": {}}, "x,y:{}[]\"\\"],
            "d": {"e": null, "f": [true, -0.5e-7]},
            "g": "é\u{1F600}",
        });
        assert_eq!(
            to_pretty_json(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
        let mut fields = crate::model::UnknownFields::new();
        let raw = serde_json::value::RawValue::from_string(
            "{ \"z\" : [ 1 ,\n 0.30000000000000004 ] , \"a\":{ } }".into(),
        )
        .unwrap();
        fields.insert_raw("later".into(), raw);
        assert_eq!(
            render_json(&fields).unwrap(),
            "{\n  \"later\": {\n    \"z\": [\n      1,\n      0.30000000000000004\n    ],\n    \"a\": {}\n  }\n}\n"
        );
    }

    #[test]
    fn reports_and_exit_codes() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-request-id", "rid-9".parse().unwrap());
        let api = crate::ApiError::from_response(
            "CreatePool",
            http::StatusCode::CONFLICT,
            headers,
            br#"{"error_code":"ModelArts.50015000","error_msg":"Pool already exists."}"#,
            None,
        );
        let err = Error::Api(Box::new(api));
        let text = report_text(&err);
        for part in ["409", "ModelArts.50015000", "Pool already exists.", "rid-9"] {
            assert!(text.contains(part), "{text}");
        }
        assert_eq!(exit_code(&err), 1);
        assert_eq!(exit_code(&Error::Config("x".into())), 2);
    }

    #[test]
    fn run_reports_exit_codes() {
        let args = GlobalArgs {
            endpoint: Some("http://127.0.0.1:9".into()),
            project_id: Some("p".into()),
            ..GlobalArgs::default()
        };
        if std::env::var_os(crate::credentials::AK_ENV).is_some()
            || std::env::var_os(crate::credentials::TOKEN_ENV).is_some()
        {
            return;
        }
        // No credentials in the environment: refused before the command runs.
        let ran = std::sync::atomic::AtomicBool::new(false);
        let code = run(args.clone(), |_session| {
            ran.store(true, std::sync::atomic::Ordering::SeqCst);
            async { Ok(String::new()) }
        });
        assert_eq!(code, std::process::ExitCode::from(2));
        assert!(!ran.load(std::sync::atomic::Ordering::SeqCst));
    }

    #[test]
    fn missing_credentials_is_config_error() {
        // Only meaningful when the environment has no credentials, as in CI.
        if std::env::var_os(crate::credentials::AK_ENV).is_some()
            || std::env::var_os(crate::credentials::TOKEN_ENV).is_some()
        {
            return;
        }
        let args = GlobalArgs {
            endpoint: Some("http://127.0.0.1:9".into()),
            project_id: Some("p".into()),
            ..GlobalArgs::default()
        };
        let err = client_from_args(&args).unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert_eq!(exit_code(&err), 2);
    }
}
