# The two commands that matter:  `make up` (run the platform)  and  `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HLSJS_VERSION := 1.7.4
DASHJS_VERSION := 4.7.4
TUS_JS_CLIENT_VERSION := 4.3.1
HLS_PARSER_VERSION := 0.16.1
APT_RUNTIME := ffmpeg redis-server
APT_TEST := chromium chromium-driver espeak-ng fonts-dejavu-core postgresql

.PHONY: up setup test test-fast chaos bench lint system-packages test-packages venv vendor clean

up: setup
	$(PY) manage.py run_platform

setup: system-packages venv vendor

# `-p tests.reliability.report`: the table of fault scenarios at the end (xdist's controller
# would not load tests/reliability/conftest.py, which registers it otherwise).
REPORT := -p tests.reliability.report

# The whole suite twice: on the embedded default (SQLite), then on a throwaway PostgreSQL server
# that the tests start themselves (tests/environment.py), where leases and claims really race.
test: setup test-packages
	$(PY) -m pytest -n 2 --dist loadfile -m "not chaos" $(REPORT)
	$(PY) -m pytest -n 2 --dist loadfile -m "not chaos" $(REPORT) --database postgresql

# Only what starts no ffmpeg, worker, server or browser (pyproject.toml's markers): the pure code and
# the API's validation, in a minute or so.
test-fast: setup
	$(PY) -m pytest -n 2 --dist loadfile -m "not ffmpeg and not workers and not servers and not browser and not slow and not chaos" $(REPORT)

# The longer fault scenarios (full load: 100 concurrent uploads, 1,000 queued jobs), one at a time.
chaos: setup test-packages
	$(PY) -m pytest -m chaos tests/reliability -p no:randomly -s $(REPORT)

bench: setup
	@dpkg -s wrk >/dev/null 2>&1 || (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q wrk)
	for b in bench/*/run.py; do $(PY) $$b || exit 1; done

# What CI checks before the tests: ruff's rules and format, and mypy on the annotated packages (pyproject.toml).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Install Debian packages only when something is missing.
system-packages:
	@missing=""; for p in $(APT_RUNTIME); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing $$(command -v node >/dev/null 2>&1 || echo nodejs) npm"; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi

test-packages:
	@missing=""; for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "installing:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; fi

$(VENV)/.installed: requirements.txt requirements-runtime.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Players for the admin and the browser tests, from npm, served as static files; tus-js-client
# (bunny's TUS client) and hls-parser (playlists checked in its strict mode) stay in var/npm for
# the tests that run them with Node.
media_platform/static/vendor/.installed: Makefile
	mkdir -p var/npm media_platform/static/vendor
	npm install --silent --no-audit --no-fund --prefix var/npm hls.js@$(HLSJS_VERSION) dashjs@$(DASHJS_VERSION) \
	  tus-js-client@$(TUS_JS_CLIENT_VERSION) hls-parser@$(HLS_PARSER_VERSION)
	cp var/npm/node_modules/hls.js/dist/hls.min.js media_platform/static/vendor/
	cp var/npm/node_modules/dashjs/dist/dash.all.min.js media_platform/static/vendor/
	touch $@

vendor: media_platform/static/vendor/.installed

clean:
	rm -rf $(VENV) var media_platform/static/vendor
