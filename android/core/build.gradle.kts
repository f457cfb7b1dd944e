// The Android library module wrapping hoso-core: generated Kotlin bindings (src/main/kotlin), the
// hand-written src/main/java/vn/hoso/core/HosoAndroid.kt, jniLibs from
// android/build-jni-libs.sh, and the Kotlin half of rustls-platform-verifier (the core verifies servers
// with Android's own certificate store through it).
plugins {
    id("com.android.library")
    kotlin("android")
}

repositories {
    // rustls-platform-verifier publishes its Android component here, in step with the crate's version.
    maven { url = uri("https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/") }
}

/** The version of `rustls-platform-verifier-android` in Cargo.lock: the Kotlin half must match it. */
abstract class RustlsVersion : ValueSource<String, RustlsVersion.Params> {
    interface Params : ValueSourceParameters {
        val lockFile: RegularFileProperty
    }

    override fun obtain(): String {
        val lockFile = parameters.lockFile.get().asFile
        val lines = lockFile.readLines()
        val at = lines.indexOfFirst { it.trim() == "name = \"rustls-platform-verifier-android\"" }
        val version = if (at < 0) null else lines.drop(at + 1)
            .firstOrNull { it.trimStart().startsWith("version = ") }
            ?.substringAfter('"', "")?.substringBefore('"', "")?.takeIf { it.isNotEmpty() }
        return version ?: error("rustls-platform-verifier-android is not in $lockFile")
    }
}

// The workspace's Cargo.lock, two folders up from this module (android/core), whatever the root project.
val rustlsPlatformVerifierVersion = providers.of(RustlsVersion::class.java) {
    parameters.lockFile.set(layout.projectDirectory.file("../../Cargo.lock"))
}

android {
    namespace = "vn.hoso.core"
    compileSdk = 35
    defaultConfig {
        minSdk = 26
        // The verifier's classes are reached only through JNI: keep them from R8.
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].java.srcDir("src/main/kotlin")
    sourceSets["main"].jniLibs.srcDir("src/main/jniLibs")
}

dependencies {
    implementation("net.java.dev.jna:jna:5.13.0@aar")
    implementation("rustls:rustls-platform-verifier:${rustlsPlatformVerifierVersion.get()}")
}
