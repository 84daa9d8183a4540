"""Fixtures: throw-away XMPP servers (Prosody, ejabberd) and the bridge under test.

Every process is started as a child of the test run, on 127.0.0.1, and is
stopped by PID in a finalizer (SIGTERM, then SIGKILL); an atexit hook and
PR_SET_PDEATHSIG cover the remaining cases.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bridge import Bridge, bridge_binary  # noqa: E402
from servers import SERVERS, XMPPServer, make_server  # noqa: E402

SERVER_KINDS = [k for k in os.environ.get("XMPP_SERVERS", "prosody,ejabberd").split(",") if k]
for _k in SERVER_KINDS:
    if _k not in SERVERS:
        raise pytest.UsageError(f"XMPP_SERVERS: unknown server {_k!r} (known: {', '.join(SERVERS)})")


@dataclass
class Stack:
    server: XMPPServer
    bridge: Bridge


def _start_server(request, kind: str, root: Path) -> XMPPServer:
    srv = make_server(kind, root)
    request.addfinalizer(srv.stop)
    took = srv.start()
    print(f"\n[{kind}] started in {took:.2f}s: {srv}", file=sys.stderr)
    return srv


def _start_bridge(request, server: XMPPServer, root: Path) -> Bridge:
    binary = bridge_binary()
    if not binary.exists():
        pytest.fail(f"bridge binary not found: {binary} (build it, or set BRIDGE_BIN)",
                    pytrace=False)
    b = Bridge(binary, server, root)
    request.addfinalizer(b.stop)
    took = b.start()
    print(f"\n[bridge on {server.kind}] online in {took:.2f}s", file=sys.stderr)
    return b


@pytest.fixture(scope="module", params=SERVER_KINDS)
def server_kind(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def xmpp_server(request, server_kind, tmp_path_factory) -> XMPPServer:
    """One server per test module and server kind."""
    return _start_server(request, server_kind, tmp_path_factory.mktemp(server_kind))


@pytest.fixture(scope="module")
def bridge(request, xmpp_server, tmp_path_factory) -> Bridge:
    """The bridge connected as component sip.localhost to `xmpp_server`."""
    return _start_bridge(request, xmpp_server, tmp_path_factory.mktemp("bridge"))


@pytest.fixture
def fresh_stack(request, server_kind, tmp_path) -> Stack:
    """A server + bridge of their own, for tests that restart things."""
    srv = _start_server(request, server_kind, tmp_path / server_kind)
    return Stack(srv, _start_bridge(request, srv, tmp_path / "bridge"))


def _log_sections(obj):
    if isinstance(obj, Stack):
        yield from _log_sections(obj.bridge)
        yield from _log_sections(obj.server)
    elif isinstance(obj, Bridge):
        yield (f"bridge log tail ({obj.log_path})", obj.log_tail())
    elif isinstance(obj, XMPPServer):
        yield (f"{obj.kind} log tail ({obj.log_path})", obj.log_tail(40))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, attach the tails of the bridge's and the server's logs."""
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    seen = set()
    for name in ("fresh_stack", "bridge", "xmpp_server"):
        obj = getattr(item, "funcargs", {}).get(name)
        if obj is None:
            continue
        for title, text in _log_sections(obj):
            if title not in seen:
                seen.add(title)
                rep.sections.append((title, text))
