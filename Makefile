# Two commands matter: `make lab` and `make test`. Both build .venv from scratch when needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest

.PHONY: lab test test-unit test-notebooks test-browser browser-deps screenshots bench notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed, this is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	install -D -m 644 jupyterlab-settings/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

# JupyterLab opens a notebook's .py twin as a notebook (the Jupytext viewer) for make lab users.
OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(OVERRIDES): jupyterlab-settings/overrides.json $(STAMP)
	install -D -m 644 $< $@

install: $(STAMP) $(OVERRIDES)

lab: $(STAMP) $(OVERRIDES)
	$(BIN)/jupyter lab --notebook-dir=notebooks

test: test-unit test-notebooks test-browser

test-unit: $(STAMP)
	$(PYTEST) --doctest-modules gmmlib tests --ignore=tests/browser

test-notebooks: $(STAMP)
	$(PYTEST) --nbval-lax --nbval-current-env -p no:cacheprovider notebooks/

# The browser stage: JupyterLab over a temporary copy of the repo, driven in Debian's chromium
# (tests/browser/). A missing chromium is a failure, never a skip. Screenshots and the server
# log go to build/browser/ (paths printed at the end).
CHROMIUM ?= /usr/bin/chromium
define need-chromium
	@test -x $(CHROMIUM) || { echo "$(CHROMIUM) is missing: the browser tests need Debian's chromium; run 'make browser-deps' (apt-get install chromium, needs root or sudo)" >&2; exit 1; }
	@install -D -m 644 jupyterlab-settings/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
endef

test-browser: $(STAMP)
	$(need-chromium)
	GMM_CHROMIUM=$(CHROMIUM) $(PYTEST) -p no:cacheprovider tests/browser

browser-deps:
	@if [ -x $(CHROMIUM) ]; then echo "$(CHROMIUM) is installed"; \
	elif [ "$$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi

# One screenshot per notebook (its first interactive view, else its largest figure) into imgs/.
screenshots: $(STAMP)
	$(need-chromium)
	GMM_CHROMIUM=$(CHROMIUM) GMM_SCREENSHOTS_DIR=$(CURDIR)/imgs $(PYTEST) -p no:cacheprovider \
		tests/browser/test_browser_notebooks.py -k test_runs_without_errors

# Re-execute every notebook from its paired .py and store the outputs (they render on GitHub).
notebooks: $(STAMP)
	for py in notebooks/[0-9]*.py; do \
		$(BIN)/jupytext --quiet --sync "$$py" && \
		$(BIN)/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace "$${py%.py}.ipynb" || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_em.py
	$(BIN)/python benchmarks/bench_background.py

clean:
	rm -rf $(VENV) .pytest_cache

# --- slides (browser branch)
# Static reveal.js slides of every notebook that work offline: reveal.js and MathJax are copied
# from installed packages (sphinx-revealjs, jupyter-server-mathjax) next to the decks, nothing is
# loaded from a CDN. Open build/slides/<notebook>.slides.html in any browser.
SLIDES_DIR := build/slides
.PHONY: slides
slides: $(STAMP)
	$(BIN)/python tests/browser/offline_slides.py $(SLIDES_DIR) notebooks/[0-9]*.ipynb
# --- end slides (browser branch)
