import Foundation

/// An XMPP address (RFC 7622): `[localpart@]domainpart[/resourcepart]`.
///
/// Parts are kept in their normalized form: the localpart and domainpart lowercased and in
/// Unicode NFC, which is what the comparisons in RFC 7622 section 3 need for the addresses a
/// telephony gateway meets (phone numbers, escaped SIP addresses, ordinary user JIDs).
public struct JID: Sendable, Hashable, CustomStringConvertible, Comparable {
    public let localpart: String?
    public let domainpart: String
    public let resourcepart: String?

    /// RFC 7622 section 3.3.1: localpart code points forbidden in addition to the PRECIS class rules.
    static let forbiddenLocalpartCharacters: Set<Character> = ["\"", "&", "'", "/", ":", "<", ">", "@"]

    public init(localpart: String?, domainpart: String, resourcepart: String? = nil) throws(JIDError) {
        let local = localpart.map { $0.precomposedStringWithCanonicalMapping.lowercased() }
        var domain = domainpart.precomposedStringWithCanonicalMapping.lowercased()
        // Section 3.2: a trailing dot is stripped before comparison.
        if domain.hasSuffix("."), domain.count > 1 { domain.removeLast() }
        let resource = resourcepart?.precomposedStringWithCanonicalMapping
        try Self.validate(localpart: local, domainpart: domain, resourcepart: resource)
        self.localpart = local
        self.domainpart = domain
        self.resourcepart = resource
    }

    /// Parses a JID string (RFC 7622 section 3.1: the first '/' starts the resource; '@' before it ends the localpart).
    public init(_ string: String) throws(JIDError) {
        var rest = Substring(string)
        var resource: String?
        if let slash = rest.firstIndex(of: "/") {
            resource = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        var local: String?
        if let at = rest.firstIndex(of: "@") {
            local = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        try self.init(localpart: local, domainpart: String(rest), resourcepart: resource)
    }

    private static func validate(localpart: String?, domainpart: String, resourcepart: String?) throws(JIDError) {
        if let localpart {
            if localpart.isEmpty { throw JIDError("empty localpart") }
            if localpart.utf8.count > 1023 { throw JIDError("localpart longer than 1023 bytes") }
            if let bad = localpart.first(where: { forbiddenLocalpartCharacters.contains($0) || $0.isWhitespace }) {
                throw JIDError("localpart contains forbidden character '\(bad)'")
            }
            if localpart.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw JIDError("localpart contains a control character")
            }
        }
        if domainpart.isEmpty { throw JIDError("empty domainpart") }
        if domainpart.utf8.count > 1023 { throw JIDError("domainpart longer than 1023 bytes") }
        if domainpart.contains(where: { $0.isWhitespace || $0 == "@" || $0 == "/" }) {
            throw JIDError("domainpart contains a space, '@' or '/'")
        }
        if domainpart.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw JIDError("domainpart contains a control character")
        }
        if let resourcepart {
            if resourcepart.isEmpty { throw JIDError("empty resourcepart") }
            if resourcepart.utf8.count > 1023 { throw JIDError("resourcepart longer than 1023 bytes") }
            if resourcepart.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw JIDError("resourcepart contains a control character")
            }
        }
    }

    public var bare: JID {
        // Already validated parts; rebuilding cannot fail.
        JID(unchecked: localpart, domainpart, nil)
    }

    public var isBare: Bool { resourcepart == nil }

    public func with(resource: String?) throws(JIDError) -> JID {
        try JID(localpart: localpart, domainpart: domainpart, resourcepart: resource)
    }

    public var description: String {
        var s = ""
        if let localpart { s += localpart + "@" }
        s += domainpart
        if let resourcepart { s += "/" + resourcepart }
        return s
    }

    public static func < (lhs: JID, rhs: JID) -> Bool { lhs.description < rhs.description }

    private init(unchecked localpart: String?, _ domainpart: String, _ resourcepart: String?) {
        self.localpart = localpart
        self.domainpart = domainpart
        self.resourcepart = resourcepart
    }
}

public struct JIDError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "invalid JID: \(reason)" }
}
