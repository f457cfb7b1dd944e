//! Photos in the simulator: devices attach realistic camera JPEGs to their cases and send them while
//! the network misbehaves and the server restarts; at the end every photo a device saw uploaded must
//! be whole everywhere. And the upload benchmark: photos through a 2G-like link, side by side.

use crate::faults::ThrottledProxy;
use crate::photos::{camera_jpeg, sha256_hex};
use crate::sim::{COMMUNES, record_case, setup_areas};
use crate::{Device, Server, commune};
use hoso_core::photos::upload::{DEFAULT_CHUNK_BYTES, Unobserved};
use hoso_core::photos::{Network, NewPhoto};
use hoso_core::store::UploadState;
use hoso_model::demo::Rng;
use hoso_model::domain::photos::PhotoCategory;
use hoso_model::op::RecordKind;
use hoso_model::role::Role;
use hoso_model::schema::{fields, photo_fields};
use serde::Serialize;
use std::time::Instant;

/// The camera of a cheap phone: 3 MP.
pub const CAMERA: (u16, u16) = (2048, 1536);

/// Each device attaches `count` photos to a case it opened (one in four an ID document, which only
/// the case's managers and approvers may see). The JPEGs are made first, so their cost is not the
/// devices'.
pub fn attach_photos(devices: &[Device], count: usize, size: (u16, u16), seed: u64) {
    for (d, device) in devices.iter().enumerate() {
        let user = device.store.identity().user_id;
        let cases = device
            .store
            .records_of_kind(RecordKind::Case)
            .expect("cases");
        let Some(case) = cases
            .iter()
            .find(|c| c.text(fields::OPENED_BY) == user.as_deref())
            .or(cases.first())
        else {
            continue;
        };
        for i in 0..count {
            let variant = (seed as u32).wrapping_mul(1000) + (d * count + i) as u32;
            let jpeg = camera_jpeg(size.0, size.1, variant);
            let category = if i % 4 == 3 {
                PhotoCategory::IdDocument
            } else {
                PhotoCategory::LivingConditions
            };
            device
                .photos
                .attach(
                    &jpeg,
                    NewPhoto {
                        case_id: case.id.clone(),
                        caption: format!("Ảnh {} lần thăm hộ", i + 1),
                        category,
                        ..NewPhoto::default()
                    },
                )
                .expect("a camera photo attaches");
        }
    }
}

