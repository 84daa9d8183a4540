import XMPPCore

/// Who may use the bridge (`<access>`) and who administers it (`<admins>`), by bare JID.
struct AccessControl {
    private let allowedJIDs: Set<JID>
    private let allowedDomains: Set<String>
    private let admins: Set<JID>

    init(configuration: BridgeConfiguration) throws {
        var jids: Set<JID> = []
        var domains: Set<String> = []
        for rule in configuration.access.rules {
            switch rule {
            case .jid(let jid): jids.insert(try JID(jid).bare)
            case .domain(let domain): domains.insert(try JID(domain).domainpart)
            }
        }
        allowedJIDs = jids
        allowedDomains = domains
        admins = Set(try configuration.admins.map { try JID($0).bare })
    }

    /// Admins may always use the bridge; others need an `<allow>` for their JID or domain.
    func allows(_ jid: JID) -> Bool {
        let bare = jid.bare
        return admins.contains(bare) || allowedJIDs.contains(bare) || allowedDomains.contains(bare.domainpart)
    }

    func isAdmin(_ jid: JID) -> Bool { admins.contains(jid.bare) }
}
