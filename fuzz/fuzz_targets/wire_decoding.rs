//! Clocks, ops and field states as they arrive on the wire (JSON) and as stored (an HLC's text form):
//! whatever decodes survives a round trip unchanged, and nothing panics on the way, including the shape
//! check and the merge of a decoded op.
#![no_main]

use hoso_model::hlc::Hlc;
use hoso_model::merge::FieldState;
use hoso_model::op::FieldOp;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let text = serde_json::to_vec(value).expect("a decoded value serialises");
    let back: T = serde_json::from_slice(&text).expect("what was sent decodes");
    assert_eq!(&back, value, "the round trip changes nothing");
}

fuzz_target!(|input: &[u8]| {
    if let Ok(hlc) = serde_json::from_slice::<Hlc>(input) {
        round_trip(&hlc);
        assert_eq!(
            Hlc::decode(&hlc.encode()),
            Some(hlc),
            "the stored text form"
        );
    }
    if let Ok(text) = std::str::from_utf8(input)
        && let Some(hlc) = Hlc::decode(text)
    {
        assert_eq!(Hlc::decode(&hlc.encode()), Some(hlc));
    }
    if let Ok(state) = serde_json::from_slice::<FieldState>(input) {
        round_trip(&state);
        let mut merged = FieldState::default();
        merged.absorb(&state);
    }
    if let Ok(op) = serde_json::from_slice::<FieldOp>(input) {
        round_trip(&op);
        let _ = op.check_shape();
        let mut state = FieldState::default();
        state.merge(&op);
        let once = state.clone();
        state.merge(&op);
        assert_eq!(state, once, "merging an op twice changes nothing");
    }
});
