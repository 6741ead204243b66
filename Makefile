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

.PHONY: setup run test lint bench bench-quick bench-data stress docker-lint docker-smoke clean help

help:
	@echo "make run    set up, then chat in the terminal (or run the Telegram bot if TELEGRAM_BOT_TOKEN is set)"
	@echo "make test   set up, then run the whole test suite"
	@echo "make lint   ruff + mypy;  make bench   benchmarks;  make clean   remove .venv and var/"
	@echo "make bench-data   download the benchmarks' data sets into NEWSBOT_DATA_DIR"

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$(TORCH_VERSION)')" 2>/dev/null \
		|| $(BIN)/python -m pip install --quiet $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL)) torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "from retrieval.embedding.model import default_model_dir, verify_model_dir; verify_model_dir(default_model_dir()); print('model weights verified')"
	@touch $@

run: setup
	@if [ -n "$$TELEGRAM_BOT_TOKEN$$DISCORD_BOT_TOKEN" ]; then $(BIN)/newsbot serve; else $(BIN)/newsbot chat; fi

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# Container image (README, "Run in Docker"). `make test` lints the Dockerfile
# (tests/docker/test_image.py); docker-build and docker-smoke need a container tool and take
# minutes, so CI does not run them. A tool whose name contains "podman" gets the sandbox
# settings: the local base image and no PyTorch index (pip finds the local CPU wheel through
# PIP_FIND_LINKS). In these sandboxes: make docker-smoke CONTAINER_TOOL=<path to podman-here>
.PHONY: docker-build
CONTAINER_TOOL ?= docker
DOCKER_IMAGE ?= newsbot
ifneq (,$(findstring podman,$(CONTAINER_TOOL)))
# Podman's default OCI image format would drop the HEALTHCHECK.
DOCKER_BUILD_ARGS ?= --format docker --build-arg BASE_IMAGE=localhost/python:3.11-slim \
	--build-arg TORCH_INDEX_URL=
else
DOCKER_BUILD_ARGS ?= --build-arg TORCH_INDEX_URL=$(TORCH_INDEX_URL)
endif

docker-lint: setup
	$(BIN)/hadolint Dockerfile

docker-build:
	$(CONTAINER_TOOL) build $(DOCKER_BUILD_ARGS) -t $(DOCKER_IMAGE) .

docker-smoke: setup docker-build
	$(BIN)/python docker/smoke.py --tool $(CONTAINER_TOOL) --image $(DOCKER_IMAGE)

# Benchmarks write benchmarks/results/*.json and regenerate BENCHMARKS.md (see benchmarks/).
# Their data comes from NEWSBOT_DATA_DIR (benchmarks/data/README.md); bench-data fetches it.
bench-data: setup
	$(BIN)/python -m benchmarks.fetch_data

bench: setup
	$(BIN)/python -m benchmarks.run all

bench-quick: setup
	$(BIN)/python -m benchmarks.run all --quick

stress: setup
	$(BIN)/pytest -m stress tests/stress $(PYTEST_ARGS)
