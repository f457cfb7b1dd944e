//! A loopback HTTP proxy that misbehaves like a village network: it drops requests (before or after the
//! server saw them), sends them twice, or cuts them mid-body; or it is merely slow; or it stands for a
//! misbehaving server that answers pushes without receipts. One request per connection.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;

pub struct FaultyProxy {
    pub url: String,
    stop: Arc<AtomicBool>,
    pub injected: Arc<AtomicU64>,
}

fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
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
fn close_after(request: &[u8]) -> Vec<u8> {
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

fn forward(upstream: &str, request: &[u8]) -> Option<Vec<u8>> {
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
