# Concord: `make run` to try it, `make test` to prove it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
AXE := tests/e2e/node_modules/axe-core/axe.min.js
# The lock: exact versions with hashes, generated from pyproject.toml by `make lock` (uv).
LOCK_APP := requirements/app.txt
LOCK_TEST := requirements/test.txt
UV_VERSION := 0.13.9
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --custom-compile-command 'make lock'

.PHONY: run test install install-test lint lock db demo serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Dependencies come from the lock only; Concord itself goes on top, editable, without its own.
# Pango (Debian) is what WeasyPrint lays out the PDF downloads with.
$(VENV)/.installed: pyproject.toml $(LOCK_APP) | $(BIN)/python
	@scripts/ensure-system-packages libpangoft2-1.0.so.0=libpangoft2-1.0-0
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_APP)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(LOCK_TEST) $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK_TEST)
	touch $@

# Re-resolves pyproject.toml into the lock, keeping current pins where they still fit;
# `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed. The runtime lock is
# constrained by the test lock, so the app runs on exactly the versions the suite ran on.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv pip compile --quiet $(LOCK_FLAGS) $(LOCK_ARGS) --extra test -o $(LOCK_TEST) pyproject.toml
	$(BIN)/uv pip compile --quiet $(LOCK_FLAGS) $(LOCK_ARGS) -c $(LOCK_TEST) -o $(LOCK_APP) pyproject.toml

# axe-core for the browser tests' accessibility checks, pinned by tests/e2e/package-lock.json.
$(AXE): tests/e2e/package-lock.json
	scripts/ensure-system-packages npm=npm
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

# The browser tests drive Debian's Chromium, the proxy test Debian's nginx: installed here when
# missing (as root), else the exact command to run is printed and make stops.
install-test: $(VENV)/.installed-test $(AXE)
	@scripts/ensure-system-packages chromium=chromium nginx=nginx-light openssl=openssl

db: install
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo load --if-empty

# The mail sender (`notify work`) runs in the background beside the web server and stops with it.
# With no MAIL_HOST, mail lands in instance/mail and on the admin page "Mail". SENDER=0: none.
SENDER ?= 1
ifeq ($(SENDER),0)
WITH_SENDER :=
else
WITH_SENDER := CONCORD_URL=$${CONCORD_URL:-http://$(HOST):$(PORT)} $(FLASK) notify work --poll 2 & \
	sender=$$!; trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	CONCORD_URL=$${CONCORD_URL:-http://$(HOST):$(PORT)}
endif

# DEMO=1 (the default) loads the demo alliance into an empty database, the quickest way to try
# Concord; DEMO=0 loads nothing, so an empty database leads to the first-run set-up page.
# The demo relaxes the second factor (chief officers and admins need an authenticator app
# otherwise), and every sign-in page says so; `make run REQUIRE_SECOND_FACTOR=1` keeps it.
DEMO ?= 1
ifeq ($(DEMO),0)
REQUIRE_SECOND_FACTOR ?= 1
else
REQUIRE_SECOND_FACTOR ?= 0
endif
run: db
ifeq ($(DEMO),0)
	@echo "No demo: on an empty database, open the set-up link the server prints below."
else
	$(FLASK) demo load --if-empty
	@echo "To start your own alliance instead: make run DEMO=0 on an empty database"
	@echo "(e.g. CONCORD_INSTANCE=$$HOME/concord make run DEMO=0), or flask --app wsgi alliance init."
endif
ifeq ($(REQUIRE_SECOND_FACTOR),0)
	@echo "Demo: chief officers and admins are NOT asked for a second factor (make run REQUIRE_SECOND_FACTOR=1 asks)."
endif
	@echo "Concord is at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(WITH_SENDER) REQUIRE_SECOND_FACTOR=$(REQUIRE_SECOND_FACTOR) $(FLASK) run --host $(HOST) --port $(PORT)

serve: db
	$(WITH_SENDER) env BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The suite runs on SQLite always, and again on PostgreSQL when DATABASE_URL points there.
# Tests marked `slow` (stress, gunicorn load, a worker killed mid-publish) run here too, bounded
# by CONCORD_STRESS_SECONDS (20) and CONCORD_LOAD_SECONDS (15); locally, -m "not slow" skips them.
# The browser tests (tests/e2e, Chromium at /usr/bin/chromium) run once, on their own SQLite
# database; here they must run, not skip. Screenshots land in tests/artifacts/screenshots/.
# In TEST_WORKERS processes (pytest-xdist; auto: one per CPU; 0: in this process), each with
# databases of its own; tests/conftest.py keeps the browser tests and the slow ones together.
TEST_WORKERS ?= auto
test: install-test lint
	env -u DATABASE_URL CONCORD_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -n $(TEST_WORKERS)
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== again on PostgreSQL: $$DATABASE_URL"; \
		$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not browser"; \
	fi

# Seeds 10,000 positions into a fresh database (a temporary SQLite file, or a database of its
# own on DATABASE_URL's PostgreSQL), measures every page, throughput under gunicorn and diffs
# against git, and the notification sender against a local SMTP server (aiosmtpd, from the test
# requirements); prints a table and writes benchmarks/results/. Not part of `make test`.
# Uses wrk when installed (apt-get install wrk), a small Python load client otherwise.
bench: $(VENV)/.installed-test
	@scripts/ensure-system-packages wrk=wrk
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache tests/e2e/node_modules
