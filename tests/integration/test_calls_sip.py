"""Calls from a Jingle client through the bridge to a real SIP phone (baresip), end to end.

The caller is jingle_peer.JinglePeer (slixmpp + aiortc) on a real XMPP server; the callee is
baresip, answering automatically and playing its own tone. Each side's recording must carry the
other's tone. Nothing is simulated by the bridge's own code.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audio_analysis import analyse_tone  # noqa: E402
from baresip_peer import BaresipPeer  # noqa: E402
from bridge import Bridge, bridge_binary  # noqa: E402
from conftest import _start_server  # noqa: E402
from clients import Session, parse_form, q  # noqa: E402
from jingle_peer import open_peer  # noqa: E402
from sipp_scenarios import (CONTACT, PCMA, PCMU, TELEPHONE_EVENT, dtmf_relay, ereg, pause, recv,  # noqa: E402
                            scenario, sdp, uac_request, uas_response)

NS_COMMANDS = "http://jabber.org/protocol/commands"
from servers import free_ports  # noqa: E402

AUDIO_SECONDS = 5.0
NUMBER = "100"
DID = "5551000"


def run(body, timeout: float = 40.0):
    async def main():
        return await asyncio.wait_for(body(), timeout)
    return asyncio.run(main())


@pytest.fixture
def phone(tmp_path):
    """baresip as extension 100, playing 880 Hz."""
    peer = BaresipPeer(tmp_path / "baresip", user=NUMBER, codecs=("PCMU", "PCMA"), tone_hz=880)
    peer.start()
    yield peer
    peer.stop()


@pytest.fixture
def own_server(request, server_kind, tmp_path):
    """An XMPP server for one test alone (for tests that restart it)."""
    return _start_server(request, server_kind, tmp_path / server_kind)


def make_sip_bridge(request, server, phone, root, trunk_extra="", extra="", trunk_children=""):
    bridge = Bridge(bridge_binary(), server, root)
    if isinstance(phone, _SippPhone):
        # A sipp scenario plays one dialog: the bridge's qualify OPTIONS would be an unexpected message.
        trunk_extra += ' qualify="0"'
    sip_port = next(p for p in free_ports(4) if p not in (phone.sip_port, phone.sip_port + 1, phone.ctrl_port))
    bridge.sip_xml = f"""<sip>
      <listen transport="udp" address="127.0.0.1" port="{sip_port}"/>
      <trunk name="phone" uri="sip:127.0.0.1:{phone.sip_port}" codecs="PCMU PCMA telephone-event" {trunk_extra}>
        {trunk_children}
      </trunk>
      <route match="[0-9]+" trunk="phone" emergency="allow"/>
      <inbound did="{DID}" jid="alice@localhost" trunk="phone"/>
      {extra}
    </sip>"""
    bridge.sip_port = sip_port
    request.addfinalizer(bridge.stop)
    bridge.start()
    return bridge


@pytest.fixture
def sip_bridge(request, xmpp_server, phone, tmp_path):
    """A bridge of its own whose only trunk is the baresip phone."""
    return make_sip_bridge(request, xmpp_server, phone, tmp_path / "bridge")


@pytest.fixture
def restartable(request, own_server, phone, tmp_path):
    """A bridge on a server of its own, for the restart test."""
    return own_server, make_sip_bridge(request, own_server, phone, tmp_path / "bridge")


def active_calls(xmpp_server):
    """The admin's "Active calls" rows."""
    async def body():
        async with Session(xmpp_server) as session:
            admin = await session.login("admin")
            response = await admin.execute_command("sip.localhost", "calls")
            form = response.child(NS_COMMANDS, "command").find(q("jabber:x:data", "x"))
            return parse_form(form).get("calls", [])
    return body()


async def record_call(xmpp_server, callee: str, *, codec: str = "opus", seconds: float = AUDIO_SECONDS,
                      use_jmi: bool = True, **options):
    """alice calls `callee` sending 440 Hz, lets the media run `seconds` once connected and hangs up;
    returns what she heard. `options` go to the JinglePeer (e.g. candidate_map)."""
    peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"], **options)
    try:
        await peer.call(callee, use_jmi=use_jmi, codecs=[codec])
        await peer.wait_event("accepted", timeout=10)
        await peer.wait_event("connected", timeout=10)
        await asyncio.sleep(seconds)
        samples, rate = peer.received_audio()
        await peer.hang_up()
        return samples, rate
    finally:
        await peer.close()


async def answer_sipp_caller(xmpp_server, sipp, seconds: float):
    """Starts `sipp` calling alice (who answers, sending 440 Hz), records `seconds` of what she hears once
    media flows, then waits for the caller's hang-up; returns (samples, rate, the terminate event)."""
    peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
    try:
        sipp.start()
        await peer.wait_event("accepted", timeout=10)
        await peer.wait_event("connected", timeout=10)
        await asyncio.sleep(seconds)
        samples, rate = peer.received_audio()
        ended = await peer.wait_event("terminated", timeout=15)
        return samples, rate, ended
    finally:
        await peer.close()


async def call_until_terminated(xmpp_server, timeout: float = 15.0):
    """alice calls NUMBER (PCMU, no JMI) and waits for the bridge to end the session; the terminate event."""
    peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
    try:
        await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["PCMU"])
        return await peer.wait_event("terminated", timeout=timeout)
    finally:
        await peer.close()


