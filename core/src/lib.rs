//! hoso-core: the offline case file of Vietnamese social work (TT 02/2020/TT-BLĐTBXH).
//!
//! Layers, from pure to I/O (arrows point down only): the pure domain ([`hlc`], [`op`], [`merge`],
//! [`fold`], [`forms`]) knows nothing of storage or network; the I/O layers wrap it.

pub mod admin_units;
pub mod cases;
pub mod demo;
pub mod domain;
pub mod error;
pub mod ffi;
pub mod fold;
pub mod forms;
pub mod hlc;
pub mod i18n;
pub mod merge;
pub mod op;
pub mod photo;
pub mod record;
pub mod store;
pub mod sync;

pub use error::{Error, Result};

uniffi::setup_scaffolding!();
