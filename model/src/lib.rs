//! hoso-model: the pure foundation shared by the device and the server. It does no I/O: no database,
//! no network, no files (its data files are compiled in).
//!
//! - [`hlc`], [`op`], [`merge`], [`record`]: hybrid logical clocks, field-level operations, the per-field
//!   merge both sides run, and records as the rules see them;
//! - [`i18n`], [`fold`]: Vietnamese-first texts and search folding;
//! - [`role`], [`area`], [`schema`], [`policy`]: who works where, what each record kind links to, and who
//!   may write what;
//! - [`protocol`], [`enrollment_qr`]: the wire types of `docs/protocol.md`, and the payload of an
//!   enrollment QR code;
//! - [`forms`], [`domain`], [`admin_units`]: the law's forms, rules and administrative units.

pub mod admin_units;
pub mod area;
#[cfg(feature = "demo")]
pub mod demo;
pub mod domain;
pub mod enrollment_qr;
pub mod fold;
pub mod forms;
pub mod hlc;
pub mod i18n;
pub mod merge;
pub mod op;
pub mod policy;
pub mod protocol;
pub mod record;
pub mod role;
pub mod schema;
pub mod scope;
pub mod sensitivity;
pub mod wire;
