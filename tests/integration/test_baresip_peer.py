"""Self-test of baresip_peer.BaresipPeer with real programs only: two baresips
calling each other on loopback, and SIPp (UAS, UAC with SIP INFO, registrar)
on the other side of one baresip.

    cd tests/integration && /usr/bin/python3 -m pytest -x -q test_baresip_peer.py
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from audio_analysis import analyse_tone, write_tone_wav
from baresip_peer import BaresipPeer, available_codecs, free_udp_tcp_ports
from servers import LOOPBACK, ManagedProcess, tail
from sipp_scenarios import (PCMU, SERVICE_URI, Caller, dtmf_relay, jump_if, label, pause, recv, scenario, sdp,
                            uac_request, uas_response, verifyauth)

SIPP = "/usr/bin/sipp"
CODECS = available_codecs()
TALK_SECONDS = 4.5
SKIP_SECONDS = 0.5  # the start of a recording (jitter buffer filling) is not judged


@pytest.fixture
def make_peer(request, tmp_path):
    """BaresipPeer factory; every peer is stopped (by PID) after the test."""
    peers: "list[BaresipPeer]" = []

    def make(user: str, **kw) -> BaresipPeer:
        peer = BaresipPeer(tmp_path / user, user, **kw)
        peers.append(peer)
        request.addfinalizer(lambda: _stop_and_check(peer))
        peer.start()
        return peer

    return make


def _stop_and_check(peer: BaresipPeer) -> None:
    pid = peer.process.pid if peer.process else None
    peer.stop()
    if pid is not None:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


class Sipp:
    """One SIPp run (a built-in or a generated scenario) as a managed child process."""

    def __init__(self, root: Path, name: str, args: "list[str]", scenario: "str | None" = None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.port, self.media_port = free_udp_tcp_ports(2)
        self.messages = self.root / f"{name}-messages.log"
        self.errors = self.root / f"{name}-errors.log"
        argv = [SIPP]
        if scenario is not None:
            path = self.root / f"{name}.xml"
            path.write_text(scenario)
            argv += ["-sf", str(path)]
        argv += [*args, "-i", LOOPBACK, "-p", str(self.port), "-mi", LOOPBACK,
                 "-mp", str(self.media_port), "-m", "1", "-nostdin",
                 "-trace_msg", "-message_file", str(self.messages),
                 "-trace_err", "-error_file", str(self.errors),
                 "-timeout", "15", "-timeout_error"]
        self.process = ManagedProcess(f"sipp-{name}", argv, self.root / f"{name}.out", cwd=self.root)

    def start(self) -> "Sipp":
        self.process.start()
        return self

    def wait(self, timeout: float = 10.0) -> int:
        """SIPp's exit code: 0 when its one call went through the scenario."""
        try:
            return self.process.proc.wait(timeout)
        finally:
            self.process.stop(timeout=2)

    def stop(self) -> None:
        self.process.stop(timeout=2)

    def log(self) -> str:
        return tail(self.messages, 80) + "\n--- errors ---\n" + tail(self.errors, 20)


@pytest.fixture
def make_sipp(request, tmp_path):
    def make(name: str, args: "list[str]", scenario: "str | None" = None) -> Sipp:
        sipp = Sipp(tmp_path / "sipp", name, args, scenario)
        request.addfinalizer(sipp.stop)
        return sipp.start()

    return make


def _wait_established(*peers: BaresipPeer) -> None:
    for p in peers:
        p.wait_event("established", 5)


def _check_tone(peer: BaresipPeer, expected_hz: float):
    samples, rate = peer.recording()
    report = analyse_tone(samples, rate, expected_hz, skip_seconds=SKIP_SECONDS)
    print(f"\n[{peer.user} heard, {peer.codecs[0]}] {rate} Hz: {report}")
    report.check(expected_hz, min_seconds=TALK_SECONDS - 1.0)
    return report


def test_codecs_shipped():
    # Debian's baresip 1.0 ships all four; a missing one would silently shrink the matrix below.
    assert CODECS == ["PCMU", "PCMA", "G722", "opus"], CODECS


@pytest.mark.parametrize("codec", CODECS)
def test_call_carries_both_tones(make_peer, codec):
    a = make_peer("a", codecs=[codec], tone_hz=440)
    b = make_peer("b", codecs=[codec], tone_hz=880)
    a.dial(b.uri())
    incoming = b.wait_event("incoming", 5)
    assert incoming.peer_uri == a.aor and incoming.direction == "incoming"
    a.wait_event("ringing", 5)
    _wait_established(a, b)
    status = a.audio_status()
    assert status is not None and status.encoder.startswith(codec), status
    time.sleep(TALK_SECONDS)
    a.hangup()
    assert a.wait_event("closed", 5).param == "Connection reset by user"
    closed = b.wait_event("closed", 5)
    assert closed.param == "Connection reset by peer" and closed.call_id == incoming.call_id
    _check_tone(a, 880)
    _check_tone(b, 440)


