//! The shared push rules without a database: records and states held in memory as a backend would
//! have stored them, a push merged over them, and what the backend would be asked to write.

use super::ingest::{Merged, merge};
use super::working_set::{RecordReads, RecordRow, Reflag};
use super::{DeviceAuth, Result};
use hoso_model::admin_units::AdminUnits;
use hoso_model::area::{Area, AreaKind};
use hoso_model::hlc::{Clock, node_of, system_now_millis};
use hoso_model::merge::FieldState;
use hoso_model::op::{FieldOp, RecordKind, new_id};
use hoso_model::protocol::ReceiptStatus;
use hoso_model::role::Role;
use hoso_model::scope::Placement;
use serde_json::json;
use std::collections::{HashMap, HashSet};

const TAN_HIEP: &str = "25920";
const BINH_MY: &str = "27544";
const HO_CHI_MINH: &str = "79";

/// What a backend has stored, answered from memory.
#[derive(Default)]
struct Stored {
    records: HashMap<String, RecordRow>,
    states: HashMap<(String, String), FieldState>,
}

impl RecordReads for Stored {
    fn record(&mut self, id: &str) -> Result<Option<RecordRow>> {
        Ok(self.records.get(id).cloned())
    }

    fn children(&mut self, id: &str) -> Result<Vec<(String, RecordRow)>> {
        Ok(self
            .records
            .iter()
            .filter(|(_, row)| row.parent_id.as_deref() == Some(id))
            .map(|(child, row)| (child.clone(), row.clone()))
            .collect())
    }

    fn field_names(&mut self, id: &str) -> Result<Vec<String>> {
        Ok(self
            .states
            .keys()
            .filter(|(record, _)| record == id)
            .map(|(_, field)| field.clone())
            .collect())
    }

    fn states(&mut self, fields: &[(&str, &str)]) -> Result<Vec<(String, String, FieldState)>> {
        Ok(fields
            .iter()
            .filter_map(|(record, field)| {
                let key = (record.to_string(), field.to_string());
                let state = self.states.get(&key)?.clone();
                Some((key.0, key.1, state))
            })
            .collect())
    }
}

fn in_commune(code: &str) -> Placement {
    Placement {
        commune: Some(code.into()),
        province: Some(HO_CHI_MINH.into()),
        facility: None,
    }
}

impl Stored {
    /// A case stored in `commune`, with one visit, each with one field.
    fn case_with_visit(&mut self, commune: &str) -> (String, String) {
        let (case, visit) = (new_id(), new_id());
        let mut case_row = RecordRow::stored("case".into());
        case_row.own = in_commune(commune);
        case_row.placed = in_commune(commune);
        case_row.case_id = Some(case.clone());
        let mut visit_row = RecordRow::stored("visit".into());
        visit_row.parent_id = Some(case.clone());
        visit_row.placed = in_commune(commune);
        visit_row.case_id = Some(case.clone());
        self.records.insert(case.clone(), case_row);
        self.records.insert(visit.clone(), visit_row);
        self.states.insert(
            (visit.clone(), "a.observations".into()),
            FieldState::default(),
        );
        (case, visit)
    }
}

struct Phone {
    device: DeviceAuth,
    clock: Clock,
}

impl Phone {
    fn new(role: Role, area: Area) -> Phone {
        let device_id = new_id();
        Phone {
            clock: Clock::new(node_of(&device_id)),
            device: DeviceAuth {
                device_id,
                user_id: new_id(),
                role,
                area,
            },
        }
    }

    fn collaborator() -> Phone {
        Phone::new(
            Role::Collaborator,
            Area {
                kind: AreaKind::Commune,
                code: TAN_HIEP.into(),
            },
        )
    }

    fn op(&mut self, record: &str, kind: RecordKind, field: &str, value: &str) -> FieldOp {
        FieldOp {
            op_id: new_id(),
            record_id: record.into(),
            kind,
            field: field.into(),
            value: json!(value),
            hlc: self.clock.tick(system_now_millis()).expect("tick"),
            supersedes: vec![],
            device_id: self.device.device_id.clone(),
            author: self.device.user_id.clone(),
        }
    }

    fn push<'a>(&self, stored: &mut Stored, ops: &'a [FieldOp]) -> Merged<'a> {
        let units = AdminUnits::builtin();
        let now = system_now_millis();
        merge(stored, &units, &self.device, ops, HashSet::new(), now, 100).expect("merges")
    }
}

fn statuses(merged: &Merged<'_>) -> Vec<ReceiptStatus> {
    merged.receipts.iter().map(|r| r.status).collect()
}

#[test]
fn a_new_visit_takes_its_cases_commune_and_case_so_the_commune_and_manager_pull_it() {
    let mut phone = Phone::collaborator();
    let mut stored = Stored::default();
    let (case, visit) = (new_id(), new_id());
    let ops = [
        phone.op(&case, RecordKind::Case, "commune_code", TAN_HIEP),
        phone.op(&case, RecordKind::Case, "province_code", HO_CHI_MINH),
        phone.op(&visit, RecordKind::Visit, "case_id", &case),
        phone.op(&visit, RecordKind::Visit, "a.observations", "Đã thăm"),
    ];
    let merged = phone.push(&mut stored, &ops);
    assert_eq!(statuses(&merged), vec![ReceiptStatus::Accepted; 4]);
    assert_eq!(merged.last_seq, 104, "numbered on from the backend's base");
    let note = &merged.writes.states[&(visit.clone(), "a.observations".to_string())];
    assert_eq!(note.place, in_commune(TAN_HIEP));
    assert_eq!(note.case_id.as_deref(), Some(case.as_str()));
    let records: HashMap<_, _> = merged.writes.records.iter().cloned().collect();
    assert_eq!(records[&visit].parent_id.as_deref(), Some(case.as_str()));
    assert!(
        merged.writes.evictions.is_empty(),
        "a case gaining its province after its commune leaves no area"
    );
}

