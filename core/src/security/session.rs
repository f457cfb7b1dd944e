//! The lock in front of the app's screens: where a launch goes (enroll, choose a PIN, unlock), the
//! PIN's attempts, the wipe after too many wrong ones, and locking again after a time without use.
//!
//! What is unlocked lives in memory only (a new process starts locked); the PIN's hash, the count of
//! wrong PINs in a row and the auto-lock delay live in the encrypted store's `meta` table. Sync does not
//! pass through the lock: the background worker syncs a locked app.

use super::pin::{self, MAX_FAILED_ATTEMPTS};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::meta_keys::{AUTO_LOCK_MINUTES, DEVICE_TOKEN, PIN_FAILURES, PIN_HASH};
use std::sync::{Arc, Mutex};

/// Minutes without a screen call after which the app locks itself, unless the user chose otherwise.
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 5;
/// The choices a user has for the auto-lock delay.
pub const AUTO_LOCK_CHOICES: [u32; 5] = [1, 2, 5, 10, 30];

/// Where the app stands when a screen asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockState {
    /// No server knows this device yet: enroll (a QR code, or a server address and a code).
    NotEnrolled,
    /// Enrolled, and no PIN chosen yet.
    PinNeeded,
    /// A PIN unlocks it; `failures` wrong PINs in a row so far.
    Locked {
        failures: u32,
        attempts_left: u32,
    },
    Unlocked,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnlockOutcome {
    Unlocked,
    WrongPin {
        attempts_left: u32,
    },
    /// Too many wrong PINs: the local data was erased and the device must enroll again.
    Wiped,
}

/// The lock of one open store.
pub struct Session {
    store: Arc<Store>,
    /// When the app was last used, while it is unlocked (Unix milliseconds, by the store's clock).
    unlocked_at: Mutex<Option<u64>>,
}

impl Session {
    pub fn new(store: Arc<Store>) -> Session {
        Session {
            store,
            unlocked_at: Mutex::new(None),
        }
    }

    fn last_use(&self) -> std::sync::MutexGuard<'_, Option<u64>> {
        // The guarded value is a plain number: a panic elsewhere cannot leave it half-written.
        self.unlocked_at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn failures(&self) -> Result<u32> {
        Ok(self
            .store
            .meta(PIN_FAILURES)?
            .and_then(|n| n.parse().ok())
            .unwrap_or(0))
    }

    pub fn state(&self) -> Result<LockState> {
        if self.store.meta(DEVICE_TOKEN)?.is_none() {
            return Ok(LockState::NotEnrolled);
        }
        if self.store.meta(PIN_HASH)?.is_none() {
            return Ok(LockState::PinNeeded);
        }
        if self.is_unlocked()? {
            return Ok(LockState::Unlocked);
        }
        let failures = self.failures()?;
        Ok(LockState::Locked {
            failures,
            attempts_left: MAX_FAILED_ATTEMPTS.saturating_sub(failures),
        })
    }

    /// Unlocked and used recently enough; a session idle past the auto-lock delay locks here.
    fn is_unlocked(&self) -> Result<bool> {
        let delay = u64::from(self.auto_lock_minutes()?) * 60_000;
        let mut last_use = self.last_use();
        match *last_use {
            Some(at) if self.store.now_millis().saturating_sub(at) <= delay => Ok(true),
            Some(_) => {
                *last_use = None;
                Ok(false)
            }
            None => Ok(false),
        }
    }

    /// Passes when the app is unlocked, and counts as use; `Locked` otherwise (the shell then asks
    /// the launch screen where to go).
    pub fn check(&self) -> Result<()> {
        if self.is_unlocked()? {
            *self.last_use() = Some(self.store.now_millis());
            Ok(())
        } else {
            Err(Error::Locked)
        }
    }

