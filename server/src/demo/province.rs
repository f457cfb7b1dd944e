//! A commune's caseload as it looks after a year of work: cases at every step, visits about monthly,
//! plans approved and adjusted, referrals, closures for the law's reasons, and the things oversight is
//! for — missed visits, activities past their time frame, plans waiting for approval, subjects nobody
//! has met for a month. Deterministic for a seed; every day lies before `today`.

use super::seed::{CaseSeed, ClosureSeed, PlanSeed};
use chrono::{Days, NaiveDate};
use hoso_model::demo::{self, Rng};
use hoso_model::domain::closure::ClosureTrigger;

/// Subject categories in rough proportion to a commune's caseload (NĐ 20/2021 Điều 5, TT 02 Điều 2.4).
const CATEGORIES: &[&str] = &[
    "ND20-D5-K5-a",
    "ND20-D5-K5-a",
    "ND20-D5-K5-c",
    "ND20-D5-K6",
    "ND20-D5-K6",
    "ND20-D5-K6",
    "ND20-D5-K1-b",
    "ND20-D5-K4",
    "ND20-D5-K8",
    "TT02-D2-K4-d",
];

const CLOSURES: &[ClosureTrigger] = &[
    ClosureTrigger::ObjectivesAchieved,
    ClosureTrigger::ObjectivesAchieved,
    ClosureTrigger::ObjectivesAchieved,
    ClosureTrigger::MovedOutOfArea,
    ClosureTrigger::DiedOrMissing,
    ClosureTrigger::SubjectRequest,
    ClosureTrigger::NoContact1Month,
    ClosureTrigger::MutualAgreement,
];

const ACTIVITIES: &[&str] = &[
    "Khám sức khỏe định kỳ tại trạm y tế xã",
    "Làm hồ sơ trợ cấp xã hội hằng tháng",
    "Kết nối Hội Phụ nữ hỗ trợ vốn chăn nuôi",
    "Sửa mái nhà trước mùa mưa",
    "Học nghề may tại trung tâm xã",
    "Cấp lại thẻ bảo hiểm y tế",
];

const REFERRALS: &[(&str, &str)] = &[
    ("health", "completed"),
    ("health", "accepted"),
    ("social_assistance", "sent"),
    ("vocational", "proposed"),
    ("legal_aid", "declined"),
    ("psychological", "sent"),
];

