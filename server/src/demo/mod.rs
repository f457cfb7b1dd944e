//! `serve --demo`: a living province to try hoso with. Province 79 (five of its communes, each with two
//! collaborators' phones and the chairman's tablet) and a commune of province 66, with cases at every
//! step and a year of visits, pushed through `Storage::push` as the devices would; a few concurrent
//! edits left for review; devices that synced today, one quiet for twelve days with work on it, one
//! never synced. Loaded once per database, with enrollment codes for a phone of Phường Tân Hiệp (a
//! collaborator, its chairman, the province's officer: no concurrent edit is seeded there, so a
//! phone's conflicts are its own); every start prints fresh dashboard sign-ins.

pub mod province;
pub mod seed;

use crate::storage::{DeviceAuth, OnceJob, Storage, StorageError};
use crate::web::auth::hash_password;
use chrono::{Days, NaiveDate};
use hoso_model::area::{Area, AreaKind};
use hoso_model::demo::Rng;
use hoso_model::domain::local_date;
use hoso_model::hlc::system_now_millis;
use hoso_model::op::{FieldOp, RecordKind};
use hoso_model::protocol::OutboxReport;
use hoso_model::role::Role;
use seed::{Actor, concurrent_edits};
use serde_json::json;

/// Province 79's demo communes: (code, cases).
const COMMUNES: [(&str, usize); 5] = [
    ("25920", 40),
    ("25777", 36),
    ("25822", 32),
    ("26584", 30),
    ("26740", 28),
];
const PROVINCE: &str = "79";
/// The commune whose people get enrollment codes for a phone.
const PHONES_COMMUNE: &str = "25920";
/// A second province, so that scope can be seen: its officer never sees province 79.
const OTHER_PROVINCE: (&str, &str, usize) = ("66", "22057", 12);

/// A dashboard sign-in of the demo: the name to type and who it is.
struct DemoLogin {
    login: String,
    user_id: String,
    who: String,
}

pub fn load(storage: &dyn Storage) -> Result<(), StorageError> {
    let now = system_now_millis();
    let logins = if storage.mark_once(OnceJob::DemoData)? {
        let (logins, phones) = seed_everything(storage, now)?;
        println!(
            "  demo data   : province 79 (5 communes, {} cases) and province 66 (1 commune, {} cases)",
            COMMUNES.iter().map(|(_, n)| n).sum::<usize>(),
            OTHER_PROVINCE.2
        );
        println!(
            "  enrollment codes for a phone of Phường Tân Hiệp ({PHONES_COMMUNE}, province 79):"
        );
        for (who, user) in phones {
            println!("    {who:<19} {}", storage.issue_code(&user, now)?.0);
        }
        logins
    } else {
        println!("  demo data   : already loaded in this database");
        known_logins(storage)?
    };
    print_sign_ins(storage, &logins, now)
}

/// The demo's sign-in names, in the order they are printed.
fn login_names() -> Vec<String> {
    let mut names = vec![
        format!("so-y-te-{PROVINCE}"),
        format!("chu-tich-{}", COMMUNES[0].0),
    ];
    names.extend(COMMUNES[1..].iter().map(|(c, _)| format!("chu-tich-{c}")));
    names.push(format!("so-y-te-{}", OTHER_PROVINCE.0));
    names
}

fn known_logins(storage: &dyn Storage) -> Result<Vec<DemoLogin>, StorageError> {
    let mut out = Vec::new();
    for login in login_names() {
        if let Some((user, _)) = storage.web_login(&login)? {
            out.push(DemoLogin {
                who: user.name,
                user_id: user.user_id,
                login,
            });
        }
    }
    Ok(out)
}

