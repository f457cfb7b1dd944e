//! Provinces and communes (QĐ 19/2025/QĐ-TTg codes) as updatable data, never compiled-in rules.
//!
//! The bundled lists are the whole official list (34 provinces, 3,321 communes; source and version in
//! `data/admin_units/README.md`), so an unknown commune code is refused. A newer list is loaded at run
//! time from the same two CSV files, read with a real CSV reader: a quoted name may hold commas.

use crate::fold::fold;
use crate::i18n::Localized;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const PROVINCES_CSV: &str = include_str!("../data/admin_units/provinces.csv");
const COMMUNES_CSV: &str = include_str!("../data/admin_units/communes.csv");
const PROVINCE_COLUMNS: [&str; 3] = ["code", "name", "kind"];
const COMMUNE_COLUMNS: [&str; 4] = ["code", "name", "kind", "province_code"];
/// Which list is bundled: its legal basis and the dataset it was converted from.
pub const BUILTIN_VERSION: &str =
    "QĐ 19/2025/QĐ-TTg (2025-07-01), danhmuchanhchinh.nso.gov.vn via vietnam-provinces v2026.01.0";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Province {
    pub code: String,
    pub name: String,
    /// `tinh` or `thanh_pho`.
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commune {
    pub code: String,
    pub name: String,
    /// `xa`, `phuong` or `dac_khu`.
    pub kind: String,
    pub province_code: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUnits {
    pub version: String,
    /// Whether the commune list is the whole official list. Only a complete list can refuse an unknown
    /// commune code; the bundled list is complete.
    pub complete: bool,
    pub provinces: BTreeMap<String, Province>,
    pub communes: BTreeMap<String, Commune>,
}

fn digits(text: &str, n: usize) -> bool {
    text.len() == n && text.bytes().all(|b| b.is_ascii_digit())
}

fn line_error(file: &str, line: u64, vi: &str, en: &str) -> Localized {
    Localized::new(
        format!("{file}, dòng {line}: {vi}"),
        format!("{file}, line {line}: {en}"),
    )
}

fn unreadable(file: &str, error: &csv::Error) -> Localized {
    let line = error.position().map_or(1, csv::Position::line);
    line_error(
        file,
        line,
        "không đọc được dòng này (CSV, UTF-8).",
        "this line cannot be read (CSV, UTF-8).",
    )
}

/// The data rows of a CSV file whose first line names `columns`, each with the line it starts on.
fn rows<const N: usize>(
    text: &str,
    columns: [&str; N],
    file: &str,
) -> Result<Vec<(u64, [String; N])>, Localized> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| unreadable(file, &e))?;
    if !header.iter().eq(columns) {
        let expected = columns.join(",");
        return Err(line_error(
            file,
            1,
            &format!("dòng đầu phải là {expected}."),
            &format!("the first line must be {expected}."),
        ));
    }
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| unreadable(file, &e))?;
        let line = record.position().map_or(1, csv::Position::line);
        let cells: Vec<String> = record.iter().map(str::to_string).collect();
        match <[String; N]>::try_from(cells) {
            Ok(cells) if cells.iter().all(|c| !c.is_empty()) => out.push((line, cells)),
            _ => {
                return Err(line_error(
                    file,
                    line,
                    &format!("cần đúng {N} cột, không để trống."),
                    &format!("needs exactly {N} non-empty columns."),
                ));
            }
        }
    }
    Ok(out)
}

fn parse_provinces(text: &str) -> Result<BTreeMap<String, Province>, Localized> {
    let file = "provinces.csv";
    let mut provinces = BTreeMap::new();
    for (line, [code, name, kind]) in rows(text, PROVINCE_COLUMNS, file)? {
        if !digits(&code, 2) {
            return Err(line_error(
                file,
                line,
                "mã tỉnh phải gồm 2 chữ số.",
                "a province code has 2 digits.",
            ));
        }
        if !matches!(kind.as_str(), "tinh" | "thanh_pho") {
            return Err(line_error(
                file,
                line,
                "loại phải là tinh hoặc thanh_pho.",
                "kind must be tinh or thanh_pho.",
            ));
        }
        if provinces
            .insert(code.clone(), Province { code, name, kind })
            .is_some()
        {
            return Err(line_error(
                file,
                line,
                "mã tỉnh bị trùng.",
                "duplicate province code.",
            ));
        }
    }
    Ok(provinces)
}

