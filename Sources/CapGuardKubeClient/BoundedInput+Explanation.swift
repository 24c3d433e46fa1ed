import CapGuardSystem

/// A failed read, as messages about kubeconfig, token and certificate files say it.
extension BoundedInput.Failure {
    var explanation: String {
        switch self {
        case .cannotOpen(let reason), .cannotRead(let reason): reason
        case .tooLarge(let limit): "larger than \(limit) bytes"
        }
    }
}
