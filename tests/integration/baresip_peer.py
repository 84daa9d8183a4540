"""baresip 1.0 (Debian) as a scriptable SIP phone for the end-to-end tests.

`BaresipPeer` runs one baresip as a child process on 127.0.0.1 with its own
config folder (`baresip -f DIR`) under a temporary directory:

* SIP on a port chosen by the test, UDP and TCP (`sip_listen`);
* no sound card: the `ausine` module is the microphone (a sine of the chosen
  frequency; 48 kHz stereo, resampled by baresip to the codec) or, with
  `source_wav=`, the `aufile` module plays a WAV file (no looping in 1.0:
  it stops at the end of the file, so make the file longer than the call);
  the speaker is an `aubridge` device that nothing listens to, and the
  `sndfile` filter records both directions of every call into WAV files;
* driven through the `ctrl_tcp` module: netstring-framed JSON commands
  (`{"command": "dial", "params": URI, "token": T}`, answered with
  `{"response": true, "ok": ..., "data": ..., "token": T}`) and events
  (`{"event": true, "type": "CALL_ESTABLISHED", ...}`) on one TCP connection.

It is stopped by PID (SIGTERM, then SIGKILL) like the servers in servers.py.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audio_analysis import read_wav
from servers import LOOPBACK, ManagedProcess, tail

BARESIP = os.environ.get("BARESIP_BIN", "/usr/bin/baresip")
MODULE_PATH = Path(os.environ.get("BARESIP_MODULES", "/usr/lib/baresip/modules"))

# Codec name the tests use -> (name in baresip's `audio_codecs`, module).
CODECS = {
    "PCMU": ("PCMU", "g711.so"),
    "PCMA": ("PCMA", "g711.so"),
    "G722": ("G722", "g722.so"),
    "opus": ("opus", "opus.so"),
}

# Short event names accepted by wait_event() -> baresip's ua_event names.
EVENT_ALIASES = {
    "incoming": "CALL_INCOMING",
    "ringing": "CALL_RINGING",
    "progress": "CALL_PROGRESS",
    "established": "CALL_ESTABLISHED",
    "closed": "CALL_CLOSED",
    "dtmf_start": "CALL_DTMF_START",
    "dtmf_end": "CALL_DTMF_END",
    "rtp_established": "CALL_RTPESTAB",
    "register_ok": "REGISTER_OK",
    "register_fail": "REGISTER_FAIL",
}


def available_codecs() -> "list[str]":
    """The codecs of CODECS whose baresip module is installed."""
    return [name for name, (_, module) in CODECS.items() if (MODULE_PATH / module).exists()]


def free_udp_tcp_ports(count: int) -> "list[int]":
    """`count` distinct loopback ports that are free for both UDP and TCP."""
    ports: "list[int]" = []
    held = []
    try:
        while len(ports) < count:
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            t.bind((LOOPBACK, 0))
            port = t.getsockname()[1]
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                u.bind((LOOPBACK, port))
            except OSError:
                t.close()
                u.close()
                continue
            held += [t, u]
            ports.append(port)
        return ports
    finally:
        for s in held:
            s.close()


def free_sip_port() -> int:
    """A loopback port free for UDP and TCP whose successor is free for TCP too: baresip 1.0 also
    listens for SIP over TLS on `sip_listen` port + 1 and gives up when that is taken."""
    for _ in range(50):
        port = free_udp_tcp_ports(1)[0]
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            probe.bind((LOOPBACK, port + 1))
            return port
        except OSError:
            continue
        finally:
            probe.close()
    raise RuntimeError("no free SIP port pair on loopback")


@dataclass
class Event:
    """One ctrl_tcp event. `kind` is baresip's type (CALL_CLOSED...)."""

    kind: str
    param: str = ""
    peer_uri: str = ""
    call_id: str = ""
    direction: str = ""
    account: str = ""
    at: float = 0.0                     # time.monotonic() when received
    raw: dict = field(default_factory=dict)

    @property
    def status(self) -> "int | None":
        """SIP status code of a CALL_CLOSED caused by a final response ("486 Busy Here")."""
        m = re.match(r"\s*([1-6]\d\d)\b", self.param)
        return int(m.group(1)) if m else None