fn parse_communes(
    text: &str,
    provinces: &BTreeMap<String, Province>,
) -> Result<BTreeMap<String, Commune>, Localized> {
    let file = "communes.csv";
    let mut communes = BTreeMap::new();
    for (line, [code, name, kind, province_code]) in rows(text, COMMUNE_COLUMNS, file)? {
        if !digits(&code, 5) {
            return Err(line_error(
                file,
                line,
                "mã xã phải gồm 5 chữ số.",
                "a commune code has 5 digits.",
            ));
        }
        if !matches!(kind.as_str(), "xa" | "phuong" | "dac_khu") {
            return Err(line_error(
                file,
                line,
                "loại phải là xa, phuong hoặc dac_khu.",
                "kind must be xa, phuong or dac_khu.",
            ));
        }
        if !provinces.contains_key(&province_code) {
            return Err(line_error(
                file,
                line,
                "tỉnh của xã không có trong danh sách.",
                "the commune's province is not listed.",
            ));
        }
        let commune = Commune {
            code: code.clone(),
            name,
            kind,
            province_code,
        };
        if communes.insert(code, commune).is_some() {
            return Err(line_error(
                file,
                line,
                "mã xã bị trùng.",
                "duplicate commune code.",
            ));
        }
    }
    Ok(communes)
}

