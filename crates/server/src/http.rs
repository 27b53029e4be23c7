//! HTTP/1.1 on `std::net`: one thread per connection, requests parsed by `httparse` (hyper's
//! parser), keep-alive, fixed-length and chunked responses (a watch writes and flushes one chunk
//! per event), HTTP/1.0 clients, `Expect: 100-continue`, and the hand-off of an upgraded
//! connection (WebSocket) to its handler.
//!
//! The limits are the API server's and those of Go's `net/http` under it ([`Limits`]): a request
//! body over [`MAX_BODY_BYTES`] is `413 RequestEntityTooLarge` before it is read; a request line
//! and headers over [`MAX_HEADER_BYTES`] are Go's plain-text `431`; a request line that is not
//! HTTP is Go's plain-text `400 Bad Request`; headers must arrive within 32 s of their first byte
//! (`ReadHeaderTimeout`), and a connection idle for 90 s between requests is closed
//! (`IdleTimeout`), both silently, as Go does; a body that stops arriving gets the request
//! timeout's `504`. Every write to the client has a timeout, so a client that stops reading (a
//! stalled watch) costs its own thread until then and nothing else. A refused request's
//! connection is closed gracefully (our side first, then what the client still sends is
//! drained for a moment), so the client reads the answer instead of a reset.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

/// The API server's `MaxRequestBodyBytes` (3 MiB): the largest request body it reads.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;
/// The request line and headers together: the API server's `MaxHeaderBytes` (1 MiB), plus the
/// 4096 bytes of slack Go's server allows on top (`initialReadLimitSize`).
pub const MAX_HEADER_BYTES: usize = 1024 * 1024 + 4096;
/// How long a connection may sit between requests before it is closed (the API server's
/// `IdleTimeout`, 90 s).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The timeouts and the connection limit one server applies ([`crate::Config::limits`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    /// Connections served at once; one more is answered `429` and closed.
    pub max_connections: usize,
    /// Between requests on a kept-alive connection (Go's `IdleTimeout`; the API server's 90 s).
    pub idle_timeout: Duration,
    /// From a request's first byte to the end of its headers (the API server's
    /// `ReadHeaderTimeout`, 32 s).
    pub header_timeout: Duration,
    /// From the end of the headers to the end of the body (the API server's request timeout,
    /// 60 s).
    pub body_timeout: Duration,
    /// The longest one write to the client may block: a client that reads nothing for this
    /// long (a watch it never reads, a list it stalls on) is disconnected.
    pub write_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: crate::MAX_CONNECTIONS,
            idle_timeout: IDLE_TIMEOUT,
            header_timeout: Duration::from_secs(32),
            body_timeout: Duration::from_secs(60),
            write_timeout: Duration::from_secs(60),
        }
    }
}

pub struct Request {
    pub method: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    /// Query parameters in order, percent-decoded (`+` is a space).
    pub query: Vec<(String, String)>,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated parameter (`dryRun=All&dryRun=All`, `command=sh&command=-c`).
    pub fn params<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a streaming response writes to: each `send` is one chunk, flushed at once (for an
/// HTTP/1.0 client, which knows no chunks, the bytes as they are: the end of the connection
/// ends the body).
pub struct ChunkWriter<'a> {
    out: &'a TcpStream,
    chunked: bool,
    checked: Option<Instant>,
}

impl ChunkWriter<'_> {
    pub fn send(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        let mut out = self.out;
        if self.chunked {
            let mut buf = Vec::with_capacity(data.len() + 12);
            write!(buf, "{:x}\r\n", data.len())?;
            buf.extend_from_slice(data);
            buf.extend_from_slice(b"\r\n");
            out.write_all(&buf)?;
        } else {
            out.write_all(data)?;
        }
        out.flush()
    }

    /// Whether the client has gone: it closed its end, or the connection broke. A stream that
    /// has nothing to send asks this while it waits, so a client that left frees its thread
    /// without waiting for the next event (Go's server notices the same by reading in the
    /// background). Looks at most once a second; bytes the client sent stay unread.
    pub fn closed(&mut self) -> bool {
        if self
            .checked
            .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
        {
            return false;
        }
        self.closed_now()
    }

    /// [`ChunkWriter::closed`] without the once-a-second limit: for a stream about to do
    /// something on the client's behalf (a watch moving a virtual clock), which must not do it
    /// for a client that has left.
    pub fn closed_now(&mut self) -> bool {
        self.checked = Some(Instant::now());
        peer_closed(self.out)
    }
}

