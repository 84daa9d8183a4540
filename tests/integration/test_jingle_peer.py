"""Self-test of jingle_peer.JinglePeer: two peers call each other through a real Prosody.

No bridge here: this proves the test endpoint itself (JMI, Jingle <-> SDP,
ICE + DTLS-SRTP via aiortc, tone source, recorder, DTMF) before it is pointed
at sip.localhost. The translation tests at the top need no server.
"""

from __future__ import annotations

import asyncio
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from slixmpp.exceptions import IqError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audio_analysis import analyse_tone  # noqa: E402
from jingle_peer import (NS_DTLS, NS_GROUPING, NS_ICE_UDP, NS_JINGLE, NS_JMI, NS_RTP,  # noqa: E402
                         CallFailed, CallRejected, Candidate, JingleError, JinglePeer, description_to_jingle,
                         description_to_sdp, jingle_to_description, open_peer, parse_sdp, q,
                         validate_for_aiortc)
from servers import ProsodyServer  # noqa: E402

AUDIO_SECONDS = 4.5


@pytest.fixture(scope="module")
def xmpp_server(request, tmp_path_factory) -> ProsodyServer:
    """A Prosody of this module's own (no bridge: the peers only talk to each other).

    It overrides conftest's parametrized `xmpp_server` for this module only; keeping the name lets
    conftest's report hook attach the Prosody log tail to failures.
    """
    srv = ProsodyServer(tmp_path_factory.mktemp("prosody-peer"))
    request.addfinalizer(srv.stop)
    srv.start()
    return srv


def run(body, timeout: float = 20.0):
    """Run `await body()` in a fresh event loop; a TimeoutError from inside the body stays itself."""
    async def main():
        task = asyncio.ensure_future(body())
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            raise AssertionError(f"test body did not finish within {timeout}s")
        return task.result()
    return asyncio.run(main())


async def pair(server, alice_opts=None, admin_opts=None):
    alice, admin = await asyncio.gather(open_peer(server, "alice", "phone", **(alice_opts or {})),
                                        open_peer(server, "admin", "phone", **(admin_opts or {})))
    return alice, admin


async def close_all(*peers):
    await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)


def check_tone(peer: JinglePeer, freq: float, rate: int = 48000):
    samples, got_rate = peer.received_audio()
    assert got_rate == rate, f"{peer.boundjid.bare}: recorded at {got_rate} Hz, expected {rate}"
    report = analyse_tone(samples, got_rate, freq)
    report.check(freq, min_seconds=AUDIO_SECONDS - 1.0)
    return report


# ----------------------------------------------------------------- translation, no server
AIORTC_LIKE_OFFER = (
    "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\na=msid-semantic:WMS *\r\n"
    "m=audio 50000 UDP/TLS/RTP/SAVPF 96 0 8\r\nc=IN IP4 192.0.2.2\r\na=sendrecv\r\n"
    "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=mid:0\r\n"
    "a=msid:s1 t1\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=rtcp-mux\r\na=ssrc:4242 cname:abc\r\n"
    "a=rtpmap:96 opus/48000/2\r\na=rtcp-fb:96 nack pli\r\na=fmtp:96 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtcp-fb:* transport-cc\r\n"
    "a=candidate:f1 1 udp 2130706431 192.0.2.2 50000 typ host\r\n"
    "a=candidate:f2 1 udp 1694498815 198.51.100.7 41000 typ srflx raddr 192.0.2.2 rport 50000\r\n"
    "a=end-of-candidates\r\na=ice-ufrag:uf1\r\na=ice-pwd:pw1pw1pw1pw1pw1pw1pw1pw1\r\n"
    "a=fingerprint:sha-256 AA:BB:CC\r\na=fingerprint:sha-512 DD:EE\r\na=setup:actpass\r\n")


