import COpenSSL

/// The certificates of PEM text held in memory, in their order, freed together.
final class PEMCertificates {
    let certificates: [OpaquePointer]

    /// At least one certificate; `what` names the text in errors.
    init(_ pem: [UInt8], what: String) throws {
        ERR_clear_error()
        var certificates: [OpaquePointer] = []
        pem.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(clamping: buffer.count)) else { return }
            defer { BIO_free(bio) }
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(certificate)
            }
        }
        // Reading stops at the end of the text with a "no start line" error, which is no failure.
        ERR_clear_error()
        guard !certificates.isEmpty else {
            throw TLSError("the \(what) hold no PEM certificate")
        }
        self.certificates = certificates
    }

    deinit {
        certificates.forEach { X509_free($0) }
    }
}