/// A peek that does not wait: the end of the stream (or an error) means the peer is gone.
fn peer_closed(s: &TcpStream) -> bool {
    if s.set_nonblocking(true).is_err() {
        return false;
    }
    let mut b = [0u8; 1];
    let r = s.peek(&mut b);
    let _ = s.set_nonblocking(false);
    match r {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
        ),
    }
}

pub type Streamer = Box<dyn FnOnce(&mut ChunkWriter) -> io::Result<()> + Send>;
/// Takes over the connection after the `101 Switching Protocols` headers were written; gets the
/// bytes the client already sent past the request.
pub type Upgrader = Box<dyn FnOnce(TcpStream, Vec<u8>) + Send>;

pub enum Body {
    Bytes(Vec<u8>),
    Stream(Streamer),
    Upgrade(Upgrader),
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body),
        }
    }

    pub fn json(status: u16, v: &serde_json::Value) -> Response {
        let mut body = serde_json::to_vec(v).unwrap_or_default();
        body.push(b'\n');
        Response::new(status, "application/json", body)
    }

    pub fn text(status: u16, s: impl Into<String>) -> Response {
        Response::new(status, "text/plain; charset=utf-8", s.into().into_bytes())
    }

    pub fn stream(status: u16, content_type: &str, f: Streamer) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Stream(f),
        }
    }

    pub fn with_header(mut self, k: &str, v: impl Into<String>) -> Response {
        self.headers.push((k.into(), v.into()));
        self
    }
}

pub fn reason_phrase(code: u16) -> &'static str {
    match code {
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// What reading one request gave.
enum Read1 {
    Request(Request, Conn),
    /// The peer closed between requests, went quiet, or was too slow (closed without an
    /// answer, as Go's server does on a read timeout).
    Closed,
    /// Refused by the API server's own checks (a body over its limit): this `Status`, then close.
    Refuse(Response),
    /// Refused by the HTTP layer before any handler (Go's `net/http`): these bytes, then close.
    Raw(Vec<u8>),
}

/// What the connection carries besides the request.
#[derive(Clone, Copy, Debug)]
struct Conn {
    /// An HTTP/1.0 request: answered as `HTTP/1.0`, no chunks, kept alive only when it asked.
    http10: bool,
    /// The client may send another request after this one's answer.
    keep_alive: bool,
}

/// Go's answer to a request its server could not read: plain text, `Connection: close`.
fn go_error(code: u16, text: &str) -> Read1 {
    let status = format!("{code} {}", reason_phrase(code));
    let public = if text.is_empty() {
        status
    } else {
        format!("{status}: {text}")
    };
    Read1::Raw(
        format!(
            "HTTP/1.1 {public}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n{public}"
        )
        .into_bytes(),
    )
}

/// Serves one connection until the peer closes it, a response asks to close, or it upgrades.
pub fn serve_connection(
    stream: TcpStream,
    limits: &Limits,
    handle: &(dyn Fn(Request) -> Response + Sync),
) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    // One socket, read through the buffer and written directly (no second descriptor).
    let out = &stream;
    let mut reader = BufReader::with_capacity(64 * 1024, out);
    loop {
        let (req, conn) = match read_request(&mut reader, out, limits) {
            Read1::Request(r, c) => (r, c),
            Read1::Closed => break,
            Read1::Refuse(resp) => {
                let _ = write_response(out, resp, false, false, false, Vec::new());
                close_gracefully(out, &mut reader);
                return;
            }
            Read1::Raw(bytes) => {
                let mut w = out;
                let _ = w.write_all(&bytes);
                let _ = w.flush();
                close_gracefully(out, &mut reader);
                return;
            }
        };
        let head_only = req.method == "HEAD";
        let resp = handle(req);
        match resp.body {
            Body::Upgrade(_) => {
                let leftover = reader.buffer().to_vec();
                let _ = write_response(out, resp, conn.http10, head_only, true, leftover);
                return;
            }
            _ => match write_response(
                out,
                resp,
                conn.http10,
                head_only,
                conn.keep_alive,
                Vec::new(),
            ) {
                Ok(true) => {}
                _ => break,
            },
        }
    }
    let _ = stream.shutdown(Shutdown::Both);
}

