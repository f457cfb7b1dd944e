//! Realistic, deterministic Vietnamese demo data: names, birth dates, citizen IDs, phones, addresses and
//! visit notes drawn from varied lists, so that benchmarks and compression are not flattered by
//! repeated strings. Used by the benchmarks, the simulator and the server's demo dataset. Also photo-like
//! pixels ([`photo_scene`]) for the photo benchmarks and the simulator's uploads.

use crate::op::{RecordKind, Value, new_id};
use chrono::{Days, NaiveDate};
use serde_json::json;

/// A small seeded generator (SplitMix64): the same seed gives the same data on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const SURNAMES: &[&str] = &[
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan",
    "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đoàn", "Lâm", "Mai",
    "Trịnh", "Cao", "Lương", "Tạ", "Hà", "Kiều", "Quách", "Thái", "Triệu", "Châu", "La", "Lò",
    "Hứa", "Giàng", "Sùng", "Y",
];
const MIDDLE_MALE: &[&str] = &[
    "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thanh", "Xuân", "Công", "Bảo", "Gia", "Ngọc",
    "Trọng", "Đình", "Anh",
];
const MIDDLE_FEMALE: &[&str] = &[
    "Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Kim", "Phương", "Hoài", "Mỹ", "Bích", "Diệu",
    "Hồng", "Khánh", "Minh",
];
const GIVEN_MALE: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khánh",
    "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa", "Phúc", "Phong", "Quân", "Quang",
    "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt",
    "Vinh", "Vũ", "Đạt", "Định", "Hưng",
];
const GIVEN_FEMALE: &[&str] = &[
    "Anh",
    "Châu",
    "Chi",
    "Diệp",
    "Dung",
    "Duyên",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hiền",
    "Hoa",
    "Hồng",
    "Huệ",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Nga",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phượng",
    "Quỳnh",
    "Thảo",
    "Thơ",
    "Thủy",
    "Trang",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Xuân",
    "Yến",
    "Ánh",
    "Đào",
];
const PLACES: &[&str] = &[
    "Tân Hiệp",
    "Phú Lợi",
    "Bình An",
    "Hòa Thành",
    "Đông Xuân",
    "Tân Phú",
    "Long Hưng",
    "An Bình",
    "Phước Lộc",
    "Thạnh Mỹ",
    "Hưng Đạo",
    "Quang Trung",
    "Lê Lợi",
    "Trần Phú",
    "Nguyễn Trãi",
    "Hòa Lạc",
    "Đồng Tâm",
    "Yên Thế",
    "Mường Chà",
    "Bản Lầu",
    "Sa Pả",
    "Ea Kar",
    "Krông Pắc",
    "Cư Jút",
    "Đắk Mil",
];
const STREETS: &[&str] = &[
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phan Chu Trinh",
    "Võ Thị Sáu",
    "Nguyễn Văn Cừ",
    "Điện Biên Phủ",
    "Cách Mạng Tháng Tám",
    "Hùng Vương",
    "Bà Triệu",
];
const OBSERVATIONS: &[&str] = &[
    "Đối tượng sức khỏe ổn định, ăn ngủ bình thường",
    "Cụ bà đau khớp gối, đi lại khó khăn hơn tháng trước",
    "Cháu đi học đều, cô giáo chủ nhiệm nhận xét tiến bộ môn toán",
    "Nhà dột phần mái bếp sau đợt mưa lớn tuần trước",
    "Gia đình thiếu gạo cuối tháng, thu nhập chủ yếu từ làm thuê",
    "Người chăm sóc chính là con gái, đang đi làm xa",
    "Anh có dấu hiệu căng thẳng, ít nói chuyện với hàng xóm",
    "Chị đã tham gia lớp học nghề may tại trung tâm xã",
    "Em chưa có giấy khai sinh bản chính, đang chờ cấp lại",
    "Bà sống một mình, hàng xóm thường sang trông nom",
    "Thuốc điều trị ARV được nhận đủ tại trạm y tế",
    "Xe lăn được cấp đã hỏng bánh trước",
    "Hộ mới được công nhận hộ cận nghèo năm nay",
    "Không gặp được đối tượng, người nhà cho biết đi làm rẫy",
];
const ACTIONS: &[&str] = &[
    "Đã hướng dẫn gia đình làm hồ sơ đề nghị trợ cấp xã hội hằng tháng",
    "Đã liên hệ trạm y tế xã để khám định kỳ vào tuần sau",
    "Đã kết nối với Hội Phụ nữ xã hỗ trợ vốn chăn nuôi",
    "Đã tư vấn tâm lý khoảng 30 phút, hẹn gặp lại",
    "Đã chuyển tuyến đến Trung tâm công tác xã hội tỉnh",
    "Đã báo cáo Chủ tịch UBND xã về nhu cầu sửa nhà",
    "Đã trao quà hỗ trợ 10 kg gạo và nhu yếu phẩm",
    "Đã phối hợp với nhà trường miễn học phí học kỳ này",
    "Đã hướng dẫn người chăm sóc cách tập vận động tại nhà",
    "Đã đề nghị cấp lại thẻ bảo hiểm y tế bị mất",
];
const NEXT_STEPS: &[&str] = &[
    "Tuần sau thăm lại để kiểm tra việc khám bệnh",
    "Theo dõi kết quả xét duyệt trợ cấp",
    "Cần họp gia đình để thống nhất người chăm sóc",
    "Đề xuất điều chỉnh kế hoạch ở lần rà soát tới",
    "Tiếp tục theo dõi tình hình học tập của cháu",
    "Chờ phản hồi của trung tâm về việc tiếp nhận",
];

