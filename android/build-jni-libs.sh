#!/usr/bin/env bash
# Builds hoso-core for Android phones as the core module's cargoNdk task does (cargo-ndk, `mobile`
# profile, into android/core/build/rust/jniLibs), and checks that every 64-bit library is aligned to 16 KB
# pages (Google Play refuses it otherwise): what a release pipeline runs before Gradle packs the app.
# Run on a machine with the Android NDK (r26 or later) and cargo-ndk; not on the project's CI machine.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${ANDROID_NDK_HOME:?set ANDROID_NDK_HOME to the NDK folder}"
rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android
command -v cargo-ndk >/dev/null || cargo install --locked cargo-ndk
out=android/core/build/rust/jniLibs
cargo ndk -t arm64-v8a -t armeabi-v7a -t x86_64 -o "$out" build --profile mobile -p hoso-core
# llvm-readelf may be a link (to llvm-readobj) in the NDK: look for the name, whatever its file type.
readelf=$(find "$ANDROID_NDK_HOME/toolchains/llvm/prebuilt" -name llvm-readelf | head -n 1)
[ -n "$readelf" ] || { echo "no llvm-readelf in $ANDROID_NDK_HOME" >&2; exit 1; }
for abi in arm64-v8a x86_64; do
  lib="$out/$abi/libhoso_core.so"
  # Every LOAD segment's alignment (the last column, in hex) must be at least 16 KB (0x4000).
  for align in $("$readelf" -lW "$lib" | awk '$1 == "LOAD" { print $NF }'); do
    if [ $((align)) -lt 16384 ]; then
      echo "$lib has a LOAD segment aligned to $align, not 16 KB pages" >&2
      exit 1
    fi
  done
  echo "$lib: $(wc -c <"$lib" | tr -d " ") bytes, LOAD segments aligned to 16 KB"
done
