//! Photos on one device, without a server: attaching to a case, a visit note or a form field; the
//! image sealed beside the database; the record that syncs (with its thumbnail); sensitive photos;
//! bad images refused end to end with their own message and nothing saved; a wipe.

mod common;

use base64::Engine;
use hoso_core::Error;
use hoso_core::app::App;
use hoso_core::ffi::ApiError;
use hoso_core::photo::PhotoError;
use hoso_core::photos::NewPhoto;
use hoso_core::store::UploadState;
use hoso_model::domain::form_ids;
use hoso_model::domain::photos::{Location, PhotoCategory};
use hoso_model::op::RecordKind;
use hoso_model::role::Role;
use hoso_model::schema::photo_fields;
use image::{ImageEncoder, RgbImage};
use serde_json::json;
use sha2::{Digest, Sha256};

const KEY: &str = "1e7b9d0f2a7f3a9c0e5b2d4f6a8c1e3b5d7f9a0c2e4b6d8f0a3c1e5b7d9f1a3c";

struct Phone {
    app: App,
    case_id: String,
    _dir: tempfile::TempDir,
}

fn phone() -> Phone {
    let dir = tempfile::tempdir().expect("temporary folder");
    let app = App::open(dir.path().join("p.db"), KEY).expect("store");
    app.store
        .set_identity("ctv-mai", Role::Collaborator)
        .expect("identity");
    let intake = app
        .cases
        .create_case_with_information(
            hoso_core::actions::CaseArea {
                commune_code: "25920".into(),
                province_code: "79".into(),
                facility_id: None,
            },
            common::information_form(),
        )
        .expect("a case");
    Phone {
        app,
        case_id: intake.case_id,
        _dir: dir,
    }
}

