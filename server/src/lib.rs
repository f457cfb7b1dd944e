//! hoso-server as a library: the HTTP layer, the storage seam and the demo data, used by the binary
//! (`main.rs`) and the benchmarks. Photo images live apart from records, in [`blobs`].

pub mod api;
pub mod blobs;
pub mod credentials;
pub mod demo;
pub mod keyfile;
pub mod migrate;
pub mod report;
pub mod storage;
pub mod web;
