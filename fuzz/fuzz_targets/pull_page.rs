//! A pulled page as a device receives it: decoded into `PullResponse` (each field's state typed, the
//! strict wire format), then every state absorbed into a local replica. The device's own store is not
//! opened here (an encrypted database per input would be far slower than the merge it wraps): the
//! replica is a map of in-memory `FieldState`s, merged with the same `FieldState::absorb` the store uses.
//!
//! Checked: decoding never panics; absorbing is idempotent; the result is well formed (the winner is
//! the greatest version, losers ordered and distinct, none of them superseded) and survives a round
//! trip through JSON; two states of one field absorbed in either order agree when their versions do.
#![no_main]

use hoso_model::hlc::Hlc;
use hoso_model::merge::FieldState;
use hoso_model::protocol::PullResponse;
use libfuzzer_sys::fuzz_target;
use std::collections::{BTreeMap, HashMap};

fn assert_well_formed(state: &FieldState) {
    let mut previous: Option<Hlc> = None;
    for loser in &state.losers {
        assert!(
            previous.is_none_or(|p| p < loser.hlc),
            "losers ordered and distinct"
        );
        assert!(
            !state.superseded.contains(&loser.hlc),
            "a superseded loser is gone"
        );
        previous = Some(loser.hlc);
    }
    if let Some(winner) = &state.winner {
        assert!(
            state.losers.iter().all(|l| l.hlc < winner.hlc),
            "the winner is the greatest version"
        );
    } else {
        assert!(state.losers.is_empty(), "no loser without a winner");
    }
}

/// Whether every clock that appears in both states stands for the same version in each (as it does
/// between honest replicas: a clock names one op).
fn consistent(a: &FieldState, b: &FieldState) -> bool {
    let versions = |s: &FieldState| {
        s.winner
            .iter()
            .chain(&s.losers)
            .map(|v| (v.hlc, v.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    let (a, b) = (versions(a), versions(b));
    a.len() + b.len() > 0 && a.iter().all(|(hlc, v)| b.get(hlc).is_none_or(|w| w == v))
}

fuzz_target!(|input: &[u8]| {
    let Ok(page) = serde_json::from_slice::<PullResponse>(input) else {
        return;
    };
    let mut replica: HashMap<(String, String), FieldState> = HashMap::new();
    let mut received: HashMap<(String, String), Vec<FieldState>> = HashMap::new();
    for record in page.records {
        for (field, state) in record.fields {
            let key = (record.record_id.clone(), field);
            let local = replica.entry(key.clone()).or_default();
            local.absorb(&state);
            let once = local.clone();
            local.absorb(&state);
            assert_eq!(*local, once, "absorbing a state twice changes nothing");
            assert_well_formed(local);
            let text = serde_json::to_string(&*local).expect("a state serialises");
            let back: FieldState = serde_json::from_str(&text).expect("and decodes again");
            assert_eq!(back, *local, "a state survives the round trip");
            received.entry(key).or_default().push(state);
        }
    }
    for states in received.values() {
        if let [a, b, ..] = states.as_slice()
            && consistent(a, b)
            && consistent(b, a)
        {
            let mut ab = a.clone();
            ab.absorb(b);
            let mut ba = b.clone();
            ba.absorb(a);
            assert_eq!(ab, ba, "absorbing in either order agrees");
        }
    }
});
