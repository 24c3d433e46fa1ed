import CapGuardKubeClient
import Foundation
import FuzzSupport

/// Bytes as a kubeconfig file (`--kubeconfig`), with an empty environment so that nothing else is read:
/// a connection or a KubeConfigurationError that says why. Loading only configures a credential plugin
/// (`exec`); the plugin runs when a request asks for credentials, which this target never does, so no
/// fuzzed command is started.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKubeconfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    invariant(FileManager.default.createFile(atPath: KubeconfigFile.path, contents: bytes), "cannot write \(KubeconfigFile.path)")
    for context in [nil, "fuzz"] {
        do {
            let connection = try KubeConnection.load(kubeconfig: KubeconfigFile.path, context: context, environment: [:])
            invariant(!connection.identity.isEmpty, "a connection without an identity")
            invariant(!connection.server.description.isEmpty, "a connection without a server")
        } catch {
            invariant(!error.description.isEmpty, "an error without a description")
        }
    }
    return 0
}

/// One file in a directory of its own, rewritten for every input: relative paths in the kubeconfig resolve
/// inside that directory, which is removed when libFuzzer exits.
private enum KubeconfigFile {
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("capguard-fuzz-kubeconfig-\(getpid())").path

    static let path: String = {
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: KubeconfigFile.directory) }
        return directory + "/config"
    }()
}
