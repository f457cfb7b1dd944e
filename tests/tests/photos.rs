//! Photos end to end: real devices, the real server binary, its blob store on disk or in a real
//! S3-compatible server (moto). Uploads cut at several points resume where they stopped (across a
//! server restart too) and the server's copy matches the hash; damaged chunks and wrong images are
//! refused; a photo outside a device's area is refused both ways; sensitive photos reach only the
//! case's managers and approvers; quotas and size limits answer with their error; records sync while
//! photos wait; thumbnails come with the records and full images on demand, in a capped cache.

use hoso_core::Error;
use hoso_core::photos::upload::Unobserved;
use hoso_core::photos::{Network, NewPhoto};
use hoso_core::store::UploadState;
use hoso_model::demo::Rng;
use hoso_model::domain::photos::PhotoCategory;
use hoso_model::role::Role;
use hoso_tests::photos::{PhotoClient, camera_jpeg, sha256_hex};
use hoso_tests::s3::S3Server;
use hoso_tests::sim::{COMMUNES, record_case, setup_areas};
use hoso_tests::{Device, Server, ServerOptions, commune};

const CHUNK: usize = 8 * 1024;

fn photo(case_id: &str, category: PhotoCategory) -> NewPhoto {
    NewPhoto {
        case_id: case_id.to_string(),
        caption: "Nhà tạm, vách đất".into(),
        category,
        ..NewPhoto::default()
    }
}

/// A photo attached on `device` and its record synced: (photo id, the prepared image).
fn attached(
    device: &Device,
    case_id: &str,
    variant: u32,
    category: PhotoCategory,
) -> (String, Vec<u8>) {
    let id = device
        .photos
        .attach(&camera_jpeg(640, 480, variant), photo(case_id, category))
        .expect("attached");
    device
        .sync
        .sync_now()
        .expect("the record reaches the server");
    let image = device
        .photos
        .open_image(&id)
        .expect("the image on the phone");
    (id, image)
}

fn upload(device: &Device) -> hoso_core::photos::UploadReport {
    device
        .photos
        .upload_pending_with(Network::Unmetered, CHUNK, &Unobserved)
        .expect("an upload run")
}

/// The sealed files of the server's default blob store.
fn stored_blobs(server: &Server) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let mut folders = vec![server.data.join("blobs")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.to_string_lossy().contains("/photos/") {
                found.push(std::fs::read(path).expect("a blob file"));
            }
        }
    }
    found
}

#[test]
fn an_upload_cut_at_several_points_resumes_there_and_the_server_copy_matches_its_hash() {
    let mut server = Server::start();
    setup_areas(&server);
    let collaborator = server.device("ctv-a", Role::Collaborator, commune(COMMUNES[0]));
    let approver = server.device("chu-tich", Role::Approver, commune(COMMUNES[0]));
    let case_id = record_case(&collaborator, &mut Rng::new(1), COMMUNES[0]);
    let client = PhotoClient::of(&collaborator, &server.url);
    for (variant, percent) in [10usize, 50, 70, 99].into_iter().enumerate() {
        let (id, image) = attached(
            &collaborator,
            &case_id,
            variant as u32,
            PhotoCategory::Other,
        );
        let cut = image.len() * percent / 100;
        let status = client.send(&id, &image, 0, cut, CHUNK);
        assert_eq!(
            status.received, cut as u64,
            "the server holds what was sent"
        );
        assert!(!status.complete);
        if percent == 70 {
            server.restart();
        }
        let report = upload(&collaborator);
        assert_eq!(report.uploaded, 1, "cut at {percent} %");
        assert_eq!(
            report.bytes_sent,
            (image.len() - cut) as u64,
            "resumed from {percent} %, not from the start"
        );
        let queued = collaborator
            .store
            .photo_upload(&id)
            .expect("read")
            .expect("queued");
        assert_eq!(queued.state, UploadState::Uploaded);
        assert_eq!(queued.sent, image.len() as u64);
        approver
            .sync
            .sync_now()
            .expect("the approver pulls the record");
        let downloaded = approver.photos.open_image(&id).expect("downloaded");
        assert_eq!(
            sha256_hex(&downloaded),
            sha256_hex(&image),
            "cut at {percent} %"
        );
    }
    let blobs = stored_blobs(&server);
    assert_eq!(
        blobs.len(),
        4,
        "one sealed blob per photo, no chunk left staged"
    );
    let image = collaborator
        .photos
        .open_image(&collaborator.photos.case_photos(&case_id).expect("list")[0].photo_id)
        .expect("image");
    assert!(
        blobs
            .iter()
            .all(|blob| !blob.windows(64).any(|w| w == &image[2000..2064])),
        "blobs are sealed at rest"
    );
}

