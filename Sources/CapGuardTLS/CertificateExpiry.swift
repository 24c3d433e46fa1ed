import COpenSSL
import Glibc

/// When a certificate stops being valid, as seconds since the Unix epoch: a plain number, so that layers above
/// OpenSSL can report it without knowing X509.
package struct CertificateExpiry: Sendable, Equatable {
    package let notAfterSecondsSinceEpoch: Int

    /// Nil when OpenSSL cannot read the certificate's notAfter time.
    init?(certificate: OpaquePointer) {
        guard let notAfter = X509_get0_notAfter(certificate) else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(notAfter, &parts) == 1 else {
            ERR_clear_error()
            return nil
        }
        // ASN1_TIME_to_tm gives UTC fields, which timegm turns into epoch seconds without the local time zone.
        notAfterSecondsSinceEpoch = timegm(&parts)
    }
}

extension TLSContext {
    /// The expiry of the certificate this context serves; nil for a client context.
    package var certificateExpiry: CertificateExpiry? {
        SSL_CTX_get0_certificate(pointer).flatMap(CertificateExpiry.init(certificate:))
    }
}
