"""SIP over WebSocket (RFC 7118) against the bridge's ws and wss listeners, with aiohttp's WebSocket client as
the independent peer: the `sip` subprotocol is negotiated, OPTIONS is answered over the same
connection, a malformed request gets 400, and an upgrade without the subprotocol is refused."""

from __future__ import annotations

import asyncio
import sys
import uuid
from pathlib import Path

import aiohttp
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bridge import Bridge, bridge_binary  # noqa: E402
from servers import free_ports  # noqa: E402
from test_calls_sip_transports import self_signed  # noqa: E402


@pytest.fixture(params=["ws", "wss"])
def ws_bridge(request, xmpp_server, tmp_path):
    """A bridge with a ws or wss listener (wss with a self-signed certificate from openssl)."""
    bridge = Bridge(bridge_binary(), xmpp_server, tmp_path / "bridge")
    udp_port, ws_port = free_ports(2)
    tls = ""
    if request.param == "wss":
        both = self_signed(tmp_path / "tls")
        tls = f' certificate="{both.parent / "cert.pem"}" private-key="{both.parent / "key.pem"}"'
    bridge.sip_xml = f"""<sip>
      <listen transport="udp" address="127.0.0.1" port="{udp_port}"/>
      <listen transport="{request.param}" address="127.0.0.1" port="{ws_port}"{tls}/>
    </sip>"""
    bridge.ws_url = f"{request.param}://127.0.0.1:{ws_port}/"
    request.addfinalizer(bridge.stop)
    bridge.start()
    return bridge


def options(content_length: bool = True) -> str:
    branch = "z9hG4bK" + uuid.uuid4().hex[:12]
    lines = [
        "OPTIONS sip:sip.localhost SIP/2.0",
        f"Via: SIP/2.0/WS df7jal23ls0d.invalid;branch={branch}",
        "Max-Forwards: 70",
        "To: <sip:sip.localhost>",
        f"From: <sip:alice@example.test>;tag={uuid.uuid4().hex[:8]}",
        f"Call-ID: {uuid.uuid4().hex}",
        "CSeq: 1 OPTIONS",
    ]
    if content_length:
        lines.append("Content-Length: 0")
    return "\r\n".join(lines) + "\r\n\r\n"


async def exchange(url: str, messages: "list[str]", protocols=("sip",)) -> "tuple[str | None, list[str]]":
    """Sends each message and reads one answer per message; returns the negotiated subprotocol.
    The certificate of a wss listener is self-signed, so it is not verified."""
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, protocols=protocols, ssl=False) as ws:
            answers = []
            for message in messages:
                await ws.send_str(message)
                reply = await asyncio.wait_for(ws.receive(), 5)
                answers.append(reply.data if isinstance(reply.data, str) else bytes(reply.data).decode())
            return ws.protocol, answers


def test_options_over_websocket(ws_bridge):
    # RFC 7118 5.2: over WebSocket, Content-Length may be left out.
    protocol, answers = asyncio.run(exchange(ws_bridge.ws_url, [options(), options(content_length=False)]))
    assert protocol == "sip"
    for answer in answers:
        assert answer.startswith("SIP/2.0 200 OK\r\n"), answer
        assert "Via: SIP/2.0/WS df7jal23ls0d.invalid;" in answer
        assert "Allow: " in answer


def test_malformed_request_over_websocket_gets_400(ws_bridge):
    bad = options().replace("Max-Forwards: 70", "Max-Forwards: many")
    _, answers = asyncio.run(exchange(ws_bridge.ws_url, [bad]))
    assert answers[0].startswith("SIP/2.0 400 "), answers[0]
    assert "Max-Forwards" in answers[0].split("\r\n")[0]


def test_upgrade_without_the_sip_subprotocol_is_refused(ws_bridge):
    with pytest.raises(aiohttp.WSServerHandshakeError):
        asyncio.run(exchange(ws_bridge.ws_url, [options()], protocols=()))
