"""Calls through the bridge to and from baresip over SIP/TCP and SIP/TLS (RFC 3261 18).

The bridge's trunk to baresip says transport="tcp" or "tls"; baresip listens for TCP on its SIP
port and for TLS on the next one, with a self-signed certificate made here by `openssl req -x509`.
baresip's SIP trace (its log) shows which transport each message used.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baresip_peer import BaresipPeer  # noqa: E402
from bridge import Bridge, bridge_binary  # noqa: E402
from jingle_peer import open_peer  # noqa: E402
from servers import free_ports  # noqa: E402
from audio_analysis import analyse_tone  # noqa: E402
from test_calls_sip import DID, NUMBER, record_call, run  # noqa: E402


def self_signed(directory: Path) -> Path:
    """One PEM holding a self-signed certificate for 127.0.0.1 and its key (as baresip wants it)."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    both = directory / "both.pem"
    both.write_text(cert.read_text() + key.read_text())
    return both


@pytest.fixture
def tls_phone(tmp_path):
    """baresip as extension 100 playing 880 Hz, with TLS on its SIP port + 1."""
    peer = BaresipPeer(tmp_path / "baresip", user=NUMBER, codecs=("PCMU", "PCMA"), tone_hz=880,
                       sip_certificate=self_signed(tmp_path / "tls"))
    peer.start()
    yield peer
    peer.stop()


def transport_bridge(request, server, phone, root, transport, verify=False, tls_files=None, trunk_extra=""):
    """A bridge listening on UDP and TCP (and TLS with `tls_files`, a (certificate, key) pair) whose trunk
    to `phone` uses `transport`."""
    bridge = Bridge(bridge_binary(), server, root)
    taken = (phone.sip_port, phone.sip_port + 1, phone.ctrl_port)
    sip_port, tls_port = [p for p in free_ports(6) if p not in taken][:2]
    phone_port = phone.sip_port + 1 if transport == "tls" else phone.sip_port
    tls_listen = "" if tls_files is None else f"""
      <listen transport="tls" address="127.0.0.1" port="{tls_port}"
              certificate="{tls_files[0]}" private-key="{tls_files[1]}"/>"""
    bridge.sip_xml = f"""<sip>
      <listen transport="udp" address="127.0.0.1" port="{sip_port}"/>
      <listen transport="tcp" address="127.0.0.1" port="{sip_port}"/>{tls_listen}
      <trunk name="phone" uri="sip:127.0.0.1:{phone_port}" transport="{transport}"
             verify-tls="{'true' if verify else 'false'}" codecs="PCMU PCMA telephone-event" {trunk_extra}/>
      <route match="[0-9]+" trunk="phone" emergency="allow"/>
      <inbound did="{DID}" jid="alice@localhost" trunk="phone"/>
    </sip>"""
    bridge.sip_port = sip_port
    bridge.tls_port = tls_port
    request.addfinalizer(bridge.stop)
    bridge.start()
    return bridge


def inbound_call(xmpp_server, phone, uri):
    """The phone calls `uri` (the bridge), alice answers, hangs up a second later; the phone's close event."""
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, phone.dial, uri)
            await peer.wait_event("propose", timeout=10)
            await peer.wait_event("accepted", timeout=15)
            await loop.run_in_executor(None, lambda: phone.wait_event("established", timeout=10))
            await asyncio.sleep(1)
            await peer.hang_up()
            return await loop.run_in_executor(None, lambda: phone.wait_event("closed", timeout=10))
        finally:
            await peer.close()
    return run(body)


def outbound_call(xmpp_server, phone):
    """alice calls the phone through the bridge, talks two seconds and hangs up."""
    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=["127.0.0.1"])
        loop = asyncio.get_running_loop()
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=True, codecs=["PCMU"])
            await peer.wait_event("accepted", timeout=15)
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(2)
            await peer.hang_up()
            return await loop.run_in_executor(None, lambda: phone.wait_event("closed", timeout=10))
        finally:
            await peer.close()
    return run(body)