def test_sdp_to_jingle_carries_every_part():
    desc = parse_sdp(AIORTC_LIKE_OFFER)
    jingle = ET.Element(q(NS_JINGLE, "jingle"))
    for el in description_to_jingle(desc, author_is_initiator=True):
        jingle.append(el)
    content = jingle.find(q(NS_JINGLE, "content"))
    assert content.get("name") == "0" and content.get("senders") == "both"
    d = content.find(q(NS_RTP, "description"))
    assert d.get("media") == "audio"
    pts = d.findall(q(NS_RTP, "payload-type"))
    assert [(p.get("id"), p.get("name"), p.get("clockrate"), p.get("channels")) for p in pts] == [
        ("96", "opus", "48000", "2"), ("0", "PCMU", "8000", None), ("8", "PCMA", "8000", None)]
    params = {x.get("name"): x.get("value") for x in pts[0].findall(q(NS_RTP, "parameter"))}
    assert params == {"minptime": "10", "useinbandfec": "1"}
    fb = pts[0].find("{urn:xmpp:jingle:apps:rtp:rtcp-fb:0}rtcp-fb")
    assert (fb.get("type"), fb.get("subtype")) == ("nack", "pli")
    assert d.find("{urn:xmpp:jingle:apps:rtp:rtcp-fb:0}rtcp-fb").get("type") == "transport-cc"
    exts = d.findall("{urn:xmpp:jingle:apps:rtp:rtp-hdrext:0}rtp-hdrext")
    assert [(e.get("id"), e.get("senders")) for e in exts] == [("1", None), ("2", "responder")]
    assert d.find(q(NS_RTP, "rtcp-mux")) is not None
    src = d.find("{urn:xmpp:jingle:apps:rtp:ssma:0}source")
    assert src.get("ssrc") == "4242"
    assert {p.get("name"): p.get("value") for p in src} == {"cname": "abc", "msid": "s1 t1"}
    t = content.find(q(NS_ICE_UDP, "transport"))
    assert (t.get("ufrag"), t.get("pwd")) == ("uf1", "pw1pw1pw1pw1pw1pw1pw1pw1")
    fps = t.findall(q(NS_DTLS, "fingerprint"))
    assert [(f.get("hash"), f.get("setup"), f.text) for f in fps] == [
        ("sha-256", "actpass", "AA:BB:CC"), ("sha-512", "actpass", "DD:EE")]
    cands = t.findall(q(NS_ICE_UDP, "candidate"))
    assert [(c.get("ip"), c.get("port"), c.get("type"), c.get("rel-addr")) for c in cands] == [
        ("192.0.2.2", "50000", "host", None), ("198.51.100.7", "41000", "srflx", "192.0.2.2")]
    assert all(c.get("id") and c.get("generation") == "0" for c in cands)
    group = jingle.find(q(NS_GROUPING, "group"))
    assert group.get("semantics") == "BUNDLE"
    assert [c.get("name") for c in group.findall(q(NS_GROUPING, "content"))] == ["0"]


def test_jingle_round_trip_is_stable():
    desc = parse_sdp(AIORTC_LIKE_OFFER)
    jingle = ET.Element(q(NS_JINGLE, "jingle"), {"action": "session-initiate"})
    for el in description_to_jingle(desc, author_is_initiator=True):
        jingle.append(el)
    back = jingle_to_description(jingle, author_is_initiator=True)
    sdp = description_to_sdp(back)
    again = parse_sdp(sdp)
    for attr in ("name", "direction", "payload_types", "header_extensions", "rtcp_mux", "ufrag", "pwd",
                 "fingerprints", "rtcp_fb_all"):
        assert getattr(again.contents[0], attr) == getattr(desc.contents[0], attr), attr
    assert [(c.ip, c.port, c.type, c.rel_addr, c.rel_port) for c in again.contents[0].candidates] == \
        [(c.ip, c.port, c.type, c.rel_addr, c.rel_port) for c in desc.contents[0].candidates]
    assert again.groups == [("BUNDLE", ["0"])]
    assert "a=end-of-candidates" not in sdp  # Jingle has none: more may trickle in


def test_responder_senders_map_to_sdp_direction():
    xml = f"""<jingle xmlns='{NS_JINGLE}' action='session-accept' sid='s'>
      <content creator='initiator' name='voice' senders='responder'>
        <description xmlns='{NS_RTP}' media='audio'><payload-type id='0' name='PCMU'/><rtcp-mux/></description>
        <transport xmlns='{NS_ICE_UDP}' ufrag='u' pwd='p'>
          <fingerprint xmlns='{NS_DTLS}' hash='sha-256' setup='active'>AA</fingerprint></transport>
      </content></jingle>"""
    desc = jingle_to_description(ET.fromstring(xml), author_is_initiator=False)
    c = desc.contents[0]
    assert c.direction == "sendonly"  # the responder (author) sends only
    assert (c.payload_types[0].name, c.payload_types[0].clockrate) == ("PCMU", 8000)  # static PT default
    validate_for_aiortc(c, is_offer=False)
    assert "a=setup:active" in description_to_sdp(desc)


