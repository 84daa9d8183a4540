/// Something with an ordered `a=` line list: a ``SessionDescription`` or a ``MediaDescription``.
///
/// The list is the source of truth, so attributes this module does not know, and the exact text
/// of those it does, survive parsing and serializing unchanged and in order. The typed properties
/// below read from the list (skipping values that do not parse) and write to it: a setter removes
/// every attribute of that kind and puts the new ones where the first old one was, or at the end.
///
/// Which level an attribute belongs at is the attribute's own RFC's business (for example
/// `group` and `ice-lite` are session-level, `rtpmap` and `mid` media-level); the accessors
/// exist on both levels so that session-level defaults (`ice-ufrag`, `fingerprint`, `setup`,
/// direction) can be read where they are written.
public protocol SDPAttributeContainer {
    /// The `a=` lines in order.
    var attributes: [Attribute] { get set }
}

extension SDPAttributeContainer {
    // MARK: Generic access

    /// The attributes with this name, in order.
    public func attributes(named name: String) -> [Attribute] { attributes.filter { $0.name == name } }

    /// Whether an attribute with this name is present (with or without a value).
    public func hasAttribute(_ name: String) -> Bool { attributes.contains { $0.name == name } }

    /// The value of the first attribute with this name that has one.
    public func firstValue(of name: String) -> String? {
        for attribute in attributes where attribute.name == name {
            if let value = attribute.value { return value }
        }
        return nil
    }

    /// Removes every attribute with this name.
    public mutating func removeAttributes(named name: String) { attributes.removeAll { $0.name == name } }

    /// Replaces every attribute whose name is in `names` with `replacements`, placed where the
    /// first replaced attribute was, or appended when there was none.
    public mutating func replaceAttributes(named names: Set<String>, with replacements: [Attribute]) {
        let position = attributes.firstIndex { names.contains($0.name) } ?? attributes.endIndex
        attributes.removeAll { names.contains($0.name) }
        attributes.insert(contentsOf: replacements, at: min(position, attributes.endIndex))
    }

    /// Adds or removes a property attribute such as `rtcp-mux`.
    public mutating func setFlag(_ name: String, _ isPresent: Bool) {
        if isPresent {
            if !attributes.contains(where: { $0.name == name && $0.value == nil }) {
                replaceAttributes(named: [name], with: [Attribute(name)])
            }
        } else {
            removeAttributes(named: name)
        }
    }

    /// Every attribute of this kind that parses, in order.
    public func values<Value: SDPAttributeValue>(_: Value.Type = Value.self) -> [Value] {
        attributes.compactMap { attribute in
            guard attribute.name == Value.attributeName, let value = attribute.value else { return nil }
            return try? Value(attributeValue: value)
        }
    }

    /// Replaces every attribute of this kind with these values.
    public mutating func setValues<Value: SDPAttributeValue>(_ values: [Value]) {
        replaceAttributes(named: [Value.attributeName], with: values.map(Attribute.init))
    }

    /// The first attribute of this kind that parses.
    public func value<Value: SDPAttributeValue>(_: Value.Type = Value.self) -> Value? { values(Value.self).first }

    /// Replaces every attribute of this kind with this value, or removes them for `nil`.
    public mutating func setValue<Value: SDPAttributeValue>(_ value: Value?) { setValues(value.map { [$0] } ?? []) }

    private func string(_ name: String) -> String? { firstValue(of: name) }

    private mutating func setString(_ name: String, _ value: String?) {
        replaceAttributes(named: [name], with: value.map { [Attribute(name, $0)] } ?? [])
    }

    // MARK: RTP formats

    /// `a=rtpmap` lines (RFC 8866 section 6.6).
    public var rtpMaps: [RTPMap] {
        get { values() }
        set { setValues(newValue) }
    }

    /// The `a=rtpmap` for a payload type.
    public func rtpMap(for payloadType: UInt8) -> RTPMap? { rtpMaps.first { $0.payloadType == payloadType } }

    /// `a=fmtp` lines (RFC 8866 section 6.15).
    public var formatParameters: [FormatParameters] {
        get { values() }
        set { setValues(newValue) }
    }

    /// The `a=fmtp` for a format.
    public func formatParameters(for format: String) -> FormatParameters? {
        formatParameters.first { $0.format == format }
    }

    /// `a=ptime`, in milliseconds (RFC 8866 section 6.4); `nil` when absent or not a whole number.
    public var ptime: Int? {
        get { string("ptime").flatMap { SDPGrammar.number($0, as: UInt32.self) }.map(Int.init) }
        set { setString("ptime", newValue.map { String($0) }) }
    }

