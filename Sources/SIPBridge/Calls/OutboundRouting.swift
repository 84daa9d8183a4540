import Foundation
import XMPPCore

/// Which trunk carries a call a Jingle client places to `localpart@bridge`, and what goes in the INVITE.
///
/// The localpart is XEP-0106-unescaped first: `+15551234567` dials a number, `alice\40pbx.example.com`
/// dials the SIP address `alice@pbx.example.com`. Routes are tried in file order; the first whose `match`
/// covers the whole dialed string wins, and its `rewrite` template (`$1`...) makes the number sent.
struct OutboundRouting {
    struct Decision: Equatable {
        var trunk: TrunkConfiguration
        /// The user part of the Request-URI and To (the number after rewriting, or the SIP user).
        var user: String
        /// The host of the Request-URI: the SIP address's host, or the trunk's.
        var host: String?
        /// The caller ID for From (and P-Asserted-Identity).
        var callerID: String
        /// The user asked for their number to be withheld (RFC 3323).
        var hideNumber = false
    }

    enum Refusal: Error, Equatable, CustomStringConvertible {
        case noRoute(String)
        case emergencyDenied(String)
        case unknownTrunk(String)
        case badRewrite(String)

        var description: String {
            switch self {
            case .noRoute(let dialed): "no <route> matches \(dialed)"
            case .emergencyDenied(let dialed):
                "\(dialed) is an emergency number and this route has emergency=\"deny\""
            case .unknownTrunk(let name): "the route names trunk '\(name)', which does not exist"
            case .badRewrite(let reason): "the route's rewrite failed: \(reason)"
            }
        }
    }

    let settings: SIPSettings

    /// - Parameters:
    ///   - localpart: the callee JID's localpart, still escaped.
    ///   - caller: the bare JID of the user placing the call.
    func route(localpart: String, caller: JID) throws(Refusal) -> Decision {
        let dialed = JIDEscaping.unescape(localpart)
        for route in settings.routes {
            guard let expression = try? NSRegularExpression(pattern: "^(?:\(route.match))$") else { continue }
            let range = NSRange(dialed.startIndex..., in: dialed)
            guard let match = expression.firstMatch(in: dialed, range: range) else { continue }
            if route.emergency == .deny, EmergencyNumbers.contains(dialed) { throw .emergencyDenied(dialed) }
            guard let trunk = settings.trunk(named: route.trunk) else { throw .unknownTrunk(route.trunk) }
            var target = dialed
            if let rewrite = route.rewrite {
                target = expression.replacementString(for: match, in: dialed, offset: 0, template: rewrite)
                guard !target.isEmpty else { throw .badRewrite("'\(rewrite)' made an empty number from \(dialed)") }
            }
            var user = target
            var host: String?
            if let at = target.lastIndex(of: "@") {
                user = String(target[..<at])
                host = String(target[target.index(after: at)...])
            }
            let bare = caller.bare.description.lowercased()
            return Decision(
                trunk: trunk, user: user, host: host, callerID: callerID(for: caller),
                hideNumber: settings.users.first { $0.jid == bare }?.hideNumber ?? false)
        }
        throw .noRoute(dialed)
    }

    /// RFC 3261 From user: the user's configured number, else the escaped bare JID (so the far end can at
    /// least see who called).
    func callerID(for caller: JID) -> String {
        let bare = caller.bare.description.lowercased()
        if let mapping = settings.users.first(where: { $0.jid == bare }) { return mapping.number }
        return Self.sipUserEscaped(bare)
    }

    /// RFC 3261 25.1 `user`: unreserved characters and `&=+$,;?/` stay, everything else is %-escaped.
    static func sipUserEscaped(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn:
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,;?/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
