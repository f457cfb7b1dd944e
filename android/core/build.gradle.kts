// The Android library wrapping hoso-core: the native libraries cargo-ndk builds from the Rust workspace
// (the folder above android/) with the phones' `mobile` profile, the Kotlin bindings uniffi generates from
// them (both build outputs under build/, never committed), and the hand-written
// src/main/java/vn/hoso/core/HosoAndroid.kt (TLS start-up, Logcat sink).
import javax.inject.Inject

plugins {
    alias(libs.plugins.android.library)
}

/**
 * Builds `libhoso_core.so` for each ABI with cargo-ndk and the `mobile` profile (fat LTO, line tables kept:
 * the packaging strips the shipped copy), into `outputDir/<abi>/`. core/build.rs aligns the 64-bit
 * libraries to 16 KB pages; android/build-jni-libs.sh builds the same way and checks it.
 */
abstract class CargoNdkTask : DefaultTask() {
    @get:Input abstract val abis: ListProperty<String>

    @get:InputFiles
    @get:PathSensitive(PathSensitivity.RELATIVE)
    abstract val rustSources: ConfigurableFileCollection

    @get:Internal abstract val workspace: DirectoryProperty

    @get:OutputDirectory abstract val outputDir: DirectoryProperty

    @get:Inject abstract val exec: ExecOperations

    @TaskAction
    fun build() {
        val targets = abis.get().flatMap { listOf("-t", it) }
        exec.exec {
            workingDir = workspace.get().asFile
            commandLine(
                listOf("cargo", "ndk") + targets +
                    listOf("-o", outputDir.get().asFile.path, "build", "--profile", "mobile", "-p", "hoso-core"),
            )
        }
    }
}

/** Generates the Kotlin bindings (package `vn.hoso.core`) from a built library, in uniffi's library mode. */
abstract class UniffiBindingsTask : DefaultTask() {
    @get:InputFile
    @get:PathSensitive(PathSensitivity.NONE)
    abstract val library: RegularFileProperty

    @get:Internal abstract val workspace: DirectoryProperty

    @get:OutputDirectory abstract val outputDir: DirectoryProperty

    @get:Inject abstract val exec: ExecOperations

    @TaskAction
    fun generate() {
        exec.exec {
            workingDir = workspace.get().asFile
            commandLine(
                "cargo", "run", "-p", "uniffi-bindgen", "--", "generate", "--no-format",
                library.get().asFile.path, "--language", "kotlin", "--out-dir", outputDir.get().asFile.path,
            )
        }
    }
}

val workspaceDir = layout.projectDirectory.dir("../..")

val cargoNdk = tasks.register<CargoNdkTask>("cargoNdk") {
    abis.set(listOf("arm64-v8a", "armeabi-v7a", "x86_64"))
    workspace.set(workspaceDir)
    rustSources.from(
        workspaceDir.file("Cargo.toml"),
        workspaceDir.file("Cargo.lock"),
        fileTree(workspaceDir) { include("core/**", "model/**", "sqlite/**"); exclude("**/target/**") },
    )
    outputDir.set(layout.buildDirectory.dir("rust/jniLibs"))
}

val uniffiBindings = tasks.register<UniffiBindingsTask>("uniffiBindings") {
    workspace.set(workspaceDir)
    library.set(cargoNdk.flatMap { it.outputDir.file("arm64-v8a/libhoso_core.so") })
    outputDir.set(layout.buildDirectory.dir("generated/uniffi/kotlin"))
}

android {
    namespace = "vn.hoso.core"
    compileSdk = 36
    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

androidComponents {
    onVariants { variant ->
        variant.sources.jniLibs?.addGeneratedSourceDirectory(cargoNdk, CargoNdkTask::outputDir)
        variant.sources.java?.addGeneratedSourceDirectory(uniffiBindings, UniffiBindingsTask::outputDir)
    }
}

dependencies {
    api(libs.jna) { artifact { type = "aar" } }
    implementation(libs.rustls.platformVerifier)
}
