# The two commands a new user needs: `make brief` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: brief test test-fast lint bench editions lab clean help

help:
	@echo "make brief     build the default brief into reports/ (creates .venv from requirements.lock)"
	@echo "make test      run lint and the test suite"
	@echo "make test-fast lint and the tests that need no kernel, renderer or browser (the edit loop)"
	@echo "make bench     run the benchmarks in benchmarks/"
	@echo "make editions  build every edition in editions/"
	@echo "make lab       open the notebooks in JupyterLab (project kernel, offline) on 127.0.0.1"

# The virtualenv is rebuilt whenever the lock file changes, with exactly what the lock pins: it pins
# every package (uv pip compile), and --no-deps keeps pip from adding what it leaves out on purpose
# (rfc3987-syntax: see the lock's header and tests/test_environment.py).
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

brief: $(STAMP)
	$(BIN)/brief build

editions: $(STAMP)
	$(BIN)/brief build --all-editions

# JupyterLab on the notebooks, with this project's .venv as the python3 kernel; nothing is fetched
# from the network (no news or update checks). The command line turns the fetching off; the settings
# default (read from the environment's overrides.d) also keeps JupyterLab from asking about news.
# Kernels are forked from a warm parent that has imported pandas and Altair (brief.forkserver, as in
# `brief build`): a notebook's kernel is ready at once instead of after seconds of imports.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.d/brief.json

$(LAB_SETTINGS): Makefile
	mkdir -p $(@D)
	printf '%s\n' '{"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false}}' > $@

lab: $(STAMP) $(LAB_SETTINGS)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 \
	  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate --allow-root \
	  --KernelProvisionerFactory.default_provisioner_name=brief-forked-provisioner

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

test: $(STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The edit loop: everything but the tests marked slow (real kernels, pandoc/Typst, Quarto) or needing
# Chromium or the PDF tools, spread over the machine's cores (pytest-xdist); `make test` runs them all,
# in one process, so the real builds the tests share are made once.
test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -m "not slow and not browser and not pdftools" -n auto -q -p no:cacheprovider $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build .brief-cache
