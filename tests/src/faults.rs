//! A loopback HTTP proxy that misbehaves like a village network: it drops requests (before or after the
//! server saw them), sends them twice, or cuts them mid-body; or it is merely slow. One request per
//! connection. Beside it, [`HangingServer`]: one that takes every request and never answers.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

pub struct FaultyProxy {
    pub url: String,
    stop: Arc<AtomicBool>,
    pub injected: Arc<AtomicU64>,
}

pub(crate) fn read_request(stream: &mut impl Read) -> Option<Vec<u8>> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            while buffer.len() < end + 4 + length {
                let n = stream.read(&mut chunk).ok()?;
                if n == 0 {
                    return None;
                }
                buffer.extend_from_slice(&chunk[..n]);
            }
            return Some(buffer);
        }
    }
}

/// Forces `Connection: close` so each request gets its own connection and response ends at EOF.
pub(crate) fn close_after(request: &[u8]) -> Vec<u8> {
    let end = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(request.len());
    let head = String::from_utf8_lossy(&request[..end]);
    let mut out: String = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    out.push_str("\r\nConnection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&request[(end + 4).min(request.len())..]);
    bytes
}

pub(crate) fn forward(upstream: &str, request: &[u8]) -> Option<Vec<u8>> {
    let mut server = TcpStream::connect(upstream).ok()?;
    server.write_all(request).ok()?;
    let mut response = Vec::new();
    server.read_to_end(&mut response).ok()?;
    Some(response)
}

impl FaultyProxy {
    /// Starts a proxy to `upstream` (host:port); `percent` of requests get a fault, chosen by `seed`.
    pub fn start(upstream: String, percent: u64, seed: u64) -> FaultyProxy {
        FaultyProxy::with_latency(upstream, percent, seed, std::time::Duration::ZERO)
    }

    /// A slow but faultless link: every answer arrives `latency` after the server gave it.
    pub fn slow(upstream: String, latency: std::time::Duration) -> FaultyProxy {
        FaultyProxy::with_latency(upstream, 0, 0, latency)
    }

    fn with_latency(
        upstream: String,
        percent: u64,
        seed: u64,
        latency: std::time::Duration,
    ) -> FaultyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let stop = Arc::new(AtomicBool::new(false));
        let injected = Arc::new(AtomicU64::new(0));
        let (stop_flag, counter) = (stop.clone(), injected.clone());
        thread::spawn(move || {
            let mut rng = hoso_model::demo::Rng::new(seed);
            while !stop_flag.load(Ordering::SeqCst) {
                let Ok((mut client, _)) = listener.accept() else {
                    thread::sleep(std::time::Duration::from_millis(2));
                    continue;
                };
                let roll = rng.below(100);
                let kind = rng.below(4);
                let upstream = upstream.clone();
                let counter = counter.clone();
                thread::spawn(move || {
                    let _ = client.set_nonblocking(false);
                    let Some(request) = read_request(&mut client) else {
                        return;
                    };
                    let request = close_after(&request);
                    if roll >= percent {
                        if let Some(response) = forward(&upstream, &request) {
                            thread::sleep(latency);
                            let _ = client.write_all(&response);
                        }
                        return;
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    match kind {
                        // dropped before the server saw it
                        0 => {}
                        // the server handled it but the answer was lost
                        1 => {
                            let _ = forward(&upstream, &request);
                        }
                        // sent twice; the client sees the second answer
                        2 => {
                            let _ = forward(&upstream, &request);
                            if let Some(response) = forward(&upstream, &request) {
                                let _ = client.write_all(&response);
                            }
                        }
                        // cut mid-body
                        _ => {
                            if let Ok(mut server) = TcpStream::connect(&upstream) {
                                let _ = server.write_all(&request[..request.len() / 2]);
                            }
                        }
                    }
                });
            }
        });
        FaultyProxy {
            url,
            stop,
            injected,
        }
    }
}

impl Drop for FaultyProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// A server that accepts every connection, reads the request and never answers (a stalled backend
/// behind a load balancer, a mobile link that went silent), holding the socket open until dropped.
/// It keeps the head of every request it read, as the server's access log would.
pub struct HangingServer {
    pub url: String,
    stop: Arc<AtomicBool>,
    heads: Arc<Mutex<Vec<String>>>,
}

impl HangingServer {
    pub fn start() -> HangingServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let stop = Arc::new(AtomicBool::new(false));
        let heads = Arc::new(Mutex::new(Vec::new()));
        let (stop_flag, seen) = (stop.clone(), heads.clone());
        thread::spawn(move || {
            while !stop_flag.load(Ordering::SeqCst) {
                let Ok((mut client, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(2));
                    continue;
                };
                let (stop_flag, seen) = (stop_flag.clone(), seen.clone());
                thread::spawn(move || {
                    let _ = client.set_nonblocking(false);
                    if let Some(request) = read_request(&mut client) {
                        let end = request
                            .windows(4)
                            .position(|w| w == b"\r\n\r\n")
                            .unwrap_or(request.len());
                        let head = String::from_utf8_lossy(&request[..end]).into_owned();
                        seen.lock().expect("heads").push(head);
                    }
                    while !stop_flag.load(Ordering::SeqCst) {
                        thread::sleep(Duration::from_millis(20));
                    }
                });
            }
        });
        HangingServer { url, stop, heads }
    }

    /// The request line and headers of every request received so far.
    pub fn request_heads(&self) -> Vec<String> {
        self.heads.lock().expect("heads").clone()
    }
}

impl Drop for HangingServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
