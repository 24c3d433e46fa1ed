import CapGuardJSON
@testable import CapGuardServer
import CapGuardTestSupport
import Foundation
import Logging
import Testing

@Suite("JSON logging")
struct LoggingTests {
    @Test("one JSON object per line with time, level, message and flattened metadata")
    func jsonLine() throws {
        let capture = LogCapture()
        var logger = Logger(label: "capguard.test") { JSONLogHandler(label: $0, output: JSONLogOutput(write: capture.append)) }
        logger[metadataKey: "component"] = "server"
        logger.warning("a \"quoted\"\nmessage", metadata: ["peer": "127.0.0.1:1", "tls": ["version": "1.3"], "list": ["a", "b"], "level": "clash"])
        logger.debug("below the level")
        let lines = capture.lines
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(!line.contains("\n"))
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["message"] as? String == "a \"quoted\"\nmessage")
        #expect(object["component"] as? String == "server")
        #expect(object["peer"] as? String == "127.0.0.1:1")
        #expect(object["tls.version"] as? String == "1.3")
        #expect(object["list"] as? [String] == ["a", "b"])
        #expect(object["metadata.level"] as? String == "clash")
        let time = try #require(object["time"] as? String)
        #expect(time.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil)
    }

    @Test("control characters are escaped")
    func escaping() {
        #expect(JSONText.string("a\u{1}\t\\") == "\"a\\u0001\\t\\\\\"")
    }

    @Test("bidi controls, separators, zero-width and C1 characters are escaped; other text is copied")
    func escapingInvisibleAndReorderingCharacters() throws {
        let unsafe: [Unicode.Scalar] = ["\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}",
                                        "\u{2028}", "\u{2029}", "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}",
                                        "\u{2060}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}", "\u{FEFF}"]
        for scalar in unsafe {
            let text = "a" + String(scalar) + "b"
            let literal = JSONText.string(text)
            #expect(literal == "\"a\\u" + String(format: "%04x", scalar.value) + "b\"")
            // Still JSON that reads back as the original text.
            #expect(try JSONSerialization.jsonObject(with: Data(literal.utf8), options: .fragmentsAllowed) as? String == text)
        }
        // Neighbours of the escaped ranges, and text beyond the BMP, pass as they are.
        let safe = "\u{A0}é\u{2010}\u{2027}\u{202F}\u{2065}\u{206A}\u{FEFE}\u{FF01}🦀🇫🇷e\u{301}"
        #expect(JSONText.string(safe) == "\"" + safe + "\"")
    }

    @Test("repeated connection events are capped per window and the rest counted")
    func rateLimit() throws {
        let capture = LogCapture()
        let logger = Logger(label: "test") { JSONLogHandler(label: $0, output: JSONLogOutput(write: capture.append)) }
        let limiter = EventLogLimiter(logger: logger, burst: 3, window: .milliseconds(100))
        for _ in 0..<50 {
            limiter.warning("tls_handshake_failed", "TLS handshake failed", ["peer": "x"])
        }
        limiter.warning("limit_hit", "other kind", [:])
        #expect(capture.lines.count == 4)
        usleep(150_000)
        limiter.warning("tls_handshake_failed", "TLS handshake failed", ["peer": "x"])
        #expect(capture.lines.count == 5)
        #expect(capture.lines.last?.contains("\"suppressed\":\"47\"") == true)
    }
}
