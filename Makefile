# Two entry points (see README): `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The Python environment is locked (uv.lock, every package and its hashes) and installed by
# uv, itself pinned and installed from PyPI into .tools/. `make lock` moves the lock on purpose.
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
LATEST := .venv-latest
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
APT_PACKAGES := poppler-utils tesseract-ocr tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-eng ocrmypdf fonts-dejavu-core fonts-dejavu-extra fonts-liberation chromium libpango-1.0-0 libpangoft2-1.0-0
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/.prefect
export DO_NOT_TRACK := 1

.PHONY: run test test-fast test-latest lock system-deps install lint fixtures eval bench designs clean

# System packages: OCR (tesseract + French/English/Spanish data, ocrmypdf), poppler, fonts;
# chromium for the proof page's browser tests.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install -q uv==$(UV_VERSION)

# Exactly the locked versions (--frozen: the lock is never re-resolved here); a second run
# finds them installed and changes nothing.
$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --extra dev --python $(PYTHON) --quiet
	touch $@

# Move the lock to the newest versions pyproject.toml's ranges allow (review the diff of
# uv.lock, run `make test`, commit both).
lock: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# Drift check: the newest versions the ranges allow, in a separate environment, against the
# whole suite (PYTEST_ARGS="-m 'not slow'" for a quick look). Green: `make lock` is safe.
# Red: pin the range in pyproject.toml or fix the code.
test-latest: system-deps $(UV)
	rm -rf $(LATEST)
	$(UV) venv --quiet --python $(PYTHON) $(LATEST)
	$(UV) pip install --quiet --python $(LATEST)/bin/python --upgrade --refresh -e '.[dev]'
	$(UV) pip freeze --python $(LATEST)/bin/python --exclude-editable > $(LATEST)/versions.txt
	@echo "versions newer than uv.lock:"; $(UV) export --frozen --extra dev --no-hashes --no-emit-project --no-header --quiet | grep '==' | sed 's/ *;.*//' | sort > $(LATEST)/locked.txt; \
	  comm -13 $(LATEST)/locked.txt <(sort $(LATEST)/versions.txt) | sed 's/^/  /' || true
	$(LATEST)/bin/python -m pytest -q $(PYTEST_ARGS)

install: system-deps $(VENV)/.installed

# The main job on the embedded default: the bundled fixtures as inbox, Prefect's
# ephemeral local API (no server to start), results in output/.
run: install
	mkdir -p output/inbox
	cp -n fixtures/*.pdf fixtures/ar/*.pdf output/inbox/ 2>/dev/null || true
	$(VENV)/bin/metroextract ingest output/inbox --output output

# The suite runs on every core (pytest-xdist; at most 4 workers: each starts its own Prefect
# test server), idle workers stealing tests from busy ones.
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 4 ] && n=4; echo $$n)
XDIST := -n $(TEST_WORKERS) --dist worksteal

test: install lint
	$(PY) -m pytest -q $(XDIST) --durations=15

test-fast: install
	$(PY) -m pytest -q $(XDIST) -m "not slow"

# ruff's rules and its format check (configured in pyproject.toml), and no function in
# src/ or flows/ longer than 80 lines; `make test` runs it first.
LINT_PATHS := src flows tests bench fixtures scripts
lint: install
	$(VENV)/bin/ruff check $(LINT_PATHS)
	$(VENV)/bin/ruff format --check $(LINT_PATHS)
	$(PY) scripts/long_functions.py

fixtures: install
	$(PY) fixtures/build.py

eval: install
	$(VENV)/bin/metroextract eval fixtures

bench: install
	$(PY) bench/run.py

# The parser on unseen designs (issue 24): N seeded generated designs (fixtures/designgen),
# producers in turn (ReportLab, Chromium, Typst), item F1 per section and activity field.
# `make designs N=60 DESIGNS_ARGS="--producers typst --json output/designs.json"`
N ?= 200
designs: install
	$(PY) bench/designs.py -n $(N) --jobs 2 $(DESIGNS_ARGS)

clean:
	rm -rf $(LATEST) output/reports output/datasets output/schema output/review output/quarantine output/processed output/inbox output/sources output/.claims output/*.json .prefect
