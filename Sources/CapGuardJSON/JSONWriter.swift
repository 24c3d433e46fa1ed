/// Writes compact JSON (RFC 8259) into bytes, for the small documents capguard writes by hand on the path
/// of every request: admission responses and log lines. Strings are escaped by `JSONText`.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    @usableFromInline var needsComma = false

    public init() { bytes.reserveCapacity(512) }

    public mutating func object(_ members: (inout JSONWriter) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        members(&self)
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Inlinable so that it is specialised where it is called: unspecialised, it costs a heap allocation
    /// for each element, on the path of every request.
    @inlinable
    public mutating func array<Element>(_ elements: [Element], _ write: (inout JSONWriter, Element) -> Void) {
        openArray()
        for element in elements {
            separate()
            write(&self, element)
            needsComma = true
        }
        closeArray()
    }

    public mutating func field(_ name: String, _ value: (inout JSONWriter) -> Void) {
        separate()
        JSONText.append(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
        value(&self)
        needsComma = true
    }

    /// A field whose value is a string, the most common kind.
    public mutating func field(_ name: String, string value: String) {
        separate()
        JSONText.append(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        JSONText.append(value, to: &bytes)
        needsComma = true
    }

    public mutating func string(_ value: String) {
        JSONText.append(value, to: &bytes)
        needsComma = true
    }

    public mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    public mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    @usableFromInline
    mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    @usableFromInline
    mutating func openArray() {
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    @usableFromInline
    mutating func closeArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }
}
