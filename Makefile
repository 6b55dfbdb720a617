# The commands README tells people to use. Everything runs from ./.venv; `make run` and
# `make test` start an embedded PostgreSQL and Redis (data under ./var/) unless
# DATABASE_URL / REDIS_URL are set.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup run worker test test-fast lint bench services-stop clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: setup
	@bash scripts/run.sh

test: setup
	@bash scripts/test.sh $(ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@bash scripts/with-services.sh $(VENV)/bin/mypy .

bench: setup
	@bash scripts/with-services.sh $(PY) scripts/bench.py $(ARGS)

services-stop:
	$(PY) scripts/services.py stop

clean: services-stop
	rm -rf var/pg var/redis var/uploads var/demo
