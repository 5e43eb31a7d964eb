# FlowTrack: `make run` serves the app with demo data, `make test` runs every test.
# Both set up what is missing (venv, Python packages, bun, Chromium for the browser tests).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BUN_DIR := .tools/bun
BUN := $(BUN_DIR)/node_modules/.bin/bun
BUN_VERSION := 1.4.5
# Swagger UI for /api/docs, served by the app itself (no CDN at run time).
SWAGGER_DIR := .tools/swagger-ui
SWAGGER_UI := $(SWAGGER_DIR)/node_modules/swagger-ui-dist/swagger-ui-bundle.js
SWAGGER_VERSION := 5.35.0
# axe-core for the browser tests' accessibility checks.
AXE_DIR := .tools/axe
AXE := $(AXE_DIR)/node_modules/axe-core/axe.min.js
AXE_VERSION := 4.14.1
FLOWTRACK_PORT ?= 3000

export PATH := $(CURDIR)/$(BUN_DIR)/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export FLOWTRACK_PORT

.PHONY: run test setup migrate seed lint format bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(BUN):
	mkdir -p $(BUN_DIR)
	npm install --prefix $(BUN_DIR) --no-audit --no-fund --loglevel=error bun@$(BUN_VERSION)
	$(BUN) --version

$(SWAGGER_UI):
	mkdir -p $(SWAGGER_DIR)
	npm install --prefix $(SWAGGER_DIR) --no-audit --no-fund --loglevel=error swagger-ui-dist@$(SWAGGER_VERSION)

$(AXE):
	mkdir -p $(AXE_DIR)
	npm install --prefix $(AXE_DIR) --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION)

/usr/bin/chromium:
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

# pg_dump and pg_restore for the backup round trip (tests/test_backup.py) and `manage backup`.
/usr/bin/pg_dump:
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql-client >/dev/null

# A real IMAP server for the reply tests (tests/imap_support.py starts its own, on loopback).
/usr/sbin/dovecot:
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq dovecot-imapd >/dev/null

setup: $(VENV)/.installed $(BUN) $(SWAGGER_UI)

migrate: setup
	$(PY) -m flowtrack_ui.manage migrate

seed: setup
	$(PY) -m flowtrack_ui.manage seed

run: setup
	$(PY) -m flowtrack_ui.manage setup
	$(PY) -m flowtrack_ui.serve

test: setup /usr/bin/chromium /usr/sbin/dovecot /usr/bin/pg_dump $(AXE)
	$(PY) -m pytest

# Benchmarks print numbers and write benchmarks/RESULTS.md and the README's table (about 35 min: the live board under load first).
bench: setup /usr/bin/chromium /usr/bin/wrk
	$(PY) benchmarks/run.py
	$(PY) benchmarks/listing.py
	$(PY) benchmarks/bulk.py
	$(PY) benchmarks/scheduling.py

/usr/bin/wrk:
	if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null

lint: setup
	$(VENV)/bin/ruff check flowtrack_ui tests alembic rxconfig.py benchmarks mypy_plugins
	$(VENV)/bin/ruff format --check flowtrack_ui tests alembic rxconfig.py benchmarks mypy_plugins
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format flowtrack_ui tests alembic rxconfig.py benchmarks
	$(VENV)/bin/ruff check --fix flowtrack_ui tests alembic rxconfig.py benchmarks

clean:
	rm -rf .web .states
