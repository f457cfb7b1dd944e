//! One device's hoso, as the apps hold it: the open store, the case actions, the photo actions (with
//! their upload queue) and the sync client over it, and the session lock in front of the screens. The
//! FFI object wraps one [`App`]; the end-to-end tests drive it directly.

use crate::actions::CaseActions;
use crate::error::Result;
use crate::photos::PhotoActions;
use crate::security::Session;
use crate::store::{Store, TimeSource};
use crate::sync::client::SyncClient;
use crate::sync::http::NetworkSettings;
use std::path::Path;
use std::sync::Arc;

pub struct App {
    pub store: Arc<Store>,
    pub cases: CaseActions,
    pub photos: PhotoActions,
    pub sync: SyncClient,
    pub session: Session,
}

impl App {
    /// Opens (or creates) the store at `path` with a 32-byte key given as 64 hex characters.
    pub fn open(path: impl AsRef<Path>, key_hex: &str) -> Result<App> {
        Ok(App::over(Store::open(path, key_hex)?))
    }

    /// As [`App::open`], with the clock the tests control.
    pub fn open_with_time(path: impl AsRef<Path>, key_hex: &str, now: TimeSource) -> Result<App> {
        Ok(App::over(Store::open_with_time(path, key_hex, now)?))
    }

    pub fn over(store: Store) -> App {
        let store = Arc::new(store);
        // The sync and the photo queue reach the server the same way.
        let network = NetworkSettings::default();
        App {
            cases: CaseActions::new(store.clone()),
            photos: PhotoActions::new(store.clone(), network.clone()),
            sync: SyncClient::new(store.clone(), network),
            session: Session::new(store.clone()),
            store,
        }
    }
}
