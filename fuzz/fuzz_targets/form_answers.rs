//! Form definitions and answers: a definition loaded from JSON (`Registry::load_json`, as a newer form
//! version would arrive) and answers (as the apps send them through the FFI) validated against it and
//! against every bundled form, and upgraded from the bundled version of the same form.
//!
//! Input: the definition's JSON, a zero byte, the answers' JSON. Checked: nothing panics, a refused
//! definition leaves the registry as it was, and every issue names a field and says what is wrong in
//! Vietnamese and English.
#![no_main]

use chrono::NaiveDate;
use hoso_model::forms::{Answers, FormDefinition, Issue, Registry, upgrade_answers, validate};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn builtin() -> &'static Registry {
    static BUILTIN: OnceLock<Registry> = OnceLock::new();
    BUILTIN.get_or_init(Registry::builtin)
}

fn check(definition: &FormDefinition, answers: &Answers) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("a valid date");
    for issue in validate(definition, answers, today) {
        let Issue { field, message, .. } = issue;
        assert!(!field.is_empty(), "an issue names its field");
        assert!(!message.vi.is_empty() && !message.en.is_empty());
    }
}

fuzz_target!(|input: &[u8]| {
    let mut parts = input.splitn(2, |b| *b == 0);
    let Ok(definition) = std::str::from_utf8(parts.next().unwrap_or_default()) else {
        return;
    };
    let answers: Answers = parts
        .next()
        .and_then(|a| serde_json::from_slice(a).ok())
        .unwrap_or_default();
    let mut registry = builtin().clone();
    let before = registry.all_latest().len();
    let loaded = registry.load_json(definition).map(FormDefinition::clone);
    match loaded {
        Ok(definition) => {
            check(&definition, &answers);
            if let Some(bundled) = builtin().latest(&definition.id) {
                let upgraded = upgrade_answers(bundled, &definition, answers.clone());
                check(&definition, &upgraded.answers);
            }
        }
        Err(_) => assert_eq!(registry.all_latest().len(), before, "nothing half-loaded"),
    }
    for definition in builtin().all_latest() {
        check(definition, &answers);
    }
});
