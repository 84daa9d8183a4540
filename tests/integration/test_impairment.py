"""The bridge's media path under network impairment: a small UDP relay between the Jingle client
(aiortc) and the bridge loses and reorders packets, or drops the bridge's final DTLS flight.

The relay puts itself in the ICE path through the client's signalling: the client advertises the
relay's "client side" address to the bridge as its candidate and sees the relay's "bridge side"
address as the bridge's candidate, so every STUN, DTLS, SRTP and SRTCP packet of the call crosses
it in both directions. Nothing is simulated by the bridge's own code.
"""

from __future__ import annotations

import asyncio
import random
import sys
from pathlib import Path
from typing import Callable, Optional

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audio_analysis import analyse_tone  # noqa: E402
from baresip_peer import BaresipPeer  # noqa: E402
from bridge import Bridge, bridge_binary  # noqa: E402
from jingle_peer import NS_ICE_UDP, Candidate, open_peer, q  # noqa: E402
from servers import free_ports  # noqa: E402
from test_calls_sip import DID, NUMBER, _SippPhone, make_sip_bridge, record_call, run  # noqa: E402

LOOPBACK = "127.0.0.1"


def is_dtls(packet: bytes) -> bool:
    """RFC 7983: a first byte of 20-63 is DTLS."""
    return len(packet) > 0 and 20 <= packet[0] <= 63


def dtls_content_types(packet: bytes) -> "list[int]":
    """The content types of the DTLS records in a datagram (RFC 6347 4.1: 13-byte record headers)."""
    types, offset = [], 0
    while offset + 13 <= len(packet):
        types.append(packet[offset])
        offset += 13 + int.from_bytes(packet[offset + 11:offset + 13], "big")
    return types


class ImpairmentRelay:
    """Two UDP sockets on loopback: `toward_bridge` is where the client sends (advertised to it as the
    bridge's candidate) and `toward_client` is where the bridge sends (advertised to the bridge as the
    client's candidate). `impair(packet, from_client)` returns the delay in seconds before forwarding,
    or None to drop the packet."""

    def __init__(self, impair: Callable[[bytes, bool], Optional[float]]):
        self.impair = impair
        self.client: Optional[tuple] = None      # the client's real address
        self.bridge: Optional[tuple] = None      # the bridge's real address
        self.forwarded = {True: 0, False: 0}
        self.dropped = {True: 0, False: 0}
        self.delayed = {True: 0, False: 0}
        self._toward_bridge = None
        self._toward_client = None

    async def start(self) -> "ImpairmentRelay":
        loop = asyncio.get_running_loop()
        relay = self

        class Side(asyncio.DatagramProtocol):
            def __init__(self, from_client: bool):
                self.from_client = from_client

            def datagram_received(self, data, addr):
                relay._received(data, addr, self.from_client)

        self._toward_bridge, _ = await loop.create_datagram_endpoint(lambda: Side(True), local_addr=(LOOPBACK, 0))
        self._toward_client, _ = await loop.create_datagram_endpoint(lambda: Side(False), local_addr=(LOOPBACK, 0))
        return self

    def close(self) -> None:
        for transport in (self._toward_bridge, self._toward_client):
            if transport is not None:
                transport.close()

    def port(self, of: str) -> int:
        transport = self._toward_bridge if of == "toward_bridge" else self._toward_client
        return transport.get_extra_info("sockname")[1]

    def candidate_map(self, cand: Candidate, direction: str) -> Candidate:
        """For JinglePeer(candidate_map=...): put the relay in the path of the one loopback pair."""
        import copy
        mapped = copy.copy(cand)
        mapped.ip = LOOPBACK
        if direction == "local":
            self.client = (cand.ip, cand.port)
            mapped.port = self.port("toward_client")
        else:
            self.bridge = (cand.ip, cand.port)
            mapped.port = self.port("toward_bridge")
        return mapped

    def _received(self, data: bytes, addr: tuple, from_client: bool) -> None:
        if from_client:
            self.client = self.client or addr
            target, out = self.bridge, self._toward_client
        else:
            target, out = self.client, self._toward_bridge
        if target is None:
            return
        delay = self.impair(data, from_client)
        if delay is None:
            self.dropped[from_client] += 1
            return
        self.forwarded[from_client] += 1
        if delay <= 0:
            out.sendto(data, target)
        else:
            self.delayed[from_client] += 1
            asyncio.get_running_loop().call_later(delay, out.sendto, data, target)


def impairing(loss: float, reorder: float, *, from_client: bool = True, from_bridge: bool = True,
              seed: int = 7) -> Callable[[bytes, bool], Optional[float]]:
    """Random loss and reordering (45 ms late: two to three packets) of media packets in the chosen
    directions; STUN and DTLS pass (the DTLS test below loses handshake packets on purpose)."""
    rng = random.Random(seed)

    def impair(packet: bytes, client_sent: bool) -> Optional[float]:
        if is_dtls(packet) or packet[0] < 4 or not (from_client if client_sent else from_bridge):
            return 0.0  # RFC 7983: 0-3 STUN, 20-63 DTLS
        roll = rng.random()
        if roll < loss:
            return None
        if roll < loss + reorder:
            return 0.045
        return 0.0
    return impair


