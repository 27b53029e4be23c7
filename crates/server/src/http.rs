//! HTTP/1.1 on `std::net`: one thread per connection, requests parsed by `httparse` (hyper's
//! parser), keep-alive, fixed-length and chunked responses (a watch writes and flushes one chunk
//! per event), and the hand-off of an upgraded connection (WebSocket) to its handler.
//!
//! Limits are the API server's: a request body over [`MAX_BODY_BYTES`] is `413` before it is
//! read; headers over [`MAX_HEADER_BYTES`] are `431`; a client that sends nothing for
//! [`IDLE_TIMEOUT`] is closed. A slow client blocks only its own thread.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

/// The API server's `MaxRequestBodyBytes` (3 MiB): the largest request body it reads.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;
/// Request line and headers together.
pub const MAX_HEADER_BYTES: usize = 1024 * 1024;
/// How long a connection may sit between requests (or in the middle of one) before it is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

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

/// What a streaming response writes to: each `send` is one chunk, flushed at once.
pub struct ChunkWriter<'a> {
    out: &'a mut TcpStream,
}

impl ChunkWriter<'_> {
    pub fn send(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        write!(self.out, "{:x}\r\n", data.len())?;
        self.out.write_all(data)?;
        self.out.write_all(b"\r\n")?;
        self.out.flush()
    }

    /// Whether the client has closed its end (a peek that reads end-of-file). A stream with
    /// nothing to send learns this no other way: a watch whose client went away must stop
    /// (and, under a virtual clock, stop moving time).
    pub fn peer_closed(&self) -> bool {
        if self.out.set_nonblocking(true).is_err() {
            return false;
        }
        let mut b = [0u8; 1];
        let closed = match self.out.peek(&mut b) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
            ),
        };
        let _ = self.out.set_nonblocking(false);
        closed
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
    Request(Request),
    /// The peer closed between requests, or went quiet.
    Closed,
    /// Malformed or over a limit: answer this and close.
    Refuse(Response),
}

/// Serves one connection until the peer closes it, a response asks to close, or it upgrades.
pub fn serve_connection(stream: TcpStream, handle: &(dyn Fn(Request) -> Response + Sync)) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::with_capacity(64 * 1024, read_half);
    let mut out = stream;
    loop {
        let (req, keep_alive) = match read_request(&mut reader) {
            Read1::Request(r) => {
                let close = r
                    .header("connection")
                    .is_some_and(|v| v.eq_ignore_ascii_case("close"));
                (r, !close)
            }
            Read1::Closed => break,
            Read1::Refuse(resp) => {
                let _ = write_response(&mut out, resp, false, Vec::new());
                break;
            }
        };
        let head_only = req.method == "HEAD";
        let resp = handle(req);
        let resp = if head_only {
            Response {
                body: match resp.body {
                    Body::Bytes(b) => Body::Bytes(b),
                    _ => Body::Bytes(Vec::new()),
                },
                ..resp
            }
        } else {
            resp
        };
        match resp.body {
            Body::Upgrade(_) => {
                let leftover = reader.buffer().to_vec();
                let _ = write_response(&mut out, resp, true, leftover);
                return;
            }
            _ => match write_response(&mut out, resp, keep_alive, Vec::new()) {
                Ok(true) if keep_alive => {}
                _ => break,
            },
        }
    }
    let _ = out.shutdown(Shutdown::Both);
}

/// Writes a response; returns whether the connection may carry another request.
fn write_response(
    out: &mut TcpStream,
    resp: Response,
    keep_alive: bool,
    leftover: Vec<u8>,
) -> io::Result<bool> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
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
    match resp.body {
        Body::Bytes(b) => {
            head.push_str(&format!("Content-Length: {}\r\n", b.len()));
            if !keep_alive {
                head.push_str("Connection: close\r\n");
            }
            head.push_str("\r\n");
            let mut buf = head.into_bytes();
            buf.extend_from_slice(&b);
            out.write_all(&buf)?;
            out.flush()?;
            Ok(keep_alive)
        }
        Body::Stream(f) => {
            head.push_str("Transfer-Encoding: chunked\r\n\r\n");
            out.write_all(head.as_bytes())?;
            out.flush()?;
            let mut w = ChunkWriter { out };
            let r = f(&mut w);
            if r.is_ok() {
                out.write_all(b"0\r\n\r\n")?;
                out.flush()?;
            }
            r.map(|_| keep_alive)
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

fn refuse(code: u16, reason: &str, message: &str) -> Read1 {
    Read1::Refuse(crate::status::status_response(code, reason, message))
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Read1 {
    // Read until the end of the headers.
    let mut head: Vec<u8> = Vec::new();
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(_) => return Read1::Closed,
        };
        if buf.is_empty() {
            return Read1::Closed;
        }
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
            return refuse(431, "BadRequest", "request header fields too large");
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&head) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return refuse(400, "BadRequest", "malformed HTTP request"),
    }
    let method = parsed.method.unwrap_or("GET").to_string();
    let target = parsed.path.unwrap_or("/").to_string();
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
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.trim().parse::<usize>());
    let too_large = || {
        refuse(
            413,
            "RequestEntityTooLarge",
            &format!("Request entity too large: limit is {MAX_BODY_BYTES}"),
        )
    };
    let body = if chunked {
        match read_chunked(reader) {
            Ok(Some(b)) => b,
            Ok(None) => return too_large(),
            Err(_) => return refuse(400, "BadRequest", "malformed chunked request body"),
        }
    } else {
        match length {
            None => Vec::new(),
            Some(Err(_)) => return refuse(400, "BadRequest", "malformed Content-Length"),
            Some(Ok(n)) if n > MAX_BODY_BYTES => return too_large(),
            Some(Ok(n)) => {
                let mut b = vec![0; n];
                if reader.read_exact(&mut b).is_err() {
                    return Read1::Closed;
                }
                b
            }
        }
    };
    Read1::Request(Request {
        method,
        path,
        query,
        headers,
        body,
    })
}

fn find_end(b: &[u8]) -> Option<usize> {
    b.windows(4).position(|w| w == b"\r\n\r\n")
}

/// A chunked request body; `None` when it grows past the limit.
fn read_chunked(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Vec<u8>>> {
    let mut body = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let size = line.trim().split(';').next().unwrap_or("");
        let n = usize::from_str_radix(size, 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "chunk size"))?;
        if n == 0 {
            // Trailers, then the blank line.
            loop {
                let mut t = String::new();
                reader.read_line(&mut t)?;
                if t.trim().is_empty() {
                    return Ok(Some(body));
                }
            }
        }
        if body.len() + n > MAX_BODY_BYTES {
            return Ok(None);
        }
        let start = body.len();
        body.resize(start + n, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
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
