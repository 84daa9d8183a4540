"""`check-config` and `run` on good and bad configuration files (no server needed)."""

import subprocess
from types import SimpleNamespace

import pytest

from bridge import bridge_binary, config_xml


@pytest.fixture(scope="module")
def binary():
    b = bridge_binary()
    if not b.exists():
        pytest.fail(f"bridge binary not found: {b} (build it, or set BRIDGE_BIN)", pytrace=False)
    return b


def _run(argv, timeout=15):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def _good(tmp_path):
    server = SimpleNamespace(host="127.0.0.1", component_port=5347,
                             component_domain="sip.localhost", component_secret="s3cret")
    p = tmp_path / "good.xml"
    p.write_text(config_xml(server, tmp_path / "bridge-data"))
    return p


BAD = {
    "malformed": '<bridge xmlns="urn:xmpp:jingle-sip-bridge:config:1"><xmpp server="127.0.0.1"',
    "bad-port": ('<bridge xmlns="urn:xmpp:jingle-sip-bridge:config:1">'
                 '<xmpp server="127.0.0.1" port="not-a-port" domain="sip.localhost" secret="x"/>'
                 '<data directory="{data}"/></bridge>'),
    "no-xmpp-element": ('<bridge xmlns="urn:xmpp:jingle-sip-bridge:config:1">'
                        '<data directory="{data}"/></bridge>'),
}


def _bad(tmp_path, name):
    p = tmp_path / f"{name}.xml"
    p.write_text(BAD[name].replace("{data}", str(tmp_path / "bridge-data")))
    return p


def test_check_config_accepts_the_test_config(binary, tmp_path):
    r = _run([binary, "check-config", _good(tmp_path)])
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout}{r.stderr}"


@pytest.mark.parametrize("name", sorted(BAD))
def test_check_config_rejects_bad_config(binary, tmp_path, name):
    r = _run([binary, "check-config", _bad(tmp_path, name)])
    assert r.returncode == 2, f"{name}: expected exit 2, got {r.returncode}\n{r.stdout}{r.stderr}"


def test_run_with_bad_config_exits_2(binary, tmp_path):
    r = _run([binary, "run", "--config", _bad(tmp_path, "malformed"), "--log-level", "debug"])
    assert r.returncode == 2, f"expected exit 2, got {r.returncode}\n{r.stdout}{r.stderr}"
