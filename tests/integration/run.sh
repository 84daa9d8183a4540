#!/bin/sh
# Run the integration tests; they start their own Prosody and ejabberd on loopback.
#   tests/integration/run.sh [pytest args...]
#   e.g. tests/integration/run.sh -k prosody -x
#        tests/integration/run.sh tests/integration/test_servers.py --log-level=DEBUG
# Env: BRIDGE_BIN   bridge binary (default .build/debug/jingle-sip-bridge, relative to the repo root)
#      XMPP_SERVERS comma-separated subset of prosody,ejabberd (default both)
# Uses Debian's /usr/bin/python3 (it has python3-slixmpp), not a pyenv python3.
set -eu
cd "$(dirname "$0")/../.."
for a in "$@"; do
    case "$a" in
        tests/*) exec /usr/bin/python3 -m pytest -q "$@" ;;  # caller named what to run
    esac
done
exec /usr/bin/python3 -m pytest -q tests/integration "$@"
