# newsbot: `make run` and `make test` are all a newcomer needs; both set up .venv first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TORCH_VERSION := 2.13.0
# The official CPU-only wheels (a plain `pip install torch` pulls a multi-GB CUDA build).
# Set it empty to take torch from your default index or a local wheel: make TORCH_INDEX_URL=
TORCH_INDEX_URL ?= https://download.pytorch.org/whl/cpu
STAMP := $(VENV)/.setup-done
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup run test lint bench bench-quick stress docker-lint docker-smoke clean help

help:
	@echo "make run    set up, then chat in the terminal (or run the Telegram bot if TELEGRAM_BOT_TOKEN is set)"
	@echo "make test   set up, then run the whole test suite"
	@echo "make lint   ruff + mypy;  make bench   benchmarks;  make clean   remove .venv and var/"

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL)) torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "from retrieval.embed import default_model_dir, verify_model_dir; verify_model_dir(default_model_dir()); print('model weights verified')"
	@touch $@

run: setup
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then $(BIN)/newsbot serve; else $(BIN)/newsbot chat; fi

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
