import CapGuardJSON
import CapGuardKube
import FoundationEssentials

/// Turns a request body into an admission request, or into the short reason it is malformed.
///
/// The apiserver treats any answer other than a well-formed review as a failed call and applies the
/// webhook's failurePolicy, so a malformed body gets HTTP 400 with a plain reason, never a guess.
enum ReviewDecoding {
    struct Decoded: Sendable {
        let apiVersion: String
        let request: AdmissionRequest
    }

    /// What JSONDecoder allocates grows with the number of values, not with the bytes: about 50 bytes for each
    /// value the scan counts, so one 6 MiB body of `{}` or `0` elements took the server from 20 to 160-210 MiB.
    /// Reviews from the apiserver hold a few hundred values, a Pod with a thousand environment variables a few
    /// thousand; only an object near etcd's 1.5 MiB limit made of tiny values could come near this.
    static let maximumValues = 250_000

    enum Malformed: Error, Sendable, Equatable {
        case notJSON
        case wrongType(String)
        case apiVersion(String?)
        case kind(String?)
        case missingRequest
        case missingUID
        case duplicateKey(DuplicateKeyFinder.Duplicate)
        case tooManyValues(Int)

        /// A label for metrics.
        var reason: String {
            switch self {
            case .notJSON: "not_json"
            case .wrongType: "wrong_type"
            case .apiVersion: "api_version"
            case .kind: "kind"
            case .missingRequest: "no_request"
            case .missingUID: "no_uid"
            case .duplicateKey: "duplicate_key"
            case .tooManyValues: "too_many_values"
            }
        }

        var message: String {
            switch self {
            case .notJSON: "the body is not a JSON AdmissionReview"
            case .wrongType(let detail): "the AdmissionReview has a field of the wrong type: \(TextSafety.escaped(detail))"
            case .apiVersion(let found):
                "apiVersion must be admission.k8s.io/v1 or admission.k8s.io/v1beta1, found \(found.map { TextSafety.quoted($0) } ?? "none")"
            case .kind(let found): "kind must be AdmissionReview, found \(found.map { TextSafety.quoted($0) } ?? "none")"
            case .missingRequest: "the AdmissionReview has no request"
            case .missingUID: "the AdmissionReview request has no uid"
            case .duplicateKey(let duplicate):
                "the AdmissionReview repeats the key \(TextSafety.quoted(duplicate.key)) in "
                    + (duplicate.path.isEmpty ? "the review" : TextSafety.escaped(duplicate.path))
                    + "; readers disagree on which one counts"
            case .tooManyValues(let count):
                "the AdmissionReview holds \(count) JSON values, more than the \(ReviewDecoding.maximumValues) capguard decodes"
            }
        }
    }

    /// The largest copy of a review's read fields made for decoding: the fields of a review from the
    /// apiserver take a few kilobytes even when its pod has a thousand environment variables.
    static let maximumCopy = 256 << 10

    /// A body ready for decoding.
    struct Scanned: Sendable {
        /// The values of the body, counted as `DuplicateKeyFinder.Scan.values` counts them.
        let values: Int
        /// The body cut down to the fields capguard reads, when the pruner vouches that it decodes as the body
        /// does: two thirds of decoding a review went to fields capguard never reads.
        let copy: [UInt8]?
    }

    /// Reads the body's shape before decoding it: a repeated key or too many values are refused here. One pass
    /// when the pruner vouches for the body, as it does for every review the apiserver sends; for anything
    /// else, the duplicate-key scan, and the body itself is decoded.
    static func scan(_ body: [UInt8]) -> Result<Scanned, Malformed> {
        if let copy = JSONPruner.pruned(body, keeping: AdmissionReview.decodedFields, limit: maximumCopy) {
            if copy.values > maximumValues { return .failure(.tooManyValues(copy.values)) }
            return .success(Scanned(values: copy.values, copy: copy.bytes))
        }
        let scan = DuplicateKeyFinder.scan(body)
        if let duplicate = scan.duplicate { return .failure(.duplicateKey(duplicate)) }
        if scan.values > maximumValues { return .failure(.tooManyValues(scan.values)) }
        return .success(Scanned(values: scan.values, copy: nil))
    }

    /// One for every review: its options are set once here and never changed, and `decode` keeps its state
    /// per call, so swift-foundation makes it safe to share (it is `Sendable`).
    private static let decoder = JSONDecoder()

    /// Decodes a body that `scan` accepted, from its copy when there is one.
    static func decode(_ body: [UInt8], _ scanned: Scanned) -> Result<Decoded, Malformed> {
        let review: AdmissionReview
        do {
            review = try (scanned.copy ?? body).withUnsafeBufferPointer { buffer in
                // The decoder reads the body where it is: the Data never outlives this closure, and the
                // decoder copies the bytes itself if anything it made could (a container kept by a type).
                guard let bytes = buffer.baseAddress else { return try decoder.decode(AdmissionReview.self, from: Data()) }
                let data = Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes), count: buffer.count, deallocator: .none)
                return try decoder.decode(AdmissionReview.self, from: data)
            }
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            return .failure(.notJSON)
        } catch let error as DecodingError {
            return .failure(classify(error))
        } catch {
            return .failure(.notJSON)
        }
        guard let apiVersion = review.apiVersion, AdmissionReview.supportedAPIVersions.contains(apiVersion) else {
            return .failure(.apiVersion(review.apiVersion))
        }
        guard review.kind == "AdmissionReview" else { return .failure(.kind(review.kind)) }
        guard let request = review.request else { return .failure(.missingRequest) }
        guard !request.uid.isEmpty else { return .failure(.missingUID) }
        return .success(Decoded(apiVersion: apiVersion, request: request))
    }

    private static func classify(_ error: DecodingError) -> Malformed {
        switch error {
        case .keyNotFound(let key, let context):
            if context.codingPath.map(\.stringValue) == ["request"], key.stringValue == "uid" { return .missingUID }
            return .wrongType("\(path(context.codingPath + [key])) is missing")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            if context.codingPath.map(\.stringValue) == ["request", "uid"] { return .missingUID }
            return .wrongType("\(path(context.codingPath)) \(context.debugDescription)")
        @unknown default:
            return .notJSON
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var path = ""
        for key in keys {
            if let index = key.intValue { path += "[\(index)]" } else { path += (path.isEmpty ? "" : ".") + key.stringValue }
        }
        return path
    }
}
