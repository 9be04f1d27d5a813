# Two entry points (see README): `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := poppler-utils tesseract-ocr tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-eng ocrmypdf fonts-dejavu-core fonts-dejavu-extra fonts-liberation chromium
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_HOME := $(CURDIR)/.prefect
export DO_NOT_TRACK := 1

.PHONY: run test test-fast system-deps install lint fixtures eval bench clean

# System packages: OCR (tesseract + French/English/Spanish data, ocrmypdf), poppler, fonts;
# chromium for the proof page's browser tests.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

install: system-deps $(VENV)/.installed

# The main job on the embedded default: the bundled fixtures as inbox, Prefect's
# ephemeral local API (no server to start), results in output/.
run: install
	mkdir -p output/inbox
	cp -n fixtures/*.pdf fixtures/ar/*.pdf output/inbox/ 2>/dev/null || true
	$(VENV)/bin/metroextract ingest output/inbox --output output

test: install lint
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not slow"

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

clean:
	rm -rf output/reports output/datasets output/schema output/review output/quarantine output/processed output/inbox output/sources output/.claims output/*.json .prefect
