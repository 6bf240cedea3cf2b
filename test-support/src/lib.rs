//! What the tests share: a scripted HTTP/1.1 server on the loopback interface (this module), the
//! gateway's check of a request's signature ([`Request::verify_signature`], in `signature`) and
//! the seed document's examples ([`seed`]).
//!
//! [`Server::start`] binds `127.0.0.1:0` (a free port the system picks; nothing here reaches
//! beyond this machine) and answers each request with the next [`Reply`] of its script, then a
//! `500` once the script runs out. It records every [`Request`] exactly as it arrived (method,
//! raw target, version, headers in order, body bytes), so a test can check what went on the
//! wire, down to recomputing a signature, and it counts connections and the bytes it wrote
//! ([`Sent`]). A test can await requests or finished replies ([`Server::wait_for_requests`],
//! [`Server::wait_for_sent`]) instead of sleeping.
//!
//! A reply is a status, headers and a body ([`Reply::status`], [`Reply::json`],
//! [`Reply::redirect`]), or raw bytes that need not be HTTP at all ([`Reply::raw`]), or nothing
//! ([`Reply::hang`], [`Reply::close`]). It can be framed by `Content-Length` (the default),
//! chunked, or by closing the connection; its body can be generated as it is written
//! ([`Reply::huge_body`]); it can be sent after a delay, before the request is read, and be
//! followed by keeping the connection open forever.
//!
//! The server runs on its own thread with its own Tokio runtime, so it serves synchronous tests
//! (which run a program) and `#[tokio::test]`s alike, whatever the test's runtime does. Every
//! reply closes its connection, so one connection carries one request. Dropping the [`Server`]
//! stops it and closes every connection still open; it panics then if a request could not be
//! read (see [`Server::requests`]).
//!
//! ```
//! use std::io::{Read, Write};
//! use modelarts_pools_test_support::{Reply, Server};
//!
//! let server = Server::start([Reply::json(200, r#"{"ok":true}"#).header("X-Request-Id", "r-1")]);
//! let mut stream = std::net::TcpStream::connect(server.addr()).unwrap();
//! stream.write_all(b"GET /v2/p?x=1 HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer).unwrap();
//! assert!(answer.starts_with("HTTP/1.1 200 OK\r\nConnection: close\r\n"), "{answer}");
//! assert!(answer.ends_with("X-Request-Id: r-1\r\nContent-Length: 11\r\n\r\n{\"ok\":true}"));
//!
//! let request = server.only();
//! assert_eq!((request.method.as_str(), request.path(), request.query()), ("GET", "/v2/p", "x=1"));
//! assert_eq!(request.header("host"), Some("h"));
//! ```

pub mod seed;
mod signature;
pub mod test_binary;

use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How long [`Server::wait_for_requests`] and [`Server::wait_for_sent`] wait before they fail
/// the test. Generous on purpose: it only means "the server is not stuck".
pub const WAIT_LIMIT: Duration = Duration::from_secs(30);

/// The largest request head the server reads; a larger one is a problem (see
/// [`Server::requests`]).
const MAX_HEAD: usize = 1024 * 1024;

/// How many body bytes are written at a time, unless chunked framing says otherwise.
const PIECE: usize = 64 * 1024;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Request {
    /// The method as sent.
    pub method: String,
    /// The request target as sent: path and query, still percent-encoded.
    pub target: String,
    /// The HTTP version of the request line, e.g. `HTTP/1.1`.
    pub version: String,
    /// Every header line, in order, names as sent, values trimmed.
    pub headers: Vec<(String, String)>,
    /// The body bytes (by `Content-Length`; no other framing is accepted).
    pub body: Vec<u8>,
    /// When the request head had arrived (the system clock).
    pub received_at: SystemTime,
}

impl Request {
    /// The value of the header `name` (any case); panics if it came more than once.
    pub fn header(&self, name: &str) -> Option<&str> {
        let values = self.all(name);
        assert!(
            values.len() <= 1,
            "header {name} was sent more than once: {:?}",
            self.headers
        );
        values.first().copied()
    }

