# Everything a fresh machine needs beyond Python 3.11+ and make is installed from here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: help install lint typecheck pytest test demo run bench clean

help:
	@echo "make demo   - a full 1on1 cycle on a local Slack stand-in (no accounts needed)"
	@echo "make test   - lint, types and all tests (SQLite and PostgreSQL)"
	@echo "make run    - serve for real (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)"
	@echo "make bench  - benchmarks"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

test: lint typecheck pytest

demo: $(STAMP)
	$(BIN)/oneonone demo

run: $(STAMP)
	$(BIN)/oneonone serve

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
