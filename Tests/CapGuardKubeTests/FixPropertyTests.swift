import Testing
import CapGuardPolicy
@testable import CapGuardKube
import CapGuardTestSupport

/// Generated manifests in many layouts: every fix reads as the original plus the remedy (the fixer refuses
/// otherwise, so no error may come back), leaves only what needs a decision, and changes nothing a second time.
@Suite("Fixing generated manifests")
struct FixPropertyTests {
    @Test(arguments: 0..<1000)
    func generated(seed: Int) {
        let text = GeneratedManifest.text(seed: seed)
        let fixer = ManifestFixer(policies: .default)
        let once = fixer.fix(Array(text.utf8), source: "seed-\(seed).yaml")
        #expect(once.errors.isEmpty, "seed \(seed): \(once.errors)\n\(text)")
        #expect(once.refusals.isEmpty, "seed \(seed)")
        #expect(once.checked.allSatisfy { $0.status == .compliant }, "seed \(seed):\n\(String(decoding: once.bytes, as: UTF8.self))")
        let twice = fixer.fix(once.bytes, source: "seed-\(seed).yaml")
        #expect(!twice.changed, "seed \(seed)")
        #expect(text.contains("\r\n") == String(decoding: once.bytes, as: UTF8.self).contains("\r\n"))
    }
}
