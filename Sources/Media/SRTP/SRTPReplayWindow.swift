/// The sliding replay window of RFC 3711 section 3.3.2 over 48-bit SRTP or 31-bit SRTCP packet indices: the
/// highest index accepted so far and a bitmap of the 128 indices up to it (bit k: index `highest - k` seen).
///
/// `check` runs before authentication and `accept` only after it succeeded, so forged packets never move the
/// window. 128 matches libsrtp's default, which RFC 3711 section 3.3.2 allows (at least 64).
struct SRTPReplayWindow: Equatable {
    /// Indices the window covers, its highest included.
    static let size: UInt64 = 128

    /// The highest index accepted, or nil before the first.
    private(set) var highest: UInt64?
    /// Bits 0-63: indices `highest` down to `highest - 63`; bits 64-127 the next 64.
    private var recent: UInt64 = 0
    private var older: UInt64 = 0

    /// Throws `.srtpReplayed` for an index already accepted and `.srtpTooOld` for one behind the window.
    @inline(__always)
    func check(_ index: UInt64, rtcp: Bool = false) throws(MediaError) {
        guard let highest, index <= highest else { return }
        let age = highest - index
        guard age < Self.size else {
            throw MediaError(
                .srtpTooOld, rtcp ? "SRTCP index behind the replay window" : "SRTP index behind the replay window")
        }
        let seen = age < 64 ? recent >> age & 1 : older >> (age - 64) & 1
        guard seen == 0 else {
            throw MediaError(.srtpReplayed, rtcp ? "SRTCP index already received" : "SRTP index already received")
        }
    }

    /// Records `index` as received; it must have passed `check`.
    @inline(__always)
    mutating func accept(_ index: UInt64) {
        guard let current = highest else {
            highest = index
            recent = 1
            return
        }
        if index > current {
            let shift = index - current
            if shift >= Self.size {
                older = 0
                recent = 0
            } else if shift >= 64 {
                older = recent << (shift - 64)
                recent = 0
            } else {
                older = older << shift | recent >> (64 - shift)
                recent = recent << shift
            }
            recent |= 1
            highest = index
        } else {
            let age = current - index
            if age < 64 { recent |= 1 << age } else if age < Self.size { older |= 1 << (age - 64) }
        }
    }
}