def echoing_sipp_caller_is_heard(sip_bridge, xmpp_server, tmp_path, name: str, xml: str, listen: float,
                                 voiced: float) -> None:
    """sipp plays `xml` calling the DID and echoes the RTP it gets: alice answers, must hear her own 440 Hz
    for at least `voiced` of the `listen` seconds, and the call must end with sipp's BYE (`success`)."""
    from test_baresip_peer import Sipp
    sipp = Sipp(tmp_path / "sipp", name, [f"127.0.0.1:{sip_bridge.sip_port}", "-s", DID, "-rtp_echo"], xml)
    samples, rate, ended = run(lambda: answer_sipp_caller(xmpp_server, sipp, listen))
    assert sipp.wait(10) == 0, sipp.log()
    assert ended.detail.get("reason") == "success", ended
    analyse_tone(samples, rate, 440.0, skip_seconds=0.5).check(440.0, min_seconds=voiced)


async def trunk_status(xmpp_server, expected: str, attempts: int = 50):
    """The "Trunks" lines of the admin's "Bridge status", polled until the first contains `expected`."""
    async with Session(xmpp_server) as session:
        admin = await session.login("admin", resource="status")
        for _ in range(attempts):
            response = await admin.execute_command("sip.localhost", "status")
            form = response.child(NS_COMMANDS, "command").find(q("jabber:x:data", "x"))
            trunks = parse_form(form).get("trunks", [])
            if trunks and expected in trunks[0]:
                return trunks
            await asyncio.sleep(0.1)
        return trunks


@pytest.mark.parametrize("codec", ["PCMU", "PCMA", "opus"])
def test_outbound_call_carries_tones_both_ways(sip_bridge, xmpp_server, phone, codec):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=True, codecs=[codec])
            await peer.wait_event("accepted", timeout=15)
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(AUDIO_SECONDS)
            status = phone.audio_status()
            rows = await active_calls(xmpp_server)
            samples, rate = peer.received_audio()
            await peer.hang_up()
            closed = await asyncio.get_running_loop().run_in_executor(
                None, lambda: phone.wait_event("closed", timeout=10))
            return status, closed, rows, samples, rate
        finally:
            await peer.close()
    status, closed, rows, samples, rate = run(body)
    heard_by_phone = analyse_tone(*phone.recording(), 440.0)
    print(f"phone heard: {heard_by_phone}; phone audio: {status}; closed: {closed}")
    heard_by_phone.check(440.0, min_seconds=AUDIO_SECONDS - 2)
    # The bridge's own statistics name each leg's codec; the phone (G.711 only, PCMU first) must be
    # sending what the bridge says the SIP leg runs on, and different codecs mean transcoding.
    assert len(rows) == 1, rows
    legs = next(word for word in rows[0].split() if word.startswith(f"{codec}/"))
    sip_codec = legs.split("/", 1)[1]
    assert sip_codec in ("PCMU", "PCMA"), rows
    assert status is not None and sip_codec in (status.encoder or ""), status
    assert ("transcoded" in rows[0]) == (codec != sip_codec), rows
    if codec == "opus":
        assert "transcoded" in rows[0], rows
    client_heard = analyse_tone(samples, rate, 880.0)
    print(f"client heard: {client_heard}")
    client_heard.check(880.0, min_seconds=AUDIO_SECONDS - 2)


def test_outbound_call_client_hears_the_phone(sip_bridge, xmpp_server, phone):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["PCMU"])
            await peer.wait_event("connected", timeout=15)
            await asyncio.sleep(AUDIO_SECONDS)
            samples, rate = peer.received_audio()
            # The phone hangs up: the client must see session-terminate.
            await asyncio.get_running_loop().run_in_executor(None, phone.hangup)
            ended = await peer.wait_event("terminated", timeout=10)
            return samples, rate, ended
        finally:
            await peer.close()
    samples, rate, ended = run(body)
    report = analyse_tone(samples, rate, 880.0)
    print(f"client heard: {report}; terminated: {ended}")
    report.check(880.0, min_seconds=AUDIO_SECONDS - 2)
    assert ended.detail.get("reason") == "success", ended


def test_busy_phone_maps_to_busy(sip_bridge, xmpp_server, phone):
    phone.set_answer_mode("manual")

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["PCMU"])
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, lambda: phone.wait_event("incoming", timeout=10))
            ringing = await peer.wait_event("ringing", timeout=5)
            await loop.run_in_executor(None, phone.hangup)  # rejects the incoming call with 486
            ended = await peer.wait_event("terminated", timeout=10)
            return ringing, ended
        finally:
            await peer.close()
    ringing, ended = run(body)
    assert ended.detail.get("reason") == "busy", ended


def test_inbound_call_rings_the_user_and_carries_tones(sip_bridge, xmpp_server, phone):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, phone.dial, f"sip:{DID}@127.0.0.1:{sip_bridge.sip_port}")
            propose = await peer.wait_event("propose", timeout=10)
            await peer.wait_event("accepted", timeout=15)
            await loop.run_in_executor(None, lambda: phone.wait_event("established", timeout=10))
            await asyncio.sleep(AUDIO_SECONDS)
            samples, rate = peer.received_audio()
            await peer.hang_up()
            closed = await loop.run_in_executor(None, lambda: phone.wait_event("closed", timeout=10))
            return propose, samples, rate, closed
        finally:
            await peer.close()
    propose, samples, rate, closed = run(body)
    assert propose.sender.startswith(f"{NUMBER}@sip.localhost") or "@sip.localhost" in propose.sender, propose
    client_heard = analyse_tone(samples, rate, 880.0)
    phone_heard = analyse_tone(*phone.recording(), 440.0)
    print(f"client heard {client_heard}; phone heard {phone_heard}")
    client_heard.check(880.0, min_seconds=AUDIO_SECONDS - 2)
    phone_heard.check(440.0, min_seconds=AUDIO_SECONDS - 2)