@dataclass
class AudioStatus:
    """What `audio_debug` says about the current call's audio stream."""

    direction: str          # local SDP direction: sendrecv, sendonly, recvonly, inactive
    encoder: str            # e.g. "PCMU 8000Hz/1ch"
    decoder: str
    ptime: int              # ms, what this side sends
    packets_sent: int
    packets_received: int
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> "AudioStatus | None":
        d = re.search(r"audio dir=(\w+)", text)
        enc = re.search(r"encode: (\S+ \d+Hz/\d+ch) ptime=(\d+)ms", text)
        if not d or not enc:
            return None
        dec = re.search(r"decode: (\S+ \d+Hz/\d+ch)", text)
        tx = re.search(r"TX: packets=(\d+)", text)
        rx = [int(n) for n in re.findall(r"rcvd=(\d+)", text)]
        return cls(direction=d.group(1), encoder=enc.group(1), decoder=dec.group(1) if dec else "",
                   ptime=int(enc.group(2)), packets_sent=int(tx.group(1)) if tx else 0,
                   packets_received=sum(rx), text=text)


class BaresipError(RuntimeError):
    pass


def _netstring(payload: bytes) -> bytes:
    return str(len(payload)).encode() + b":" + payload + b","


class BaresipPeer:
    """One baresip user agent on loopback, remote-controlled by the test.

    `codecs` is the offer/answer list in order (PCMU, PCMA, G722, opus);
    `ptime` in ms; `answer_mode` "auto" (answer at once), "manual" (ring until
    answer()) or "early". `tone_hz` (ausine) or `source_wav` (aufile) is what
    the peer sends. With `registrar` the account registers (`auth_user`,
    `auth_password`), otherwise it does not register and takes calls sent
    straight to sip:USER@127.0.0.1:sip_port.
    """

    def __init__(self, root: "Path | str", user: str = "peer", *,
                 codecs: "list[str] | tuple[str, ...]" = ("PCMU",), ptime: int = 20,
                 tone_hz: "int | None" = 440, source_wav: "Path | str | None" = None,
                 answer_mode: str = "auto", sip_port: "int | None" = None,
                 ctrl_port: "int | None" = None, registrar: "str | None" = None,
                 auth_user: "str | None" = None, auth_password: "str | None" = None,
                 domain: str = LOOPBACK, regint: int = 600, sip_trace: bool = True,
                 sip_certificate: "Path | str | None" = None, media_encryption: "str | None" = None):
        unknown = [c for c in codecs if c not in CODECS]
        if unknown or not codecs:
            raise ValueError(f"codecs {list(codecs)}: unknown {unknown} (known: {', '.join(CODECS)})")
        if answer_mode not in ("auto", "manual", "early"):
            raise ValueError(f"answer_mode {answer_mode!r}")
        if source_wav is None and tone_hz is None:
            raise ValueError("give tone_hz (ausine) or source_wav (aufile)")
        if tone_hz is not None and source_wav is None and not 10 <= int(tone_hz) <= 20000:
            raise ValueError("ausine takes 10..20000 Hz")
        self.root = Path(root)
        self.user = user
        self.codecs = list(codecs)
        self.ptime = int(ptime)
        self.tone_hz = tone_hz
        self.source_wav = Path(source_wav) if source_wav is not None else None
        self.answer_mode = answer_mode
        self.registrar = registrar
        self.auth_user = auth_user
        self.auth_password = auth_password
        self.domain = domain
        self.regint = regint
        self.sip_trace = sip_trace
        # PEM with certificate and key for the TLS listener on sip_port + 1 (baresip's `sip_certificate`).
        self.sip_certificate = Path(sip_certificate) if sip_certificate is not None else None
        # baresip's `mediaenc` for the account, e.g. "srtp-mand" (SDES-SRTP only, RTP/SAVP).
        self.media_encryption = media_encryption
        self.sip_port = sip_port or free_sip_port()
        self.ctrl_port = ctrl_port or next(
            p for p in free_udp_tcp_ports(3) if p not in (self.sip_port, self.sip_port + 1))
        self.config_dir = self.root / "config"
        self.record_dir = self.root / "recordings"
        self.log_path = self.root / "baresip.log"
        self.process: "ManagedProcess | None" = None
        self._sock: "socket.socket | None" = None
        self._reader: "threading.Thread | None" = None
        self._cond = threading.Condition()
        self._events: "list[Event]" = []
        self._consumed: "set[int]" = set()
        self._responses: "dict[str, dict]" = {}
        self._auto_replies: "list[dict]" = []
        self._tokens = itertools.count(1)
        self._send_lock = threading.Lock()

    # -- addresses ------------------------------------------------------
    @property
    def aor(self) -> str:
        return f"sip:{self.user}@{self.domain}"

    def uri(self, transport: str = "udp") -> str:
        """Where to reach this peer directly, e.g. sip:peer@127.0.0.1:5062;transport=tcp.

        baresip 1.0 answers 404 to a request URI whose user part is not its
        account's user, so name the peer after the number the bridge will dial.
        """
        t = "" if transport == "udp" else f";transport={transport}"
        return f"sip:{self.user}@{LOOPBACK}:{self.sip_port}{t}"

    # -- configuration --------------------------------------------------
    def _source(self) -> "tuple[str, int, int]":
        """(audio_source, ausrc_srate, ausrc_channels)."""
        if self.source_wav is not None:
            with wave.open(str(self.source_wav), "rb") as w:
                if w.getsampwidth() != 2:
                    raise ValueError(f"{self.source_wav}: aufile needs 16-bit PCM")
                rate, channels = w.getframerate(), w.getnchannels()
            # aufile 1.0 refuses a file whose rate/channels differ from ausrc_*.
            return f"aufile,{self.source_wav}", rate, channels
        # ausine 1.0 only produces 48 kHz stereo; baresip resamples to the codec.
        return f"ausine,{int(self.tone_hz)}", 48000, 2

    def account_line(self) -> str:
        codecs = ",".join(CODECS[c][0] for c in self.codecs)
        # "auto" is done by this class (accept on CALL_INCOMING): baresip 1.0's own
        # auto mode answers without a CALL_INCOMING event.
        mode = "manual" if self.answer_mode == "auto" else self.answer_mode
        params = [f"answermode={mode}", f"audio_codecs={codecs}", f"ptime={self.ptime}",
                  "call_transfer=no", "mwi=no"]
        if self.media_encryption:
            params.append(f"mediaenc={self.media_encryption}")
        if self.registrar:
            params.append(f"regint={self.regint}")
            params.append(f"outbound=\"{self.registrar}\"")
            if self.auth_user:
                params.append(f"auth_user={self.auth_user}")
            if self.auth_password is not None:
                params.append(f"auth_pass={self.auth_password}")
        else:
            params.append("regint=0")
        return f"<{self.aor}>;" + ";".join(params)

    def config_text(self) -> str:
        source, srate, channels = self._source()
        modules = []
        for c in self.codecs:
            if CODECS[c][1] not in modules:
                modules.append(CODECS[c][1])
        lines = [
            "# generated by tests/integration/baresip_peer.py",
            "poll_method\tepoll",
            f"sip_listen\t{LOOPBACK}:{self.sip_port}",
            *([f"sip_certificate\t{self.sip_certificate}"] if self.sip_certificate else []),
            "call_local_timeout\t30",
            "call_max_calls\t4",
            # Empty folder: no ring/ringback/busy sounds are played.
            f"audio_path\t{self.root / 'sounds'}",
            f"audio_source\t{source}",
            # Nothing reads this bridge device, so received audio ends in the filters.
            f"audio_player\taubridge,{self.user}-play-{self.sip_port}",
            f"audio_alert\taubridge,{self.user}-alert-{self.sip_port}",
            f"ausrc_srate\t{srate}",
            f"ausrc_channels\t{channels}",
            "audio_level\tno",
            "ausrc_format\ts16",
            "auplay_format\ts16",
            "auenc_format\ts16",
            "audec_format\ts16",
            "audio_buffer\t20-160",
            "rtp_tos\t0",
            "rtcp_mux\tno",
            "jitter_buffer_delay\t5-10",
            "rtp_stats\tno",
            f"net_interface\t{LOOPBACK}",
            f"module_path\t{MODULE_PATH}",
            *[f"module\t{m}" for m in modules],
            *(["module\tsrtp.so"] if self.media_encryption else []),
            "module\tsndfile.so",
            "module\taubridge.so",
            "module\taufile.so" if self.source_wav is not None else "module\tausine.so",
            "module_tmp\tuuid.so",
            "module_tmp\taccount.so",
            "module_app\tmenu.so",
            "module_app\tctrl_tcp.so",
            f"ctrl_tcp_listen\t{LOOPBACK}:{self.ctrl_port}",
            f"snd_path\t{self.record_dir}",
            "menu_bell\tno",
            "ringback_disabled\tyes",
            "redial_attempts\t0",
            "statmode_default\toff",
            "opus_bitrate\t64000",
            "opus_application\taudio",
        ]
        return "\n".join(lines) + "\n"

    def write_config(self) -> None:
        self.config_dir.mkdir(parents=True, exist_ok=True)
        self.record_dir.mkdir(parents=True, exist_ok=True)
        (self.root / "sounds").mkdir(parents=True, exist_ok=True)
        (self.config_dir / "config").write_text(self.config_text())
        # A registering account is added with `uanew` once ctrl_tcp is connected,
        # so that its REGISTER_OK / REGISTER_FAIL event is not missed.
        accounts = "" if self.registrar else self.account_line() + "\n"
        (self.config_dir / "accounts").write_text(accounts)
        (self.config_dir / "contacts").write_text("")

    # -- life cycle -----------------------------------------------------
    def start(self, timeout: float = 10.0) -> float:
        """Start baresip and connect to ctrl_tcp; returns the startup time in seconds."""
        t0 = time.monotonic()
        self.write_config()
        argv = [BARESIP, "-f", str(self.config_dir)]
        if self.sip_trace:
            argv.append("-s")
        env = dict(os.environ, HOME=str(self.root))
        self.process = ManagedProcess(f"baresip-{self.user}", argv, self.log_path, env=env, cwd=self.root)
        self.process.start()
        try:
            self._connect(t0 + timeout)
            if self.registrar:
                self.command("uanew", self.account_line())
        except BaseException:
            self.stop()
            raise
        return time.monotonic() - t0

    def _connect(self, deadline: float) -> None:
        while True:
            if not self.process.running():
                raise BaresipError(f"baresip exited with {self.process.proc.returncode} during startup\n"
                                   + self.log_tail())
            try:
                sock = socket.create_connection((LOOPBACK, self.ctrl_port), timeout=0.5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise BaresipError(f"ctrl_tcp not listening on {self.ctrl_port}\n" + self.log_tail())
                time.sleep(0.05)
        sock.settimeout(None)
        self._sock = sock
        self._reader = threading.Thread(target=self._read_loop, name=f"baresip-{self.user}-ctrl",
                                        daemon=True)
        self._reader.start()
        # Round trip: the UA and its modules are up once a command is answered.
        self.command("listcalls", timeout=max(1.0, deadline - time.monotonic()))

    def stop(self, timeout: float = 5.0) -> "int | None":
        """Close the control link, SIGTERM baresip (SIGKILL after `timeout`). Returns the exit code.

        On SIGTERM baresip hangs up its calls and unregisters, then exits once
        its transactions are done; a second SIGTERM makes it exit at once.
        """
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        proc = self.process.proc if self.process else None
        if proc is not None and proc.poll() is None:
            for _ in range(2):
                try:
                    os.kill(proc.pid, signal.SIGTERM)
                    proc.wait(timeout / 2)
                    break
                except subprocess.TimeoutExpired:
                    continue
                except ProcessLookupError:
                    break
        # SIGKILL if still alive, and forget it in servers.py's leftover list.
        code = self.process.stop(timeout=1) if self.process else None
        if self._reader is not None:
            self._reader.join(2)
        return code

    def running(self) -> bool:
        return self.process is not None and self.process.running()

    def __enter__(self) -> "BaresipPeer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, lines: int = 60) -> str:
        return tail(self.log_path, lines)

    # -- control link ---------------------------------------------------
    def _read_loop(self) -> None:
        buf = b""
        sock = self._sock
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                with self._cond:
                    self._cond.notify_all()
                return
            buf += data
            while True:
                colon = buf.find(b":")
                if colon < 0:
                    if len(buf) > 10:
                        buf = b""  # garbage without a length prefix: resynchronise
                    break
                if not buf[:colon].isdigit():
                    buf = buf[colon + 1:]
                    continue
                size = int(buf[:colon])
                end = colon + 1 + size
                if len(buf) < end + 1:
                    break
                payload, buf = buf[colon + 1: end], buf[end + 1:]
                self._dispatch(payload)

    def _dispatch(self, payload: bytes) -> None:
        try:
            msg = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            return
        if not isinstance(msg, dict):
            return
        event = None
        with self._cond:
            if msg.get("event"):
                event = Event(
                    kind=str(msg.get("type", "")), param=str(msg.get("param", "")),
                    peer_uri=str(msg.get("peeruri", "")), call_id=str(msg.get("id", "")),
                    direction=str(msg.get("direction", "")), account=str(msg.get("accountaor", "")),
                    at=time.monotonic(), raw=msg)
                self._events.append(event)
            elif msg.get("response"):
                token = str(msg.get("token", ""))
                if token.startswith("auto"):
                    self._auto_replies.append(msg)
                else:
                    self._responses[token] = msg
            self._cond.notify_all()
        if event is not None and event.kind == "CALL_INCOMING" and self.answer_mode == "auto":
            # From the reader thread: send only, the answer is kept in _auto_replies.
            try:
                self._send({"command": "accept", "token": f"auto{next(self._tokens)}"})
            except (OSError, BaresipError):
                pass  # stopping: the control link is gone

    def _send(self, msg: dict) -> None:
        sock = self._sock
        if sock is None:
            raise BaresipError("not connected")
        with self._send_lock:
            sock.sendall(_netstring(json.dumps(msg).encode()))

    def command(self, name: str, params: str = "", timeout: float = 5.0, check: bool = True) -> str:
        """Run a baresip (menu) command such as `dial`; returns its text output.

        Raises BaresipError if baresip reports failure (and `check`) or does not answer.
        """
        token = f"t{next(self._tokens)}"
        msg = {"command": name, "token": token}
        if params:
            msg["params"] = params
        self._send(msg)
        deadline = time.monotonic() + timeout
        with self._cond:
            while token not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or not self.running():
                    raise BaresipError(f"no answer to {name!r} within {timeout}s\n" + self.log_tail(20))
                self._cond.wait(min(left, 0.2))
            resp = self._responses.pop(token)
        data = str(resp.get("data", ""))
        if check and not resp.get("ok", False):
            raise BaresipError(f"{name} {params}: failed: {data}")
        return data

    # -- calls ----------------------------------------------------------
    # hold, resume, sndcode and audio_debug exist in baresip only while a call does.
    def dial(self, uri: str) -> None:
        """INVITE `uri` (add ;transport=tcp for TCP); watch for ringing/established/closed."""
        self.command("dial", uri)

    def answer(self) -> None:
        """Answer the ringing incoming call (answer_mode "manual" or "early")."""
        self.command("accept")

    def hangup(self) -> None:
        """BYE the current call, CANCEL an outgoing one, or reject a ringing one with 486."""
        self.command("hangup")

    def hold(self) -> None:
        """re-INVITE with a=sendonly (the other side answers recvonly).

        baresip 1.0 then drops the sndfile decode filter for the rest of the
        call, so recording() ends at the hold; use audio_status() instead.
        """
        self.command("hold")

    def resume(self) -> None:
        """re-INVITE with a=sendrecv."""
        self.command("resume")

    def set_answer_mode(self, mode: str) -> None:
        """auto, manual or early, for the next incoming calls."""
        if mode not in ("auto", "manual", "early"):
            raise ValueError(f"answer mode {mode!r}")
        self.command("answermode", "manual" if mode == "auto" else mode)
        self.answer_mode = mode

    def send_dtmf(self, digits: str) -> None:
        """Send DTMF digits on the current call as RFC 4733 telephone-events.

        baresip 1.0 queues them (`sndcode`, then a key release); it cannot send
        SIP INFO, though it does take INFO application/dtmf-relay in (CALL_DTMF_START).
        """
        bad = [d for d in digits if d not in "0123456789*#ABCD"]
        if bad or not digits:
            raise ValueError(f"not DTMF digits: {digits!r}")
        self.command("sndcode", digits)

    def audio_status(self) -> "AudioStatus | None":
        """Direction, codecs and RTP counters of the current call's audio stream
        (from `audio_debug`); None without a call."""
        text = self.command("audio_debug", check=False)
        return AudioStatus.parse(text)

    # -- events ---------------------------------------------------------
    def events(self, kind: "str | None" = None) -> "list[Event]":
        """All events received so far (of one kind, if given)."""
        k = EVENT_ALIASES.get(kind, kind) if kind else None
        with self._cond:
            return [e for e in self._events if k is None or e.kind == k]

    def wait_event(self, kind: str, timeout: float = 10.0, **match: str) -> Event:
        """The oldest event of `kind` not yet returned by wait_event, waiting up to `timeout`.

        `kind` is baresip's type (CALL_ESTABLISHED) or an alias (established);
        `match` filters on Event attributes (e.g. direction="incoming").
        """
        k = EVENT_ALIASES.get(kind, kind)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, e in enumerate(self._events):
                    if i in self._consumed or e.kind != k:
                        continue
                    if all(str(getattr(e, a)) == str(v) for a, v in match.items()):
                        self._consumed.add(i)
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = ", ".join(f"{e.kind}({e.param})" if e.param else e.kind for e in self._events)
                    raise TimeoutError(f"{self.user}: no {k} {match or ''} within {timeout}s; "
                                       f"events: [{seen}]\n" + self.log_tail(30))
                self._cond.wait(min(left, 0.2))

    def forget_events(self) -> None:
        """Make wait_event() ignore every event received so far."""
        with self._cond:
            self._consumed.update(range(len(self._events)))

    def wait_registered(self, timeout: float = 10.0) -> Event:
        """REGISTER_OK of the account; raises BaresipError on REGISTER_FAIL."""
        deadline = time.monotonic() + timeout
        while True:
            fail = [e for e in self.events("REGISTER_FAIL")]
            if fail:
                raise BaresipError(f"registration failed: {fail[-1].param}\n" + self.log_tail(30))
            try:
                return self.wait_event("REGISTER_OK", timeout=min(0.2, max(0.0, deadline - time.monotonic())))
            except TimeoutError:
                if time.monotonic() >= deadline:
                    raise

    def received_dtmf(self) -> str:
        """Digits received so far (RFC 4733 or SIP INFO), from CALL_DTMF_START events."""
        return "".join(e.param for e in self.events("CALL_DTMF_START"))

    def wait_dtmf(self, count: int, timeout: float = 5.0) -> str:
        """Wait until `count` digits have been received and ended; returns all digits so far."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                ended = sum(1 for e in self._events if e.kind == "CALL_DTMF_END")
                if ended >= count:
                    return "".join(e.param for e in self._events if e.kind == "CALL_DTMF_START")
                left = deadline - time.monotonic()
                if left <= 0:
                    got = "".join(e.param for e in self._events if e.kind == "CALL_DTMF_START")
                    raise TimeoutError(f"{self.user}: {ended} of {count} DTMF digits ended within "
                                       f"{timeout}s (got {got!r})\n" + self.log_tail(30))
                self._cond.wait(min(left, 0.2))

    # -- audio ----------------------------------------------------------
    def recording_files(self, direction: str = "decode") -> "list[Path]":
        """sndfile's dumps, oldest first: `decode` is what was heard, `encode` what was sent."""
        suffix = {"decode": "dec", "encode": "enc"}[direction]
        files = self.record_dir.glob(f"dump-*-{suffix}.wav")
        return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))

    def recording(self, direction: str = "decode", index: int = -1) -> "tuple[np.ndarray, int]":
        """(mono float samples, rate) of a call's recording, the last call by default.

        sndfile writes the WAV header sizes when the call's audio stream is
        freed; for a call still running the data are read up to the end of file.
        """
        files = self.recording_files(direction)
        if not files:
            raise BaresipError(f"no {direction} recording in {self.record_dir}\n" + self.log_tail(20))
        return read_wav_tolerant(files[index])