@pytest.mark.parametrize("fragment, condition", [
    ("<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'><payload-type id='x' name='PCMU'/>"
     "</description><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/>", "failed-application"),
    ("<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'><payload-type id='99' name='opus'/>"
     "</description><transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/>", "failed-application"),
    ("<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/>", "unsupported-transports"),
    ("<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'/>", "unsupported-applications"),
    ("<description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/>"
     "<transport xmlns='urn:xmpp:jingle:transports:ice-udp:1'><candidate component='1' foundation='1' "
     "ip='192.0.2.1' port='99999' priority='1' protocol='udp' type='host'/></transport>", "failed-transport"),
])
def test_malformed_jingle_gives_a_reason(fragment, condition):
    xml = f"<jingle xmlns='{NS_JINGLE}' action='session-initiate' sid='s'><content creator='initiator' " \
          f"name='a'>{fragment}</content></jingle>"
    with pytest.raises(JingleError) as err:
        jingle_to_description(ET.fromstring(xml), author_is_initiator=True)
    assert err.value.condition == condition, err.value


@pytest.mark.parametrize("mutate, condition", [
    (lambda c: c.fingerprints.clear(), "security-error"),
    (lambda c: setattr(c, "fingerprints", [("sha-256", "AA", None)]), "security-error"),
    (lambda c: setattr(c, "fingerprints", [("sha-256", "AA", "active")]), "incompatible-parameters"),
    (lambda c: setattr(c, "rtcp_mux", False), "incompatible-parameters"),
    (lambda c: setattr(c, "pwd", None), "failed-transport"),
])
def test_offers_aiortc_cannot_take_are_refused_with_a_reason(mutate, condition):
    content = parse_sdp(AIORTC_LIKE_OFFER).contents[0]
    validate_for_aiortc(content, is_offer=True)
    mutate(content)
    with pytest.raises(JingleError) as err:
        validate_for_aiortc(content, is_offer=True)
    assert err.value.condition == condition


def test_candidate_sdp_and_xml_agree():
    c = Candidate.from_sdp("7 1 UDP 1694498815 198.51.100.7 41000 typ srflx raddr 10.0.0.1 rport 5000 generation 0")
    back = Candidate.from_xml(c.to_xml())
    assert (back.protocol, back.ip, back.port, back.rel_addr, back.rel_port, back.priority) == \
        ("udp", "198.51.100.7", 41000, "10.0.0.1", 5000, 1694498815)
    assert Candidate.from_sdp(back.to_sdp()).to_sdp() == back.to_sdp()


# ----------------------------------------------------------------- through Prosody
def test_jmi_call_tone_both_ways_caller_hangs_up(xmpp_server):
    async def body():
        alice, admin = await pair(xmpp_server, {"freq": 440.0}, {"freq": 880.0, "proceed_delay": 0.2})
        try:
            sid = await alice.call(xmpp_server.jid("admin"), use_jmi=True, freq=440.0)
            # Callee side: propose seen, ringing then proceed sent, session-initiate accepted.
            propose = await admin.wait_event("propose")
            assert propose.sid == sid and propose.detail["media"] == ["audio"]
            assert (await alice.wait_event("ringing")).detail["via"] == "jmi"
            proceed = await alice.wait_event("proceed")
            assert proceed.sender == admin.boundjid.full
            initiate = await admin.wait_event("initiate")
            assert initiate.sid == sid and initiate.sender == alice.boundjid.full
            await alice.wait_event("accepted")
            await asyncio.gather(alice.wait_event("connected"), admin.wait_event("connected"))
            await asyncio.gather(alice.wait_event("audio"), admin.wait_event("audio"))
            await asyncio.sleep(AUDIO_SECONDS)

            # What went over the wire: offer actpass, answer active, BUNDLE both ways, candidates.
            offer = admin.received_jingle("session-initiate")[0]
            answer = alice.received_jingle("session-accept")[0]
            for j, setup in ((offer, "actpass"), (answer, "active")):
                t = j.find(f"{q(NS_JINGLE, 'content')}/{q(NS_ICE_UDP, 'transport')}")
                assert t.find(q(NS_DTLS, "fingerprint")).get("setup") == setup
                assert t.findall(q(NS_ICE_UDP, "candidate")), "no candidates"
                assert j.find(q(NS_GROUPING, "group")) is not None
            assert answer.get("responder") == admin.boundjid.full
            first = answer.find(f"{q(NS_JINGLE, 'content')}/{q(NS_RTP, 'description')}/{q(NS_RTP, 'payload-type')}")
            assert first.get("name") == "opus", "Opus should be preferred"

            await alice.hang_up()
            ended = await admin.wait_event("terminated")
            assert (ended.detail["reason"], ended.detail["by"]) == ("success", "remote")
            assert admin.terminate_reason == "success"
            # XEP-0353: both sides send <finish/> when a JMI call ends.
            assert (await admin.wait_event("finish")).sid == sid
            assert (await alice.wait_event("finish")).sid == sid
            check_tone(admin, 440.0)
            check_tone(alice, 880.0)
        finally:
            await close_all(alice, admin)
    run(body)


