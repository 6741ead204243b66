# newsbot in a container: the Telegram and/or Discord bot, its verified model weights and a
# prebuilt seed index.
#
#   docker build -t newsbot .
#   docker run --init --env TELEGRAM_BOT_TOKEN=... -v newsbot-index:/data/index newsbot
#   docker run --init --env DISCORD_BOT_TOKEN=... -v newsbot-index:/data/index newsbot
#
# Build arguments: BASE_IMAGE (any Debian-based Python 3.11 image), TORCH_INDEX_URL (where
# pip finds torch; the default is the official CPU-only index, empty means your default index
# or PIP_FIND_LINKS) and TORCH_VERSION. See README.md, "Run in Docker".
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS builder
ARG TORCH_VERSION=2.13.0
# A plain `pip install torch` from PyPI pulls the CUDA build and several GB of nvidia-* wheels.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
# Pinned here and in retrieval/embedding/protocol.py, so the image never ships other weights.
ARG MODEL_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
ENV PATH=/opt/venv/bin:$PATH \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1
# The index is exported only for the torch install: the project's dependencies come from PyPI.
RUN python -m venv /opt/venv \
 && if [ -n "$TORCH_INDEX_URL" ]; then export PIP_INDEX_URL="$TORCH_INDEX_URL"; fi \
 && pip install --no-cache-dir "torch==${TORCH_VERSION}"

WORKDIR /src
COPY pyproject.toml ./
# The dependencies first, read from pyproject.toml alone, so a code change reuses this layer.
RUN python -c "import tomllib; \
project = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print(*project['dependencies'], sep='\n')" > requirements.txt \
 && pip install --no-cache-dir -r requirements.txt
COPY retrieval ./retrieval
COPY bot ./bot
# Not editable: the final stage copies /opt/venv alone, without this source tree.
RUN pip install --no-cache-dir --no-deps .

WORKDIR /app
COPY seeds ./seeds
RUN python -c "from retrieval.embedding.model import default_model_dir, verify_model_dir; \
print('model weights verified:', verify_model_dir(default_model_dir(), '${MODEL_SHA256}'))" \
 && newsbot --index-dir /app/var/index ingest /app/seeds --quiet \
 && newsbot --index-dir /app/var/index ask "Who received rings from Putin?" > /dev/null
# The `ask` exports the ONNX question embedder into the index cache (checked against torch),
# so a container answers questions without ever importing torch.


FROM ${BASE_IMAGE}
ARG UID=10001
# NEWSBOT_INDEX_DIR is a directory mount, not a file mount: the index switches generations by
# renaming inside that directory (see retrieval/index/), which only works within one
# filesystem. On the first start with an empty volume docker/entrypoint.sh copies the index
# baked at NEWSBOT_PREBUILT_INDEX into it, so the bot answers within seconds; later starts and
# `newsbot ingest` keep using and updating the volume, which survives image upgrades.
ENV PATH=/opt/venv/bin:$PATH \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    NEWSBOT_INDEX_DIR=/data/index \
    NEWSBOT_PREBUILT_INDEX=/app/var/index \
    NEWSBOT_SEEDS_DIR=/app/seeds \
    NEWSBOT_PORT=8080 \
    NEWSBOT_HOST=0.0.0.0 \
    PYTHONUNBUFFERED=1
RUN groupadd --gid "${UID}" newsbot \
 && useradd --uid "${UID}" --gid "${UID}" --create-home --shell /usr/sbin/nologin newsbot \
 && mkdir -p /data/index \
 && chown -R "${UID}:${UID}" /data
COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
COPY docker/entrypoint.sh docker/healthcheck.py /app/docker/
USER ${UID}:${UID}
WORKDIR /app
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
# `sh` runs the script, so it works even where a checkout lost the executable bit; the script
# ends with `exec newsbot "$@"`, so `docker run newsbot ingest ...` runs any newsbot command.
ENTRYPOINT ["/bin/sh", "/app/docker/entrypoint.sh"]
CMD ["serve"]
