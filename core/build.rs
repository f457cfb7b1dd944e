//! Aligns the Android library's segments to 16 KB pages: Android 15 devices may use them, and Google
//! Play refuses 64-bit native libraries that are not aligned (NDK r28 does it by default; this keeps
//! older NDKs and any RUSTFLAGS a build tool sets from undoing it). Other targets are left as they are.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let pointer_width = std::env::var("CARGO_CFG_TARGET_POINTER_WIDTH").unwrap_or_default();
    if os == "android" && pointer_width == "64" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,max-page-size=16384");
    }
}