@pytest.mark.parametrize("transport", ["tcp", "tls"])
def test_outbound_call_over_stream_transport(request, xmpp_server, tls_phone, tmp_path, transport):
    transport_bridge(request, xmpp_server, tls_phone, tmp_path / "bridge", transport)
    closed = outbound_call(xmpp_server, tls_phone)
    assert closed.kind == "CALL_CLOSED", closed
    trace = tls_phone.log_path.read_text(errors="replace")
    # The INVITE and the BYE from the bridge name the transport in their Via.
    assert f"Via: SIP/2.0/{transport.upper()} 127.0.0.1:" in trace, trace[-3000:]
    assert "BYE sip:" in trace


def test_tls_trunk_with_self_signed_certificate_fails_when_verified(request, xmpp_server, tls_phone, tmp_path):
    transport_bridge(request, xmpp_server, tls_phone, tmp_path / "bridge", "tls", verify=True)

    async def body():
        peer = await open_peer(xmpp_server, "alice", "phone", ice_addresses=["127.0.0.1"])
        try:
            await peer.call(f"{NUMBER}@sip.localhost", use_jmi=True, codecs=["PCMU"])
            return await peer.wait_event(["terminated", "finish", "reject", "retract"], timeout=20)
        finally:
            await peer.close()
    ended = run(body)
    # The handshake fails, so the call ends without any INVITE reaching the phone.
    assert ended.kind in ("finish", "terminated"), ended
    assert "INVITE sip:" not in tls_phone.log_path.read_text(errors="replace")


def test_inbound_call_over_tcp(request, xmpp_server, tls_phone, tmp_path):
    bridge = transport_bridge(request, xmpp_server, tls_phone, tmp_path / "bridge", "tcp")
    closed = inbound_call(xmpp_server, tls_phone, f"sip:{DID}@127.0.0.1:{bridge.sip_port};transport=tcp")
    assert closed.kind == "CALL_CLOSED", closed
    trace = tls_phone.log_path.read_text(errors="replace")
    # The bridge's answer and its BYE came over TCP, with a TCP Contact.
    assert ";transport=tcp>" in trace, trace[-3000:]
    assert "Via: SIP/2.0/TCP 127.0.0.1:" in trace


def test_inbound_call_over_tls(request, xmpp_server, tls_phone, tmp_path):
    """baresip calls the bridge's TLS listener (certificate and key from openssl, as PEM files)."""
    both = self_signed(tmp_path / "bridge-tls")
    files = (both.parent / "cert.pem", both.parent / "key.pem")
    bridge = transport_bridge(request, xmpp_server, tls_phone, tmp_path / "bridge", "tls", tls_files=files)
    closed = inbound_call(xmpp_server, tls_phone, f"sip:{DID}@127.0.0.1:{bridge.tls_port};transport=tls")
    assert closed.kind == "CALL_CLOSED", closed
    trace = tls_phone.log_path.read_text(errors="replace")
    # The answer names TLS in Contact; the bridge's BYE reached the phone's TLS listener.
    assert ";transport=tls>" in trace, trace[-3000:]
    assert "BYE sip:" in trace


def test_sdes_srtp_call_over_tls_carries_tones_both_ways(request, xmpp_server, tmp_path):
    """srtp="sdes" on a TLS trunk to baresip with mediaenc=srtp-mand (RTP/SAVP only): the bridge's INVITE
    offers RTP/SAVP with an a=crypto line, baresip answers with its own key, and SRTP flows both ways:
    each side hears the other's tone (a wrong key or a plain RTP packet would be silence)."""
    phone = BaresipPeer(tmp_path / "baresip", user=NUMBER, codecs=("PCMU",), tone_hz=880,
                        sip_certificate=self_signed(tmp_path / "tls"), media_encryption="srtp-mand")
    phone.start()
    request.addfinalizer(phone.stop)
    transport_bridge(request, xmpp_server, phone, tmp_path / "bridge", "tls", trunk_extra='srtp="sdes"')
    seconds = 4.0
    samples, rate = run(lambda: record_call(xmpp_server, f"{NUMBER}@sip.localhost", seconds=seconds))
    phone.wait_event("closed", timeout=10)
    trace = phone.log_path.read_text(errors="replace")
    assert "RTP/SAVP" in trace and "a=crypto:" in trace, trace[-3000:]
    analyse_tone(samples, rate, 880.0, skip_seconds=0.5).check(880.0, min_seconds=seconds - 2)
    analyse_tone(*phone.recording(), 440.0, skip_seconds=0.5).check(440.0, min_seconds=seconds - 2)
