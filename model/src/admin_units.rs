//! Provinces and communes (QĐ 19/2025/QĐ-TTg codes) as updatable data, never compiled-in rules.

use crate::fold::fold;
use crate::i18n::Localized;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const PROVINCES_CSV: &str = include_str!("../data/admin_units/provinces.csv");
const COMMUNES_CSV: &str = include_str!("../data/admin_units/communes.csv");
/// The date of the bundled lists' legal basis.
pub const BUILTIN_VERSION: &str = "QĐ 19/2025/QĐ-TTg (2025-07-01), partial communes";

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
    /// commune code; the bundled list is partial.
    pub complete: bool,
    pub provinces: BTreeMap<String, Province>,
    pub communes: BTreeMap<String, Commune>,
}

fn digits(text: &str, n: usize) -> bool {
    text.len() == n && text.bytes().all(|b| b.is_ascii_digit())
}

fn line_error(file: &str, line: usize, vi: &str, en: &str) -> Localized {
    Localized::new(
        format!("{file}, dòng {line}: {vi}"),
        format!("{file}, line {line}: {en}"),
    )
}

fn rows(text: &str, columns: usize, file: &str) -> Result<Vec<(usize, Vec<String>)>, Localized> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<String> = line.split(',').map(|c| c.trim().to_string()).collect();
        if cells.len() != columns || cells.iter().any(String::is_empty) {
            return Err(line_error(
                file,
                index + 1,
                &format!("cần đúng {columns} cột, không để trống."),
                &format!("needs exactly {columns} non-empty columns."),
            ));
        }
        out.push((index + 1, cells));
    }
    Ok(out)
}

impl AdminUnits {
    pub fn builtin() -> AdminUnits {
        let units = AdminUnits::from_csv(BUILTIN_VERSION, PROVINCES_CSV, COMMUNES_CSV)
            .expect("the bundled lists are valid");
        AdminUnits {
            complete: false,
            ..units
        }
    }

    /// Loads a newer list. Strict: refuses the whole file, naming the line, rather than half-load it.
    pub fn from_csv(
        version: &str,
        provinces_csv: &str,
        communes_csv: &str,
    ) -> Result<AdminUnits, Localized> {
        let mut provinces = BTreeMap::new();
        for (line, cells) in rows(provinces_csv, 3, "provinces.csv")? {
            let [code, name, kind] = <[String; 3]>::try_from(cells).expect("3 columns checked");
            if !digits(&code, 2) {
                return Err(line_error(
                    "provinces.csv",
                    line,
                    "mã tỉnh phải gồm 2 chữ số.",
                    "a province code has 2 digits.",
                ));
            }
            if !matches!(kind.as_str(), "tinh" | "thanh_pho") {
                return Err(line_error(
                    "provinces.csv",
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
                    "provinces.csv",
                    line,
                    "mã tỉnh bị trùng.",
                    "duplicate province code.",
                ));
            }
        }
        let mut communes = BTreeMap::new();
        for (line, cells) in rows(communes_csv, 4, "communes.csv")? {
            let [code, name, kind, province_code] =
                <[String; 4]>::try_from(cells).expect("4 columns checked");
            if !digits(&code, 5) {
                return Err(line_error(
                    "communes.csv",
                    line,
                    "mã xã phải gồm 5 chữ số.",
                    "a commune code has 5 digits.",
                ));
            }
            if !matches!(kind.as_str(), "xa" | "phuong" | "dac_khu") {
                return Err(line_error(
                    "communes.csv",
                    line,
                    "loại phải là xa, phuong hoặc dac_khu.",
                    "kind must be xa, phuong or dac_khu.",
                ));
            }
            if !provinces.contains_key(&province_code) {
                return Err(line_error(
                    "communes.csv",
                    line,
                    "tỉnh của xã không có trong danh sách.",
                    "the commune's province is not listed.",
                ));
            }
            if communes
                .insert(
                    code.clone(),
                    Commune {
                        code,
                        name,
                        kind,
                        province_code,
                    },
                )
                .is_some()
            {
                return Err(line_error(
                    "communes.csv",
                    line,
                    "mã xã bị trùng.",
                    "duplicate commune code.",
                ));
            }
        }
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
        let known_communes = self.complete
            && self
                .communes
                .values()
                .any(|c| c.province_code == province_code);
        match self.commune(commune_code) {
            Some(commune) if commune.province_code != province_code => Err(Localized::new(
                "Xã này không thuộc tỉnh đã chọn.",
                "This commune does not belong to the chosen province.",
            )),
            None if known_communes => Err(Localized::new(
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

    #[test]
    fn the_34_provinces_keep_their_codes_with_leading_zeros() {
        let units = AdminUnits::builtin();
        assert_eq!(units.provinces.len(), 34);
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
    fn areas_are_checked_against_the_list_and_names_found_without_diacritics() {
        let units = AdminUnits::builtin();
        assert!(units.check_area("25920", "79").is_ok());
        assert!(
            units
                .check_area("00004", "79")
                .unwrap_err()
                .vi
                .contains("không thuộc")
        );
        assert!(
            units.check_area("99999", "01").is_ok(),
            "the bundled list is partial: format only"
        );
        assert!(units.check_area("12345", "40").is_ok());
        let complete = AdminUnits::from_csv(
            "x",
            "code,name,kind\n01,Hà Nội,thanh_pho\n",
            "code,name,kind,province_code\n00004,Ba Đình,phuong,01\n",
        )
        .unwrap();
        assert!(
            complete
                .check_area("99999", "01")
                .unwrap_err()
                .vi
                .contains("không có trong danh mục")
        );
        assert!(units.check_area("1234", "40").is_err());
        assert!(units.check_area("12345", "02").is_err());
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
