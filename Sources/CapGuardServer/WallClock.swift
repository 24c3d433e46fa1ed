import Glibc

/// UTC time stamps in the two text forms the server writes, made without Foundation.
enum WallClock {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate for the Date header, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    static func httpDate(_ seconds: Int = time(nil)) -> String {
        let parts = utc(seconds)
        var bytes = Array("\(weekdays[Int(parts.tm_wday)]), ".utf8)
        ASCII.appendDecimal(Int(parts.tm_mday), minimumDigits: 2, to: &bytes)
        bytes.append(contentsOf: " \(months[Int(parts.tm_mon)]) ".utf8)
        ASCII.appendDecimal(Int(parts.tm_year) + 1900, to: &bytes)
        bytes.append(ASCII.space)
        appendTime(parts, to: &bytes)
        bytes.append(contentsOf: " GMT".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3339 with milliseconds, e.g. "2024-05-01T12:00:00.123Z".
    static func rfc3339Now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return rfc3339(seconds: now.tv_sec, milliseconds: now.tv_nsec / 1_000_000)
    }

    /// Written as bytes: every admission's log line has one, and seven padded Strings joined cost about 7k
    /// instructions of the line's 44k.
    static func rfc3339(seconds: Int, milliseconds: Int) -> String {
        let parts = utc(seconds)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        ASCII.appendDecimal(Int(parts.tm_year) + 1900, minimumDigits: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        ASCII.appendDecimal(Int(parts.tm_mon) + 1, minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        ASCII.appendDecimal(Int(parts.tm_mday), minimumDigits: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendTime(parts, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        ASCII.appendDecimal(milliseconds, minimumDigits: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "HH:MM:SS", as both forms write it.
    private static func appendTime(_ parts: tm, to bytes: inout [UInt8]) {
        ASCII.appendDecimal(Int(parts.tm_hour), minimumDigits: 2, to: &bytes)
        bytes.append(ASCII.colon)
        ASCII.appendDecimal(Int(parts.tm_min), minimumDigits: 2, to: &bytes)
        bytes.append(ASCII.colon)
        ASCII.appendDecimal(Int(parts.tm_sec), minimumDigits: 2, to: &bytes)
    }

    private static func utc(_ seconds: Int) -> tm {
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        return parts
    }
}
