//! The server's body path as a device reaches it: `POST /v1/push` (plain or zstd) through the real
//! router — size limit, decompression, strict JSON, vetting (shape, clock, author, policy, scope),
//! merging into SQLite — then a pull of what changed, decoded as a device decodes it.
//!
//! One server (a SQLite file in a temporary folder) lives for the whole run: a database per input would
//! cost more than the push itself. The input's first byte says whether the body is zstd; in the rest,
//! `@U` stands for the enrolled user's id (ops must carry it as their author to get past the author
//! check), and the device id is [`DEVICE_ID`].
//!
//! Checked: no input makes the server answer 5xx; every error has the documented body; a push is answered
//! with one receipt per op, in order; whatever was accepted is pulled back in a form the device decodes.
#![no_main]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use hoso_model::area::{Area, AreaKind};
use hoso_model::hlc::system_now_millis;
use hoso_model::protocol::{ErrorBody, PullResponse, PushRequest, PushResponse};
use hoso_model::role::Role;
use hoso_server::storage::{SqliteStorage, Storage};
use hoso_sqlite::connection::Key;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, Mutex, OnceLock};
use tower::ServiceExt;

const DEVICE_ID: &str = "0190a0b0-0000-7000-8000-00000000d001";

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: Router,
    token: String,
    user_id: String,
    cursor: Mutex<u64>,
    _dir: tempfile::TempDir,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let dir = tempfile::tempdir_in("/dev/shm")
            .or_else(|_| tempfile::tempdir())
            .expect("a temporary folder");
        let key = Key::from_hex(&"7".repeat(64)).expect("a 32-byte key");
        let storage =
            SqliteStorage::open(&dir.path().join("fuzz.db"), &key).expect("a server database");
        let commune = Area {
            kind: AreaKind::Commune,
            code: "25920".into(),
        };
        for (area, name) in [
            (commune.clone(), "Phường Tân Hiệp"),
            (
                Area {
                    kind: AreaKind::Commune,
                    code: "27544".into(),
                },
                "Xã Bình Mỹ",
            ),
            (
                Area {
                    kind: AreaKind::Province,
                    code: "79".into(),
                },
                "Thành phố Hồ Chí Minh",
            ),
        ] {
            storage.create_area(&area, name).expect("area");
        }
        let now = system_now_millis();
        let user_id = storage
            .create_user("Lan", Role::Collaborator, &commune)
            .expect("user");
        let (code, _) = storage.issue_code(&user_id, now).expect("code");
        let token = storage
            .enroll(&code, DEVICE_ID, "fuzz", now)
            .expect("enrollment")
            .token;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        Harness {
            runtime,
            router: hoso_server::api::router(Arc::new(storage)),
            token,
            user_id,
            cursor: Mutex::new(0),
            _dir: dir,
        }
    })
}

fn replace(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(at) = rest.windows(from.len()).position(|w| w == from) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(to);
        rest = &rest[at + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

impl Harness {
    fn send(&self, request: Request<Body>) -> (u16, Vec<u8>) {
        self.runtime.block_on(async {
            let response: Response<Body> = self
                .router
                .clone()
                .oneshot(request)
                .await
                .expect("the router is infallible");
            let status = response.status().as_u16();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("a response body is readable");
            (status, body.to_vec())
        })
    }

    fn push(&self, zstd: bool, body: Vec<u8>) -> (u16, Vec<u8>) {
        let mut request = Request::post("/v1/push")
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json");
        if zstd {
            request = request.header("content-encoding", "zstd");
        }
        self.send(request.body(Body::from(body)).expect("a request"))
    }

    /// Pulls everything new since the last pull; every page must decode as a device decodes it.
    fn pull_new(&self) {
        let mut cursor = self.cursor.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let request = Request::get(format!("/v1/pull?cursor={}&limit=20000", *cursor))
                .header("authorization", format!("Bearer {}", self.token))
                .body(Body::empty())
                .expect("a request");
            let (status, body) = self.send(request);
            assert_eq!(
                status,
                200,
                "a pull after a push: {}",
                String::from_utf8_lossy(&body)
            );
            let page: PullResponse = serde_json::from_slice(&body)
                .expect("the server serves only pages a device can decode");
            *cursor = page.next_cursor;
            if !page.has_more {
                return;
            }
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&flags, body)) = input.split_first() else {
        return;
    };
    let harness = harness();
    let zstd = flags & 1 == 1;
    let body = if zstd {
        body.to_vec()
    } else {
        replace(body, b"@U", harness.user_id.as_bytes())
    };
    let sent: Option<PushRequest> = if zstd {
        None
    } else {
        serde_json::from_slice(&body).ok()
    };
    let (status, answer) = harness.push(zstd, body);
    assert!(status < 500, "the server failed on an input: {status}");
    if status != 200 {
        let error: ErrorBody =
            serde_json::from_slice(&answer).expect("every error has the documented body");
        assert!(!error.message.vi.is_empty() && !error.message.en.is_empty());
        return;
    }
    let response: PushResponse = serde_json::from_slice(&answer).expect("a push answer");
    if let Some(sent) = sent {
        let receipts: Vec<&str> = response.receipts.iter().map(|r| r.op_id.as_str()).collect();
        let ops: Vec<&str> = sent.ops.iter().map(|o| o.op_id.as_str()).collect();
        assert_eq!(receipts, ops, "one receipt per op, in order");
    }
    harness.pull_new();
});