#[derive(Clone, Debug, PartialEq)]
pub struct Person {
    pub full_name: String,
    pub sex: &'static str,
    pub birth_date: NaiveDate,
    pub citizen_id: String,
    pub phone: String,
    pub address: String,
}

pub fn full_name(rng: &mut Rng, female: bool) -> String {
    let (middle, given) = if female {
        (MIDDLE_FEMALE, GIVEN_FEMALE)
    } else {
        (MIDDLE_MALE, GIVEN_MALE)
    };
    if rng.chance(30) {
        format!(
            "{} {} {} {}",
            rng.pick(SURNAMES),
            rng.pick(middle),
            rng.pick(middle),
            rng.pick(given)
        )
    } else {
        format!(
            "{} {} {}",
            rng.pick(SURNAMES),
            rng.pick(middle),
            rng.pick(given)
        )
    }
}

pub fn address(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => format!("Thôn {}, xã {}", rng.below(15) + 1, rng.pick(PLACES)),
        1 => format!(
            "Tổ {}, khu phố {}, phường {}",
            rng.below(40) + 1,
            rng.below(9) + 1,
            rng.pick(PLACES)
        ),
        _ => format!(
            "Số {} đường {}, xã {}",
            rng.below(300) + 1,
            rng.pick(STREETS),
            rng.pick(PLACES)
        ),
    }
}

/// A 12-digit citizen ID consistent with the birth year and sex (TT 59/2021/TT-BCA Điều 7).
pub fn citizen_id(rng: &mut Rng, birth: NaiveDate, female: bool) -> String {
    use chrono::Datelike;
    let century = (birth.year() / 100 - 19).clamp(0, 4) as u64;
    let sex_century = century * 2 + u64::from(female);
    let province = [
        1u64, 4, 8, 11, 15, 19, 22, 24, 25, 31, 33, 38, 40, 42, 46, 48, 56, 66, 79, 82, 92, 96,
    ];
    format!(
        "{:03}{}{:02}{:06}",
        rng.pick(&province),
        sex_century,
        birth.year() % 100,
        rng.below(1_000_000)
    )
}

pub fn phone(rng: &mut Rng) -> String {
    let prefixes = [
        "32", "33", "34", "35", "36", "37", "38", "39", "70", "76", "77", "78", "79", "81", "83",
        "84", "85", "86", "88", "89", "90", "91", "93", "94", "96", "97", "98",
    ];
    format!("0{}{:07}", rng.pick(&prefixes), rng.below(10_000_000))
}

