//! A loopback HTTP proxy that misbehaves like a village network: it drops requests (before or after the
//! server saw them), sends them twice, or cuts them mid-body; or it is merely slow; or it stands for a
//! misbehaving server that answers pushes without receipts. One request per connection.
//! [`ThrottledProxy`] has the bandwidth of a 2G link and counts the bytes on the wire;
//! [`HangingServer`] takes every request and never answers.

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

/// What the proxy does to a request.
#[derive(Clone, Copy)]
enum Behaviour {
    /// `percent` of requests get a fault, chosen by `seed`; the others pass after `latency`.
    Faulty {
        percent: u64,
        seed: u64,
        latency: std::time::Duration,
    },
    /// A misbehaving server in front of the real one: every push is answered `200` with no receipt,
    /// without reaching the server; everything else passes.
    NoReceipts,
}

impl FaultyProxy {
    /// Starts a proxy to `upstream` (host:port); `percent` of requests get a fault, chosen by `seed`.
    pub fn start(upstream: String, percent: u64, seed: u64) -> FaultyProxy {
        FaultyProxy::serve(
            upstream,
            Behaviour::Faulty {
                percent,
                seed,
                latency: std::time::Duration::ZERO,
            },
        )
    }

    /// A slow but faultless link: every answer arrives `latency` after the server gave it.
    pub fn slow(upstream: String, latency: std::time::Duration) -> FaultyProxy {
        FaultyProxy::serve(
            upstream,
            Behaviour::Faulty {
                percent: 0,
                seed: 0,
                latency,
            },
        )
    }

    /// A server that answers every push with `{"receipts": [], ...}`; `injected` counts those pushes.
    pub fn without_receipts(upstream: String) -> FaultyProxy {
        FaultyProxy::serve(upstream, Behaviour::NoReceipts)
    }

