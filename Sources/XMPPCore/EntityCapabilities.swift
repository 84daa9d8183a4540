internal import COpenSSL
import Foundation

/// What an entity is and can do (XEP-0030 identities and features), with the XEP-0115
/// verification string that presence carries so clients need not ask again.
public struct EntityCapabilities: Sendable, Equatable {
    public struct Identity: Sendable, Hashable {
        public var category: String
        public var type: String
        public var name: String?
        public var lang: String?

        public init(category: String, type: String, name: String? = nil, lang: String? = nil) {
            self.category = category
            self.type = type
            self.name = name
            self.lang = lang
        }
    }

    public var identities: [Identity]
    public var features: [String]
    public var forms: [DataForm]

    public init(identities: [Identity], features: [String], forms: [DataForm] = []) {
        self.identities = identities
        self.features = features
        self.forms = forms
    }

    /// The disco#info `<query/>` (with an optional node, XEP-0115 section 6.2).
    public func discoInfo(node: String? = nil) -> XMLElement {
        var query = XMLElement("query", namespace: Namespace.discoInfo, ["node": node])
        for identity in identities {
            query.append(
                XMLElement(
                    "identity", namespace: Namespace.discoInfo,
                    ["category": identity.category, "type": identity.type, "name": identity.name,
                     "xml:lang": identity.lang]))
        }
        for feature in features {
            query.append(XMLElement("feature", namespace: Namespace.discoInfo, ["var": feature]))
        }
        for form in forms { query.append(form.element) }
        return query
    }

    /// XEP-0115 section 5.1 verification string: SHA-1 over the sorted identities, features and
    /// extended forms, base64 encoded.
    public var verificationString: String {
        var s = ""
        let sortedIdentities = identities.map {
            "\($0.category)/\($0.type)/\($0.lang ?? "")/\($0.name ?? "")"
        }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for identity in sortedIdentities { s += identity + "<" }
        for feature in features.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            s += feature + "<"
        }
        let sortedForms = forms.sorted { ($0.formType ?? "") < ($1.formType ?? "") }
        for form in sortedForms {
            s += (form.formType ?? "") + "<"
            let fields = form.fields.filter { $0.variable != "FORM_TYPE" }.sorted { ($0.variable ?? "") < ($1.variable ?? "") }
            for field in fields {
                s += (field.variable ?? "") + "<"
                for value in field.values.sorted() { s += value + "<" }
            }
        }
        return Data(SHA1.digest(Array(s.utf8))).base64EncodedString()
    }

    /// XEP-0115 `<c/>` element for presence.
    public func capsElement(node: String) -> XMLElement {
        XMLElement("c", namespace: Namespace.caps, ["hash": "sha-1", "node": node, "ver": verificationString])
    }
}

/// SHA-1 through OpenSSL, for XEP-0114 handshakes and XEP-0115 hashes (both fixed to SHA-1 by their specs).
public enum SHA1 {
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        bytes.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                var length: UInt32 = 0
                _ = EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha1(), nil)
            }
        }
        return out
    }

    public static func hexDigest(_ string: String) -> String {
        digest(Array(string.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