async def _call_through(relay: ImpairmentRelay, xmpp_server, callee: str, codec: str, seconds: float):
    """Calls `callee` with the relay in the media path; returns what the client heard."""
    try:
        return await record_call(xmpp_server, callee, codec=codec, seconds=seconds, use_jmi=False,
                                 candidate_map=relay.candidate_map)
    finally:
        relay.close()


def _check_relay(relay: ImpairmentRelay, *, dropped: bool, delayed: bool) -> None:
    """The relay really was in the path both ways, and really impaired it."""
    print(f"forwarded {relay.forwarded}, dropped {relay.dropped}, delayed {relay.delayed}")
    for side in (True, False):
        assert relay.forwarded[side] > 200, relay.forwarded
        assert relay.delayed[side] > 5 or not delayed, relay.delayed
    assert relay.dropped[True] > 3 or not dropped, relay.dropped


@pytest.mark.parametrize("codec", ["opus", "PCMU"])
def test_echo_through_reordering_keeps_the_tone(request, xmpp_server, tmp_path, codec):
    """5 % of the packets each way arrive 45 ms late (two to three packets out of order): SRTP replay
    protection, the RTP rewriting and RTCP of the echo path cope, and the tone comes back whole."""
    make_sip_bridge(request, xmpp_server, _NoPhone(), tmp_path / "bridge")
    seconds = 5.0

    async def body():
        relay = await ImpairmentRelay(impairing(0.0, 0.05)).start()
        return relay, await _call_through(relay, xmpp_server, "echo@sip.localhost", codec, seconds)
    relay, (samples, rate) = run(body)
    _check_relay(relay, dropped=False, delayed=True)
    analyse_tone(samples, rate, 440.0, skip_seconds=0.5).check(440.0, min_seconds=seconds - 1.5)


def test_transcoded_call_conceals_loss_from_the_client(request, xmpp_server, tmp_path):
    """3 % loss and 5 % reordering from the client (Opus) to the bridge, reordering back: the bridge's
    jitter buffer reorders and Opus loss concealment fills the gaps, so the phone (PCMU, transcoded)
    hears the tone within the usual bounds (200 ms of gaps per 10 s). Loss toward the client is left
    out: aiortc 1.4's receiver stalls on a missing packet, which would measure aiortc, not the bridge."""
    phone = BaresipPeer(tmp_path / "baresip", user=NUMBER, codecs=("PCMU",), tone_hz=880)
    phone.start()
    request.addfinalizer(phone.stop)
    make_sip_bridge(request, xmpp_server, phone, tmp_path / "bridge")
    seconds = 6.0

    async def body():
        relay = await ImpairmentRelay(impairing(0.03, 0.05, from_bridge=False)).start()
        relay_back = relay.impair
        reorder_back = impairing(0.0, 0.05, from_client=False, seed=11)
        relay.impair = lambda p, c: relay_back(p, c) if c else reorder_back(p, c)
        return relay, await _call_through(relay, xmpp_server, f"{NUMBER}@sip.localhost", "opus", seconds)
    relay, (samples, rate) = run(body)
    _check_relay(relay, dropped=True, delayed=True)
    analyse_tone(*phone.recording(), 440.0, skip_seconds=0.5).check(440.0, min_seconds=seconds - 2)
    analyse_tone(samples, rate, 880.0, skip_seconds=0.5).check(880.0, min_seconds=seconds - 2)


class _NoPhone(_SippPhone):
    """A trunk nobody calls (the echo test needs no SIP peer; no qualify OPTIONS either)."""
    def __init__(self):
        super().__init__(free_ports(1)[0])


