/// How go-yaml v2 (and so Kubernetes' sigs.k8s.io/yaml) reads untagged plain scalars as booleans
/// and numbers: YAML 1.1 rules, where `yes` is true and `0644` is octal.
enum YAML11Scalars {
    enum IntegerReading<Integer> {
        case value(Integer)
        case outOfRange
        case notAnInteger
    }

    /// Whether go-yaml v2 reads an untagged plain scalar as a string: not a boolean, null or number.
    static func isString(_ text: String) -> Bool {
        // Most keys and names start with a letter that none of the other forms starts with; this is
        // checked for every key of every manifest.
        guard let first = text.utf8.first else { return false }
        switch first {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
            if !"yYnNtTfFoO".utf8.contains(first) { return true }
        default:
            break
        }
        switch text {
        case "~", "null", "Null", "NULL": return false
        default: return bool(text) == nil && floatingPoint(text) == nil
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": true
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": false
        default: nil
        }
    }

    /// Decimal, `0x` hex, `0o` or leading-zero octal, `0b` binary, with an optional sign and
    /// underscores anywhere after the first character, as go-yaml v2 accepts them.
    static func integer<Integer: FixedWidthInteger>(_ text: String, as type: Integer.Type) -> IntegerReading<Integer> {
        guard let (isNegative, magnitude) = integerMagnitude(text) else { return .notAnInteger }
        guard let magnitude else { return .outOfRange }
        if !isNegative {
            return Integer(exactly: magnitude).map { .value($0) } ?? .outOfRange
        }
        if magnitude == 0 { return .value(0) }
        guard Integer.isSigned, magnitude - 1 <= UInt64(Integer.max) else { return .outOfRange }
        // Built from the magnitude minus one so that the minimum value does not overflow on the way.
        return .value(0 - Integer(magnitude - 1) - 1)
    }

    /// Floating-point syntax (`1.5`, `-.5`, `6e3`, `.inf`, `.NaN`) or any integer form above.
    static func floatingPoint(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        if let (isNegative, magnitude) = integerMagnitude(text), let magnitude {
            return isNegative ? -Double(magnitude) : Double(magnitude)
        }
        guard let first = text.utf8.first, first == UInt8(ascii: ".") || startsNumber(first) else { return nil }
        let digits = String(decoding: text.utf8.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        guard isDecimalFloat(digits.utf8) else { return nil }
        return Double(digits)
    }

    /// Sign and magnitude of an integer written in any of the accepted forms; a nil magnitude means
    /// the digits are valid but do not fit in 64 bits.
    private static func integerMagnitude(_ text: String) -> (isNegative: Bool, magnitude: UInt64?)? {
        guard let first = text.utf8.first, startsNumber(first) else { return nil }
        var digits = text.utf8.filter { $0 != UInt8(ascii: "_") }[...]
        var isNegative = false
        if let sign = digits.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
            isNegative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        let radix: UInt64
        switch (digits.first, digits.dropFirst().first) {
        case (UInt8(ascii: "0"), UInt8(ascii: "x")?), (UInt8(ascii: "0"), UInt8(ascii: "X")?):
            radix = 16
            digits = digits.dropFirst(2)
        case (UInt8(ascii: "0"), UInt8(ascii: "o")?), (UInt8(ascii: "0"), UInt8(ascii: "O")?):
            radix = 8
            digits = digits.dropFirst(2)
        case (UInt8(ascii: "0"), UInt8(ascii: "b")?), (UInt8(ascii: "0"), UInt8(ascii: "B")?):
            radix = 2
            digits = digits.dropFirst(2)
        case (UInt8(ascii: "0"), _?) where digits.allSatisfy({ digitValue($0).map { $0 < 8 } ?? false }):
            radix = 8
        default:
            radix = 10
        }
        guard !digits.isEmpty else { return nil }
        var magnitude: UInt64? = 0
        for byte in digits {
            guard let digit = digitValue(byte), digit < radix else { return nil }
            magnitude = magnitude.flatMap { current in
                let (shifted, overflowA) = current.multipliedReportingOverflow(by: radix)
                let (sum, overflowB) = shifted.addingReportingOverflow(digit)
                return overflowA || overflowB ? nil : sum
            }
        }
        return (isNegative, magnitude)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, the form go-yaml v2 takes for a float.
    private static func isDecimalFloat(_ text: String.UTF8View) -> Bool {
        var rest = text[...]
        if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { rest = rest.dropFirst() }
        let integerDigits = rest.prefix(while: isDecimalDigit).count
        rest = rest.dropFirst(integerDigits)
        var fractionDigits = 0
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            fractionDigits = rest.prefix(while: isDecimalDigit).count
            rest = rest.dropFirst(fractionDigits)
            if integerDigits == 0 && fractionDigits == 0 { return false }
        } else if integerDigits == 0 {
            return false
        }
        if let exponent = rest.first, exponent == UInt8(ascii: "e") || exponent == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            if let sign = rest.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { rest = rest.dropFirst() }
            let exponentDigits = rest.prefix(while: isDecimalDigit).count
            guard exponentDigits > 0 else { return false }
            rest = rest.dropFirst(exponentDigits)
        }
        return rest.isEmpty
    }

    private static func startsNumber(_ byte: UInt8) -> Bool {
        isDecimalDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
    }

    private static func isDecimalDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func digitValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
