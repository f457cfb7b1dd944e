// The hoso Android build: `app` (the screens and platform adapters) and `core` (the Rust core's native
// libraries and generated Kotlin bindings). The Rust workspace is the folder above this one.
import groovy.json.JsonSlurper

pluginManagement {
    repositories {
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        gradlePluginPortal()
    }
}

// rustls-platform-verifier (the core's TLS certificate check) ships its Android half as a Maven
// repository inside the crate; Cargo knows where the crate is.
fun rustlsPlatformVerifierRepository(): File {
    val metadata = providers.exec {
        workingDir = rootDir.parentFile
        commandLine(
            "cargo", "metadata", "--format-version", "1",
            "--filter-platform", "aarch64-linux-android", "--manifest-path", "core/Cargo.toml",
        )
    }.standardOutput.asText.get()
    @Suppress("UNCHECKED_CAST")
    val packages = (JsonSlurper().parseText(metadata) as Map<String, Any>)["packages"] as List<Map<String, Any>>
    val manifest = packages.first { it["name"] == "rustls-platform-verifier-android" }["manifest_path"] as String
    return File(File(manifest).parentFile, "maven")
}

dependencyResolutionManagement {
    repositoriesMode = RepositoriesMode.FAIL_ON_PROJECT_REPOS
    repositories {
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        maven {
            url = uri(rustlsPlatformVerifierRepository())
            metadataSources.artifact()
        }
    }
}

rootProject.name = "hoso"
include(":app")
include(":core")
