// The database key: made once by the core (`newDatabaseKey`), kept on disk only wrapped by an
// AES-256-GCM key that never leaves the Android Keystore, unwrapped at each launch and by the sync
// worker. The PIN does not derive it, so background sync runs while the app is locked.
package vn.hoso.app.platform

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import java.io.File
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import vn.hoso.core.newDatabaseKey

class DatabaseKeyStore(private val wrappedKeyFile: File) {

    /** The key for `HosoCore.open`: unwrapped from the file, or made and wrapped on the first launch. */
    fun keyHex(): String =
        if (wrappedKeyFile.exists()) unwrap(wrappedKeyFile.readBytes()) else newDatabaseKey().also(::save)

    /** Forgets the key (with the database it opens, which is then unreadable). */
    fun forget() {
        wrappedKeyFile.delete()
        keyStore().deleteEntry(ALIAS)
    }

    private fun save(keyHex: String) {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey())
        val sealed = cipher.iv + cipher.doFinal(keyHex.toByteArray(Charsets.US_ASCII))
        wrappedKeyFile.parentFile?.mkdirs()
        val partial = File(wrappedKeyFile.path + ".partial")
        partial.writeBytes(sealed)
        check(partial.renameTo(wrappedKeyFile)) { "the wrapped database key could not be stored" }
    }

    private fun unwrap(sealed: ByteArray): String {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        val iv = sealed.copyOfRange(0, IV_BYTES)
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(TAG_BITS, iv))
        return cipher.doFinal(sealed, IV_BYTES, sealed.size - IV_BYTES).toString(Charsets.US_ASCII)
    }

    private fun wrappingKey(): SecretKey =
        (keyStore().getKey(ALIAS, null) as? SecretKey) ?: KeyGenerator
            .getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
            .apply {
                init(
                    KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                        .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                        .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                        .setKeySize(KEY_BITS)
                        .build(),
                )
            }
            .generateKey()

    private fun keyStore(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val ALIAS = "hoso-database-key-wrapper"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val KEY_BITS = 256
        const val IV_BYTES = 12
        const val TAG_BITS = 128
    }
}
