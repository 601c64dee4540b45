# Two commands do all set-up on a fresh Debian 12 machine, idempotently, then run:
#   make demo   the whole hall on this machine (SQLite, a broker it starts, simulated devices)
#   make test   lint, type-check and the test suite against real peers
#   make unit   the pure tests alone, in seconds (no broker, database server, process, device, window)
# They install Debian packages with apt (sudo when not root), make a venv at .venv and
# pip-install the project into it. Re-running only installs what changed.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed

APT_PACKAGES := python3 python3-venv python3-dev build-essential pkg-config \
	mosquitto mosquitto-clients \
	pcscd libpcsclite-dev vsmartcard-vpcd \
	fonts-wqy-microhei socat \
	xvfb libgl1 libgl1-mesa-dri libegl1 libegl-mesa0 libgles2 libgbm1 libx11-6 libxext6 \
	libxrandr2 libxcursor1 libxi6 libxss1 libmtdev1 \
	espeak-ng libespeak-ng1 sox chromium \
	systemd postgresql-client nats-server nginx openssl \
	cups cups-client cups-filters printer-driver-cups-pdf poppler-utils libcups2-dev

EXTRAS := server,hardware,kiosk,display,province,dev

.PHONY: demo test deps apt lint typecheck unit bench clean

demo: deps
	$(VENV)/bin/hallctl demo

test: deps lint typecheck
	$(VENV)/bin/pytest

# The tests without the peer mark (tests/tiers.py says what a peer is, and fails a test that starts one
# unmarked). Compiled modules are kept between runs, also where the environment turns bytecode off.
unit: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(VENV)/bin/pytest -q -m "not peer"

lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

typecheck: deps
	$(VENV)/bin/mypy

deps: apt $(STAMP)

apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
		| grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[$(EXTRAS)]"
	touch $(STAMP)

bench: deps
	$(PY) benchmarks/tickets_per_second.py
	$(PY) benchmarks/call_latency.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
