# Two commands a learner needs: `make lab` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=
# Let worktrees share one venv: the code under test is always this checkout's.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: lab test test-fast lint bench clean lock notebooks docs proxy classroom

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]' --config-settings editable_mode=compat
	@touch $(STAMP)

# Jupyter refuses to start as root unless told; containers and CI machines often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)  ## open JupyterLab on labs/ (prints the URL; ARGS=--no-browser for a headless machine)
	$(BIN)/jupyter lab --notebook-dir=labs --ServerApp.ip=127.0.0.1 $(ROOT_FLAG) $(ARGS)

# configurable-http-proxy (npm) sits in front of JupyterHub: installed once into .venv/node, where
# lab_helpers.classroom.hub looks for it. Without npm nothing fails: the JupyterHub test skips and says why.
CHP_VERSION := 5.3.0
CHP := $(VENV)/node/node_modules/.bin/configurable-http-proxy
proxy: $(STAMP)
	@if command -v configurable-http-proxy >/dev/null 2>&1 || test -x $(CHP); then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  echo "Installing configurable-http-proxy $(CHP_VERSION) into $(VENV)/node (for the JupyterHub classroom)..."; \
	  npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error \
	    configurable-http-proxy@$(CHP_VERSION) >/dev/null \
	    || echo "configurable-http-proxy install failed: the JupyterHub test (tests/publish/test_hub.py) will skip"; \
	else echo "npm not found: configurable-http-proxy not installed; the JupyterHub test will skip"; fi

USERS ?= 10
classroom: proxy  ## a JupyterHub for USERS learners on 127.0.0.1:8000 (ARGS="--password ... --port ...")
	$(BIN)/python -m lab_helpers.cli classroom serve --users $(USERS) $(ARGS)

test: lint proxy  ## lint and type check, then every test, every notebook (sandbox and live-path)
	$(BIN)/python -m pytest -n 2 --dist loadgroup --durations=15 $(ARGS)

LINTED := lab_helpers tests tools benchmarks labs/src labs/solutions examples
lint: $(STAMP)  ## ruff (lint + import order) and mypy, configured in pyproject.toml
	$(BIN)/ruff check $(LINTED)
	$(BIN)/mypy

test-fast: $(STAMP)  ## unit tests only, no notebooks
	$(BIN)/python -m pytest -m "not notebook and not live" $(ARGS)

bench: proxy  ## benchmark scripts: print ratios, never assert times
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

notebooks: $(STAMP)  ## rebuild labs/*.ipynb from labs/src/*.py (outputs stripped)
	$(BIN)/python tools/build_notebooks.py

docs: $(STAMP)  ## build the static site in build/site (every lab run as a learner first sees it) and check it
	$(BIN)/python tools/build_site.py --out build/site

lock:  ## refresh requirements.lock from the current venv
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^vpc-labs' > requirements.lock

clean:
	rm -rf build .pytest_cache
