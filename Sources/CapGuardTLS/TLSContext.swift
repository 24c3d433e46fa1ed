import COpenSSL
import COpenSSLShims

/// One configured SSL_CTX. Connections take the current one when they are accepted; each SSL holds its own
/// reference, so a replaced context lives on exactly as long as the connections that use it.
package final class TLSContext: @unchecked Sendable {
    // An SSL_CTX is safe to share across threads once configured, and it is never changed after init.
    package let pointer: OpaquePointer

    /// TLS 1.2 suites: forward secrecy and AEAD only.
    static let tls12Ciphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    static let tls13Ciphersuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    /// Key exchange groups a server accepts, X25519 first, as Go and OpenSSL clients offer it; P-384 (4 times
    /// the cost of X25519) for clients held to it. OpenSSL would also take finite-field groups, P-521 and
    /// X448: a client offering only ffdhe8192 makes each handshake cost the server 250 times an X25519 one.
    static let serverGroups = "X25519:P-256:P-384"

    /// A context for either role, with the protocol and cipher policy both share.
    package init(_ configuration: TLSConfiguration) throws {
        ERR_clear_error()
        let method = switch configuration.role {
        case .server: TLS_server_method()
        case .client: TLS_client_method()
        }
        guard let context = SSL_CTX_new(method) else {
            throw TLSError.openSSL("cannot create TLS context")
        }
        pointer = context
        guard capguard_SSL_CTX_set_min_proto_version(context, configuration.protocolVersions.lowerBound.rawValue) == 1,
            capguard_SSL_CTX_set_max_proto_version(context, configuration.protocolVersions.upperBound.rawValue) == 1,
            SSL_CTX_set_cipher_list(context, Self.tls12Ciphers) == 1,
            SSL_CTX_set_ciphersuites(context, Self.tls13Ciphersuites) == 1
        else {
            throw TLSError.openSSL("cannot restrict protocols and ciphers")
        }
        switch configuration.role {
        case .server(let certificate, let clientCAPath):
            try configureServer(clientCAPath: clientCAPath)
            try use(certificate)
        case .client(let trust, let serverIdentity, let certificate):
            try configureClient(trust: trust, serverIdentity: serverIdentity)
            if let certificate {
                try use(certificate)
            }
        }
    }

    private func configureServer(clientCAPath: String?) throws {
        SSL_CTX_set_options(pointer, capguard_server_options())
        guard capguard_SSL_CTX_set1_groups_list(pointer, Self.serverGroups) == 1 else {
            throw TLSError.openSSL("cannot restrict key exchange groups")
        }
        // Swift arrays may move between retries of a partial write. Idle connections give their record
        // buffers back: 20 KiB each (500 idle connections: 27 MiB instead of 37; 4096, the default limit,
        // would not fit in 128 Mi without), for 1.2k instructions per request of freeing and reallocating.
        _ = capguard_SSL_CTX_set_mode(
            pointer,
            Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS)
        )
        // One read(2) takes a record whole, and whatever follows it up to the buffer's size, instead of one
        // read for its 5-byte header and one for its body.
        _ = capguard_SSL_CTX_set_read_ahead(pointer, 1)
        // No resumption: the apiserver's webhook client keeps no session cache, so it never resumes. A
        // server-side cache would hold every session of every client for minutes (tens of megabytes under
        // connection churn), and TLS 1.3 tickets would cost two encrypted writes after every handshake for
        // nobody (SSL_OP_NO_TICKET, in the server options, does the same for TLS 1.2).
        _ = capguard_SSL_CTX_set_session_cache_mode(pointer, Int(SSL_SESS_CACHE_OFF))
        _ = SSL_CTX_set_num_tickets(pointer, 0)
        if let clientCAPath {
            try requireClientCertificates(caPath: clientCAPath)
        }
    }

    /// Checks the server's chain and, when given, its name or address.
    private func configureClient(trust: TLSConfiguration.Trust, serverIdentity: String?) throws {
        switch trust {
        case .anyCertificate:
            return
        case .roots(let caPath):
            guard SSL_CTX_load_verify_locations(pointer, caPath, nil) == 1 else {
                throw TLSError.openSSL("cannot load trust roots \(caPath)")
            }
        case .rootsPEM(let pem):
            let certificates = try PEMCertificates(pem, what: "trust roots")
            let store = SSL_CTX_get_cert_store(pointer)
            for certificate in certificates.certificates where X509_STORE_add_cert(store, certificate) != 1 {
                throw TLSError.openSSL("cannot add a trust root")
            }
        case .systemRoots:
            guard SSL_CTX_set_default_verify_paths(pointer) == 1 else {
                throw TLSError.openSSL("cannot load the system's trust roots")
            }
        }
        SSL_CTX_set_verify(pointer, SSL_VERIFY_PEER, nil)
        guard let serverIdentity else { return }
        let parameters = SSL_CTX_get0_param(pointer)
        // An address is matched against the certificate's IP entries, never against its DNS names.
        if X509_VERIFY_PARAM_set1_ip_asc(parameters, serverIdentity) != 1 {
            ERR_clear_error()
            guard X509_VERIFY_PARAM_set1_host(parameters, serverIdentity, 0) == 1 else {
                throw TLSError.openSSL("cannot verify the server as \(serverIdentity)")
            }
        }
    }

    /// Loads the certificate this end presents: PEM files may carry intermediates after the leaf.
    private func use(_ certificate: TLSConfiguration.CertificateSource) throws {
        switch certificate {
        case .files(let certificatePath, let keyPath):
            guard SSL_CTX_use_certificate_chain_file(pointer, certificatePath) == 1 else {
                throw TLSError.openSSL("cannot load certificate \(certificatePath)")
            }
            guard SSL_CTX_use_PrivateKey_file(pointer, keyPath, SSL_FILETYPE_PEM) == 1 else {
                throw TLSError.openSSL("cannot load private key \(keyPath)")
            }
        case .developmentCertificate:
            let development = try DevelopmentCertificate()
            guard SSL_CTX_use_certificate(pointer, development.certificate) == 1,
                SSL_CTX_use_PrivateKey(pointer, development.key) == 1
            else {
                throw TLSError.openSSL("cannot use the development certificate")
            }
        case .pem(let certificatePEM, let keyPEM):
            try usePEM(certificate: certificatePEM, key: keyPEM)
        }
        try checkCertificate()
    }

    /// The leaf first, then the rest of the chain, as `SSL_CTX_use_certificate_chain_file` reads a file.
    private func usePEM(certificate certificatePEM: [UInt8], key keyPEM: [UInt8]) throws {
        let chain = try PEMCertificates(certificatePEM, what: "client certificate")
        guard SSL_CTX_use_certificate(pointer, chain.certificates[0]) == 1 else {
            throw TLSError.openSSL("cannot use the client certificate")
        }
        for intermediate in chain.certificates.dropFirst() {
            // SSL_CTX_add1_chain_cert, a macro: the context takes a reference of its own.
            guard SSL_CTX_ctrl(pointer, SSL_CTRL_CHAIN_CERT, 1, UnsafeMutableRawPointer(intermediate)) == 1 else {
                throw TLSError.openSSL("cannot add an intermediate of the client certificate")
            }
        }
        let key = try keyPEM.withUnsafeBytes { buffer -> OpaquePointer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw TLSError.openSSL("cannot read the client key")
            }
            defer { BIO_free(bio) }
            guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
                throw TLSError.openSSL("the client key is not a PEM private key")
            }
            return key
        }
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_PrivateKey(pointer, key) == 1 else {
            throw TLSError.openSSL("cannot use the client key")
        }
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// A certificate that no longer matches its key, or has expired, would fail every handshake.
    private func checkCertificate() throws {
        guard SSL_CTX_check_private_key(pointer) == 1 else {
            throw TLSError.openSSL("certificate and private key do not match")
        }
        if isExpired {
            throw TLSError("certificate has expired")
        }
    }

    package var isExpired: Bool {
        guard let certificate = SSL_CTX_get0_certificate(pointer) else { return true }
        return X509_cmp_current_time(X509_get0_notAfter(certificate)) < 0
    }

    private func requireClientCertificates(caPath: String) throws {
        guard SSL_CTX_load_verify_locations(pointer, caPath, nil) == 1,
            let names = SSL_load_client_CA_file(caPath)
        else {
            throw TLSError.openSSL("cannot load client CA \(caPath)")
        }
        SSL_CTX_set_client_CA_list(pointer, names)
        SSL_CTX_set_verify(pointer, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
    }

    /// A server-side stream for one accepted socket, or nil when OpenSSL cannot make one.
    package func makeStream(fileDescriptor: Int32) -> TLSStream? {
        defer { ERR_clear_error() }
        guard let ssl = SSL_new(pointer) else { return nil }
        guard SSL_set_fd(ssl, fileDescriptor) == 1 else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_accept_state(ssl)
        return TLSStream(fileDescriptor: fileDescriptor, ssl: ssl)
    }

    /// A client-side stream over a connected socket, naming `serverName` in SNI when given (a DNS name: SNI
    /// carries no addresses), or nil when OpenSSL cannot make one.
    package func makeClientStream(fileDescriptor: Int32, serverName: String?) -> TLSStream? {
        defer { ERR_clear_error() }
        guard let ssl = SSL_new(pointer) else { return nil }
        guard SSL_set_fd(ssl, fileDescriptor) == 1 else {
            SSL_free(ssl)
            return nil
        }
        if let serverName {
            let named = serverName.withCString {
                SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: $0))
            }
            guard named == 1 else {
                SSL_free(ssl)
                return nil
            }
        }
        SSL_set_connect_state(ssl)
        return TLSStream(fileDescriptor: fileDescriptor, ssl: ssl)
    }
}
