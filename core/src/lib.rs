//! hoso-core: the device side of hoso — the encrypted store, the case actions a collaborator takes,
//! the sync client, and the uniffi API the apps call. The rules it applies live in `hoso-model`.
//!
//! Layers, arrows pointing down only: [`ffi`] → [`screens`] → [`app`] → [`actions`], [`photos`] and
//! [`sync`] → [`store`] → `hoso-sqlite` and `hoso-model`; [`security`] (key, PIN, lock) sits beside
//! [`app`].

pub mod actions;
pub mod app;
pub mod error;
pub mod ffi;
pub mod photo;
pub mod photos;
pub mod screens;
pub mod security;
pub mod store;
pub mod sync;

pub use error::{Error, Result};

uniffi::setup_scaffolding!();