fn ago(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn after(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

/// Where a generated case stands today.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Intake,
    Planning,
    PlanSubmitted,
    InProgress,
    AdjustmentSubmitted,
    ClosureProposed,
    Closed,
}

fn stage(rng: &mut Rng) -> Stage {
    match rng.below(100) {
        0..10 => Stage::Intake,
        10..18 => Stage::Planning,
        18..27 => Stage::PlanSubmitted,
        27..70 => Stage::InProgress,
        70..76 => Stage::AdjustmentSubmitted,
        76..81 => Stage::ClosureProposed,
        _ => Stage::Closed,
    }
}

/// `count` cases of one commune; managers take turns.
pub fn caseload(
    rng: &mut Rng,
    today: NaiveDate,
    commune: (&str, &str),
    managers: &[String],
    count: usize,
) -> Vec<CaseSeed> {
    (0..count)
        .map(|index| {
            let manager = managers.get(index % managers.len().max(1)).cloned();
            one_case(rng, today, commune, manager)
        })
        .collect()
}

fn one_case(
    rng: &mut Rng,
    today: NaiveDate,
    (commune, province): (&str, &str),
    manager: Option<String>,
) -> CaseSeed {
    let stage = stage(rng);
    let person = demo::person(rng, today, 3, 92);
    let opened = match stage {
        Stage::Intake => ago(today, rng.below(40) + 2),
        Stage::Planning | Stage::PlanSubmitted => ago(today, rng.below(60) + 30),
        _ => ago(today, rng.below(300) + 90),
    };
    let mut seed = CaseSeed {
        commune_code: commune.to_string(),
        province_code: province.to_string(),
        subject_name: person.full_name,
        subject_birth: person.birth_date,
        subject_sex: person.sex,
        address: person.address,
        manager,
        categories: vec![rng.pick(CATEGORIES).to_string()],
        opened_on: opened,
        planning_on: None,
        visits: Vec::new(),
        plans: Vec::new(),
        referrals: Vec::new(),
        closure: None,
    };
    if stage != Stage::Intake {
        seed.planning_on = Some(after(opened, rng.below(10) + 3));
    }
    let planning = seed.planning_on.unwrap_or(opened);
    let submitted = after(planning, rng.below(10) + 2).min(ago(today, 1));
    match stage {
        Stage::Intake | Stage::Planning => {}
        Stage::PlanSubmitted => seed.plans.push(plan(rng, today, submitted, None)),
        _ => {
            let approved = after(submitted, rng.below(12) + 1).min(ago(today, 1));
            seed.plans.push(plan(rng, today, submitted, Some(approved)));
        }
    }
    let last_contact = follow_up(rng, &mut seed, today, stage);
    match stage {
        Stage::AdjustmentSubmitted => {
            let on = after(last_contact, 1).min(ago(today, 1));
            seed.plans.push(plan(rng, today, on, None));
        }
        Stage::ClosureProposed | Stage::Closed => {
            let proposed = after(last_contact, rng.below(5) + 1).min(ago(today, 2));
            let approved = (stage == Stage::Closed)
                .then(|| after(proposed, rng.below(10) + 1).min(ago(today, 1)));
            seed.closure = Some(ClosureSeed {
                proposed_on: proposed,
                trigger: *rng.pick(CLOSURES),
                approved_on: approved,
            });
        }
        _ => {}
    }
    seed
}

/// A plan of one to three activities; most whose time frame has ended are done, not all.
fn plan(
    rng: &mut Rng,
    today: NaiveDate,
    submitted: NaiveDate,
    approved: Option<NaiveDate>,
) -> PlanSeed {
    let activities = (0..rng.below(3) + 1)
        .map(|_| {
            let end = after(submitted, rng.below(200) + 20);
            let done = if end < today {
                rng.chance(80)
            } else {
                rng.chance(15)
            };
            (rng.pick(ACTIVITIES).to_string(), Some(end), done)
        })
        .collect();
    PlanSeed {
        submitted_on: submitted,
        approved_on: approved,
        activities,
    }
}

/// Visits about monthly from the start of the work until the last contact, and referrals; returns
/// the last contact. Some cases are left overdue: a missed visit, or nobody seen for over a month.
fn follow_up(rng: &mut Rng, seed: &mut CaseSeed, today: NaiveDate, stage: Stage) -> NaiveDate {
    let start = seed.planning_on.unwrap_or(seed.opened_on);
    let quiet = match rng.below(10) {
        0 | 1 => rng.below(40) + 35,
        2 | 3 => rng.below(20) + 8,
        _ => rng.below(25) + 1,
    };
    let last = match stage {
        Stage::Closed => ago(today, rng.below(240) + 20).max(after(start, 5)),
        _ => ago(today, quiet).max(start),
    }
    .min(ago(today, 1));
    let mut day = after(start, rng.below(8) + 1);
    while day < last {
        let next = after(day, 28 + rng.below(6));
        seed.visits.push((day, Some(next), demo::visit_note(rng)));
        day = next;
    }
    if last > start {
        seed.visits
            .push((last, Some(after(last, 30)), demo::visit_note(rng)));
    }
    if matches!(
        stage,
        Stage::InProgress | Stage::AdjustmentSubmitted | Stage::Closed
    ) && rng.chance(35)
    {
        for _ in 0..rng.below(2) + 1 {
            let (service, status) = *rng.pick(REFERRALS);
            let on = after(start, rng.below(90) + 5).min(last);
            seed.referrals.push((on, service, status));
        }
    }
    last
}
