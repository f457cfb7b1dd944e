// The network the device is on, as the core's photo uploads need it: unmetered (Wi-Fi), metered (cellular,
// Low Data Mode; held when the settings say Wi-Fi only) or none.
import Foundation
import HosoCore
import Network

/// `@unchecked`: NWPathMonitor reads its current path safely from any thread.
final class NetworkWatch: @unchecked Sendable {
    static let shared = NetworkWatch()
    private let monitor = NWPathMonitor()

    private init() {
        monitor.start(queue: DispatchQueue(label: "vn.hoso.network"))
    }

    var kind: NetworkKind {
        let path = monitor.currentPath
        guard path.status == .satisfied else { return .offline }
        return path.isExpensive || path.isConstrained ? .metered : .unmetered
    }
}
