//! Every change to every field of a case, from the audit trail: who made it, on which device, the
//! device's time and the server's, and what became of each value — in force, replaced by a later
//! edit, or lost to a concurrent edit and then either still waiting or settled by a resolution that
//! kept another value. Pure: the server's append-only op log feeds it, and the same merge that decided
//! the field explains it here.

use crate::hlc::Hlc;
use crate::merge::FieldState;
use crate::op::{FieldOp, RecordKind, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An op as the server logged it.
#[derive(Clone, Debug, PartialEq)]
pub struct LoggedOp {
    pub op: FieldOp,
    /// Server time (Unix ms) it was received.
    pub received_at_millis: u64,
}

/// What became of a value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fate", rename_all = "snake_case")]
pub enum Fate {
    /// The field's value now.
    InForce,
    /// Lost to a concurrent edit; kept beside the value in force until someone chooses.
    Unresolved,
    /// Replaced by a later edit of someone who had seen it.
    Replaced { by: String, at_millis: u64 },
    /// It was one of concurrent values; a resolution by `by` kept `kept`.
    Resolved {
        by: String,
        at_millis: u64,
        kept: Value,
    },
}

/// One change to one field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub record_id: String,
    pub kind: RecordKind,
    pub field: String,
    pub value: Value,
    pub author: String,
    pub device_id: String,
    /// The device's clock when the change was made (Unix ms).
    pub device_millis: u64,
    pub server_millis: u64,
    pub hlc: Hlc,
    pub fate: Fate,
}

/// The changes of every field of the given ops, by record and field, oldest first within a field.
pub fn history(ops: &[LoggedOp]) -> Vec<Change> {
    let mut fields: BTreeMap<(&str, &str), Vec<&LoggedOp>> = BTreeMap::new();
    for logged in ops {
        fields
            .entry((logged.op.record_id.as_str(), logged.op.field.as_str()))
            .or_default()
            .push(logged);
    }
    let mut out = Vec::with_capacity(ops.len());
    for mut field_ops in fields.into_values() {
        field_ops.sort_by_key(|l| l.op.hlc);
        let mut state = FieldState::default();
        for logged in &field_ops {
            state.merge(&logged.op);
        }
        for logged in &field_ops {
            out.push(change(logged, fate(&logged.op, &state, &field_ops)));
        }
    }
    out
}

fn change(logged: &LoggedOp, fate: Fate) -> Change {
    let op = &logged.op;
    Change {
        record_id: op.record_id.clone(),
        kind: op.kind,
        field: op.field.clone(),
        value: op.value.clone(),
        author: op.author.clone(),
        device_id: op.device_id.clone(),
        device_millis: op.hlc.millis,
        server_millis: logged.received_at_millis,
        hlc: op.hlc,
        fate,
    }
}

fn fate(op: &FieldOp, state: &FieldState, field_ops: &[&LoggedOp]) -> Fate {
    if state.winner.as_ref().is_some_and(|w| w.hlc == op.hlc) {
        return Fate::InForce;
    }
    if state.losers.iter().any(|l| l.hlc == op.hlc) {
        return Fate::Unresolved;
    }
    // Superseded: the first op that names it decides how. A resolution supersedes the value in
    // force and the concurrent ones together (`FieldState::supersedes_for_resolution`).
    match field_ops
        .iter()
        .map(|l| &l.op)
        .find(|later| later.supersedes.contains(&op.hlc))
    {
        Some(later) if later.supersedes.len() > 1 => Fate::Resolved {
            by: later.author.clone(),
            at_millis: later.hlc.millis,
            kept: later.value.clone(),
        },
        Some(later) => Fate::Replaced {
            by: later.author.clone(),
            at_millis: later.hlc.millis,
        },
        None => Fate::Replaced {
            by: String::new(),
            at_millis: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn logged(
        field: &str,
        value: &str,
        (millis, node): (u64, u64),
        author: &str,
        supersedes: &[(u64, u64)],
    ) -> LoggedOp {
        let hlc = |(millis, node): (u64, u64)| Hlc {
            millis,
            counter: 0,
            node,
        };
        LoggedOp {
            op: FieldOp {
                op_id: format!("{field}-{millis}-{node}"),
                record_id: "case-1".into(),
                kind: RecordKind::Case,
                field: field.into(),
                value: json!(value),
                hlc: hlc((millis, node)),
                supersedes: supersedes.iter().copied().map(hlc).collect(),
                device_id: format!("device-{node}"),
                author: author.into(),
            },
            received_at_millis: millis + 60_000,
        }
    }

    fn fates(changes: &[Change], field: &str) -> Vec<(String, Fate)> {
        changes
            .iter()
            .filter(|c| c.field == field)
            .map(|c| {
                (
                    c.value.as_str().unwrap_or_default().to_string(),
                    c.fate.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn an_edit_replaces_what_its_author_saw_and_the_last_is_in_force() {
        let changes = history(&[
            logged("phone", "0912", (1_000, 1), "mai", &[]),
            logged("phone", "0913", (2_000, 1), "mai", &[(1_000, 1)]),
        ]);
        assert_eq!(
            fates(&changes, "phone"),
            vec![
                (
                    "0912".into(),
                    Fate::Replaced {
                        by: "mai".into(),
                        at_millis: 2_000
                    }
                ),
                ("0913".into(), Fate::InForce),
            ]
        );
        assert_eq!(changes[0].server_millis, 61_000);
        assert_eq!(changes[0].device_id, "device-1");
    }

    #[test]
    fn concurrent_values_wait_until_a_resolution_keeps_one() {
        let base = logged("address", "Thôn 1", (1_000, 1), "mai", &[]);
        let a = logged("address", "Thôn 2", (2_000, 1), "mai", &[(1_000, 1)]);
        let b = logged("address", "Thôn 3", (2_500, 2), "hung", &[(1_000, 1)]);
        let waiting = history(&[base.clone(), a.clone(), b.clone()]);
        assert_eq!(fates(&waiting, "address")[1].1, Fate::Unresolved);
        assert_eq!(fates(&waiting, "address")[2].1, Fate::InForce);
        let resolution = logged(
            "address",
            "Thôn 2",
            (3_000, 2),
            "hung",
            &[(2_000, 1), (2_500, 2)],
        );
        let settled = history(&[base, a, b, resolution]);
        let kept = Fate::Resolved {
            by: "hung".into(),
            at_millis: 3_000,
            kept: json!("Thôn 2"),
        };
        let all = fates(&settled, "address");
        assert_eq!((all[1].1.clone(), all[2].1.clone()), (kept.clone(), kept));
        assert_eq!(all[3].1, Fate::InForce);
    }
}