/// Every device sends what is due, all at once (the test has no time to wait for back-off: it asks
/// for a retry first, as the user's button does). Returns the bodies' bytes both ways.
pub fn upload_round(devices: &[Device]) -> u64 {
    std::thread::scope(|scope| {
        let handles: Vec<_> = devices
            .iter()
            .map(|device| {
                scope.spawn(move || {
                    let _ = device.photos.retry_now();
                    match device.photos.upload_pending(Network::Unmetered) {
                        Ok(report) => report.wire_up + report.wire_down,
                        Err(_) => 0,
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("upload thread"))
            .sum()
    })
}

/// Photos not uploaded yet, on every device.
pub fn photos_pending(devices: &[Device]) -> usize {
    devices
        .iter()
        .map(|d| d.photos.queue().expect("queue"))
        .map(|q| q.waiting + q.uploading + q.failed)
        .sum()
}

/// (photos uploaded, photos lost): a photo its device saw uploaded is lost if the commune's approver
/// (who may see every photo) cannot download it whole or holds another name for it, or if its own
/// device, still allowed to see it, cannot open it whole any more.
pub fn check_photos(devices: &[Device], approvers: &[Device]) -> (usize, usize) {
    let (mut uploaded, mut lost) = (0, 0);
    for (i, device) in devices.iter().enumerate() {
        let approver = &approvers[i % approvers.len()];
        for upload in device.store.photo_uploads().expect("queue") {
            if upload.state != UploadState::Uploaded {
                continue;
            }
            uploaded += 1;
            let whole = |d: &Device| {
                d.photos
                    .open_image(&upload.photo_id)
                    .is_ok_and(|image| sha256_hex(&image) == upload.blob)
            };
            let names = |d: &Device| {
                d.store
                    .record(&upload.photo_id)
                    .ok()
                    .flatten()
                    .and_then(|r| r.text(photo_fields::BLOB).map(str::to_string))
            };
            let named = names(approver).as_deref() == Some(upload.blob.as_str());
            // A sensitive photo taken for a case its taker does not manage is rightly withheld from
            // the taker once uploaded: only the devices that may see it must hold it whole.
            let taker_ok = names(device).is_none() || whole(device);
            lost += usize::from(!(named && whole(approver) && taker_ok));
        }
    }
    (uploaded, lost)
}

/// One way of sending photos, measured.
#[derive(Debug, Serialize)]
pub struct UploadVariant {
    pub variant: String,
    pub chunk_bytes: usize,
    pub cut_percent: u64,
    pub photos: usize,
    pub image_bytes_per_photo: u64,
    pub wire_bytes_per_photo: u64,
    /// Wire bytes beyond the images' own, in % of them (headers, answers, resent chunks).
    pub overhead_percent: f64,
    pub seconds: f64,
    /// Image bytes delivered per second of the run, in kbit/s.
    pub goodput_kbit_s: f64,
    pub cuts: u64,
}

#[derive(Debug, Serialize)]
pub struct UploadBenchReport {
    pub link_kbit_s: u64,
    pub camera: String,
    pub variants: Vec<UploadVariant>,
    /// What a photo record costs on a colleague's pull with its thumbnail inside (zstd'd JSON), next
    /// to the thumbnail's own bytes and what fetching it alone costs on the wire (one GET of that
    /// size through the same link, headers included).
    pub thumbnail_bytes: u64,
    pub pull_bytes_per_photo_record: u64,
    pub separate_fetch_bytes_per_thumbnail: u64,
}

/// Sends `photos` photos per variant through a `kbit_s` link, each variant on its own server and
/// device but in the same run, one after the other.
pub fn upload_bench(photos: usize, kbit_s: u64, seed: u64) -> UploadBenchReport {
    let jpegs: Vec<Vec<u8>> = (0..photos as u32 * 5)
        .map(|v| camera_jpeg(CAMERA.0, CAMERA.1, v + seed as u32 * 1000))
        .collect();
    let plans: [(&str, usize, u64); 4] = [
        ("16 KiB chunks", 16 * 1024, 0),
        ("64 KiB chunks (default)", DEFAULT_CHUNK_BYTES, 0),
        ("256 KiB chunks", 256 * 1024, 0),
        (
            "64 KiB chunks, 20 % of requests cut",
            DEFAULT_CHUNK_BYTES,
            20,
        ),
    ];
    let mut variants = Vec::new();
    let mut thumbnails = ThumbnailCosts::default();
    for (v, (name, chunk_bytes, cut_percent)) in plans.into_iter().enumerate() {
        let batch = &jpegs[v * photos..(v + 1) * photos];
        let (variant, costs) = upload_variant(name, batch, chunk_bytes, cut_percent, kbit_s, seed);
        variants.push(variant);
        if v == 0 {
            thumbnails = costs;
        }
    }
    UploadBenchReport {
        link_kbit_s: kbit_s,
        camera: format!("{}x{} JPEG q90", CAMERA.0, CAMERA.1),
        variants,
        thumbnail_bytes: thumbnails.thumbnail,
        pull_bytes_per_photo_record: thumbnails.pull_per_record,
        separate_fetch_bytes_per_thumbnail: thumbnails.separate_fetch,
    }
}

#[derive(Default)]
struct ThumbnailCosts {
    thumbnail: u64,
    pull_per_record: u64,
    separate_fetch: u64,
}

/// One variant: a fresh server, a device behind the throttled link, `jpegs` attached and sent; a
/// colleague's pull of the photo records is measured too.
fn upload_variant(
    name: &str,
    jpegs: &[Vec<u8>],
    chunk_bytes: usize,
    cut_percent: u64,
    kbit_s: u64,
    seed: u64,
) -> (UploadVariant, ThumbnailCosts) {
    let server = Server::start();
    setup_areas(&server);
    let device = server.device("ctv-bench", Role::Collaborator, commune(COMMUNES[0]));
    let colleague = server.device("ctv-colleague", Role::Approver, commune(COMMUNES[0]));
    let case_id = record_case(&device, &mut Rng::new(seed), COMMUNES[0]);
    device.sync.sync_now().expect("the case reaches the server");
    colleague
        .sync
        .sync_now()
        .expect("the colleague holds the case");
    for jpeg in jpegs {
        let photo = NewPhoto {
            case_id: case_id.clone(),
            caption: "Nhà tạm".into(),
            category: PhotoCategory::LivingConditions,
            ..NewPhoto::default()
        };
        device.photos.attach(jpeg, photo).expect("attached");
    }
    device
        .sync
        .sync_now()
        .expect("the records reach the server");
    let upstream = server.url.trim_start_matches("http://").to_string();
    let link = ThrottledProxy::start(upstream.clone(), kbit_s * 1000, cut_percent, seed);
    device.sync.set_server(&link.url).expect("through the link");
    let started = Instant::now();
    for _ in 0..50 {
        let _ = device.photos.retry_now();
        let _ = device
            .photos
            .upload_pending_with(Network::Unmetered, chunk_bytes, &Unobserved);
        if photos_pending(std::slice::from_ref(&device)) == 0 {
            break;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let image_bytes: u64 = device
        .store
        .photo_uploads()
        .expect("queue")
        .iter()
        .filter(|u| u.state == UploadState::Uploaded)
        .map(|u| u.size)
        .sum();
    let count = jpegs.len() as u64;
    let wire = link.bytes();
    let costs = thumbnail_costs(&device, &colleague, &case_id, &upstream, kbit_s);
    let variant = UploadVariant {
        variant: name.to_string(),
        chunk_bytes,
        cut_percent,
        photos: jpegs.len(),
        image_bytes_per_photo: image_bytes / count.max(1),
        wire_bytes_per_photo: wire / count.max(1),
        overhead_percent: (wire as f64 / image_bytes.max(1) as f64 - 1.0) * 100.0,
        seconds,
        goodput_kbit_s: image_bytes as f64 * 8.0 / 1000.0 / seconds.max(1e-9),
        cuts: link.cuts.load(std::sync::atomic::Ordering::SeqCst),
    };
    (variant, costs)
}

/// What the colleague's pull of the photo records cost (less what a pull with nothing new costs),
/// against the thumbnails' own bytes and fetching one thumbnail-sized range alone through the link.
fn thumbnail_costs(
    taker: &Device,
    colleague: &Device,
    case_id: &str,
    upstream: &str,
    kbit_s: u64,
) -> ThumbnailCosts {
    let views = taker.photos.case_photos(case_id).expect("photos");
    let count = views.len().max(1) as u64;
    let thumbnail = views
        .iter()
        .filter_map(|v| v.thumbnail.as_ref())
        .map(|t| t.len() as u64)
        .sum::<u64>()
        / count;
    let with_photos = colleague.sync.sync_now().expect("pull").bytes_down as u64;
    let nothing_new = colleague.sync.sync_now().expect("pull").bytes_down as u64;
    let link = ThrottledProxy::start(upstream.to_string(), kbit_s * 1000, 0, 0);
    let range = format!("bytes=0-{}", thumbnail.saturating_sub(1));
    crate::photos::PhotoClient::of(colleague, &link.url).image(&views[0].photo_id, Some(&range));
    ThumbnailCosts {
        thumbnail,
        pull_per_record: with_photos.saturating_sub(nothing_new) / count,
        separate_fetch: link.bytes(),
    }
}
