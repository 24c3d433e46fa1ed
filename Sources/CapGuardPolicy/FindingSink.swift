/// Where the checks report what they find, one finding at a time, so that a caller can keep, count or
/// compare findings without a list of every one of them.
protocol FindingSink {
    /// Called before the checks of each container run.
    mutating func willCheck(_ container: Container, at reference: ContainerReference)
    mutating func report(_ violation: Violation)
    mutating func report(_ advisory: Advisory)
    /// A grant allowed what would otherwise violate.
    mutating func report(_ use: GrantUse)
}

extension FindingSink {
    mutating func willCheck(_ container: Container, at reference: ContainerReference) {}
    mutating func report(_ use: GrantUse) {}
}