def test_inbound_call_rejected_by_the_user_gets_603(sip_bridge, xmpp_server, phone):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", propose_policy="reject", reject_reason="decline",
                               ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, phone.dial, f"sip:{DID}@127.0.0.1:{sip_bridge.sip_port}")
            await peer.wait_event("propose", timeout=10)
            return await loop.run_in_executor(None, lambda: phone.wait_event("closed", timeout=10))
        finally:
            await peer.close()
    closed = run(body)
    assert closed.status == 603, closed


def test_inbound_cancel_retracts_the_propose(sip_bridge, xmpp_server, phone):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", propose_policy="ignore", ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, phone.dial, f"sip:{DID}@127.0.0.1:{sip_bridge.sip_port}")
            await peer.wait_event("propose", timeout=10)
            await loop.run_in_executor(None, phone.hangup)  # CANCEL
            return await peer.wait_event("retract", timeout=10)
        finally:
            await peer.close()
    retract = run(body)
    assert retract.sid, retract


def test_hold_and_resume_from_each_side(sip_bridge, xmpp_server, phone):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=True, codecs=["opus"])
            await peer.wait_event("connected", timeout=15)
            await asyncio.sleep(1.0)
            # The client holds: the phone gets a re-INVITE and its stream turns recvonly.
            await peer.hold()
            directions = []
            for _ in range(50):
                await asyncio.sleep(0.1)
                status = await loop.run_in_executor(None, phone.audio_status)
                if status and status.direction == "recvonly":
                    break
            directions.append(status.direction if status else None)
            await peer.unhold()
            for _ in range(50):
                await asyncio.sleep(0.1)
                status = await loop.run_in_executor(None, phone.audio_status)
                if status and status.direction == "sendrecv":
                    break
            directions.append(status.direction if status else None)
            # The phone holds: the client is told with session-info.
            await loop.run_in_executor(None, phone.hold)
            held = await peer.wait_event("hold", timeout=10)
            await loop.run_in_executor(None, phone.resume)
            resumed = await peer.wait_event(("unhold", "active"), timeout=10)
            await peer.hang_up()
            return directions, held, resumed
        finally:
            await peer.close()
    directions, held, resumed = run(body)
    assert directions == ["recvonly", "sendrecv"], directions


def test_call_survives_an_xmpp_server_restart(restartable, phone):
    """Media does not depend on the XMPP link: a restart of the server leaves the call up, and the
    call can still be ended afterwards (here by the phone) with nothing left behind."""
    xmpp_server, sip_bridge = restartable

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["PCMU"])
            await peer.wait_event("connected", timeout=15)
            await asyncio.sleep(1.0)
            before = await loop.run_in_executor(None, phone.audio_status)
            await loop.run_in_executor(None, xmpp_server.restart)
            await asyncio.sleep(2.0)
            after = await loop.run_in_executor(None, phone.audio_status)
            await loop.run_in_executor(None, lambda: sip_bridge.wait_online(timeout=20))
            await loop.run_in_executor(None, phone.hangup)
            await asyncio.sleep(1.0)
            rows = await active_calls(xmpp_server)
            return before, after, rows
        finally:
            await peer.close()
    before, after, rows = run(body, timeout=60)
    assert after.packets_received >= before.packets_received + 80, (before, after)
    assert rows == [], rows


@pytest.mark.parametrize("codec", ["opus", "PCMU"])
def test_dtmf_digits_arrive_both_ways(sip_bridge, xmpp_server, phone, codec):
    """RFC 4733 digits cross the bridge both ways, relayed (PCMU) or translated between clock rates
    around a transcoded call (Opus at 48 kHz on the Jingle leg, G.711 at 8 kHz on the SIP leg)."""
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=True, codecs=[codec])
            await peer.wait_event("connected", timeout=15)
            await asyncio.sleep(1.0)
            await peer.send_dtmf("159#")
            to_phone = await loop.run_in_executor(None, lambda: phone.wait_dtmf(4, timeout=10))
            await loop.run_in_executor(None, phone.send_dtmf, "*07")
            for _ in range(100):
                if len(peer.received_dtmf()) >= 3:
                    break
                await asyncio.sleep(0.1)
            to_client = peer.received_dtmf()
            await peer.hang_up()
            return to_phone, to_client
        finally:
            await peer.close()
    to_phone, to_client = run(body, timeout=60)
    assert to_phone == "159#", to_phone
    assert to_client == "*07", to_client


