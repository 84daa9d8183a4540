"""slixmpp test clients and small XMPP helpers (raw stanzas, disco, forms, caps).

Payloads are built and responses are read as plain ElementTree XML, so each
assertion in the tests says exactly what is on the wire.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Optional

import slixmpp
from slixmpp.exceptions import IqError, IqTimeout

log = logging.getLogger("jsb.clients")

NS_DISCO_INFO = "http://jabber.org/protocol/disco#info"
NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items"
NS_COMMANDS = "http://jabber.org/protocol/commands"
NS_VERSION = "jabber:iq:version"
NS_PING = "urn:xmpp:ping"
NS_GATEWAY = "jabber:iq:gateway"
NS_CAPS = "http://jabber.org/protocol/caps"
NS_DATA = "jabber:x:data"
NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


# ---------------------------------------------------------------- results
@dataclass
class IqResponse:
    xml: ET.Element

    @property
    def type(self) -> str:
        return self.xml.get("type", "")

    @property
    def sender(self) -> str:
        return self.xml.get("from", "")

    def child(self, ns: str, tag: str) -> Optional[ET.Element]:
        return self.xml.find(q(ns, tag))

    def error_condition(self) -> Optional[str]:
        err = self.xml.find("{jabber:client}error")
        if err is None:
            return None
        for c in err:
            if c.tag.startswith("{" + NS_STANZAS + "}") and not c.tag.endswith("}text"):
                return c.tag.split("}", 1)[1]
        return "<no condition>"

    def dump(self) -> str:
        return ET.tostring(self.xml, encoding="unicode")

    def __str__(self) -> str:
        return self.dump()


@dataclass
class DiscoInfo:
    node: Optional[str]
    identities: "list[tuple[str, str, str, str]]"  # (category, type, lang, name)
    features: "list[str]"
    forms: "list[ET.Element]" = field(default_factory=list)

    @property
    def identity_pairs(self) -> "set[tuple[str, str]]":
        return {(c, t) for c, t, _, _ in self.identities}

    @classmethod
    def parse(cls, resp: IqResponse) -> "DiscoInfo":
        query = resp.child(NS_DISCO_INFO, "query")
        assert resp.type == "result" and query is not None, f"disco#info failed: {resp}"
        ids = [(i.get("category", ""), i.get("type", ""), i.get(XML_LANG, ""), i.get("name", ""))
               for i in query.findall(q(NS_DISCO_INFO, "identity"))]
        feats = [f.get("var", "") for f in query.findall(q(NS_DISCO_INFO, "feature"))]
        forms = query.findall(q(NS_DATA, "x"))
        return cls(query.get("node"), ids, feats, forms)


def caps_ver(info: DiscoInfo) -> str:
    """XEP-0115 section 5.1 verification string (sha-1, base64)."""
    def b(s: str) -> bytes:
        return s.encode("utf-8")

    s = b""
    for cat, typ, lang, name in sorted(info.identities, key=lambda t: tuple(map(b, t))):
        s += b(f"{cat}/{typ}/{lang}/{name}<")
    for feat in sorted(info.features, key=b):
        s += b(feat) + b"<"
    forms = []
    for form in info.forms:
        fields = {}
        form_type = None
        for f in form.findall(q(NS_DATA, "field")):
            values = [v.text or "" for v in f.findall(q(NS_DATA, "value"))]
            if f.get("var") == "FORM_TYPE":
                form_type = values[0] if values else ""
            else:
                fields[f.get("var", "")] = values
        if form_type is None:
            continue  # forms without FORM_TYPE are ignored
        forms.append((form_type, fields))
    for form_type, fields in sorted(forms, key=lambda x: b(x[0])):
        s += b(form_type) + b"<"
        for var in sorted(fields, key=b):
            s += b(var) + b"<"
            for v in sorted(fields[var], key=b):
                s += b(v) + b"<"
    return base64.b64encode(hashlib.sha1(s).digest()).decode("ascii")


def parse_form(form: ET.Element) -> "dict[str, list[str]]":
    out = {}
    for f in form.findall(q(NS_DATA, "field")):
        out[f.get("var", "")] = [v.text or "" for v in f.findall(q(NS_DATA, "value"))]
    return out


# ---------------------------------------------------------------- client
class Client(slixmpp.ClientXMPP):
    """A c2s client that records every presence it receives and never answers
    subscription requests on its own (the tests do that explicitly)."""

    def __init__(self, jid: str, password: str):
        super().__init__(jid, password)
        self.presences: "list[slixmpp.Presence]" = []
        self._presence_cond: Optional[asyncio.Condition] = None
        self.roster.auto_authorize = None  # neither approve nor refuse by itself
        self.roster.auto_subscribe = False
        self.add_event_handler("presence", self._on_presence)

    def _on_presence(self, pres) -> None:
        self.presences.append(pres)
        log.debug("%s got presence %s", self.boundjid, pres)
        cond = self._presence_cond
        if cond is not None:
            async def notify():
                async with cond:
                    cond.notify_all()
            asyncio.ensure_future(notify())

    async def wait_presence(self, pred: Callable[["slixmpp.Presence"], bool],
                            timeout: float = 5.0, what: str = "presence"):
        """First presence received so far (or within `timeout`) matching `pred`."""
        if self._presence_cond is None:
            self._presence_cond = asyncio.Condition()
        deadline = time.monotonic() + timeout
        async with self._presence_cond:
            while True:
                for p in self.presences:
                    if pred(p):
                        return p
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = "\n".join(f"  {p}" for p in self.presences) or "  (none)"
                    raise AssertionError(
                        f"{self.boundjid.bare}: no {what} within {timeout}s; presences seen:\n{seen}")
                try:
                    await asyncio.wait_for(self._presence_cond.wait(), left)
                except asyncio.TimeoutError:
                    pass

    def presences_from(self, jid: str, ptype: Optional[str] = None) -> list:
        bare = slixmpp.JID(jid).bare
        return [p for p in self.presences
                if p["from"].bare == bare and (ptype is None or p["type"] == ptype)]

    # -- IQs ---------------------------------------------------------
    async def iq(self, to: str, itype: str, payload, timeout: float = 5.0) -> IqResponse:
        """Send an IQ with a raw XML payload; return the response (result or error)."""
        iq = self.make_iq(ito=to, itype=itype)
        if payload is not None:
            el = ET.fromstring(payload) if isinstance(payload, str) else payload
            iq.append(el)
        try:
            resp = await iq.send(timeout=timeout)
        except IqError as e:
            resp = e.iq
        except IqTimeout:
            raise AssertionError(f"no answer within {timeout}s to {iq}") from None
        return IqResponse(resp.xml)

    async def disco_info(self, to: str, node: Optional[str] = None, timeout: float = 5.0) -> IqResponse:
        node_attr = f" node='{node}'" if node else ""
        return await self.iq(to, "get", f"<query xmlns='{NS_DISCO_INFO}'{node_attr}/>", timeout)

    async def disco_items(self, to: str, node: Optional[str] = None, timeout: float = 5.0) -> IqResponse:
        node_attr = f" node='{node}'" if node else ""
        return await self.iq(to, "get", f"<query xmlns='{NS_DISCO_ITEMS}'{node_attr}/>", timeout)

    async def execute_command(self, to: str, node: str, timeout: float = 5.0) -> IqResponse:
        return await self.iq(
            to, "set", f"<command xmlns='{NS_COMMANDS}' node='{node}' action='execute'/>", timeout)

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.disconnect(wait=1.0), 3)
        except Exception:
            self.abort()


class LoginFailed(AssertionError):
    pass


class Session:
    """Async context: logs clients in against a server, closes them all on exit."""

    def __init__(self, server):
        self.server = server
        self.clients: "list[Client]" = []

    async def __aenter__(self) -> "Session":
        return self

    async def __aexit__(self, *exc) -> None:
        await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)

    async def login(self, user: str, resource: str = "test", timeout: float = 10.0,
                    initial_presence: bool = True) -> Client:
        c = Client(f"{self.server.jid(user)}/{resource}", self.server.password(user))
        self.clients.append(c)
        loop = asyncio.get_running_loop()
        done: asyncio.Future = loop.create_future()

        def finish(result):
            if not done.done():
                done.set_result(result)

        c.add_event_handler("session_start", lambda _e: finish("ok"))
        c.add_event_handler("failed_all_auth", lambda _e: finish("authentication failed"))
        c.add_event_handler("connection_failed", lambda e: finish(f"connection failed: {e}"))
        c.add_event_handler("disconnected", lambda e: finish(f"disconnected: {e}"))
        c.connect((self.server.host, self.server.c2s_port),
                  force_starttls=False, disable_starttls=True)
        try:
            result = await asyncio.wait_for(done, timeout)
        except asyncio.TimeoutError:
            result = f"no session within {timeout}s"
        if result != "ok":
            c.abort()
            raise LoginFailed(f"login {user} to {self.server.kind}: {result}")
        if initial_presence:
            await c.get_roster(timeout=5)
            c.send_presence()
        return c


def run(server, body: Callable[[Session], Awaitable], timeout: float = 20.0):
    """Run `await body(session)` in a fresh event loop, with an overall timeout."""
    async def main():
        async with Session(server) as s:
            try:
                return await asyncio.wait_for(body(s), timeout)
            except asyncio.TimeoutError:
                raise AssertionError(f"test body did not finish within {timeout}s") from None
    return asyncio.run(main())
