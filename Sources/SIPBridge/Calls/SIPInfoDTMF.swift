import SIP

/// DTMF carried in SIP INFO bodies, as carriers and PBXs send it: `application/dtmf-relay`
/// (`Signal=5` / `Duration=160`) and `application/dtmf` (the digit alone). Not standardised by an RFC;
/// this follows the form Cisco, Asterisk and FreeSWITCH use.
struct SIPInfoDTMF: Equatable {
    /// RFC 4733 section 3.2 event code: 0-9, * = 10, # = 11, A-D = 12-15.
    var event: UInt8
    var durationMilliseconds: Int

    init(event: UInt8, durationMilliseconds: Int) {
        self.event = event
        self.durationMilliseconds = durationMilliseconds
    }

    init?(body: [UInt8], contentType: SIPMediaType?) {
        guard let contentType else { return nil }
        let type = "\(contentType)".lowercased()
        let text = String(decoding: body, as: UTF8.self)
        var signal: Character?
        var duration = 160
        if type.hasPrefix("application/dtmf-relay") {
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2 else { continue }
                switch parts[0].lowercased() {
                case "signal": signal = parts[1].first
                case "duration": duration = Int(parts[1]) ?? duration
                default: break
                }
            }
        } else if type.hasPrefix("application/dtmf") {
            signal = text.trimmingCharacters(in: .whitespacesAndNewlines).first
        }
        guard let signal, let event = Self.event(for: signal) else { return nil }
        self.event = event
        self.durationMilliseconds = min(max(duration, 40), 2000)
    }

    static func event(for digit: Character) -> UInt8? {
        switch digit {
        case "0"..."9": UInt8(String(digit))
        case "*": 10
        case "#": 11
        case "A", "a": 12
        case "B", "b": 13
        case "C", "c": 14
        case "D", "d": 15
        default: nil
        }
    }
}
