# Two commands matter: `make lab` and `make test`. Both build .venv from scratch when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest

.PHONY: lab test test-unit test-notebooks test-browser browser-deps screenshots bench notebooks-refresh clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, this is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

test: test-unit test-notebooks test-browser

test-unit: $(STAMP)
	$(PYTEST) tests --ignore=tests/browser

test-notebooks: $(STAMP)
	$(PYTEST) --nbval-lax --nbval-current-env -p no:cacheprovider notebooks/

test-browser: $(STAMP)
	$(PYTEST) tests/browser

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_em.py
	$(BIN)/python benchmarks/bench_background.py

clean:
	rm -rf $(VENV) .pytest_cache
