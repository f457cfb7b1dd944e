//! Every key of the device's `meta` table, named once.

use hoso_sqlite::meta::MetaKey;

/// This installation's id (a UUIDv7), made on first open; survives a wipe.
pub const DEVICE_ID: MetaKey = MetaKey("device_id");
/// The last clock this device issued (HLC text); survives a wipe so no clock is issued twice.
pub const LAST_HLC: MetaKey = MetaKey("last_hlc");
pub const USER_ID: MetaKey = MetaKey("user_id");
pub const ROLE: MetaKey = MetaKey("role");
/// What the law leaves open, as JSON (`hoso_model::domain::config::Config`).
pub const CONFIG: MetaKey = MetaKey("config");
pub const SERVER_URL: MetaKey = MetaKey("server_url");
pub const DEVICE_TOKEN: MetaKey = MetaKey("device_token");
/// The user's area as JSON (`hoso_model::area::Area`).
pub const AREA: MetaKey = MetaKey("area");
pub const PULL_CURSOR: MetaKey = MetaKey("pull_cursor");
pub const SYNC_FAILURES: MetaKey = MetaKey("sync_failures");
pub const LAST_SYNC_SUCCESS: MetaKey = MetaKey("last_sync_success");
pub const LAST_SYNC_FAILURE: MetaKey = MetaKey("last_sync_failure");
/// The sync state of the area's devices as the server gave it on the last pull (JSON list of
/// `hoso_model::domain::oversight::DeviceSync`; approvers and provincial officers only).
pub const AREA_DEVICES: MetaKey = MetaKey("area_devices");
pub const ADMIN_UNITS_VERSION: MetaKey = MetaKey("admin_units_version");
pub const ADMIN_UNITS_COMPLETE: MetaKey = MetaKey("admin_units_complete");
/// The version of the area's configuration this device holds (`CONFIG`), 0 for the defaults.
pub const CONFIG_VERSION: MetaKey = MetaKey("config_version");
/// The periodic reports of the area already produced, as a JSON list of periods (`2026-H1`).
pub const PRODUCED_REPORTS: MetaKey = MetaKey("produced_reports");
/// The argon2id hash of the PIN that unlocks the app (`security::pin`).
pub const PIN_HASH: MetaKey = MetaKey("pin_hash");
/// Wrong PINs in a row; the tenth wipes the device.
pub const PIN_FAILURES: MetaKey = MetaKey("pin_failures");
/// Minutes without use after which the app locks itself.
pub const AUTO_LOCK_MINUTES: MetaKey = MetaKey("auto_lock_minutes");
/// The language the user reads (`vi` or `en`); the shells pick texts by it.
pub const LANGUAGE: MetaKey = MetaKey("language");

/// The user's photo settings as JSON (`crate::store::PhotoSettings`).
pub const PHOTO_SETTINGS: MetaKey = MetaKey("photo_settings");

/// The keys a wipe keeps: the installation's identity and clock, never credentials or data.
pub const KEPT_BY_WIPE: [MetaKey; 2] = [DEVICE_ID, LAST_HLC];