def test_wav_source_plays_then_ends_call(make_peer, tmp_path):
    """aufile (source_wav) sends the file once; at its end baresip 1.0 hangs up."""
    wav = tmp_path / "tone-1000.wav"
    write_tone_wav(wav, 1000, 2.5, rate=16000)
    a = make_peer("a", codecs=["G722"], source_wav=wav)
    b = make_peer("b", codecs=["G722"], tone_hz=880)
    a.dial(b.uri())
    _wait_established(a, b)
    assert a.wait_event("AUDIO_ERROR", 5).param.endswith("end of file")
    assert a.wait_event("closed", 2).param == "end of file"
    assert b.wait_event("closed", 2).param == "Connection reset by peer"
    samples, rate = b.recording()
    report = analyse_tone(samples, rate, 1000, skip_seconds=SKIP_SECONDS)
    print(f"\n[b heard a's WAV, G722] {rate} Hz: {report}")
    report.check(1000, min_seconds=1.5)


def test_manual_answer_over_tcp_and_dtmf(make_peer):
    a = make_peer("a", codecs=["PCMU", "PCMA"], tone_hz=440)
    b = make_peer("b", codecs=["PCMA"], tone_hz=880, answer_mode="manual")
    a.dial(b.uri("tcp"))
    b.wait_event("incoming", 5)
    a.wait_event("ringing", 5)
    time.sleep(0.5)
    assert not a.events("established"), "answered without answer()"
    b.answer()
    _wait_established(a, b)
    assert "SIP/2.0/TCP" in Path(b.log_path).read_text(errors="replace")
    assert a.audio_status().encoder.startswith("PCMA")
    digits = "159#*0AD"
    a.send_dtmf(digits)
    assert b.wait_dtmf(len(digits), 5) == digits
    b.hangup()
    assert a.wait_event("closed", 5).param == "Connection reset by peer"
    b.wait_event("closed", 5)


def test_reject_reports_status(make_peer):
    a = make_peer("a", codecs=["PCMU"])
    b = make_peer("b", codecs=["PCMU"], answer_mode="manual")
    a.dial(b.uri())
    b.wait_event("incoming", 5)
    b.hangup()
    closed = a.wait_event("closed", 5)
    assert closed.status == 486, closed
    # A codec mismatch is refused with 488 by the callee itself.
    c = make_peer("c", codecs=["G722"])
    a.forget_events()
    a.dial(c.uri())
    closed = a.wait_event("closed", 5)
    assert closed.status == 488, closed


def test_hold_and_resume(make_peer):
    a = make_peer("a", codecs=["PCMU"], tone_hz=440)
    b = make_peer("b", codecs=["PCMU"], tone_hz=880)
    a.dial(b.uri())
    _wait_established(a, b)
    time.sleep(0.5)
    before = a.audio_status()
    assert before.direction == "sendrecv" and before.packets_received > 0, before

    a.hold()
    b.wait_event("CALL_REMOTE_SDP", 5, param="offer")
    time.sleep(0.3)
    held_a, held_b = a.audio_status(), b.audio_status()
    assert (held_a.direction, held_b.direction) == ("sendonly", "recvonly"), (held_a, held_b)
    time.sleep(1.0)
    # recvonly: B sends nothing while A holds.
    assert a.audio_status().packets_received == held_a.packets_received

    a.resume()
    b.wait_event("CALL_REMOTE_SDP", 5, param="offer")
    time.sleep(0.3)
    resumed_a, resumed_b = a.audio_status(), b.audio_status()
    assert (resumed_a.direction, resumed_b.direction) == ("sendrecv", "sendrecv")
    time.sleep(1.0)
    after_a, after_b = a.audio_status(), b.audio_status()
    assert after_a.packets_received >= resumed_a.packets_received + 40, (resumed_a, after_a)
    assert after_b.packets_received >= resumed_b.packets_received + 40, (resumed_b, after_b)
    a.hangup()
    b.wait_event("closed", 5)