    fn serve(upstream: String, behaviour: Behaviour) -> FaultyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let stop = Arc::new(AtomicBool::new(false));
        let injected = Arc::new(AtomicU64::new(0));
        let (stop_flag, counter) = (stop.clone(), injected.clone());
        thread::spawn(move || {
            let seed = match behaviour {
                Behaviour::Faulty { seed, .. } => seed,
                Behaviour::NoReceipts => 0,
            };
            let mut rng = hoso_model::demo::Rng::new(seed);
            while !stop_flag.load(Ordering::SeqCst) {
                let Ok((client, _)) = listener.accept() else {
                    thread::sleep(std::time::Duration::from_millis(2));
                    continue;
                };
                let (roll, kind) = (rng.below(100), rng.below(4));
                let upstream = upstream.clone();
                let counter = counter.clone();
                thread::spawn(move || match behaviour {
                    Behaviour::Faulty {
                        percent, latency, ..
                    } => {
                        let fault = (roll < percent).then_some(kind);
                        relay_with_fault(client, &upstream, fault, latency, &counter)
                    }
                    Behaviour::NoReceipts => {
                        answer_pushes_without_receipts(client, &upstream, &counter)
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

/// Relays one request, or inflicts fault `fault` (0–3) on it.
fn relay_with_fault(
    mut client: TcpStream,
    upstream: &str,
    fault: Option<u64>,
    latency: std::time::Duration,
    counter: &AtomicU64,
) {
    let _ = client.set_nonblocking(false);
    let Some(request) = read_request(&mut client) else {
        return;
    };
    let request = close_after(&request);
    let Some(kind) = fault else {
        if let Some(response) = forward(upstream, &request) {
            thread::sleep(latency);
            let _ = client.write_all(&response);
        }
        return;
    };
    counter.fetch_add(1, Ordering::SeqCst);
    match kind {
        // dropped before the server saw it
        0 => {}
        // the server handled it but the answer was lost
        1 => {
            let _ = forward(upstream, &request);
        }
        // sent twice; the client sees the second answer
        2 => {
            let _ = forward(upstream, &request);
            if let Some(response) = forward(upstream, &request) {
                let _ = client.write_all(&response);
            }
        }
        // cut mid-body
        _ => {
            if let Ok(mut server) = TcpStream::connect(upstream) {
                let _ = server.write_all(&request[..request.len() / 2]);
            }
        }
    }
}

fn answer_pushes_without_receipts(mut client: TcpStream, upstream: &str, counter: &AtomicU64) {
    let _ = client.set_nonblocking(false);
    let Some(request) = read_request(&mut client) else {
        return;
    };
    if !request.starts_with(b"POST /v1/push ") {
        if let Some(response) = forward(upstream, &close_after(&request)) {
            let _ = client.write_all(&response);
        }
        return;
    }
    counter.fetch_add(1, Ordering::SeqCst);
    let body = format!(
        "{{\"receipts\": [], \"server_time_millis\": {}}}",
        hoso_model::hlc::system_now_millis()
    );
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = client.write_all(response.as_bytes());
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

/// A loopback proxy with the bandwidth of a 2G link, both ways: every byte of requests and answers
/// (headers included) is paced to `bits_per_second` and counted, so a benchmark reads the bytes a
/// photo really costs on the wire. With `cut_percent`, that share of requests is cut at a random point
/// of its body, as a village network cuts an upload; the client gets no answer.
pub struct ThrottledProxy {
    pub url: String,
    stop: Arc<AtomicBool>,
    /// Bytes sent towards the server (requests) and towards the client (answers).
    pub bytes_up: Arc<AtomicU64>,
    pub bytes_down: Arc<AtomicU64>,
    pub cuts: Arc<AtomicU64>,
}

/// Writes `bytes` no faster than `bits_per_second`, in slices of about 10 ms of the link.
fn paced_write(stream: &mut TcpStream, bytes: &[u8], bits_per_second: u64) -> std::io::Result<()> {
    let slice = (bits_per_second / 8 / 100).max(64) as usize;
    let started = std::time::Instant::now();
    let mut sent = 0usize;
    for piece in bytes.chunks(slice) {
        stream.write_all(piece)?;
        sent += piece.len();
        let due = std::time::Duration::from_secs_f64(sent as f64 * 8.0 / bits_per_second as f64);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            thread::sleep(wait);
        }
    }
    Ok(())
}

impl ThrottledProxy {
    pub fn start(upstream: String, bits_per_second: u64, cut_percent: u64, seed: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let proxy = ThrottledProxy {
            url: format!("http://{}", listener.local_addr().expect("address")),
            stop: Arc::new(AtomicBool::new(false)),
            bytes_up: Arc::new(AtomicU64::new(0)),
            bytes_down: Arc::new(AtomicU64::new(0)),
            cuts: Arc::new(AtomicU64::new(0)),
        };
        let (stop, up, down, cuts) = (
            proxy.stop.clone(),
            proxy.bytes_up.clone(),
            proxy.bytes_down.clone(),
            proxy.cuts.clone(),
        );
        thread::spawn(move || {
            let mut rng = hoso_model::demo::Rng::new(seed);
            while !stop.load(Ordering::SeqCst) {
                let Ok((mut client, _)) = listener.accept() else {
                    thread::sleep(std::time::Duration::from_millis(2));
                    continue;
                };
                let cut = (rng.below(100) < cut_percent).then(|| rng.below(1000));
                let (upstream, up, down, cuts) =
                    (upstream.clone(), up.clone(), down.clone(), cuts.clone());
                thread::spawn(move || {
                    let _ = client.set_nonblocking(false);
                    let Some(request) = read_request(&mut client) else {
                        return;
                    };
                    let request = close_after(&request);
                    let Ok(mut server) = TcpStream::connect(&upstream) else {
                        return;
                    };
                    if let Some(permille) = cut {
                        let head = request
                            .windows(4)
                            .position(|w| w == b"\r\n\r\n")
                            .map_or(0, |p| p + 4);
                        let at = head + (request.len() - head) * permille as usize / 1000;
                        let _ = paced_write(&mut server, &request[..at], bits_per_second);
                        up.fetch_add(at as u64, Ordering::SeqCst);
                        cuts.fetch_add(1, Ordering::SeqCst);
                        return;
                    }
                    if paced_write(&mut server, &request, bits_per_second).is_err() {
                        return;
                    }
                    up.fetch_add(request.len() as u64, Ordering::SeqCst);
                    let mut response = Vec::new();
                    if server.read_to_end(&mut response).is_ok() {
                        down.fetch_add(response.len() as u64, Ordering::SeqCst);
                        let _ = paced_write(&mut client, &response, bits_per_second);
                    }
                });
            }
        });
        proxy
    }

    /// Bytes both ways so far.
    pub fn bytes(&self) -> u64 {
        self.bytes_up.load(Ordering::SeqCst) + self.bytes_down.load(Ordering::SeqCst)
    }
}

impl Drop for ThrottledProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