def test_reload_during_a_call_keeps_it_and_shutdown_ends_it_cleanly(sip_bridge, xmpp_server, phone):
    """A configuration reload (SIGHUP) leaves a live call alone; SIGTERM then ends it on both sides:
    BYE to the phone and session-terminate (gone) to the client."""
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["opus"])
            await peer.wait_event("connected", timeout=15)
            await asyncio.sleep(1.0)
            before = await loop.run_in_executor(None, phone.audio_status)
            sip_bridge.process.proc.send_signal(signal.SIGHUP)
            await asyncio.sleep(1.5)
            after = await loop.run_in_executor(None, phone.audio_status)
            rows = await active_calls(xmpp_server)
            await loop.run_in_executor(None, sip_bridge.stop)
            closed = await loop.run_in_executor(None, lambda: phone.wait_event("closed", timeout=10))
            ended = await peer.wait_event("terminated", timeout=10)
            return before, after, rows, closed, ended
        finally:
            await peer.close()
    before, after, rows, closed, ended = run(body, timeout=60)
    assert after.packets_received >= before.packets_received + 50, (before, after)
    assert len(rows) == 1, rows
    assert "reload" in sip_bridge.log_tail(400) or "reloaded" in sip_bridge.log_tail(400)
    assert closed.param == "Connection reset by peer", closed
    assert ended.detail.get("reason") == "gone", ended


@pytest.mark.parametrize("phone_codec, trunk_codecs, client_codec, transcoded", [
    ("G722", "G722 telephone-event", "opus", True),
    ("opus", "opus telephone-event", "opus", False),
])
def test_outbound_call_with_other_trunk_codecs(request, xmpp_server, tmp_path, phone_codec, trunk_codecs,
                                               client_codec, transcoded):
    """G.722 on the SIP leg (transcoded from Opus at 16 kHz) and Opus on both legs (relayed as is)."""
    phone = BaresipPeer(tmp_path / "baresip", user=NUMBER, codecs=(phone_codec,), tone_hz=880)
    phone.start()
    request.addfinalizer(phone.stop)
    bridge = Bridge(bridge_binary(), xmpp_server, tmp_path / "bridge")
    sip_port = next(p for p in free_ports(4) if p not in (phone.sip_port, phone.ctrl_port))
    bridge.sip_xml = f"""<sip>
      <listen transport="udp" address="127.0.0.1" port="{sip_port}"/>
      <trunk name="phone" uri="sip:127.0.0.1:{phone.sip_port}" codecs="{trunk_codecs}"/>
      <route match="[0-9]+" trunk="phone" emergency="allow"/>
    </sip>"""
    request.addfinalizer(bridge.stop)
    bridge.start()

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=True, codecs=[client_codec])
            await peer.wait_event("connected", timeout=15)
            await asyncio.sleep(AUDIO_SECONDS)
            status = await loop.run_in_executor(None, phone.audio_status)
            rows = await active_calls(xmpp_server)
            samples, rate = peer.received_audio()
            await peer.hang_up()
            await loop.run_in_executor(None, lambda: phone.wait_event("closed", timeout=10))
            return status, rows, samples, rate
        finally:
            await peer.close()
    status, rows, samples, rate = run(body)
    assert status is not None and phone_codec.lower() in (status.encoder or "").lower(), status
    assert len(rows) == 1 and f"{client_codec}/{phone_codec}" in rows[0], rows
    assert ("transcoded" in rows[0]) == transcoded, rows
    analyse_tone(*phone.recording(), 440.0).check(440.0, min_seconds=AUDIO_SECONDS - 2)
    analyse_tone(samples, rate, 880.0).check(880.0, min_seconds=AUDIO_SECONDS - 2)


def test_unanswered_call_times_out_and_is_cancelled(request, xmpp_server, phone, tmp_path):
    bridge = make_sip_bridge(request, xmpp_server, phone, tmp_path / "bridge", extra='<limits ring-timeout="3"/>')
    phone.set_answer_mode("manual")

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["PCMU"])
            await loop.run_in_executor(None, lambda: phone.wait_event("incoming", timeout=10))
            ended = await peer.wait_event("terminated", timeout=10)
            closed = await loop.run_in_executor(None, lambda: phone.wait_event("closed", timeout=10))
            return ended, closed
        finally:
            await peer.close()
    ended, closed = run(body)
    assert ended.detail.get("reason") == "timeout", ended
    assert "no answer" in (ended.detail.get("text") or ""), ended
    assert bridge.running()


class _SippPhone:
    """Just enough of a phone for make_sip_bridge: a SIP port."""
    def __init__(self, port: int):
        self.sip_port = port
        self.ctrl_port = 0


def test_trunk_challenge_is_answered_with_digest(request, xmpp_server, tmp_path):
    """sipp as the trunk challenges the INVITE with 401 and checks the digest (user alice, password
    secret) before answering; the call then connects and the client's hang-up reaches sipp as BYE."""
    from test_baresip_peer import Sipp
    scenario = (Path(__file__).resolve().parents[2] / "Tests/SIPTests/SIPp/auth-uas.xml").read_text()
    sipp = Sipp(tmp_path / "sipp", "auth", [], scenario)
    sipp.start()
    request.addfinalizer(sipp.stop)
    make_sip_bridge(request, xmpp_server, _SippPhone(sipp.port), tmp_path / "bridge",
                    trunk_extra='username="alice" password="secret"')

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["PCMU"])
            accepted = await peer.wait_event("accepted", timeout=10)
            await peer.hang_up()
            return accepted
        finally:
            await peer.close()
    run(body)
    assert sipp.wait(10) == 0, sipp.log()


