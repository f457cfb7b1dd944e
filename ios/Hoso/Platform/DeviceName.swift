// The name a device enrolls under, as the administrator sees it in the device list ("iPad", "iPhone").
import UIKit

@MainActor
func deviceName() -> String {
    UIDevice.current.model
}
