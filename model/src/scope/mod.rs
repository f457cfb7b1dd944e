//! Where records belong and who may touch them: the scope rules the server applies to every pushed op,
//! decided here without a database. The server's storage only looks up placements and stores them.
//!
//! A case or household is placed by its own area fields (commune, province, facility); every other
//! record lives where its parent lives (a visit with its case, a member with their household), and a
//! person with no household of their own lives with the case they are the subject or guardian of.
//! A device may change only records placed in its own area, and a record it creates must be placed in
//! its own area by the ops that create it: nobody plants records in another commune or province.

use crate::admin_units::AdminUnits;
use crate::area::{Area, AreaKind};
use crate::hlc::Hlc;
use crate::i18n::Localized;
use crate::op::{FieldOp, RecordKind};
use crate::schema::{adopted_kind, area_of_field, kind_schema};
use std::collections::HashMap;

/// The areas a record is placed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    pub commune: Option<String>,
    pub province: Option<String>,
    pub facility: Option<String>,
}

impl Placement {
    pub fn get(&self, kind: AreaKind) -> Option<&str> {
        match kind {
            AreaKind::Commune => self.commune.as_deref(),
            AreaKind::Province => self.province.as_deref(),
            AreaKind::Facility => self.facility.as_deref(),
        }
    }

    fn slot(&mut self, kind: AreaKind) -> &mut Option<String> {
        match kind {
            AreaKind::Commune => &mut self.commune,
            AreaKind::Province => &mut self.province,
            AreaKind::Facility => &mut self.facility,
        }
    }

    pub fn in_area(&self, area: &Area) -> bool {
        self.get(area.kind) == Some(area.code.as_str())
    }

    pub fn is_placed(&self) -> bool {
        self.commune.is_some() || self.province.is_some() || self.facility.is_some()
    }

    /// The areas of this placement that `new` does not share: where a record moving from here to
    /// `new` is no longer found, whose devices are told to drop it. A record gaining an area (a new
    /// case's province after its commune) leaves none.
    pub fn left_for(&self, new: &Placement) -> Placement {
        let left = |old: &Option<String>, new: &Option<String>| old.clone().filter(|_| old != new);
        Placement {
            commune: left(&self.commune, &new.commune),
            province: left(&self.province, &new.province),
            facility: left(&self.facility, &new.facility),
        }
    }

    /// A record's placement: its own when it has one, else its parent's.
    pub fn own_or(self, parent: impl FnOnce() -> Option<Placement>) -> Placement {
        if self.is_placed() {
            self
        } else {
            parent().unwrap_or_default()
        }
    }
}

/// Why an op was refused by the scope rules, with the stable code the receipt carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeRefusal {
    pub code: &'static str,
    pub reason: Localized,
}

fn out_of_scope() -> ScopeRefusal {
    ScopeRefusal {
        code: "out_of_scope",
        reason: Localized::new(
            "Hồ sơ này nằm ngoài địa bàn của bạn.",
            "This record is outside your area.",
        ),
    }
}

fn not_placed() -> ScopeRefusal {
    ScopeRefusal {
        code: "out_of_scope",
        reason: Localized::new(
            "Hồ sơ mới phải thuộc một hồ sơ hoặc một địa bàn của bạn (mã xã và mã tỉnh).",
            "A new record must belong to one of your records or to your area (commune and province codes).",
        ),
    }
}

/// Whether a case or household may sit at `placement`: a commune and its own province, both named and
/// matching in the list of administrative units (QĐ 19/2025/QĐ-TTg).
pub fn check_root_placement(placement: &Placement, units: &AdminUnits) -> Result<(), ScopeRefusal> {
    let (Some(commune), Some(province)) = (&placement.commune, &placement.province) else {
        return Err(not_placed());
    };
    units
        .check_area(commune, province)
        .map_err(|reason| ScopeRefusal {
            code: "bad_area",
            reason,
        })
}

/// A device may touch a record that exists only if the record lives in the device's area.
pub fn check_existing(device: &Area, placement: &Placement) -> Result<(), ScopeRefusal> {
    if placement.is_placed() && !placement.in_area(device) {
        Err(out_of_scope())
    } else {
        Ok(())
    }
}

/// A case or household never moves to another area by a device's edit: a subject who moves away is
/// closed with trigger 11 and referred, with consent, to the new commune, which opens its own case
/// (TT 02/2020 Điều 8.3.a (11), 9.2). Only an administrator corrects a record's area. For a record
/// that exists (created by an earlier push); `current` is where it is now.
pub fn check_area_change(
    kind: RecordKind,
    field: &str,
    value: Option<&str>,
    current: &Placement,
) -> Result<(), ScopeRefusal> {
    match area_of_field(kind, field) {
        Some(area) if current.get(area) != value => Err(ScopeRefusal {
            code: "not_allowed",
            reason: Localized::new(
                "Hồ sơ không chuyển sang địa bàn khác: hãy kết thúc quản lý (lý do 11) và chuyển tuyến, có sự đồng ý, cho xã nơi đối tượng chuyển đến.",
                "A case does not move to another area: end management (reason 11) and refer it, with consent, to the commune the subject moved to.",
            ),
        }),
        _ => Ok(()),
    }
}

