//! Android only: hands the app's `Context` to rustls-platform-verifier, so that servers are verified
//! by Android's own certificate store (authorities the user or the ministry installed, revocation).
//! The app calls `HosoAndroid.initTls(context)` once, from `Application.onCreate`, before any sync
//! (android/core/src/main/java/vn/hoso/core/HosoAndroid.kt).

use crate::sync::http::PLATFORM_VERIFIER_READY;
use jni::EnvUnowned;
use jni::errors::ThrowRuntimeExAndDefault;
use jni::objects::{JClass, JObject};
use std::sync::atomic::Ordering;

#[unsafe(no_mangle)]
pub extern "system" fn Java_vn_hoso_core_HosoAndroid_initTls<'caller>(
    mut env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    context: JObject<'caller>,
) {
    // A failure reaches the app as a RuntimeException; syncs then report a TLS fault.
    env.with_env(|env| {
        rustls_platform_verifier::android::init_with_env(env, context)?;
        PLATFORM_VERIFIER_READY.store(true, Ordering::Release);
        Ok::<(), jni::errors::Error>(())
    })
    .resolve::<ThrowRuntimeExAndDefault>();
}