/// How a connection ends after a refusal: our side stops writing, and what the client still
/// sends (the rest of a body we did not read) is read and dropped for a moment, so that its
/// kernel is not answered with a reset that would lose the answer we wrote (Go's
/// `closeWriteAndWait`).
fn close_gracefully(out: &TcpStream, reader: &mut BufReader<&TcpStream>) {
    let _ = out.shutdown(Shutdown::Write);
    let deadline = Instant::now() + Duration::from_secs(1);
    let mut drained = 0usize;
    let mut buf = [0u8; 16 * 1024];
    while drained < 2 * MAX_BODY_BYTES {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        if left.is_zero() || reader.get_ref().set_read_timeout(Some(left)).is_err() {
            break;
        }
        match reader.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
    let _ = out.shutdown(Shutdown::Both);
}

/// Answers a connection over [`Limits::max_connections`] as the API server's max-in-flight
/// filter answers a request over its limit (`http.Error`: plain text, `Retry-After: 1`), and
/// closes it.
pub fn too_many(stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let body = "Too many requests, please try again later.\n";
    let head = format!(
        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\nX-Content-Type-Options: nosniff\r\nDate: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        http_date(),
        body.len()
    );
    let mut out = &stream;
    let _ = out.write_all(head.as_bytes());
    let _ = out.flush();
    close_gracefully(&stream, &mut BufReader::new(&stream));
}

/// Writes a response; returns whether the connection may carry another request.
fn write_response(
    out: &TcpStream,
    resp: Response,
    http10: bool,
    head_only: bool,
    keep_alive: bool,
    leftover: Vec<u8>,
) -> io::Result<bool> {
    let mut out = out;
    let mut head = format!(
        "HTTP/1.{} {} {}\r\n",
        if http10 { 0 } else { 1 },
        resp.status,
        reason_phrase(resp.status)
    );
    for (k, v) in &resp.headers {
        head.push_str(k);
        head.push_str(": ");
        head.push_str(v);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Date: {}\r\n", http_date()));
    // An HTTP/1.0 client keeps the connection only when it asked and was told so; an HTTP/1.1
    // one keeps it unless told otherwise.
    let connection = match (http10, keep_alive) {
        (true, true) => "Connection: keep-alive\r\n",
        (false, false) => "Connection: close\r\n",
        _ => "",
    };
    match resp.body {
        Body::Bytes(b) => {
            head.push_str(&format!("Content-Length: {}\r\n", b.len()));
            head.push_str(connection);
            head.push_str("\r\n");
            let mut buf = head.into_bytes();
            // A HEAD answer says how long the body would be, and sends none.
            if !head_only {
                buf.extend_from_slice(&b);
            }
            out.write_all(&buf)?;
            out.flush()?;
            Ok(keep_alive)
        }
        Body::Stream(_) if head_only => {
            head.push_str(connection);
            head.push_str("\r\n");
            out.write_all(head.as_bytes())?;
            out.flush()?;
            Ok(keep_alive)
        }
        Body::Stream(f) => {
            // HTTP/1.0 has no chunks: the body runs to the end of the connection.
            if http10 {
                head.push_str("\r\n");
            } else {
                head.push_str("Transfer-Encoding: chunked\r\n");
                head.push_str(connection);
                head.push_str("\r\n");
            }
            out.write_all(head.as_bytes())?;
            out.flush()?;
            let mut w = ChunkWriter {
                out,
                chunked: !http10,
                checked: None,
            };
            let r = f(&mut w);
            if r.is_ok() && !http10 {
                out.write_all(b"0\r\n\r\n")?;
                out.flush()?;
            }
            r.map(|_| keep_alive && !http10)
        }
        Body::Upgrade(f) => {
            head.push_str("\r\n");
            out.write_all(head.as_bytes())?;
            out.flush()?;
            let stream = out.try_clone()?;
            let _ = stream.set_read_timeout(None);
            f(stream, leftover);
            Ok(false)
        }
    }
}

/// The wall clock as an HTTP date (the server's `Date` header is real time, as the API server's).
fn http_date() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    ordinal_sim::time::Civil::of(ordinal_sim::Time(ms)).format("%a, %d %b %Y %H:%M:%S GMT")
}

/// The buffered bytes, reading more if none are buffered, with the read bounded by `deadline`.
/// `None` at the deadline, at the end of the stream, or on an error.
fn fill_by<'a>(reader: &'a mut BufReader<&TcpStream>, deadline: Instant) -> Option<&'a [u8]> {
    if reader.buffer().is_empty() {
        let left = deadline.checked_duration_since(Instant::now())?;
        if left.is_zero() {
            return None;
        }
        reader.get_ref().set_read_timeout(Some(left)).ok()?;
    }
    match reader.fill_buf() {
        Ok(b) if !b.is_empty() => Some(b),
        _ => None,
    }
}

/// Fills `buf` before `deadline`.
fn read_exact_by(
    reader: &mut BufReader<&TcpStream>,
    mut buf: &mut [u8],
    deadline: Instant,
) -> io::Result<()> {
    while !buf.is_empty() {
        let Some(avail) = fill_by(reader, deadline) else {
            return Err(io::ErrorKind::TimedOut.into());
        };
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        reader.consume(n);
        buf = &mut buf[n..];
    }
    Ok(())
}

