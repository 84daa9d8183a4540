"""An independent Jingle audio endpoint for the end-to-end tests (slixmpp + aiortc).

`JinglePeer` logs in as a normal c2s client and behaves like Conversations or
Dino on the wire: XEP-0353 Jingle Message Initiation, XEP-0166 Jingle with
XEP-0167 RTP sessions over XEP-0176 ICE-UDP and XEP-0320 DTLS-SRTP. Media come
from aiortc: a tone source is sent, whatever arrives is recorded.

The Jingle <-> SDP translation below is written from the XEPs (0166, 0167,
0176, 0293, 0294, 0320, 0338, 0339) and RFC 8866; aiortc only ever sees SDP and
the peer only ever puts Jingle on the wire.

aiortc 1.4 has no DTMF API. RFC 4733 telephone-event is negotiated in the
Jingle layer (aiortc never sees it) and sent by rewriting outgoing audio RTP
packets into event packets just before SRTP protection, so sequence numbers
and SSRC stay those of the audio stream (RFC 4733 section 2.1); received event
packets are taken out before aiortc's receiver would drop them.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import copy
import fractions
import logging
import math
import secrets
import struct
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Union

import aioice.ice
import av
import numpy as np
import slixmpp
from aiortc import RTCConfiguration, RTCIceCandidate, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcrtpsender import RTCRtpSender
from slixmpp.exceptions import IqError, IqTimeout
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

log = logging.getLogger("jsb.jingle_peer")

NS_CLIENT = "jabber:client"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
NS_JINGLE = "urn:xmpp:jingle:1"
NS_JINGLE_ERRORS = "urn:xmpp:jingle:errors:1"
NS_RTP = "urn:xmpp:jingle:apps:rtp:1"
NS_RTP_INFO = "urn:xmpp:jingle:apps:rtp:info:1"
NS_RTCP_FB = "urn:xmpp:jingle:apps:rtp:rtcp-fb:0"
NS_HDREXT = "urn:xmpp:jingle:apps:rtp:rtp-hdrext:0"
NS_SSMA = "urn:xmpp:jingle:apps:rtp:ssma:0"
NS_ICE_UDP = "urn:xmpp:jingle:transports:ice-udp:1"
NS_DTLS = "urn:xmpp:jingle:apps:dtls:0"
NS_GROUPING = "urn:xmpp:jingle:apps:grouping:0"
NS_JMI = "urn:xmpp:jingle-message:0"
NS_HINTS = "urn:xmpp:hints"

FEATURES = [
    NS_JINGLE, NS_RTP, "urn:xmpp:jingle:apps:rtp:audio", NS_ICE_UDP, NS_DTLS, NS_JMI,
    NS_GROUPING, NS_RTCP_FB, NS_HDREXT, NS_SSMA,
]

# XEP-0166 section 7.4 conditions.
REASONS = {
    "alternative-session", "busy", "cancel", "connectivity-error", "decline", "expired",
    "failed-application", "failed-transport", "general-error", "gone", "incompatible-parameters",
    "media-error", "security-error", "success", "timeout", "unsupported-applications",
    "unsupported-transports",
}

# RFC 3551 section 6: static payload types a Jingle <payload-type/> may leave without a clockrate.
STATIC_PAYLOAD_TYPES = {0: ("PCMU", 8000), 3: ("GSM", 8000), 8: ("PCMA", 8000), 9: ("G722", 8000),
                        18: ("G729", 8000)}

# Payload types we give telephone-event when we offer it, per clock rate (the values WebRTC uses).
TELEPHONE_EVENT_PT = {48000: 110, 8000: 126, 16000: 113}

DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def bare(jid: str) -> str:
    return jid.split("/", 1)[0]


class JingleError(Exception):
    """Jingle or SDP input we cannot use: `condition` is the XEP-0166 reason to answer with."""

    def __init__(self, condition: str, text: str):
        super().__init__(f"{condition}: {text}")
        self.condition = condition
        self.text = text


def _int(value: Optional[str], what: str, lo: int = 0, hi: int = 2 ** 32 - 1,
         condition: str = "failed-application") -> int:
    try:
        n = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise JingleError(condition, f"{what}: not an integer: {value!r}") from None
    if not lo <= n <= hi:
        raise JingleError(condition, f"{what}: {n} outside {lo}..{hi}")
    return n


def _cint(value: Optional[str], what: str, lo: int = 0, hi: int = 2 ** 32 - 1) -> int:
    """An integer of an ICE candidate: bad ones fail the transport."""
    return _int(value, what, lo, hi, "failed-transport")


# ====================================================================== model
@dataclass
class Candidate:
    """One ICE candidate (RFC 8445 / RFC 8839 section 5.1; XEP-0176 section 5.3)."""

    foundation: str
    component: int
    protocol: str
    priority: int
    ip: str
    port: int
    type: str
    rel_addr: Optional[str] = None
    rel_port: Optional[int] = None
    generation: int = 0
    network: int = 0
    id: str = ""

    def to_sdp(self) -> str:
        """The value of an `a=candidate:` line."""
        s = (f"{self.foundation} {self.component} {self.protocol} {self.priority} {self.ip} {self.port}"
             f" typ {self.type}")
        if self.rel_addr is not None:
            s += f" raddr {self.rel_addr}"
        if self.rel_port is not None:
            s += f" rport {self.rel_port}"
        return s + f" generation {self.generation}"

    @classmethod
    def from_sdp(cls, value: str) -> "Candidate":
        bits = value.split()
        if len(bits) < 8 or bits[6] != "typ":
            raise JingleError("failed-transport", f"bad candidate line {value!r}")
        c = cls(foundation=bits[0], component=_cint(bits[1], "candidate component", 1, 256),
                protocol=bits[2].lower(), priority=_cint(bits[3], "candidate priority"), ip=bits[4],
                port=_cint(bits[5], "candidate port", 0, 65535), type=bits[7])
        ext = bits[8:]
        for k, v in zip(ext[0::2], ext[1::2]):
            if k == "raddr":
                c.rel_addr = v
            elif k == "rport":
                c.rel_port = _cint(v, "candidate rport", 0, 65535)
            elif k == "generation":
                c.generation = _cint(v, "candidate generation")
            elif k == "network-id":
                c.network = _cint(v, "candidate network-id")
        return c

    def to_xml(self) -> ET.Element:
        el = ET.Element(q(NS_ICE_UDP, "candidate"), {
            "component": str(self.component), "foundation": self.foundation,
            "generation": str(self.generation), "id": self.id or secrets.token_hex(5), "ip": self.ip,
            "network": str(self.network), "port": str(self.port), "priority": str(self.priority),
            "protocol": self.protocol, "type": self.type})
        if self.rel_addr is not None:
            el.set("rel-addr", self.rel_addr)
        if self.rel_port is not None:
            el.set("rel-port", str(self.rel_port))
        return el

    @classmethod
    def from_xml(cls, el: ET.Element) -> "Candidate":
        # XEP-0176 section 5.3: these attributes are REQUIRED.
        for attr in ("component", "foundation", "ip", "port", "priority", "protocol", "type"):
            if not el.get(attr):
                raise JingleError("failed-transport", f"<candidate/> without '{attr}'")
        ctype = el.get("type", "")
        if ctype not in ("host", "srflx", "prflx", "relay"):
            raise JingleError("failed-transport", f"candidate type {ctype!r}")
        c = cls(foundation=el.get("foundation", ""),
                component=_cint(el.get("component"), "candidate component", 1, 256),
                protocol=el.get("protocol", "").lower(),
                priority=_cint(el.get("priority"), "candidate priority"),
                ip=el.get("ip", ""), port=_cint(el.get("port"), "candidate port", 0, 65535), type=ctype,
                generation=_cint(el.get("generation", "0"), "candidate generation"),
                network=_cint(el.get("network", "0"), "candidate network"), id=el.get("id", ""))
        if el.get("rel-addr"):
            c.rel_addr = el.get("rel-addr")
        if el.get("rel-port"):
            c.rel_port = _cint(el.get("rel-port"), "candidate rel-port", 0, 65535)
        return c


@dataclass
class PayloadType:
    """XEP-0167 section 5 <payload-type/>, i.e. an `a=rtpmap` (+ fmtp, rtcp-fb) of RFC 8866."""

    id: int
    name: str
    clockrate: int
    channels: int = 1
    ptime: Optional[int] = None
    maxptime: Optional[int] = None
    parameters: "list[tuple[str, str]]" = field(default_factory=list)
    rtcp_fb: "list[tuple[str, Optional[str]]]" = field(default_factory=list)

    @property
    def is_telephone_event(self) -> bool:
        return self.name.lower() == "telephone-event"


@dataclass
class HeaderExtension:
    """XEP-0294 <rtp-hdrext/>, i.e. RFC 8285 `a=extmap`."""

    id: int
    uri: str
    direction: Optional[str] = None  # SDP direction of the extension, None = as the media


@dataclass
class Source:
    """XEP-0339 <source/>, i.e. RFC 5576 `a=ssrc`."""

    ssrc: int
    parameters: "list[tuple[str, str]]" = field(default_factory=list)


@dataclass
class Content:
    """One Jingle <content/> with an RTP description and an ICE-UDP transport = one SDP m= section."""

    name: str
    media: str = "audio"
    creator: str = "initiator"
    direction: str = "sendrecv"  # SDP direction, seen from the author of this description
    payload_types: "list[PayloadType]" = field(default_factory=list)
    rtcp_fb_all: "list[tuple[str, Optional[str]]]" = field(default_factory=list)
    header_extensions: "list[HeaderExtension]" = field(default_factory=list)
    extmap_allow_mixed: bool = False
    rtcp_mux: bool = False
    bandwidth: "list[tuple[str, str]]" = field(default_factory=list)
    sources: "list[Source]" = field(default_factory=list)
    source_groups: "list[tuple[str, list[int]]]" = field(default_factory=list)
    ufrag: Optional[str] = None
    pwd: Optional[str] = None
    fingerprints: "list[tuple[str, str, Optional[str]]]" = field(default_factory=list)  # hash, value, setup
    candidates: "list[Candidate]" = field(default_factory=list)

    def payload_type(self, pt: int) -> Optional[PayloadType]:
        return next((p for p in self.payload_types if p.id == pt), None)


@dataclass
class Description:
    """A whole offer or answer: contents plus XEP-0338 groups (RFC 5888 `a=group`)."""

    contents: "list[Content]" = field(default_factory=list)
    groups: "list[tuple[str, list[str]]]" = field(default_factory=list)

    def audio(self) -> Optional[Content]:
        return next((c for c in self.contents if c.media == "audio"), None)


def senders_from_direction(direction: str, author_is_initiator: bool) -> str:
    """XEP-0166 'senders' for an SDP direction written by the initiator or the responder."""
    me, other = ("initiator", "responder") if author_is_initiator else ("responder", "initiator")
    return {"sendrecv": "both", "sendonly": me, "recvonly": other, "inactive": "none"}[direction]


def direction_from_senders(senders: str, author_is_initiator: bool) -> str:
    me = "initiator" if author_is_initiator else "responder"
    if senders == "both":
        return "sendrecv"
    if senders == "none":
        return "inactive"
    if senders not in ("initiator", "responder"):
        raise JingleError("failed-application", f"senders={senders!r}")
    return "sendonly" if senders == me else "recvonly"


# ====================================================================== SDP
def parse_sdp(text: str) -> Description:
    """The parts of an RFC 8866 SDP that Jingle can carry (unknown lines are ignored)."""
    desc = Description()
    session_ice: "dict[str, str]" = {}
    session_fps: "list[tuple[str, str, Optional[str]]]" = []
    session_setup: Optional[str] = None
    cur: Optional[Content] = None
    fmtp: "list[tuple[Content, str]]" = []
    fb: "list[tuple[Content, str]]" = []
    ssrc_lines: "list[tuple[Content, str]]" = []
    msid: "dict[int, str]" = {}
    media_setup: "dict[int, str]" = {}
    for raw in text.splitlines():
        line = raw.strip()
        if len(line) < 2 or line[1] != "=":
            continue
        kind, value = line[0], line[2:]
        if kind == "m":
            bits = value.split()
            if len(bits) < 4:
                raise JingleError("failed-application", f"bad m= line {line!r}")
            cur = Content(name=str(len(desc.contents)), media=bits[0])
            cur.payload_types = [PayloadType(id=_int(b, "payload type", 0, 127), name="", clockrate=0)
                                 for b in bits[3:]]
            desc.contents.append(cur)
            continue
        if kind == "b" and cur is not None and ":" in value:
            t, v = value.split(":", 1)
            cur.bandwidth.append((t, v))
            continue
        if kind != "a":
            continue
        attr, _, val = value.partition(":")
        if cur is None:  # session level
            if attr == "group":
                bits = val.split()
                if bits:
                    desc.groups.append((bits[0], bits[1:]))
            elif attr in ("ice-ufrag", "ice-pwd"):
                session_ice[attr] = val
            elif attr == "fingerprint":
                h, _, fp = val.partition(" ")
                session_fps.append((h, fp.strip(), None))
            elif attr == "setup":
                session_setup = val
            continue
        if attr == "mid":
            cur.name = val
        elif attr in DIRECTIONS:
            cur.direction = attr
        elif attr == "rtcp-mux":
            cur.rtcp_mux = True
        elif attr == "ice-ufrag":
            cur.ufrag = val
        elif attr == "ice-pwd":
            cur.pwd = val
        elif attr == "fingerprint":
            h, _, fp = val.partition(" ")
            cur.fingerprints.append((h, fp.strip(), None))
        elif attr == "setup":
            media_setup[id(cur)] = val
        elif attr == "candidate":
            cur.candidates.append(Candidate.from_sdp(val))
        elif attr == "rtpmap":
            pt_s, _, enc = val.partition(" ")
            p = cur.payload_type(_int(pt_s, "rtpmap payload type", 0, 127))
            bits = enc.split("/")
            if p is not None and len(bits) >= 2:
                p.name = bits[0]
                p.clockrate = _int(bits[1], "rtpmap clock rate", 1)
                p.channels = _int(bits[2], "rtpmap channels", 1, 255) if len(bits) > 2 else 1
        elif attr == "fmtp":
            fmtp.append((cur, val))
        elif attr == "rtcp-fb":
            fb.append((cur, val))
        elif attr == "ptime":
            for p in cur.payload_types:
                p.ptime = _int(val, "ptime", 1, 10000)
        elif attr == "maxptime":
            for p in cur.payload_types:
                p.maxptime = _int(val, "maxptime", 1, 10000)
        elif attr == "extmap":
            ident, _, uri = val.partition(" ")
            ident, _, ext_dir = ident.partition("/")
            cur.header_extensions.append(
                HeaderExtension(_int(ident, "extmap id", 1, 255), uri.split()[0] if uri else "",
                                ext_dir or None))
        elif attr == "extmap-allow-mixed":
            cur.extmap_allow_mixed = True
        elif attr == "ssrc":
            ssrc_lines.append((cur, val))
        elif attr == "ssrc-group":
            bits = val.split()
            if bits:
                cur.source_groups.append((bits[0], [_int(b, "ssrc-group ssrc") for b in bits[1:]]))
        elif attr == "msid":
            msid[id(cur)] = val
    for c in desc.contents:
        if c.ufrag is None:
            c.ufrag, c.pwd = session_ice.get("ice-ufrag"), session_ice.get("ice-pwd")
        if not c.fingerprints:
            c.fingerprints = list(session_fps)
        setup = media_setup.get(id(c)) or session_setup
        c.fingerprints = [(h, v, s or setup) for h, v, s in c.fingerprints]
        # Payload types without an rtpmap: only static ones can be named (RFC 3551 section 6).
        for p in c.payload_types:
            if not p.name and p.id in STATIC_PAYLOAD_TYPES:
                p.name, p.clockrate = STATIC_PAYLOAD_TYPES[p.id]
        c.payload_types = [p for p in c.payload_types if p.name]
    for c, val in fmtp:
        pt_s, _, params = val.partition(" ")
        p = c.payload_type(_int(pt_s, "fmtp payload type", 0, 127))
        if p is None:
            continue
        for item in params.split(";"):
            item = item.strip()
            if item:
                k, eq, v = item.partition("=")
                p.parameters.append((k.strip(), v.strip()) if eq else ("", item))
    for c, val in fb:
        bits = val.split()
        if len(bits) < 2:
            continue
        entry = (bits[1], " ".join(bits[2:]) or None)
        if bits[0] == "*":
            c.rtcp_fb_all.append(entry)
        else:
            p = c.payload_type(_int(bits[0], "rtcp-fb payload type", 0, 127))
            if p is not None:
                p.rtcp_fb.append(entry)
    for c, val in ssrc_lines:
        ssrc_s, _, rest = val.partition(" ")
        ssrc = _int(ssrc_s, "ssrc")
        src = next((s for s in c.sources if s.ssrc == ssrc), None)
        if src is None:
            src = Source(ssrc)
            c.sources.append(src)
        name, _, v = rest.partition(":")
        if name:
            src.parameters.append((name, v))
    for c in desc.contents:
        # A media-level a=msid (RFC 8830) travels as the XEP-0339 'msid' source parameter.
        m = msid.get(id(c))
        if m:
            for s in c.sources:
                if not any(n == "msid" for n, _ in s.parameters):
                    s.parameters.append(("msid", m))
    return desc


def description_to_sdp(desc: Description, session_id: int = 0) -> str:
    """An SDP for aiortc (UDP/TLS/RTP/SAVPF, ICE and DTLS attributes per m= section)."""
    lines = ["v=0", f"o=- {session_id} 2 IN IP4 0.0.0.0", "s=-", "t=0 0"]
    for semantics, names in desc.groups:
        lines.append(f"a=group:{semantics} {' '.join(names)}".rstrip())
    lines.append("a=msid-semantic:WMS *")
    for c in desc.contents:
        pts = " ".join(str(p.id) for p in c.payload_types)
        lines.append(f"m={c.media} 9 UDP/TLS/RTP/SAVPF {pts}")
        lines.append("c=IN IP4 0.0.0.0")
        lines += [f"b={t}:{v}" for t, v in c.bandwidth]
        lines.append("a=rtcp:9 IN IP4 0.0.0.0")
        if c.ufrag is not None:
            lines.append(f"a=ice-ufrag:{c.ufrag}")
        if c.pwd is not None:
            lines.append(f"a=ice-pwd:{c.pwd}")
        for h, v, _ in c.fingerprints:
            lines.append(f"a=fingerprint:{h} {v}")
        setup = next((s for _, _, s in c.fingerprints if s), None)
        if setup:
            lines.append(f"a=setup:{setup}")
        lines.append(f"a=mid:{c.name}")
        for e in c.header_extensions:
            lines.append(f"a=extmap:{e.id}{'/' + e.direction if e.direction else ''} {e.uri}")
        if c.extmap_allow_mixed:
            lines.append("a=extmap-allow-mixed")
        lines.append(f"a={c.direction}")
        if c.rtcp_mux:
            lines.append("a=rtcp-mux")
        for p in c.payload_types:
            enc = f"{p.name}/{p.clockrate}" + (f"/{p.channels}" if p.channels > 1 else "")
            lines.append(f"a=rtpmap:{p.id} {enc}")
            for t, sub in p.rtcp_fb:
                lines.append(f"a=rtcp-fb:{p.id} {t}{' ' + sub if sub else ''}")
            if p.parameters:
                params = ";".join(f"{k}={v}" if k else v for k, v in p.parameters)
                lines.append(f"a=fmtp:{p.id} {params}")
        for t, sub in c.rtcp_fb_all:
            lines.append(f"a=rtcp-fb:* {t}{' ' + sub if sub else ''}")
        ptime = next((p.ptime for p in c.payload_types if p.ptime), None)
        if ptime:
            lines.append(f"a=ptime:{ptime}")
        maxptime = next((p.maxptime for p in c.payload_types if p.maxptime), None)
        if maxptime:
            lines.append(f"a=maxptime:{maxptime}")
        for semantics, ssrcs in c.source_groups:
            lines.append(f"a=ssrc-group:{semantics} {' '.join(map(str, ssrcs))}")
        for s in c.sources:
            for n, v in s.parameters:
                if v:  # aiortc wants "name:value"
                    lines.append(f"a=ssrc:{s.ssrc} {n}:{v}")
        for cand in c.candidates:
            lines.append(f"a=candidate:{cand.to_sdp()}")
    return "\r\n".join(lines) + "\r\n"


# ====================================================================== Jingle
def _reason_element(condition: str, text: Optional[str] = None) -> ET.Element:
    if condition not in REASONS:
        raise ValueError(f"not a XEP-0166 reason: {condition!r}")
    reason = ET.Element(q(NS_JINGLE, "reason"))
    ET.SubElement(reason, q(NS_JINGLE, condition))
    if text:
        ET.SubElement(reason, q(NS_JINGLE, "text")).text = text
    return reason


def parse_reason(parent: Optional[ET.Element]) -> "tuple[Optional[str], Optional[str]]":
    """(condition, text) of the XEP-0166 <reason/> under `parent` (a <jingle/> or a JMI element)."""
    if parent is None:
        return None, None
    reason = parent.find(q(NS_JINGLE, "reason"))
    if reason is None:
        return None, None
    condition = text = None
    for child in reason:
        if child.tag == q(NS_JINGLE, "text"):
            text = child.text or ""
        elif child.tag.startswith("{" + NS_JINGLE + "}") and condition is None:
            condition = child.tag.split("}", 1)[1]
    return condition, text


def content_to_xml(c: Content, author_is_initiator: bool) -> ET.Element:
    """XEP-0166 <content/> with an XEP-0167 description and an XEP-0176 transport."""
    content = ET.Element(q(NS_JINGLE, "content"), {
        "creator": c.creator, "name": c.name,
        "senders": senders_from_direction(c.direction, author_is_initiator)})
    d = ET.SubElement(content, q(NS_RTP, "description"), {"media": c.media})
    for p in c.payload_types:
        attrs = {"id": str(p.id), "name": p.name, "clockrate": str(p.clockrate)}
        if p.channels > 1:
            attrs["channels"] = str(p.channels)
        if p.ptime:
            attrs["ptime"] = str(p.ptime)
        if p.maxptime:
            attrs["maxptime"] = str(p.maxptime)
        pel = ET.SubElement(d, q(NS_RTP, "payload-type"), attrs)
        for k, v in p.parameters:
            ET.SubElement(pel, q(NS_RTP, "parameter"), {"name": k, "value": v})
        for t, sub in p.rtcp_fb:
            _rtcp_fb_xml(pel, t, sub)
    for t, sub in c.rtcp_fb_all:  # XEP-0293 section 3: description-level = all payload types
        _rtcp_fb_xml(d, t, sub)
    for e in c.header_extensions:
        attrs = {"id": str(e.id), "uri": e.uri}
        if e.direction and e.direction != "sendrecv":
            attrs["senders"] = senders_from_direction(e.direction, author_is_initiator)
        ET.SubElement(d, q(NS_HDREXT, "rtp-hdrext"), attrs)
    if c.extmap_allow_mixed:
        ET.SubElement(d, q(NS_HDREXT, "extmap-allow-mixed"))
    for t, v in c.bandwidth:
        ET.SubElement(d, q(NS_RTP, "bandwidth"), {"type": t}).text = v
    if c.rtcp_mux:
        ET.SubElement(d, q(NS_RTP, "rtcp-mux"))
    for s in c.sources:
        sel = ET.SubElement(d, q(NS_SSMA, "source"), {"ssrc": str(s.ssrc)})
        for n, v in s.parameters:
            attrs = {"name": n}
            if v:
                attrs["value"] = v
            ET.SubElement(sel, q(NS_SSMA, "parameter"), attrs)
    for semantics, ssrcs in c.source_groups:
        gel = ET.SubElement(d, q(NS_SSMA, "ssrc-group"), {"semantics": semantics})
        for ssrc in ssrcs:
            ET.SubElement(gel, q(NS_SSMA, "source"), {"ssrc": str(ssrc)})
    t = ET.SubElement(content, q(NS_ICE_UDP, "transport"))
    if c.ufrag is not None:
        t.set("ufrag", c.ufrag)
    if c.pwd is not None:
        t.set("pwd", c.pwd)
    for h, v, setup in c.fingerprints:  # XEP-0320 section 3
        fp = ET.SubElement(t, q(NS_DTLS, "fingerprint"), {"hash": h})
        if setup:
            fp.set("setup", setup)
        fp.text = v
    for cand in c.candidates:
        t.append(cand.to_xml())
    return content


def _rtcp_fb_xml(parent: ET.Element, t: str, sub: Optional[str]) -> None:
    if t == "trr-int":
        ET.SubElement(parent, q(NS_RTCP_FB, "rtcp-fb-trr-int"), {"value": sub or "0"})
        return
    attrs = {"type": t}
    if sub:
        attrs["subtype"] = sub
    ET.SubElement(parent, q(NS_RTCP_FB, "rtcp-fb"), attrs)


def _rtcp_fb_from_xml(parent: ET.Element) -> "list[tuple[str, Optional[str]]]":
    out: "list[tuple[str, Optional[str]]]" = []
    for el in parent:
        if el.tag == q(NS_RTCP_FB, "rtcp-fb"):
            if not el.get("type"):
                raise JingleError("failed-application", "<rtcp-fb/> without 'type' (XEP-0293)")
            out.append((el.get("type", ""), el.get("subtype") or None))
        elif el.tag == q(NS_RTCP_FB, "rtcp-fb-trr-int"):
            out.append(("trr-int", str(_int(el.get("value"), "rtcp-fb-trr-int value"))))
    return out


def description_to_jingle(desc: Description, author_is_initiator: bool) -> "list[ET.Element]":
    """The <content/> and XEP-0338 <group/> children of a <jingle/> element."""
    out = [content_to_xml(c, author_is_initiator) for c in desc.contents]
    for semantics, names in desc.groups:
        g = ET.Element(q(NS_GROUPING, "group"), {"semantics": semantics})
        for n in names:
            ET.SubElement(g, q(NS_GROUPING, "content"), {"name": n})
        out.append(g)
    return out


def content_from_xml(el: ET.Element, author_is_initiator: bool) -> Content:
    name = el.get("name")
    if not name:
        raise JingleError("failed-application", "<content/> without 'name' (XEP-0166 section 7.1)")
    d = el.find(q(NS_RTP, "description"))
    if d is None:
        raise JingleError("unsupported-applications", f"content {name!r} has no RTP description")
    t = el.find(q(NS_ICE_UDP, "transport"))
    if t is None:
        raise JingleError("unsupported-transports", f"content {name!r} has no ICE-UDP transport")
    c = Content(name=name, media=d.get("media", ""), creator=el.get("creator", "initiator"),
                direction=direction_from_senders(el.get("senders", "both"), author_is_initiator))
    if not c.media:
        raise JingleError("failed-application", f"content {name!r}: <description/> without 'media'")
    for pel in d.findall(q(NS_RTP, "payload-type")):
        pt = _int(pel.get("id"), "payload-type id", 0, 127)
        pname = pel.get("name") or STATIC_PAYLOAD_TYPES.get(pt, ("",))[0]
        rate = pel.get("clockrate")
        clockrate = _int(rate, f"payload-type {pt} clockrate", 1) if rate else \
            STATIC_PAYLOAD_TYPES.get(pt, ("", 0))[1]
        if not pname or not clockrate:
            raise JingleError("failed-application",
                              f"payload-type {pt}: dynamic payload type without name and clockrate")
        p = PayloadType(id=pt, name=pname, clockrate=clockrate,
                        channels=_int(pel.get("channels", "1"), f"payload-type {pt} channels", 1, 255))
        if pel.get("ptime"):
            p.ptime = _int(pel.get("ptime"), "ptime", 1, 10000)
        if pel.get("maxptime"):
            p.maxptime = _int(pel.get("maxptime"), "maxptime", 1, 10000)
        for par in pel.findall(q(NS_RTP, "parameter")):
            p.parameters.append((par.get("name", ""), par.get("value", "")))
        p.rtcp_fb = _rtcp_fb_from_xml(pel)
        c.payload_types.append(p)
    c.rtcp_fb_all = _rtcp_fb_from_xml(d)
    for e in d.findall(q(NS_HDREXT, "rtp-hdrext")):
        senders = e.get("senders")
        c.header_extensions.append(HeaderExtension(
            _int(e.get("id"), "rtp-hdrext id", 1, 255), e.get("uri", ""),
            direction_from_senders(senders, author_is_initiator) if senders else None))
    c.extmap_allow_mixed = d.find(q(NS_HDREXT, "extmap-allow-mixed")) is not None
    c.rtcp_mux = d.find(q(NS_RTP, "rtcp-mux")) is not None
    for b in d.findall(q(NS_RTP, "bandwidth")):
        c.bandwidth.append((b.get("type", "AS"), (b.text or "").strip()))
    for s in d.findall(q(NS_SSMA, "source")):
        src = Source(_int(s.get("ssrc"), "source ssrc"))
        for par in s.findall(q(NS_SSMA, "parameter")):
            src.parameters.append((par.get("name", ""), par.get("value", "")))
        c.sources.append(src)
    for g in d.findall(q(NS_SSMA, "ssrc-group")):
        c.source_groups.append((g.get("semantics", ""),
                                [_int(s.get("ssrc"), "ssrc-group ssrc") for s in g.findall(q(NS_SSMA, "source"))]))
    c.ufrag, c.pwd = t.get("ufrag"), t.get("pwd")
    for fp in t.findall(q(NS_DTLS, "fingerprint")):
        if not fp.get("hash") or not (fp.text or "").strip():
            raise JingleError("security-error", "<fingerprint/> without hash or value (XEP-0320)")
        c.fingerprints.append((fp.get("hash", ""), (fp.text or "").strip(), fp.get("setup")))
    for cel in t.findall(q(NS_ICE_UDP, "candidate")):
        c.candidates.append(Candidate.from_xml(cel))
    return c


def jingle_to_description(jingle: ET.Element, author_is_initiator: bool) -> Description:
    """Parse the contents and groups of a session-initiate or session-accept."""
    contents = jingle.findall(q(NS_JINGLE, "content"))
    if not contents:
        raise JingleError("failed-application", f"{jingle.get('action')} without <content/>")
    desc = Description([content_from_xml(el, author_is_initiator) for el in contents])
    for g in jingle.findall(q(NS_GROUPING, "group")):
        # XEP-0338 puts <content/> in the grouping namespace; accept the Jingle one too.
        names = [c.get("name", "") for c in g
                 if c.tag in (q(NS_GROUPING, "content"), q(NS_JINGLE, "content"))]
        desc.groups.append((g.get("semantics", ""), names))
    return desc


def jingle_candidates(jingle: ET.Element) -> "list[tuple[str, Candidate, Optional[str]]]":
    """(content name, candidate, ufrag) of every candidate in a transport-info."""
    out = []
    for content in jingle.findall(q(NS_JINGLE, "content")):
        t = content.find(q(NS_ICE_UDP, "transport"))
        if t is None:
            continue
        for cel in t.findall(q(NS_ICE_UDP, "candidate")):
            out.append((content.get("name", ""), Candidate.from_xml(cel), t.get("ufrag")))
    return out


def validate_for_aiortc(c: Content, is_offer: bool) -> None:
    """What aiortc 1.4 needs to accept an audio m= section (else it raises a bare ValueError)."""
    if not c.ufrag or not c.pwd:
        raise JingleError("failed-transport", "ICE-UDP transport without ufrag/pwd (XEP-0176)")
    if not c.fingerprints:
        raise JingleError("security-error", "no DTLS <fingerprint/> (XEP-0320); aiortc needs DTLS-SRTP")
    if not any(h.lower() == "sha-256" for h, _, _ in c.fingerprints):
        raise JingleError("security-error", "no sha-256 fingerprint; aiortc 1.4 checks only sha-256")
    setup = next((s for _, _, s in c.fingerprints if s), None)
    if setup is None:
        raise JingleError("security-error", "<fingerprint/> without 'setup' (XEP-0320)")
    if is_offer and setup != "actpass":
        raise JingleError("incompatible-parameters", f"offer with setup={setup}; aiortc requires actpass")
    if not is_offer and setup not in ("active", "passive"):
        raise JingleError("incompatible-parameters", f"answer with setup={setup}")
    if not c.rtcp_mux:
        raise JingleError("incompatible-parameters", "no <rtcp-mux/>; aiortc requires RTCP mux")
    if not any(not p.is_telephone_event for p in c.payload_types):
        raise JingleError("incompatible-parameters", "no audio payload type")


# ====================================================================== media
class ToneTrack(MediaStreamTrack):
    """A phase-continuous sine: 48 kHz s16 mono, 20 ms frames, peak `level_dbfs` (default -10 dBFS).

    Frames are paced in real time; `pts` counts samples (time base 1/48000), so
    RTP timestamps follow. While paused (remote hold), recv() waits and pts
    jumps over the pause, as a real source's clock would.
    """

    kind = "audio"
    RATE = 48000
    SAMPLES = 960

    def __init__(self, freq: float = 440.0, level_dbfs: float = -10.0):
        super().__init__()
        self.freq = float(freq)
        self.amplitude = 32767 * 10 ** (level_dbfs / 20)
        self._phase = 0.0
        self._pts = 0
        self._start: Optional[float] = None
        self._running = asyncio.Event()
        self._running.set()
        self.frames_sent = 0

    def set_frequency(self, freq: float) -> None:
        self.freq = float(freq)  # the phase accumulator keeps the waveform continuous

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if not self._running.is_set():
            await self._running.wait()
            if self._start is not None:  # skip the time spent on hold
                elapsed = int((time.monotonic() - self._start) * self.RATE)
                self._pts = max(self._pts, elapsed - elapsed % self.SAMPLES)
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._pts += self.SAMPLES
            wait = self._start + self._pts / self.RATE - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
        step = 2 * math.pi * self.freq / self.RATE
        phases = self._phase + step * np.arange(self.SAMPLES)
        self._phase = float((self._phase + step * self.SAMPLES) % (2 * math.pi))
        pcm = np.round(np.sin(phases) * self.amplitude).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = self.RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, self.RATE)
        self.frames_sent += 1
        return frame


class AudioRecorder:
    """Consumes a received aiortc audio track into int16 mono samples at the decoder's rate.

    Nothing is resampled. Stereo (Opus) is averaged to mono. Frames are placed by
    their pts, so lost packets leave silence where a listener would hear it
    (gaps up to 60 s; larger jumps are appended as they come).
    """

    MAX_FILL_SECONDS = 60

    def __init__(self, on_first_frame: Optional[Callable[[int], None]] = None):
        self.rate: Optional[int] = None
        self.channels: Optional[int] = None
        self.frames = 0
        self._chunks: "list[np.ndarray]" = []
        self._next_pts: Optional[int] = None
        self._task: Optional[asyncio.Task] = None
        self._on_first_frame = on_first_frame

    def start(self, track: MediaStreamTrack) -> None:
        self._task = asyncio.ensure_future(self._run(track))

    async def _run(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            self._add(frame)

    def _add(self, frame: av.AudioFrame) -> None:
        data = frame.to_ndarray()
        channels = len(frame.layout.channels)
        pcm = data.reshape(-1, channels).astype(np.int32).mean(axis=1).astype(np.int16) \
            if channels > 1 else data.reshape(-1).astype(np.int16)
        if self.rate is None:
            self.rate, self.channels = frame.sample_rate, channels
            if self._on_first_frame:
                self._on_first_frame(frame.sample_rate)
        pts = frame.pts
        if self._next_pts is not None and pts is not None:
            delta = pts - self._next_pts
            if delta < 0:
                return  # late duplicate; already have that time span
            if 0 < delta <= self.MAX_FILL_SECONDS * self.rate:
                self._chunks.append(np.zeros(delta, dtype=np.int16))
        self._chunks.append(pcm)
        self.frames += 1
        self._next_pts = (pts if pts is not None else self._next_pts or 0) + len(pcm)

    async def stop(self, timeout: float = 1.0) -> None:
        task = self._task
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except asyncio.TimeoutError:  # the receiver never started: its track never ends
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass

    def samples(self) -> "tuple[np.ndarray, int]":
        if not self._chunks:
            return np.zeros(0, dtype=np.int16), self.rate or 0
        return np.concatenate(self._chunks), self.rate or 0


DTMF_EVENTS = "0123456789*#ABCD"  # RFC 4733 section 3.2 event codes 0..15


class Rfc4733:
    """RFC 4733 DTMF on one aiortc DTLS transport (aiortc 1.4 has no DTMF sender).

    Sending: while a digit plays, each outgoing audio RTP packet of the
    negotiated rate is rewritten into a telephone-event packet (same SSRC and
    sequence number, timestamp = event start, section 2.3.4); the first has the
    marker bit (section 2.5.1.2), the end packet is sent three times (section
    2.5.1.4). Receiving: telephone-event packets are taken out before aiortc
    (which would drop or mis-decode them) and reported once per event.
    """

    def __init__(self, on_digit: Callable[[str, int], None]):
        self.audio_rates: "dict[int, int]" = {}   # audio PT -> clock rate (negotiated)
        self.send_pts: "dict[int, int]" = {}      # clock rate -> telephone-event PT of the remote
        self.recv_pts: "set[int]" = set()         # telephone-event PTs we declared
        self.received: "list[tuple[str, int]]" = []  # (digit, duration in clock ticks)
        self._queue: "collections.deque[dict]" = collections.deque()
        self._job: Optional[dict] = None
        self._last_ts: Optional[int] = None
        self._step: Optional[int] = None
        self._rx_last: "dict[int, dict]" = {}  # ssrc -> the last event seen
        self._on_digit = on_digit
        self.sent_packets = 0

    def install(self, dtls: Any) -> None:
        # Instance attributes shadow the RTCDtlsTransport methods the sender and
        # the receive loop call, so every RTP packet passes through here.
        send, handle = dtls._send_rtp, dtls._handle_rtp_data

        async def send_rtp(data: bytes) -> None:
            await send(self._outgoing(data))

        async def handle_rtp(data: bytes, arrival_time_ms: int) -> None:
            if not self._incoming(data):
                await handle(data, arrival_time_ms=arrival_time_ms)

        dtls._send_rtp = send_rtp
        dtls._handle_rtp_data = handle_rtp

    def enqueue(self, digits: str, duration_ms: int, gap_ms: int) -> "list[asyncio.Future]":
        futures = []
        for d in digits.upper():
            if d not in DTMF_EVENTS:
                raise ValueError(f"not a DTMF digit: {d!r}")
            fut = asyncio.get_running_loop().create_future()
            self._queue.append({"digit": d, "duration_ms": duration_ms, "gap_ms": gap_ms, "future": fut})
            futures.append(fut)
        return futures

    def cancel(self) -> None:
        for job in ([self._job] if self._job else []) + list(self._queue):
            if not job["future"].done():
                job["future"].set_exception(RuntimeError("call ended before the digit was sent"))
        self._job = None
        self._queue.clear()

    @staticmethod
    def _header_length(data: bytes) -> Optional[int]:
        if len(data) < 12:
            return None
        n = 12 + 4 * (data[0] & 0x0F)
        if data[0] & 0x10:  # RFC 3550 section 5.3.1 extension header
            if len(data) < n + 4:
                return None
            n += 4 + 4 * struct.unpack_from(">H", data, n + 2)[0]
        return n if n <= len(data) else None

    def _outgoing(self, data: bytes) -> bytes:
        if len(data) < 12 or data[0] >> 6 != 2 or 192 <= data[1] <= 223:  # RTCP (RFC 5761 section 4)
            return data
        pt = data[1] & 0x7F
        rate = self.audio_rates.get(pt)
        if rate is None:
            return data
        ts = struct.unpack_from(">I", data, 4)[0]
        if self._last_ts is not None:
            step = (ts - self._last_ts) & 0xFFFFFFFF
            if 0 < step < rate:
                self._step = step
        self._last_ts = ts
        step = self._step or rate // 50
        job = self._job
        if job is None:
            if not self._queue:
                return data
            job = self._queue.popleft()
            te_pt = self.send_pts.get(rate)
            if te_pt is None:
                job["future"].set_exception(RuntimeError(
                    f"telephone-event/{rate} not negotiated (remote offers {self.send_pts})"))
                return data
            job.update(phase="tone", pt=te_pt, start=ts, first=True, ends=0,
                       target=max(step, job["duration_ms"] * rate // 1000),
                       event=DTMF_EVENTS.index(job["digit"]))
            self._job = job
        if job["phase"] == "gap":
            job["gap_left"] -= 1
            if job["gap_left"] <= 0:
                self._job = None
                if not job["future"].done():
                    job["future"].set_result(None)
            return data
        if job["phase"] == "tone":
            duration = min(((ts - job["start"]) & 0xFFFFFFFF) + step, 0xFFFF)
            if duration >= job["target"]:
                job["phase"], job["final"] = "end", duration
        end = job["phase"] == "end"
        if end:
            duration = job["final"]
            job["ends"] += 1
            if job["ends"] >= 3:
                job["phase"] = "gap"
                job["gap_left"] = max(1, math.ceil(job["gap_ms"] * rate / 1000 / step))
        hlen = self._header_length(data)
        if hlen is None:
            return data
        header = bytearray(data[:hlen])
        header[0] &= ~0x20 & 0xFF  # no padding in the rewritten packet
        header[1] = (0x80 if job["first"] else 0) | job["pt"]
        struct.pack_into(">I", header, 4, job["start"])
        job["first"] = False
        payload = struct.pack(">BBH", job["event"], (0x80 if end else 0) | 10, duration)
        self.sent_packets += 1
        return bytes(header) + payload

    def _incoming(self, data: bytes) -> bool:
        if len(data) < 12 or (data[1] & 0x7F) not in self.recv_pts:
            return False
        hlen = self._header_length(data)
        if hlen is None or len(data) < hlen + 4:
            return True  # ours, but too short: drop
        ts, ssrc = struct.unpack_from(">II", data, 4)
        event, flags, duration = struct.unpack_from(">BBH", data, hlen)
        end = bool(flags & 0x80)
        last = self._rx_last.get(ssrc)
        if last is not None and last["ts"] == ts:  # update or end of the event in progress
            last["duration"] = max(last["duration"], duration)
            if end and not last["reported"]:
                last["reported"] = True
                self._report(event, duration)
            return True
        if last is not None and not last["reported"]:
            # A new event while the previous one never ended: all its end packets were lost
            # (RFC 4733 section 2.5.2.2); report it now.
            self._report(last["event"], last["duration"])
        self._rx_last[ssrc] = {"ts": ts, "event": event, "duration": duration, "reported": end}
        if end:
            self._report(event, duration)
        return True

    def _report(self, event: int, duration: int) -> None:
        digit = DTMF_EVENTS[event] if event < len(DTMF_EVENTS) else f"<{event}>"
        self.received.append((digit, duration))
        self._on_digit(digit, duration)


# ICE host addresses per peer: aioice gathers on every interface except loopback.
_ice_addresses: "contextvars.ContextVar[Optional[list[str]]]" = contextvars.ContextVar(
    "jingle_peer_ice_addresses", default=None)
_aioice_get_host_addresses = aioice.ice.get_host_addresses


def _host_addresses(use_ipv4: bool, use_ipv6: bool) -> "list[str]":
    chosen = _ice_addresses.get()
    if chosen is None:
        return _aioice_get_host_addresses(use_ipv4=use_ipv4, use_ipv6=use_ipv6)
    return list(chosen)


aioice.ice.get_host_addresses = _host_addresses


# ====================================================================== peer
@dataclass
class PeerEvent:
    """Something that happened to a JinglePeer; `stanza` is the received XML, if any."""

    kind: str
    sid: Optional[str]
    sender: str
    detail: "dict[str, Any]"
    stanza: Optional[ET.Element]
    at: float = field(default_factory=time.monotonic)
    consumed: bool = False

    def __str__(self) -> str:
        return f"{self.kind}(sid={self.sid}, from={self.sender or '-'}, {self.detail})"


class CallFailed(AssertionError):
    """An outgoing call did not get to session-initiate (or it was refused)."""

    def __init__(self, message: str, reason: Optional[str] = None, text: Optional[str] = None):
        super().__init__(message)
        self.reason = reason
        self.text = text


class CallRejected(CallFailed):
    """The callee answered the JMI <propose/> with <reject/>."""


def _settle(fut: Optional[asyncio.Future], exc: BaseException) -> None:
    """Fail `fut` and mark the exception retrieved (whoever awaits it still gets it)."""
    if fut is not None and not fut.done():
        fut.set_exception(exc)
        fut.exception()


@dataclass
class Call:
    """One call of a JinglePeer (outgoing or incoming)."""

    sid: str
    role: str                      # "initiator" | "responder"
    peer_jid: str                  # the other party (full JID once known)
    use_jmi: bool
    freq: float
    codecs: Optional["list[str]"]
    state: str = "new"             # new, proposed, proceeded, pending, active, ended
    initiator: str = ""
    responder: str = ""
    pc: Optional[RTCPeerConnection] = None
    tone: Optional[ToneTrack] = None
    recorder: AudioRecorder = field(default_factory=AudioRecorder)
    dtmf: Optional[Rfc4733] = None
    local_desc: Optional[Description] = None
    remote_desc: Optional[Description] = None
    remote_set: bool = False
    pending_candidates: "list[tuple[str, Candidate]]" = field(default_factory=list)
    offer_had_group: bool = True
    connection_state: str = "new"
    terminate_reason: Optional[str] = None
    terminate_text: Optional[str] = None
    ended_by: Optional[str] = None  # "local" | "remote"
    proceed: Optional[asyncio.Future] = None
    accept_now: Optional[asyncio.Future] = None
    finish_sent: bool = False
    closing: Optional[asyncio.Future] = None

    @property
    def ended(self) -> bool:
        return self.state == "ended"


class JinglePeer(slixmpp.ClientXMPP):
    """A Jingle audio phone built from slixmpp and aiortc (one call at a time).

    Options:
      freq: default tone frequency sent in calls.
      codecs: default codec restriction, e.g. ["PCMU"] or ["opus"] (None = aiortc's: Opus, PCMU, PCMA).
      propose_policy: what to do with an incoming JMI <propose/>: "proceed" (send <ringing/>, then
        <proceed/> after `proceed_delay`), "reject" (with `reject_reason`), "ignore", or "ring"
        (send <ringing/> and wait for proceed()/reject()).
      incoming_policy: what to do with a session-initiate: "accept" (after `answer_delay`),
        "decline", "busy", or "manual" (wait for accept()).
      jmi_reply_to: "full" (ringing/proceed/reject to the proposing full JID) or "bare" (to its bare
        JID, as XEP-0353 section 3 words it). <finish/> always goes to the bare JID.
      dtmf: offer/accept RFC 4733 telephone-event.
      pause_on_hold: stop sending media while the other side holds us (XEP-0167 section 7.2).
      hangup_on_media_failure: send session-terminate <connectivity-error/> if ICE/DTLS fails.
      ice_addresses: host addresses to gather ICE candidates on (None = aioice's choice: every
        interface but loopback; e.g. ["127.0.0.1"] for loopback only).
      trickle: send session-initiate/session-accept without candidates and each candidate afterwards
        in its own transport-info, as Conversations and Dino trickle them (aiortc itself gathers all
        candidates before the description exists, so this only changes the signalling).
      candidate_map: called as candidate_map(candidate, "local" | "remote") for every candidate we
        signal and every one we receive, returning the candidate to use instead (a test's relay
        puts itself in the path this way); None leaves them alone.
    """

    def __init__(self, jid: str, password: str, *, freq: float = 440.0,
                 codecs: Optional[Sequence[str]] = None, propose_policy: str = "proceed",
                 incoming_policy: str = "accept", reject_reason: str = "busy",
                 proceed_delay: float = 0.0, answer_delay: float = 0.0, jmi_reply_to: str = "full",
                 dtmf: bool = True, pause_on_hold: bool = True, hangup_on_media_failure: bool = True,
                 ice_addresses: Optional[Sequence[str]] = None, trickle: bool = False,
                 candidate_map: Optional[Callable[[Candidate, str], Candidate]] = None):
        super().__init__(jid, password)
        for name, value, allowed in (("propose_policy", propose_policy, ("proceed", "reject", "ignore", "ring")),
                                     ("incoming_policy", incoming_policy, ("accept", "decline", "busy", "manual")),
                                     ("jmi_reply_to", jmi_reply_to, ("full", "bare"))):
            if value not in allowed:
                raise ValueError(f"{name}={value!r}, expected one of {allowed}")
        if reject_reason not in REASONS:
            raise ValueError(f"reject_reason={reject_reason!r} is not a XEP-0166 reason")
        self.freq = freq
        self.codecs = list(codecs) if codecs else None
        self.propose_policy = propose_policy
        self.incoming_policy = incoming_policy
        self.reject_reason = reject_reason
        self.proceed_delay = proceed_delay
        self.answer_delay = answer_delay
        self.jmi_reply_to = jmi_reply_to
        self.dtmf_enabled = dtmf
        self.pause_on_hold = pause_on_hold
        self.hangup_on_media_failure = hangup_on_media_failure
        self.ice_addresses = list(ice_addresses) if ice_addresses is not None else None
        self.trickle = trickle
        self.candidate_map = candidate_map
        self.events: "list[PeerEvent]" = []
        self.received: "list[ET.Element]" = []   # every Jingle IQ / JMI message received (copies)
        self.sent: "list[ET.Element]" = []       # every Jingle / JMI payload sent
        self.calls: "list[Call]" = []
        self.current: Optional[Call] = None
        self._proposals: "dict[str, Call]" = {}  # incoming JMI proposals by id
        self._changed: Optional[asyncio.Event] = None
        self._tasks: "set[asyncio.Future]" = set()
        self.roster.auto_authorize = None
        self.roster.auto_subscribe = False
        self.register_plugin("xep_0030")
        for f in FEATURES:
            self["xep_0030"].add_feature(f)
        self.register_handler(Callback(
            "jingle-peer iq", MatchXPath(f"{{{NS_CLIENT}}}iq/{{{NS_JINGLE}}}jingle"), self._on_jingle_iq))
        self.register_handler(Callback(
            "jingle-peer message", MatchXPath(f"{{{NS_CLIENT}}}message"), self._on_message))

    # ------------------------------------------------------------ life cycle
    async def start(self, host: str, port: int, timeout: float = 10.0) -> "JinglePeer":
        """Connect (plain c2s, no TLS), authenticate, send initial presence."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future = loop.create_future()

        def finish(result: str) -> None:
            if not done.done():
                done.set_result(result)

        self.add_event_handler("session_start", lambda _e: finish("ok"))
        self.add_event_handler("failed_all_auth", lambda _e: finish("authentication failed"))
        self.add_event_handler("connection_failed", lambda e: finish(f"connection failed: {e}"))
        self.add_event_handler("disconnected", lambda e: finish(f"disconnected: {e}"))
        self.connect((host, port), force_starttls=False, disable_starttls=True)
        try:
            result = await asyncio.wait_for(done, timeout)
        except asyncio.TimeoutError:
            result = f"no session within {timeout}s"
        if result != "ok":
            self.abort()
            raise AssertionError(f"{self.boundjid}: login failed: {result}")
        self.send_presence()
        return self

    async def close(self) -> None:
        """End any call (session-terminate), close aiortc, disconnect."""
        c = self.current
        if c is not None and not c.ended:
            try:
                await asyncio.wait_for(self.hang_up("success"), 3)
            except Exception as e:  # already gone, timeout: still close media below
                log.debug("%s: hang-up on close failed: %r", self.boundjid, e)
        for call in self.calls:
            await self._close_media(call)
        if self._tasks:  # let in-flight handlers finish, then cancel what waits for ever
            await asyncio.wait(list(self._tasks), timeout=1.0)
        for t in list(self._tasks):
            t.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await asyncio.wait_for(self.disconnect(wait=1.0), 3)
        except Exception:
            self.abort()
        # slixmpp 1.8 leaves its outgoing-filter loop pending after a disconnect; a peer dropped
        # in a loop that keeps running would then log "Task was destroyed but it is pending".
        filters = getattr(self, "_run_out_filters", None)
        if filters is not None and not filters.done():
            filters.cancel()
            await asyncio.gather(filters, return_exceptions=True)

    # ------------------------------------------------------------ events
    def _emit(self, kind: str, sid: Optional[str] = None, sender: str = "",
              stanza: Optional[ET.Element] = None, **detail: Any) -> PeerEvent:
        ev = PeerEvent(kind, sid, sender, detail, stanza)
        self.events.append(ev)
        log.info("%s: event %s", self.boundjid.bare, ev)
        if self._changed is not None:
            self._changed.set()
            self._changed = None
        return ev

    async def wait_event(self, kind: "Union[str, Sequence[str]]", timeout: float = 10.0, *,
                         sid: Optional[str] = None) -> PeerEvent:
        """The oldest not yet waited-for event of `kind` (or one of several kinds), waiting up to `timeout`.

        Kinds: propose, ringing, proceed, reject, retract, finish, initiate, accepted, connected,
        media-failed, audio, terminated, hold, unhold, active, mute, unmute, transport-info,
        dtmf, error, busy, unsupported.
        """
        kinds = (kind,) if isinstance(kind, str) else tuple(kind)
        deadline = time.monotonic() + timeout
        while True:
            for ev in self.events:
                if not ev.consumed and ev.kind in kinds and (sid is None or ev.sid == sid):
                    ev.consumed = True
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                seen = "\n".join(f"  {e}" for e in self.events) or "  (none)"
                raise AssertionError(f"{self.boundjid.bare}: no {'/'.join(kinds)} event within {timeout}s;"
                                     f" events:\n{seen}")
            if self._changed is None:
                self._changed = asyncio.Event()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                pass

    def events_of(self, kind: str) -> "list[PeerEvent]":
        return [e for e in self.events if e.kind == kind]

    def received_jingle(self, action: Optional[str] = None) -> "list[ET.Element]":
        """Received <jingle/> elements (from IQ sets), optionally of one action."""
        out = []
        for st in self.received:
            j = st.find(q(NS_JINGLE, "jingle"))
            if j is not None and (action is None or j.get("action") == action):
                out.append(j)
        return out

    @property
    def last_call(self) -> Optional[Call]:
        return self.calls[-1] if self.calls else None

    @property
    def terminate_reason(self) -> Optional[str]:
        """The XEP-0166 reason of the last call's session-terminate (sent or received)."""
        c = self.last_call
        return c.terminate_reason if c else None

    def received_audio(self, call: Optional[Call] = None) -> "tuple[np.ndarray, int]":
        """(int16 mono samples, sample rate) received in `call` (default: the last call)."""
        c = call or self.last_call
        if c is None:
            return np.zeros(0, dtype=np.int16), 0
        return c.recorder.samples()

    def received_dtmf(self, call: Optional[Call] = None) -> str:
        c = call or self.last_call
        return "".join(d for d, _ in c.dtmf.received) if c and c.dtmf else ""

    def _spawn(self, coro) -> asyncio.Future:
        async def guarded():
            try:
                await coro
            except asyncio.CancelledError:
                raise
            except CallFailed:
                pass  # already reported as an event
            except Exception as e:
                log.exception("%s: task failed", self.boundjid)
                self._emit("error", detail=repr(e))
        t = asyncio.ensure_future(guarded())
        self._tasks.add(t)
        t.add_done_callback(self._tasks.discard)
        return t

    # ------------------------------------------------------------ sending helpers
    def _jingle(self, c: Call, action: str) -> ET.Element:
        return ET.Element(q(NS_JINGLE, "jingle"), {"action": action, "sid": c.sid,
                                                    "initiator": c.initiator})

    async def _send_jingle(self, c: Call, jingle: ET.Element, timeout: float = 10.0):
        iq = self.make_iq_set(ito=c.peer_jid)
        iq.append(jingle)
        self.sent.append(copy.deepcopy(jingle))
        return await iq.send(timeout=timeout)

    def _send_jmi(self, to: str, tag: str, sid: str, reason: Optional[str] = None,
                  text: Optional[str] = None, description: bool = False) -> None:
        msg = self.make_message(mto=to, mtype="chat")
        el = ET.Element(q(NS_JMI, tag), {"id": sid})
        if description:
            ET.SubElement(el, q(NS_RTP, "description"), {"media": "audio"})
        if reason:
            el.append(_reason_element(reason, text))
        msg.append(el)
        msg.append(ET.Element(q(NS_HINTS, "store")))  # XEP-0353 section 3
        self.sent.append(copy.deepcopy(el))
        msg.send()

    def _jmi_reply_target(self, c: Call) -> str:
        return c.peer_jid if self.jmi_reply_to == "full" else bare(c.peer_jid)

    def _iq_error(self, iq, condition: str, etype: str = "cancel", jingle_error: Optional[str] = None,
                  text: Optional[str] = None) -> None:
        reply = iq.reply()
        reply["type"] = "error"
        reply["error"]["type"] = etype
        reply["error"]["condition"] = condition
        if text:
            reply["error"]["text"] = text
        if jingle_error:
            reply["error"].xml.append(ET.Element(q(NS_JINGLE_ERRORS, jingle_error)))
        reply.send()

    # ------------------------------------------------------------ outgoing calls
    async def call(self, jid: str, *, use_jmi: bool = True, freq: Optional[float] = None,
                   codecs: Optional[Sequence[str]] = None, timeout: float = 15.0, wait: bool = True) -> str:
        """Call `jid` and return the session id once session-initiate was acknowledged.

        With JMI: <propose/> to `jid`, wait for <proceed/> (noting <ringing/>), then session-initiate to the
        full JID that proceeded. Without: session-initiate straight to `jid`. Raises CallRejected on
        <reject/>, CallFailed on timeout or an IQ error (after a <proceed/> timeout the proposal stays
        open: retract() it). With wait=False it returns the sid at once and the outcome shows as events
        (proceed, reject, accepted, error...). The session is accepted later: wait_event("accepted").
        """
        if self.current is not None and not self.current.ended:
            raise RuntimeError(f"{self.boundjid}: already in call {self.current.sid}")
        c = Call(sid=str(uuid.uuid4()), role="initiator", peer_jid=jid, use_jmi=use_jmi,
                 freq=self.freq if freq is None else freq,
                 codecs=list(codecs) if codecs else self.codecs, initiator=self.boundjid.full)
        self.calls.append(c)
        self.current = c
        if use_jmi:
            c.proceed = asyncio.get_running_loop().create_future()
            c.state = "proposed"
            self._send_jmi(jid, "propose", c.sid, description=True)
        task = asyncio.ensure_future(self._outgoing(c, timeout))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if wait:
            await task
        else:
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
        return c.sid

    async def _outgoing(self, c: Call, timeout: float) -> None:
        if c.use_jmi:
            assert c.proceed is not None
            try:
                target = await asyncio.wait_for(asyncio.shield(c.proceed), timeout)
            except asyncio.TimeoutError:
                raise CallFailed(f"{self.boundjid.bare}: no <proceed/> within {timeout}s for {c.sid}") from None
            c.peer_jid = target
        c.state = "pending"
        pc = self._make_pc(c)
        offer = await pc.createOffer()
        await self._set_local(c, offer)
        local = parse_sdp(pc.localDescription.sdp)
        if self.dtmf_enabled:
            for content in local.contents:
                rates = sorted({p.clockrate for p in content.payload_types}, reverse=True)
                used = {p.id for p in content.payload_types}
                for rate in rates:
                    pt = TELEPHONE_EVENT_PT.get(rate)
                    if pt is not None and pt not in used:
                        content.payload_types.append(PayloadType(pt, "telephone-event", rate))
        c.local_desc = local
        self._configure_dtmf(c)
        jingle = self._jingle(c, "session-initiate")
        for el in description_to_jingle(self._signalled(local), author_is_initiator=True):
            jingle.append(el)
        try:
            await self._send_jingle(c, jingle, timeout=timeout)
        except (IqError, IqTimeout) as e:
            cond = e.iq["error"]["condition"] if isinstance(e, IqError) else "timeout"
            self._emit("error", c.sid, c.peer_jid, action="session-initiate", condition=cond)
            await self._end(c, "remote", "failed-application", f"session-initiate: {cond}", notify=False)
            raise CallFailed(f"{self.boundjid.bare}: session-initiate to {c.peer_jid} failed: {cond}") from None
        if self.trickle:
            await self._trickle_candidates(c, local)

    async def retract(self, reason: str = "cancel", text: Optional[str] = None) -> None:
        """Withdraw an outgoing <propose/> that has not been answered (XEP-0353 section 3.3)."""
        c = self.current
        if c is None or c.role != "initiator" or not c.use_jmi or c.state != "proposed":
            raise RuntimeError(f"{self.boundjid}: no unanswered outgoing proposal")
        self._send_jmi(c.peer_jid, "retract", c.sid, reason, text or "Retracted")
        _settle(c.proceed, CallFailed("retracted", reason, text))
        await self._end(c, "local", reason, text, notify=False)

    # ------------------------------------------------------------ incoming calls (manual control)
    async def proceed(self, sid: Optional[str] = None) -> None:
        """Proceed with a proposal held by propose_policy="ring" (or "ignore")."""
        c = self._proposal(sid)
        self._proceed_now(c)

    async def reject(self, reason: str = "decline", text: Optional[str] = None, sid: Optional[str] = None) -> None:
        c = self._proposal(sid)
        self._send_jmi(self._jmi_reply_target(c), "reject", c.sid, reason, text)
        c.state = "ended"
        c.terminate_reason, c.terminate_text, c.ended_by = reason, text, "local"

    async def accept(self) -> None:
        """Accept the pending session-initiate held by incoming_policy="manual"."""
        c = self.current
        if c is None or c.accept_now is None or c.accept_now.done():
            raise RuntimeError(f"{self.boundjid}: no session-initiate waiting")
        c.accept_now.set_result(True)

    def _proposal(self, sid: Optional[str]) -> Call:
        pending = [p for p in self._proposals.values() if p.state == "proposed"]
        c = self._proposals.get(sid) if sid else (pending[-1] if pending else None)
        if c is None or c.state != "proposed":
            raise RuntimeError(f"{self.boundjid}: no pending proposal {sid or ''}")
        return c

    def _proceed_now(self, c: Call) -> None:
        if self.current is not None and not self.current.ended and self.current is not c:
            raise RuntimeError(f"{self.boundjid}: busy with {self.current.sid}")
        self._send_jmi(self._jmi_reply_target(c), "proceed", c.sid)
        c.state = "proceeded"
        self.current = c

    # ------------------------------------------------------------ in-call actions
    async def hang_up(self, reason: str = "success", text: Optional[str] = None) -> None:
        """session-terminate with `reason` (then <finish/> for a JMI call); retract if not yet proceeded."""
        c = self.current
        if c is None or c.ended:
            raise RuntimeError(f"{self.boundjid}: no call to hang up")
        if c.state == "proposed" and c.role == "initiator":
            await self.retract("cancel" if reason == "success" else reason, text)
            return
        if c.state in ("pending", "active"):
            j = self._jingle(c, "session-terminate")
            j.append(_reason_element(reason, text))
            try:
                await self._send_jingle(c, j, timeout=5)
            except (IqError, IqTimeout) as e:
                log.info("%s: session-terminate not acknowledged: %r", self.boundjid, e)
        await self._end(c, "local", reason, text)

    async def _session_info(self, payload: ET.Element) -> None:
        c = self.current
        if c is None or c.state not in ("pending", "active"):
            raise RuntimeError(f"{self.boundjid}: no session")
        j = self._jingle(c, "session-info")
        j.append(payload)
        await self._send_jingle(c, j)

    async def hold(self) -> None:
        """XEP-0167 section 7.2 <hold/>; we keep sending and recording (the holder MAY)."""
        await self._session_info(ET.Element(q(NS_RTP_INFO, "hold")))

    async def unhold(self) -> None:
        await self._session_info(ET.Element(q(NS_RTP_INFO, "unhold")))

    async def active(self) -> None:
        await self._session_info(ET.Element(q(NS_RTP_INFO, "active")))

    async def mute(self, muted: bool = True) -> None:
        """XEP-0167 section 7.3 <mute/> / <unmute/> for our audio content (the tone keeps playing)."""
        c = self.current
        audio = c.local_desc.audio() if c and c.local_desc else None
        attrs = {"creator": audio.creator, "name": audio.name} if audio else {}
        el = ET.Element(q(NS_RTP_INFO, "mute" if muted else "unmute"), attrs)
        await self._session_info(el)

    async def ringing(self) -> None:
        await self._session_info(ET.Element(q(NS_RTP_INFO, "ringing")))

    def set_frequency(self, freq: float) -> None:
        c = self.current
        if c is not None and c.tone is not None:
            c.tone.set_frequency(freq)

    async def send_dtmf(self, digits: str, duration_ms: int = 100, gap_ms: int = 60,
                        timeout: float = 10.0) -> None:
        """Send RFC 4733 events in the current call; returns when the last end packet went out."""
        c = self.current
        if c is None or c.dtmf is None or c.connection_state != "connected":
            raise RuntimeError(f"{self.boundjid}: no connected call for DTMF")
        futures = c.dtmf.enqueue(digits, duration_ms, gap_ms)
        try:
            await asyncio.wait_for(asyncio.gather(*futures), timeout)
        except asyncio.TimeoutError:
            raise RuntimeError(f"{self.boundjid}: DTMF {digits!r} not sent within {timeout}s "
                               f"(is audio flowing?)") from None

    def _signalled(self, desc: Description) -> Description:
        """What session-initiate/accept carries: no candidates when they are trickled afterwards."""
        if not self.trickle and self.candidate_map is None:
            return desc
        out = copy.deepcopy(desc)
        for content in out.contents:
            content.candidates = [] if self.trickle else [self.candidate_map(c, "local") for c in content.candidates]
        return out

    async def _trickle_candidates(self, c: Call, desc: Description) -> None:
        """One XEP-0176 transport-info per candidate, once the description was acknowledged."""
        for content in desc.contents:
            for cand in content.candidates:
                if c.ended:
                    return
                j = self._jingle(c, "transport-info")
                cel = ET.SubElement(j, q(NS_JINGLE, "content"), {"creator": content.creator, "name": content.name})
                t = ET.SubElement(cel, q(NS_ICE_UDP, "transport"),
                                  {"ufrag": content.ufrag or "", "pwd": content.pwd or ""})
                t.append((self.candidate_map(cand, "local") if self.candidate_map else cand).to_xml())
                try:
                    await self._send_jingle(c, j, timeout=5)
                except (IqError, IqTimeout) as e:
                    log.info("%s: transport-info not acknowledged: %r", self.boundjid, e)

    # ------------------------------------------------------------ aiortc
    def _make_pc(self, c: Call) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        c.pc = pc
        c.tone = ToneTrack(c.freq)
        sender = pc.addTrack(c.tone)
        transceiver = next(t for t in pc.getTransceivers() if t.sender is sender)
        if c.codecs:
            caps = RTCRtpSender.getCapabilities("audio").codecs
            chosen = []
            for name in c.codecs:
                match = [cap for cap in caps if cap.mimeType.lower() == f"audio/{name.lower()}"]
                if not match:
                    raise ValueError(f"aiortc has no codec {name!r} (has {[x.mimeType for x in caps]})")
                chosen += match
            transceiver.setCodecPreferences(chosen)

        def first_audio(rate: int) -> None:
            self._emit("audio", c.sid, rate=rate)
        c.recorder = AudioRecorder(on_first_frame=first_audio)
        c.dtmf = Rfc4733(lambda d, dur: self._emit("dtmf", c.sid, digit=d, duration=dur))
        c.dtmf.install(sender.transport)

        @pc.on("track")
        def on_track(track):
            if track.kind == "audio":
                c.recorder.start(track)

        @pc.on("connectionstatechange")
        async def on_state():
            state = pc.connectionState
            c.connection_state = state
            if state == "connected":
                self._emit("connected", c.sid)
            elif state == "failed" and not c.ended:
                self._emit("media-failed", c.sid)
                if self.hangup_on_media_failure and self.current is c:
                    self._spawn(self.hang_up("connectivity-error", "ICE/DTLS failed"))
        return pc

    async def _set_local(self, c: Call, description: RTCSessionDescription) -> None:
        token = _ice_addresses.set(self.ice_addresses)
        try:
            await c.pc.setLocalDescription(description)  # gathers every candidate (no trickle)
        finally:
            _ice_addresses.reset(token)

    def _configure_dtmf(self, c: Call) -> None:
        """Telephone-event PTs: we receive those we declared, send with those the remote declared."""
        if c.dtmf is None:
            return
        local = c.local_desc.audio() if c.local_desc else None
        remote = c.remote_desc.audio() if c.remote_desc else None
        if local is not None:
            c.dtmf.recv_pts = {p.id for p in local.payload_types if p.is_telephone_event}
            c.dtmf.audio_rates = {p.id: p.clockrate for p in local.payload_types if not p.is_telephone_event}
        if remote is not None:
            c.dtmf.send_pts = {p.clockrate: p.id for p in remote.payload_types if p.is_telephone_event}
            if self.dtmf_enabled and local is not None:
                local_te = {p.clockrate for p in local.payload_types if p.is_telephone_event}
                c.dtmf.send_pts = {r: pt for r, pt in c.dtmf.send_pts.items() if r in local_te}
            else:
                c.dtmf.send_pts = {}
            c.dtmf.audio_rates.update({p.id: p.clockrate for p in remote.payload_types
                                       if not p.is_telephone_event})

    @staticmethod
    def _for_aiortc(desc: Description) -> Description:
        """The audio content only, without telephone-event (handled by Rfc4733, not aiortc)."""
        if desc.audio() is None:
            raise JingleError("unsupported-applications", "no audio content")
        audio = copy.deepcopy(desc.audio())
        audio.payload_types = [p for p in audio.payload_types if not p.is_telephone_event]
        groups = [(s, [n for n in names if n == audio.name]) for s, names in desc.groups]
        return Description([audio], [(s, n) for s, n in groups if n])

    async def _add_candidates(self, c: Call, items: "list[tuple[str, Candidate]]") -> None:
        for mid, cand in items:
            if cand.protocol != "udp":
                continue  # XEP-0176 is UDP; aioice would ignore it anyway
            if self.candidate_map is not None:
                cand = self.candidate_map(cand, "remote")
            await c.pc.addIceCandidate(RTCIceCandidate(
                component=cand.component, foundation=cand.foundation, ip=cand.ip, port=cand.port,
                priority=cand.priority, protocol=cand.protocol, type=cand.type,
                relatedAddress=cand.rel_addr, relatedPort=cand.rel_port, sdpMid=mid))

    async def _apply_remote(self, c: Call, desc: Description, sdp_type: str) -> None:
        """setRemoteDescription, then the transport-info candidates that arrived before it."""
        c.remote_desc = desc
        to_aiortc = self._for_aiortc(desc)
        if self.candidate_map is not None:
            for content in to_aiortc.contents:
                content.candidates = [self.candidate_map(cand, "remote") for cand in content.candidates]
        validate_for_aiortc(to_aiortc.contents[0], is_offer=sdp_type == "offer")
        try:
            await c.pc.setRemoteDescription(RTCSessionDescription(
                sdp=description_to_sdp(to_aiortc, secrets.randbits(31)), type=sdp_type))
        except Exception as e:  # aiortc raises bare ValueError/OperationError
            raise JingleError("incompatible-parameters", f"aiortc refused the {sdp_type}: {e}") from e
        c.remote_set = True
        while c.pending_candidates:  # aiortc 1.4 accepts candidates only after the description
            batch, c.pending_candidates = c.pending_candidates, []
            await self._add_candidates(c, batch)

    async def _close_media(self, c: Call) -> None:
        """Close aiortc for `c` once; concurrent callers wait for the same closing (never cut short)."""
        if c.closing is None:
            c.closing = asyncio.ensure_future(self._do_close_media(c))
        await asyncio.shield(c.closing)

    async def _do_close_media(self, c: Call) -> None:
        if c.dtmf is not None:
            c.dtmf.cancel()
        if c.tone is not None:
            c.tone.resume()
            c.tone.stop()
        if c.pc is not None:
            try:
                await c.pc.close()
            except Exception as e:
                log.debug("%s: pc.close: %r", self.boundjid, e)
        await c.recorder.stop()

    async def _end(self, c: Call, by: str, reason: Optional[str], text: Optional[str],
                   notify: bool = True, stanza: Optional[ET.Element] = None) -> None:
        if c.ended:
            return
        was_session = c.state in ("pending", "active")
        c.state = "ended"
        c.terminate_reason, c.terminate_text, c.ended_by = reason, text, by
        if self.current is c:
            self.current = None
        await self._close_media(c)
        if notify:
            self._emit("terminated", c.sid, c.peer_jid if by == "remote" else "", stanza,
                       reason=reason, text=text, by=by)
        # XEP-0353 section 3.6: both parties send <finish/> to the other's bare JID.
        if c.use_jmi and was_session and not c.finish_sent:
            c.finish_sent = True
            self._send_jmi(bare(c.peer_jid), "finish", c.sid, reason or "success", text)

    # ------------------------------------------------------------ incoming stanzas
    def _on_message(self, msg) -> None:
        xml = msg.xml
        el = next((ch for ch in xml if ch.tag.startswith("{" + NS_JMI + "}")), None)
        if el is None:
            return
        xml = copy.deepcopy(xml)
        self.received.append(xml)
        el = next(ch for ch in xml if ch.tag.startswith("{" + NS_JMI + "}"))
        tag = el.tag.split("}", 1)[1]
        sender = msg["from"].full
        sid = el.get("id")
        if msg["type"] == "error":
            self._emit("error", sid, sender, xml, jmi=tag, condition=msg["error"]["condition"])
            return
        if not sid:
            log.info("%s: JMI <%s/> without id from %s dropped", self.boundjid, tag, sender)
            return
        if bare(sender) == self.boundjid.bare:
            return  # our own other resource (carbons); not part of this call
        reason, text = parse_reason(el)
        if tag == "propose":
            self._on_propose(xml, el, sender, sid)
        elif tag == "retract":
            self._emit("retract", sid, sender, xml, reason=reason, text=text)
            c = self._proposals.get(sid)
            if c is not None and c.state in ("proposed", "proceeded"):
                self._spawn(self._end(c, "remote", reason, text, notify=False))
        elif tag in ("ringing", "proceed", "reject"):
            self._emit(tag, sid, sender, xml, via="jmi", reason=reason, text=text)
            c = self.current
            if c is None or c.sid != sid or c.role != "initiator" or c.proceed is None or c.proceed.done():
                return
            if tag == "proceed":
                c.proceed.set_result(sender)
            elif tag == "reject":
                _settle(c.proceed, CallRejected(f"{sender} rejected {sid}: {reason}", reason, text))
                self._spawn(self._end(c, "remote", reason, text, notify=False))
        elif tag == "finish":
            self._emit("finish", sid, sender, xml, reason=reason, text=text)
        else:
            self._emit("unsupported", sid, sender, xml, jmi=tag)

    def _on_propose(self, xml: ET.Element, el: ET.Element, sender: str, sid: str) -> None:
        media = [d.get("media", "") for d in el.findall(q(NS_RTP, "description"))]
        self._emit("propose", sid, sender, xml, media=media)
        if sid in self._proposals:
            return  # duplicate (e.g. MAM/carbons replay)
        c = Call(sid=sid, role="responder", peer_jid=sender, use_jmi=True, freq=self.freq,
                 codecs=self.codecs, state="proposed")
        self._proposals[sid] = c
        self.calls.append(c)
        if self.propose_policy == "ignore":
            return
        busy = self.current is not None and not self.current.ended
        if busy or self.propose_policy == "reject" or "audio" not in media:
            reason = "busy" if busy else (self.reject_reason if "audio" in media else "unsupported-applications")
            self._send_jmi(self._jmi_reply_target(c), "reject", sid, reason)
            c.state = "ended"
            c.terminate_reason, c.ended_by = reason, "local"
            return
        self._send_jmi(self._jmi_reply_target(c), "ringing", sid)
        if self.propose_policy == "proceed":
            async def later():
                await asyncio.sleep(self.proceed_delay)
                if c.state == "proposed":
                    self._proceed_now(c)
            self._spawn(later())

    def _on_jingle_iq(self, iq) -> None:
        if iq["type"] != "set":
            return
        xml = copy.deepcopy(iq.xml)
        self.received.append(xml)
        jingle = xml.find(q(NS_JINGLE, "jingle"))
        action, sid, sender = jingle.get("action"), jingle.get("sid"), iq["from"].full
        if not action or not sid:
            self._iq_error(iq, "bad-request", "modify", text="jingle without action or sid")
            return
        if action == "session-initiate":
            self._on_session_initiate(iq, xml, jingle, sender, sid)
            return
        c = next((x for x in reversed(self.calls)
                  if x.sid == sid and not x.ended and x.state in ("pending", "active")
                  and bare(x.peer_jid) == bare(sender)), None)
        if c is None:  # XEP-0166 section 7.3
            self._iq_error(iq, "item-not-found", jingle_error="unknown-session")
            self._emit("error", sid, sender, xml, action=action, condition="unknown-session")
            return
        handler = {
            "session-accept": self._on_session_accept,
            "session-terminate": self._on_session_terminate,
            "session-info": self._on_session_info,
            "transport-info": self._on_transport_info,
        }.get(action)
        if handler is None:
            self._iq_error(iq, "feature-not-implemented")
            self._emit("unsupported", sid, sender, xml, action=action)
            return
        handler(iq, xml, jingle, c, sender)

    def _on_session_initiate(self, iq, xml: ET.Element, jingle: ET.Element, sender: str, sid: str) -> None:
        proposal = self._proposals.get(sid)
        if proposal is not None and (proposal.state != "proceeded" or bare(proposal.peer_jid) != bare(sender)):
            proposal = None
        try:
            desc = jingle_to_description(jingle, author_is_initiator=True)
        except JingleError as e:
            self._iq_error(iq, "bad-request", "modify", text=e.text)
            self._emit("error", sid, sender, xml, action="session-initiate", condition=e.condition, text=e.text)
            return
        iq.reply().send()
        busy = self.current is not None and not self.current.ended and self.current is not proposal
        c = proposal or Call(sid=sid, role="responder", peer_jid=sender, use_jmi=False, freq=self.freq,
                             codecs=self.codecs)
        if proposal is None:
            self.calls.append(c)
        c.peer_jid = sender
        c.initiator = jingle.get("initiator") or sender
        c.responder = self.boundjid.full
        c.state = "pending"
        c.offer_had_group = bool(desc.groups)
        self._emit("initiate", sid, sender, xml, jmi=c.use_jmi)
        if busy:
            self._spawn(self._terminate(c, "busy", None))
            return
        self.current = c
        self._spawn(self._answer(c, desc))

    async def _terminate(self, c: Call, reason: str, text: Optional[str]) -> None:
        j = self._jingle(c, "session-terminate")
        j.append(_reason_element(reason, text))
        try:
            await self._send_jingle(c, j, timeout=5)
        except (IqError, IqTimeout):
            pass
        await self._end(c, "local", reason, text)

    async def _answer(self, c: Call, offer: Description) -> None:
        if not c.use_jmi:  # XEP-0167 section 7.5: the device rings until accepted
            try:
                await self.ringing()
            except (IqError, IqTimeout) as e:
                log.info("%s: ringing not acknowledged: %r", self.boundjid, e)
        if self.incoming_policy in ("decline", "busy"):
            await self._terminate(c, self.incoming_policy, None)
            return
        if self.incoming_policy == "manual":
            c.accept_now = asyncio.get_running_loop().create_future()
            await c.accept_now
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        if c.ended:
            return
        if offer.audio() is None:
            await self._terminate(c, "unsupported-applications", "audio only")
            return
        self._make_pc(c)
        try:
            await self._apply_remote(c, offer, "offer")
        except JingleError as e:
            self._emit("error", c.sid, c.peer_jid, action="session-initiate", condition=e.condition, text=e.text)
            await self._terminate(c, e.condition, e.text)
            return
        answer = await c.pc.createAnswer()
        await self._set_local(c, answer)
        local = parse_sdp(c.pc.localDescription.sdp)
        audio, remote_audio = local.audio(), offer.audio()
        if audio is not None and remote_audio is not None:
            audio.name, audio.creator = remote_audio.name, remote_audio.creator
            if self.dtmf_enabled:  # answer telephone-event at the rates of the codecs we kept
                rates = {p.clockrate for p in audio.payload_types}
                audio.payload_types += [copy.deepcopy(p) for p in remote_audio.payload_types
                                        if p.is_telephone_event and p.clockrate in rates]
        if not c.offer_had_group:
            local.groups = []  # RFC 9143: no BUNDLE in an answer to an offer without one
        c.local_desc = local
        self._configure_dtmf(c)
        j = self._jingle(c, "session-accept")
        j.set("responder", self.boundjid.full)
        for el in description_to_jingle(self._signalled(local), author_is_initiator=False):
            j.append(el)
        try:
            await self._send_jingle(c, j)
        except (IqError, IqTimeout) as e:
            cond = e.iq["error"]["condition"] if isinstance(e, IqError) else "timeout"
            self._emit("error", c.sid, c.peer_jid, action="session-accept", condition=cond)
            await self._end(c, "remote", "failed-application", f"session-accept: {cond}")
            return
        if c.state == "pending":
            c.state = "active"
            self._emit("accepted", c.sid, by="local")
        if self.trickle:
            await self._trickle_candidates(c, local)

    def _on_session_accept(self, iq, xml, jingle, c: Call, sender: str) -> None:
        if c.role != "initiator" or c.state != "pending":
            self._iq_error(iq, "unexpected-request", "wait", jingle_error="out-of-order")
            return
        try:
            desc = jingle_to_description(jingle, author_is_initiator=False)
        except JingleError as e:
            self._iq_error(iq, "bad-request", "modify", text=e.text)
            self._emit("error", c.sid, sender, xml, action="session-accept", condition=e.condition, text=e.text)
            self._spawn(self._terminate(c, e.condition, e.text))
            return
        iq.reply().send()
        c.peer_jid = sender
        c.responder = jingle.get("responder") or sender
        c.state = "active"

        async def apply():
            try:
                await self._apply_remote(c, desc, "answer")
            except JingleError as e:
                self._emit("error", c.sid, sender, xml, action="session-accept", condition=e.condition, text=e.text)
                await self._terminate(c, e.condition, e.text)
                return
            self._configure_dtmf(c)
            self._emit("accepted", c.sid, sender, xml, by="remote")
        self._spawn(apply())

    def _on_session_terminate(self, iq, xml, jingle, c: Call, sender: str) -> None:
        iq.reply().send()
        reason, text = parse_reason(jingle)
        self._spawn(self._end(c, "remote", reason, text, stanza=xml))

    def _on_session_info(self, iq, xml, jingle, c: Call, sender: str) -> None:
        payloads = [ch for ch in jingle if ch.tag != q(NS_JINGLE, "reason")]
        if not payloads:  # an empty session-info is a ping (XEP-0166 section 6.8)
            iq.reply().send()
            return
        known = {"ringing", "hold", "unhold", "active", "mute", "unmute"}
        name = payloads[0].tag.split("}", 1)[1] if payloads[0].tag.startswith("{" + NS_RTP_INFO + "}") else None
        if name not in known:
            self._iq_error(iq, "feature-not-implemented", jingle_error="unsupported-info")
            self._emit("unsupported", c.sid, sender, xml, action="session-info", payload=payloads[0].tag)
            return
        iq.reply().send()
        detail = {"via": "jingle"} if name == "ringing" else dict(payloads[0].attrib)
        self._emit(name, c.sid, sender, xml, **detail)
        if c.tone is not None and self.pause_on_hold:
            if name == "hold":
                c.tone.pause()   # XEP-0167 section 7.2: the holdee SHOULD stop sending media
            elif name in ("unhold", "active"):
                c.tone.resume()

    def _on_transport_info(self, iq, xml, jingle, c: Call, sender: str) -> None:
        try:
            items = jingle_candidates(jingle)
        except JingleError as e:
            self._iq_error(iq, "bad-request", "modify", text=e.text)
            return
        iq.reply().send()
        self._emit("transport-info", c.sid, sender, xml, candidates=len(items), queued=not c.remote_set)
        pairs = [(mid, cand) for mid, cand, _ in items]
        if not c.remote_set:
            c.pending_candidates += pairs
        else:
            self._spawn(self._add_candidates(c, pairs))


async def open_peer(server, user: str, resource: str = "phone", **options: Any) -> JinglePeer:
    """Log `user` of a servers.XMPPServer in as a JinglePeer (see JinglePeer for options)."""
    peer = JinglePeer(f"{server.jid(user)}/{resource}", server.password(user), **options)
    return await peer.start(server.host, server.c2s_port)
