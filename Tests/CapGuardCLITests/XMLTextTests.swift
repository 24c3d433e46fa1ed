@testable import capguard
import Testing

@Suite("XML text")
struct XMLTextTests {
    @Test func markupAndForbiddenCharacters() {
        #expect(XMLText.escaped("a<b>&\"c\"") == "a&lt;b&gt;&amp;\"c\"")
        #expect(XMLText.escaped("a\"b\tc\nd", inAttribute: true) == "a&quot;b&#9;c&#10;d")
        #expect(XMLText.escaped("a\tb\nc\rd") == "a\tb\nc&#13;d")
        #expect(XMLText.escaped("\u{0}\u{1b}[2K\u{7}\u{FFFE}\u{FFFF}") == "\\u{0}\\u{1b}[2K\\u{7}\\u{fffe}\\u{ffff}")
        #expect(XMLText.escaped("é ü \u{202E}") == "é ü \u{202E}")
    }
}
