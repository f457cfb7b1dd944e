//! Harness for end-to-end tests and the simulator: real `hoso-server` processes on loopback with their
//! own database, and real hoso-core devices (each its own encrypted database) enrolled against them.
//!
//! The database is the embedded SQLite file of a temporary data folder, or, when the test command sets
//! `HOSO_TEST_DATABASE_URL` (or the simulator is given `--database`), a scratch PostgreSQL database on
//! that server, which several server processes can share (`ServerOptions::processes`).

use hoso_core::app::App;
use hoso_model::area::{Area, AreaKind};
use hoso_model::protocol::{CreateArea, CreateUser, CreatedUser, IssueCode, IssuedCode};
use hoso_model::role::Role;
use hoso_server::storage::postgres::scratch::{ScratchDatabase, TEST_DATABASE_ENV};
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

/// Where the servers keep their data.
#[derive(Clone, Debug, Default)]
pub enum Database {
    /// PostgreSQL when the test command sets `HOSO_TEST_DATABASE_URL`, else the embedded SQLite.
    #[default]
    FromEnvironment,
    /// The embedded SQLite file of a temporary data folder.
    Embedded,
    /// A scratch database of its own on this PostgreSQL server.
    Postgres(String),
}

/// Where the servers keep their data, how many processes serve it, and what else `serve` is told.
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    pub database: Database,
    /// Server processes on the one database (PostgreSQL only; at least 1).
    pub processes: usize,
    /// Extra `serve` arguments (a blob store, photo limits), kept for restarts.
    pub args: Vec<String>,
    /// Extra environment for `serve`, kept for restarts.
    pub env: Vec<(String, String)>,
}

/// One `hoso-server` process.
struct Process {
    port: u16,
    child: Option<Child>,
}

/// Running servers on one database; stopped (the processes killed) when dropped, with their data.
pub struct Server {
    /// The first process's address (`urls` has every process).
    pub url: String,
    pub urls: Vec<String>,
    pub admin_token: String,
    /// The data folder (the SQLite file, when the database is not PostgreSQL).
    pub data: PathBuf,
    /// The PostgreSQL database the servers share, if any.
    pub database_url: Option<String>,
    processes: Vec<Process>,
    _scratch: Option<ScratchDatabase>,
    _dir: Option<tempfile::TempDir>,
    options: ServerOptions,
}

impl Server {
    /// One server process on the test command's database (see the module's doc).
    pub fn start() -> Server {
        Server::start_with(&ServerOptions::default())
    }