def read_wav_tolerant(path: "str | Path") -> "tuple[np.ndarray, int]":
    """read_wav, or for a WAV whose header sizes are not written yet, all the data to the end."""
    path = Path(path)
    raw = path.read_bytes()
    if len(raw) < 12 or raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a WAV file")
    pos, fmt = 12, None
    while pos + 8 <= len(raw):
        cid, size = raw[pos: pos + 4], int.from_bytes(raw[pos + 4: pos + 8], "little")
        body = pos + 8
        if cid == b"fmt ":
            fmt = raw[body: body + 16]
        elif cid == b"data":
            if fmt is None:
                break
            tag, channels, rate = (int.from_bytes(fmt[0:2], "little"), int.from_bytes(fmt[2:4], "little"),
                                   int.from_bytes(fmt[4:8], "little"))
            bits = int.from_bytes(fmt[14:16], "little")
            if tag != 1 or bits != 16:
                return read_wav(path)  # let read_wav name the problem
            end = len(raw) if size == 0 or body + size > len(raw) else body + size
            frame = 2 * channels
            data = np.frombuffer(raw[body: body + (end - body) // frame * frame], dtype="<i2")
            # Scale before mixing channels down (to_mono_float would see floats after the mean).
            samples = data.astype(np.float64) / 32768.0
            if channels > 1:
                samples = samples.reshape(-1, channels).mean(axis=1)
            return samples, rate
        pos = body + size + (size & 1)
    return read_wav(path)
