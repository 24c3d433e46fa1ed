/// Where the checks report what they find, one finding at a time, so that a caller can keep, count or
/// compare findings without a list of every one of them.
protocol FindingSink {
    mutating func report(_ violation: Violation)
    mutating func report(_ advisory: Advisory)
}

/// The identities of every violation of a pod spec, in full: what an UPDATE's old object already had.
struct ViolationIdentities: FindingSink {
    var identities: Set<Violation.Identity> = []

    mutating func report(_ violation: Violation) { identities.insert(violation.identity) }
    mutating func report(_ advisory: Advisory) {}
}