    /// Chooses the first PIN after enrollment; the app is unlocked with it.
    pub fn set_pin(&self, pin: &str, confirmation: &str) -> Result<()> {
        if self.state()? != LockState::PinNeeded {
            return Err(Error::not_allowed(
                "Mã PIN đã được đặt: hãy đổi mã PIN trong phần cài đặt.",
                "A PIN is already set: change it in the settings.",
            ));
        }
        self.store_pin(pin, confirmation)
    }

    /// Replaces the PIN, knowing the current one. A wrong current PIN counts as a failed attempt (so
    /// the ten-attempt limit cannot be walked around here) but leaves the app unlocked.
    pub fn change_pin(
        &self,
        current: &str,
        pin: &str,
        confirmation: &str,
    ) -> Result<UnlockOutcome> {
        self.check()?;
        match self.try_pin(current)? {
            UnlockOutcome::Unlocked => {
                self.store_pin(pin, confirmation)?;
                Ok(UnlockOutcome::Unlocked)
            }
            refused => Ok(refused),
        }
    }

    fn store_pin(&self, pin: &str, confirmation: &str) -> Result<()> {
        pin::check_new_pin(pin, confirmation).map_err(Error::Invalid)?;
        self.store.set_meta(PIN_HASH, &pin::hash(pin)?)?;
        self.store.set_meta(PIN_FAILURES, "0")?;
        *self.last_use() = Some(self.store.now_millis());
        Ok(())
    }

    /// Tries a PIN to unlock the app. The tenth wrong PIN in a row wipes the device's data.
    pub fn unlock(&self, pin: &str) -> Result<UnlockOutcome> {
        let outcome = self.try_pin(pin)?;
        *self.last_use() = match outcome {
            UnlockOutcome::Unlocked => Some(self.store.now_millis()),
            _ => None,
        };
        Ok(outcome)
    }

    /// Checks a PIN against the stored hash and keeps count of wrong ones in a row.
    fn try_pin(&self, pin: &str) -> Result<UnlockOutcome> {
        let stored = self.store.meta(PIN_HASH)?.ok_or_else(|| {
            Error::not_allowed(
                "Chưa đặt mã PIN cho thiết bị này.",
                "No PIN is set on this device.",
            )
        })?;
        if pin::matches(pin, &stored) {
            self.store.set_meta(PIN_FAILURES, "0")?;
            return Ok(UnlockOutcome::Unlocked);
        }
        let failures = self.failures()? + 1;
        if failures >= MAX_FAILED_ATTEMPTS {
            tracing::warn!(failures, "too many wrong PINs: wiping the device's data");
            self.wipe()?;
            return Ok(UnlockOutcome::Wiped);
        }
        self.store.set_meta(PIN_FAILURES, &failures.to_string())?;
        Ok(UnlockOutcome::WrongPin {
            attempts_left: MAX_FAILED_ATTEMPTS - failures,
        })
    }

    /// Locks now (the shell calls it when the app leaves the screen).
    pub fn lock(&self) {
        *self.last_use() = None;
    }

    /// Erases the device's data as a revoked device does, then empties the write-ahead log, which
    /// still holds the erased pages until a checkpoint overwrites them.
    fn wipe(&self) -> Result<()> {
        self.store.wipe()?;
        self.store
            .lock_writer()
            .conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        *self.last_use() = None;
        Ok(())
    }

    pub fn auto_lock_minutes(&self) -> Result<u32> {
        Ok(self
            .store
            .meta(AUTO_LOCK_MINUTES)?
            .and_then(|m| m.parse().ok())
            .unwrap_or(DEFAULT_AUTO_LOCK_MINUTES))
    }

    pub fn set_auto_lock_minutes(&self, minutes: u32) -> Result<()> {
        if !AUTO_LOCK_CHOICES.contains(&minutes) {
            return Err(Error::invalid(
                "Thời gian tự khóa phải là 1, 2, 5, 10 hoặc 30 phút.",
                "The auto-lock delay must be 1, 2, 5, 10 or 30 minutes.",
            ));
        }
        self.store.set_meta(AUTO_LOCK_MINUTES, &minutes.to_string())
    }
}
