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
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from bridge import Bridge, config_xml  # noqa: E402
from servers import ProsodyServer, free_ports  # noqa: E402

LOAD = "loadgen.localhost"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process (proc(5): fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
        pid = bridge.process.proc.pid
        cpu_before, wall_before = cpu_seconds(pid), time.monotonic()
        code = subprocess.run([
            str(build / "command-bench"), "--port", str(server.component_port), "--domain", LOAD,
            "--secret", secret, "--calls", str(calls), "--samples", str(options.samples),
            "--ramp", str(options.ramp)], check=False).returncode
        cpu, wall = cpu_seconds(pid) - cpu_before, time.monotonic() - wall_before
        # The bridge's share of the machine while the calls ran: evidence that the media was real.
        print(f"bridge process: {cpu:.1f} s of CPU in {wall:.1f} s ({100 * cpu / wall:.0f} % of one core)")
        return code
    finally:
        bridge.stop()
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
