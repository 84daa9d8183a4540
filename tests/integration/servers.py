"""Throw-away XMPP servers (Prosody, ejabberd) for the integration tests.

Each server runs as a plain child process on 127.0.0.1, with ports picked by
the test, its own config and its own data folder under a temporary directory.
Data survive stop()/start() (and restart()), so rosters and subscriptions are
kept across a restart.  Nothing is installed or changed outside that folder;
in particular the system's own ejabberd node, epmd and Erlang cookie are never
touched.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import re
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

LOOPBACK = "127.0.0.1"
DOMAIN = "localhost"
COMPONENT_DOMAIN = "sip.localhost"
DEFAULT_USERS = {"admin": "pass", "alice": "pass", "mallory": "pass"}

_live: "set[ManagedProcess]" = set()


def free_ports(count: int) -> "list[int]":
    """Return `count` distinct free TCP ports on loopback."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((LOOPBACK, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def port_open(port: int, host: str = LOOPBACK) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:
    """preexec_fn: new process group, and SIGTERM if the test runner dies."""
    os.setpgrp()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:  # pragma: no cover - best effort only
        pass


def tail(path: Path, lines: int = 60) -> str:
    try:
        data = Path(path).read_text(errors="replace").splitlines()
    except OSError as e:
        return f"<cannot read {path}: {e}>"
    return "\n".join(data[-lines:])


class ManagedProcess:
    """A child process in its own process group, stopped by PID."""

    def __init__(self, name: str, argv: "list[str]", log_path: Path,
                 env: "dict[str, str] | None" = None, cwd: "Path | None" = None):
        self.name = name
        self.argv = argv
        self.log_path = Path(log_path)
        self.env = env
        self.cwd = cwd
        self.proc: "subprocess.Popen | None" = None

    def start(self) -> None:
        if self.running():
            raise RuntimeError(f"{self.name} already running")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.env, cwd=self.cwd, preexec_fn=_die_with_parent, close_fds=True)
        finally:
            log.close()
        _live.add(self)

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> "int | None":
        return self.proc.pid if self.proc else None

    def stop(self, timeout: float = 10.0) -> "int | None":
        """SIGTERM the process (group), SIGKILL after `timeout`. Returns the exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                proc.wait(5)
        # Leftover helpers in the group (erl_child_setup, inet_gethost, ...).
        self._signal(signal.SIGKILL)
        _live.discard(self)
        return proc.returncode

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass


@atexit.register
def _kill_leftovers() -> None:
    for p in list(_live):
        try:
            p.stop(timeout=3)
        except Exception:
            pass


class XMPPServer:
    """Common part: ports, users, readiness, restart."""

    kind = "?"
    startup_timeout = 30.0

    def __init__(self, root: Path, users: "dict[str, str] | None" = None,
                 component_domain: str = COMPONENT_DOMAIN,
                 component_secret: "str | None" = None,
                 c2s_port: "int | None" = None, component_port: "int | None" = None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.domain = DOMAIN
        self.host = LOOPBACK
        self.users = dict(DEFAULT_USERS if users is None else users)
        self.component_domain = component_domain
        self.component_secret = component_secret or secrets.token_hex(12)
        # More components by domain and secret (Prosody only), e.g. the command benchmark's load.
        self.extra_components: "dict[str, str]" = {}
        ports = free_ports(2)
        self.c2s_port = c2s_port or ports[0]
        self.component_port = component_port or ports[1]
        self.log_path = self.root / f"{self.kind}.log"
        self.process: "ManagedProcess | None" = None
        self.last_startup_seconds: "float | None" = None
        self._users_created = False

    # -- to implement -------------------------------------------------
    def _prepare(self) -> None:
        raise NotImplementedError

    def _make_process(self) -> ManagedProcess:
        raise NotImplementedError

    def _create_users_before_start(self) -> None:
        pass

    def _create_users_after_start(self) -> None:
        pass

    # -- public -------------------------------------------------------
    def jid(self, user: str) -> str:
        return f"{user}@{self.domain}"

    def password(self, user: str) -> str:
        return self.users[user]

    def start(self) -> float:
        """Start (or start again, keeping data); returns the startup time in seconds."""
        t0 = time.monotonic()
        try:
            self._prepare()
            if not self._users_created:
                self._create_users_before_start()
            self.process = self._make_process()
            self.process.start()
            self._wait_ready(t0)
            if not self._users_created:
                self._create_users_after_start()
                self._users_created = True
        except BaseException:
            if self.process is not None:
                self.process.stop(timeout=3)
            raise
        self.last_startup_seconds = time.monotonic() - t0
        return self.last_startup_seconds

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        # Make sure the ports are really released before a restart.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (port_open(self.c2s_port) or port_open(self.component_port)):
            time.sleep(0.1)

    def restart(self) -> float:
        self.stop()
        return self.start()

    def running(self) -> bool:
        return self.process is not None and self.process.running()

    def log_tail(self, lines: int = 60) -> str:
        return tail(self.log_path, lines)

    def _wait_ready(self, t0: float) -> None:
        deadline = t0 + self.startup_timeout
        while time.monotonic() < deadline:
            if not self.process.running():
                raise RuntimeError(
                    f"{self.kind} exited with code {self.process.proc.returncode} during startup\n"
                    + self.log_tail())
            if port_open(self.c2s_port) and port_open(self.component_port):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"{self.kind} not ready after {self.startup_timeout}s\n" + self.log_tail())

    def __repr__(self) -> str:
        return f"<{self.kind} c2s={self.c2s_port} component={self.component_port} root={self.root}>"


def _lua_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ProsodyServer(XMPPServer):
    """Prosody 0.12, run as root in the foreground (`run_as_root = true`)."""

    kind = "prosody"

    @property
    def config_path(self) -> Path:
        return self.root / "prosody.cfg.lua"

    def _prepare(self) -> None:
        (self.root / "data").mkdir(exist_ok=True)
        (self.root / "certs").mkdir(exist_ok=True)
        r = self.root
        cfg = f"""-- generated by tests/integration/servers.py
