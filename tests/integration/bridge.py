"""The jingle-sip-bridge process under test."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path
from xml.sax.saxutils import quoteattr

from clients import Session
from servers import ManagedProcess, free_ports, tail

REPO_ROOT = Path(__file__).resolve().parents[2]
CONFIG_NS = "urn:xmpp:jingle-sip-bridge:config:1"


def bridge_binary() -> Path:
    p = Path(os.environ.get("BRIDGE_BIN", ".build/debug/jingle-sip-bridge"))
    return p if p.is_absolute() else REPO_ROOT / p


def config_xml(server, data_dir: Path, admins=("admin@localhost",),
               allowed=("alice@localhost", "admin@localhost"), sip_xml: str = "", media_xml: str = "") -> str:
    a = quoteattr
    if not sip_xml:
        # A SIP listener of its own, so bridges under test never fight over 5060.
        sip_xml = f'<sip><listen transport="udp" address="127.0.0.1" port="{free_ports(1)[0]}"/></sip>'
    admins_xml = "".join(f"<jid>{j}</jid>" for j in admins)
    allow_xml = "".join(f"<allow jid={a(j)}/>" for j in allowed)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bridge xmlns="{CONFIG_NS}">
  <xmpp server={a(server.host)} port="{server.component_port}" domain={a(server.component_domain)}
        secret={a(server.component_secret)}
        reconnect-min="0.2" reconnect-max="2" ping-interval="5" ping-timeout="3"/>
  <data directory={a(str(data_dir))}/>
  <admins>{admins_xml}</admins>
  <access>{allow_xml}</access>
  <media bind-address="127.0.0.1">{media_xml}</media>
  {sip_xml}
  <log level="debug"/>
</bridge>
"""


class Bridge:
    def __init__(self, binary: Path, server, root: Path):
        self.binary = Path(binary)
        self.server = server
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.config_path = self.root / "bridge.xml"
        self.data_dir = self.root / "bridge-data"
        self.log_path = self.root / "bridge.log"
        self.process: "ManagedProcess | None" = None
        self.last_startup_seconds: "float | None" = None
        self.sip_xml = ""  # inner XML of <sip>, e.g. listeners, trunks and routes
        self.media_xml = ""  # inner XML of <media>, e.g. <stun server=.../>

    def write_config(self) -> None:
        self.config_path.write_text(config_xml(self.server, self.data_dir, sip_xml=self.sip_xml,
                                               media_xml=self.media_xml))

    def start(self, timeout: float = 15.0) -> float:
        """Start the bridge and wait until the component answers disco#info."""
        t0 = time.monotonic()
        self.write_config()
        self.process = ManagedProcess(
            "bridge", [str(self.binary), "run", "--config", str(self.config_path),
                       "--log-level", "debug"],
            self.log_path, cwd=self.root)
        self.process.start()
        try:
            self.wait_online(timeout, since=t0)
        except BaseException:
            self.process.stop(timeout=3)
            raise
        self.last_startup_seconds = time.monotonic() - t0
        return self.last_startup_seconds

    def stop(self) -> "int | None":
        return self.process.stop(timeout=5) if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.running()

    def wait_online(self, timeout: float = 10.0, since: "float | None" = None) -> float:
        """Poll disco#info on the component domain from a fresh client until it answers
        with a result.  Returns the seconds it took (from `since`)."""
        since = time.monotonic() if since is None else since
        deadline = since + timeout
        server = self.server
        last = "no answer yet"

        async def poll():
            nonlocal last
            async with Session(server) as s:
                c = None
                while time.monotonic() < deadline:
                    if not self.running():
                        raise RuntimeError(
                            f"bridge exited with code {self.process.proc.returncode}\n"
                            + self.log_tail())
                    try:
                        if c is None:
                            c = await s.login("admin", resource="probe", timeout=5,
                                              initial_presence=False)
                        r = await c.disco_info(server.component_domain, timeout=2)
                        if r.type == "result":
                            return
                        last = r.dump()
                    except AssertionError as e:  # login failed / timeout (server restarting)
                        last = str(e)
                        c = None
                    await asyncio.sleep(0.2)
                raise RuntimeError(
                    f"component {server.component_domain} not online on {server.kind} after "
                    f"{timeout}s (last: {last})\n--- bridge log ---\n{self.log_tail()}")

        asyncio.run(poll())
        return time.monotonic() - since

    def log_tail(self, lines: int = 80) -> str:
        return tail(self.log_path, lines)

    def check_config(self, path: Path, timeout: float = 20) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.binary), "check-config", str(path)],
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