def test_direct_call_pcmu_callee_hangs_up(xmpp_server):
    async def body():
        alice, admin = await pair(xmpp_server, {"freq": 880.0}, {"freq": 440.0})
        try:
            sid = await alice.call(admin.boundjid.full, use_jmi=False, codecs=["PCMU"])
            assert not alice.events_of("proceed")
            assert (await alice.wait_event("ringing")).detail["via"] == "jingle"  # session-info
            await alice.wait_event("accepted")
            await asyncio.gather(alice.wait_event("audio"), admin.wait_event("audio"))
            offered = admin.received_jingle("session-initiate")[0].findall(
                f".//{q(NS_RTP, 'payload-type')}")
            assert {p.get("name") for p in offered} == {"PCMU", "telephone-event"}
            await asyncio.sleep(AUDIO_SECONDS)
            await admin.hang_up("success", "bye")
            ended = await alice.wait_event("terminated")
            assert ended.sid == sid and ended.detail["reason"] == "success" and ended.detail["text"] == "bye"
            assert alice.terminate_reason == "success"
            assert not alice.events_of("finish") and not admin.events_of("finish")  # no JMI, no finish
            check_tone(admin, 880.0, rate=8000)
            check_tone(alice, 440.0, rate=8000)
        finally:
            await close_all(alice, admin)
    run(body)


def test_rejected_propose_is_seen_as_reject(xmpp_server):
    async def body():
        alice, admin = await pair(xmpp_server, {}, {"propose_policy": "reject", "reject_reason": "decline"})
        try:
            with pytest.raises(CallRejected) as err:
                await alice.call(xmpp_server.jid("admin"), use_jmi=True, timeout=5)
            assert err.value.reason == "decline"
            rej = alice.events_of("reject")[0]
            assert rej.sender == admin.boundjid.full and rej.detail["reason"] == "decline"
            assert not admin.received_jingle(), "no Jingle session after a reject"
            assert alice.current is None
        finally:
            await close_all(alice, admin)
    run(body)


def test_ignored_propose_times_out_then_retract_reaches_callee(xmpp_server):
    async def body():
        alice, admin = await pair(xmpp_server, {}, {"propose_policy": "ignore"})
        try:
            with pytest.raises(CallFailed) as err:
                await alice.call(xmpp_server.jid("admin"), use_jmi=True, timeout=1.5)
            assert not isinstance(err.value, CallRejected)
            assert not alice.events_of("ringing")
            await alice.retract()
            retract = await admin.wait_event("retract")
            assert retract.detail["reason"] == "cancel"
            sent = [el for el in alice.sent if el.tag == q(NS_JMI, "retract")]
            assert len(sent) == 1
        finally:
            await close_all(alice, admin)
    run(body)


def test_trickle_hold_unhold_and_dtmf_on_loopback_only(xmpp_server):
    async def body():
        opts = {"ice_addresses": ["127.0.0.1"], "trickle": True}
        # admin answers late, so alice's trickled candidates arrive before its remote description.
        alice, admin = await pair(xmpp_server, dict(opts, freq=440.0), dict(opts, freq=880.0, answer_delay=0.3))
        try:
            await alice.call(xmpp_server.jid("admin"), use_jmi=True)
            await asyncio.gather(alice.wait_event("connected"), admin.wait_event("connected"))
            # Candidates only in transport-info (queued by whoever has no remote description yet).
            # ICE may complete on peer-reflexive candidates before the last transport-info lands.
            await asyncio.gather(alice.wait_event("transport-info"), admin.wait_event("transport-info"))
            for peer, action in ((admin, "session-initiate"), (alice, "session-accept")):
                assert not peer.received_jingle(action)[0].findall(f".//{q(NS_ICE_UDP, 'candidate')}")
                trickled = [c for j in peer.received_jingle("transport-info")
                            for c in j.findall(f".//{q(NS_ICE_UDP, 'candidate')}")]
                assert trickled and {c.get("ip") for c in trickled} == {"127.0.0.1"}
            assert any(e.detail["queued"] for e in admin.events_of("transport-info"))
            await asyncio.gather(alice.wait_event("audio"), admin.wait_event("audio"))

            await alice.send_dtmf("19#*")
            digits = [(await admin.wait_event("dtmf", 3)).detail["digit"] for _ in range(4)]
            assert digits == ["1", "9", "#", "*"]
            assert admin.received_dtmf() == "19#*"

            await alice.hold()
            assert (await admin.wait_event("hold")).sender == alice.boundjid.full
            assert admin.current.tone.paused, "holdee should stop sending"
            frames = admin.current.tone.frames_sent
            await asyncio.sleep(0.5)
            assert admin.current.tone.frames_sent <= frames + 1
            await alice.unhold()
            await admin.wait_event("unhold")
            await asyncio.sleep(0.3)
            assert admin.current.tone.frames_sent > frames + 5, "media should resume after unhold"
            await admin.hang_up("success")
            assert (await alice.wait_event("terminated")).detail["reason"] == "success"
            samples, rate = alice.received_audio()
            assert rate == 48000 and len(samples) > rate  # audio before and after the hold
            assert np.max(np.abs(samples)) > 3000
        finally:
            await close_all(alice, admin)
    run(body)


