"""Builders for the SIPp scenarios that the integration tests write inline.

A scenario is the XML that `sipp -sf` plays. Each function here returns one piece of it as text (a
step of the scenario, ending in a newline), and `scenario()` puts the steps together:

    scenario("offerless-uac",
             uac_request("INVITE", 1, initial=True),
             recv(100, optional=True),
             recv(200, ereg("m=audio [0-9]+ RTP/AVP 0", "offer"), rrs=True),
             uac_request("ACK", 1, body=sdp(PCMU)),
             references=["offer"])

The messages keep SIPp's own keywords (`[last_Via:]`, `[branch]`, `[len]`...), which SIPp fills in
when it sends them. SIPp strips the indentation of every line of a message and the blank lines
around it (scenario.cpp, clean_cdata), so only the one blank line between the headers and the body
is significant, and `[len]` is the length of the body after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, NamedTuple
from xml.sax.saxutils import quoteattr

# The Request-URI and To of a caller's first request: the number given with `-s`, at the remote side.
SERVICE_URI = "sip:[service]@[remote_ip]:[remote_port]"
# sipp's Contact, for its requests as the caller and its answers that make a dialog.
CONTACT = "Contact: <sip:sipp@[local_ip]:[local_port]>"
# The first retransmission interval of a <send retrans=...>, in milliseconds: T1 (RFC 3261 section 17.1.1.1).
_RETRANS_MS = 500

# RTP payload formats for `sdp()`: (payload type, rtpmap encoding) or (..., fmtp parameters).
PCMU = (0, "PCMU/8000")
PCMA = (8, "PCMA/8000")
TELEPHONE_EVENT = (101, "telephone-event/8000", "0-16")


class Body(NamedTuple):
    """A message body: its Content-Type and its lines (without line ends)."""

    content_type: str
    lines: "tuple[str, ...]"


def sdp(*formats: tuple, session: int = 1, version: "int | None" = None, address: str = "[media_ip]",
        ip_type_keywords: bool = False) -> Body:
    """An SDP body with one audio stream on sipp's media port (RFC 4566).

    `formats` are `PCMU`, `PCMA`, `TELEPHONE_EVENT` or like tuples, in the m= line's order. `session`
    is the origin's session id and `version` its version (the session id unless given: a re-offer
    raises it, RFC 3264 section 8). `address` goes in the c= line. `ip_type_keywords` writes
    `IP[local_ip_type]` / `IP[media_ip_type]` (sipp fills in 4 or 6) instead of `IP4`.
    """
    if not formats:
        raise ValueError("an SDP audio stream needs at least one payload format")
    origin_ip, media_ip = ("IP[local_ip_type]", "IP[media_ip_type]") if ip_type_keywords else ("IP4", "IP4")
    lines = [
        "v=0",
        f"o=sipp {session} {session if version is None else version} IN {origin_ip} [local_ip]",
        "s=-",
        f"c=IN {media_ip} {address}",
        "t=0 0",
        "m=audio [media_port] RTP/AVP " + " ".join(str(f[0]) for f in formats),
    ]
    lines += [f"a=rtpmap:{f[0]} {f[1]}" for f in formats]
    lines += [f"a=fmtp:{f[0]} {f[2]}" for f in formats if len(f) > 2]
    return Body("application/sdp", tuple(lines))


def dtmf_relay(signal: str, duration_ms: int) -> Body:
    """An application/dtmf-relay body for a SIP INFO carrying one digit."""
    return Body("application/dtmf-relay", (f"Signal={signal}", f"Duration={duration_ms}"))


@dataclass(frozen=True)
class Caller:
    """How sipp as a caller (UAC) writes the From, To and Contact of its requests in one dialog."""

    user: str = "+15550001234"
    """The user part of From."""
    tag: str = "SIPpTag00"
    """The middle of the From tag, `[pid]<tag>[call_number]`."""
    dialog_to: str = "[last_To:]"
    """The To line of the requests after the first (it carries the callee's tag)."""
    contact_in_dialog: bool = True
    """Whether the requests after the first carry a Contact too."""


CALLER = Caller()


def uac_request(method: str, cseq: int, *, initial: bool = False, headers: Iterable[str] = (),
                body: "Body | None" = None, retrans: "bool | None" = None, caller: Caller = CALLER) -> str:
    """A `<send>` of a request by sipp as the caller.

    The `initial` request (the INVITE that makes the dialog) goes to `SERVICE_URI` with a To without
    tag; the others go to `[next_url]` (the Contact of the answer, through its Record-Route when the
    `recv` of the answer had `rrs=True`) with `caller.dialog_to`. `headers` come after Max-Forwards.
    Requests are retransmitted, except ACK (RFC 3261 section 13.2.2.4: it is re-sent only when the 2xx
    is), unless `retrans` says otherwise.
    """
    lines = [
        f"{method} {SERVICE_URI if initial else '[next_url]'} SIP/2.0",
        "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]",
        f"From: <sip:{caller.user}@[local_ip]:[local_port]>;tag=[pid]{caller.tag}[call_number]",
        f"To: <{SERVICE_URI}>" if initial else caller.dialog_to,
        "Call-ID: [call_id]",
        f"CSeq: {cseq} {method}",
    ]
    if initial or caller.contact_in_dialog:
        lines.append(CONTACT)
    lines.append("Max-Forwards: 70")
    return _send(lines, headers, body, retrans=method != "ACK" if retrans is None else retrans)


def uas_response(status: int, reason: str, *, to_tag: "bool | str" = False, headers: Iterable[str] = (),
                 body: "Body | None" = None, retrans: bool = False, next_label: "str | None" = None) -> str:
    """A `<send>` of a response to the last request sipp received, as the callee (UAS) or registrar.

    Via, From, To, Call-ID and CSeq are the request's (RFC 3261 section 8.2.6.2). `to_tag` adds a To
    tag, as the first response that makes a dialog must: True for `[pid]SIPpTag01[call_number]`, a
    string for `[pid]<string>[call_number]`. `headers` come after CSeq. `retrans` retransmits the
    response until it is acknowledged (a 2xx to INVITE); `next_label` jumps to a `label()` after it.
    """
    tag = "SIPpTag01" if to_tag is True else to_tag
    lines = [
        f"SIP/2.0 {status} {reason}",
        "[last_Via:]",
        "[last_From:]",
        f"[last_To:];tag=[pid]{tag}[call_number]" if tag else "[last_To:]",
        "[last_Call-ID:]",
        "[last_CSeq:]",
    ]
    return _send(lines, headers, body, retrans=retrans, next_label=next_label)


def recv(message: "int | str", *actions: str, optional: bool = False, rrs: bool = False,
         timeout: "int | None" = None, crlf: bool = False, auth: bool = False) -> str:
    """A `<recv>` of a response (`message` is its status code) or a request (its method).

    `actions` (`ereg()`, `verifyauth()`) run on the message received; `rrs` stores its Record-Route for
    the `[next_url]` of later requests; `timeout` is in milliseconds; `crlf` only adds an empty line
    to sipp's screen; `auth` keeps a 401/407's challenge for the `[authentication ...]` of the next
    request.
    """
    attributes = {"response" if isinstance(message, int) else "request": str(message)}
    if auth:
        attributes["auth"] = "true"
    if optional:
        attributes["optional"] = "true"
    if rrs:
        attributes["rrs"] = "true"
    if timeout is not None:
        attributes["timeout"] = str(timeout)
    if crlf:
        attributes["crlf"] = "true"
    if not actions:
        return f"  <recv{_attributes(attributes)}/>\n"
    return f"  <recv{_attributes(attributes)}>\n    <action>\n{''.join(actions)}    </action>\n  </recv>\n"


def ereg(regexp: str, assign_to: str, header: "str | None" = None) -> str:
    """An action that fails the call unless `regexp` matches the body, or the `header` (e.g. "From:").

    The match goes to the variable `assign_to`, which `scenario(references=...)` must name when
    nothing else uses it (sipp rejects a variable that is set and never used).
    """
    where = {"search_in": "body"} if header is None else {"search_in": "hdr", "header": header}
    attributes = {"regexp": regexp, **where, "check_it": "true", "assign_to": assign_to}
    return f"      <ereg{_attributes(attributes)}/>\n"


def verifyauth(assign_to: str, username: str, password: str) -> str:
    """An action that sets `assign_to` to whether the request's digest answers `username`/`password`."""
    attributes = {"assign_to": assign_to, "username": username, "password": password}
    return f"      <verifyauth{_attributes(attributes)}/>\n"


def pause(milliseconds: int) -> str:
    """A `<pause>` of the scenario for `milliseconds`."""
    return f'  <pause milliseconds="{milliseconds}"/>\n'


def jump_if(variable: str, label_id: str) -> str:
    """A hidden `<nop>` that jumps to `label(label_id)` when the boolean `variable` is set."""
    return f"  <nop{_attributes({'hide': 'true', 'test': variable, 'next': label_id})}/>\n"


def label(label_id: str) -> str:
    """A `<label>` that `jump_if()` and `uas_response(next_label=...)` jump to."""
    return f"  <label{_attributes({'id': label_id})}/>\n"


def scenario(name: str, *steps: str, references: Iterable[str] = ()) -> str:
    """The whole scenario: its steps in order, then a `<Reference>` of the variables that only the
    `ereg()`/`verifyauth()` checks use."""
    references = list(references)
    reference = f"  <Reference{_attributes({'variables': ','.join(references)})}/>\n" if references else ""
    return ('<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
            f"<scenario{_attributes({'name': name})}>\n{''.join(steps)}{reference}</scenario>\n")


def _send(lines: "list[str]", headers: Iterable[str], body: "Body | None", *, retrans: bool,
          next_label: "str | None" = None) -> str:
    """A `<send>` of a message: its start line and headers, Content-Type and Content-Length, the blank
    line and the body."""
    lines = [*lines, *headers]
    if body is None:
        lines += ["Content-Length: 0", ""]
    else:
        lines += [f"Content-Type: {body.content_type}", "Content-Length: [len]", "", *body.lines, ""]
    text = "".join(f"      {line}\n" if line else "\n" for line in lines)
    if "]]>" in text:
        raise ValueError(f"a sipp message cannot hold ']]>', which would end its CDATA section: {text!r}")
    attributes = {"retrans": str(_RETRANS_MS)} if retrans else {}
    if next_label is not None:
        attributes["next"] = next_label
    return f"  <send{_attributes(attributes)}>\n    <![CDATA[\n{text}    ]]>\n  </send>\n"


def _attributes(attributes: "dict[str, str]") -> str:
    """XML attributes, each value quoted and escaped."""
    return "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())