run_as_root = true
daemonize = false
pidfile = {_lua_str(str(r / "prosody.pid"))}
data_path = {_lua_str(str(r / "data"))}
certificates = {_lua_str(str(r / "certs"))}
log = {{ debug = {_lua_str(str(self.log_path))} }}

interfaces = {{ "127.0.0.1" }}
c2s_ports = {{ {self.c2s_port} }}
c2s_interfaces = {{ "127.0.0.1" }}
c2s_direct_tls_ports = {{ }}
legacy_ssl_ports = {{ }}
s2s_ports = {{ }}
http_ports = {{ }}
https_ports = {{ }}
component_ports = {{ {self.component_port} }}
component_interfaces = {{ "127.0.0.1" }}

c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_hashed"
storage = "internal"
allow_registration = false

modules_enabled = {{
  "roster"; "saslauth"; "disco"; "ping"; "version"; "offline"; "posix";
}}
modules_disabled = {{ "s2s"; "s2s_auth_certs" }}

VirtualHost {_lua_str(self.domain)}

Component {_lua_str(self.component_domain)}
  component_secret = {_lua_str(self.component_secret)}
""" + "".join(f"""
Component {_lua_str(domain)}
  component_secret = {_lua_str(secret)}
""" for domain, secret in self.extra_components.items())
        self.config_path.write_text(cfg)

    def _prosodyctl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["prosodyctl", "--config", str(self.config_path), *args],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)

    def _create_users_before_start(self) -> None:
        # prosodyctl writes the account files directly; no running server needed.
        for user, password in self.users.items():
            r = self._prosodyctl("register", user, self.domain, password)
            if r.returncode != 0:
                raise RuntimeError(f"prosodyctl register {user} failed: {r.stdout}{r.stderr}")

    def _make_process(self) -> ManagedProcess:
        env = dict(os.environ)
        env.setdefault("HOME", str(self.root))
        return ManagedProcess("prosody", ["prosody", "--config", str(self.config_path), "-F"],
                              self.root / "prosody.stdout", env=env, cwd=self.root)

    def log_tail(self, lines: int = 60) -> str:
        out = tail(self.root / "prosody.stdout", 20)
        return tail(self.log_path, lines) + ("\n--- stdout ---\n" + out if out.strip() else "")


class EjabberdServer(XMPPServer):
    """ejabberd 23.01, started with `erl` directly (not ejabberdctl, which would
    `su` to the ejabberd user and use the system node name/cookie/spool).

    * own short node name `jsb<hex>@localhost` (Mnesia data are bound to it,
      so it is kept across restarts) and own random cookie (-setcookie);
    * no epmd: the node listens for distribution on a fixed loopback port
      (`-erl_epmd_port P -start_epmd false`), and the ctl client connects to
      it with the same flags plus `-dist_listen false`;
    * HOME, Mnesia dir, logs, inetrc, crash dump: all under the temp root.
    """

    kind = "ejabberd"
    ERL = "/usr/bin/erl"

    @staticmethod
    def _erl_libs() -> str:
        """Where Debian put ejabberd's OTP applications (read from ejabberdctl)."""
        try:
            text = Path("/usr/sbin/ejabberdctl").read_text()
            m = re.search(r"^ERL_LIBS='?([^'\n]+)'?", text, re.M)
            if m:
                return m.group(1)
        except OSError:
            pass
        return "/usr/lib/x86_64-linux-gnu"

    def __init__(self, root: Path, **kw):
        super().__init__(root, **kw)
        self.dist_port = free_ports(3)[2]
        while self.dist_port in (self.c2s_port, self.component_port):
            self.dist_port = free_ports(1)[0]
        self.node = f"jsb{secrets.token_hex(4)}@localhost"
        self.cookie = secrets.token_hex(16)

    @property
    def config_path(self) -> Path:
        return self.root / "ejabberd.yml"

    def _env(self) -> "dict[str, str]":
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ERL_", "EJABBERD_"))}
        env.update({
            "HOME": str(self.root),
            "ERL_LIBS": self._erl_libs(),
            "ERL_INETRC": str(self.root / "inetrc"),
            "ERL_CRASH_DUMP": str(self.root / "logs" / "erl_crash.dump"),
            "ERL_MAX_PORTS": "32000",
            "ERL_MAX_ETS_TABLES": "1400",
            "EJABBERD_CONFIG_PATH": str(self.config_path),
            "EJABBERD_LOG_PATH": str(self.log_path),
        })
        return env

    def _dist_args(self) -> "list[str]":
        return ["-setcookie", self.cookie,
                "-erl_epmd_port", str(self.dist_port), "-start_epmd", "false"]

    def _prepare(self) -> None:
        for d in ("spool", "logs"):
            (self.root / d).mkdir(exist_ok=True)
        (self.root / "inetrc").write_text(
            '{lookup,["file","native"]}.\n'
            '{host,{127,0,0,1}, ["localhost"]}.\n'
            '{file, resolv, "/etc/resolv.conf"}.\n')
        cfg = f"""# generated by tests/integration/servers.py
loglevel: info
log_rotate_count: 0
hosts:
  - "{self.domain}"
certfiles: []
listen:
  -
    port: {self.c2s_port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls_required: false
    max_stanza_size: 262144
  -
    port: {self.component_port}
    ip: "127.0.0.1"
    module: ejabberd_service
    hosts:
      "{self.component_domain}":
        password: "{self.component_secret}"
auth_method: internal
auth_password_format: scram
s2s_access: none
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
shaper_rules:
  max_user_sessions: 10
modules:
  mod_roster: {{}}
  mod_disco: {{}}
  mod_caps: {{}}
  mod_ping: {{}}
  mod_offline: {{}}
  mod_version: {{}}
  mod_adhoc: {{}}
"""
        self.config_path.write_text(cfg)

    def _make_process(self) -> ManagedProcess:
        argv = [self.ERL, "-sname", self.node, *self._dist_args(),
                "-kernel", "inet_dist_use_interface", "{127,0,0,1}",
                "-noinput", "-noshell", "+K", "true", "+P", "250000",
                "-mnesia", "dir", f'"{self.root / "spool"}"',
                "-s", "ejabberd"]
        return ManagedProcess("ejabberd", argv, self.root / "logs" / "erl.stdout",
                              env=self._env(), cwd=self.root)

    def ctl(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
        """Run an ejabberdctl command against this node (no su, no epmd)."""
        argv = [self.ERL, "-sname", f"ctl{secrets.token_hex(3)}@localhost", *self._dist_args(),
                "-dist_listen", "false", "-hidden", "-noinput", "-noshell",
                "-s", "ejabberd_ctl", "-extra", self.node, *args]
        return subprocess.run(argv, env=self._env(), cwd=self.root, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)

    def _create_users_after_start(self) -> None:
        for user, password in self.users.items():
            r = self.ctl("register", user, self.domain, password)
            if r.returncode != 0 and "already registered" not in (r.stdout + r.stderr):
                raise RuntimeError(f"ejabberdctl register {user} failed ({r.returncode}): "
                                   f"{r.stdout}{r.stderr}")


SERVERS = {"prosody": ProsodyServer, "ejabberd": EjabberdServer}


def make_server(kind: str, root: Path, **kw) -> XMPPServer:
    return SERVERS[kind](root, **kw)