/// What the ops of one push say about the records they create.
#[derive(Default)]
struct Creation<'a> {
    kind: Option<RecordKind>,
    /// Each own area field, with the clock of the op that set it (the newest wins, as in the merge).
    own: HashMap<AreaKind, (Hlc, Option<&'a str>)>,
    parent: Option<(Hlc, Option<&'a str>)>,
}

/// Decides, for every record a push creates, whether the device may create it there. `is_known` says
/// whether the server has the record; `placement_of` gives an existing record's placement. Returns the
/// refusal for each new record that may not be created; every op on such a record is refused.
pub fn refuse_new_records<'a>(
    device: &Area,
    ops: &'a [FieldOp],
    units: &AdminUnits,
    is_known: impl Fn(&str) -> bool,
    placement_of: impl Fn(&str) -> Option<Placement>,
) -> HashMap<&'a str, ScopeRefusal> {
    let creations = gather_creations(ops, &is_known);
    let adopters = adoptions(ops);
    let mut refusals = HashMap::new();
    for (&record_id, creation) in &creations {
        let Some(kind) = creation.kind else { continue };
        let verdict = match place_new(record_id, kind, &creations, &adopters, &placement_of) {
            // A person registered before their case: invisible to every device until a case (or a
            // household) of this area takes them.
            None if kind == RecordKind::Person => Ok(()),
            None => Err(not_placed()),
            Some(placement) if !placement.in_area(device) => Err(out_of_scope()),
            Some(placement) if is_root(kind) => check_root_placement(&placement, units),
            Some(_) => Ok(()),
        };
        if let Err(refusal) = verdict {
            refusals.insert(record_id, refusal);
        }
    }
    refusals
}

/// Whether the record is placed by its own area fields (a case or a household).
fn is_root(kind: RecordKind) -> bool {
    !kind_schema(kind).area_fields.is_empty()
}

fn newest<'a>(slot: &mut Option<(Hlc, Option<&'a str>)>, hlc: Hlc, value: Option<&'a str>) {
    if slot.as_ref().is_none_or(|(seen, _)| hlc > *seen) {
        *slot = Some((hlc, value));
    }
}

fn gather_creations<'a>(
    ops: &'a [FieldOp],
    is_known: &impl Fn(&str) -> bool,
) -> HashMap<&'a str, Creation<'a>> {
    let mut creations: HashMap<&str, Creation<'_>> = HashMap::new();
    for op in ops {
        if !creations.contains_key(op.record_id.as_str()) && is_known(&op.record_id) {
            continue;
        }
        let creation = creations.entry(op.record_id.as_str()).or_default();
        creation.kind.get_or_insert(op.kind);
        let value = op.value.as_str();
        if let Some(area) = area_of_field(op.kind, &op.field) {
            let slot = creation.own.entry(area).or_insert((op.hlc, value));
            if op.hlc > slot.0 {
                *slot = (op.hlc, value);
            }
        } else if kind_schema(op.kind).parent_link == Some(op.field.as_str()) {
            newest(&mut creation.parent, op.hlc, value);
        }
    }
    creations
}

/// Records a case in this push takes as its subject, guardian or household: adopted record → case.
fn adoptions(ops: &[FieldOp]) -> HashMap<&str, &str> {
    ops.iter()
        .filter(|op| adopted_kind(op.kind, &op.field).is_some())
        .filter_map(|op| {
            op.value
                .as_str()
                .map(|target| (target, op.record_id.as_str()))
        })
        .collect()
}

/// The placement a new record will have once the push is applied, if any.
fn place_new(
    record_id: &str,
    kind: RecordKind,
    creations: &HashMap<&str, Creation<'_>>,
    adopters: &HashMap<&str, &str>,
    placement_of: &impl Fn(&str) -> Option<Placement>,
) -> Option<Placement> {
    let placement_anywhere = |id: &str| match creations.get(id) {
        Some(creation) => Some(own_placement(creation)).filter(Placement::is_placed),
        None => placement_of(id).filter(Placement::is_placed),
    };
    let creation = creations.get(record_id)?;
    let own = own_placement(creation);
    if own.is_placed() {
        return Some(own);
    }
    let parent = creation
        .parent
        .and_then(|(_, parent)| parent)
        .and_then(placement_anywhere);
    if parent.is_some() {
        return parent;
    }
    if kind == RecordKind::Person {
        return adopters
            .get(record_id)
            .and_then(|case| placement_anywhere(case));
    }
    None
}

fn own_placement(creation: &Creation<'_>) -> Placement {
    let mut placement = Placement::default();
    for (area, (_, value)) in &creation.own {
        *placement.slot(*area) = value.map(str::to_string);
    }
    placement
}

#[cfg(test)]
mod tests;