/// One line ending in LF (CRLF trimmed), at most `max` bytes, before `deadline`.
fn read_line_by(
    reader: &mut BufReader<&TcpStream>,
    max: usize,
    deadline: Instant,
) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    loop {
        let Some(avail) = fill_by(reader, deadline) else {
            return Err(io::ErrorKind::TimedOut.into());
        };
        match avail.iter().position(|&c| c == b'\n') {
            Some(i) => {
                line.extend_from_slice(&avail[..i]);
                reader.consume(i + 1);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
            None => {
                let n = avail.len();
                line.extend_from_slice(avail);
                reader.consume(n);
            }
        }
        if line.len() > max {
            return Err(io::ErrorKind::InvalidData.into());
        }
    }
}

/// Whether a comma-separated header value holds `token` (case-insensitively).
fn has_token(v: &str, token: &str) -> bool {
    v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))
}

fn read_request(reader: &mut BufReader<&TcpStream>, mut out: &TcpStream, limits: &Limits) -> Read1 {
    // Between requests: wait for a first byte as long as the idle timeout allows.
    if fill_by(reader, Instant::now() + limits.idle_timeout).is_none() {
        return Read1::Closed;
    }
    // From the first byte, the request line and headers must arrive in time.
    let deadline = Instant::now() + limits.header_timeout;
    let mut head: Vec<u8> = Vec::new();
    loop {
        let Some(buf) = fill_by(reader, deadline) else {
            return Read1::Closed;
        };
        let start = head.len().saturating_sub(3);
        head.extend_from_slice(buf);
        let n = buf.len();
        if let Some(pos) = find_end(&head[start..]) {
            let end = start + pos + 4;
            // Give back what belongs to the body.
            let consumed = n - (head.len() - end);
            reader.consume(consumed);
            head.truncate(end);
            break;
        }
        reader.consume(n);
        if head.len() > MAX_HEADER_BYTES {
            return go_error(431, "");
        }
    }
    if head.len() > MAX_HEADER_BYTES {
        return go_error(431, "");
    }
    let mut slots = vec![httparse::EMPTY_HEADER; 128];
    let mut parsed = httparse::Request::new(&mut slots);
    let mut result = parsed.parse(&head);
    if matches!(result, Err(httparse::Error::TooManyHeaders)) {
        // No count limit in Go, only the byte limit above: one slot a line is enough.
        let lines = head.iter().filter(|&&c| c == b'\n').count();
        slots = vec![httparse::EMPTY_HEADER; lines];
        parsed = httparse::Request::new(&mut slots);
        result = parsed.parse(&head);
    }
    if !matches!(result, Ok(httparse::Status::Complete(_))) {
        return go_error(400, "");
    }
    let http10 = parsed.version == Some(0);
    let method = parsed.method.unwrap_or("GET").to_string();
    // Go's `url.ParseRequestURI`: an absolute path (or an absolute URL, whose path is taken),
    // with every `%` escape in the path well formed; the query is not checked.
    let mut target = parsed.path.unwrap_or("").to_string();
    if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        target = match rest.find(['/', '?']) {
            Some(i) if rest[i..].starts_with('/') => rest[i..].to_string(),
            Some(i) => format!("/{}", &rest[i..]),
            None => "/".to_string(),
        };
    }
    let raw_path = target.split('?').next().unwrap_or("");
    if !(target.starts_with('/') || target == "*") || !escapes_well_formed(raw_path) {
        return go_error(400, "");
    }
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    let all = |name: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    // What Go's server checks before any handler sees the request.
    let hosts = all("host");
    if hosts.len() > 1 {
        return go_error(400, "too many Host headers");
    }
    if hosts.is_empty() && !http10 {
        return go_error(400, "missing required Host header");
    }
    let connection = all("connection").join(",");
    let keep_alive = if http10 {
        has_token(&connection, "keep-alive")
    } else {
        !has_token(&connection, "close")
    };
    // Transfer-Encoding is HTTP/1.1's; "chunked" is the only coding Go's server takes.
    let te = all("transfer-encoding");
    let chunked = !http10 && !te.is_empty();
    if chunked && (te.len() != 1 || !te[0].trim().eq_ignore_ascii_case("chunked")) {
        return Read1::Raw(
            b"HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding".to_vec(),
        );
    }
    let lengths = all("content-length");
    let length = match lengths.first() {
        _ if chunked => None,
        None => None,
        Some(first) => {
            let v = first.trim();
            if lengths.iter().any(|l| l.trim() != v)
                || v.is_empty()
                || !v.bytes().all(|c| c.is_ascii_digit())
            {
                return go_error(400, "");
            }
            // Digits only: too many of them is over any limit.
            Some(v.parse::<usize>().unwrap_or(usize::MAX))
        }
    };
    let expect = all("expect").join(",");
    let continues = has_token(&expect, "100-continue");
    if !expect.is_empty() && !continues {
        return Read1::Raw(
            format!(
                "HTTP/1.1 417 Expectation Failed\r\nConnection: close\r\nDate: {}\r\nContent-Length: 0\r\n\r\n",
                http_date()
            )
            .into_bytes(),
        );
    }
    let too_large = || {
        Read1::Refuse(crate::status::status_response(
            413,
            "RequestEntityTooLarge",
            &format!("Request entity too large: limit is {MAX_BODY_BYTES}"),
        ))
    };
    if length.is_some_and(|n| n > MAX_BODY_BYTES) {
        // Refused before the client sends it (it waits for `100 Continue` if it asked).
        return too_large();
    }
    let has_body = chunked || length.is_some_and(|n| n > 0);
    if continues && has_body && !http10 {
        // Go sends this when the handler starts reading the body; ours reads it now.
        if out
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .and_then(|_| out.flush())
            .is_err()
        {
            return Read1::Closed;
        }
    }
    let body_deadline = Instant::now() + limits.body_timeout;
    // A body that stops arriving: the API server's request timeout answers (its handler is
    // still reading when the timeout filter gives up); a client that left gets nothing.
    let stalled = || {
        if Instant::now() < body_deadline {
            return Read1::Closed;
        }
        let mut v = crate::status::status_value(
            504,
            "Timeout",
            "Timeout: request did not complete within requested timeout - context deadline exceeded",
        );
        v["details"] = serde_json::json!({});
        Read1::Refuse(Response::json(504, &v))
    };
    let body = if chunked {
        match read_chunked(reader, body_deadline) {
            Ok(Some(b)) => b,
            Ok(None) => return too_large(),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => return go_error(400, ""),
            Err(_) => return stalled(),
        }
    } else {
        match length {
            None | Some(0) => Vec::new(),
            Some(n) => {
                let mut b = vec![0; n];
                if read_exact_by(reader, &mut b, body_deadline).is_err() {
                    return stalled();
                }
                b
            }
        }
    };
    let (raw_path, raw_query) = target.split_once('?').unwrap_or((&target, ""));
    let path = percent_decode(raw_path, false);
    let query = raw_query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect();
    Read1::Request(
        Request {
            method,
            path,
            query,
            headers,
            body,
        },
        Conn { http10, keep_alive },
    )
}

