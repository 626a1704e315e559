# foyer — developer commands. Only Python 3.11+ and make are needed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOW ?= 2026-11-24T12:00:00+01:00

.PHONY: site test golden bench bench-quick screenshots clean

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --only-binary markdown-it-pyrs -e '.[fast]' \
	  || $(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --only-binary markdown-it-pyrs -e '.[test,fast]' \
	  || $(BIN)/python -m pip install -q -e '.[test]'
	@touch $(VENV)/.installed $@

## Build the example hub into site/
site: $(VENV)/.installed
	$(BIN)/foyer build .
	@echo "Site written to site/. Look at it: $(BIN)/foyer serve, then open http://127.0.0.1:8000/ (or serve site/ with any static server)"

## Run the whole test suite
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

## Rewrite the golden copy of the example hub after an intended change
golden: $(VENV)/.installed-test
	FOYER_UPDATE_GOLDEN=1 $(BIN)/python -m pytest tests/test_golden.py -q

clean:
	rm -rf site .foyer-cache .pytest_cache

## Screenshots of the main pages at 375 and 1280 px, light and dark, into screenshots/
screenshots: $(VENV)/.installed-test
	$(BIN)/foyer build . --now $(NOW) --out screenshots/site
	$(BIN)/python tests/e2e/screenshots.py screenshots/site screenshots

## foyer against Hugo, Eleventy and Pelican on a generated 10,000-story hub, then warm builds
## and 50,000 stories (about 25 minutes; see docs/performance.md)
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py --stories 10000 --repeats 3 --scale 50000
	$(BIN)/python bench/serve_latency.py example 30
	$(BIN)/python bench/serve_latency.py 10000 30

## A quick look: 1,000 stories, one round; where a 2,000-story build and a serve rebuild
## spend their time
bench-quick: $(VENV)/.installed
	$(BIN)/python bench/run.py --stories 1000 --repeats 1
	$(BIN)/python bench/stages.py 2000 3
	$(BIN)/python bench/serve_stages.py 2000 5
	$(BIN)/python bench/components.py markdown 2000 3
	$(BIN)/python bench/components.py outputs 2000 3
