# jingle-sip-bridge: `make run` and `make test` are the two commands (see README).
SHELL := /bin/bash
SWIFT ?= swift
PYTHON := /usr/bin/python3
# Debian packages: build libraries, the XMPP servers and the client stack the tests use.
BUILD_PACKAGES := pkg-config libexpat1-dev libxml2-dev libssl-dev libsrtp2-dev libopus-dev libspeexdsp-dev libspandsp-dev \
	libsqlite3-dev
RUN_PACKAGES := prosody
TEST_PACKAGES := prosody ejabberd python3-slixmpp python3-pytest python3-numpy python3-aiortc python3-aiohttp dnsmasq-base \
	sip-tester kamailio \
	openssl baresip-core

.PHONY: all build release run test unit integration fuzz deps deps-run deps-test clean bench-commands

all: build

# Installs missing Debian packages. Service start-up is blocked while installing
# (policy-rc.d), so no system-wide Prosody or ejabberd daemon is left running.
define apt_install
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  printf '#!/bin/sh\nexit 101\n' | $$SUDO tee /usr/sbin/policy-rc.d >/dev/null; $$SUDO chmod +x /usr/sbin/policy-rc.d; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	  status=$$?; $$SUDO rm -f /usr/sbin/policy-rc.d; exit $$status; \
	fi
endef

deps:
	$(call apt_install,$(BUILD_PACKAGES))

deps-run: deps
	$(call apt_install,$(RUN_PACKAGES))

deps-test: deps
	$(call apt_install,$(TEST_PACKAGES))

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Ad-hoc command latency with 1,000 live calls (README, Performance); needs what the tests install.
bench-commands: deps deps-test
	$(SWIFT) build -c release --product jingle-sip-bridge
	$(SWIFT) build -c release --product command-bench
	$(PYTHON) Benchmarks/command-bench/run.py --calls 1000

# Local Prosody on loopback with the component, then the bridge (XMPP=external: the bridge only).
run: deps-run release
	XMPP=$(XMPP) BRIDGE_BIN=$(CURDIR)/.build/release/jingle-sip-bridge scripts/run-local

test: deps-test
	$(SWIFT) build --build-tests
	$(MAKE) unit fuzz integration

unit:
	$(SWIFT) test --skip-build

integration:
	BRIDGE_BIN=$(CURDIR)/.build/debug/jingle-sip-bridge $(PYTHON) -m pytest -q -p no:cacheprovider tests/integration

# Each parser's fuzz target for a bounded number of inputs (FUZZ_RUNS=0: until stopped).
FUZZ_RUNS ?= 200000
FUZZ_TARGETS := xmpp-stream sdp sip jingle stun rtp
fuzz:
	for target in $(FUZZ_TARGETS); do Fuzz/run $$target $(FUZZ_RUNS) || exit 1; done

clean:
	rm -rf .build run
