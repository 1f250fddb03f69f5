# Two commands a learner needs: `make lab` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ARGS   ?=
# Let worktrees share one venv: the code under test is always this checkout's.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: lab test test-fast lint bench clean lock notebooks docs

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]' --config-settings editable_mode=compat
	@touch $(STAMP)

# Jupyter refuses to start as root unless told; containers and CI machines often run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP)  ## open JupyterLab on labs/ (prints the URL; ARGS=--no-browser for a headless machine)
	$(BIN)/jupyter lab --notebook-dir=labs --ServerApp.ip=127.0.0.1 $(ROOT_FLAG) $(ARGS)

test: lint  ## lint and type check, then every test, every notebook (sandbox and live-path)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(ARGS)

LINTED := lab_helpers tests tools benchmarks labs/src labs/solutions examples
lint: $(STAMP)  ## ruff (lint + import order) and mypy, configured in pyproject.toml
	$(BIN)/ruff check $(LINTED)
	$(BIN)/mypy

test-fast: $(STAMP)  ## unit tests only, no notebooks
	$(BIN)/python -m pytest -m "not notebook and not live" $(ARGS)

bench: $(STAMP)  ## benchmark scripts: print ratios, never assert times
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

notebooks: $(STAMP)  ## rebuild labs/*.ipynb from labs/src/*.py (outputs stripped)
	$(BIN)/python tools/build_notebooks.py

docs: $(STAMP)  ## build the static site in build/site (every lab run as a learner first sees it) and check it
	$(BIN)/python tools/build_site.py --out build/site

lock:  ## refresh requirements.lock from the current venv
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^vpc-labs' > requirements.lock

clean:
	rm -rf build .pytest_cache
