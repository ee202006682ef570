# The two commands a new user needs: `make brief` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: brief test lint bench editions clean help

help:
	@echo "make brief     build the default brief into reports/ (creates .venv from requirements.lock)"
	@echo "make test      run lint and the test suite"
	@echo "make bench     run the benchmarks in benchmarks/"
	@echo "make editions  build every edition in editions/"

# The virtualenv is rebuilt whenever the lock file changes.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

brief: $(STAMP)
	$(BIN)/brief build

editions: $(STAMP)
	$(BIN)/brief build --all-editions

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test: $(STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .brief-cache
