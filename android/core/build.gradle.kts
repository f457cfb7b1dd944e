// The Android library module wrapping hoso-core: generated Kotlin bindings + jniLibs from cargo-ndk.
plugins {
    id("com.android.library")
    kotlin("android")
}

android {
    namespace = "vn.hoso.core"
    compileSdk = 35
    defaultConfig { minSdk = 26 }
    sourceSets["main"].java.srcDir("src/main/kotlin")
    sourceSets["main"].jniLibs.srcDir("src/main/jniLibs")
}

dependencies {
    implementation("net.java.dev.jna:jna:5.13.0@aar")
}