#[test]
fn an_administrators_move_of_a_case_takes_its_stored_visit_along_and_tells_the_old_commune() {
    let mut stored = Stored::default();
    let (case, visit) = stored.case_with_visit(TAN_HIEP);
    let mut admin = Phone::new(
        Role::Admin,
        Area {
            kind: AreaKind::Province,
            code: HO_CHI_MINH.into(),
        },
    );
    let ops = [admin.op(&case, RecordKind::Case, "commune_code", BINH_MY)];
    let merged = admin.push(&mut stored, &ops);
    assert_eq!(statuses(&merged), vec![ReceiptStatus::Accepted]);
    for record in [&case, &visit] {
        let restamp = &merged.writes.restamps[record];
        assert_eq!(restamp.place, in_commune(BINH_MY));
        assert_eq!(restamp.seq, 101, "the moved fields are pulled again");
    }
    let mut left: Vec<_> = merged.writes.evictions.iter().map(|e| &e.1).collect();
    left.sort();
    let mut moved = vec![&case, &visit];
    moved.sort();
    assert_eq!(left, moved, "Tân Hiệp's devices are told to drop both");
    let commune_left = Placement {
        commune: Some(TAN_HIEP.into()),
        ..Placement::default()
    };
    assert!(
        merged.writes.evictions.iter().all(|e| e.2 == commune_left),
        "the province's devices keep them"
    );
}

#[test]
fn a_new_manager_has_the_cases_sensitive_fields_sent_again() {
    let mut stored = Stored::default();
    let (case, _) = stored.case_with_visit(TAN_HIEP);
    let mut approver = Phone::new(
        Role::Approver,
        Area {
            kind: AreaKind::Commune,
            code: TAN_HIEP.into(),
        },
    );
    let ops = [approver.op(&case, RecordKind::Case, "manager_id", "ctv-2")];
    let merged = approver.push(&mut stored, &ops);
    assert_eq!(statuses(&merged), vec![ReceiptStatus::Accepted]);
    assert_eq!(merged.writes.sensitive_restamps.get(&case), Some(&101));
    let records: HashMap<_, _> = merged.writes.records.iter().cloned().collect();
    assert_eq!(records[&case].manager_id.as_deref(), Some("ctv-2"));
}

#[test]
fn a_case_of_another_commune_is_refused_and_nothing_is_written() {
    let mut stored = Stored::default();
    let (case, visit) = stored.case_with_visit(BINH_MY);
    let mut phone = Phone::collaborator();
    let ops = [
        phone.op(&visit, RecordKind::Visit, "a.observations", "Ghi đè"),
        phone.op(&new_id(), RecordKind::Visit, "case_id", &case),
    ];
    let merged = phone.push(&mut stored, &ops);
    assert_eq!(statuses(&merged), vec![ReceiptStatus::Rejected; 2]);
    assert!(merged.accepted.is_empty());
    assert!(merged.writes.states.is_empty() && merged.writes.records.is_empty());
    assert_eq!(merged.last_seq, 100, "no sequence number is used");
}

#[test]
fn a_retried_push_is_answered_as_duplicates_and_writes_nothing() {
    let mut phone = Phone::collaborator();
    let mut stored = Stored::default();
    let case = new_id();
    let ops = [phone.op(&case, RecordKind::Case, "commune_code", TAN_HIEP)];
    let known: HashSet<String> = ops.iter().map(|op| op.op_id.clone()).collect();
    let units = AdminUnits::builtin();
    let merged = merge(
        &mut stored,
        &units,
        &phone.device,
        &ops,
        known,
        system_now_millis(),
        7,
    )
    .expect("merges");
    assert_eq!(statuses(&merged), vec![ReceiptStatus::Duplicate]);
    assert!(merged.writes.states.is_empty() && merged.accepted.is_empty());
}

#[test]
fn a_sensitive_photo_linked_to_another_case_is_sent_again_so_the_old_managers_devices_drop_it() {
    let mut stored = Stored::default();
    let (old_case, _) = stored.case_with_visit(TAN_HIEP);
    let (new_case, _) = stored.case_with_visit(TAN_HIEP);
    let photo = new_id();
    let mut row = RecordRow::stored("photo".into());
    row.parent_id = Some(old_case.clone());
    row.placed = in_commune(TAN_HIEP);
    row.case_id = Some(old_case.clone());
    row.photo_sensitive = true;
    stored.records.insert(photo.clone(), row);
    stored
        .states
        .insert((photo.clone(), "caption".into()), FieldState::default());
    let mut phone = Phone::collaborator();
    let ops = [phone.op(&photo, RecordKind::Photo, "case_id", &new_case)];
    let merged = phone.push(&mut stored, &ops);
    assert_eq!(statuses(&merged), vec![ReceiptStatus::Accepted]);
    assert_eq!(
        merged.writes.case_links.get(&photo),
        Some(&Some(new_case.clone()))
    );
    assert_eq!(merged.writes.record_resends.get(&photo), Some(&101));
    assert_eq!(
        merged
            .writes
            .reflags
            .get(&(photo.clone(), "caption".to_string())),
        Some(&Reflag {
            sensitive: true,
            seq: 101,
            case_id: Some(new_case.clone())
        }),
        "its fields stay sensitive, sent again from the push if their flag changed"
    );
}
