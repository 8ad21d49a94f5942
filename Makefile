# Stridewell developer commands. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: help run test lint format bench-gait bench-gait-sessions bench-calendar bench-programme bench-comparison bench-report bench-kills worker services clean

help:
	@echo "make run         run the app on embedded defaults (SQLite, local worker) with demo data"
	@echo "make test        install everything and run the whole test suite against PostgreSQL"
	@echo "make lint        ruff, and the import contracts (lint-imports)"
	@echo "make bench-gait  gait engine speed and memory benchmark"
	@echo "make bench-gait-sessions  upload-to-findings time through a real worker"
	@echo "make bench-calendar  calendar, free-slot and booking-race benchmark on PostgreSQL"
	@echo "make bench-programme  programme suggestion and programme page timings on PostgreSQL"
	@echo "make bench-comparison  comparison page and gait timeline timings (12 sessions) on PostgreSQL"
	@echo "make bench-report  progress report PDF render time and size (6 sessions, 7 key frames each, 8 exercises)"
	@echo "make bench-kills  SIGKILL a real worker while it sends reminders; counts lost and duplicates"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

.env:
	sed "s|^SECRET_KEY=.*|SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')|" .env.example > .env

run: $(VENV)/.installed .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	scripts/run-local.sh

services:
	scripts/ensure-services.sh

test: $(VENV)/.installed-dev services
	scripts/ensure-test-tools.sh
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .

bench-gait: $(VENV)/.installed-dev
	$(PY) benchmarks/bench_gait.py

bench-gait-sessions: $(VENV)/.installed-dev services
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/14} $(PY) benchmarks/bench_gait_sessions.py

bench-calendar: $(VENV)/.installed-dev services
	$(PY) benchmarks/bench_calendar.py

bench-programme: $(VENV)/.installed-dev services
	$(PY) benchmarks/bench_programme.py

bench-comparison: $(VENV)/.installed-dev services
	$(PY) benchmarks/bench_comparison.py
bench-report: $(VENV)/.installed-dev services
	$(PY) benchmarks/bench_report.py

bench-kills: $(VENV)/.installed-dev services
	$(PY) benchmarks/bench_worker_kills.py

clean:
	rm -rf var .pytest_cache .ruff_cache .import_linter_cache