def test_early_media_accepts_the_session_on_183_when_the_trunk_says_so(request, xmpp_server, phone, tmp_path):
    """183 with SDP and early-media="accept": the client's session is accepted on the 183, before the
    phone answers, with media set up on the SDP of the 183; the 200 then completes the call and the tone
    flows. (baresip 1.0 sends no audio while in early state, so only the set-up is observable here.)"""
    make_sip_bridge(request, xmpp_server, phone, tmp_path / "bridge", trunk_extra='early-media="accept"')
    phone.set_answer_mode("early")

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["opus"])
            await peer.wait_event("accepted", timeout=10)
            await peer.wait_event("connected", timeout=10)
            established_before = list(phone.events("established"))
            await loop.run_in_executor(None, phone.answer)
            await loop.run_in_executor(None, lambda: phone.wait_event("established", timeout=10))
            await asyncio.sleep(AUDIO_SECONDS)
            samples, rate = peer.received_audio()
            await peer.hang_up()
            return samples, rate, established_before
        finally:
            await peer.close()
    samples, rate, established_before = run(body)
    assert established_before == [], established_before
    analyse_tone(samples, rate, 880.0, skip_seconds=0.5).check(880.0, min_seconds=AUDIO_SECONDS - 2)


INFO_DTMF_UAC = scenario(
    "info-dtmf-uac",
    uac_request("INVITE", 1, initial=True, body=sdp(PCMU, TELEPHONE_EVENT)),
    recv(100, optional=True),
    recv(180, optional=True),
    recv(183, optional=True),
    recv(200, rrs=True),
    uac_request("ACK", 1),
    pause(2500),
    uac_request("INFO", 2, body=dtmf_relay("7", 200)),
    recv(200),
    pause(1500),
    uac_request("BYE", 3),
    recv(200),
)


def test_sip_info_dtmf_reaches_the_client_as_rfc4733(sip_bridge, xmpp_server, tmp_path):
    """A caller that sends DTMF by SIP INFO (application/dtmf-relay, as many PBXs do): the client
    receives the digit as RFC 4733 events; the caller's BYE ends the session."""
    from test_baresip_peer import Sipp
    sipp = Sipp(tmp_path / "sipp", "info", [f"127.0.0.1:{sip_bridge.sip_port}", "-s", DID], INFO_DTMF_UAC)

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            sipp.start()
            await peer.wait_event("accepted", timeout=10)
            ended = await peer.wait_event("terminated", timeout=15)
            return peer.received_dtmf(), ended
        finally:
            await peer.close()
    digits, ended = run(body)
    assert sipp.wait(10) == 0, sipp.log()
    assert digits == "7", digits
    assert ended.detail.get("reason") == "success", ended


def test_trunk_registration_with_digest_shows_in_status_and_unregisters_on_stop(request, xmpp_server, tmp_path):
    """register="true": the bridge registers with the trunk's registrar (sipp, challenging with digest
    and qop=auth), the status command shows the trunk registered, and a stop removes the binding."""
    from test_baresip_peer import Sipp, _registrar
    sipp = Sipp(tmp_path / "sipp", "registrar", [], _registrar("s3cret"))
    sipp.start()
    request.addfinalizer(sipp.stop)
    bridge = make_sip_bridge(request, xmpp_server, _SippPhone(sipp.port), tmp_path / "bridge",
                             trunk_extra='username="alice" password="s3cret" register="true" expires="60"')

    trunks = run(lambda: trunk_status(xmpp_server, "registered (60 s)"))
    assert len(trunks) == 1 and trunks[0].startswith("phone") and "registered (60 s)" in trunks[0], trunks
    bridge.stop()
    assert sipp.wait(10) == 0, sipp.log()
    log = sipp.messages.read_text(errors="replace")
    assert 'Authorization: Digest username="alice"' in log
    assert "Expires: 0" in log or "expires=0" in log, log[-3000:]


def test_client_that_goes_offline_is_hung_up_after_the_grace_period(request, xmpp_server, phone, tmp_path):
    """The device in a call goes unavailable and does not come back: after `offline-grace` the bridge
    ends the call and the phone gets BYE (the client had sent presence to the contact, as a roster
    subscription does)."""
    bridge = make_sip_bridge(request, xmpp_server, phone, tmp_path / "bridge", extra='<limits offline-grace="2"/>')

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        closed_peer = False
        try:
            peer.send_presence(pto=f"{NUMBER}@sip.localhost")
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["PCMU"])
            await peer.wait_event("connected", timeout=15)
            await asyncio.sleep(1.0)
            # The connection drops without a goodbye (no session-terminate): the server then sends
            # unavailable presence on the device's behalf.
            peer.abort()
            started = loop.time()
            closed = await loop.run_in_executor(None, lambda: phone.wait_event("closed", timeout=15))
            return closed, loop.time() - started
        finally:
            if not closed_peer:
                await peer.close()
    closed, waited = run(body)
    assert 1.5 <= waited <= 10, waited
    assert "did not come back" in bridge.log_tail(200)


INFO_DTMF_UAS = scenario(
    "info-dtmf-uas",
    recv("INVITE"),
    uas_response(200, "OK", to_tag=True, headers=[CONTACT], body=sdp(PCMU, session=2, address="[local_ip]"),
                 retrans=True),
    recv("ACK"),
    recv("INFO", ereg("Signal=5", "signal")),
    uas_response(200, "OK"),
    recv("BYE"),
    uas_response(200, "OK"),
    references=["signal"],
)