def test_sipp_uas_answers_baresip(make_peer, make_sipp):
    """SIPp's built-in UAS answers and echoes RTP: baresip hears its own tone."""
    sipp = make_sipp("uas", ["-sn", "uas", "-rtp_echo"])
    a = make_peer("a", codecs=["PCMU"], tone_hz=440, ptime=40)
    a.dial(f"sip:service@{LOOPBACK}:{sipp.port}")
    assert a.wait_event("ringing", 15).peer_uri.startswith("sip:service@")
    a.wait_event("established", 15)
    time.sleep(TALK_SECONDS)
    a.hangup()
    assert a.wait_event("closed", 5).param == "Connection reset by user"
    assert sipp.wait() == 0, sipp.log()
    offer = sipp.messages.read_text(errors="replace")
    assert "a=ptime:40" in offer and "a=rtpmap:0 PCMU/8000" in offer, offer[:2000]
    _check_tone(a, 440)


# This caller writes its requests its own way: From sipp, the INVITE's To with the callee's tag
# ([peer_tag_param]) on the later requests, and a Contact on the INVITE only.
_INFO_CALLER = Caller(user="sipp", tag="uac", dialog_to=f"To: <{SERVICE_URI}>[peer_tag_param]",
                      contact_in_dialog=False)

UAC_WITH_INFO = scenario(
    "UAC sending DTMF by SIP INFO",
    uac_request("INVITE", 1, initial=True, body=sdp(PCMU, ip_type_keywords=True), caller=_INFO_CALLER),
    recv(100, optional=True),
    recv(180, optional=True),
    recv(200, rrs=True),
    uac_request("ACK", 1, caller=_INFO_CALLER),
    pause(500),
    uac_request("INFO", 2, body=dtmf_relay("7", 160), caller=_INFO_CALLER),
    recv(200),
    pause(500),
    uac_request("BYE", 3, caller=_INFO_CALLER),
    recv(200, crlf=True),
)


def test_sipp_uac_calls_baresip_with_info_dtmf(make_peer, make_sipp):
    """An INVITE from SIPp is auto-answered; a SIP INFO dtmf-relay digit is reported."""
    b = make_peer("b", codecs=["PCMU"], tone_hz=880)
    sipp = make_sipp("uac", [f"{LOOPBACK}:{b.sip_port}", "-s", "b", "-rtp_echo"], UAC_WITH_INFO)
    incoming = b.wait_event("incoming", 5)
    assert incoming.peer_uri.startswith("sip:sipp@"), incoming
    b.wait_event("established", 5)
    b.wait_event("dtmf_start", 5)
    assert b.received_dtmf() == "7"
    assert b.wait_event("closed", 5).param == "Connection reset by peer"
    assert sipp.wait() == 0, sipp.log()


def _registrar(password: str) -> str:
    """A registrar that challenges the first REGISTER (digest, qop=auth), answers the second 200 if it
    proves alice's `password` and 403 if not, then answers 200 to the REGISTER that unregisters."""
    return scenario(
        "registrar with digest",
        recv("REGISTER", crlf=True),
        uas_response(401, "Unauthorized", to_tag="reg",
                     headers=['WWW-Authenticate: Digest realm="test", nonce="n[pid]x", algorithm=MD5, qop="auth"']),
        recv("REGISTER", verifyauth("authok", "alice", password)),
        jump_if("authok", "good"),
        uas_response(403, "Forbidden", to_tag="reg", next_label="done"),
        label("good"),
        uas_response(200, "OK", to_tag="reg", headers=["[last_Contact:];expires=60"]),
        # baresip unregisters (Expires: 0) when it is stopped.
        recv("REGISTER"),
        uas_response(200, "OK", to_tag="reg"),
        label("done"),
    )


@pytest.mark.parametrize("password,ok", [("s3cret", True), ("wrong", False)])
def test_registration_with_digest(make_peer, make_sipp, password, ok):
    sipp = make_sipp("registrar", [], _registrar("s3cret"))
    a = make_peer("alice", codecs=["PCMU"], registrar=f"sip:{LOOPBACK}:{sipp.port}",
                  auth_user="alice", auth_password=password, domain="localhost")
    if ok:
        assert a.wait_registered(5).param.startswith("200")
        t0 = time.monotonic()
        assert a.stop() == 0
        assert time.monotonic() - t0 < 2, "baresip did not unregister promptly"
    else:
        with pytest.raises(Exception, match="403"):
            a.wait_registered(5)
        a.stop()
    assert sipp.wait() == 0, sipp.log()
    log = sipp.messages.read_text(errors="replace")
    assert 'Authorization: Digest username="alice"' in log
    if ok:
        assert "Expires: 0" in log or "expires=0" in log, log[-3000:]