#[test]
fn damaged_chunks_and_an_image_that_does_not_match_its_hash_are_refused() {
    let server = Server::start();
    setup_areas(&server);
    let device = server.device("ctv-a", Role::Collaborator, commune(COMMUNES[0]));
    let case_id = record_case(&device, &mut Rng::new(2), COMMUNES[0]);
    let (id, image) = attached(&device, &case_id, 1, PhotoCategory::Other);
    let client = PhotoClient::of(&device, &server.url);
    let first = &image[..CHUNK];

    let wrong_hash = client.chunk_with_hash(&id, 0, first, &sha256_hex(b"something else"));
    assert_eq!(
        (wrong_hash.status, wrong_hash.code().as_str()),
        (400, "chunk_damaged")
    );
    let mut flipped = first.to_vec();
    flipped[100] ^= 1;
    let damaged = client.chunk_with_hash(&id, 0, &flipped, &sha256_hex(first));
    assert_eq!(
        (damaged.status, damaged.code().as_str()),
        (400, "chunk_damaged")
    );
    assert!(
        damaged.json()["message"]["vi"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    let ahead = client.chunk(&id, CHUNK, &image[CHUNK..2 * CHUNK]);
    assert_eq!(
        (ahead.status, ahead.code().as_str()),
        (409, "offset_mismatch")
    );
    assert_eq!(
        client.status(&id).upload_status().received,
        0,
        "nothing kept"
    );

    // Chunks that each match their own hash but make another image: dropped whole.
    let mut other = image.clone();
    let last = other.len() - 1;
    other[last - 10] ^= 0x55;
    client.send(&id, &other, 0, other.len() - 100, CHUNK);
    let end = client.chunk(&id, other.len() - 100, &other[other.len() - 100..]);
    assert_eq!((end.status, end.code().as_str()), (422, "hash_mismatch"));
    assert_eq!(
        client.status(&id).upload_status().received,
        0,
        "what was held is dropped"
    );

    assert_eq!(upload(&device).uploaded, 1, "the right image still goes");
    let held = client.image(&id, None);
    assert_eq!(held.status, 200);
    assert_eq!(held.body, image);
    let tail = client.image(&id, Some("bytes=100-"));
    assert_eq!(tail.status, 206);
    assert_eq!(tail.body, &image[100..]);
}

#[test]
fn a_photo_outside_the_device_area_is_refused_both_ways() {
    let server = Server::start();
    setup_areas(&server);
    let here = server.device("ctv-a", Role::Collaborator, commune(COMMUNES[0]));
    let there = server.device("ctv-b", Role::Collaborator, commune(COMMUNES[1]));
    let here_case = record_case(&here, &mut Rng::new(3), COMMUNES[0]);
    let there_case = record_case(&there, &mut Rng::new(4), COMMUNES[1]);
    let (here_photo, here_image) = attached(&here, &here_case, 1, PhotoCategory::Other);
    let (there_photo, there_image) = attached(&there, &there_case, 2, PhotoCategory::Other);
    assert_eq!(upload(&here).uploaded, 1);

    let from_there = PhotoClient::of(&there, &server.url);
    for answer in [
        from_there.status(&here_photo),
        from_there.chunk(&here_photo, 0, &here_image[..CHUNK]),
        from_there.image(&here_photo, None),
    ] {
        assert_eq!(
            (answer.status, answer.code().as_str()),
            (403, "out_of_scope")
        );
    }
    let from_here = PhotoClient::of(&here, &server.url);
    let upload_there = from_here.chunk(&there_photo, 0, &there_image[..CHUNK]);
    assert_eq!(
        (upload_there.status, upload_there.code().as_str()),
        (403, "out_of_scope")
    );
    assert_eq!(from_there.status(&there_photo).upload_status().received, 0);
    let unknown = from_here.status("0190a000-0000-7000-8000-000000000000");
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (404, "unknown_photo")
    );
    there.sync.sync_now().expect("sync");
    assert!(there.store.record(&here_photo).expect("read").is_none());
}

#[test]
fn a_sensitive_photo_reaches_only_the_case_managers_and_approvers() {
    let server = Server::start();
    setup_areas(&server);
    let manager = server.device("ctv-a", Role::Collaborator, commune(COMMUNES[0]));
    let colleague = server.device("ctv-b", Role::Collaborator, commune(COMMUNES[0]));
    let approver = server.device("chu-tich", Role::Approver, commune(COMMUNES[0]));
    let case_id = record_case(&manager, &mut Rng::new(5), COMMUNES[0]);
    let (card, card_image) = attached(&manager, &case_id, 1, PhotoCategory::IdDocument);
    let (house, house_image) = attached(&manager, &case_id, 2, PhotoCategory::LivingConditions);
    assert_eq!(upload(&manager).uploaded, 2);
    colleague.sync.sync_now().expect("sync");
    approver.sync.sync_now().expect("sync");

    let seen = colleague.photos.case_photos(&case_id).expect("list");
    let card_seen = seen.iter().find(|p| p.photo_id == card).expect("listed");
    assert!(card_seen.sensitive && card_seen.withheld);
    assert!(card_seen.thumbnail.is_none() && card_seen.caption.is_empty());
    assert!(matches!(
        colleague.photos.open_image(&card),
        Err(Error::NotAllowed(_))
    ));
    let asked = PhotoClient::of(&colleague, &server.url).image(&card, None);
    assert_eq!((asked.status, asked.code().as_str()), (403, "sensitive"));
    let house_seen = seen.iter().find(|p| p.photo_id == house).expect("listed");
    assert!(house_seen.thumbnail.is_some());
    assert_eq!(
        colleague
            .photos
            .open_image(&house)
            .expect("an ordinary photo"),
        house_image
    );

    let approved = approver.photos.case_photos(&case_id).expect("list");
    assert!(approved.iter().all(|p| p.thumbnail.is_some()));
    assert_eq!(
        approver
            .photos
            .open_image(&card)
            .expect("the approver sees it"),
        card_image
    );
}

#[test]
fn quotas_and_size_limits_answer_with_their_error_and_the_photo_comes_back_later() {
    let server = Server::start_with(&ServerOptions {
        args: vec![
            "--photo-quota-bytes".into(),
            "20000".into(),
            "--max-photo-bytes".into(),
            "100000".into(),
        ],
        env: Vec::new(),
        ..ServerOptions::default()
    });
    setup_areas(&server);
    let device = server.device("ctv-a", Role::Collaborator, commune(COMMUNES[0]));
    let case_id = record_case(&device, &mut Rng::new(6), COMMUNES[0]);
    let (small, _) = attached(&device, &case_id, 1, PhotoCategory::Other);
    let big = device
        .photos
        .attach(
            &camera_jpeg(1600, 1200, 2),
            photo(&case_id, PhotoCategory::Other),
        )
        .expect("attached");
    device.sync.sync_now().expect("sync");
    let before = device.store.now_millis();
    let report = upload(&device);
    assert_eq!((report.uploaded, report.failed), (0, 2));
    let small = device
        .store
        .photo_upload(&small)
        .expect("read")
        .expect("queued");
    let failure = small.failure.as_ref().expect("a reason");
    assert_eq!(failure.code, "quota_exceeded");
    assert!(
        failure.reason.vi.contains("hôm nay"),
        "{}",
        failure.reason.vi
    );
    assert_eq!(small.state, UploadState::Failed);
    assert_eq!(
        small.sent, 16384,
        "what went before the quota stays on the server"
    );
    assert!(small.next_attempt_millis > before, "re-armed, not dropped");
    let big = device
        .store
        .photo_upload(&big)
        .expect("read")
        .expect("queued");
    assert_eq!(
        big.failure.as_ref().map(|f| f.code.as_str()),
        Some("photo_too_large")
    );
    let queue = device.photos.queue().expect("queue");
    assert_eq!(queue.failed, 2);
    assert!(queue.next_attempt_millis.is_some_and(|t| t > before));
}

#[test]
fn one_bad_photo_never_holds_up_the_queue_and_its_retries_come_back() {
    let server = Server::start();
    setup_areas(&server);
    let device = server.device("ctv-a", Role::Collaborator, commune(COMMUNES[0]));
    let case_id = record_case(&device, &mut Rng::new(7), COMMUNES[0]);
    let (lost, lost_image) = attached(&device, &case_id, 1, PhotoCategory::Other);
    attached(&device, &case_id, 2, PhotoCategory::Other);
    attached(&device, &case_id, 3, PhotoCategory::Other);
    std::fs::remove_file(device.store.photo_folder().join(sha256_hex(&lost_image)))
        .expect("the file of one photo is lost");
    let report = upload(&device);
    assert_eq!((report.uploaded, report.failed), (2, 1));
    let first = device
        .store
        .photo_upload(&lost)
        .expect("read")
        .expect("queued");
    assert_eq!(
        first.failure.as_ref().map(|f| f.code.as_str()),
        Some("local_file_missing")
    );
    let early = upload(&device);
    assert_eq!(early.uploaded + early.failed, 0, "not due yet");
    assert_eq!(device.photos.retry_now().expect("retry"), 1);
    assert_eq!(upload(&device).failed, 1);
    let second = device
        .store
        .photo_upload(&lost)
        .expect("read")
        .expect("queued");
    assert_eq!(second.attempts, 2);
    assert!(
        second.next_attempt_millis > first.next_attempt_millis,
        "backs off, still armed"
    );
}

#[test]
fn records_sync_while_photos_wait_and_images_come_on_demand_into_a_capped_cache() {
    let server = Server::start();
    setup_areas(&server);
    let taker = server.device("ctv-a", Role::Collaborator, commune(COMMUNES[0]));
    let viewer = server.device("chu-tich", Role::Approver, commune(COMMUNES[0]));
    let case_id = record_case(&taker, &mut Rng::new(8), COMMUNES[0]);
    let mut settings = taker.store.photo_settings().expect("settings");
    settings.unmetered_only = true;
    taker.store.set_photo_settings(&settings).expect("saved");
    let (first, first_image) = attached(&taker, &case_id, 1, PhotoCategory::Other);
    let held = taker
        .photos
        .upload_pending(Network::Metered)
        .expect("a run on mobile data");
    assert!(held.held_for_unmetered);

    viewer
        .sync
        .sync_now()
        .expect("the records came without the photo");
    let listed = viewer.photos.case_photos(&case_id).expect("list");
    let taken = taker.photos.case_photos(&case_id).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        listed[0].thumbnail, taken[0].thumbnail,
        "the thumbnail came with the record"
    );
    assert!(!listed[0].on_device);
    assert!(
        matches!(
            viewer.photos.open_image(&first),
            Err(Error::Server { status: 404, ref code, ref message })
                if code == "not_uploaded" && message.vi == "Ảnh này chưa được tải lên máy chủ."
        ),
        "the server's own words reach the viewer"
    );

    let (second, second_image) = attached(&taker, &case_id, 2, PhotoCategory::Other);
    assert_eq!(
        taker
            .photos
            .upload_pending(Network::Unmetered)
            .expect("on Wi-Fi")
            .uploaded,
        2
    );
    viewer.sync.sync_now().expect("sync");
    let mut cache = viewer.store.photo_settings().expect("settings");
    cache.cache_bytes = (first_image.len().max(second_image.len()) + 100) as u64;
    viewer.store.set_photo_settings(&cache).expect("saved");
    assert_eq!(
        viewer.photos.open_image(&first).expect("downloaded"),
        first_image
    );
    assert_eq!(
        viewer.photos.open_image(&second).expect("downloaded"),
        second_image
    );
    let on_device: Vec<bool> = viewer
        .photos
        .case_photos(&case_id)
        .expect("list")
        .iter()
        .map(|p| p.on_device)
        .collect();
    assert_eq!(
        on_device,
        vec![false, true],
        "the older image left the full cache"
    );
    assert_eq!(
        viewer.photos.open_image(&first).expect("downloaded again"),
        first_image
    );
}

