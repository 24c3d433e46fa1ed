import Foundation

/// What an independent JSON parser makes of output, to check that written JSON is well formed.
public enum Parsed {
    public static func object(_ bytes: [UInt8]) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) as? [String: Any]
    }
}
