# Foster Care QA: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?= -n 2
HOST ?= 127.0.0.1
PORT ?= 8000
# Development defaults for `make run`; tests use tests/settings.py.

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python venv is missing: installing Debian's python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/pip install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed ## Create .venv and install the requirements

chromium: ## Install Debian's chromium for the browser tests when it is missing
	@if [ -x /usr/bin/chromium ] || [ -n "$$CHROMIUM_PATH" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get install -y -qq chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)) \
	  || echo "Could not install chromium: browser tests will be skipped (they fail under CI=true)"; \
	else echo "No chromium and not root: browser tests will be skipped (they fail under CI=true)"; fi

# WeasyPrint (the quarterly report's PDF) needs Pango, HarfBuzz and a font from Debian.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

pdf-libs: ## Install the Debian libraries WeasyPrint needs for the report's PDF when they are missing
	@missing=$$(for p in $(PDF_LIBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's $$missing for the report's PDF"; \
	  apt-get install -y -qq $$missing >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null); \
	else echo "Missing Debian packages for the report's PDF: $$missing (apt-get install them as root)"; exit 1; fi

migrate: venv pdf-libs ## Apply database migrations
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput

seed: migrate ## Load the demo data (idempotent)
	DEBUG=$${DEBUG:-true} PORT=$(PORT) $(BIN)/python manage.py seed_demo

run: seed ## Install, migrate, load the demo data and serve http://127.0.0.1:8000
	@echo "Serving on http://$(HOST):$(PORT)/ (log in with one of the demo users above)"
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev chromium pdf-libs ## Install the test requirements (and chromium) and run the tests
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run > /dev/null || { echo "Missing migrations: run manage.py makemigrations"; exit 1; }
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev ## ruff check and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: venv ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(BIN)/celery -A config worker -l info

clean: ## Remove the virtualenv and the SQLite database
	rm -rf $(VENV) db.sqlite3

.PHONY: help venv chromium pdf-libs migrate seed run test lint format worker clean
