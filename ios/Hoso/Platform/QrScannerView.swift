// The camera view that reads an enrollment QR code (VisionKit's data scanner). The payload goes to the
// core unread: the core says whether it is an enrollment code and what it carries.
import SwiftUI
import VisionKit

struct QrScannerView: UIViewControllerRepresentable {
    let onPayload: (String) -> Void

    /// Whether this device can scan (a camera, a recent chip, permission not refused).
    static var isAvailable: Bool {
        DataScannerViewController.isSupported && DataScannerViewController.isAvailable
    }

    func makeUIViewController(context: Context) -> DataScannerViewController {
        let scanner = DataScannerViewController(
            recognizedDataTypes: [.barcode(symbologies: [.qr])],
            qualityLevel: .balanced,
            isHighlightingEnabled: true
        )
        scanner.delegate = context.coordinator
        return scanner
    }

    func updateUIViewController(_ scanner: DataScannerViewController, context: Context) {
        if !scanner.isScanning { try? scanner.startScanning() }
    }

    func makeCoordinator() -> Coordinator { Coordinator(onPayload: onPayload) }

    final class Coordinator: NSObject, DataScannerViewControllerDelegate {
        private let onPayload: (String) -> Void

        init(onPayload: @escaping (String) -> Void) { self.onPayload = onPayload }

        func dataScanner(_ scanner: DataScannerViewController, didAdd added: [RecognizedItem], allItems: [RecognizedItem]) {
            for item in added {
                if case let .barcode(code) = item, let payload = code.payloadStringValue {
                    scanner.stopScanning()
                    onPayload(payload)
                    return
                }
            }
        }
    }
}
