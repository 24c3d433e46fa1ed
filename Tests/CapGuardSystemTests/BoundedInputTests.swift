import CapGuardSystem
import CapGuardTestSupport
import Foundation
import Testing

@Suite("Reading files and streams within a limit")
struct BoundedInputTests {
    @Test func aFileOfExactlyTheLimitIsRead() throws {
        let path = try file(bytes: 100)
        #expect(try BoundedInput.read(path: path, limit: 100).count == 100)
    }

    @Test func oneByteOverTheLimitIsRefused() throws {
        let path = try file(bytes: 101)
        #expect(throws: BoundedInput.Failure.tooLarge(limit: 100)) { try BoundedInput.read(path: path, limit: 100) }
    }

    @Test func anEndlessDeviceIsRefused() {
        #expect(throws: BoundedInput.Failure.tooLarge(limit: 1 << 20)) { try BoundedInput.read(path: "/dev/zero", limit: 1 << 20) }
    }

    @Test func aMissingFileSaysWhy() {
        #expect(throws: BoundedInput.Failure.cannotOpen(reason: "No such file or directory")) {
            try BoundedInput.read(path: "/nonexistent/capguard", limit: 100)
        }
    }

    @Test func aDirectoryCannotBeRead() {
        #expect(throws: BoundedInput.Failure.cannotRead(reason: "Is a directory")) { try BoundedInput.read(path: "/tmp", limit: 100) }
    }

    private func file(bytes: Int) throws -> String {
        let directory = TemporaryDirectory.make(prefix: "bounded-input")
        let path = directory + "/file"
        try Data(repeating: 0x61, count: bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