    /// Every value of the header `name` (any case), in the order sent.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The header names, lower case, sorted.
    pub fn header_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        names
    }

    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The query part of the target (without `?`), empty when there is none.
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }

    /// The body as JSON; panics if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "the body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// What the server wrote on one connection, recorded once it stopped writing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    /// Every byte written: head, framing and body.
    pub bytes: u64,
    /// Whether the whole reply was written; `false` when a write failed because the client had
    /// gone (closed or reset the connection).
    pub complete: bool,
}

/// One scripted answer. Build it with [`Reply::status`], [`Reply::json`], [`Reply::redirect`],
/// [`Reply::raw`], [`Reply::hang`] or [`Reply::close`], then adjust it with the other methods.
#[derive(Clone, Debug)]
pub struct Reply {
    /// `None` for raw bytes.
    head: Option<(u16, Vec<(String, String)>)>,
    body: Body,
    framing: Framing,
    delay: Duration,
    hang: bool,
    before_request: bool,
}

#[derive(Clone, Debug)]
enum Body {
    Bytes(Vec<u8>),
    /// This many spaces, made while written.
    Filler(usize),
}

impl Body {
    fn len(&self) -> usize {
        match self {
            Body::Bytes(bytes) => bytes.len(),
            Body::Filler(len) => *len,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Framing {
    ContentLength,
    Chunked(usize),
    UntilClose,
}

impl Reply {
    /// This status (with its standard reason phrase), no headers of its own and an empty body.
    /// Every reply with a status line also says `Connection: close` first, and frames its body
    /// with `Content-Length` last unless told otherwise.
    pub fn status(status: u16) -> Reply {
        Reply {
            head: Some((status, Vec::new())),
            body: Body::Bytes(Vec::new()),
            framing: Framing::ContentLength,
            delay: Duration::ZERO,
            hang: false,
            before_request: false,
        }
    }

    /// This status with `Content-Type: application/json;charset=UTF-8` and this body.
    pub fn json(status: u16, body: impl AsRef<[u8]>) -> Reply {
        Reply::status(status)
            .header("Content-Type", "application/json;charset=UTF-8")
            .body(body)
    }

    /// A redirect: this status (301, 302, 303, 307, 308...) with `Location: location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("Location", location)
    }

    /// Exactly these bytes, whatever they are (broken HTTP, not HTTP at all, a cut-off answer),
    /// then the connection closes. Nothing is added to them.
    pub fn raw(bytes: impl AsRef<[u8]>) -> Reply {
        Reply {
            head: None,
            body: Body::Bytes(bytes.as_ref().to_vec()),
            ..Reply::status(0)
        }
    }

    /// Reads the request and never answers: the connection stays open until the server is
    /// dropped.
    pub fn hang() -> Reply {
        Reply::raw([]).then_hang()
    }

    /// Reads the request and closes the connection without a byte of answer.
    pub fn close() -> Reply {
        Reply::raw([])
    }

    /// Adds a header (after `Connection: close` and the headers added before). Panics on a raw
    /// reply, which has no head.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        let (_, headers) = self
            .head
            .as_mut()
            .expect("a raw reply has no head to add a header to");
        headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl AsRef<[u8]>) -> Reply {
        self.body = Body::Bytes(body.as_ref().to_vec());
        self
    }

    /// Sets a body of `len` spaces that is made as it is written, never held in memory, so a
    /// reply can offer far more than a client should read. With [`Server::wait_for_sent`] a test
    /// sees how much was written before the client went away.
    pub fn huge_body(mut self, len: usize) -> Reply {
        self.body = Body::Filler(len);
        self
    }

    /// Frames the body with `Transfer-Encoding: chunked`, in chunks of `chunk` bytes, instead of
    /// `Content-Length`.
    pub fn chunked(mut self, chunk: usize) -> Reply {
        assert!(chunk > 0, "chunks hold at least one byte");
        self.framing = Framing::Chunked(chunk);
        self
    }

    /// Sends no length at all: the body ends when the connection closes.
    pub fn until_close(mut self) -> Reply {
        self.framing = Framing::UntilClose;
        self
    }

    /// Waits this long (on the server's clock) after reading the request, before answering.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// After writing the reply, keeps the connection open, saying nothing more, until the server
    /// is dropped: a server that stalls (mid-head, mid-body, or before answering with
    /// [`Reply::raw`]).
    pub fn then_hang(mut self) -> Reply {
        self.hang = true;
        self
    }

    /// Answers as soon as the first bytes arrive, without reading (or recording) an HTTP request:
    /// for clients that do not start with one, such as a TLS handshake.
    pub fn before_request(mut self) -> Reply {
        self.before_request = true;
        self
    }

    /// The body set with [`Reply::body`] (or the raw bytes); empty for a [`Reply::huge_body`].
    pub fn body_bytes(&self) -> &[u8] {
        match &self.body {
            Body::Bytes(bytes) => bytes,
            Body::Filler(_) => &[],
        }
    }

    /// What the server answers once the script has run out.
    fn unscripted() -> Reply {
        Reply::json(
            500,
            r#"{"error_code":"TEST.UNSCRIPTED","error_msg":"no scripted reply left"}"#,
        )
    }
}

/// What the server has seen so far.
#[derive(Default)]
struct Log {
    script: VecDeque<Reply>,
    connections: usize,
    requests: Vec<Request>,
    sent: Vec<Sent>,
    /// Requests that could not be read, described.
    problems: Vec<String>,
}

struct Shared {
    log: Mutex<Log>,
    /// Told after every change of the log.
    changed: tokio::sync::watch::Sender<()>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn update(&self, change: impl FnOnce(&mut Log)) {
        change(&mut self.lock());
        self.changed.send_replace(());
    }
}

/// The server. Dropping it stops it.
pub struct Server {
    addr: SocketAddr,
    started_at: SystemTime,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server on `127.0.0.1`, on a port the system picks, that answers requests with
    /// `replies` in order (and with a `500` carrying `TEST.UNSCRIPTED` once they run out).
    pub fn start(replies: impl IntoIterator<Item = Reply>) -> Server {
        Server::start_on(IpAddr::V4(Ipv4Addr::LOCALHOST), replies).expect("bind 127.0.0.1:0")
    }

