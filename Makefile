# Two commands matter: `make lab` and `make test`. Both build .venv from scratch when needed.
# Portable make: GNU make with any POSIX sh (Linux, macOS's BSD tools, Git Bash or MSYS2 on
# Windows); no GNU-only flags. Without make, README.md gives the same steps as plain commands.
ifeq ($(OS),Windows_NT)
PYTHON ?= python
VENV_BIN := Scripts
else
PYTHON ?= python3
VENV_BIN := bin
endif
VENV   := .venv
BIN    := $(VENV)/$(VENV_BIN)
STAMP  := $(VENV)/.installed
PYTEST := $(BIN)/python -m pytest
# JupyterLab reads settings overrides from <sys.prefix>/share/jupyter/lab/settings (same on every OS).
OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

.PHONY: lab install test test-unit test-notebooks test-browser test-lowest \
	test-lowest-browser browser-deps screenshots bench notebooks clean FORCE

# A venv whose python cannot run pip is rebuilt, not reused: `python3 -m venv` on Debian without
# python3-venv leaves exactly that behind, and testing only for .venv/bin/python kept it forever.
VENV_OK := $(shell $(BIN)/python -m pip --version >/dev/null 2>&1 && echo yes)

$(STAMP): pyproject.toml $(if $(VENV_OK),,FORCE)
	@$(PYTHON) -c "import sys; sys.exit(f'Python 3.11+ is needed, $(PYTHON) is {sys.version.split()[0]}: run make PYTHON=python3.12 (or another 3.11+)') if sys.version_info < (3, 11) else None"
	@if ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
		echo "creating $(VENV) with $(PYTHON)"; rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
		$(BIN)/python -m pip --version >/dev/null 2>&1 || { echo "$(PYTHON) -m venv made no working pip in $(VENV)." \
			"On Debian/Ubuntu install the venv module (sudo apt-get install python3-venv), then run make again." >&2; exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# JupyterLab opens a notebook's .py twin as a notebook (the Jupytext viewer) for make lab users.
$(OVERRIDES): jupyterlab-settings/overrides.json $(STAMP)
	mkdir -p $(@D)
	cp jupyterlab-settings/overrides.json $@

install: $(STAMP) $(OVERRIDES)

# jupyter refuses to start as root ("Use --allow-root to bypass"), which is how a Docker
# container, a course server or a CI runner runs it: there make lab passes --allow-root and says
# so. On Linux with no display (ssh, a container) no browser can open: --no-browser, and jupyter
# prints the URL to open. LAB_ARGS adds options, e.g. make lab LAB_ARGS="--port=8890".
LAB_ARGS ?=

lab: install
	@extra=""; \
	if [ "$$(id -u 2>/dev/null)" = 0 ]; then extra="--allow-root"; \
		echo "make lab: running as root (a container or a shared server?): passing --allow-root to jupyter lab"; fi; \
	if [ "$$(uname -s 2>/dev/null)" = Linux ] && [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then extra="$$extra --no-browser"; \
		echo "make lab: no display here: open the http://... URL that jupyter prints below in a browser"; fi; \
	echo "$(BIN)/jupyter lab notebooks $$extra $(LAB_ARGS)"; \
	exec $(BIN)/jupyter lab notebooks $$extra $(LAB_ARGS)

test: test-unit test-notebooks test-browser

# The commands of the test targets are README's commands without make, word for word
# (tests/test_readme_route.py checks, and runs README's in a fresh venv).
# install, not just the venv: tests/test_make_lab.py starts `make lab` on the installed checkout.
test-unit: install
	$(PYTEST) -n auto --dist loadfile --doctest-modules gmmlib tests --ignore=tests/browser

# Twice: the default BLAS kernel, then another kernel on one thread. A checked output that prints
# round-off differs between the two, as it would on another CPU. OPENBLAS_CORETYPE is read by every
# OpenBLAS in the venv, numpy's and scipy's bundled scipy-openblas included (notebooks/conftest.py
# prints the kernel each run really used).
test-notebooks: $(STAMP)
	$(PYTEST) -n auto --dist loadfile --nbval-lax --nbval-current-env notebooks
	OPENBLAS_CORETYPE=Prescott OPENBLAS_NUM_THREADS=1 $(PYTEST) -n auto --dist loadfile --nbval-lax --nbval-current-env notebooks

# The browser stage: JupyterLab over a temporary copy of the repo, driven in Chromium
# (tests/browser/). tests/ensure_browser.py finds a Chromium or installs one (apt-get as root or
# through sudo, else playwright's download) and fails saying what to run when it cannot.
# Screenshots and the server log go to build/browser/ (paths printed at the end).
FIND_BROWSER = chromium="$$($(BIN)/python tests/ensure_browser.py)" && export GMM_CHROMIUM="$$chromium"

test-browser: $(STAMP) $(OVERRIDES)
	$(FIND_BROWSER) && $(PYTEST) tests/browser

browser-deps: $(STAMP)
	$(BIN)/python tests/ensure_browser.py

# One screenshot per notebook (its first interactive view, else its largest figure) into imgs/.
screenshots: $(STAMP) $(OVERRIDES)
	$(FIND_BROWSER) && GMM_SCREENSHOTS_DIR="$(CURDIR)/imgs" $(PYTEST) -p no:cacheprovider \
		tests/browser/test_browser_notebooks.py -k test_runs_without_errors

# The declared floors are real: the lowest versions pyproject.toml allows for every direct
# dependency (uv's lowest-direct resolution) and for the build backend, in their own venv, pass
# the unit tests and nbval. The README route test is left out here: it builds its own venv with
# pip's newest versions whatever venv runs it, so here it would only repeat what make test ran.
# Every other test runs; the hypothesis suites draw 40 examples per test instead of 250 (the long
# search ran in make test: here the question is whether these versions work, not new inputs).
# `make test-lowest-browser` runs the browser suite there too (not in CI: see README).
LOWEST := .venv-lowest
LOWEST_BIN := $(LOWEST)/$(VENV_BIN)
UV := $(BIN)/python -m uv

$(LOWEST)/.installed: pyproject.toml jupyterlab-settings/overrides.json $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	rm -rf $(LOWEST)
	$(UV) venv --quiet --python $(PYTHON) $(LOWEST)
	$(BIN)/python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')" \
		| $(UV) pip compile --quiet --no-header --resolution lowest - -o $(LOWEST)/build-constraints.txt
	$(UV) pip install --quiet --python $(LOWEST_BIN)/python --resolution lowest-direct \
		--build-constraints $(LOWEST)/build-constraints.txt -e ".[test]"
	mkdir -p $(LOWEST)/share/jupyter/lab/settings
	cp jupyterlab-settings/overrides.json $(LOWEST)/share/jupyter/lab/settings/overrides.json
	touch $@

# What was installed: the build backend and every direct dependency, at its lowest version
# (nbgrader's gradebook extra is not in .venv-lowest: it lives in .venv-grading).
LOWEST_VERSIONS = $(LOWEST_BIN)/python -c "import re, tomllib, importlib.metadata as md; \
	p = tomllib.load(open('pyproject.toml', 'rb')); \
	names = [re.match(r'[A-Za-z0-9_.-]+', r)[0] for r in p['project']['dependencies'] + sum((v for k, v in p['project']['optional-dependencies'].items() if k != 'gradebook'), []) if not r.startswith('gmmlib')]; \
	print('lowest versions:', open('$(LOWEST)/build-constraints.txt').read().split()[0], *(n + '==' + md.version(n) for n in names))"

# nbgrader's extra at its lowest versions too, in its own venv as in .venv-grading
# (tests/test_gradebook.py uses the venv GMMLIB_GRADING_VENV names).
LOWEST_GRADING := .venv-grading-lowest

$(LOWEST_GRADING)/.installed: pyproject.toml $(LOWEST)/.installed
	rm -rf $(LOWEST_GRADING)
	$(UV) venv --quiet --python $(PYTHON) $(LOWEST_GRADING)
	$(UV) pip install --quiet --python $(LOWEST_GRADING)/$(VENV_BIN)/python --resolution lowest-direct \
		--build-constraints $(LOWEST)/build-constraints.txt -e ".[gradebook]"
	@$(LOWEST_GRADING)/$(VENV_BIN)/python -c "import nbgrader; print('lowest versions (gradebook): nbgrader==' + nbgrader.__version__)"
	touch $@

test-lowest: $(LOWEST)/.installed $(LOWEST_GRADING)/.installed
	@$(LOWEST_VERSIONS)
	GMMLIB_GRADING_VENV=$(CURDIR)/$(LOWEST_GRADING) GMMLIB_GARBAGE_EXAMPLES=40 GMMLIB_HYPOTHESIS_EXAMPLES=40 \
		$(LOWEST_BIN)/python -m pytest -n auto --dist loadfile --doctest-modules gmmlib tests --ignore=tests/browser --ignore=tests/test_readme_route.py
	$(LOWEST_BIN)/python -m pytest -n auto --dist loadfile --nbval-lax --nbval-current-env notebooks

test-lowest-browser: $(LOWEST)/.installed
	@$(LOWEST_VERSIONS)
	$(FIND_BROWSER) && $(LOWEST_BIN)/python -m pytest tests/browser

# Re-execute every notebook and its solutions from the paired .py and store the outputs (they
# render before anything runs: GitHub, untrusted JupyterLab). No widget state and no timestamps
# are stored; tests/tidy_notebook.py removes what changes from run to run without the lesson
# changing, so running this twice gives the same files. The second jupytext --sync writes the
# .py back in jupytext's own form, so the pair stays in step.
NB_SOURCES = notebooks/[0-9]*.py notebooks/solutions/[0-9]*.py

notebooks: $(STAMP)
	for py in $(NB_SOURCES); do \
		$(BIN)/jupytext --quiet --sync "$$py" && \
		$(BIN)/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace \
			--ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False \
			"$${py%.py}.ipynb" && \
		$(BIN)/python tests/tidy_notebook.py "$${py%.py}.ipynb" && \
		$(BIN)/jupytext --quiet --sync "$$py" || exit 1; \
	done

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_em.py
	$(BIN)/python benchmarks/bench_background.py
	$(BIN)/python benchmarks/bench_views.py

clean:
	rm -rf $(VENV) $(LOWEST) .pytest_cache

FORCE:

# Static reveal.js slides of every notebook that work offline: reveal.js and MathJax are copied
# from installed packages (sphinx-revealjs, jupyter-server-mathjax) next to the decks, nothing is
# loaded from a CDN. Open build/slides/<notebook>.slides.html in any browser.
SLIDES_DIR := build/slides
.PHONY: slides
slides: $(STAMP)
	$(BIN)/python tests/browser/offline_slides.py $(SLIDES_DIR) notebooks/[0-9]*.ipynb

# The course site in build/site/ (docs/build_site.py): README as the landing page, INSTRUCTOR.md,
# a page on running the course, every notebook and solution with its stored outputs (nothing is
# executed), each with its .ipynb and its offline slide deck beside it. No network: MathJax is
# copied from jupyter-server-mathjax. Open build/site/index.html.
.PHONY: site
site: $(STAMP)
	$(BIN)/python docs/build_site.py build/site

# Grading a class (INSTRUCTOR.md, "Grading a class"). `make assignments` writes the student release
# (build/assignments/release/) and the autograder (build/assignments/autograder/) from notebooks/;
# `make grade SUBMISSIONS=folder` grades one folder per student into build/grades/ (scores.csv and
# feedback/<student>.md), each exercise in its own process inside bubblewrap (Linux only).
ASSIGNMENTS := build/assignments
GRADES ?= build/grades
.PHONY: assignments grade
assignments: $(STAMP)
	$(BIN)/python -m grading.assignments --out $(ASSIGNMENTS)

grade: assignments
	@test -n "$(SUBMISSIONS)" || { echo "usage: make grade SUBMISSIONS=folder (one folder per student, holding their notebooks)" >&2; exit 2; }
	$(BIN)/python -m grading.grade "$(SUBMISSIONS)" --assignments $(ASSIGNMENTS) --out $(GRADES)

# nbgrader's gradebook and formgrader over our scores (grading/gradebook.py, INSTRUCTOR.md
# "Grading a class"). nbgrader lives in its own venv, .venv-grading: installed into .venv it
# would add its JupyterLab and server extensions to every student's `make lab` and to the browser
# suite. `make gradebook SUBMISSIONS=folder` grades (as make grade) and loads the scores into
# build/course/gradebook.db, an nbgrader course folder; open formgrader with
# `cd build/course && ../../.venv-grading/bin/jupyter lab`.
GRADING_VENV := .venv-grading
GRADING_BIN := $(GRADING_VENV)/$(VENV_BIN)
COURSE ?= build/course
.PHONY: gradebook gradebook-venv

$(GRADING_VENV)/.installed: pyproject.toml
	rm -rf $(GRADING_VENV)
	$(PYTHON) -m venv $(GRADING_VENV)
	$(GRADING_BIN)/python -m pip install --quiet --upgrade pip
	$(GRADING_BIN)/python -m pip install --quiet -e ".[gradebook]"
	touch $@

gradebook-venv: $(GRADING_VENV)/.installed

gradebook: grade $(GRADING_VENV)/.installed
	$(GRADING_BIN)/python -m grading.gradebook $(GRADES) --submissions "$(SUBMISSIONS)" --assignments $(ASSIGNMENTS) --course $(COURSE)
