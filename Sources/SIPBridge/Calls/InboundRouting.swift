import Foundation
import SIP
import XMPPCore

/// SIP -> XMPP: which trunk an INVITE came from, which user its number rings, and who the caller is
/// as an XMPP address.
struct InboundRouting {
    struct Decision: Equatable {
        var trunk: TrunkConfiguration
        var user: JID
        var calledNumber: String
        /// `number@domain` (E.164 where it looks like one) or `anonymous@domain`.
        var caller: JID
    }

    enum Refusal: Error, Equatable, CustomStringConvertible {
        /// RFC 3261 21.4.4: not from a trunk's allow-from networks (or its own address).
        case unknownSource(String)
        case noRoute(String)

        var description: String {
            switch self {
            case .unknownSource(let source): "\(source) is not in any trunk's allow-from"
            case .noRoute(let number): "no <inbound> route for \(number)"
            }
        }

        var status: (Int, String) {
            switch self {
            case .unknownSource: (403, "Forbidden")
            case .noRoute: (404, "Not Found")
            }
        }
    }

    let settings: SIPSettings
    let domain: JID

    /// - Parameters:
    ///   - source: the IP the INVITE came from.
    ///   - authenticated: the trunk whose Digest credentials the INVITE carried (see
    ///     `InboundAuthentication`), which stands in for an `allow-from` match.
    func route(
        _ invite: SIPMessage, sourceIP: String, authenticated: TrunkConfiguration? = nil
    ) throws(Refusal) -> Decision {
        guard let trunk = authenticated ?? trunk(for: sourceIP) else { throw .unknownSource(sourceIP) }
        let called = Self.number(of: invite.requestURI) ?? Self.number(of: (try? invite.to)??.uri) ?? ""
        for route in settings.inbound {
            if let only = route.trunk, only != trunk.name { continue }
            guard matches(route.did, called), let user = try? JID(route.jid) else { continue }
            return Decision(trunk: trunk, user: user, calledNumber: called, caller: callerJID(invite))
        }
        throw .noRoute(called)
    }

    /// The trunk whose `allow-from` holds `sourceIP`; a trunk without `allow-from` accepts its own URI's
    /// address (an IP literal; names would need a lookup per INVITE and are left to allow-from).
    func trunk(for sourceIP: String) -> TrunkConfiguration? {
        guard let address = IPNetwork.parseAddress(sourceIP) else { return nil }
        return settings.trunks.first { trunk in
            if trunk.allowFrom.isEmpty {
                return IPNetwork.parseAddress(trunk.uri.host) == address
            }
            return trunk.allowFrom.contains { $0.contains(address) }
        }
    }

    func matches(_ did: InboundRoute.DID, _ called: String) -> Bool {
        switch did {
        case .number(let number): return Self.normalized(number) == Self.normalized(called)
        case .pattern(let pattern):
            guard let expression = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
            return expression.firstMatch(in: called, range: NSRange(called.startIndex..., in: called)) != nil
        }
    }

    /// The caller as the user sees it: `+15551234567@domain`, `alice\40pbx.example.com@domain` for a
    /// non-numeric SIP user, `anonymous@domain` when hidden (RFC 3323 `Privacy: id`, an anonymous From)
    /// or missing. The trunk is trusted (its addresses or digest let the INVITE in), so its
    /// P-Asserted-Identity (RFC 3325) names the caller over From.
    func callerJID(_ invite: SIPMessage) -> JID {
        let anonymous = (try? JID(localpart: "anonymous", domainpart: domain.domainpart)) ?? domain
        let privacy = invite.headers.values(for: "Privacy").flatMap { $0.split(separator: ";") }
        if privacy.contains(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "id" }) {
            return anonymous
        }
        // A value may list a sip: and a tel: identity (RFC 3325 9.1); a comma inside a quoted
        // display name only costs the split form, since the whole value is tried first.
        let asserted = invite.headers.values(for: "P-Asserted-Identity").lazy
            .flatMap { [Substring($0)] + $0.split(separator: ",") }
            .compactMap { try? SIPNameAddress(parsing: String($0).trimmingCharacters(in: .whitespaces)) }
            .first { if case .sip = $0.uri { true } else if case .tel = $0.uri { true } else { false } }
        guard let uri = asserted?.uri ?? (try? invite.from)??.uri else { return anonymous }
        var user = Self.number(of: uri) ?? ""
        let host = uri.sipURI?.host.description ?? ""
        if user.isEmpty || user.lowercased() == "anonymous" || host.lowercased() == "anonymous.invalid" {
            return anonymous
        }
        let digits = Self.normalized(user)
        if digits.count >= 3, digits.dropFirst(digits.hasPrefix("+") ? 1 : 0).allSatisfy(\.isNumber) {
            user = digits
        } else {
            user = "\(user)@\(host)"
        }
        return (try? JID(localpart: JIDEscaping.escape(user), domainpart: domain.domainpart)) ?? anonymous
    }

    /// The user part of a SIP URI or the number of a tel URI, %-decoded.
    static func number(of uri: SIPAnyURI?) -> String? {
        switch uri {
        case .sip(let sip)?: return sip.user.map { $0.removingPercentEncoding ?? $0 }
        case .tel(let tel)?: return tel.number
        default: return nil
        }
    }

    /// Visual separators removed (RFC 3966 5.1.1): `+1 (555) 123-4567` -> `+15551234567`.
    static func normalized(_ number: String) -> String {
        number.filter { !" -.()".contains($0) }
    }
}
