// Pictures from the photo library or the camera as the core takes them: JPEG bytes. iPhones store HEIC,
// which the core does not decode, so every picture is re-encoded with UIImage's JPEG encoder (its
// orientation kept; the core turns it upright and strips all other metadata, then shrinks it).
import PhotosUI
import SwiftUI
import UIKit

enum PhotoImport {
    /// Re-encoding keeps detail for the core's own 1600 px JPEG.
    private static let quality: CGFloat = 0.92

    static func jpeg(_ image: UIImage) -> Data? { image.jpegData(compressionQuality: quality) }

    /// The picked item's bytes as JPEG (HEIC, PNG or JPEG in; nil when the item cannot be read).
    static func jpeg(_ item: PhotosPickerItem) async -> Data? {
        guard let data = try? await item.loadTransferable(type: Data.self), let image = UIImage(data: data) else { return nil }
        return jpeg(image)
    }
}
