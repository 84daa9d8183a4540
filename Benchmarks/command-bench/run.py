#!/usr/bin/env python3
"""Ad-hoc command latency with many live calls.

Starts Prosody on loopback with two components, the bridge (`sip.localhost`) and the load
(`loadgen.localhost`), then runs the command-bench executable: it places `--calls` Jingle calls with
real ICE + DTLS-SRTP media to the bridge's echo extension and times "Bridge status" and "Active calls"
from an admin of the load's domain. Build first: `swift build -c release --product jingle-sip-bridge
--product command-bench`, or use `make bench-commands`.
"""

from __future__ import annotations

import argparse
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from bridge import Bridge, config_xml  # noqa: E402
from servers import ProsodyServer, free_ports  # noqa: E402

LOAD = "loadgen.localhost"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--ramp", type=int, default=100, help="calls placed per second")
    parser.add_argument("--build", default=str(ROOT / ".build" / "release"), help="where the two binaries are")
    options = parser.parse_args()
    build = Path(options.build).resolve()

    root = Path(tempfile.mkdtemp(prefix="command-bench-"))
    server = ProsodyServer(root / "prosody")
    secret = secrets.token_hex(12)
    server.extra_components[LOAD] = secret
    server.start()
    bridge = Bridge(build / "jingle-sip-bridge", server, root / "bridge")
    calls = options.calls
    sip_xml = f"""<sip><listen transport="udp" address="127.0.0.1" port="{free_ports(1)[0]}"/>
      <limits calls="{calls + 100}" calls-per-user="4" calls-per-minute="100"/></sip>"""
    text = config_xml(server, bridge.data_dir, admins=(f"admin@{LOAD}",), allowed=(), sip_xml=sip_xml)
    text = text.replace("<access>", f'<access><allow domain="{LOAD}"/>').replace('<log level="debug"/>',
                                                                               '<log level="notice"/>')
    bridge.write_config = lambda: bridge.config_path.write_text(text)
    try:
        bridge.start()
        return subprocess.run([
            str(build / "command-bench"), "--port", str(server.component_port), "--domain", LOAD,
            "--secret", secret, "--calls", str(calls), "--samples", str(options.samples),
            "--ramp", str(options.ramp)], check=False).returncode
    finally:
        bridge.stop()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
