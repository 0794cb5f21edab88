# padstride: `make lab` to learn, `make test` to check everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.padstride-installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))
# Quiet TensorFlow's C++ start-up logging in every process we start.
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

.PHONY: help setup lab test unit nbtest browser course site notebooks student lint format data gallery clean
DATA := data/mnist.npz

help:
	@echo "make lab        set up .venv and open JupyterLab on notebooks/"
	@echo "make test       set up .venv and run the unit tests, every notebook under nbval, the browser and course tests"
	@echo "make browser    the notebooks, the explorer, the quiz and the site in Chromium (tests/browser)"
	@echo "make course     the wheel in a fresh environment: padstride notebooks, nbval, nbgrader (tests/install)"
	@echo "make site       the README and the notebooks as a static site in build/site/"
	@echo "make notebooks  re-execute every notebook in place from a fresh kernel"
	@echo "make student    the notebooks without their answers in build/student/, each run under nbval"
	@echo "make data       fetch MNIST into data/mnist.npz and verify it"
	@echo "make gallery    write the README's pictures to docs/images/"
	@echo "make lint       ruff check, ruff format --check and actionlint"

setup: $(STAMP)

# What padstride installs for JupyterLab and Notebook 7 (see jupyter-settings/): the notebook
# shortcuts kept away from focused widgets, and the server extension that shows a reopened
# notebook's controls in their still form.
OVERRIDES := jupyter-settings/overrides.d/padstride.json
SERVER_CONFIG := jupyter-settings/jupyter_server_config.d/padstride.json

# Re-created when missing or stale (a Python that no longer runs, e.g. a moved folder),
# re-installed when pyproject.toml, constraints.txt or what setup.py installs change.
$(STAMP): pyproject.toml constraints.txt setup.py $(OVERRIDES) $(SERVER_CONFIG)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "padstride needs Python 3.11 or newer (Keras 3.15 does); this is " + sys.version.split()[0] + " (set PYTHON=...)")'
	@if ! $(BIN)/python -c 'import sys' >/dev/null 2>&1; then \
		echo "creating $(VENV)"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@# A wheel puts setup.py's data_files in the environment; an editable install leaves them out.
	mkdir -p $(VENV)/share/jupyter/lab/settings/overrides.d $(VENV)/etc/jupyter/jupyter_server_config.d
	cp $(OVERRIDES) $(VENV)/share/jupyter/lab/settings/overrides.d/padstride.json
	cp $(SERVER_CONFIG) $(VENV)/etc/jupyter/jupyter_server_config.d/padstride.json
	@touch $(STAMP)

# Fetched and verified once; the loader re-checks the digests on every load.
data $(DATA): $(STAMP)
	$(BIN)/padstride data

# Jupyter refuses to run as root unless told; containers often are root.
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root)

lab: $(STAMP) $(DATA)
	$(BIN)/jupyter lab $(LAB_ARGS) notebooks/

test: unit nbtest browser course

# The unit tests side by side, one worker per core (at most 4), an idle worker taking tests
# queued for the other; UNIT_WORKERS= runs them in one. nbval is for nbtest only. Clearing
# PYTHONDONTWRITEBYTECODE lets pytest keep the test modules it rewrites in __pycache__
# (ignored by git): a second run starts about 1.5 s sooner.
UNIT_WORKERS ?= -n auto --maxprocesses 4 --dist worksteal

unit: $(STAMP) $(DATA)
	MPLBACKEND=Agg PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -p no:nbval $(UNIT_WORKERS) \
		tests padstride

# The sdist and the wheel built and installed as an instructor would, outside this checkout:
# a course written by `padstride notebooks`, checked by nbval offline, graded by nbgrader; and
# the README's set-up without make, run literally in a copy of the checkout (tests/install).
course: $(STAMP) $(DATA)
	$(BIN)/python -m pytest -q -p no:randomly -p no:nbval -m course tests/install

# Notebooks run side by side, each whole in one worker (loadscope keeps a notebook's cells
# together, in order); the longest one sets the pace. NBTEST_WORKERS= runs them one by one.
NBTEST_WORKERS ?= -n auto --maxprocesses 4 --dist loadscope

nbtest: $(STAMP) $(DATA)
ifeq ($(NOTEBOOKS),)
	@echo "no notebooks in notebooks/ yet: nothing for nbval to check"
else
	$(BIN)/python -m pytest -q -p no:randomly --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg $(NBTEST_WORKERS) $(NOTEBOOKS)
endif

# axe-core, which the browser tests put into each page for the WCAG 2.1 A/AA checks: the version
# and digest tests/browser/package-lock.json pins, from the npm registry. Without npm those
# checks are skipped (failed in CI) and the rest runs.
NPM ?= npm
AXE := tests/browser/node_modules/axe-core/axe.min.js

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v $(NPM) >/dev/null 2>&1; then \
		cd tests/browser && $(NPM) ci --no-audit --no-fund --loglevel=error && touch node_modules/axe-core/axe.min.js; \
	else echo "accessibility checks skipped: no npm for axe-core (install it: sudo apt-get install npm)"; fi

# Debian's Chromium, driven by Playwright; without it the browser tests say how to get it.
CHROMIUM ?= /usr/bin/chromium
SITE := build/site

ifeq ($(wildcard $(CHROMIUM)),)
browser:
	@echo "browser tests skipped: no Chromium at $(CHROMIUM) (install it: sudo apt-get install chromium)"
else
browser: site $(DATA) $(AXE)
	PADSTRIDE_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -q -p no:randomly -m browser tests/browser
endif

# Stored outputs only, nothing executed; any Sphinx warning fails the build.
site: $(STAMP)
	rm -rf $(SITE)
	$(BIN)/sphinx-build -q -W --keep-going -b html -c docs/site . $(SITE)
	@echo "site: $(SITE)/index.html"

notebooks: $(STAMP) $(DATA)
ifneq ($(NOTEBOOKS),)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=python3 \
		--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False \
		--ClearMetadataPreprocessor.enabled=True \
		--ClearMetadataPreprocessor.clear_notebook_metadata=False \
		--ClearMetadataPreprocessor.preserve_cell_metadata_mask=jupyter \
		--ClearMetadataPreprocessor.preserve_cell_metadata_mask=tags \
		--ClearMetadataPreprocessor.preserve_cell_metadata_mask=transient $(NOTEBOOKS)
endif

# Copies without the cells tagged "answer", then run top to bottom: a hand-out that works.
STUDENT := build/student

student: $(STAMP) $(DATA)
	$(BIN)/padstride notebooks $(STUDENT) --student --overwrite
	$(BIN)/python -m pytest -q -p no:randomly --nbval --nbval-current-env \
		--nbval-sanitize-with $(STUDENT)/sanitize.cfg $(NBTEST_WORKERS) $(STUDENT)/*.ipynb
	@echo "student notebooks: $(STUDENT)/"

gallery: $(STAMP)
	MPLBACKEND=Agg $(BIN)/python -c 'from padstride.plots import gallery; print(*gallery("docs/images", overwrite=True), sep="\n")'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/actionlint

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info tests/browser/node_modules
