//! Administrative-unit data as a newer list would arrive (`AdminUnits::from_csv`): provinces CSV, a zero
//! byte, communes CSV, a zero byte, a query. Checked: nothing panics; a list that loads is consistent —
//! every commune it holds passes `check_area` with its own province — and searching it never fails.
#![no_main]

use hoso_model::admin_units::AdminUnits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let mut parts = text.splitn(3, '\0');
    let provinces = parts.next().unwrap_or_default();
    let communes = parts.next().unwrap_or_default();
    let query = parts.next().unwrap_or_default();
    let Ok(units) = AdminUnits::from_csv("fuzz", provinces, communes) else {
        return;
    };
    // The codes the communes CSV names (its first column, read roughly: a quoted code is skipped).
    let codes = communes.lines().filter_map(|line| line.split(',').next());
    let mut provinces_seen = Vec::new();
    for commune in codes.filter_map(|code| units.commune(code.trim())) {
        assert!(
            units
                .check_area(&commune.code, &commune.province_code)
                .is_ok(),
            "a commune the list holds is a valid area"
        );
        provinces_seen.push(commune.province_code.clone());
    }
    for province in provinces_seen.iter().take(4) {
        let _ = units.search_communes(province, query, 10);
        let _ = units.communes_of(province);
    }
    let _ = units.find(query);
    let _ = units.check_area(query, query);
});
