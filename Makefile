# Everything a fresh machine needs beyond Python 3.11+ and make is installed from here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Microsoft's published schemas and card parser for the tests come from npm (package.json).
NODE_STAMP := node_modules/.installed-stamp

.PHONY: help install lint typecheck pytest test test-clock demo run bench clean

help:
	@echo "make demo   - a full 1on1 cycle on a local Slack stand-in (no accounts needed)"
	@echo "make test   - lint, types and all tests (SQLite and PostgreSQL)"
	@echo "make test-clock - the tests with the clock moved (needs faketime)"
	@echo "make run    - serve for real (needs the Slack settings, the Teams settings or both)"
	@echo "make bench  - benchmarks"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=...)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { \
	  echo "Node.js and npm are needed for the schema checks in the tests (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(NODE_STAMP)
	$(BIN)/pytest -q $(PYTEST_ARGS)

test: lint typecheck pytest

# The suite (SQLite) with the system clock moved by libfaketime (Debian's `faketime`): one and
# six years ahead, just before Europe/London leaves and enters summer time, and on a leap day. A test that
# only passes on today's date, or code that reads the clock where it should take `now`, fails here.
CLOCKS := +400d|+2400d|@2027-03-28 00:30:00|@2027-10-31 00:30:00|@2028-02-29 12:00:00
test-clock: $(STAMP) $(NODE_STAMP)
	@command -v faketime >/dev/null 2>&1 || { echo "faketime is missing (apt-get install faketime)" >&2; exit 1; }
	@set -e; clocks='$(CLOCKS)'; IFS='|'; for at in $$clocks; do \
	  echo "== the suite with the clock at $$at"; \
	  faketime -f "$$at" $(BIN)/pytest -q -p no:cacheprovider -k "not postgresql" $(PYTEST_ARGS); \
	done

demo: $(STAMP)
	$(BIN)/oneonone demo

run: $(STAMP)
	$(BIN)/oneonone serve

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache *.egg-info