    /// [`Server::start`] on another loopback address (`127.0.0.2`, `::1`...), which the system
    /// may refuse. Panics if `ip` is not a loopback address.
    pub fn start_on(ip: IpAddr, replies: impl IntoIterator<Item = Reply>) -> io::Result<Server> {
        assert!(
            ip.is_loopback(),
            "the test server binds loopback addresses only, not {ip}"
        );
        let started_at = SystemTime::now();
        // Bound before this returns, so connections queue even before the thread runs.
        let listener = std::net::TcpListener::bind((ip, 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            log: Mutex::new(Log {
                script: replies.into_iter().collect(),
                ..Log::default()
            }),
            changed: tokio::sync::watch::Sender::new(()),
        });
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = shared.clone();
        let thread = std::thread::Builder::new()
            .name(format!("test-server-{addr}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a Tokio runtime for the test server");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener).expect("a Tokio listener");
                    loop {
                        tokio::select! {
                            _ = &mut stopped => break,
                            accepted = listener.accept() => {
                                let Ok((stream, _)) = accepted else { break };
                                serving.update(|log| log.connections += 1);
                                tokio::spawn(serve(stream, serving.clone()));
                            }
                        }
                    }
                });
                // Dropping the runtime here drops every connection still open.
            })?;
        Ok(Server {
            addr,
            started_at,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The address, e.g. `127.0.0.1:40123`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://` and the address.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address as text, the `Host` a client must send.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// When the server was started (the system clock): every request it receives was made after.
    pub fn started_at(&self) -> SystemTime {
        self.started_at
    }

    /// Every request received so far, in order. Panics if one could not be read: a head that is
    /// not UTF-8 or not HTTP/1.1 syntax, a `Transfer-Encoding`, a bad `Content-Length`, or more
    /// body bytes than it says. (A request cut short because the client went away, as when it
    /// gives up on a timeout, is no problem: it is just not recorded, nor answered.)
    pub fn requests(&self) -> Vec<Request> {
        self.checked().requests.clone()
    }

    /// The only request received; panics unless exactly one arrived.
    pub fn only(&self) -> Request {
        let mut requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:?}"
        );
        requests.remove(0)
    }

    /// How many connections were accepted (a request refused before sending opens none).
    pub fn connections(&self) -> usize {
        self.shared.lock().connections
    }

    /// What was written on each connection that was answered, in the order the writing ended.
    pub fn sent(&self) -> Vec<Sent> {
        self.checked().sent.clone()
    }

    /// Asserts that nothing at all reached the server: no connection, no request.
    pub fn assert_untouched(&self) {
        let log = self.checked();
        assert_eq!(log.connections, 0, "a connection was opened");
        assert!(
            log.requests.is_empty(),
            "a request was sent: {:?}",
            log.requests
        );
    }

    /// Waits until at least `count` requests have arrived, and returns them all. Panics after
    /// [`WAIT_LIMIT`] (on the clock of the Tokio runtime that awaits it).
    ///
    /// A request is recorded as soon as it has been read, before its reply; so once a client
    /// has its answer the request is there. Waiting matters when the client gave up first (a
    /// timeout against [`Reply::hang`]).
    ///
    /// Await it rather than block on it: the client's connections are tasks of the test's
    /// runtime, and they must run to close a connection the client has given up.
    pub async fn wait_for_requests(&self, count: usize) -> Vec<Request> {
        self.wait("requests", |log| log.requests.len() >= count)
            .await
            .requests
            .clone()
    }

    /// Waits until the server has stopped writing on at least `count` connections, and returns
    /// what it wrote on each. Panics after [`WAIT_LIMIT`], like [`Server::wait_for_requests`].
    pub async fn wait_for_sent(&self, count: usize) -> Vec<Sent> {
        self.wait("finished replies", |log| log.sent.len() >= count)
            .await
            .sent
            .clone()
    }

    async fn wait(&self, what: &str, ready: impl Fn(&Log) -> bool) -> MutexGuard<'_, Log> {
        let mut changed = self.shared.changed.subscribe();
        let waited = tokio::time::timeout(WAIT_LIMIT, async {
            // Subscribed before looking, so no change is missed in between.
            loop {
                {
                    let log = self.shared.lock();
                    if ready(&log) || !log.problems.is_empty() {
                        break;
                    }
                }
                changed
                    .changed()
                    .await
                    .expect("the server keeps its sender");
            }
        })
        .await;
        let log = self.checked();
        assert!(
            waited.is_ok() && ready(&log),
            "the test server had too few {what} after {WAIT_LIMIT:?}"
        );
        log
    }

    /// The log, after checking that every request could be read.
    fn checked(&self) -> MutexGuard<'_, Log> {
        let log = self.shared.lock();
        if !log.problems.is_empty() {
            let problems = log.problems.join("\n");
            drop(log);
            panic!("the test server could not read a request:\n{problems}");
        }
        log
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if !std::thread::panicking() {
            drop(self.checked());
        }
    }
}

