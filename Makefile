# The two commands that matter:  `make up` (run the platform)  and  `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HLSJS_VERSION := 1.7.4
DASHJS_VERSION := 4.7.4
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

test: setup test-packages
	$(PY) -m pytest -n 2 --dist loadfile -m "not chaos" $(REPORT)

test-fast: setup
	$(PY) -m pytest -n 2 --dist loadfile -m "not slow and not browser and not chaos" $(REPORT)

# The longer fault scenarios (full load: 100 concurrent uploads, 1,000 queued jobs), one at a time.
chaos: setup test-packages
	$(PY) -m pytest -m chaos tests/reliability -p no:randomly -s $(REPORT)

bench: setup
	@dpkg -s wrk >/dev/null 2>&1 || (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q wrk)
	for b in bench/*/run.py; do $(PY) $$b || exit 1; done

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

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

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Players for the admin and the browser tests, from npm, served as static files; hls-parser,
# which the tests run with Node to check playlists in its strict mode, stays in var/npm.
media_platform/static/vendor/.installed: Makefile
	mkdir -p var/npm media_platform/static/vendor
	npm install --silent --no-audit --no-fund --prefix var/npm hls.js@$(HLSJS_VERSION) dashjs@$(DASHJS_VERSION) \
	  hls-parser@$(HLS_PARSER_VERSION)
	cp var/npm/node_modules/hls.js/dist/hls.min.js media_platform/static/vendor/
	cp var/npm/node_modules/dashjs/dist/dash.all.min.js media_platform/static/vendor/
	touch $@

vendor: media_platform/static/vendor/.installed

clean:
	rm -rf $(VENV) var media_platform/static/vendor