impl AdminUnits {
    /// The bundled list: every province and commune of QĐ 19/2025/QĐ-TTg.
    /// The version name of the bundled list.
    pub fn builtin_version() -> &'static str {
        BUILTIN_VERSION
    }

    pub fn builtin() -> AdminUnits {
        AdminUnits::from_csv(BUILTIN_VERSION, PROVINCES_CSV, COMMUNES_CSV)
            .expect("the bundled lists are valid: a unit test loads them")
    }

    /// Loads a newer, whole list. Strict: refuses the whole file, naming the line, never half of it.
    pub fn from_csv(
        version: &str,
        provinces_csv: &str,
        communes_csv: &str,
    ) -> Result<AdminUnits, Localized> {
        let provinces = parse_provinces(provinces_csv)?;
        let communes = parse_communes(communes_csv, &provinces)?;
        Ok(AdminUnits {
            version: version.to_string(),
            complete: true,
            provinces,
            communes,
        })
    }

    pub fn province(&self, code: &str) -> Option<&Province> {
        self.provinces.get(code)
    }

    pub fn commune(&self, code: &str) -> Option<&Commune> {
        self.communes.get(code)
    }

    pub fn communes_of(&self, province_code: &str) -> Vec<&Commune> {
        self.communes
            .values()
            .filter(|c| c.province_code == province_code)
            .collect()
    }

    /// What a commune picker shows as the user types: the province's communes whose name contains the
    /// query, both folded ("tan hiep" finds "Tân Hiệp", "duc" finds "Đức"), in alphabetical order of the
    /// folded names, at most `limit`. An empty query lists the province's communes from the start.
    pub fn search_communes(&self, province_code: &str, query: &str, limit: usize) -> Vec<&Commune> {
        let query = fold(query);
        let mut found: Vec<(String, &Commune)> = self
            .communes
            .values()
            .filter(|c| c.province_code == province_code)
            .map(|c| (fold(&c.name), c))
            .filter(|(name, _)| name.contains(&query))
            .collect();
        found.sort_by(|(a, x), (b, y)| {
            a.cmp(b)
                .then_with(|| x.name.cmp(&y.name))
                .then_with(|| x.code.cmp(&y.code))
        });
        found.into_iter().take(limit).map(|(_, c)| c).collect()
    }

    /// Whether an area's codes are consistent with the list. An unknown commune is refused only by a
    /// complete list that has communes for the province; otherwise its format alone is checked.
    pub fn check_area(&self, commune_code: &str, province_code: &str) -> Result<(), Localized> {
        if !digits(commune_code, 5) || !digits(province_code, 2) {
            return Err(Localized::new(
                "Mã xã phải gồm 5 chữ số và mã tỉnh 2 chữ số (QĐ 19/2025/QĐ-TTg).",
                "A commune code has 5 digits and a province code 2 (QĐ 19/2025/QĐ-TTg).",
            ));
        }
        if self.province(province_code).is_none() {
            return Err(Localized::new(
                "Mã tỉnh không có trong danh mục.",
                "The province code is not in the list.",
            ));
        }
        // Whether the list has the province's communes: a scan of every commune, done only when
        // the commune is not found (this runs for every new record a push places).
        let known_communes = || {
            self.complete
                && self
                    .communes
                    .values()
                    .any(|c| c.province_code == province_code)
        };
        match self.commune(commune_code) {
            Some(commune) if commune.province_code != province_code => Err(Localized::new(
                "Xã này không thuộc tỉnh đã chọn.",
                "This commune does not belong to the chosen province.",
            )),
            None if known_communes() => Err(Localized::new(
                "Mã xã không có trong danh mục của tỉnh.",
                "The commune code is not in the province's list.",
            )),
            _ => Ok(()),
        }
    }

    /// Provinces and communes whose folded name contains the folded query ("dak lak" finds "Đắk Lắk").
    pub fn find(&self, query: &str) -> Vec<(String, String)> {
        let query = fold(query);
        if query.is_empty() {
            return Vec::new();
        }
        let provinces = self
            .provinces
            .values()
            .map(|p| (p.code.clone(), p.name.clone()));
        let communes = self
            .communes
            .values()
            .map(|c| (c.code.clone(), c.name.clone()));
        provinces
            .chain(communes)
            .filter(|(_, name)| fold(name).contains(&query))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(communes: &[&Commune]) -> Vec<String> {
        communes.iter().map(|c| c.code.clone()).collect()
    }

    #[test]
    fn the_bundled_list_is_every_province_and_commune_of_qd_19_2025() {
        let units = AdminUnits::builtin();
        assert!(units.complete);
        assert_eq!(units.provinces.len(), 34);
        assert_eq!(units.communes.len(), 3321);
        assert!(units.provinces.values().all(|p| digits(&p.code, 2)));
        assert!(units.communes.values().all(|c| digits(&c.code, 5)));
        assert!(
            units
                .communes
                .values()
                .all(|c| units.province(&c.province_code).is_some())
        );
        let special_zones = units.communes.values().filter(|c| c.kind == "dac_khu");
        assert_eq!(special_zones.count(), 13);
        assert_eq!(
            units.commune("25920"),
            Some(&Commune {
                code: "25920".into(),
                name: "Tân Hiệp".into(),
                kind: "phuong".into(),
                province_code: "79".into(),
            })
        );
        assert_eq!(units.province("01").unwrap().name, "Hà Nội");
        assert_eq!(units.province("79").unwrap().kind, "thanh_pho");
        assert_eq!(units.province("66").unwrap().name, "Đắk Lắk");
        assert_eq!(units.commune("00004").unwrap().province_code, "01");
        assert!(
            units.province("02").is_none(),
            "old province codes are not in the 2025 list"
        );
    }

    #[test]
    fn the_whole_list_refuses_a_commune_code_it_does_not_hold() {
        let units = AdminUnits::builtin();
        assert!(units.check_area("25920", "79").is_ok());
        assert!(units.check_area("03151", "11").is_ok());
        let unknown = units.check_area("99999", "01").unwrap_err();
        assert_eq!(unknown.vi, "Mã xã không có trong danh mục của tỉnh.");
        assert_eq!(
            unknown.en,
            "The commune code is not in the province's list."
        );
        assert!(
            units.check_area("26734", "79").is_err(),
            "a pre-2025 ward merged away"
        );
        let elsewhere = units.check_area("00004", "79").unwrap_err();
        assert!(elsewhere.vi.contains("không thuộc"));
        assert!(units.check_area("1234", "40").is_err());
        assert!(units.check_area("12345", "02").is_err());
        let partial = AdminUnits {
            complete: false,
            ..units
        };
        assert!(
            partial.check_area("99999", "01").is_ok(),
            "a list marked partial checks the format only"
        );
    }

    #[test]
    fn names_are_found_without_diacritics() {
        let units = AdminUnits::builtin();
        assert_eq!(
            units.find("dak lak"),
            vec![("66".to_string(), "Đắk Lắk".to_string())]
        );
        assert!(
            units
                .find("tan hiep")
                .iter()
                .any(|(code, _)| code == "25920")
        );
    }

    #[test]
    fn a_commune_picker_finds_the_typed_name_folded_and_in_order() {
        let units = AdminUnits::builtin();
        assert_eq!(
            codes(&units.search_communes("79", "tan hiep", 20)),
            ["25920"]
        );
        assert_eq!(
            codes(&units.search_communes("79", "duc", 20)),
            ["26596", "27043", "27511", "26824"],
            "Châu Đức, Đức Nhuận, Nhuận Đức, Thủ Đức"
        );
        assert_eq!(
            codes(&units.search_communes("79", "  ĐỨC ", 2)),
            ["26596", "27043"]
        );
        assert!(
            units.search_communes("01", "tan hiep", 20).is_empty(),
            "only the chosen province's communes"
        );
        let first = units.search_communes("79", "", 3);
        let names: Vec<&str> = first.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["An Đông", "An Hội Đông", "An Hội Tây"]);
        assert_eq!(units.search_communes("79", "", usize::MAX).len(), 168);
    }

    #[test]
    fn a_quoted_name_may_hold_commas_and_quotes() {
        let units = AdminUnits::from_csv(
            "x",
            "code,name,kind\r\n01,\"Hà Nội, Thủ đô\",thanh_pho\r\n",
            "code,name,kind,province_code\n00004,\"Ba Đình \"\"Mới\"\", Trung tâm\",phuong,01\n\n",
        )
        .unwrap();
        assert_eq!(units.province("01").unwrap().name, "Hà Nội, Thủ đô");
        assert_eq!(
            units.commune("00004").unwrap().name,
            "Ba Đình \"Mới\", Trung tâm"
        );
    }

    #[test]
    fn a_malformed_update_is_refused_whole_with_its_line() {
        let bad_code = AdminUnits::from_csv(
            "x",
            "code,name,kind\n01,Hà Nội,thanh_pho\n1,Cao Bằng,tinh\n",
            "code,name,kind,province_code\n",
        );
        assert_eq!(
            bad_code.unwrap_err().vi,
            "provinces.csv, dòng 3: mã tỉnh phải gồm 2 chữ số."
        );
        let orphan = AdminUnits::from_csv(
            "x",
            "code,name,kind\n01,Hà Nội,thanh_pho\n",
            "code,name,kind,province_code\n00004,Ba Đình,phuong,79\n",
        );
        assert!(orphan.unwrap_err().en.contains("line 2"));
        let unquoted_comma = AdminUnits::from_csv(
            "x",
            "code,name,kind\n01,Hà Nội,thanh_pho\n",
            "code,name,kind,province_code\n00004,Ba Đình,phuong,01\n00008,Ngọc Hà, Mới,phuong,01\n",
        );
        assert_eq!(
            unquoted_comma.unwrap_err().en,
            "communes.csv, line 3: needs exactly 4 non-empty columns."
        );
        let swapped_columns = AdminUnits::from_csv(
            "x",
            "name,code,kind\nHà Nội,01,thanh_pho\n",
            "code,name,kind,province_code\n",
        );
        assert_eq!(
            swapped_columns.unwrap_err().vi,
            "provinces.csv, dòng 1: dòng đầu phải là code,name,kind."
        );
        let updated = AdminUnits::from_csv(
            "2026-04-30",
            "code,name,kind\n01,Hà Nội,thanh_pho\n",
            "code,name,kind,province_code\n00004,Ba Đình,phuong,01\n",
        )
        .unwrap();
        assert_eq!(updated.version, "2026-04-30");
        assert_eq!(updated.communes_of("01").len(), 1);
    }
}