#[test]
fn photos_go_to_s3_compatible_storage_sealed_and_resume_across_a_restart() {
    let s3 = S3Server::start("hoso-photos");
    let mut server = Server::start_with(&s3.serve_options());
    setup_areas(&server);
    let device = server.device("ctv-a", Role::Collaborator, commune(COMMUNES[0]));
    let approver = server.device("chu-tich", Role::Approver, commune(COMMUNES[0]));
    let case_id = record_case(&device, &mut Rng::new(9), COMMUNES[0]);
    let (id, image) = attached(&device, &case_id, 1, PhotoCategory::Other);
    let half = image.len() / 2;
    PhotoClient::of(&device, &server.url).send(&id, &image, 0, half, CHUNK);
    assert!(s3.object_keys().iter().any(|k| k.starts_with("staging/")));
    server.restart();
    let report = upload(&device);
    assert_eq!(report.uploaded, 1);
    assert_eq!(report.bytes_sent, (image.len() - half) as u64);
    approver.sync.sync_now().expect("sync");
    assert_eq!(
        approver.photos.open_image(&id).expect("downloaded from S3"),
        image
    );
    let keys = s3.object_keys();
    assert_eq!(keys.len(), 1, "one blob, no staged chunk left: {keys:?}");
    assert!(keys[0].starts_with("photos/"));
    let stored = s3.object(&keys[0]);
    assert!(
        !stored.windows(64).any(|w| w == &image[2000..2064]),
        "the object store holds only sealed bytes"
    );
}
