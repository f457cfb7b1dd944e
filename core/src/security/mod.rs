//! App security on the device: the database key made once for the platform keystore to keep
//! ([`key`]), the PIN that unlocks the app ([`pin`]: argon2id, limited attempts), and the [`Session`]
//! lock that every screen call checks, which wipes the local data after too many wrong PINs. The
//! enrollment QR payload is read by `hoso_model::enrollment_qr`.
//!
//! Invariants: the PIN is never stored or logged, only its argon2id hash, inside the encrypted store;
//! a wipe removes every record, op and credential (as a revoked device's does) and leaves no old page
//! in the write-ahead log; the failure count survives a restart of the app.

pub mod key;
pub mod pin;
mod session;

pub use session::{
    AUTO_LOCK_CHOICES, DEFAULT_AUTO_LOCK_MINUTES, LockState, Session, UnlockOutcome,
};
