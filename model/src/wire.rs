//! Decoding that accepts the documented JSON and nothing looser: serde's derived structs also take a
//! JSON array of their fields in order, so `{"millis": 1, "counter": 0, "node": 2}` and `[1, 0, 2]`
//! would both be an HLC. [`from_object`] takes only the object.

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::marker::PhantomData;

/// Decodes `T` (a derived struct) from a JSON object only.
pub fn from_object<'de, D, T>(deserializer: D, expecting: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct ObjectOnly<T> {
        expecting: &'static str,
        target: PhantomData<T>,
    }
    impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOnly<T> {
        type Value = T;

        fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str(self.expecting)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    deserializer.deserialize_map(ObjectOnly {
        expecting,
        target: PhantomData,
    })
}

#[cfg(test)]
mod tests {
    use crate::hlc::Hlc;
    use crate::op::FieldOp;
    use serde_json::json;

    #[test]
    fn an_hlc_is_an_object_with_its_three_fields_and_nothing_else() {
        let hlc: Hlc = serde_json::from_value(json!({"millis": 5, "counter": 1, "node": 9}))
            .expect("the documented form");
        assert_eq!(hlc, Hlc::new(5, 1, 9));
        assert!(serde_json::from_value::<Hlc>(json!([5, 1, 9])).is_err());
        assert!(
            serde_json::from_value::<Hlc>(json!({"millis": 5, "counter": 1, "node": 9, "x": 0}))
                .is_err()
        );
    }

    #[test]
    fn an_op_is_an_object_and_its_clocks_are_objects() {
        let op = json!({
            "op_id": "0190a0b0-0000-7000-8000-000000000001",
            "record_id": "0190a0b0-0000-7000-8000-000000000002",
            "kind": "person", "field": "full_name", "value": "A",
            "hlc": {"millis": 5, "counter": 1, "node": 9},
            "device_id": "d", "author": "u"
        });
        let decoded: FieldOp = serde_json::from_value(op.clone()).expect("the documented form");
        assert_eq!(decoded.hlc, Hlc::new(5, 1, 9));
        let mut array_clock = op.clone();
        array_clock["hlc"] = json!([5, 1, 9]);
        assert!(serde_json::from_value::<FieldOp>(array_clock).is_err());
        let as_array = json!([
            op["op_id"], op["record_id"], "person", "full_name", "A",
            {"millis": 5, "counter": 1, "node": 9}, [], "d", "u"
        ]);
        assert!(serde_json::from_value::<FieldOp>(as_array).is_err());
    }
}
