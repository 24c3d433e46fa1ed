import COpenSSL
import COpenSSLShims

/// A self-signed certificate for local use, made in memory: nobody should ever have to trust it in production.
package final class DevelopmentCertificate: @unchecked Sendable {
    // Both objects are read-only once made; OpenSSL reference-counts them for each context that uses them.
    let certificate: OpaquePointer
    let key: OpaquePointer

    package static let subjectAlternativeNames = "DNS:localhost,IP:127.0.0.1,IP:::1"

    init() throws {
        ERR_clear_error()
        guard let key = capguard_generate_p256_key() else {
            throw TLSError.openSSL("cannot generate a development key")
        }
        guard let certificate = X509_new() else {
            EVP_PKEY_free(key)
            throw TLSError.openSSL("cannot create a development certificate")
        }
        self.key = key
        self.certificate = certificate
        var serial: UInt64 = 0
        _ = withUnsafeMutableBytes(of: &serial) { RAND_bytes($0.baseAddress, Int32($0.count)) }
        let oneYear = 365 * 24 * 3600
        guard X509_set_version(certificate, 2) == 1,
            ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), serial >> 1) == 1,
            X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) != nil,
            X509_gmtime_adj(X509_getm_notAfter(certificate), oneYear) != nil,
            X509_set_pubkey(certificate, key) == 1,
            X509_NAME_add_entry_by_txt(
                X509_get_subject_name(certificate), "CN", MBSTRING_ASC, "capguard development", -1, -1, 0) == 1,
            X509_set_issuer_name(certificate, X509_get_subject_name(certificate)) == 1
        else {
            throw TLSError.openSSL("cannot fill in the development certificate")
        }
        try addExtension(NID_subject_alt_name, Self.subjectAlternativeNames)
        try addExtension(NID_basic_constraints, "critical,CA:FALSE")
        try addExtension(NID_key_usage, "critical,digitalSignature")
        try addExtension(NID_ext_key_usage, "serverAuth")
        guard X509_sign(certificate, key, EVP_sha256()) > 0 else {
            throw TLSError.openSSL("cannot sign the development certificate")
        }
    }

    deinit {
        X509_free(certificate)
        EVP_PKEY_free(key)
    }

    private func addExtension(_ nid: Int32, _ value: String) throws {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, certificate, certificate, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
            throw TLSError.openSSL("cannot add extension \(value)")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(certificate, ext, -1) == 1 else {
            throw TLSError.openSSL("cannot add extension \(value)")
        }
    }
}