def test_client_dtmf_goes_as_sip_info_to_a_dtmf_info_trunk(request, xmpp_server, tmp_path):
    """A trunk with dtmf="info": the client's RFC 4733 digit leaves as SIP INFO (application/dtmf-relay,
    checked by sipp), not as RTP events."""
    from test_baresip_peer import Sipp
    sipp = Sipp(tmp_path / "sipp", "info-uas", [], INFO_DTMF_UAS)
    sipp.start()
    request.addfinalizer(sipp.stop)
    make_sip_bridge(request, xmpp_server, _SippPhone(sipp.port), tmp_path / "bridge", trunk_extra='dtmf="info"')

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=False, codecs=["PCMU"])
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(0.5)
            await peer.send_dtmf("5")
            await asyncio.sleep(1.0)
            await peer.hang_up()
        finally:
            await peer.close()
    run(body)
    assert sipp.wait(10) == 0, sipp.log()
    assert "Content-Type: application/dtmf-relay" in sipp.messages.read_text(errors="replace")


# The caller refreshes (RFC 4028: refresher=uac) at RFC 4028's smallest interval, 90 s; the scenario
# refreshes early, by UPDATE and by re-INVITE, as a refresher may.
_SESSION_EXPIRES = "Session-Expires: 90;refresher=uac"


def _answered_with_timer(name: str) -> str:
    """The bridge's 2xx keeps the caller as refresher and says so (RFC 4028 section 9)."""
    return ereg("90;refresher=uac", name, header="Session-Expires:")


TIMER_UAC = scenario(
    "session-timer-uac",
    uac_request("INVITE", 1, initial=True, body=sdp(PCMU), headers=["Supported: timer", _SESSION_EXPIRES]),
    recv(100, optional=True),
    recv(180, optional=True),
    recv(200, _answered_with_timer("answered"), ereg("timer", "required", header="Require:"), rrs=True),
    uac_request("ACK", 1),
    pause(2000),
    uac_request("UPDATE", 2, headers=["Supported: timer", _SESSION_EXPIRES]),
    recv(200, _answered_with_timer("updated")),
    pause(2000),
    uac_request("INVITE", 3, body=sdp(PCMU), headers=["Supported: timer", _SESSION_EXPIRES]),
    recv(100, optional=True),
    recv(200, _answered_with_timer("reinvited")),
    uac_request("ACK", 3),
    pause(2500),
    uac_request("BYE", 4),
    recv(200),
    references=["answered", "required", "updated", "reinvited"],
)


def test_session_timer_refreshes_keep_the_call_and_its_audio(sip_bridge, xmpp_server, tmp_path):
    """RFC 4028 with a caller that refreshes (refresher=uac): the bridge's 200 keeps it as refresher with
    Require: timer, and answers its refreshes (an UPDATE without SDP, then a re-INVITE repeating its SDP)
    with the session timer restated; the call and its audio go on across them (sipp echoes the RTP, so
    the client hears its own 440 Hz after transcoding Opus -> PCMU -> Opus). The bridge as refresher is
    tested against sipp in SIPUserAgentTests (weCallACarrierDemanding100relAndSessionTimers)."""
    echoing_sipp_caller_is_heard(sip_bridge, xmpp_server, tmp_path, "timer", TIMER_UAC, 5.5, 4.0)


PRIVACY_UAS = scenario(
    "privacy-uas",
    recv("INVITE",
         ereg("anonymous@anonymous.invalid", "f", header="From:"),
         ereg("id", "p", header="Privacy:"),
         ereg(r"sip:\+15550001111@127.0.0.1", "pai", header="P-Asserted-Identity:")),
    uas_response(486, "Busy Here", to_tag=True),
    recv("ACK"),
    references=["f", "p", "pai"],
)


def test_withheld_number_goes_out_anonymous_with_the_asserted_identity(request, xmpp_server, tmp_path):
    """A user with hide-number on a trunk with asserted-identity: sipp checks that From is anonymous, that
    Privacy: id is set and that P-Asserted-Identity carries the user's number (RFC 3323 / RFC 3325)."""
    from test_baresip_peer import Sipp
    sipp = Sipp(tmp_path / "sipp", "privacy", [], PRIVACY_UAS)
    sipp.start()
    request.addfinalizer(sipp.stop)
    make_sip_bridge(request, xmpp_server, _SippPhone(sipp.port), tmp_path / "bridge",
                    trunk_extra='asserted-identity="true"',
                    extra='<user jid="alice@localhost" number="+15550001111" hide-number="true"/>')

    ended = run(lambda: call_until_terminated(xmpp_server))
    assert sipp.wait(10) == 0, sipp.log()
    assert ended.detail.get("reason") == "busy", ended


def test_trunk_qualify_shows_the_phone_reachable_in_status(sip_bridge, xmpp_server):
    """The default qualify (OPTIONS every 60 s, the first at start) finds baresip answering: "Bridge
    status" shows the trunk reachable with the status and round-trip time of the answer. Without an
    answer it would say unreachable (SIPQualifyTests covers that path in virtual time)."""
    trunks = run(lambda: trunk_status(xmpp_server, "; reachable"))
    # baresip answers 404 to an OPTIONS for no user of its: any final answer proves the trunk is there.
    assert trunks and re.search(r"reachable \(OPTIONS answered \d{3} in \d+ ms\)", trunks[0]), trunks


OFFERLESS_UAC = scenario(
    "offerless-uac",
    uac_request("INVITE", 1, initial=True),
    recv(100, optional=True),
    recv(180, optional=True),
    recv(200, ereg("m=audio [0-9]+ RTP/AVP 0", "offer"), rrs=True),
    uac_request("ACK", 1, body=sdp(PCMU)),
    pause(6000),
    uac_request("BYE", 2),
    recv(200),
    references=["offer"],
)


