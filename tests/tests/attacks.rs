//! The server tried from outside, as an attacker would: an enrolled device's own token used by hand
//! (raw HTTP, bodies written out as JSON) against the real `hoso-server` binary. Every attempt is
//! refused — per op with a receipt code, or whole with the documented `{code, message{vi, en}}` body —
//! and changes nothing that any device of any area pulls afterwards.

use hoso_core::actions::NewCase;
use hoso_core::store::meta_keys::{AREA, DEVICE_TOKEN};
use hoso_model::area::AreaKind;
use hoso_model::hlc::{node_of, system_now_millis};
use hoso_model::op::new_id;
use hoso_model::protocol::compress;
use hoso_model::role::Role;
use hoso_tests::{Device, Server, commune, province};
use reqwest::Method;
use reqwest::blocking::{Client, Response};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};

/// Two communes of Hồ Chí Minh City and one of Hà Nội (QĐ 19/2025).
const TAN_HIEP: &str = "25920";
const BINH_MY: &str = "27544";
const HCM: &str = "79";
const BA_DINH: &str = "00004";
const HA_NOI: &str = "01";

fn setup() -> Server {
    let server = Server::start();
    server.create_area(AreaKind::Commune, TAN_HIEP, "Phường Tân Hiệp");
    server.create_area(AreaKind::Commune, BINH_MY, "Xã Bình Mỹ");
    server.create_area(AreaKind::Province, HCM, "Thành phố Hồ Chí Minh");
    server.create_area(AreaKind::Commune, BA_DINH, "Phường Ba Đình");
    server.create_area(AreaKind::Province, HA_NOI, "Thành phố Hà Nội");
    server
}

/// A device's credentials in an attacker's hands: ops and requests are built by hand.
struct Hand {
    url: String,
    token: String,
    device_id: String,
    user_id: String,
    counter: AtomicU32,
}

impl Hand {
    fn of(server: &Server, device: &Device) -> Hand {
        let identity = device.store.identity();
        Hand {
            url: server.url.clone(),
            token: token(device),
            device_id: identity.device_id,
            user_id: identity.user_id.expect("an enrolled device knows its user"),
            counter: AtomicU32::new(0),
        }
    }

    /// A well-formed op of this device, stamped now.
    fn op(&self, record: &str, kind: &str, field: &str, value: Value) -> Value {
        json!({
            "op_id": new_id(),
            "record_id": record,
            "kind": kind,
            "field": field,
            "value": value,
            "hlc": {
                "millis": system_now_millis(),
                "counter": self.counter.fetch_add(1, Ordering::SeqCst),
                "node": node_of(&self.device_id),
            },
            "device_id": self.device_id,
            "author": self.user_id,
        })
    }

    /// The ops that create a case placed by these area fields (`None`: the field is left out).
    fn new_case(&self, id: &str, commune: Option<&str>, province: Option<&str>) -> Vec<Value> {
        let mut ops = Vec::new();
        if let Some(commune) = commune {
            ops.push(self.op(id, "case", "commune_code", json!(commune)));
        }
        if let Some(province) = province {
            ops.push(self.op(id, "case", "province_code", json!(province)));
        }
        ops.push(self.op(id, "case", "status", json!("intake")));
        ops.push(self.op(id, "case", "categories", json!(["ND20-D5-K5-a"])));
        ops
    }

    fn request(&self, method: Method, path: &str) -> reqwest::blocking::RequestBuilder {
        Client::new()
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(&self.token)
    }

    fn push_bytes(&self, body: Vec<u8>) -> Response {
        self.request(Method::POST, "/v1/push")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .expect("the server answers")
    }

    /// Pushes `ops` and returns, per op, `accepted`, `duplicate` or the code it was rejected with.
    fn push(&self, ops: &[Value]) -> Vec<String> {
        let response = self.push_bytes(serde_json::to_vec(&json!({ "ops": ops })).unwrap());
        assert_eq!(response.status(), 200, "a well-formed push is answered");
        let answer: Value = response.json().unwrap();
        let receipts = answer["receipts"].as_array().unwrap();
        assert_eq!(receipts.len(), ops.len(), "one receipt per op");
        receipts
            .iter()
            .map(|r| {
                if r["status"] == "rejected" {
                    let reason = &r["reason"];
                    assert!(
                        is_text(&reason["vi"]) && is_text(&reason["en"]),
                        "a rejection says why in both languages: {r}"
                    );
                    r["code"].as_str().unwrap().to_string()
                } else {
                    r["status"].as_str().unwrap().to_string()
                }
            })
            .collect()
    }
}