/// A landscape camera JPEG with some texture, `variant` making each one different.
fn camera_jpeg(variant: u8) -> Vec<u8> {
    let image = RgbImage::from_fn(900, 600, |x, y| {
        image::Rgb([
            (x / 4) as u8 ^ variant,
            (y / 3) as u8,
            ((x * y) % 251) as u8,
        ])
    });
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .write_image(image.as_raw(), 900, 600, image::ExtendedColorType::Rgb8)
        .expect("encode");
    bytes
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn new_photo(case_id: &str) -> NewPhoto {
    NewPhoto {
        case_id: case_id.to_string(),
        caption: "Mái nhà dột ở gian bếp".into(),
        category: PhotoCategory::LivingConditions,
        ..NewPhoto::default()
    }
}

fn files_in(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(folder)
        .map(|entries| entries.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default()
}

#[test]
fn the_case_screen_lists_an_attached_photo_on_the_day_it_was_taken() {
    let phone = phone();
    let photo_id = phone
        .app
        .photos
        .attach(&camera_jpeg(2), new_photo(&phone.case_id))
        .expect("attached");
    let screen = hoso_core::screens::case::case_screen(&phone.app, &phone.case_id).expect("screen");
    assert_eq!(screen.photos.len(), 1);
    assert_eq!(screen.photos[0].record_id, photo_id);
    assert!(screen.photos[0].taken_on.is_some(), "the day it was taken");
    assert_eq!(
        screen.photos[0].taken_on, screen.opened_on,
        "taken the day the case was opened"
    );
}

#[test]
fn an_attached_photo_is_a_record_with_its_thumbnail_and_a_sealed_file_queued_for_upload() {
    let phone = phone();
    let photo_id = phone
        .app
        .photos
        .attach(&camera_jpeg(1), new_photo(&phone.case_id))
        .expect("attached");
    let record = phone
        .app
        .store
        .record(&photo_id)
        .expect("read")
        .expect("the record");
    assert_eq!(record.kind, RecordKind::Photo);
    assert_eq!(record.text("case_id"), Some(phone.case_id.as_str()));
    assert_eq!(
        record.text(photo_fields::CATEGORY),
        Some("living_conditions")
    );
    assert_eq!(
        record.text(photo_fields::CAPTION),
        Some("Mái nhà dột ở gian bếp")
    );
    assert!(
        !record.fields.contains_key(photo_fields::LOCATION),
        "no place unless asked"
    );
    assert!(!record.fields.contains_key(photo_fields::SENSITIVE));

    let image = phone
        .app
        .photos
        .open_image(&photo_id)
        .expect("opens from the phone");
    assert_eq!(&image[..2], &[0xFF, 0xD8], "a JPEG");
    assert_eq!(
        record.text(photo_fields::BLOB),
        Some(sha256_hex(&image).as_str())
    );
    assert_eq!(record.fields[photo_fields::BLOB_BYTES], json!(image.len()));
    assert_eq!(record.fields[photo_fields::WIDTH], json!(900));
    let thumbnail = base64::engine::general_purpose::STANDARD
        .decode(record.text(photo_fields::THUMBNAIL).expect("a thumbnail"))
        .expect("base64");
    let decoded = image::load_from_memory(&thumbnail).expect("the thumbnail is an image");
    assert_eq!((decoded.width(), decoded.height()), (320, 213));

    let files = files_in(&phone.app.store.photo_folder());
    assert_eq!(files.len(), 1, "{files:?}");
    let sealed = std::fs::read(&files[0]).expect("the file");
    assert_ne!(&sealed[..2], &[0xFF, 0xD8], "sealed, not a JPEG");
    assert!(
        !sealed.windows(64).any(|w| w == &image[1000..1064]),
        "no run of the image's bytes in the file"
    );

    let upload = phone
        .app
        .store
        .photo_upload(&photo_id)
        .expect("read")
        .expect("queued");
    assert_eq!(upload.state, UploadState::Waiting);
    assert_eq!((upload.sent, upload.size), (0, image.len() as u64));
    assert!(
        phone
            .app
            .store
            .outbox()
            .expect("outbox")
            .iter()
            .any(|r| r.record_id == photo_id),
        "the record syncs like any other"
    );
    let views = phone.app.photos.case_photos(&phone.case_id).expect("list");
    assert_eq!(views.len(), 1);
    assert_eq!(views[0].thumbnail.as_deref(), Some(&thumbnail[..]));
    assert!(views[0].on_device && !views[0].withheld);
    assert_eq!(
        views[0].upload.as_ref().map(|u| u.state),
        Some(UploadState::Waiting)
    );
}

#[test]
fn a_place_is_recorded_only_when_given_and_checked() {
    let phone = phone();
    let mut photo = new_photo(&phone.case_id);
    photo.location = Some(Location {
        lat: 10.79,
        lon: 106.68,
    });
    let id = phone
        .app
        .photos
        .attach(&camera_jpeg(2), photo.clone())
        .expect("attached");
    let view = &phone.app.photos.case_photos(&phone.case_id).expect("list")[0];
    assert_eq!(view.photo_id, id);
    assert_eq!(
        view.location,
        Some(Location {
            lat: 10.79,
            lon: 106.68
        })
    );
    photo.location = Some(Location {
        lat: 120.0,
        lon: 0.0,
    });
    assert!(matches!(
        phone.app.photos.attach(&camera_jpeg(3), photo),
        Err(Error::Invalid(_))
    ));
}

#[test]
fn id_documents_and_photos_of_sensitive_fields_are_marked_sensitive() {
    let phone = phone();
    let mut id_card = new_photo(&phone.case_id);
    id_card.category = PhotoCategory::IdDocument;
    let card = phone
        .app
        .photos
        .attach(&camera_jpeg(4), id_card)
        .expect("attached");
    let form = phone
        .app
        .store
        .records_of_case(&phone.case_id)
        .expect("records")
        .into_iter()
        .find(|r| r.text("form_id") == Some(form_ids::INFORMATION))
        .expect("the Mẫu 01 form");
    let mut health = new_photo(&phone.case_id);
    health.attached_to = Some(form.id.clone());
    health.form_field = Some("health_condition".into());
    let health = phone
        .app
        .photos
        .attach(&camera_jpeg(5), health)
        .expect("attached");
    let mut house = new_photo(&phone.case_id);
    house.attached_to = Some(form.id.clone());
    house.form_field = Some("care_capacity".into());
    let house = phone
        .app
        .photos
        .attach(&camera_jpeg(6), house)
        .expect("attached");
    let sensitive = |id: &str| {
        phone
            .app
            .store
            .record(id)
            .expect("read")
            .expect("record")
            .fields
            .get(photo_fields::SENSITIVE)
            == Some(&json!(true))
    };
    assert!(sensitive(&card), "an ID document");
    assert!(
        sensitive(&health),
        "a photo of a health condition (a sensitive field of Mẫu 01)"
    );
    assert!(!sensitive(&house));
    let attached = phone.app.photos.attached_photos(&form.id).expect("list");
    assert_eq!(attached.len(), 2);
}

#[test]
fn a_photo_attaches_only_within_its_own_live_case() {
    let phone = phone();
    let visit = phone
        .app
        .cases
        .record_visit(&phone.case_id, common::visit("2026-11-10", "2026-11-20"))
        .expect("a visit");
    let mut on_visit = new_photo(&phone.case_id);
    on_visit.attached_to = Some(visit.clone());
    phone
        .app
        .photos
        .attach(&camera_jpeg(7), on_visit)
        .expect("attached to the visit");
    assert_eq!(
        phone
            .app
            .photos
            .attached_photos(&visit)
            .expect("list")
            .len(),
        1
    );

    let other = phone
        .app
        .cases
        .create_case_with_information(
            hoso_core::actions::CaseArea {
                commune_code: "25920".into(),
                province_code: "79".into(),
                facility_id: None,
            },
            common::information_form(),
        )
        .expect("another case");
    let mut elsewhere = new_photo(&other.case_id);
    elsewhere.attached_to = Some(visit);
    let mut no_field = new_photo(&phone.case_id);
    no_field.attached_to = Some(other.form_record_id.clone());
    no_field.form_field = Some("shoe_size".into());
    let mut unknown_case = new_photo("0190a000-0000-7000-8000-000000000000");
    unknown_case.caption.clear();
    for refused in [elsewhere, no_field] {
        assert!(matches!(
            phone.app.photos.attach(&camera_jpeg(8), refused),
            Err(Error::Invalid(_))
        ));
    }
    assert!(matches!(
        phone.app.photos.attach(&camera_jpeg(8), unknown_case),
        Err(Error::NotFound { .. })
    ));
    let mut long_caption = new_photo(&phone.case_id);
    long_caption.caption = "ả".repeat(501);
    assert!(matches!(
        phone.app.photos.attach(&camera_jpeg(8), long_caption),
        Err(Error::Invalid(_))
    ));
}

/// A valid JPEG whose frame header claims 20,000 × 20,000 pixels.
fn jpeg_bomb() -> Vec<u8> {
    let mut jpeg = camera_jpeg(9);
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    jpeg[sof + 5..sof + 9].copy_from_slice(&[0x4E, 0x20, 0x4E, 0x20]);
    jpeg
}

#[test]
fn every_kind_of_bad_image_gets_its_own_message_through_the_ffi_and_nothing_is_saved() {
    let phone = phone();
    let outbox_before = phone.app.store.outbox_len().expect("outbox");
    let good = camera_jpeg(10);
    let random: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>, PhotoError)> = vec![
        ("empty", Vec::new(), PhotoError::Empty),
        ("random bytes", random, PhotoError::NotAnImage),
        (
            "a truncated JPEG",
            good[..good.len() / 2].to_vec(),
            PhotoError::Truncated,
        ),
        (
            "a GIF",
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(),
            PhotoError::UnsupportedFormat(hoso_core::photo::UnsupportedFormat::Gif),
        ),
        (
            "a decompression bomb",
            jpeg_bomb(),
            PhotoError::TooLarge {
                width: 20_000,
                height: 20_000,
            },
        ),
    ];
    for (what, bytes, expected) in cases {
        let error = phone
            .app
            .photos
            .attach(&bytes, new_photo(&phone.case_id))
            .expect_err(what);
        let message = expected.message();
        match ApiError::from(error) {
            ApiError::Invalid {
                message_vi,
                message_en,
            } => {
                assert_eq!(message_vi, message.vi, "{what}");
                assert_eq!(message_en, message.en, "{what}");
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    assert_eq!(phone.app.store.outbox_len().expect("outbox"), outbox_before);
    assert!(phone.app.store.photo_uploads().expect("queue").is_empty());
    assert!(files_in(&phone.app.store.photo_folder()).is_empty());
}

#[test]
fn a_wipe_removes_the_photos_with_the_records() {
    let phone = phone();
    phone
        .app
        .photos
        .attach(&camera_jpeg(11), new_photo(&phone.case_id))
        .expect("attached");
    assert_eq!(files_in(&phone.app.store.photo_folder()).len(), 1);
    phone.app.store.wipe().expect("wiped");
    assert!(!phone.app.store.photo_folder().exists());
    assert!(phone.app.store.photo_uploads().expect("queue").is_empty());
}

#[test]
fn uploads_wait_for_wifi_when_asked_and_offline_sends_nothing() {
    let phone = phone();
    phone
        .app
        .photos
        .attach(&camera_jpeg(12), new_photo(&phone.case_id))
        .expect("attached");
    let mut settings = phone.app.store.photo_settings().expect("settings");
    settings.unmetered_only = true;
    phone
        .app
        .store
        .set_photo_settings(&settings)
        .expect("saved");
    use hoso_core::photos::Network;
    let held = phone
        .app
        .photos
        .upload_pending(Network::Metered)
        .expect("a run");
    assert!(held.held_for_unmetered);
    let offline = phone
        .app
        .photos
        .upload_pending(Network::Offline)
        .expect("a run");
    assert_eq!(offline.uploaded + offline.failed, 0);
    let queue = phone.app.photos.queue().expect("queue");
    assert_eq!((queue.waiting, queue.uploaded), (1, 0));
    assert_eq!(
        queue.next_attempt_millis,
        Some(0),
        "due as soon as the network allows"
    );
}
