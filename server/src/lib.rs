//! hoso-server as a library: the HTTP layer, the storage seam and the demo data, used by the binary
//! (`main.rs`) and the benchmarks.

pub mod api;
pub mod credentials;
pub mod demo;
pub mod keyfile;
pub mod storage;
