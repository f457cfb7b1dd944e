//! A small deployment for the storage suite: two communes of one province, a commune of another
//! province, and devices enrolled through the trait itself, each with its own clock to write ops.

use hoso_model::area::{Area, AreaKind};
use hoso_model::hlc::{Clock, node_of, system_now_millis};
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::protocol::{Receipt, ReceiptStatus};
use hoso_model::role::Role;
use hoso_model::schema::fields;
use hoso_server::storage::{DeviceAuth, Storage};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Mutex;

pub const TAN_HIEP: &str = "25920";
pub const BINH_MY: &str = "27544";
pub const HO_CHI_MINH: &str = "79";
pub const BA_DINH: &str = "00004";
pub const HA_NOI: &str = "01";

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

/// Creates the areas every test uses.
pub fn setup(storage: &dyn Storage) {
    storage
        .create_area(&commune(TAN_HIEP), "Phường Tân Hiệp")
        .expect("area");
    storage
        .create_area(&commune(BINH_MY), "Xã Bình Mỹ")
        .expect("area");
    storage
        .create_area(&province(HO_CHI_MINH), "Thành phố Hồ Chí Minh")
        .expect("area");
    storage
        .create_area(&commune(BA_DINH), "Phường Ba Đình")
        .expect("area");
}

/// An enrolled device with its clock: what a phone is, as far as the storage sees it.
pub struct Phone {
    pub auth: DeviceAuth,
    clock: Mutex<Clock>,
}

impl Phone {
    pub fn enroll(storage: &dyn Storage, name: &str, role: Role, area: Area) -> Phone {
        let user = storage.create_user(name, role, &area).expect("user");
        let now = system_now_millis();
        let (code, _) = storage.issue_code(&user, now).expect("code");
        let device_id = new_id();
        let enrollment = storage
            .enroll(&code, &device_id, name, now)
            .expect("enroll");
        let auth = storage.authenticate(&enrollment.token).expect("token");
        Phone {
            clock: Mutex::new(Clock::new(node_of(&auth.device_id))),
            auth,
        }
    }

    /// A new op by this device, newer than every op it made before.
    pub fn op(&self, record_id: &str, kind: RecordKind, field: &str, value: Value) -> FieldOp {
        let hlc = self
            .clock
            .lock()
            .expect("clock")
            .tick(system_now_millis())
            .expect("tick");
        FieldOp {
            op_id: new_id(),
            record_id: record_id.to_string(),
            kind,
            field: field.to_string(),
            value,
            hlc,
            supersedes: vec![],
            device_id: self.auth.device_id.clone(),
            author: self.auth.user_id.clone(),
        }
    }

    /// Moves this device's clock past ops it has pulled, as a phone does: its next edit is newer.
    pub fn observe(&self, ops: &[FieldOp]) {
        let mut clock = self.clock.lock().expect("clock");
        for op in ops {
            clock
                .observe(op.hlc, system_now_millis())
                .expect("a plausible clock");
        }
    }

    /// The ops that open a case in `commune_code` (province 79) with a subject and one visit:
    /// (case id, visit id, person id, ops).
    pub fn new_case(&self, commune_code: &str) -> (String, String, String, Vec<FieldOp>) {
        let (case, visit, person) = (new_id(), new_id(), new_id());
        let ops = vec![
            self.op(
                &person,
                RecordKind::Person,
                fields::FULL_NAME,
                json!("Hồ Văn Mười"),
            ),
            self.op(
                &case,
                RecordKind::Case,
                fields::COMMUNE_CODE,
                json!(commune_code),
            ),
            self.op(
                &case,
                RecordKind::Case,
                fields::PROVINCE_CODE,
                json!(HO_CHI_MINH),
            ),
            self.op(&case, RecordKind::Case, fields::SUBJECT_ID, json!(person)),
            self.op(&case, RecordKind::Case, fields::STATUS, json!("intake")),
            self.op(&visit, RecordKind::Visit, fields::CASE_ID, json!(case)),
            self.op(
                &visit,
                RecordKind::Visit,
                "a.observations",
                json!("Nhà dột, cần sửa mái."),
            ),
        ];
        (case, visit, person, ops)
    }

    pub fn push(&self, storage: &dyn Storage, ops: &[FieldOp]) -> Vec<Receipt> {
        storage
            .push(&self.auth, ops, system_now_millis())
            .expect("push")
    }

    /// Pushes ops that must all be accepted.
    pub fn push_accepted(&self, storage: &dyn Storage, ops: &[FieldOp]) {
        let receipts = self.push(storage, ops);
        assert!(
            receipts.iter().all(|r| r.status == ReceiptStatus::Accepted),
            "every op accepted: {receipts:?}"
        );
    }
}

/// What a device holds after pulling: record id → field → the state's JSON text.
pub type Holdings = BTreeMap<String, BTreeMap<String, String>>;

/// Pulls everything after `cursor` in pages of `limit`, applying evictions as a device does.
/// Returns what the device holds, the evicted ids it was told of, and the last cursor.
pub fn pull_all(
    storage: &dyn Storage,
    phone: &Phone,
    mut held: Holdings,
    mut cursor: u64,
    limit: usize,
) -> (Holdings, Vec<String>, u64) {
    let mut evicted = Vec::new();
    for _ in 0..100_000 {
        let page = storage.pull(&phone.auth, cursor, limit).expect("pull");
        for record in page.records {
            let fields = held.entry(record.record_id).or_default();
            for (field, state) in record.fields {
                fields.insert(field, state.get().to_string());
            }
        }
        for id in page.evicted {
            held.remove(&id);
            evicted.push(id);
        }
        assert!(page.next_cursor >= cursor, "the cursor never goes back");
        cursor = page.next_cursor;
        if !page.has_more {
            return (held, evicted, cursor);
        }
    }
    panic!("pulling never ended");
}

/// The winning value of a field as a device holds it.
pub fn winner(held: &Holdings, record_id: &str, field: &str) -> Option<Value> {
    let text = held.get(record_id)?.get(field)?;
    let state: hoso_model::merge::FieldState = serde_json::from_str(text).expect("a field state");
    state.value().cloned()
}

pub fn statuses(receipts: &[Receipt]) -> Vec<ReceiptStatus> {
    receipts.iter().map(|r| r.status).collect()
}
