#!/usr/bin/env bash
# Builds HosoCore/HosoCore.xcframework for iOS devices and simulators and generates the Swift bindings into
# HosoCore/Sources/HosoCore (run on macOS with Xcode; neither output is committed), with the `mobile`
# profile. SQLCipher uses Apple's CommonCrypto: the OpenSSL variables are unset for the build (with any of
# them, libsqlite3-sys would link that OpenSSL instead). Xcode strips the app and keeps the symbols in its dSYM.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${targets[@]}"
for target in "${targets[@]}"; do
  env -u OPENSSL_DIR -u OPENSSL_LIB_DIR -u OPENSSL_INCLUDE_DIR \
    cargo build --profile mobile -p hoso-core --target "$target"
done
package=ios/HosoCore
out=ios/build
rm -rf "$out" "$package/HosoCore.xcframework" && mkdir -p "$out/headers" "$out/sim"
cargo run -p uniffi-bindgen -- generate --no-format "target/aarch64-apple-ios/mobile/libhoso_core.a" \
  --language swift --out-dir "$out/swift"
cp "$out/swift/HosoCoreFFI.h" "$out/headers/"
cp "$out/swift/HosoCoreFFI.modulemap" "$out/headers/module.modulemap"
lipo -create target/aarch64-apple-ios-sim/mobile/libhoso_core.a target/x86_64-apple-ios/mobile/libhoso_core.a \
  -output "$out/sim/libhoso_core.a"
xcodebuild -create-xcframework \
  -library target/aarch64-apple-ios/mobile/libhoso_core.a -headers "$out/headers" \
  -library "$out/sim/libhoso_core.a" -headers "$out/headers" \
  -output "$package/HosoCore.xcframework"
mkdir -p "$package/Sources/HosoCore" && cp "$out/swift/HosoCore.swift" "$package/Sources/HosoCore/"
echo "$package/HosoCore.xcframework and $package/Sources/HosoCore/HosoCore.swift are ready"
