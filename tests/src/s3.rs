//! A real S3-compatible server for the tests: moto's (`pip install 'moto[server]'`, which
//! `scripts/test-all` installs when missing), started on a free loopback port with a bucket of its
//! own, and the `hoso-server serve` options that put photos there.

use crate::ServerOptions;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    child: Child,
}

/// Credentials moto accepts (it checks none); the server reads them from the standard variables.
const ACCESS_KEY: &str = "hoso-test";
const SECRET_KEY: &str = "hoso-test-secret";

impl S3Server {
    /// Starts `moto_server` and creates `bucket`. Panics with how to install moto when it is missing.
    pub fn start(bucket: &str) -> S3Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server runs (pip install 'moto[server]'; scripts/test-all installs it)");
        let server = S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            bucket: bucket.to_string(),
            child,
        };
        server.wait_and_create_bucket();
        server
    }

    fn wait_and_create_bucket(&self) {
        let client = reqwest::blocking::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(response) = client
                .put(format!("{}/{}", self.endpoint, self.bucket))
                .send()
                && response.status().is_success()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("moto_server did not answer on {}", self.endpoint);
    }

    /// `serve` options that keep photos in this server's bucket.
    pub fn serve_options(&self) -> ServerOptions {
        ServerOptions {
            args: vec![
                "--blob-store".into(),
                format!(
                    "s3://{}?endpoint={}&region=us-east-1&allow_http=true",
                    self.bucket, self.endpoint
                ),
            ],
            env: vec![
                ("AWS_ACCESS_KEY_ID".into(), ACCESS_KEY.into()),
                ("AWS_SECRET_ACCESS_KEY".into(), SECRET_KEY.into()),
            ],
            ..ServerOptions::default()
        }
    }

    /// The keys of every object in the bucket (ListObjectsV2, unsigned: moto checks no signature).
    pub fn object_keys(&self) -> Vec<String> {
        let body = reqwest::blocking::get(format!(
            "{}/{}?list-type=2&max-keys=1000",
            self.endpoint, self.bucket
        ))
        .and_then(|r| r.text())
        .expect("the bucket lists");
        body.split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(str::to_string)
            .collect()
    }

    /// The stored bytes of one object, as the object store's operator would see them.
    pub fn object(&self, key: &str) -> Vec<u8> {
        reqwest::blocking::get(format!("{}/{}/{key}", self.endpoint, self.bucket))
            .and_then(|r| r.bytes())
            .expect("the object reads")
            .to_vec()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
