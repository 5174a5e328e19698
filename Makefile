# KIS Portal: `make run` serves the demo, `make test` runs the whole suite.
# Both create .venv and install what they need on the first run.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format migrations-check demo clean help bench mutation

help:
	@echo "make run    - install, migrate, load demo data, serve on http://$(HOST):$(PORT) with a job worker"
	@echo "make test   - install and run the whole test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make lint   - ruff check, ruff format --check, lint-imports (layers), makemigrations --check"
	@echo "make format - ruff format and autofix"
	@echo "make mutation - mutation testing of the rule modules (scripts/mutation, docs/mutation.md)"
	@echo "make bench  - run the benchmarks on PostgreSQL (QUICK=1: 1/100 scale, ~2 min)"
	@echo "make upgrade [REF=v1.4] / make rollback / make releases - releases on a server (docs/deploy.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "KIS Portal berjalan di http://$(HOST):$(PORT)/  (Ctrl+C untuk berhenti)"
	@echo ""
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py db_worker --interval 1 & worker=$$!; \
	DEBUG=1 $(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

demo: $(VENV)/.run-deps
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo

test: $(VENV)/.dev-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

mutation: $(VENV)/.dev-deps
	$(BIN)/python scripts/mutation --floor 90

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# --- Benchmarks (bench/run.py): a fresh PostgreSQL database, created and dropped.
# BENCH_DATABASE_URL=postgres://user@host:5432/kis_bench by default; QUICK=1 for 1/100 scale.
QUICK ?=
# B8 waits (at most B8_WAIT_S seconds) for a quiet machine before its load test.
B8_WAIT_S ?= 120
bench: $(VENV)/.dev-deps
	QUICK=$(QUICK) B8_WAIT_S=$(B8_WAIT_S) $(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-shm db.sqlite3-wal

# --- Backups (docs/deploy.md) ------------------------------------------------
# make backup                         DATABASE_URL=postgres://... [MEDIA_ROOT=...] [BACKUP_DIR=backups]
# make restore FROM=backups/<stamp>   into an EMPTY database and an empty MEDIA_ROOT
BACKUP_DIR ?= backups

.PHONY: backup restore

backup:
	@scripts/backup "$(BACKUP_DIR)"

restore:
	@test -n "$(FROM)" || { echo "pakai: make restore FROM=backups/<waktu>"; exit 2; }
	@scripts/restore "$(FROM)"

# --- Releases (scripts/release, docs/deploy.md) ---------------------------------------
# make upgrade [REF=v1.4]   install REF beside the running release, migrate, switch, restart
# make rollback             back to the previous release (when its migrations can be undone)
# make releases             the installed releases and whether a rollback would work
REF ?= HEAD

.PHONY: upgrade rollback releases

upgrade:
	@scripts/release upgrade "$(REF)"

rollback:
	@scripts/release rollback

releases:
	@scripts/release status
