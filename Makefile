# Two entry points for a fresh machine: `make run` (set up, build, start the app) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup model index run test lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# torch first, pinned: a CPU build of 2.13.0 is on these machines; anything else downloads CUDA.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

model: setup
	$(VENV)/bin/askerqa model

index: model
	$(VENV)/bin/askerqa build

run: index
	$(PY) app.py

test: index
	$(VENV)/bin/ruff check src tests app.py scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-logo  # the import layers and no circles (pyproject.toml, tool.importlinter)
	$(PY) -m pytest -m ""  # every tier: the empty filter replaces addopts' -m 'not slow'

eval: index
	$(VENV)/bin/askerqa eval

bench: index
	$(VENV)/bin/askerqa bench

clean:
	rm -rf $(VENV) models index/*.faiss index/*.json index/*.jsonl index/bm25 artifacts