def test_second_incoming_call_gets_busy(xmpp_server):
    async def body():
        alice, admin = await pair(xmpp_server, {}, {})
        mallory = await open_peer(xmpp_server, "mallory", "phone")
        try:
            await alice.call(xmpp_server.jid("admin"), use_jmi=True)
            await alice.wait_event("accepted")
            with pytest.raises(CallRejected) as err:
                await mallory.call(xmpp_server.jid("admin"), use_jmi=True, timeout=5)
            assert err.value.reason == "busy"
            assert admin.current is not None and admin.current.sid == alice.current.sid
        finally:
            await close_all(alice, admin, mallory)
    run(body)


def test_manual_ring_proceed_accept_and_mute(xmpp_server):
    async def body():
        alice, admin = await pair(xmpp_server, {}, {"propose_policy": "ring", "incoming_policy": "manual",
                                                 "jmi_reply_to": "bare"})
        try:
            sid = await alice.call(xmpp_server.jid("admin"), use_jmi=True, codecs=["opus"], wait=False)
            await admin.wait_event("propose")
            assert (await alice.wait_event("ringing")).sid == sid
            await asyncio.sleep(0.3)
            assert not alice.events_of("proceed"), "ring policy must wait for proceed()"
            await admin.proceed()
            await alice.wait_event("proceed")
            await admin.wait_event("initiate")
            await asyncio.sleep(0.3)
            assert not alice.events_of("accepted"), "manual policy must wait for accept()"
            await admin.accept()
            await alice.wait_event("accepted")
            offered = admin.received_jingle("session-initiate")[0].findall(f".//{q(NS_RTP, 'payload-type')}")
            assert [p.get("name") for p in offered] == ["opus", "telephone-event"]
            # jmi_reply_to="bare": ringing/proceed went to alice's bare JID.
            assert {el.tag for el in admin.sent if el.tag.startswith("{" + NS_JMI)} >= {
                q(NS_JMI, "ringing"), q(NS_JMI, "proceed")}
            ringing = next(st for st in alice.received if st.find(q(NS_JMI, "ringing")) is not None)
            assert ringing.get("to") == xmpp_server.jid("alice")
            await alice.mute()
            muted = await admin.wait_event("mute")
            assert muted.detail == {"creator": "initiator", "name": "0"}
            await alice.mute(False)
            await admin.wait_event("unmute")
            await admin.hang_up("decline")
            assert (await alice.wait_event("terminated")).detail["reason"] == "decline"
        finally:
            await close_all(alice, admin)
    run(body)


def test_direct_call_declined_and_unknown_session(xmpp_server):
    async def body():
        alice, admin = await pair(xmpp_server, {}, {"incoming_policy": "decline"})
        try:
            sid = await alice.call(admin.boundjid.full, use_jmi=False)
            ended = await alice.wait_event("terminated")
            assert (ended.sid, ended.detail["reason"], ended.detail["by"]) == (sid, "decline", "remote")
            # A Jingle action for a session that does not exist gets item-not-found + unknown-session.
            iq = alice.make_iq_set(ito=admin.boundjid.full)
            iq.append(ET.fromstring(f"<jingle xmlns='{NS_JINGLE}' action='session-info' sid='nope'/>"))
            with pytest.raises(IqError) as err:
                await iq.send(timeout=5)
            error = err.value.iq["error"]
            assert error["condition"] == "item-not-found"
            assert error.xml.find("{urn:xmpp:jingle:errors:1}unknown-session") is not None
        finally:
            await close_all(alice, admin)
    run(body)
