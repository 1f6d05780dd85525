# `make run` and `make test` are the two commands; both build .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1:8000

.PHONY: run serve test test-sqlite test-postgres lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	JIUZHU_DEBUG=1 $(BIN)/jiuzhu demo
	JIUZHU_DEBUG=1 $(BIN)/jiuzhu runserver $(HOST)

# Production: gunicorn (static files through whitenoise) and the background worker for imports.
# Set JIUZHU_DATABASE_URL, JIUZHU_ALLOWED_HOSTS, JIUZHU_TLS_PROXY=1, JIUZHU_CSRF_TRUSTED_ORIGINS (README).
SERVE_BIND ?= 127.0.0.1:8000
WORKERS    ?= 4
serve: $(STAMP)
	$(BIN)/jiuzhu migrate --noinput
	$(BIN)/jiuzhu collectstatic --noinput -v0
	$(BIN)/jiuzhu db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn jiuzhu.wsgi:application --bind $(SERVE_BIND) --workers $(WORKERS) --timeout 120 \
	  --access-logfile - --forwarded-allow-ips '127.0.0.1'

# SQLite always; PostgreSQL too when JIUZHU_TEST_DATABASE_URL names one (.ci/run sets it).
test: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check -q src tests $(wildcard bench)
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$JIUZHU_TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	 else echo "JIUZHU_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; fi

test-sqlite: $(STAMP)
	JIUZHU_DATABASE_URL=sqlite:///var/test.sqlite3 $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	JIUZHU_DATABASE_URL=$$JIUZHU_TEST_DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check -q src tests $(wildcard bench)
	$(BIN)/mypy src

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
