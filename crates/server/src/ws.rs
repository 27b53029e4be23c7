//! WebSocket (RFC 6455) on a connection [`http`](crate::http) hands over: the handshake
//! (`Sec-WebSocket-Accept`, the subprotocol the client offered and we speak), and framing.
//! Server frames are unmasked; client frames are unmasked as they arrive; fragmented
//! messages are joined; a ping is answered with a pong; a close is answered with a close.
//!
//! The read half ([`Reader`]) and the write half ([`Writer`], cloneable, one frame at a time
//! behind a mutex) live on different threads: a session reads the client on one and writes
//! what the container printed on another.

use crate::http::{Body, Request, Response};
use std::io::{self, Cursor, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};

/// RFC 6455's key suffix.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/// The largest message a client may send (stdin arrives in small pieces; this bounds memory).
pub const MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

const OP_CONTINUATION: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;

/// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`.
pub fn accept_key(key: &str) -> String {
    let digest = sha1_smol::Sha1::from(format!("{}{GUID}", key.trim())).digest();
    ordinal_sim::base64::encode(&digest.bytes())
}

/// Whether the request asks to upgrade to WebSocket.
pub fn is_websocket(req: &Request) -> bool {
    req.header("upgrade")
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

/// The subprotocols the client offered, in its order (every `Sec-WebSocket-Protocol` header).
pub fn offered_protocols(req: &Request) -> Vec<String> {
    req.headers
        .iter()
        .filter(|(k, _)| k == "sec-websocket-protocol")
        .flat_map(|(_, v)| v.split(','))
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The `101 Switching Protocols` answer; `session` then owns the connection.
pub fn upgrade(
    req: &Request,
    protocol: &str,
    session: impl FnOnce(Reader, Writer) + Send + 'static,
) -> Response {
    let key = req.header("sec-websocket-key").unwrap_or("");
    Response {
        status: 101,
        headers: vec![
            ("Upgrade".into(), "websocket".into()),
            ("Connection".into(), "Upgrade".into()),
            ("Sec-WebSocket-Accept".into(), accept_key(key)),
            ("Sec-WebSocket-Protocol".into(), protocol.into()),
        ],
        body: Body::Upgrade(Box::new(move |stream: TcpStream, leftover: Vec<u8>| {
            let Ok(write_half) = stream.try_clone() else {
                return;
            };
            let writer = Writer(Arc::new(Mutex::new(write_half)));
            let reader = Reader {
                input: Box::new(Cursor::new(leftover).chain(stream)),
                writer: writer.clone(),
            };
            session(reader, writer);
        })),
    }
}

/// A whole message from the client.
#[derive(Debug, PartialEq)]
pub enum Message {
    Binary(Vec<u8>),
    Text(Vec<u8>),
    /// The client closed (a close frame, or the connection ended).
    Close,
}

/// The write half: whole frames, one at a time.
#[derive(Clone)]
pub struct Writer(Arc<Mutex<TcpStream>>);

impl Writer {
    fn frame(&self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let mut head = Vec::with_capacity(10 + payload.len());
        head.push(0x80 | opcode);
        match payload.len() {
            n if n < 126 => head.push(n as u8),
            n if n <= 0xFFFF => {
                head.push(126);
                head.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                head.push(127);
                head.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        head.extend_from_slice(payload);
        let mut s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.write_all(&head)?;
        s.flush()
    }

    pub fn binary(&self, payload: &[u8]) -> io::Result<()> {
        self.frame(OP_BINARY, payload)
    }

    /// A close frame with `code` (1000: normal closure).
    pub fn close(&self, code: u16) -> io::Result<()> {
        self.frame(OP_CLOSE, &code.to_be_bytes())
    }

    /// Ends the TCP connection (both halves): a reader blocked on it returns.
    pub fn shutdown(&self) {
        let s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let _ = s.shutdown(Shutdown::Both);
    }
}

/// The read half.
pub struct Reader {
    input: Box<dyn Read + Send>,
    writer: Writer,
}

impl Reader {
    /// The next data message; answers pings on the way. An error (a protocol violation, a
    /// message over [`MAX_MESSAGE_BYTES`], a broken connection) ends the session as a close.
    pub fn message(&mut self) -> Message {
        self.next_message().unwrap_or(Message::Close)
    }

    fn next_message(&mut self) -> io::Result<Message> {
        let mut message: Vec<u8> = Vec::new();
        let mut message_op: Option<u8> = None;
        loop {
            let (fin, opcode, payload) = self.frame()?;
            match opcode {
                OP_PING => {
                    self.writer.frame(OP_PONG, &payload)?;
                }
                OP_PONG => {}
                OP_CLOSE => {
                    let _ = self.writer.frame(OP_CLOSE, payload.get(..2).unwrap_or(&[]));
                    return Ok(Message::Close);
                }
                OP_TEXT | OP_BINARY | OP_CONTINUATION => {
                    if opcode == OP_CONTINUATION {
                        if message_op.is_none() {
                            return Err(invalid("continuation without a message"));
                        }
                    } else if message_op.is_some() {
                        return Err(invalid("new message inside a fragmented one"));
                    } else {
                        message_op = Some(opcode);
                    }
                    if message.len() + payload.len() > MAX_MESSAGE_BYTES {
                        return Err(invalid("message too large"));
                    }
                    message.extend_from_slice(&payload);
                    if fin {
                        return Ok(match message_op {
                            Some(OP_TEXT) => Message::Text(message),
                            _ => Message::Binary(message),
                        });
                    }
                }
                _ => return Err(invalid("unknown opcode")),
            }
        }
    }

    fn frame(&mut self) -> io::Result<(bool, u8, Vec<u8>)> {
        let mut h = [0u8; 2];
        self.input.read_exact(&mut h)?;
        let fin = h[0] & 0x80 != 0;
        let opcode = h[0] & 0x0F;
        let masked = h[1] & 0x80 != 0;
        let len = match h[1] & 0x7F {
            126 => {
                let mut b = [0u8; 2];
                self.input.read_exact(&mut b)?;
                u64::from(u16::from_be_bytes(b))
            }
            127 => {
                let mut b = [0u8; 8];
                self.input.read_exact(&mut b)?;
                u64::from_be_bytes(b)
            }
            n => u64::from(n),
        };
        if len > MAX_MESSAGE_BYTES as u64 {
            return Err(invalid("frame too large"));
        }
        let mut mask = [0u8; 4];
        if masked {
            self.input.read_exact(&mut mask)?;
        }
        let mut payload = vec![0u8; len as usize];
        self.input.read_exact(&mut payload)?;
        if masked {
            for (i, b) in payload.iter_mut().enumerate() {
                *b ^= mask[i % 4];
            }
        }
        Ok((fin, opcode, payload))
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_key_is_rfc_6455s_example() {
        // RFC 6455 section 1.3.
        assert_eq!(
            accept_key("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    fn masked(fin: bool, op: u8, payload: &[u8]) -> Vec<u8> {
        let mask = [1u8, 2, 3, 4];
        let mut f = vec![if fin { 0x80 } else { 0 } | op, 0x80 | payload.len() as u8];
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        f
    }

    #[test]
    fn reads_fragmented_masked_messages_and_answers_pings() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        let mut input = masked(false, OP_BINARY, b"\x01he");
        input.extend(masked(true, OP_PING, b"p"));
        input.extend(masked(true, OP_CONTINUATION, b"llo"));
        input.extend(masked(true, OP_CLOSE, &1000u16.to_be_bytes()));
        let writer = Writer(Arc::new(Mutex::new(server.try_clone().unwrap())));
        let mut reader = Reader {
            input: Box::new(Cursor::new(input)),
            writer,
        };
        assert_eq!(reader.message(), Message::Binary(b"\x01hello".to_vec()));
        assert_eq!(reader.message(), Message::Close);
        // Every handle on the server's end goes, so the client reads to the end.
        drop(reader);
        drop(server);
        let mut got = Vec::new();
        let mut c = client;
        c.read_to_end(&mut got).unwrap();
        // The pong (unmasked, same payload), then the close echoed.
        assert_eq!(got, vec![0x8A, 1, b'p', 0x88, 2, 0x03, 0xE8]);
    }
}