    pub fn start_with(options: &ServerOptions) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let postgres = match &options.database {
            Database::FromEnvironment => std::env::var(TEST_DATABASE_ENV).ok(),
            Database::Embedded => None,
            Database::Postgres(url) => Some(url.clone()),
        };
        let scratch = postgres
            .map(|server| ScratchDatabase::create(&server).expect("a scratch PostgreSQL database"));
        let processes = options.processes.max(1);
        assert!(
            processes == 1 || scratch.is_some(),
            "several server processes share a PostgreSQL database"
        );
        let mut server = Server::start_in(&data, scratch, options.clone());
        server._dir = Some(dir);
        server
    }

    /// One process on an existing PostgreSQL database whose admin token is known (a migrated one),
    /// with the data folder that holds the server's key, and `options`' `serve` arguments.
    pub fn start_on_database(
        url: &str,
        admin_token: &str,
        data: &Path,
        options: ServerOptions,
    ) -> Server {
        install_tls_provider();
        let port = free_port();
        let mut server = Server {
            url: format!("http://127.0.0.1:{port}"),
            urls: vec![format!("http://127.0.0.1:{port}")],
            admin_token: admin_token.to_string(),
            data: data.to_path_buf(),
            database_url: Some(url.to_string()),
            processes: vec![Process { port, child: None }],
            _scratch: None,
            _dir: None,
            options,
        };
        server.spawn(0);
        server
    }

    fn start_in(data: &Path, scratch: Option<ScratchDatabase>, options: ServerOptions) -> Server {
        install_tls_provider();
        let ports: Vec<u16> = (0..options.processes.max(1)).map(|_| free_port()).collect();
        let mut server = Server {
            url: format!("http://127.0.0.1:{}", ports[0]),
            urls: ports
                .iter()
                .map(|port| format!("http://127.0.0.1:{port}"))
                .collect(),
            admin_token: String::new(),
            data: data.to_path_buf(),
            database_url: scratch.as_ref().map(|s| s.url.clone()),
            processes: ports
                .into_iter()
                .map(|port| Process { port, child: None })
                .collect(),
            _scratch: scratch,
            _dir: None,
            options,
        };
        server.admin_token = server.admin_command(&["issue-admin-token"]);
        for index in 0..server.processes.len() {
            server.spawn(index);
        }
        server
    }

    /// The arguments that name this server's database, and its data folder (the SQLite file, or
    /// beside a PostgreSQL database the server's key and the photos' default blob store).
    fn database_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if !self.data.as_os_str().is_empty() {
            args.extend(["--data".into(), self.data.display().to_string()]);
        }
        if let Some(url) = &self.database_url {
            args.extend(["--database".into(), url.clone()]);
        }
        args
    }

    fn spawn(&mut self, index: usize) {
        let port = self.processes[index].port;
        let child = Command::new(server_binary())
            .arg("serve")
            .args(self.database_args())
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(&self.options.args)
            .envs(self.options.env.iter().cloned())
            .env("RUST_LOG", "warn")
            .env_remove("HOSO_DATABASE_URL")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("hoso-server starts");
        self.processes[index].child = Some(child);
        let url = &self.urls[index];
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if reqwest::blocking::get(format!("{url}/v1/health"))
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("hoso-server did not answer on {url}");
    }

    /// Stops every process (as a crash would) and starts them again on the same data and ports.
    pub fn restart(&mut self) {
        self.stop();
        for index in 0..self.processes.len() {
            self.spawn(index);
        }
    }

    pub fn stop(&mut self) {
        for process in &mut self.processes {
            if let Some(mut child) = process.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// Runs `hoso-server admin ARGS` on this server's database; its output.
    pub fn admin_command(&self, args: &[&str]) -> String {
        let output = Command::new(server_binary())
            .arg("admin")
            .args(self.database_args())
            .args(args)
            .env_remove("HOSO_DATABASE_URL")
            .output()
            .expect("hoso-server admin runs");
        assert!(
            output.status.success(),
            "admin {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// The answer to `SELECT count(*) …` (SQL both backends speak) on the server's database, read
    /// directly as an operator would.
    pub fn count(&self, sql: &str) -> i64 {
        match &self.database_url {
            Some(url) => {
                let mut client =
                    postgres::Client::connect(url, postgres::NoTls).expect("the test database");
                client.query_one(sql, &[]).expect("count").get(0)
            }
            None => self
                .open_sqlite(hoso_sqlite::connection::Access::ReadOnly)
                .query_row(sql, [], |r| r.get(0))
                .expect("count"),
        }
    }

    /// The embedded database file, opened with the server's key.
    fn open_sqlite(
        &self,
        access: hoso_sqlite::connection::Access,
    ) -> hoso_sqlite::connection::Connection {
        let key =
            std::fs::read_to_string(self.data.join("server.key")).expect("the server's key file");
        hoso_sqlite::connection::open(
            &self.data.join("hoso-server.db"),
            &hoso_sqlite::connection::Key::from_hex(key.trim()).expect("a hex key"),
            access,
            Duration::from_secs(5),
        )
        .expect("the server's file")
    }

    /// Changes the stored kind of a record's fields to one no server writes (a damaged database).
    /// Returns how many field rows changed.
    pub fn damage_record_kind(&self, record_id: &str) -> usize {
        let sql = "UPDATE field_state SET kind = 'không-rõ' WHERE record_id = ";
        match &self.database_url {
            Some(url) => {
                let mut client =
                    postgres::Client::connect(url, postgres::NoTls).expect("the test database");
                client
                    .execute(&format!("{sql}$1"), &[&record_id])
                    .expect("update") as usize
            }
            None => self
                .open_sqlite(hoso_sqlite::connection::Access::ReadWrite)
                .execute(&format!("{sql}?1"), [record_id])
                .expect("update"),
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
        self.device_on(0, name, role, area)
    }

    /// A new device enrolled through, and syncing with, process `index` (modulo their number).
    pub fn device_on(&self, index: usize, name: &str, role: Role, area: Area) -> Device {
        let code = self.user_code(name, role, area);
        let dir = tempfile::tempdir().expect("temp dir");
        let app = App::open(dir.path().join("device.db"), &device_key(name)).expect("device store");
        let url = &self.urls[index % self.urls.len()];
        app.sync.enroll(url, &code, name).expect("enrollment");
        Device { app, _dir: dir }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
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
pub mod load;
pub mod photo_sim;
pub mod photos;
pub mod s3;
pub mod sim;
pub mod tls;

impl Server {
    /// A server someone else runs: only its URL and an admin token.
    pub fn connect(url: &str, admin_token: &str) -> Server {
        install_tls_provider();
        let url = url.trim_end_matches('/').to_string();
        Server {
            urls: vec![url.clone()],
            url,
            admin_token: admin_token.to_string(),
            data: PathBuf::new(),
            database_url: None,
            processes: Vec::new(),
            _scratch: None,
            _dir: None,
            options: ServerOptions::default(),
        }
    }
}