/// Serves one connection: reads the request (unless the reply goes first), answers, then closes
/// or hangs.
async fn serve(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf = vec![0u8; 16 * 1024];
    let first = match stream.read(&mut buf).await {
        Ok(0) | Err(_) => return, // closed without a byte: no request, no reply used
        Ok(n) => n,
    };
    buf.truncate(first);
    let reply = {
        let mut log = shared.lock();
        log.script.pop_front().unwrap_or_else(Reply::unscripted)
    };
    if !reply.before_request {
        match read_request(&mut stream, buf).await {
            Ok(Some(request)) => shared.update(|log| log.requests.push(request)),
            Ok(None) => return,
            Err(problem) => {
                shared.update(|log| log.problems.push(problem));
                return;
            }
        }
    }
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let sent = write_reply(&mut stream, &reply).await;
    shared.update(|log| log.sent.push(sent));
    if reply.hang {
        std::future::pending::<()>().await;
    }
    let _ = stream.shutdown().await;
}

/// Reads one HTTP/1.1 request whose first bytes are in `buf`: the head up to the blank line,
/// then `Content-Length` body bytes. `None` when the client went away before it was complete.
async fn read_request(stream: &mut TcpStream, mut buf: Vec<u8>) -> Result<Option<Request>, String> {
    let mut chunk = vec![0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(format!("a request head over {MAX_HEAD} bytes"));
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let received_at = SystemTime::now();
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| format!("a request head that is not UTF-8: {:?}", &buf[..head_end]))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err(format!("a malformed request line {request_line:?}"));
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("a malformed header line {line:?}"))?;
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
        body: Vec::new(),
        received_at,
    };
    if !request.all("transfer-encoding").is_empty() {
        return Err(format!(
            "a Transfer-Encoding (this server reads bodies by Content-Length only): {:?}",
            request.headers
        ));
    }
    let length: usize = match request.all("content-length")[..] {
        [] => 0,
        [value] => value
            .parse()
            .map_err(|_| format!("a Content-Length that is not a number: {value:?}"))?,
        ref several => return Err(format!("several Content-Lengths: {several:?}")),
    };
    let mut body = buf.split_off(head_end + 4);
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    if body.len() > length {
        return Err(format!(
            "{} bytes after a body of Content-Length {length}",
            body.len() - length
        ));
    }
    request.body = body;
    Ok(Some(request))
}

