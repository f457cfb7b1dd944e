use super::*;
use serde_json::json;

const CASE: &str = "0190a0b0-0000-7000-8000-00000000000c";
const PERSON: &str = "0190a0b0-0000-7000-8000-00000000000a";
const VISIT: &str = "0190a0b0-0000-7000-8000-00000000000b";
const KNOWN_CASE: &str = "0190a0b0-0000-7000-8000-0000000000aa";
const FOREIGN_CASE: &str = "0190a0b0-0000-7000-8000-0000000000ff";

fn commune(code: &str) -> Area {
    Area {
        kind: AreaKind::Commune,
        code: code.into(),
    }
}

fn placed(commune: &str, province: &str) -> Placement {
    Placement {
        commune: Some(commune.into()),
        province: Some(province.into()),
        facility: None,
    }
}

fn op(record: &str, kind: RecordKind, field: &str, value: serde_json::Value, at: u64) -> FieldOp {
    FieldOp {
        op_id: format!("0190a0b0-0000-7000-8000-{at:012}"),
        record_id: record.into(),
        kind,
        field: field.into(),
        value,
        hlc: Hlc::new(1_700_000_000_000 + at, 0, 1),
        supersedes: vec![],
        device_id: "d".into(),
        author: "u".into(),
    }
}

fn refusals(device: &Area, ops: &[FieldOp]) -> Vec<(String, &'static str)> {
    let units = AdminUnits::builtin();
    let known = |id: &str| id == KNOWN_CASE || id == FOREIGN_CASE;
    let placement_of = |id: &str| match id {
        KNOWN_CASE => Some(placed("25920", "79")),
        FOREIGN_CASE => Some(placed("00004", "01")),
        _ => None,
    };
    let mut out: Vec<(String, &'static str)> =
        refuse_new_records(device, ops, &units, known, placement_of)
            .into_iter()
            .map(|(id, r)| (id.to_string(), r.code))
            .collect();
    out.sort();
    out
}

fn new_case(commune: &str, province: &str) -> Vec<FieldOp> {
    vec![
        op(CASE, RecordKind::Case, "commune_code", json!(commune), 1),
        op(CASE, RecordKind::Case, "province_code", json!(province), 2),
        op(CASE, RecordKind::Case, "status", json!("intake"), 3),
    ]
}

#[test]
fn a_case_created_in_the_devices_own_commune_and_its_province_is_accepted() {
    assert_eq!(
        refusals(&commune("25920"), &new_case("25920", "79")),
        vec![]
    );
}

#[test]
fn a_case_placed_only_by_a_province_is_refused_whole() {
    let ops = vec![
        op(CASE, RecordKind::Case, "province_code", json!("79"), 1),
        op(CASE, RecordKind::Case, "full_name", json!("x"), 2),
    ];
    assert_eq!(
        refusals(&commune("25920"), &ops),
        vec![(CASE.to_string(), "out_of_scope")]
    );
}

#[test]
fn a_case_in_another_commune_is_refused_even_with_a_province_op_beside_it() {
    assert_eq!(
        refusals(&commune("25920"), &new_case("00004", "01")),
        vec![(CASE.to_string(), "out_of_scope")]
    );
}

#[test]
fn a_case_in_the_devices_commune_with_another_province_is_refused() {
    assert_eq!(
        refusals(&commune("25920"), &new_case("25920", "01")),
        vec![(CASE.to_string(), "bad_area")]
    );
}

#[test]
fn the_newest_op_on_an_area_field_decides_where_a_new_case_lands() {
    let mut ops = new_case("25920", "79");
    ops.push(op(
        CASE,
        RecordKind::Case,
        "commune_code",
        json!("00004"),
        9,
    ));
    assert_eq!(
        refusals(&commune("25920"), &ops),
        vec![(CASE.to_string(), "out_of_scope")]
    );
}

#[test]
fn a_visit_goes_where_its_case_is_new_or_known() {
    let mut ops = new_case("25920", "79");
    ops.push(op(VISIT, RecordKind::Visit, "case_id", json!(CASE), 4));
    assert_eq!(refusals(&commune("25920"), &ops), vec![]);
    let known = vec![op(
        VISIT,
        RecordKind::Visit,
        "case_id",
        json!(KNOWN_CASE),
        1,
    )];
    assert_eq!(refusals(&commune("25920"), &known), vec![]);
    let foreign = vec![op(
        VISIT,
        RecordKind::Visit,
        "case_id",
        json!(FOREIGN_CASE),
        1,
    )];
    assert_eq!(
        refusals(&commune("25920"), &foreign),
        vec![(VISIT.to_string(), "out_of_scope")]
    );
}

#[test]
fn a_visit_of_no_case_is_refused() {
    let ops = vec![op(VISIT, RecordKind::Visit, "a.notes", json!("x"), 1)];
    assert_eq!(
        refusals(&commune("25920"), &ops),
        vec![(VISIT.to_string(), "out_of_scope")]
    );
}

#[test]
fn a_person_registered_before_the_case_waits_unplaced_and_a_foreign_case_cannot_take_them() {
    let alone = vec![op(PERSON, RecordKind::Person, "full_name", json!("A"), 1)];
    assert_eq!(refusals(&commune("25920"), &alone), vec![]);
    let with_foreign_case = vec![
        op(PERSON, RecordKind::Person, "full_name", json!("A"), 1),
        op(
            FOREIGN_CASE,
            RecordKind::Case,
            "subject_id",
            json!(PERSON),
            2,
        ),
    ];
    assert_eq!(
        refusals(&commune("25920"), &with_foreign_case),
        vec![(PERSON.to_string(), "out_of_scope")]
    );
}

#[test]
fn records_the_server_has_are_left_to_the_checks_of_existing_records() {
    let ops = vec![op(
        KNOWN_CASE,
        RecordKind::Case,
        "commune_code",
        json!("00004"),
        1,
    )];
    assert_eq!(refusals(&commune("25920"), &ops), vec![]);
    assert!(check_existing(&commune("25920"), &placed("00004", "01")).is_err());
    assert!(check_existing(&commune("25920"), &placed("25920", "79")).is_ok());
    assert!(check_existing(&commune("25920"), &Placement::default()).is_ok());
}

#[test]
fn a_device_never_moves_a_case_to_another_area_but_may_repeat_its_own() {
    let here = placed("25920", "79");
    let moved = check_area_change(RecordKind::Case, "commune_code", Some("27544"), &here);
    assert_eq!(moved.unwrap_err().code, "not_allowed");
    assert!(check_area_change(RecordKind::Case, "commune_code", Some("25920"), &here).is_ok());
    assert!(check_area_change(RecordKind::Case, "status", Some("closed"), &here).is_ok());
    let into_a_facility = check_area_change(RecordKind::Case, "facility_id", Some("f1"), &here);
    assert!(into_a_facility.is_err(), "nor into a facility's scope");
}

#[test]
fn a_move_leaves_only_the_areas_the_record_is_no_longer_in() {
    let tan_hiep = placed("25920", "79");
    let binh_my = placed("27544", "79");
    let ba_dinh = placed("00004", "01");
    assert_eq!(
        tan_hiep.left_for(&binh_my),
        Placement {
            commune: Some("25920".into()),
            ..Placement::default()
        },
        "the province's devices keep a case moved within it"
    );
    assert_eq!(tan_hiep.left_for(&ba_dinh), tan_hiep);
    let commune_only = Placement {
        commune: Some("25920".into()),
        ..Placement::default()
    };
    assert!(
        !commune_only.left_for(&tan_hiep).is_placed(),
        "gaining a province leaves nothing"
    );
    assert_eq!(tan_hiep.left_for(&Placement::default()), tan_hiep);
}
