"""The server fixtures themselves: accounts exist, c2s login and a server ping work,
and data (accounts, rosters) survive a restart."""

from clients import NS_PING, run


def _login_and_ping(server, user="alice"):
    async def body(s):
        c = await s.login(user)
        r = await c.iq(server.domain, "get", f"<ping xmlns='{NS_PING}'/>")
        assert r.type == "result", f"ping to {server.domain} on {server.kind}: {r}"
        assert r.sender in ("", server.domain), r
    run(server, body)


def test_login_and_ping(xmpp_server):
    for user in ("alice", "admin", "mallory"):
        _login_and_ping(xmpp_server, user)


def test_restart_keeps_accounts_and_roster(xmpp_server):
    contact = "bob@localhost"

    async def add_contact(s):
        c = await s.login("alice")
        await c.update_roster(contact, name="Bob", timeout=5)

    async def check_contact(s):
        c = await s.login("alice")
        items = {str(j): c.client_roster[j]["name"] for j in c.client_roster}
        assert items.get(contact) == "Bob", f"roster after restart: {items}"

    run(xmpp_server, add_contact)
    took = xmpp_server.restart()
    assert xmpp_server.running()
    assert took < 20, f"{xmpp_server.kind} restart took {took:.1f}s"
    run(xmpp_server, check_contact)
