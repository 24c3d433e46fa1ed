import CapGuardSystem
import CapGuardTestSupport
import Foundation
import Testing

@Suite("SHA-256 against the FIPS 180-4 examples and sha256sum")
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func nistExamples(message: String, expected: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == expected)
    }

    @Test func oneMillionLetterA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(of: message) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the 56-byte padding boundary and the block size: one or two padding blocks.
    @Test func everyPaddingCaseAgreesWithSha256sum() throws {
        let directory = TemporaryDirectory.make(prefix: "sha256")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = "\(directory)/message-\(length)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            #expect(SHA256.hex(of: bytes) == sha256sum(path), "length \(length)")
        }
    }

    @Test func aRealFileAgreesWithSha256sum() throws {
        let path = Fixtures.directory.appendingPathComponent("pod-create-compliant.json").path
        let bytes = try BoundedInput.read(path: path, limit: 1 << 20)
        #expect(SHA256.hex(of: bytes) == sha256sum(path))
    }

    @Test func digestIsThirtyTwoBytes() {
        #expect(SHA256.digest(of: Array("abc".utf8)).count == 32)
    }

    private func sha256sum(_ path: String) -> String {
        let result = Command.run("sha256sum", [path])
        return String(result.standardOutput.prefix(64))
    }
}
