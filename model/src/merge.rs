//! Per-field merge: the same pure function on every device and on the server.
//!
//! A field's state is a function of the *set* of ops applied to it, whatever order and however many
//! times they arrive:
//! - the **winner** is the op with the greatest HLC (the HLC's node is the device tie-break);
//! - an op is **superseded** when another op lists its HLC in `supersedes` (its author saw it);
//! - every other op that is neither the winner nor superseded is a **loser**: a concurrent value
//!   that nobody has seen and decided on. Losers are kept for review, never dropped silently.
//!
//! Resolving a conflict is an ordinary op that supersedes the winner and the losers it settles.

use crate::hlc::Hlc;
use crate::op::{FieldOp, Value};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One value of a field as written by one op. The op id and device id stay in the op log: the HLC
/// identifies the version (its node is the device), which keeps replicated state small.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Version {
    pub value: Value,
    pub hlc: Hlc,
    pub author: String,
}

/// The wire form of a [`Version`]: an object with exactly these fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VersionObject {
    value: Value,
    hlc: Hlc,
    author: String,
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Version, D::Error> {
        let VersionObject { value, hlc, author } =
            crate::wire::from_object(deserializer, "a version object {value, hlc, author}")?;
        Ok(Version { value, hlc, author })
    }
}

impl Version {
    pub fn of(op: &FieldOp) -> Version {
        Version {
            value: op.value.clone(),
            hlc: op.hlc,
            author: op.author.clone(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FieldState {
    pub winner: Option<Version>,
    /// Concurrent values that lost, ordered by HLC.
    pub losers: Vec<Version>,
    /// HLCs of versions some op has seen and replaced.
    pub superseded: BTreeSet<Hlc>,
}

/// The wire form of a [`FieldState`]: an object with exactly these fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldStateObject {
    #[serde(default)]
    winner: Option<Version>,
    losers: Vec<Version>,
    superseded: BTreeSet<Hlc>,
}

/// A decoded state is made canonical (see [`FieldState::canonical`]): a device stores a record new to
/// it as it was pulled, and must hold what a device that merged it field by field holds.
impl<'de> Deserialize<'de> for FieldState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<FieldState, D::Error> {
        let FieldStateObject {
            winner,
            losers,
            superseded,
        } = crate::wire::from_object(
            deserializer,
            "a field state object {winner, losers, superseded}",
        )?;
        Ok(FieldState {
            winner,
            losers,
            superseded,
        }
        .canonical())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeOutcome {
    /// The op was already part of this state.
    Duplicate,
    /// The op is the field's new value and it replaced a value its author had seen (or the field
    /// was empty).
    Applied,
    /// The op is the new value, but the value it replaced was concurrent: that value is kept as a loser.
    AppliedOverConcurrent,
    /// An older op its successors had already seen: history only.
    Superseded,
    /// A concurrent op that lost to the current value: kept as a loser for review.
    LostToConcurrent,
}

impl FieldState {
    pub fn value(&self) -> Option<&Value> {
        self.winner.as_ref().map(|w| &w.value)
    }

    pub fn has_conflict(&self) -> bool {
        !self.losers.is_empty()
    }

    /// The state the merge builds from the same versions and superseded clocks. A state built by merges
    /// is canonical already (returned as it is); one decoded from elsewhere may list a loser newer than
    /// its winner, a loser twice, or a loser it supersedes, and would show another value than the merge.
    pub fn canonical(self) -> FieldState {
        if self.is_canonical() {
            return self;
        }
        let mut state = FieldState::default();
        state.absorb_owned(self);
        state
    }

    /// The winner is the greatest version, the losers are older, distinct, in order, and not superseded.
    fn is_canonical(&self) -> bool {
        let Some(winner) = &self.winner else {
            return self.losers.is_empty();
        };
        self.losers.windows(2).all(|pair| pair[0].hlc < pair[1].hlc)
            && self.losers.last().is_none_or(|last| last.hlc < winner.hlc)
            && self
                .losers
                .iter()
                .all(|loser| !self.superseded.contains(&loser.hlc))
    }

    fn contains(&self, hlc: Hlc) -> bool {
        self.winner.as_ref().is_some_and(|w| w.hlc == hlc)
            || self.losers.iter().any(|l| l.hlc == hlc)
    }

    /// Folds one op into the state. Commutative, associative and idempotent over ops with distinct HLCs.
    pub fn merge(&mut self, op: &FieldOp) -> MergeOutcome {
        self.merge_version(Version::of(op), &op.supersedes)
    }

    /// Folds another replica's state of the same field into this one (what a pull delivers): the
    /// result is the state of the union of both op sets.
    pub fn absorb(&mut self, other: &FieldState) {
        self.absorb_owned(other.clone());
    }

    /// [`absorb`](Self::absorb) for a state the caller gives away: its versions move in uncopied.
    pub fn absorb_owned(&mut self, other: FieldState) {
        for version in other.winner.into_iter().chain(other.losers) {
            self.merge_version(version, &[]);
        }
        self.merge_version_superseded(other.superseded);
    }

    fn merge_version_superseded(&mut self, seen: impl IntoIterator<Item = Hlc>) {
        self.superseded.extend(seen);
        let superseded = &self.superseded;
        self.losers.retain(|loser| !superseded.contains(&loser.hlc));
    }

    fn merge_version(&mut self, incoming: Version, supersedes: &[Hlc]) -> MergeOutcome {
        if self.contains(incoming.hlc) {
            self.merge_version_superseded(supersedes.iter().copied());
            return MergeOutcome::Duplicate;
        }
        self.merge_version_superseded(supersedes.iter().copied());
        let incoming_is_seen = self.superseded.contains(&incoming.hlc);
        match self.winner.take() {
            None => {
                self.winner = Some(incoming);
                MergeOutcome::Applied
            }
            Some(current) if incoming.hlc > current.hlc => {
                let outcome = if self.superseded.contains(&current.hlc) {
                    MergeOutcome::Applied
                } else {
                    self.insert_loser(current);
                    MergeOutcome::AppliedOverConcurrent
                };
                self.winner = Some(incoming);
                outcome
            }
            Some(current) => {
                self.winner = Some(current);
                if incoming_is_seen {
                    MergeOutcome::Superseded
                } else {
                    self.insert_loser(incoming);
                    MergeOutcome::LostToConcurrent
                }
            }
        }
    }

    fn insert_loser(&mut self, version: Version) {
        let at = self.losers.partition_point(|l| l.hlc < version.hlc);
        self.losers.insert(at, version);
    }

    /// The versions an op written now must supersede: the current value only (an ordinary edit).
    pub fn supersedes_for_edit(&self) -> Vec<Hlc> {
        self.winner.iter().map(|w| w.hlc).collect()
    }

    /// The versions a conflict resolution supersedes: the current value and every loser.
    pub fn supersedes_for_resolution(&self) -> Vec<Hlc> {
        self.winner
            .iter()
            .chain(self.losers.iter())
            .map(|v| v.hlc)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::RecordKind;
    use proptest::prelude::*;
    use serde_json::json;

    fn op(millis: u64, node: u64, value: Value, supersedes: Vec<Hlc>) -> FieldOp {
        let hlc = Hlc::new(1_790_000_000_000 + millis, 0, node);
        FieldOp {
            op_id: format!("op-{millis}-{node}"),
            record_id: "r".into(),
            kind: RecordKind::Person,
            field: "phone".into(),
            value,
            hlc,
            supersedes,
            device_id: format!("device-{node}"),
            author: format!("user-{node}"),
        }
    }

    fn decoded(state: serde_json::Value) -> FieldState {
        serde_json::from_value(state).expect("a field state object")
    }

    fn version(millis: u64, value: &str) -> serde_json::Value {
        json!({"value": value, "hlc": {"millis": millis, "counter": 0, "node": 3}, "author": "u"})
    }

    /// Found by the `pull_page` fuzzer: a pulled state whose loser is newer than its winner was stored
    /// as sent by a device new to the record, and merged into the newer value by a device that knew it.
    #[test]
    fn a_decoded_state_is_the_one_the_merge_builds_whatever_order_it_lists() {
        let sent = decoded(json!({
            "winner": version(1_745_000_000_050, "Bảy"),
            "losers": [version(1_790_000_000_050, "Bẩy"), version(1_790_000_000_050, "Bẩy")],
            "superseded": [],
        }));
        assert_eq!(sent.value(), Some(&json!("Bẩy")), "the newest version wins");
        assert_eq!(sent.losers.len(), 1, "listed twice, kept once");
        let mut merged = FieldState::default();
        merged.absorb(&sent);
        assert_eq!(merged, sent);
        let superseded = decoded(json!({
            "winner": version(1_790_000_000_050, "Bẩy"),
            "losers": [version(1_745_000_000_050, "Bảy")],
            "superseded": [{"millis": 1_745_000_000_050u64, "counter": 0, "node": 3}],
        }));
        assert!(superseded.losers.is_empty(), "a superseded loser is gone");
    }

    #[test]
    fn a_field_state_is_an_object_of_its_own_fields_and_nothing_looser() {
        let winner = version(1_790_000_000_050, "Bảy");
        assert!(
            serde_json::from_value::<FieldState>(
                json!({"winner": winner, "losers": [], "superseded": []})
            )
            .is_ok()
        );
        for loose in [
            json!({"wi`ner": winner, "losers": [], "superseded": []}),
            json!([winner, [], []]),
            json!({"winner": ["Bảy", {"millis": 1, "counter": 0, "node": 3}, "u"], "losers": [], "superseded": []}),
            json!({"winner": {"value": "Bảy", "hlc": {"millis": 1, "counter": 0, "node": 3}, "author": "u", "x": 1}, "losers": [], "superseded": []}),
        ] {
            assert!(
                serde_json::from_value::<FieldState>(loose.clone()).is_err(),
                "{loose}"
            );
        }
    }

    #[test]
    fn an_edit_that_saw_the_current_value_replaces_it_without_conflict() {
        let mut state = FieldState::default();
        let first = op(1, 1, json!("0901234567"), vec![]);
        assert_eq!(state.merge(&first), MergeOutcome::Applied);
        let second = op(2, 2, json!("0912345678"), vec![first.hlc]);
        assert_eq!(state.merge(&second), MergeOutcome::Applied);
        assert_eq!(state.value(), Some(&json!("0912345678")));
        assert!(!state.has_conflict());
    }

    #[test]
    fn two_offline_edits_of_the_same_field_keep_the_losing_value_for_review() {
        let base = op(1, 1, json!("cũ"), vec![]);
        let lan = op(5, 2, json!("Lan sửa"), vec![base.hlc]);
        let minh = op(7, 3, json!("Minh sửa"), vec![base.hlc]);
        for order in [
            [&base, &lan, &minh],
            [&minh, &lan, &base],
            [&lan, &minh, &base],
        ] {
            let mut state = FieldState::default();
            for o in order {
                state.merge(o);
            }
            assert_eq!(state.value(), Some(&json!("Minh sửa")));
            assert_eq!(state.losers.len(), 1);
            assert_eq!(state.losers[0].value, json!("Lan sửa"));
            assert_eq!(state.losers[0].author, "user-2");
        }
    }

    #[test]
    fn a_resolution_settles_the_conflict_everywhere() {
        let mut state = FieldState::default();
        let lan = op(5, 2, json!("Lan"), vec![]);
        let minh = op(7, 3, json!("Minh"), vec![]);
        state.merge(&lan);
        state.merge(&minh);
        assert!(state.has_conflict());
        let resolution = op(9, 1, json!("Lan"), state.supersedes_for_resolution());
        state.merge(&resolution);
        assert!(!state.has_conflict());
        assert_eq!(state.value(), Some(&json!("Lan")));
    }

    #[test]
    fn same_millisecond_ties_break_by_device_the_same_way_everywhere() {
        let a = op(5, 2, json!("a"), vec![]);
        let b = op(5, 9, json!("b"), vec![]);
        let mut one = FieldState::default();
        one.merge(&a);
        one.merge(&b);
        let mut two = FieldState::default();
        two.merge(&b);
        two.merge(&a);
        assert_eq!(one, two);
        assert_eq!(one.value(), Some(&json!("b")));
    }

    /// Generates a causally plausible history: each op supersedes a random subset of earlier ops,
    /// as a device that had synced some of them would.
    fn history() -> impl Strategy<Value = Vec<FieldOp>> {
        prop::collection::vec((0u64..4, 1u64..50, any::<u8>(), any::<u8>()), 1..12).prop_map(
            |raw| {
                let mut ops: Vec<FieldOp> = Vec::new();
                let mut millis = 0;
                for (node, step, seen_mask, value) in raw {
                    millis += step % 3; // equal millis happen: ties broken by node
                    let supersedes = ops
                        .iter()
                        .enumerate()
                        .filter(|(i, o)| {
                            seen_mask & (1 << (i % 8)) != 0
                                && o.hlc.millis < 1_790_000_000_000 + millis
                        })
                        .map(|(_, o)| o.hlc)
                        .collect();
                    let candidate = op(millis, node, json!(value), supersedes);
                    if ops.iter().all(|o| o.hlc != candidate.hlc) {
                        ops.push(candidate);
                    }
                }
                ops
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        #[test]
        fn every_delivery_order_with_duplicates_converges(
            ops in history(),
            orders in prop::collection::vec(prop::collection::vec(any::<prop::sample::Index>(), 1..30), 2..5),
        ) {
            let reference = {
                let mut state = FieldState::default();
                for o in &ops { state.merge(o); }
                state
            };
            for order in orders {
                let mut state = FieldState::default();
                // a random schedule with duplicates, then everything once so every replica has every op
                for index in &order { state.merge(&ops[index.index(ops.len())]); }
                for o in ops.iter().rev() { state.merge(o); }
                prop_assert_eq!(&state, &reference);
            }
            // state-based merge (what a pull does) agrees with op-based merge
            let split = ops.len() / 2;
            let mut left = FieldState::default();
            for o in &ops[..split] { left.merge(o); }
            let mut right = FieldState::default();
            for o in &ops[split..] { right.merge(o); }
            left.absorb(&right);
            prop_assert_eq!(&left, &reference);
            let max = ops.iter().map(|o| o.hlc).max();
            prop_assert_eq!(reference.winner.as_ref().map(|w| w.hlc), max);
            let all_superseded: BTreeSet<Hlc> = ops.iter().flat_map(|o| o.supersedes.clone()).collect();
            for o in &ops {
                let is_loser = reference.losers.iter().any(|l| l.hlc == o.hlc);
                let expected = Some(o.hlc) != max && !all_superseded.contains(&o.hlc);
                prop_assert_eq!(is_loser, expected, "no concurrent value may be dropped");
            }
        }
    }
}