def test_offerless_invite_gets_our_offer_and_its_answer_in_the_ack_carries_audio(sip_bridge, xmpp_server, tmp_path):
    """An INVITE without SDP (RFC 3261 13.2.1, as some PBXs send for transfers and call pickup): the
    user's device is rung and answers, the 200 carries the bridge's offer in the trunk's codecs, the ACK
    the caller's answer, and media then flows to the address in that answer: sipp echoes the RTP, so the
    client hears its own 440 Hz back through the bridge (Opus -> PCMU -> Opus)."""
    echoing_sipp_caller_is_heard(sip_bridge, xmpp_server, tmp_path, "offerless", OFFERLESS_UAC, 4.0, 2.5)


EARLY_MEDIA_UAS = scenario(
    "early-media-uas",
    recv("INVITE"),
    uas_response(183, "Session Progress", to_tag=True, headers=[CONTACT], body=sdp(PCMU, session=2)),
    pause(5000),
    uas_response(200, "OK", to_tag=True, headers=[CONTACT], body=sdp(PCMU, session=2), retrans=True),
    recv("ACK"),
    recv("BYE", timeout=10000),
    uas_response(200, "OK"),
)


def test_early_media_from_a_183_is_heard_before_the_answer(request, xmpp_server, tmp_path):
    """A trunk with early-media="accept" that plays audio in early state (sipp echoes the RTP it gets,
    as an announcement would arrive): the client hears it before the 200, which sipp sends 5 s after
    the 183; the call then completes and the client's hang-up is a BYE."""
    from test_baresip_peer import Sipp
    sipp = Sipp(tmp_path / "sipp", "early", ["-rtp_echo"], EARLY_MEDIA_UAS)
    sipp.start()
    request.addfinalizer(sipp.stop)
    make_sip_bridge(request, xmpp_server, _SippPhone(sipp.port), tmp_path / "bridge", trunk_extra='early-media="accept"')

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=True, codecs=["opus"])
            await peer.wait_event("accepted", timeout=10)
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(3.0)
            early = peer.received_audio()
            answered_early = sipp.messages.exists() and "SIP/2.0 200 OK" in sipp.messages.read_text(errors="replace")
            await asyncio.sleep(3.0)
            await peer.hang_up()
            return early, answered_early
        finally:
            await peer.close()
    (samples, rate), answered_early = run(body)
    assert not answered_early, "sipp answered before the early audio was checked"
    assert sipp.wait(10) == 0, sipp.log()
    analyse_tone(samples, rate, 440.0, skip_seconds=0.5).check(440.0, min_seconds=1.5)


CODEC_CHANGE_UAC = scenario(
    "codec-change-uac",
    uac_request("INVITE", 1, initial=True, body=sdp(PCMU)),
    recv(100, optional=True),
    recv(180, optional=True),
    recv(200, rrs=True),
    uac_request("ACK", 1),
    pause(3000),
    uac_request("INVITE", 2, body=sdp(PCMA, version=2)),
    recv(100, optional=True),
    recv(200, ereg("m=audio [0-9]+ RTP/AVP 8", "pcma")),
    uac_request("ACK", 2),
    recv("BYE", timeout=15000),
    uas_response(200, "OK"),
    references=["pcma"],
)


def test_reinvite_changing_the_codec_keeps_the_audio(sip_bridge, xmpp_server, tmp_path):
    """A caller whose re-INVITE switches PCMU -> PCMA mid-call (RFC 3264 section 8.3.2): the bridge
    answers in PCMA, re-codes the SIP leg, and the audio goes on (sipp echoes the RTP it gets, so the
    client hears its 440 Hz only if the bridge sends and expects the same codec); the bridge's own
    call statistics show PCMA on the SIP leg."""
    from test_baresip_peer import Sipp
    sipp = Sipp(tmp_path / "sipp", "codec", [f"127.0.0.1:{sip_bridge.sip_port}", "-s", DID, "-rtp_echo"],
                CODEC_CHANGE_UAC)

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            sipp.start()
            await peer.wait_event("accepted", timeout=10)
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(2.5)
            before = await active_calls(xmpp_server)
            await asyncio.sleep(4.0)
            after = await active_calls(xmpp_server)
            samples, rate = peer.received_audio()
            await peer.hang_up()
            return before, after, samples, rate
        finally:
            await peer.close()
    before, after, samples, rate = run(body)
    assert sipp.wait(10) == 0, sipp.log()
    assert len(before) == 1 and "/PCMU" in before[0], before
    assert len(after) == 1 and "/PCMA" in after[0], after
    analyse_tone(samples, rate, 440.0, skip_seconds=0.5).check(440.0, min_seconds=5.0)


def _ack_of_failure(cseq: int) -> str:
    """RFC 3261 17.1.1.3: the ACK of a non-2xx final response has the INVITE's Request-URI and branch
    (sipp's [branch-3]: the INVITE is three messages of the scenario before this ACK)."""
    return uac_request("ACK", cseq).replace("branch=[branch]", "branch=[branch-3]").replace(
        "ACK [next_url]", "ACK sip:[service]@[remote_ip]:[remote_port]")