/// Writes `reply`, counting the bytes, until done or a write fails.
async fn write_reply(stream: &mut TcpStream, reply: &Reply) -> Sent {
    let mut bytes = 0u64;
    let result: io::Result<()> = async {
        let mut put = async |data: &[u8]| -> io::Result<()> {
            stream.write_all(data).await?;
            bytes += data.len() as u64;
            Ok(())
        };
        let chunked = match reply.framing {
            Framing::Chunked(chunk) if reply.head.is_some() => Some(chunk),
            _ => None,
        };
        if let Some((status, headers)) = &reply.head {
            let reason = http::StatusCode::from_u16(*status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Scripted");
            let mut head = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            match reply.framing {
                Framing::ContentLength => {
                    head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
                }
                Framing::Chunked(_) => head.push_str("Transfer-Encoding: chunked\r\n"),
                Framing::UntilClose => {}
            }
            head.push_str("\r\n");
            put(head.as_bytes()).await?;
        }
        let total = reply.body.len();
        let piece = chunked.unwrap_or(PIECE);
        let filler = match reply.body {
            Body::Filler(_) => vec![b' '; piece.min(total)],
            Body::Bytes(_) => Vec::new(),
        };
        let mut offset = 0;
        while offset < total {
            let n = piece.min(total - offset);
            let data = match &reply.body {
                Body::Bytes(bytes) => &bytes[offset..offset + n],
                Body::Filler(_) => &filler[..n],
            };
            if chunked.is_some() {
                put(format!("{n:x}\r\n").as_bytes()).await?;
                put(data).await?;
                put(b"\r\n").await?;
            } else {
                put(data).await?;
            }
            offset += n;
        }
        if chunked.is_some() {
            put(b"0\r\n\r\n").await?;
        }
        Ok(())
    }
    .await;
    let complete = result.is_ok() && stream.flush().await.is_ok();
    Sent { bytes, complete }
}

#[cfg(test)]
mod tests {
    use std::io::{ErrorKind, Read, Write};
    use std::net::TcpStream;

    use super::*;

    fn block_on<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// Sends `request` and reads the answer until the server closes.
    fn exchange(server: &Server, request: &[u8]) -> Vec<u8> {
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        answer
    }

    #[test]
    fn replies_follow_the_script_then_an_unscripted_500() {
        let server = Server::start([
            Reply::status(503).header("Retry-After", "1").body("busy"),
            Reply::redirect(302, "/elsewhere"),
        ]);
        let post = b"POST /a?b=c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX-Two: 1\r\nx-two: 2\r\n\r\nhello";
        assert_eq!(
            exchange(&server, post),
            b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 4\r\n\r\nbusy"
        );
        let answer = exchange(&server, b"GET / HTTP/1.1\r\n\r\n");
        assert!(
            answer.starts_with(
                b"HTTP/1.1 302 Found\r\nConnection: close\r\nLocation: /elsewhere\r\n"
            )
        );
        let answer = String::from_utf8(exchange(&server, b"GET / HTTP/1.1\r\n\r\n")).unwrap();
        assert!(answer.starts_with("HTTP/1.1 500 ") && answer.contains("TEST.UNSCRIPTED"));

        let requests = server.requests();
        assert_eq!(requests.len(), 3);
        let first = &requests[0];
        assert_eq!(
            (first.method.as_str(), first.target.as_str()),
            ("POST", "/a?b=c")
        );
        assert_eq!(
            (first.path(), first.query(), first.version.as_str()),
            ("/a", "b=c", "HTTP/1.1")
        );
        assert_eq!(first.body, b"hello");
        assert_eq!(first.all("X-TWO"), ["1", "2"]);
        assert_eq!(
            first.header_names(),
            ["content-length", "host", "x-two", "x-two"]
        );
        assert!(server.started_at() <= first.received_at);
        assert_eq!(server.connections(), 3);
        assert!(server.sent().iter().all(|s| s.complete));
    }

    #[test]
    fn bodies_can_be_chunked_or_unframed() {
        let server = Server::start([
            Reply::status(200).body("abcde").chunked(2),
            Reply::status(200).huge_body(3).until_close(),
            Reply::raw("not HTTP"),
            Reply::close(),
        ]);
        let get = b"GET / HTTP/1.1\r\n\r\n";
        let answer = exchange(&server, get);
        assert!(answer.ends_with(
            b"Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n2\r\ncd\r\n1\r\ne\r\n0\r\n\r\n"
        ));
        assert!(exchange(&server, get).ends_with(b"Connection: close\r\n\r\n   "));
        assert_eq!(exchange(&server, get), b"not HTTP");
        assert_eq!(exchange(&server, get), b"");
        assert_eq!(block_on(server.wait_for_requests(4)).len(), 4);
    }

    #[test]
    fn a_huge_body_stops_when_the_client_goes() {
        let total = 1 << 30;
        let server = Server::start([Reply::status(200).huge_body(total)]);
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        let mut some = [0u8; 1024];
        stream.read_exact(&mut some).unwrap();
        drop(stream);
        let sent = block_on(server.wait_for_sent(1));
        assert!(
            !sent[0].complete && sent[0].bytes < total as u64,
            "{sent:?}"
        );
    }

    #[test]
    fn a_hanging_reply_keeps_the_connection_open_and_a_delayed_one_comes() {
        let server = Server::start([
            Reply::raw("HTTP/1.1 200 OK\r\n").then_hang(),
            Reply::status(204).after(Duration::from_millis(10)),
        ]);
        let mut stream = TcpStream::connect(server.addr()).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
        let mut start = [0u8; 17];
        stream.read_exact(&mut start).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let more = stream.read(&mut [0u8; 1]).unwrap_err();
        assert!(
            matches!(more.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            "{more}"
        );
        assert!(
            exchange(&server, b"GET / HTTP/1.1\r\n\r\n").starts_with(b"HTTP/1.1 204 No Content")
        );
    }

    #[test]
    fn a_reply_can_go_before_any_request() {
        let server = Server::start([Reply::raw("hello").before_request()]);
        assert_eq!(exchange(&server, b"\x16\x03\x01 not HTTP"), b"hello");
        assert_eq!(block_on(server.wait_for_sent(1)).len(), 1);
        assert!(server.requests().is_empty());
        assert_eq!(server.connections(), 1);
    }

    #[test]
    fn a_request_that_cannot_be_read_fails_the_test() {
        let server = Server::start([]);
        exchange(
            &server,
            b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        );
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.requests()));
        let message = *failed.unwrap_err().downcast::<String>().unwrap();
        assert!(message.contains("Transfer-Encoding"), "{message}");
        // Dropping it says so too.
        let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(server)));
        assert!(dropped.is_err());
    }

    #[test]
    fn a_request_cut_short_is_not_recorded_nor_a_problem() {
        let server = Server::start([Reply::status(200), Reply::status(200)]);
        for partial in [
            &b"GET / HT"[..],
            b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
        ] {
            let mut stream = TcpStream::connect(server.addr()).unwrap();
            stream.write_all(partial).unwrap();
            stream.shutdown(std::net::Shutdown::Write).unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).unwrap();
            assert!(answer.is_empty(), "{answer:?}");
        }
        assert!(server.requests().is_empty());
        assert!(server.sent().is_empty());
    }

    #[test]
    fn only_loopback_addresses_are_bound() {
        let refused = std::panic::catch_unwind(|| {
            Server::start_on(IpAddr::V4(Ipv4Addr::UNSPECIFIED), []).map(drop)
        });
        assert!(refused.is_err());
    }
}