/// New passwords for the demo's sign-ins, set through one-time codes as a real user would.
fn print_sign_ins(
    storage: &dyn Storage,
    logins: &[DemoLogin],
    now: u64,
) -> Result<(), StorageError> {
    println!("  dashboard sign-ins (new passwords at every start of --demo):");
    for entry in logins {
        let password = crate::credentials::random_token(6);
        let (code, _) = storage.issue_web_code(&entry.user_id, now)?;
        let hash = hash_password(&password)
            .map_err(|_| StorageError::Corrupt("argon2 could not hash a password".into()))?;
        storage.set_web_login(&code, &entry.login, &hash, now)?;
        println!(
            "    {:<16} password {password}   {}",
            entry.login, entry.who
        );
    }
    Ok(())
}

fn area(kind: AreaKind, code: &str) -> Area {
    Area {
        kind,
        code: code.to_string(),
    }
}

/// An enrolled device of a new user, as a phone or tablet of the area would have.
fn device(
    storage: &dyn Storage,
    name: &str,
    role: Role,
    at: &Area,
    now: u64,
) -> Result<(DeviceAuth, Actor), StorageError> {
    let user_id = storage.create_user(name, role, at)?;
    let (code, _) = storage.issue_code(&user_id, now)?;
    let device_id = uuid::Uuid::now_v7().to_string();
    storage.enroll(&code, &device_id, &format!("Máy của {name}"), now)?;
    let auth = DeviceAuth {
        device_id: device_id.clone(),
        user_id: user_id.clone(),
        role,
        area: at.clone(),
    };
    Ok((auth, Actor::new(&device_id, &user_id)))
}

/// Pushes a device's cases in batches of at most 1,000 ops, never splitting a case.
fn push_all(
    storage: &dyn Storage,
    device: &DeviceAuth,
    cases: Vec<Vec<FieldOp>>,
    now: u64,
) -> Result<(), StorageError> {
    for batch in seed::batches(cases, hoso_model::protocol::MAX_OPS_PER_PUSH) {
        storage.push(device, &batch, now)?;
    }
    Ok(())
}

/// One commune's people and cases; returns the chairman's sign-in.
fn seed_commune(
    storage: &dyn Storage,
    rng: &mut Rng,
    (commune_code, province_code, cases): (&str, &str, usize),
    today: NaiveDate,
    now: u64,
) -> Result<(DemoLogin, Vec<DeviceAuth>), StorageError> {
    let commune = area(AreaKind::Commune, commune_code);
    let name = crate::report::area_name(&commune);
    storage.create_area(&commune, &name)?;
    let name_a = hoso_model::demo::full_name(rng, true);
    let name_b = hoso_model::demo::full_name(rng, false);
    let chair_name = hoso_model::demo::full_name(rng, false);
    let (phone_a, mut actor_a) = device(storage, &name_a, Role::Collaborator, &commune, now)?;
    let (phone_b, mut actor_b) = device(storage, &name_b, Role::Collaborator, &commune, now)?;
    let (chair, mut chair_actor) = device(storage, &chair_name, Role::Approver, &commune, now)?;
    let managers = vec![phone_a.user_id.clone(), phone_b.user_id.clone()];
    let seeds = province::caseload(rng, today, (commune_code, province_code), &managers, cases);
    let (mut by_a, mut by_b, mut approvals) = (Vec::new(), Vec::new(), Vec::new());
    let mut subjects = Vec::new();
    for (index, seed) in seeds.iter().enumerate() {
        // The managers take turns (`province::caseload`): each records their cases on their own phone.
        let (actor, out) = if index % 2 == 0 {
            (&mut actor_a, &mut by_a)
        } else {
            (&mut actor_b, &mut by_b)
        };
        let (ids, ops, approved) = seed.ops(actor, &mut chair_actor);
        out.push(ops);
        approvals.push(approved);
        subjects.push(ids.subject_id);
    }
    push_all(storage, &phone_a, by_a, now)?;
    push_all(storage, &phone_b, by_b, now)?;
    push_all(storage, &chair, approvals, now)?;
    let concurrent = if commune_code == PHONES_COMMUNE { 0 } else { 2 };
    for subject in subjects.iter().take(concurrent) {
        let yesterday = today.checked_sub_days(Days::new(1)).unwrap_or(today);
        for (device_id, op) in concurrent_edits(
            subject,
            RecordKind::Person,
            "phone",
            yesterday,
            [
                (&mut actor_a, json!(hoso_model::demo::phone(rng))),
                (&mut actor_b, json!(hoso_model::demo::phone(rng))),
            ],
        ) {
            let pusher = if device_id == phone_a.device_id {
                &phone_a
            } else {
                &phone_b
            };
            storage.push(pusher, &[op], now)?;
        }
    }
    let login = DemoLogin {
        login: format!("chu-tich-{commune_code}"),
        user_id: chair.user_id.clone(),
        who: format!("{chair_name}, Chủ tịch UBND {name}"),
    };
    Ok((login, vec![phone_a, phone_b, chair]))
}