def test_inbound_call_survives_a_lost_final_dtls_flight(request, xmpp_server, tmp_path):
    """An inbound call makes the bridge the DTLS server (it offers actpass, aiortc answers active). The
    relay drops the bridge's first ChangeCipherSpec/Finished flight: aiortc retransmits its own final
    flight, the bridge must answer it again (RFC 6347 4.2.4), and the call then carries audio both ways."""
    phone = BaresipPeer(tmp_path / "baresip", user=NUMBER, codecs=("PCMU",), tone_hz=880)
    phone.start()
    request.addfinalizer(phone.stop)
    bridge = make_sip_bridge(request, xmpp_server, phone, tmp_path / "bridge")
    dropped_flights = []

    def impair(packet: bytes, from_client: bool) -> Optional[float]:
        # Content type 20 is ChangeCipherSpec: the datagram opening the server's final flight.
        if not from_client and is_dtls(packet) and 20 in dtls_content_types(packet) and not dropped_flights:
            dropped_flights.append(len(packet))
            return None
        if not from_client and dropped_flights and is_dtls(packet) and len(dropped_flights) == 1 \
                and 22 in dtls_content_types(packet) and packet[3:5] == b"\x00\x01":
            # A Finished (epoch 1) sent in its own datagram right after the dropped CCS goes too.
            dropped_flights.append(len(packet))
            return None
        return 0.0

    async def body():
        relay = await ImpairmentRelay(impair).start()
        peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=[LOOPBACK],
                               candidate_map=relay.candidate_map)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(None, phone.dial, f"sip:{DID}@127.0.0.1:{bridge.sip_port}")
            await peer.wait_event("accepted", timeout=15)
            await peer.wait_event("connected", timeout=15)
            await loop.run_in_executor(None, lambda: phone.wait_event("established", timeout=10))
            await asyncio.sleep(4.0)
            samples, rate = peer.received_audio()
            setup = next((s for _, _, s in peer.last_call.local_desc.audio().fingerprints), None)
            await peer.hang_up()
            return samples, rate, setup
        finally:
            await peer.close()
            relay.close()
    samples, rate, client_setup = run(body)
    assert dropped_flights, "no ChangeCipherSpec from the bridge was dropped"
    # The bridge offered actpass and aiortc answered active: the bridge was the DTLS server, the side
    # whose final flight only a retransmission on request can repair.
    assert client_setup == "active", client_setup
    analyse_tone(samples, rate, 880.0, skip_seconds=0.5).check(880.0, min_seconds=2.0)
    analyse_tone(*phone.recording(), 440.0, skip_seconds=0.5).check(440.0, min_seconds=2.0)


class StunServer(asyncio.DatagramProtocol):
    """A minimal RFC 8489 Binding server that reports a fixed "public" address, as a STUN server on the
    far side of a NAT would: the bridge must turn it into a server-reflexive candidate."""

    MAGIC = 0x2112A442

    def __init__(self, public_ip: str, public_port: int):
        self.public = (public_ip, public_port)
        self.requests = 0

    def datagram_received(self, data, addr):
        if len(data) < 20 or data[0:2] != b"\x00\x01" or int.from_bytes(data[4:8], "big") != self.MAGIC:
            return
        self.requests += 1
        ip = bytes(int(x) for x in self.public[0].split("."))
        xport = (self.public[1] ^ (self.MAGIC >> 16)).to_bytes(2, "big")
        xaddr = bytes(b ^ m for b, m in zip(ip, self.MAGIC.to_bytes(4, "big")))
        attribute = b"\x00\x20" + (8).to_bytes(2, "big") + b"\x00\x01" + xport + xaddr
        header = b"\x01\x01" + len(attribute).to_bytes(2, "big") + data[4:20]
        self.transport.sendto(header + attribute, addr)

    def connection_made(self, transport):
        self.transport = transport


def test_stun_server_gives_a_server_reflexive_candidate(request, xmpp_server, tmp_path):
    """<media><stun server>: each call asks the STUN server for its public address and signals it as a
    server-reflexive candidate (related to the host candidate), trickled in a transport-info when the
    session-accept already went out; the call itself keeps working on the host pair."""
    stun_port = free_ports(1)[0]
    bridge = Bridge(bridge_binary(), xmpp_server, tmp_path / "bridge")
    bridge.media_xml = f'<stun server="127.0.0.1:{stun_port}"/>'
    request.addfinalizer(bridge.stop)

    async def body():
        loop = asyncio.get_running_loop()
        stun = StunServer("203.0.113.77", 40000)
        transport, _ = await loop.create_datagram_endpoint(lambda: stun, local_addr=(LOOPBACK, stun_port))
        peer = None
        try:
            await loop.run_in_executor(None, bridge.start)
            peer = await open_peer(xmpp_server, "alice", "phone", freq=440.0, ice_addresses=[LOOPBACK])
            await peer.call("echo@sip.localhost", use_jmi=False, codecs=["opus"])
            await peer.wait_event("accepted", timeout=10)
            await peer.wait_event("connected", timeout=10)
            await asyncio.sleep(3.0)
            samples, rate = peer.received_audio()
            candidates = [c for j in peer.received_jingle() for c in j.iter(q(NS_ICE_UDP, "candidate"))]
            await peer.hang_up()
            return stun.requests, candidates, samples, rate
        finally:
            if peer is not None:
                await peer.close()
            transport.close()
    requests, candidates, samples, rate = run(body)
    assert requests >= 1, "the bridge never asked the STUN server"
    srflx = [c.attrib for c in candidates if c.get("type") == "srflx"]
    assert any(c.get("ip") == "203.0.113.77" and c.get("port") == "40000" and c.get("rel-addr") == LOOPBACK
               for c in srflx), [c.attrib for c in candidates]
    analyse_tone(samples, rate, 440.0, skip_seconds=0.5).check(440.0, min_seconds=1.5)