    /// `a=maxptime`, in milliseconds (RFC 8866 section 6.5); `nil` when absent or not a whole number.
    public var maxptime: Int? {
        get { string("maxptime").flatMap { SDPGrammar.number($0, as: UInt32.self) }.map(Int.init) }
        set { setString("maxptime", newValue.map { String($0) }) }
    }

    // MARK: Direction and RTCP

    /// The first of `a=sendrecv`, `a=sendonly`, `a=recvonly` or `a=inactive` (RFC 8866 section 6.7);
    /// `nil` when none is present (which means `sendrecv`, or the session-level direction for media).
    public var direction: MediaDirection? {
        get {
            for attribute in attributes where attribute.value == nil {
                if let direction = MediaDirection(rawValue: attribute.name) { return direction }
            }
            return nil
        }
        set {
            replaceAttributes(
                named: Set(MediaDirection.allCases.map(\.rawValue)),
                with: newValue.map { [Attribute($0.rawValue)] } ?? [])
        }
    }

    /// `a=rtcp` (RFC 3605 section 2.1).
    public var rtcp: RTCPAttribute? {
        get { value() }
        set { setValue(newValue) }
    }

    /// `a=rtcp-mux`: RTP and RTCP share one port (RFC 5761 section 5.1.1).
    public var rtcpMux: Bool {
        get { hasAttribute("rtcp-mux") }
        set { setFlag("rtcp-mux", newValue) }
    }

    /// `a=rtcp-fb` lines (RFC 4585 section 4.2).
    public var rtcpFeedback: [RTCPFeedback] {
        get { values() }
        set { setValues(newValue) }
    }

    /// `a=extmap` lines (RFC 8285 section 8).
    public var extensionMaps: [ExtensionMap] {
        get { values() }
        set { setValues(newValue) }
    }

    // MARK: Sources and grouping

    /// `a=ssrc` lines (RFC 5576 section 4.1).
    public var ssrcAttributes: [SSRCAttribute] {
        get { values() }
        set { setValues(newValue) }
    }

    /// The distinct sources named by `a=ssrc` lines, in order of first appearance.
    public var ssrcs: [UInt32] {
        var seen: Set<UInt32> = []
        return ssrcAttributes.map(\.ssrc).filter { seen.insert($0).inserted }
    }

    /// `a=ssrc-group` lines (RFC 5576 section 4.2).
    public var ssrcGroups: [SSRCGroup] {
        get { values() }
        set { setValues(newValue) }
    }

    /// `a=group` lines (RFC 5888 section 5), a session-level attribute.
    public var groups: [MediaGroup] {
        get { values() }
        set { setValues(newValue) }
    }

    /// `a=mid` (RFC 5888 section 4).
    public var mid: String? {
        get { string("mid") }
        set { setString("mid", newValue) }
    }

    /// `a=msid` lines (RFC 8830 section 2).
    public var msid: [MediaStreamID] {
        get { values() }
        set { setValues(newValue) }
    }

    // MARK: ICE

    /// `a=ice-ufrag` (RFC 8839 section 5.4).
    public var iceUfrag: String? {
        get { string("ice-ufrag") }
        set { setString("ice-ufrag", newValue) }
    }

    /// `a=ice-pwd` (RFC 8839 section 5.4).
    public var icePwd: String? {
        get { string("ice-pwd") }
        set { setString("ice-pwd", newValue) }
    }

    /// The tokens of `a=ice-options` (RFC 8839 section 5.6), such as `trickle`.
    public var iceOptions: [String] {
        get { string("ice-options").map { SDPGrammar.fields($0).map(SDPGrammar.string) } ?? [] }
        set { setString("ice-options", newValue.isEmpty ? nil : newValue.joined(separator: " ")) }
    }

    /// `a=ice-lite` (RFC 8839 section 5.3), a session-level attribute.
    public var iceLite: Bool {
        get { hasAttribute("ice-lite") }
        set { setFlag("ice-lite", newValue) }
    }

    /// `a=candidate` lines (RFC 8839 section 5.1).
    public var candidates: [ICECandidate] {
        get { values() }
        set { setValues(newValue) }
    }

    /// `a=end-of-candidates` (RFC 8840 section 8.2).
    public var endOfCandidates: Bool {
        get { hasAttribute("end-of-candidates") }
        set { setFlag("end-of-candidates", newValue) }
    }

    // MARK: Security

    /// `a=fingerprint` lines (RFC 8122 section 5).
    public var fingerprints: [Fingerprint] {
        get { values() }
        set { setValues(newValue) }
    }

    /// `a=setup` (RFC 4145 section 4).
    public var setup: SetupRole? {
        get { value() }
        set { setValue(newValue) }
    }

    /// `a=crypto` lines (RFC 4568 section 9.1).
    public var cryptos: [CryptoAttribute] {
        get { values() }
        set { setValues(newValue) }
    }
}