/// What the devices told the server at their last sync: most synced this morning with nothing left;
/// one has been quiet for twelve days with work waiting on it; one never synced.
fn sync_reports(
    storage: &dyn Storage,
    devices: &[DeviceAuth],
    now: u64,
) -> Result<(), StorageError> {
    const DAY: u64 = 24 * 3600 * 1000;
    for (index, device) in devices.iter().enumerate() {
        match index {
            1 => storage.note_sync(
                &device.device_id,
                Some(OutboxReport {
                    pending_ops: 37,
                    oldest_unsent_millis: Some(now - 12 * DAY),
                }),
                now - 12 * DAY,
            )?,
            4 => {}
            _ => storage.note_sync(
                &device.device_id,
                Some(OutboxReport::default()),
                now - (index as u64 % 3) * 3_600_000,
            )?,
        }
    }
    Ok(())
}

/// Who gets an enrollment code for a phone: (role as printed, user id).
type PhoneUsers = Vec<(&'static str, String)>;

fn seed_everything(
    storage: &dyn Storage,
    now: u64,
) -> Result<(Vec<DemoLogin>, PhoneUsers), StorageError> {
    let today = local_date(now);
    let mut rng = Rng::new(79);
    let province = area(AreaKind::Province, PROVINCE);
    storage.create_area(&province, &crate::report::area_name(&province))?;
    let officer = storage.create_user(
        "Phạm Thu Hà (Sở Y tế TP. Hồ Chí Minh)",
        Role::ProvincialOfficer,
        &province,
    )?;
    let mut phones = vec![("provincial_officer", officer.clone())];
    let mut logins = vec![DemoLogin {
        login: format!("so-y-te-{PROVINCE}"),
        user_id: officer,
        who: "Phạm Thu Hà, Sở Y tế (tỉnh 79)".into(),
    }];
    let mut devices = Vec::new();
    for (code, cases) in COMMUNES {
        let (login, seeded) = seed_commune(storage, &mut rng, (code, PROVINCE, cases), today, now)?;
        // The commune's first collaborator and its chairman (`seed_commune`: phone, phone, tablet).
        if let (true, [collaborator, _, chairman]) = (code == PHONES_COMMUNE, seeded.as_slice()) {
            phones.insert(0, ("approver", chairman.user_id.clone()));
            phones.insert(0, ("collaborator", collaborator.user_id.clone()));
        }
        logins.push(login);
        devices.extend(seeded);
    }
    let (other_province, other_commune, other_cases) = OTHER_PROVINCE;
    let other = area(AreaKind::Province, other_province);
    storage.create_area(&other, &crate::report::area_name(&other))?;
    let (_, seeded) = seed_commune(
        storage,
        &mut rng,
        (other_commune, other_province, other_cases),
        today,
        now,
    )?;
    devices.extend(seeded);
    let other_officer = storage.create_user(
        "Y Blin Niê (Sở Y tế Đắk Lắk)",
        Role::ProvincialOfficer,
        &other,
    )?;
    logins.push(DemoLogin {
        login: format!("so-y-te-{other_province}"),
        user_id: other_officer,
        who: "Y Blin Niê, Sở Y tế (tỉnh 66)".into(),
    });
    sync_reports(storage, &devices, now)?;
    Ok((logins, phones))
}
