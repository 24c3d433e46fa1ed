import Foundation
import Testing
import CapGuardTestSupport

/// `/metrics` of the real `capguard serve`, scraped with curl after a few reviews, checked by Prometheus' own
/// `promtool` and for values that say something true about the process and its certificate.
@Suite("capguard serve /metrics, as Prometheus reads it")
struct MetricsExpositionTests {
    @Test func theExpositionPassesPromtoolAndReportsTheProcessBuildAndCertificate() throws {
        let certificates = TestCertificates.shared
        let server = try ServeProcess(["--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey])
        defer { server.terminate() }
        try #require(server.port > 0, "capguard serve did not start: \(server.standardError)")

        let responses = try Curl.send(port: server.port, [
            ("/validate", try Fixtures.body("pod-create-compliant.json")),
            ("/validate", try Fixtures.body("pod-create-no-drop.json")),
            ("/validate", Data("{\"kind\": ".utf8)),
        ])
        #expect(responses.map(\.status) == [200, 200, 400])
        let scrape = try Curl.get(port: server.port, "/metrics")
        #expect(scrape.status == 200)
        let exposition = scrape.text

        let promtool = Command.which("promtool")
        try #require(
            FileManager.default.isExecutableFile(atPath: promtool),
            "promtool is missing: install Debian's prometheus package (scripts/install-dependencies does)")
        let check = Command.run(promtool, ["check", "metrics"], input: scrape.body)
        #expect(check.status == 0, "promtool check metrics: \(check.standardOutput)\(check.standardError)\n\(exposition)")

        let samples = Exposition(exposition)
        #expect(samples.value("capguard_admission_requests_total", containing: "decision=\"allowed\"") == 1)
        #expect(samples.value("capguard_admission_requests_total", containing: "decision=\"denied\"") == 1)
        #expect(samples.value("capguard_malformed_requests_total") == 1)
        #expect(samples.value("capguard_admission_duration_seconds_count") == 2)

        let resident = try #require(samples.value("process_resident_memory_bytes"))
        #expect(resident > 0)
        let openFDs = try #require(samples.value("process_open_fds"))
        let maxFDs = try #require(samples.value("process_max_fds"))
        #expect(openFDs > 0 && openFDs < maxFDs)
        let started = try #require(samples.value("process_start_time_seconds"))
        let now = Date().timeIntervalSince1970
        #expect(started <= now && started > now - 3600)
        #expect(try #require(samples.value("process_cpu_seconds_total")) >= 0)

        let notAfter = try #require(samples.value("capguard_certificate_not_after_timestamp_seconds"))
        #expect(notAfter == Double(try Self.notAfter(of: certificates.serverCertificate)))
        #expect(samples.value("capguard_build_info", containing: "version=\"0.1.0\"") == 1)
        #expect(server.terminate() == 0)
    }

    @Test func theCertificateExpiryFollowsAReloadedCertificate() throws {
        let certificates = TestCertificates.shared
        let directory = TemporaryDirectory.make(prefix: "capguard-metrics-certs")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificate = directory + "/tls.crt", key = directory + "/tls.key"
        try FileManager.default.copyItem(atPath: certificates.serverCertificate, toPath: certificate)
        try FileManager.default.copyItem(atPath: certificates.serverKey, toPath: key)
        let server = try ServeProcess(["--tls-cert", certificate, "--tls-key", key, "--reload-interval", "0.05"])
        defer { server.terminate() }
        try #require(server.port > 0, "capguard serve did not start: \(server.standardError)")

        // A certificate one year long, against the test certificates' thirty days: the two expiries differ.
        let renewed = Command.run("/bin/sh", ["-c", """
            set -e
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout renewed.key \
                -out renewed.crt -days 365 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1
            mv renewed.key tls.key.new && mv renewed.crt tls.crt.new
            """], directory: directory)
        try #require(renewed.status == 0, "\(renewed.standardError)")
        let expected = Double(try Self.notAfter(of: directory + "/tls.crt.new"))
        #expect(Double(try Self.notAfter(of: certificate)) != expected)
        try FileManager.default.removeItem(atPath: key)
        try FileManager.default.moveItem(atPath: directory + "/tls.key.new", toPath: key)
        try FileManager.default.removeItem(atPath: certificate)
        try FileManager.default.moveItem(atPath: directory + "/tls.crt.new", toPath: certificate)

        try waitUntil({
            let scrape = try Curl.get(port: server.port, "/metrics")
            return Exposition(scrape.text).value("capguard_certificate_not_after_timestamp_seconds") == expected
        }, "capguard_certificate_not_after_timestamp_seconds never changed to \(expected)")
        #expect(Exposition(try Curl.get(port: server.port, "/metrics").text)
            .value("capguard_certificate_reloads_total", containing: "result=\"success\"") == 1)
    }

    /// The certificate's notAfter in seconds since the epoch, read by openssl and date, not by capguard.
    static func notAfter(of certificate: String) throws -> Int {
        let openssl = Command.run("/usr/bin/openssl", ["x509", "-noout", "-enddate", "-in", certificate])
        let text = try #require(openssl.standardOutput.split(separator: "=", maxSplits: 1).last)
        let date = Command.run("/bin/date", ["-u", "-d", text.trimmingCharacters(in: .whitespacesAndNewlines), "+%s"])
        return try #require(Int(date.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}

/// The samples of a Prometheus text exposition, enough to read single values.
struct Exposition {
    let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
    }

    /// The value of the first sample of `name` whose labels contain `labels`.
    func value(_ name: String, containing labels: String = "") -> Double? {
        for line in lines {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            let seriesName = series.prefix { $0 != "{" }
            guard seriesName == name, labels.isEmpty || series.contains(labels) else { continue }
            return Double(line[line.index(after: space)...])
        }
        return nil
    }
}