/// A day between `min_age` and `max_age` years before `today`.
pub fn birth_date(rng: &mut Rng, today: NaiveDate, min_age: u64, max_age: u64) -> NaiveDate {
    let days = min_age * 365 + rng.below((max_age - min_age).max(1) * 365);
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

pub fn person(rng: &mut Rng, today: NaiveDate, min_age: u64, max_age: u64) -> Person {
    let female = rng.chance(55);
    let birth_date = birth_date(rng, today, min_age, max_age);
    Person {
        full_name: full_name(rng, female),
        sex: if female { "female" } else { "male" },
        birth_date,
        citizen_id: citizen_id(rng, birth_date, female),
        phone: phone(rng),
        address: address(rng),
    }
}

/// A visit note of two to four varied sentences.
pub fn visit_note(rng: &mut Rng) -> String {
    let mut sentences = vec![rng.pick(OBSERVATIONS).to_string()];
    if rng.chance(60) {
        sentences.push(rng.pick(OBSERVATIONS).to_string());
    }
    sentences.push(rng.pick(ACTIONS).to_string());
    if rng.chance(50) {
        sentences.push(rng.pick(NEXT_STEPS).to_string());
    }
    format!("{}.", sentences.join(". "))
}

pub fn action_note(rng: &mut Rng) -> String {
    rng.pick(ACTIONS).to_string()
}

/// One record of a generated caseload: its id, kind and fields in the order a worker records them
/// (a child's link to its case first).
#[derive(Clone, Debug, PartialEq)]
pub struct DemoRecord {
    pub id: String,
    pub kind: RecordKind,
    pub fields: Vec<(String, Value)>,
}

/// One commune's caseload as collaborators record it: per case a household, the subject, the case and
/// `visits_per_case` Mẫu 05 visit notes about a month apart.
pub fn commune_caseload(
    rng: &mut Rng,
    today: NaiveDate,
    commune_code: &str,
    province_code: &str,
    cases: usize,
    visits_per_case: usize,
) -> Vec<DemoRecord> {
    let fields = |pairs: Vec<(&str, Value)>| -> Vec<(String, Value)> {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    let mut records = Vec::with_capacity(cases * (3 + visits_per_case));
    for _ in 0..cases {
        let p = person(rng, today, 0, 95);
        let (household, subject, case) = (new_id(), new_id(), new_id());
        records.push(DemoRecord {
            id: household.clone(),
            kind: RecordKind::Household,
            fields: fields(vec![
                ("commune_code", json!(commune_code)),
                ("province_code", json!(province_code)),
                ("address", json!(p.address)),
                ("head_name", json!(full_name(rng, false))),
            ]),
        });
        records.push(DemoRecord {
            id: subject.clone(),
            kind: RecordKind::Person,
            fields: fields(vec![
                ("household_id", json!(household)),
                ("full_name", json!(p.full_name)),
                ("birth_date", json!(p.birth_date.to_string())),
                ("sex", json!(p.sex)),
                ("citizen_id", json!(p.citizen_id)),
                ("phone", json!(p.phone)),
            ]),
        });
        let opened = today - Days::new(rng.below(700) + 30);
        let category = *rng.pick(&["ND20-D5-K6", "ND20-D5-K5-a", "ND20-D5-K1-b", "ND20-D5-K8"]);
        records.push(DemoRecord {
            id: case.clone(),
            kind: RecordKind::Case,
            fields: fields(vec![
                ("commune_code", json!(commune_code)),
                ("province_code", json!(province_code)),
                ("subject_id", json!(subject)),
                ("household_id", json!(household)),
                ("status", json!("in_progress")),
                ("opened_on", json!(opened.to_string())),
                ("categories", json!([category])),
            ]),
        });
        for v in 0..visits_per_case as u64 {
            let day = opened + Days::new(v * 30 + rng.below(10));
            records.push(DemoRecord {
                id: new_id(),
                kind: RecordKind::Visit,
                fields: fields(vec![
                    ("case_id", json!(case)),
                    ("form_id", json!("TT02-M05")),
                    ("status", json!("submitted")),
                    ("a.visit_date", json!(day.to_string())),
                    (
                        "a.met_with",
                        json!([*rng.pick(&["subject", "family", "caregiver"])]),
                    ),
                    ("a.observations", json!(visit_note(rng))),
                    (
                        "a.needs_status",
                        json!(*rng.pick(&["met", "partly_met", "not_met"])),
                    ),
                    (
                        "a.next_visit_date",
                        json!((day + Days::new(30)).to_string()),
                    ),
                ]),
            });
        }
    }
    records
}

/// A deterministic photo-like scene as RGB pixels (row by row, 3 bytes each): soft lighting, large
/// shapes with sharp edges, a document with lines of text-like strokes, textures at several scales
/// and sensor noise, so that it compresses like a photo (a 12 MP scene encoded at quality 92 is a few
/// MB), not like a flat colour. Each `variant` is another photo of the same kind (its texture and
/// noise differ, so its JPEG and its hash do).
pub fn photo_scene(width: u32, height: u32, variant: u32) -> Vec<u8> {
    let salt = variant.wrapping_mul(0x27D4_EB2F);
    let hash = |x: u32, y: u32, salt_of: u32| {
        let mut h = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ salt_of ^ salt;
        h ^= h >> 15;
        h = h.wrapping_mul(0x2C1B_3C6D);
        h ^= h >> 12;
        (h & 0xFF) as f32 / 255.0 - 0.5
    };
    let value_noise = |x: u32, y: u32, cell: u32, salt_of: u32| {
        let (cx, cy) = (x / cell, y / cell);
        let (fx, fy) = (
            (x % cell) as f32 / cell as f32,
            (y % cell) as f32 / cell as f32,
        );
        let top = hash(cx, cy, salt_of) * (1.0 - fx) + hash(cx + 1, cy, salt_of) * fx;
        let bottom = hash(cx, cy + 1, salt_of) * (1.0 - fx) + hash(cx + 1, cy + 1, salt_of) * fx;
        top * (1.0 - fy) + bottom * fy
    };
    let (w, h) = (width as f32, height as f32);
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 3);
    for y in 0..height {
        for x in 0..width {
            let (u, v) = (x as f32 / w, y as f32 / h);
            let light = 0.75 + 0.25 * (u * 2.1 + 0.3).sin() * (v * 1.7 + 0.5).cos();
            let mut base = [150.0 + 60.0 * u, 130.0 + 50.0 * v, 110.0 + 40.0 * (1.0 - u)];
            let in_document = (0.55..0.9).contains(&u) && (0.15..0.75).contains(&v);
            if in_document {
                let line = ((v - 0.15) * h) as u32 % 40;
                let stroke = line > 26 && hash(x / 9, y / 40, 7) > -0.3;
                base = if stroke {
                    [40.0; 3]
                } else {
                    [235.0, 232.0, 225.0]
                };
            } else if u < 0.35 && v < 0.6 {
                base = [90.0, 120.0, 160.0];
            } else if v > 0.8 {
                base = [120.0, 90.0, 60.0];
            }
            let texture = if in_document {
                2.0 * value_noise(x, y, 16, 3)
            } else {
                40.0 * value_noise(x, y, 48, 1)
                    + 24.0 * value_noise(x, y, 12, 2)
                    + 10.0 * value_noise(x, y, 3, 4)
            };
            for (c, salt_of) in [(0, 11), (1, 12), (2, 13)] {
                let noise = 7.0 * hash(x, y, salt_of);
                pixels.push((base[c] * light + texture + noise).clamp(0.0, 255.0) as u8);
            }
        }
    }
    pixels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_people_and_ids_match_birth_years() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let a = person(&mut Rng::new(7), today, 0, 90);
        let b = person(&mut Rng::new(7), today, 0, 90);
        assert_eq!(a, b);
        assert_eq!(a.citizen_id.len(), 12);
        use chrono::Datelike;
        assert_eq!(
            &a.citizen_id[4..6],
            format!("{:02}", a.birth_date.year() % 100)
        );
        let mut rng = Rng::new(1);
        let names: std::collections::BTreeSet<String> =
            (0..1000).map(|_| full_name(&mut rng, true)).collect();
        assert!(names.len() > 500, "names are varied, not repeated");
    }
}
