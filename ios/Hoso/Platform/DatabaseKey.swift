// The database key: made once by the core (`newDatabaseKey`), kept in the Keychain as an item readable after
// the first unlock of the phone and never leaving this device (no backup, no migration), so the background
// sync can open the store while the app is locked. The PIN does not derive it.
import Foundation
import HosoCore
import Security

enum DatabaseKey {
    private static let service = "vn.hoso.database-key"

    /// The key for `HosoCore.open`: read from the Keychain, or made and stored on the first launch.
    static func keyHex() throws -> String {
        if let stored = try read() { return stored }
        let key = try newDatabaseKey()
        try store(key)
        return key
    }

    static func forget() {
        let query: [CFString: Any] = [kSecClass: kSecClassGenericPassword, kSecAttrService: service]
        SecItemDelete(query as CFDictionary)
    }

    private static func read() throws -> String? {
        var item: CFTypeRef?
        let query: [CFString: Any] = [
            kSecClass: kSecClassGenericPassword,
            kSecAttrService: service,
            kSecReturnData: true,
            kSecMatchLimit: kSecMatchLimitOne,
        ]
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        if status == errSecItemNotFound { return nil }
        guard status == errSecSuccess, let data = item as? Data else { throw KeychainError(status: status) }
        return String(decoding: data, as: UTF8.self)
    }

    private static func store(_ key: String) throws {
        let attributes: [CFString: Any] = [
            kSecClass: kSecClassGenericPassword,
            kSecAttrService: service,
            kSecAttrAccessible: kSecAttrAccessibleAfterFirstUnlockThisDeviceOnly,
            kSecValueData: Data(key.utf8),
        ]
        let status = SecItemAdd(attributes as CFDictionary, nil)
        guard status == errSecSuccess else { throw KeychainError(status: status) }
    }
}

struct KeychainError: Error {
    let status: OSStatus
}