/// Every `%` is followed by two hex digits.
fn escapes_well_formed(path: &str) -> bool {
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
            {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

fn find_end(b: &[u8]) -> Option<usize> {
    b.windows(4).position(|w| w == b"\r\n\r\n")
}

/// A chunked request body; `None` when it grows past the limit. `InvalidData` for a body that
/// is not chunked encoding.
fn read_chunked(
    reader: &mut BufReader<&TcpStream>,
    deadline: Instant,
) -> io::Result<Option<Vec<u8>>> {
    let invalid = || io::Error::from(io::ErrorKind::InvalidData);
    let mut body = Vec::new();
    loop {
        let line = read_line_by(reader, 4096, deadline)?;
        let line = std::str::from_utf8(&line).map_err(|_| invalid())?;
        let size = line.split(';').next().unwrap_or("").trim();
        let n = usize::from_str_radix(size, 16).map_err(|_| invalid())?;
        if n == 0 {
            // Trailers, then the blank line.
            let mut trailers = 0;
            loop {
                let t = read_line_by(reader, MAX_HEADER_BYTES, deadline)?;
                if t.is_empty() {
                    return Ok(Some(body));
                }
                trailers += t.len();
                if trailers > MAX_HEADER_BYTES {
                    return Err(invalid());
                }
            }
        }
        if body.len().saturating_add(n) > MAX_BODY_BYTES {
            return Ok(None);
        }
        let start = body.len();
        body.resize(start + n, 0);
        read_exact_by(reader, &mut body[start..], deadline)?;
        let mut crlf = [0; 2];
        read_exact_by(reader, &mut crlf, deadline)?;
        if &crlf != b"\r\n" {
            return Err(invalid());
        }
    }
}

pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("app%3Dnginx", true), "app=nginx");
        assert_eq!(percent_decode("a+b", true), "a+b".replace('+', " "));
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("100%", true), "100%");
        assert_eq!(percent_decode("%zz", true), "%zz");
    }
}
