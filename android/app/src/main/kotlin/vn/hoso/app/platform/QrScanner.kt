// Scanning an enrollment QR code with Google's code scanner: it draws its own camera screen and needs no
// camera permission. The payload goes to the core unread; the core says whether it is an enrollment code.
package vn.hoso.app.platform

import android.content.Context
import com.google.mlkit.vision.barcode.common.Barcode
import com.google.mlkit.vision.codescanner.GmsBarcodeScannerOptions
import com.google.mlkit.vision.codescanner.GmsBarcodeScanning

class QrScanner(private val context: Context) {
    private val options = GmsBarcodeScannerOptions.Builder()
        .setBarcodeFormats(Barcode.FORMAT_QR_CODE)
        .build()

    /** Opens the scanner; `onPayload` gets the code's text, `onUnavailable` runs when no scanner can open. */
    fun scan(onPayload: (String) -> Unit, onUnavailable: () -> Unit) {
        GmsBarcodeScanning.getClient(context, options)
            .startScan()
            .addOnSuccessListener { barcode -> barcode.rawValue?.let(onPayload) }
            .addOnFailureListener { onUnavailable() }
    }
}
