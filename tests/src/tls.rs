//! A loopback TLS front for the real server, which speaks plain HTTP behind a reverse proxy in
//! production: it terminates TLS with a certificate for 127.0.0.1 issued by a [`TestAuthority`], then
//! forwards each request as [`crate::faults`] does. A device that trusts the authority syncs over
//! HTTPS; a device that trusts only its platform's authorities refuses the certificate, as it would
//! a forged one.

use crate::faults::{close_after, forward, read_request};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

/// A certificate authority made for one test.
pub struct TestAuthority {
    issuer: Issuer<'static, KeyPair>,
    /// The authority's own certificate, DER: what a device told to trust it is given.
    pub der: Vec<u8>,
}

impl Default for TestAuthority {
    fn default() -> TestAuthority {
        let key = KeyPair::generate().expect("a key for the test authority");
        let mut params = CertificateParams::new(Vec::new()).expect("authority parameters");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let certificate = params
            .self_signed(&key)
            .expect("the authority signs itself");
        TestAuthority {
            der: certificate.der().to_vec(),
            issuer: Issuer::new(params, key),
        }
    }
}

impl TestAuthority {
    /// A server certificate for 127.0.0.1 and its key.
    fn issue_for_loopback(&self) -> (CertificateDer<'static>, PrivateKeyDer<'static>) {
        let key = KeyPair::generate().expect("a server key");
        let certificate = CertificateParams::new(vec!["127.0.0.1".to_string()])
            .expect("server parameters")
            .signed_by(&key, &self.issuer)
            .expect("the authority signs the server");
        (
            certificate.der().clone(),
            PrivatePkcs8KeyDer::from(key.serialize_der()).into(),
        )
    }
}

/// The TLS front; stops accepting when dropped.
pub struct TlsFront {
    pub url: String,
    stop: Arc<AtomicBool>,
}

impl TlsFront {
    /// Listens on loopback and forwards to `upstream` (host:port) with a certificate from `authority`.
    pub fn start(upstream: String, authority: &TestAuthority) -> TlsFront {
        let (certificate, key) = authority.issue_for_loopback();
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(vec![certificate], key)
        .expect("the server certificate fits its key");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        listener.set_nonblocking(true).expect("non-blocking accept");
        let url = format!("https://{}", listener.local_addr().expect("address"));
        let stop = Arc::new(AtomicBool::new(false));
        let stop_flag = stop.clone();
        thread::spawn(move || {
            while !stop_flag.load(Ordering::SeqCst) {
                let Ok((client, _)) = listener.accept() else {
                    thread::sleep(Duration::from_millis(2));
                    continue;
                };
                let (config, upstream) = (config.clone(), upstream.clone());
                thread::spawn(move || {
                    let _ = client.set_nonblocking(false);
                    let connection = rustls::ServerConnection::new(config).expect("a TLS session");
                    let mut stream = rustls::StreamOwned::new(connection, client);
                    // A client that refuses the certificate ends the handshake here.
                    let Some(request) = read_request(&mut stream) else {
                        return;
                    };
                    if let Some(response) = forward(&upstream, &close_after(&request)) {
                        let _ = stream.write_all(&response);
                        stream.conn.send_close_notify();
                        let _ = stream.flush();
                    }
                });
            }
        });
        TlsFront { url, stop }
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
