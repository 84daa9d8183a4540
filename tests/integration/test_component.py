"""The bridge as an XEP-0114 component, against Prosody and ejabberd.

Each test is parametrized over the servers by the module-scoped `server_kind`
fixture (see conftest.py); `bridge` is one bridge process per server, and
`fresh_stack` a server + bridge of the test's own (for the restart test).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from clients import (NS_CAPS, NS_COMMANDS, NS_DATA, NS_DISCO_INFO, NS_DISCO_ITEMS,
                     NS_GATEWAY, NS_PING, NS_VERSION, DiscoInfo, caps_ver, parse_form, q, run)

COMPONENT = "sip.localhost"
PHONE = "+15551234567@sip.localhost"
SIP_URI_CONTACT = "alice\\40pbx.example.com@sip.localhost"  # XEP-0106 escaped alice@pbx.example.com

DOMAIN_FEATURES = {
    NS_DISCO_INFO, NS_DISCO_ITEMS, NS_COMMANDS, NS_VERSION, NS_PING, NS_GATEWAY,
}
CONTACT_JINGLE_FEATURES = {
    "urn:xmpp:jingle:1",
    "urn:xmpp:jingle:apps:rtp:1",
    "urn:xmpp:jingle:apps:rtp:audio",
    "urn:xmpp:jingle:transports:ice-udp:1",
    "urn:xmpp:jingle:apps:dtls:0",
    "urn:xmpp:jingle-message:0",
}
STATUS_FIELDS = {"version", "uptime", "xmpp-link", "xmpp-reconnects", "calls-active", "calls-total"}


# ----------------------------------------------------------------- helpers
def is_available(p) -> bool:
    return p["type"] in ("available", "")  # slixmpp reports no type as "available"


def caps_of(p):
    return p.xml.find(q(NS_CAPS, "c"))


async def status_form(client) -> "dict[str, list[str]]":
    """Execute the `status` command and return its result form as {var: [values]}."""
    return await command_form(client, "status")


async def command_form(client, node: str) -> "dict[str, list[str]]":
    """Execute a one-stage command and return its completed result form as {var: [values]}."""
    r = await client.execute_command(COMPONENT, node)
    assert r.type == "result", f"{node} command: {r}"
    cmd = r.child(NS_COMMANDS, "command")
    assert cmd is not None, f"no <command/> in {r}"
    assert cmd.get("node") == node, r
    assert cmd.get("status") == "completed", r
    form = cmd.find(q(NS_DATA, "x"))
    assert form is not None, f"no data form in {r}"
    assert form.get("type") == "result", r
    return parse_form(form)


def single(fields, var) -> str:
    values = fields.get(var)
    assert values is not None, f"field {var!r} missing; fields: {fields}"
    assert len(values) == 1, f"field {var!r} should have one value: {values}"
    return values[0]


async def subscribe_and_approve(alice, contact: str, timeout: float = 5.0):
    """alice subscribes to `contact`; expect `subscribed` and a `subscribe` back,
    approve it, and wait for available presence. Returns that presence."""
    alice.send_presence(pto=contact, ptype="subscribe")
    await alice.wait_presence(
        lambda p: p["from"].bare == contact and p["type"] == "subscribed",
        timeout, f"'subscribed' from {contact}")
    await alice.wait_presence(
        lambda p: p["from"].bare == contact and p["type"] == "subscribe",
        timeout, f"'subscribe' from {contact}")
    alice.send_presence(pto=contact, ptype="subscribed")
    return await alice.wait_presence(
        lambda p: p["from"].bare == contact and is_available(p),
        timeout, f"available presence from {contact}")


# ----------------------------------------------------------------- 1: disco on the domain
def test_domain_disco_info(bridge):
    async def body(s):
        c = await s.login("alice")
        r = await c.disco_info(COMPONENT)
        assert r.sender == COMPONENT, r
        info = DiscoInfo.parse(r)
        assert ("gateway", "pstn") in info.identity_pairs, info.identities
        assert ("gateway", "sip") in info.identity_pairs, info.identities
        missing = DOMAIN_FEATURES - set(info.features)
        assert not missing, f"missing features {missing}; got {info.features}"
        assert len(info.features) == len(set(info.features)), f"duplicate features: {info.features}"
    run(bridge.server, body)


def test_domain_disco_items(bridge):
    async def body(s):
        c = await s.login("alice")
        r = await c.disco_items(COMPONENT)
        assert r.type == "result", r
        assert r.child(NS_DISCO_ITEMS, "query") is not None, r
    run(bridge.server, body)


# ----------------------------------------------------------------- 2: disco on contacts
@pytest.mark.parametrize("contact", [PHONE, SIP_URI_CONTACT, PHONE + "/phone", SIP_URI_CONTACT + "/phone"])
def test_contact_disco_info(bridge, contact):
    async def body(s):
        c = await s.login("alice")
        r = await c.disco_info(contact)
        assert r.sender == contact, r
        info = DiscoInfo.parse(r)
        assert ("client", "phone") in info.identity_pairs, info.identities
        jingle = {f for f in info.features if f.startswith("urn:xmpp:jingle")}
        assert jingle == CONTACT_JINGLE_FEATURES, (
            f"jingle features: extra {jingle - CONTACT_JINGLE_FEATURES}, "
            f"missing {CONTACT_JINGLE_FEATURES - jingle}")
        assert NS_DISCO_INFO in info.features, info.features
    run(bridge.server, body)


# ----------------------------------------------------------------- 3: version, ping, errors
def test_version(bridge):
    async def body(s):
        c = await s.login("alice")
        r = await c.iq(COMPONENT, "get", f"<query xmlns='{NS_VERSION}'/>")
        assert r.type == "result", r
        query = r.child(NS_VERSION, "query")
        assert query is not None, r
        assert query.findtext(q(NS_VERSION, "name")) == "jingle-sip-bridge", r
        version = query.findtext(q(NS_VERSION, "version"))
        assert version and version.strip(), f"empty version: {r}"
    run(bridge.server, body)


@pytest.mark.parametrize("target", [COMPONENT, PHONE])
def test_ping(bridge, target):
    async def body(s):
        c = await s.login("alice")
        r = await c.iq(target, "get", f"<ping xmlns='{NS_PING}'/>")
        assert r.type == "result", r
        assert r.sender == target, r
    run(bridge.server, body)


def test_unknown_iq_is_service_unavailable(bridge):
    async def body(s):
        c = await s.login("alice")
        r = await c.iq(COMPONENT, "get", "<query xmlns='urn:example:no-such-protocol'/>")
        assert r.type == "error", r
        assert r.sender == COMPONENT, r
        assert r.error_condition() == "service-unavailable", r
        # The component is still fine afterwards.
        r = await c.iq(COMPONENT, "get", f"<ping xmlns='{NS_PING}'/>")
        assert r.type == "result", r
    run(bridge.server, body)


# ----------------------------------------------------------------- 4: XEP-0100 gateway
def test_gateway_prompt(bridge):
    async def body(s):
        c = await s.login("alice")
        r = await c.iq(COMPONENT, "get", f"<query xmlns='{NS_GATEWAY}'/>")
        assert r.type == "result", r
        query = r.child(NS_GATEWAY, "query")
        assert query is not None, r
        assert query.find(q(NS_GATEWAY, "desc")) is not None, f"no <desc/>: {r}"
        assert query.find(q(NS_GATEWAY, "prompt")) is not None, f"no <prompt/>: {r}"
    run(bridge.server, body)


@pytest.mark.parametrize("prompt,jid", [
    ("+1 555 123 4567", PHONE),
    ("alice@pbx.example.com", SIP_URI_CONTACT),
])
def test_gateway_translate(bridge, prompt, jid):
    async def body(s):
        c = await s.login("alice")
        r = await c.iq(COMPONENT, "set", f"<query xmlns='{NS_GATEWAY}'><prompt>{prompt}</prompt></query>")
        assert r.type == "result", r
        query = r.child(NS_GATEWAY, "query")
        assert query is not None, r
        assert query.findtext(q(NS_GATEWAY, "jid")) == jid, r
    run(bridge.server, body)


# ----------------------------------------------------------------- 5: presence
def test_subscription_and_caps(bridge):
    async def body(s):
        alice = await s.login("alice")
        pres = await subscribe_and_approve(alice, PHONE)
        c = caps_of(pres)
        assert c is not None, f"no XEP-0115 <c/> in {pres}"
        assert c.get("hash") == "sha-1", pres
        node, ver = c.get("node"), c.get("ver")
        assert node and ver, pres
        # What a client does with it: disco#info on node#ver at the sender.
        r = await alice.disco_info(str(pres["from"]), node=f"{node}#{ver}")
        info = DiscoInfo.parse(r)
        assert info.node == f"{node}#{ver}", f"disco#info must echo the node: {r}"
        assert caps_ver(info) == ver, f"caps ver {ver} != computed {caps_ver(info)} from {r}"
        assert ("client", "phone") in info.identity_pairs, info.identities
        assert CONTACT_JINGLE_FEATURES <= set(info.features), info.features
        # The server's roster (as pushed to alice) now has a two-way subscription.
        deadline = time.monotonic() + 3
        while alice.client_roster[PHONE]["subscription"] != "both" and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        sub = alice.client_roster[PHONE]["subscription"]
        assert sub == "both", f"roster subscription to {PHONE}: {sub!r}"
    run(bridge.server, body)


def test_unauthorized_subscription_refused(bridge):
    async def body(s):
        mallory = await s.login("mallory")
        mallory.send_presence(pto=PHONE, ptype="subscribe")
        await mallory.wait_presence(
            lambda p: p["from"].bare == PHONE and p["type"] == "unsubscribed",
            5, f"'unsubscribed' from {PHONE}")
        await asyncio.sleep(0.5)
        wrong = [str(p) for p in mallory.presences_from(PHONE)
                 if p["type"] in ("subscribed", "subscribe") or is_available(p)]
        assert not wrong, f"mallory must get nothing but 'unsubscribed': {wrong}"
    run(bridge.server, body)


# ----------------------------------------------------------------- 6: ad-hoc commands
def test_admin_status_command(bridge):
    async def body(s):
        admin = await s.login("admin")
        r = await admin.disco_items(COMPONENT, node=NS_COMMANDS)
        assert r.type == "result", r
        items = r.child(NS_DISCO_ITEMS, "query").findall(q(NS_DISCO_ITEMS, "item"))
        by_node = {i.get("node"): i for i in items}
        assert "status" in by_node, f"no 'status' command listed: {r}"
        assert by_node["status"].get("name") == "Bridge status", r
        assert by_node["status"].get("jid") == COMPONENT, r

        fields = await status_form(admin)
        missing = STATUS_FIELDS - set(fields)
        assert not missing, f"status form lacks {missing}: {fields}"
        assert single(fields, "version").strip(), fields
        assert single(fields, "uptime").strip(), fields
        assert single(fields, "xmpp-link") == "online", fields
        assert single(fields, "calls-active") == "0", fields
        assert int(single(fields, "xmpp-reconnects")) >= 0, fields
        assert int(single(fields, "calls-total")) >= 0, fields
    run(bridge.server, body)


def test_status_command_forbidden_for_users(bridge):
    async def body(s):
        alice = await s.login("alice")
        r = await alice.disco_items(COMPONENT, node=NS_COMMANDS)
        assert r.type == "result", r
        nodes = [i.get("node") for i in r.child(NS_DISCO_ITEMS, "query").findall(q(NS_DISCO_ITEMS, "item"))]
        assert "status" not in nodes, f"alice must not see 'status': {r}"
        r = await alice.execute_command(COMPONENT, "status")
        assert r.type == "error", r
        assert r.error_condition() == "forbidden", r
    run(bridge.server, body)


# ----------------------------------------------------------------- 7: server restart
def test_server_restart(fresh_stack):
    server, bridge = fresh_stack.server, fresh_stack.bridge
    contact = "+15559876543@sip.localhost"
    before = {}

    async def setup(s):
        alice = await s.login("alice")
        await subscribe_and_approve(alice, contact)
        admin = await s.login("admin")
        before.update(await status_form(admin))

    run(server, setup)
    reconnects_before = int(single(before, "xmpp-reconnects"))

    server.stop()
    assert bridge.running(), "bridge must keep running while the server is down\n" + bridge.log_tail()
    time.sleep(0.5)  # let it notice and start retrying
    server.start()
    took = bridge.wait_online(timeout=10)
    print(f"\n[{server.kind}] component back {took:.2f}s after the server was ready")

    async def after(s):
        alice = await s.login("alice")
        await alice.wait_presence(lambda p: p["from"].bare == contact and is_available(p),
                                  5, f"available presence from {contact} after restart")
        admin = await s.login("admin")
        fields = await status_form(admin)
        assert single(fields, "xmpp-link") == "online", fields
        reconnects = int(single(fields, "xmpp-reconnects"))
        assert reconnects >= reconnects_before + 1, (
            f"xmpp-reconnects {reconnects_before} -> {reconnects}")

    run(server, after)


# ----------------------------------------------------------------- reload over XEP-0050
def test_reload_command_applies_access_and_reports_errors(fresh_stack):
    from bridge import config_xml
    server, bridge = fresh_stack.server, fresh_stack.bridge
    contact = "+15550001111@sip.localhost"

    async def body(s):
        admin = await s.login("admin")
        mallory = await s.login("mallory")
        # mallory is refused under the running configuration.
        mallory.send_presence(pto=contact, ptype="subscribe")
        await mallory.wait_presence(
            lambda p: p["from"].bare == contact and p["type"] == "unsubscribed", 5, "unsubscribed")

        # A valid file that allows mallory: applied at once, no restart.
        bridge.config_path.write_text(config_xml(
            server, bridge.data_dir, allowed=("alice@localhost", "admin@localhost", "mallory@localhost")))
        fields = await command_form(admin, "reload")
        assert single(fields, "applied") == "true", fields
        await subscribe_and_approve(mallory, contact)

        # A broken file: reported with file and line in the form, running configuration kept.
        bridge.config_path.write_text(config_xml(server, bridge.data_dir).replace('port="', 'port="x', 1))
        fields = await command_form(admin, "reload")
        assert single(fields, "applied") == "false", fields
        errors = fields.get("errors", [])
        assert any("bridge.xml:" in e and "port" in e for e in errors), fields
        other = "+15550002222@sip.localhost"
        await subscribe_and_approve(mallory, other)

        # Only admins may reload.
        alice = await s.login("alice")
        r = await alice.execute_command(COMPONENT, "reload")
        assert r.type == "error" and r.error_condition() == "forbidden", r
    run(server, body, timeout=40)
