import ArgumentParser

/// What `capguard check` prints: for people (text), for scripts (json), for code scanning (SARIF) and for
/// the test reports of CI servers (JUnit XML).
enum CheckOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case sarif
    case junit
}
