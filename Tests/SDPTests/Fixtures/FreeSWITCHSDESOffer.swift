// Provenance: written for this project in the shape of a FreeSWITCH offer with SDES-SRTP as
// RFC 4568 defines it (section 9.1 grammar; the inline key-info of section 9.2 with lifetime
// and MKI): "o=FreeSWITCH ..." and "s=FreeSWITCH", RTP/SAVP, several a=crypto lines with
// different suites and tags, an a=rtcp line with an address (RFC 3605), telephone-event 0-16
// and comfort noise.
extension Fixtures {
    static let freeSWITCHSDESOffer = """
        v=0
        o=FreeSWITCH 1707720000 1707720001 IN IP4 198.51.100.20
        s=FreeSWITCH
        c=IN IP4 198.51.100.20
        t=0 0
        m=audio 24672 RTP/SAVP 9 0 8 101 13
        a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:Pjv57vX3nytJNK+H9VILablLDZguhbtVtnKocmN6zXRm/LYODo/xhGOw5LK6KQ==|2^31|1:1
        a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:VeXNjkbcjtS3wnZNKlpNdncG+F2GkAJK1r2jQBvp
        a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:yMvMyTX2zR9hImrhUziuGjQATTO6DSRqwEyBsbry|2^20 UNENCRYPTED_SRTCP
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=rtpmap:13 CN/8000
        a=ptime:20
        a=sendrecv
        a=rtcp:24673 IN IP4 198.51.100.20

        """
}
