"""Calls to the bridge's built-in echo extension, end to end with an independent Jingle endpoint.

The caller is jingle_peer.JinglePeer (slixmpp + aiortc: ICE, DTLS-SRTP, Opus), on a real XMPP
server; the bridge answers `echo@sip.localhost` and returns what it hears. Nothing here is
simulated by the bridge's own code.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audio_analysis import analyse_tone  # noqa: E402
from clients import Session, parse_form, q  # noqa: E402
from jingle_peer import CallFailed, open_peer  # noqa: E402

ECHO = "echo@sip.localhost"
AUDIO_SECONDS = 4.0
NS_COMMANDS = "http://jabber.org/protocol/commands"


def run(body, timeout: float = 30.0):
    async def main():
        return await asyncio.wait_for(body(), timeout)
    return asyncio.run(main())


def check_echo(peer, freq: float):
    samples, rate = peer.received_audio()
    report = analyse_tone(samples, rate, freq)
    report.check(freq, min_seconds=AUDIO_SECONDS - 1.5)
    return report


@pytest.mark.parametrize("use_jmi", [True, False], ids=["jmi", "direct"])
@pytest.mark.parametrize("codec", ["opus", "PCMU"])
def test_echo_returns_the_callers_tone(bridge, xmpp_server, use_jmi, codec):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            await peer.call(ECHO, use_jmi=use_jmi, codecs=[codec])
            await peer.wait_event("accepted", timeout=10)
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(AUDIO_SECONDS)
            report = check_echo(peer, 440.0)
            answer = peer.last_call.remote_desc
            audio = answer.audio()
            assert audio is not None
            assert [pt.name.lower() for pt in audio.payload_types if not pt.is_telephone_event] \
                == [codec.lower()]
            await peer.hang_up()
            if use_jmi:
                await peer.wait_event("finish", timeout=5)
            return report
        finally:
            await peer.close()
    report = run(body)
    print(f"echo ({codec}, jmi={use_jmi}): {report}")


def test_active_calls_command_shows_the_live_call(bridge, xmpp_server):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            await peer.call(ECHO, use_jmi=True)
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(1.5)
            async with Session(xmpp_server) as session:
                admin = await session.login("admin")
                response = await admin.execute_command("sip.localhost", "calls")
                assert response.type == "result", response.dump()
                command = response.child(NS_COMMANDS, "command")
                form = command.find(q("jabber:x:data", "x"))
                fields = parse_form(form)
                assert fields["count"] == ["1"]
                rows = fields["calls"]
                assert len(rows) == 1 and "alice@localhost" in rows[0] and "echo" in rows[0], rows
                received = int(rows[0].split(" rx ")[1].split()[0])
                sent = int(rows[0].split(" tx ")[1].split()[0])
                assert received > 20 and sent > 20, rows
                mallory = await session.login("mallory")
                refused = await mallory.execute_command("sip.localhost", "calls")
                assert refused.error_condition() == "forbidden", refused.dump()
            await peer.hang_up()
        finally:
            await peer.close()
    run(body)


def test_a_user_outside_access_is_refused(bridge, xmpp_server):
    async def body():
        peer = await open_peer(xmpp_server, "mallory", "phone", ice_addresses=["127.0.0.1"])
        try:
            with pytest.raises(CallFailed):
                await peer.call(ECHO, use_jmi=False, timeout=5)
        finally:
            await peer.close()
    run(body)


@pytest.mark.parametrize("codec", ["opus", "PCMU"])
def test_tone_extension_sends_1khz(bridge, xmpp_server, codec):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
        try:
            await peer.call("tone@sip.localhost", use_jmi=False, codecs=[codec])
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(AUDIO_SECONDS)
            samples, rate = peer.received_audio()
            await peer.hang_up()
            return analyse_tone(samples, rate, 1000.0)
        finally:
            await peer.close()
    report = run(body)
    print(f"tone ({codec}): {report}")
    report.check(1000.0, min_seconds=AUDIO_SECONDS - 1.5)


def test_my_calls_lists_the_users_finished_calls(bridge, xmpp_server):
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        try:
            await peer.call(ECHO, use_jmi=False)
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(1.0)
            await peer.hang_up()
            sid = peer.last_call.sid
        finally:
            await peer.close()
        await asyncio.sleep(0.5)
        async with Session(xmpp_server) as session:
            alice = await session.login("alice", resource="cmd")
            response = await alice.execute_command("sip.localhost", "my-calls")
            assert response.type == "result", response.dump()
            form = response.child(NS_COMMANDS, "command").find(q("jabber:x:data", "x"))
            return sid, parse_form(form)
    sid, fields = run(body)
    recent = fields.get("recent", [])
    assert any("alice@localhost" in row and "[echo]" not in row and "echo" in row and "success" in row
               for row in recent), recent
    assert fields.get("active", []) == [], fields
