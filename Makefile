# Seller Desk. `make run` starts the demo; `make test` runs lint, types and the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run demo-reset test test-postgres lint typecheck bench bench-load bench-reports bench-feeds bench-adjustments bench-recovery bench-fairness messages openapi screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo on the embedded default: SQLite under var/, one task worker, emails to var/mail/.
run: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py demo_load
	HOST=$(HOST) PORT=$(PORT) scripts/run-demo

# The demo from scratch: deletes the SQLite database under var/ with the demo's emails and files,
# then migrates and loads the demo again. A running `make run` keeps running and sees the new data.
demo-reset: $(STAMP)
	@if [ -n "$${DATABASE_URL:-}" ]; then echo "demo-reset resets the SQLite demo under var/; DATABASE_URL is set, nothing deleted." >&2; exit 1; fi
	rm -f var/sellerdesk.sqlite3 var/sellerdesk.sqlite3-wal var/sellerdesk.sqlite3-shm
	rm -rf var/mail var/demo-files
	mkdir -p var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo_load

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy config sellerdesk tests bench

# The suite runs on as many processes as the machine has cores (pytest-xdist); each has its own
# test database.
test: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest -n auto

# The suite's database tests against PostgreSQL (DATABASE_URL defaults to the local server); the
# tests that use no database ran in `make test` and would run the same.
test-postgres: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sellerdesk} $(VENV)/bin/pytest -n auto --database-tests-only

# Manage Orders, its search, cancellation and the customer metrics at a million orders; ARGS for
# other runs, e.g. make bench ARGS='--database postgres' or ARGS='--repeat 200 --regenerate'
bench: $(STAMP)
	$(PY) bench/run.py $(ARGS)

# 16 signed-in sellers over HTTP for 60 s against gunicorn on the million-order data of `make
# bench`; ARGS for other runs, e.g. make bench-load ARGS='--workers 2 --threads 4'
bench-load: $(STAMP)
	$(PY) -m bench.load $(ARGS)

# Each report type made from the million-order data of `make bench`: time and peak memory.
bench-reports: $(STAMP)
	$(PY) -m bench.reports $(ARGS)

# A 100,000-order cancellation feed through a db_worker on SQLite; ARGS for other runs, e.g.
# make bench-feeds ARGS='--database postgres --orders 10000 --workers 2'
bench-feeds: $(STAMP)
	$(PY) -m bench.feeds $(ARGS)

# A 20,000-message adjustment feed (refunds of unshipped items) through a db_worker on SQLite;
# ARGS as above, e.g. make bench-adjustments ARGS='--repeat 3' or ARGS='--database postgres'
bench-adjustments: $(STAMP)
	$(PY) -m bench.feeds --feed adjustment --orders 20000 $(ARGS)

# Ten SIGKILLs of a feed's worker with a second worker running: how long until it is taken over
# and finished; ARGS as above, e.g. ARGS='--database postgres'
bench-recovery: $(STAMP)
	$(PY) -m bench.recovery $(ARGS)

# 200 sellers' feeds of mixed sizes submitted interleaved to two workers on PostgreSQL: each
# feed's wait from submission to DONE; ARGS for other runs, e.g. ARGS='--large 20000'
bench-fairness: $(STAMP)
	$(PY) -m bench.fairness $(ARGS)

# Reads config/, sellerdesk/ and manage.py, as tests/test_translations.py does: the other
# folders hold no text of the user interface.
messages: $(STAMP)
	$(PY) manage.py makemessages -l sv --no-obsolete --ignore '.venv/*' --ignore 'var/*' \
		--ignore 'tests/*' --ignore 'bench/*' --ignore 'scripts/*' --ignore 'docs/*'
	$(PY) manage.py compilemessages -l sv --ignore '.venv/*'

# Refresh the README's screenshots from the browser tests.
screenshots: $(STAMP)
	UPDATE_SCREENSHOTS=1 $(VENV)/bin/pytest tests/e2e

# Refresh the committed OpenAPI snapshots after an intended API change.
openapi: $(STAMP)
	$(PY) manage.py openapi_snapshot api > docs/openapi.json
	$(PY) manage.py openapi_snapshot feeds > docs/openapi-spapi.json
	$(PY) manage.py openapi_snapshot orders > docs/openapi-orders.json
	$(PY) manage.py openapi_snapshot reports > docs/openapi-reports.json
	$(PY) manage.py openapi_snapshot notifications > docs/openapi-notifications.json

clean:
	rm -rf $(VENV) var
