//! Harness for end-to-end tests and the simulator: a real `hoso-server` process on loopback with its
//! own data folder, and real hoso-core devices (each its own encrypted database) enrolled against it.

use hoso_core::app::App;
use hoso_model::area::{Area, AreaKind};
use hoso_model::protocol::{CreateArea, CreateUser, CreatedUser, IssueCode, IssuedCode};
use hoso_model::role::Role;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The `hoso-server` binary next to this test's executable (cargo builds it for the workspace), or
/// `HOSO_SERVER_BIN`.
pub fn server_binary() -> PathBuf {
    if let Ok(path) = std::env::var("HOSO_SERVER_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test knows its own path");
    let mut dir = exe.parent().map(Path::to_path_buf).unwrap_or_default();
    for _ in 0..3 {
        let candidate = dir.join("hoso-server");
        if candidate.exists() {
            return candidate;
        }
        dir = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    }
    let status = Command::new(env!("CARGO"))
        .args(["build", "-p", "hoso-server"])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building hoso-server failed");
    exe.parent()
        .and_then(Path::parent)
        .expect("target dir")
        .join("hoso-server")
}

/// reqwest is built without a default TLS provider (the core picks ring so it builds for phones).
fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// A running server; stopped (SIGKILL-free: the process is killed only when dropped) with its folder.
pub struct Server {
    pub url: String,
    pub admin_token: String,
    pub data: PathBuf,
    port: u16,
    child: Option<Child>,
    _dir: Option<tempfile::TempDir>,
}

impl Server {
    pub fn start() -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let mut server = Server::start_in(&data);
        server._dir = Some(dir);
        server
    }

    pub fn start_in(data: &Path) -> Server {
        install_tls_provider();
        let admin_token = admin_command(data, &["issue-admin-token"]);
        let port = free_port();
        let mut server = Server {
            url: format!("http://127.0.0.1:{port}"),
            admin_token,
            data: data.to_path_buf(),
            port,
            child: None,
            _dir: None,
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let child = Command::new(server_binary())
            .args(["serve", "--data"])
            .arg(&self.data)
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("hoso-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if reqwest::blocking::get(format!("{}/v1/health", self.url))
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("hoso-server did not answer on {}", self.url);
    }

    /// Stops the process (as a crash would) and starts it again on the same data and port.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn admin_post<B: serde::Serialize, T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> T {
        let response = reqwest::blocking::Client::new()
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.admin_token)
            .json(body)
            .send()
            .expect("admin request");
        assert!(
            response.status().is_success(),
            "admin {path}: {}",
            response.status()
        );
        response.json().expect("admin answer")
    }

    pub fn create_area(&self, kind: AreaKind, code: &str, name: &str) {
        let _: serde_json::Value = self.admin_post(
            "/v1/admin/areas",
            &CreateArea {
                kind,
                code: code.to_string(),
                name: name.to_string(),
            },
        );
    }

    /// Creates a user and returns a one-time enrollment code for them.
    pub fn user_code(&self, name: &str, role: Role, area: Area) -> String {
        let user: CreatedUser = self.admin_post(
            "/v1/admin/users",
            &CreateUser {
                name: name.to_string(),
                role,
                area,
            },
        );
        let code: IssuedCode = self.admin_post(
            "/v1/admin/enrollment-codes",
            &IssueCode {
                user_id: user.user_id,
            },
        );
        code.code
    }

    /// A new device (its own encrypted database) enrolled for a new user of the given role and area.
    pub fn device(&self, name: &str, role: Role, area: Area) -> Device {
        let code = self.user_code(name, role, area);
        let dir = tempfile::tempdir().expect("temp dir");
        let app = App::open(dir.path().join("device.db"), &device_key(name)).expect("device store");
        app.sync.enroll(&self.url, &code, name).expect("enrollment");
        Device { app, _dir: dir }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

pub fn admin_command(data: &Path, args: &[&str]) -> String {
    let output = Command::new(server_binary())
        .args(["admin", "--data"])
        .arg(data)
        .args(args)
        .output()
        .expect("hoso-server admin runs");
    assert!(
        output.status.success(),
        "admin {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// A deterministic 32-byte key per device name (tests only; phones get theirs from the keystore).
pub fn device_key(name: &str) -> String {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    (0..32)
        .map(|i| {
            for b in name.bytes().chain([i as u8]) {
                state = (state ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
            format!("{:02x}", (state >> 24) as u8)
        })
        .collect()
}

/// A device: its own encrypted store in a temporary folder, with the case actions and sync client the
/// apps hold (reached through `Deref`: `device.cases`, `device.sync`, `device.store`).
pub struct Device {
    pub app: App,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for Device {
    type Target = App;

    fn deref(&self) -> &App {
        &self.app
    }
}

pub fn commune(code: &str) -> Area {
    Area {
        kind: AreaKind::Commune,
        code: code.to_string(),
    }
}

pub fn province(code: &str) -> Area {
    Area {
        kind: AreaKind::Province,
        code: code.to_string(),
    }
}

pub mod faults;
pub mod sim;
pub mod tls;

impl Server {
    /// A server someone else runs: only its URL and an admin token.
    pub fn connect(url: &str, admin_token: &str) -> Server {
        install_tls_provider();
        Server {
            url: url.trim_end_matches('/').to_string(),
            admin_token: admin_token.to_string(),
            data: PathBuf::new(),
            port: 0,
            child: None,
            _dir: None,
        }
    }
}
