import Foundation

/// Certificates made with the openssl command line for the tests: a root CA, an intermediate that signs
/// the server certificates (whose files hold the chain), client certificates from the trusted CA and
/// from another one, an expired certificate and a truncated one.
public struct TestCertificates: Sendable {
    public let directory: String

    public func path(_ name: String) -> String { directory + "/" + name }

    public var caFile: String { path("ca.pem") }
    public var serverCertificate: String { path("server.pem") }
    public var serverKey: String { path("server.key") }
    public var rotatedCertificate: String { path("rotated.pem") }
    public var rotatedKey: String { path("rotated.key") }
    public var clientCertificate: String { path("client.pem") }
    public var clientKey: String { path("client.key") }
    public var intruderCertificate: String { path("intruder.pem") }
    public var intruderKey: String { path("intruder.key") }
    public var expiredCertificate: String { path("expired.pem") }
    public var expiredKey: String { path("expired.key") }
    public var brokenCertificate: String { path("broken.pem") }

    public static let shared: TestCertificates = {
        let directory = TemporaryDirectory.make(prefix: "capguard-certs")
        let result = Command.run("/bin/sh", ["-c", script], directory: directory)
        precondition(result.status == 0, "making test certificates failed: \(result.standardError)")
        return TestCertificates(directory: directory)
    }()

    private static let script = """
        set -e
        ec="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
        openssl req -x509 $ec -keyout ca.key -out ca.pem -days 30 -subj /CN=capguard-test-ca \
            -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
        printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign,cRLSign\\n' > ca.ext
        openssl req -new $ec -keyout intermediate.key -out intermediate.csr -subj /CN=capguard-test-intermediate
        openssl x509 -req -in intermediate.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
            -extfile ca.ext -out intermediate.pem
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\\nextendedKeyUsage=serverAuth\\n' > server.ext
        for name in server rotated; do
            openssl req -new $ec -keyout $name.key -out $name.csr -subj /CN=$name
            openssl x509 -req -in $name.csr -CA intermediate.pem -CAkey intermediate.key -CAcreateserial \
                -days 30 -extfile server.ext -out $name.leaf.pem
            cat $name.leaf.pem intermediate.pem > $name.pem
        done
        printf 'extendedKeyUsage=clientAuth\\n' > client.ext
        openssl req -new $ec -keyout client.key -out client.csr -subj /CN=apiserver
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
            -extfile client.ext -out client.pem
        openssl req -x509 $ec -keyout other-ca.key -out other-ca.pem -days 30 -subj /CN=other-ca
        openssl req -new $ec -keyout intruder.key -out intruder.csr -subj /CN=intruder
        openssl x509 -req -in intruder.csr -CA other-ca.pem -CAkey other-ca.key -CAcreateserial -days 30 \
            -extfile client.ext -out intruder.pem
        touch index.txt
        echo 01 > serial
        printf '[ca]\\ndefault_ca=old\\n[old]\\ndatabase=index.txt\\nnew_certs_dir=.\\nserial=serial\\ndefault_md=sha256\\npolicy=any\\n[any]\\ncommonName=supplied\\n' > expired.cnf
        openssl req -new $ec -keyout expired.key -out expired.csr -subj /CN=localhost
        openssl ca -batch -config expired.cnf -selfsign -keyfile expired.key -in expired.csr -out expired.pem \
            -startdate 20200101000000Z -enddate 20200102000000Z
        head -c 300 server.pem > broken.pem
        """
}