def _authenticated_caller(password: str, answered: bool) -> str:
    """sipp calls the DID from an address outside the trunk's allow-from: INVITE, 401, ACK, INVITE with
    Digest credentials for `password`; then a whole call when `answered`, else the 403 and its ACK."""
    first = [
        uac_request("INVITE", 1, initial=True, body=sdp(PCMU)),
        recv(100, optional=True),
        recv(401, ereg('realm="sip.localhost"', "realm", header="WWW-Authenticate:"), auth=True),
        _ack_of_failure(1),
        uac_request("INVITE", 2, initial=True, body=sdp(PCMU),
                    headers=[f"[authentication username=pbx-user password={password}]"]),
        recv(100, optional=True),
    ]
    if not answered:
        return scenario("digest-refused-uac", *first, recv(403), _ack_of_failure(2), references=["realm"])
    return scenario(
        "digest-uac", *first, recv(180, optional=True), recv(200, rrs=True), uac_request("ACK", 2),
        pause(2000), uac_request("BYE", 3), recv(200), references=["realm"])


@pytest.mark.parametrize("password", ["s3cret", "wrong"])
def test_inbound_call_from_outside_allow_from_after_digest(request, xmpp_server, tmp_path, password):
    """A trunk with authenticate-inbound whose allow-from does not cover the caller: the INVITE is
    challenged (401, realm = the component domain), the retry with the trunk's credentials rings the
    user and the call connects; with a wrong password the retry gets 403 and nobody is rung."""
    from test_baresip_peer import Sipp
    bridge = make_sip_bridge(
        request, xmpp_server, _SippPhone(free_ports(1)[0]), tmp_path / "bridge",
        trunk_extra='username="pbx-user" password="s3cret" authenticate-inbound="true"',
        trunk_children='<allow-from address="192.0.2.0/24"/>')
    good = password == "s3cret"
    sipp = Sipp(tmp_path / "sipp", "digest", [f"127.0.0.1:{bridge.sip_port}", "-s", DID],
                _authenticated_caller(password, answered=good))

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            sipp.start()
            if good:
                await peer.wait_event("accepted", timeout=10)
                return await peer.wait_event("terminated", timeout=15)
            await asyncio.sleep(3.0)
            return peer.events_of("propose")
        finally:
            await peer.close()
    outcome = run(body)
    assert sipp.wait(10) == 0, sipp.log()
    if good:
        assert outcome.detail.get("reason") == "success", outcome
    else:
        assert outcome == [], outcome


UNAVAILABLE_UAS = scenario(
    "unavailable-uas",
    recv("INVITE"),
    uas_response(503, "Service Unavailable", to_tag=True),
    recv("ACK"),
)


def test_trunk_failover_after_503(request, xmpp_server, phone, tmp_path):
    """The trunk's uri answers 503 (sipp): the bridge tries the trunk's <failover uri> (baresip, RFC 3263
    section 4.3) with the same offer, and that call connects with audio both ways."""
    from test_baresip_peer import Sipp
    sipp = Sipp(tmp_path / "sipp", "unavailable", [], UNAVAILABLE_UAS)
    sipp.start()
    request.addfinalizer(sipp.stop)
    make_sip_bridge(request, xmpp_server, _SippPhone(sipp.port), tmp_path / "bridge",
                    trunk_children=f'<failover uri="sip:127.0.0.1:{phone.sip_port}"/>')
    samples, rate = run(lambda: record_call(xmpp_server, f"{NUMBER}@sip.localhost", codec="PCMU"))
    assert sipp.wait(10) == 0, sipp.log()
    analyse_tone(samples, rate, 880.0, skip_seconds=0.5).check(880.0, min_seconds=AUDIO_SECONDS - 2)
    analyse_tone(*phone.recording(), 440.0, skip_seconds=0.5).check(440.0, min_seconds=AUDIO_SECONDS - 2)


BUSY_UAS = scenario(
    "busy-uas",
    recv("INVITE"),
    uas_response(180, "Ringing", to_tag=True, headers=[CONTACT]),
    uas_response(486, "Busy Here", to_tag=True),
    recv("ACK"),
)

NO_ANSWER_UAS = scenario(
    "no-answer-uas",
    recv("INVITE"),
    uas_response(180, "Ringing", to_tag=True, headers=[CONTACT]),
    recv("CANCEL", timeout=15000),
    uas_response(200, "OK"),
    # The 487 answers the INVITE: the CANCEL's Via is the INVITE's (RFC 3261 9.1), its CSeq is not.
    uas_response(487, "Request Terminated", to_tag=True).replace("[last_CSeq:]", "CSeq: 1 INVITE"),
    recv("ACK"),
)


@pytest.mark.parametrize("scenario_name, expected", [("busy", "busy"), ("no-answer", "timeout")])
def test_sipp_trunk_failures_reach_the_client(request, xmpp_server, tmp_path, scenario_name, expected):
    """sipp as the trunk: 486 after ringing -> `busy`; ringing without an answer past ring-timeout (3 s
    here) -> CANCEL (answered 200 and 487 by sipp) and `timeout`."""
    from test_baresip_peer import Sipp
    xml = BUSY_UAS if scenario_name == "busy" else NO_ANSWER_UAS
    sipp = Sipp(tmp_path / "sipp", scenario_name, [], xml)
    sipp.start()
    request.addfinalizer(sipp.stop)
    make_sip_bridge(request, xmpp_server, _SippPhone(sipp.port), tmp_path / "bridge",
                    extra='<limits ring-timeout="3"/>')

    ended = run(lambda: call_until_terminated(xmpp_server))
    assert sipp.wait(10) == 0, sipp.log()
    assert ended.detail.get("reason") == expected, ended
