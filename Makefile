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

.PHONY: setup run test test-fast test-postgres lint bench bench-quick bench-data stress docker-lint docker-smoke clean clean-data help

# Every target documents itself on its line: `## [how long] what it does` (make help).
help: ## [instant] list every target with how long it takes
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) \
		| sed -E 's/^([a-z-]+):.*## \[([^]]+)\] (.*)/\1|\2|\3/' \
		| awk -F'|' '{ printf "make %-13s %-17s %s\n", $$1, "[" $$2 "]", $$3 }'

setup: $(STAMP) ## [minutes, once] create .venv with CPU-only torch and the verified model

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -c "import torch, sys; sys.exit(torch.__version__.split('+')[0] != '$(TORCH_VERSION)')" 2>/dev/null \
		|| $(BIN)/python -m pip install --quiet $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL)) torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -c "from retrieval.embedding.model import default_model_dir, verify_model_dir; verify_model_dir(default_model_dir()); print('model weights verified')"
	@touch $@

# A bot token in the environment or in .env (which newsbot reads too) runs the bot.
run: setup ## [seconds] chat in the terminal, or serve the bot when a bot token is set
	@if [ -n "$$TELEGRAM_BOT_TOKEN$$DISCORD_BOT_TOKEN" ] \
		|| grep -Eqs '^[[:space:]]*(export[[:space:]]+)?(TELEGRAM|DISCORD)_BOT_TOKEN=[^[:space:]#]' .env; \
	then $(BIN)/newsbot serve; else $(BIN)/newsbot chat; fi

test: setup ## [~10 min on 2 cores] the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: setup ## [~2.5 min on 2 cores] the suite without the tests marked slow (real servers, kill -9, benchmarks)
	$(BIN)/pytest -m "not slow and not stress" $(PYTEST_ARGS)

test-postgres: setup ## [~3 min] the PostgreSQL backend's tests and both-backend tests only
	$(BIN)/pytest tests/postgres tests/retrieval/web/test_follower.py $(PYTEST_ARGS)

lint: setup ## [~1 min] ruff and mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean: ## [instant] remove .venv and tool caches; keeps var/ (your index and embedding cache)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The index is rebuildable, but only from the article files it was built from, and the
# embedding cache saves minutes to hours of embedding: never delete them without asking.
clean-data: ## [instant, asks] delete var/ (the index, its embedding cache and bot state)
	@if [ "$(CONFIRM)" != yes ]; then \
		printf 'Delete var/ (the index, its embedding cache, saved answers)? [y/N] '; \
		read answer; [ "$$answer" = y ] || [ "$$answer" = Y ] || { echo "kept var/"; exit 1; }; \
	fi
	rm -rf var

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

docker-lint: setup ## [seconds] lint the Dockerfile with hadolint
	$(BIN)/hadolint Dockerfile

docker-build: ## [5-10 min] build the container image
	$(CONTAINER_TOOL) build $(DOCKER_BUILD_ARGS) -t $(DOCKER_IMAGE) .

docker-smoke: setup docker-build ## [10+ min] build the image and talk to it via a fake Telegram
	$(BIN)/python docker/smoke.py --tool $(CONTAINER_TOOL) --image $(DOCKER_IMAGE)

# Benchmarks write benchmarks/results/*.json and regenerate BENCHMARKS.md (see benchmarks/).
# Their data comes from NEWSBOT_DATA_DIR (benchmarks/data/README.md); bench-data fetches it.
bench-data: setup ## [minutes, network] download and verify SciFact and BBC News for benchmarks
	$(BIN)/python -m benchmarks.fetch_data

bench: setup ## [hours] every benchmark, full size
	$(BIN)/python -m benchmarks.run all

bench-quick: setup ## [minutes] every benchmark, reduced
	$(BIN)/python -m benchmarks.run all --quick

stress: setup ## [~15 min] long reliability runs: kill -9 ingests, 50 users for 60 s
	$(BIN)/pytest -m stress tests/stress $(PYTEST_ARGS)