fn token(device: &Device) -> String {
    device.store.meta(DEVICE_TOKEN).unwrap().unwrap()
}

fn is_text(value: &Value) -> bool {
    value.as_str().is_some_and(|s| !s.trim().is_empty())
}

fn all(code: &str, n: usize) -> Vec<String> {
    vec![code.to_string(); n]
}

/// Asserts the documented error: the status, the code, and a body of exactly `code`, a message in
/// Vietnamese and English, and the request's id.
fn assert_refused(response: Response, status: u16, code: &str, attempt: &str) {
    assert_eq!(response.status(), status, "{attempt}");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or_default().to_string());
    assert_eq!(
        content_type.as_deref(),
        Some("application/json"),
        "{attempt}"
    );
    let body: Value = response.json().expect(attempt);
    assert_eq!(body["code"], code, "{attempt}: {body}");
    let message = body["message"].as_object().expect(attempt);
    let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["code", "message", "request_id"], "{attempt}: {body}");
    assert!(body["request_id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(message.len(), 2, "{attempt}: {body}");
    assert!(
        is_text(&message["vi"]) && is_text(&message["en"]),
        "{attempt}: {body}"
    );
}

/// Everything the watchers' devices pull from scratch: the whole of each area as the server holds it.
fn world(server: &Server, watchers: &[&Device]) -> Vec<Value> {
    watchers
        .iter()
        .map(|device| {
            let mut page: Value = Client::new()
                .get(format!("{}/v1/pull?cursor=0&limit=20000", server.url))
                .bearer_auth(token(device))
                .send()
                .unwrap()
                .json()
                .unwrap();
            assert_eq!(page["has_more"], false, "one page holds the test's world");
            let fields = page.as_object_mut().unwrap();
            fields.remove("server_time_millis");
            // The area's devices (an overseer's last page) say when each last synced: every pull
            // changes that, and no attack is needed to.
            fields.remove("devices");
            page
        })
        .collect()
}

/// A device of every area the tests use: what each pulls is what an attack could have changed.
struct Watchers {
    tan_hiep: Device,
    binh_my: Device,
    ba_dinh: Device,
    hcm_officer: Device,
    ha_noi_officer: Device,
}

impl Watchers {
    fn enroll(server: &Server) -> Watchers {
        Watchers {
            tan_hiep: server.device("w-tan-hiep", Role::Collaborator, commune(TAN_HIEP)),
            binh_my: server.device("w-binh-my", Role::Collaborator, commune(BINH_MY)),
            ba_dinh: server.device("w-ba-dinh", Role::Collaborator, commune(BA_DINH)),
            hcm_officer: server.device("w-so-79", Role::ProvincialOfficer, province(HCM)),
            ha_noi_officer: server.device("w-so-01", Role::ProvincialOfficer, province(HA_NOI)),
        }
    }

    fn world(&self, server: &Server) -> Vec<Value> {
        world(
            server,
            &[
                &self.tan_hiep,
                &self.binh_my,
                &self.ba_dinh,
                &self.hcm_officer,
                &self.ha_noi_officer,
            ],
        )
    }
}

fn records(page: &Value) -> usize {
    page["records"].as_array().unwrap().len()
}

/// A real case opened on the device (subject, case, visit) and pushed.
fn open_case(device: &Device, name: &str) -> String {
    let subject = device
        .cases
        .register_person(
            None,
            serde_json::from_value(json!({"full_name": name, "birth_date": "1950-02-03"})).unwrap(),
        )
        .unwrap();
    let case_id = device
        .cases
        .open_case(NewCase {
            subject_id: subject.record_id,
            household_id: None,
            commune_code: device_commune(device),
            province_code: HCM.into(),
            facility_id: None,
            categories: vec!["ND20-D5-K5-a".into()],
        })
        .unwrap();
    device
        .cases
        .record_visit(
            &case_id,
            serde_json::from_value(
                json!({"visit_date": "2026-01-10", "met_with": ["subject"], "observations": "Ổn định"}),
            )
            .unwrap(),
        )
        .unwrap();
    device.sync.sync_now().unwrap();
    case_id
}

fn device_commune(device: &Device) -> String {
    let area: Value = serde_json::from_str(&device.store.meta(AREA).unwrap().unwrap()).unwrap();
    area["code"].as_str().unwrap().to_string()
}

#[test]
fn a_commune_device_cannot_plant_a_case_or_household_placed_only_by_a_province() {
    let server = setup();
    let watchers = Watchers::enroll(&server);
    let lan = server.device("lan", Role::Collaborator, commune(TAN_HIEP));
    let hand = Hand::of(&server, &lan);
    let before = watchers.world(&server);
    for province_code in [HCM, HA_NOI] {
        let case = new_id();
        let ops = hand.new_case(&case, None, Some(province_code));
        assert_eq!(
            hand.push(&ops),
            all("out_of_scope", ops.len()),
            "a case in province {province_code} with no commune"
        );
        let household = new_id();
        let ops = vec![
            hand.op(
                &household,
                "household",
                "province_code",
                json!(province_code),
            ),
            hand.op(&household, "household", "address", json!("Số 1")),
        ];
        assert_eq!(
            hand.push(&ops),
            all("out_of_scope", ops.len()),
            "a household in province {province_code} with no commune"
        );
    }
    let after = watchers.world(&server);
    assert_eq!(before, after, "no area pulls anything new");
    assert_eq!(
        records(&after[3]) + records(&after[4]),
        0,
        "neither province's officers pull a planted record"
    );
}

#[test]
fn a_case_pushed_with_a_foreign_commune_and_a_province_is_refused_whole() {
    let server = setup();
    let watchers = Watchers::enroll(&server);
    let lan = server.device("lan", Role::Collaborator, commune(TAN_HIEP));
    let hand = Hand::of(&server, &lan);
    let before = watchers.world(&server);
    for (commune_code, province_code) in [(BINH_MY, HCM), (BA_DINH, HA_NOI)] {
        let ops = hand.new_case(&new_id(), Some(commune_code), Some(province_code));
        assert_eq!(
            hand.push(&ops),
            all("out_of_scope", ops.len()),
            "commune {commune_code} and province {province_code}: neither field is taken alone"
        );
    }
    assert_eq!(before, watchers.world(&server));
    let (cases, logged) = (
        server.count("SELECT count(*) FROM record WHERE kind = 'case'"),
        server.count("SELECT count(*) FROM op_log"),
    );
    assert_eq!(
        (cases, logged),
        (0, 0),
        "no case (with or without a commune) and no op is left on the server"
    );
}

#[test]
fn a_case_in_its_own_commune_but_another_province_is_a_bad_area() {
    let server = setup();
    let watchers = Watchers::enroll(&server);
    let lan = server.device("lan", Role::Collaborator, commune(TAN_HIEP));
    let hand = Hand::of(&server, &lan);
    let before = watchers.world(&server);
    let ops = hand.new_case(&new_id(), Some(TAN_HIEP), Some(HA_NOI));
    assert_eq!(hand.push(&ops), all("bad_area", ops.len()));
    let ops = hand.new_case(&new_id(), Some(TAN_HIEP), Some("99"));
    assert_eq!(
        hand.push(&ops),
        all("bad_area", ops.len()),
        "a province that does not exist"
    );
    assert_eq!(before, watchers.world(&server));
}

#[test]
fn a_visit_or_form_pointing_at_another_communes_case_is_refused() {
    let server = setup();
    let watchers = Watchers::enroll(&server);
    let lan = server.device("lan", Role::Collaborator, commune(TAN_HIEP));
    let hoa = server.device("hoa", Role::Collaborator, commune(BINH_MY));
    let victim = open_case(&lan, "Lê Thị Hồng");
    let own = open_case(&hoa, "Trần Văn Phúc");
    let own_visit = hoa.cases.case_file(&own).unwrap().visits[0].id.clone();
    let hand = Hand::of(&server, &hoa);
    let before = watchers.world(&server);
    let visit = new_id();
    let ops = vec![
        hand.op(&visit, "visit", "case_id", json!(victim)),
        hand.op(&visit, "visit", "a.observations", json!("Đã gặp")),
    ];
    assert_eq!(hand.push(&ops), all("out_of_scope", 2), "a new visit");
    let form = new_id();
    let ops = vec![
        hand.op(&form, "form", "case_id", json!(victim)),
        hand.op(&form, "form", "form_id", json!("M02")),
        hand.op(&form, "form", "status", json!("submitted")),
    ];
    assert_eq!(hand.push(&ops), all("out_of_scope", 3), "a new form");
    assert_eq!(
        hand.push(&[hand.op(&own_visit, "visit", "case_id", json!(victim))]),
        all("out_of_scope", 1),
        "its own visit moved under the other commune's case"
    );
    assert_eq!(before, watchers.world(&server));
    lan.sync.sync_now().unwrap();
    assert_eq!(lan.cases.case_file(&victim).unwrap().visits.len(), 1);
}

#[test]
fn a_person_linked_to_another_areas_household_is_refused() {
    let server = setup();
    let watchers = Watchers::enroll(&server);
    let lan = server.device("lan", Role::Collaborator, commune(TAN_HIEP));
    let hoa = server.device("hoa", Role::Collaborator, commune(BINH_MY));
    let household = lan
        .cases
        .register_household(
            serde_json::from_value(
                json!({"commune_code": TAN_HIEP, "province_code": HCM, "address": "Số 5"}),
            )
            .unwrap(),
        )
        .unwrap();
    let victim = open_case(&lan, "Phạm Thị Lan");
    let victim_subject = lan.cases.case_file(&victim).unwrap().subject.unwrap().id;
    let own = open_case(&hoa, "Đỗ Văn Sơn");
    let own_subject = hoa.cases.case_file(&own).unwrap().subject.unwrap().id;
    let hand = Hand::of(&server, &hoa);
    let before = watchers.world(&server);
    let person = new_id();
    let ops = vec![
        hand.op(&person, "person", "household_id", json!(household)),
        hand.op(&person, "person", "full_name", json!("Người Lạ")),
    ];
    assert_eq!(hand.push(&ops), all("out_of_scope", 2), "a new member");
    assert_eq!(
        hand.push(&[hand.op(&own_subject, "person", "household_id", json!(household))]),
        all("out_of_scope", 1),
        "its own subject moved into the other commune's household"
    );
    assert_eq!(
        hand.push(&[
            hand.op(&own, "case", "household_id", json!(household)),
            hand.op(&own, "case", "guardian_id", json!(victim_subject)),
        ]),
        all("out_of_scope", 2),
        "its own case adopting the other commune's household and person"
    );
    assert_eq!(before, watchers.world(&server));
}

#[test]
fn forged_ids_and_other_areas_records_are_refused_per_op() {
    let server = setup();
    let watchers = Watchers::enroll(&server);
    let lan = server.device("lan", Role::Collaborator, commune(TAN_HIEP));
    let hoa = server.device("hoa", Role::Collaborator, commune(BINH_MY));
    let victim = open_case(&lan, "Vũ Thị Thu");
    let hand = Hand::of(&server, &hoa);
    let lan_hand = Hand::of(&server, &lan);
    let before = watchers.world(&server);
    // A person: the one kind a push may create unplaced, so the op reaches the shape check.
    let mut not_a_uuid = hand.op("hồ-sơ-1", "person", "full_name", json!("Giả"));
    assert_eq!(hand.push(&[not_a_uuid.clone()]), all("bad_shape", 1));
    not_a_uuid["record_id"] = json!(new_id());
    not_a_uuid["op_id"] = json!("op-1");
    assert_eq!(
        hand.push(&[not_a_uuid]),
        all("bad_shape", 1),
        "a forged op id"
    );
    assert_eq!(
        hand.push(&[
            hand.op(&victim, "case", "status", json!("planning")),
            hand.op(&victim, "case", "_deleted", json!(true)),
            hand.op(&victim, "case", "commune_code", json!(BINH_MY)),
        ]),
        all("out_of_scope", 3),
        "the other commune's case: edited, deleted, moved here"
    );
    assert_eq!(
        hand.push(&[hand.op(&victim, "person", "full_name", json!("X"))]),
        all("bad_shape", 1),
        "the case's id under another kind"
    );
    let mut impersonation = lan_hand.op(&new_id(), "person", "full_name", json!("Giả"));
    assert_eq!(
        hand.push(&[impersonation.clone()]),
        all("not_allowed", 1),
        "an op claiming another device and user"
    );
    impersonation["device_id"] = json!(hand.device_id);
    assert_eq!(
        hand.push(&[impersonation]),
        all("not_allowed", 1),
        "an op claiming another user"
    );
    assert_eq!(before, watchers.world(&server));
}

#[test]
fn provincial_writes_and_a_collaborators_approvals_are_refused() {
    let server = setup();
    let watchers = Watchers::enroll(&server);
    let lan = server.device("lan", Role::Collaborator, commune(TAN_HIEP));
    let victim = open_case(&lan, "Hoàng Văn Nam");
    let officer = Hand::of(&server, &watchers.hcm_officer);
    let hand = Hand::of(&server, &lan);
    let form = new_id();
    let draft = vec![
        hand.op(&form, "form", "case_id", json!(victim)),
        hand.op(&form, "form", "form_id", json!("M02")),
        hand.op(&form, "form", "status", json!("submitted")),
    ];
    assert_eq!(
        hand.push(&draft),
        all("accepted", 3),
        "its own form, submitted"
    );
    let before = watchers.world(&server);
    let ops = [
        officer.op(&victim, "case", "status", json!("planning")),
        officer.op(&victim, "case", "manager_id", json!(officer.user_id)),
    ];
    let mut officer_case = officer.new_case(&new_id(), Some(TAN_HIEP), Some(HCM));
    officer_case.extend(ops);
    assert_eq!(
        officer.push(&officer_case),
        all("not_allowed", officer_case.len()),
        "a provincial officer reads and never writes"
    );
    let approvals = [
        hand.op(&form, "form", "status", json!("approved")),
        hand.op(&form, "form", "status", json!("returned")),
        hand.op(&form, "form", "approved_by", json!(hand.user_id)),
        hand.op(&form, "form", "approved_at", json!("2026-01-11")),
        hand.op(&form, "form", "a.signed_approver", json!("Lan")),
        hand.op(&victim, "case", "status", json!("closed")),
        hand.op(&victim, "case", "closed_on", json!("2026-01-11")),
    ];
    assert_eq!(
        hand.push(&approvals),
        all("not_allowed", approvals.len()),
        "a collaborator approves nothing"
    );
    let created = hand
        .request(Method::POST, "/v1/admin/users")
        .json(&json!({"name": "Kẻ Lạ", "role": "admin", "area": {"kind": "commune", "code": TAN_HIEP}}))
        .send()
        .unwrap();
    assert_refused(
        created,
        401,
        "unauthenticated",
        "a device token on the admin API",
    );
    assert_eq!(before, watchers.world(&server));
}

/// A zstd stream that decompresses to far more than the body limit.
fn zstd_bomb() -> Vec<u8> {
    let mut json = b"{\"ops\": [".to_vec();
    json.resize(20_000_000, b' ');
    compress(&json)
}

#[test]
fn requests_outside_the_protocol_get_the_documented_error_and_change_nothing() {
    let server = setup();
    let watchers = Watchers::enroll(&server);
    let lan = server.device("lan", Role::Collaborator, commune(TAN_HIEP));
    open_case(&lan, "Bùi Thị Mai");
    let hand = Hand::of(&server, &lan);
    let before = watchers.world(&server);

    let mut plain =
        serde_json::to_vec(&json!({"ops": [hand.op(&new_id(), "person", "note", json!("x"))]}))
            .unwrap();
    plain.splice(1..1, vec![b' '; 2_600_000]);
    assert_refused(hand.push_bytes(plain), 413, "bad_body", "a 2.6 MB body");
    let bomb = zstd_bomb();
    assert!(bomb.len() < 100_000, "the bomb itself is small");
    let response = hand
        .request(Method::POST, "/v1/push")
        .header("Content-Type", "application/json")
        .header("Content-Encoding", "zstd")
        .body(bomb)
        .send()
        .unwrap();
    assert_refused(response, 413, "bad_body", "a zstd bomb");
    let ops: Vec<Value> = (0..1001)
        .map(|_| hand.op(&new_id(), "person", "note", json!("x")))
        .collect();
    assert_refused(
        hand.push_bytes(serde_json::to_vec(&json!({ "ops": ops })).unwrap()),
        413,
        "too_many_ops",
        "1,001 ops",
    );
    for (body, attempt) in [
        (b"{\"ops\": [".to_vec(), "a cut body"),
        (b"ops=1".to_vec(), "not JSON"),
        (b"{\"ops\": {}}".to_vec(), "ops as an object"),
        (b"{}".to_vec(), "no ops"),
    ] {
        assert_refused(hand.push_bytes(body), 400, "bad_json", attempt);
    }

    let mut array_clock = hand.op(&new_id(), "person", "full_name", json!("Mảng"));
    let clock = array_clock["hlc"].clone();
    array_clock["hlc"] = json!([clock["millis"], clock["counter"], clock["node"]]);
    let mut array_superseded = hand.op(&new_id(), "person", "full_name", json!("Mảng"));
    array_superseded["supersedes"] = json!([[clock["millis"], 0, clock["node"]]]);
    let op = hand.op(&new_id(), "person", "full_name", json!("Mảng"));
    let array_op = json!([
        op["op_id"],
        op["record_id"],
        op["kind"],
        op["field"],
        op["value"],
        op["hlc"],
        [],
        op["device_id"],
        op["author"]
    ]);
    for (op, attempt) in [
        (array_clock, "an hlc sent as an array"),
        (array_superseded, "a superseded clock sent as an array"),
        (array_op, "an op sent as an array"),
    ] {
        let body = serde_json::to_vec(&json!({ "ops": [op] })).unwrap();
        assert_refused(hand.push_bytes(body), 400, "bad_json", attempt);
    }

    for (method, path, status, code) in [
        (Method::GET, "/v1/push", 405, "method_not_allowed"),
        (Method::DELETE, "/v1/pull", 405, "method_not_allowed"),
        (Method::PUT, "/v1/enroll", 405, "method_not_allowed"),
        (Method::GET, "/v1/pull?cursor=1&cursor=2", 400, "bad_cursor"),
        (Method::GET, "/v1/pull?limit=1&limit=2", 400, "bad_cursor"),
        (Method::GET, "/v1/pull?cursor=abc", 400, "bad_cursor"),
        (Method::GET, "/v1/records", 404, "not_found"),
        (Method::POST, "/v2/push", 404, "not_found"),
    ] {
        let attempt = format!("{method} {path}");
        assert_refused(
            hand.request(method, path).send().unwrap(),
            status,
            code,
            &attempt,
        );
    }
    let unauthenticated = Client::new()
        .post(format!("{}/v1/push", server.url))
        .body(serde_json::to_vec(&json!({"ops": []})).unwrap())
        .send()
        .unwrap();
    assert_refused(unauthenticated, 401, "unauthenticated", "no token");
    let forged = Client::new()
        .get(format!("{}/v1/pull", server.url))
        .bearer_auth("hoso-forged-token")
        .send()
        .unwrap();
    assert_refused(forged, 401, "unauthenticated", "a forged token");
    let enroll = Client::new()
        .post(format!("{}/v1/enroll", server.url))
        .body("{\"code\": [1]}")
        .send()
        .unwrap();
    assert_refused(enroll, 400, "bad_json", "an enrollment of the wrong shape");

    assert_eq!(before, watchers.world(&server));
}
