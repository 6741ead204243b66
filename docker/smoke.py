"""`make docker-smoke`: run the image against the fake Bot API server and check what it does.

Starts the fake Bot API server from
tests/support/fake_telegram.py on the host loopback, runs the container with host networking and
an empty named index volume, then checks what a user and an operator would see: the health
check passes inside the container, a private question gets a reply citing the right link, the
process runs as a non-root user, SIGTERM stops it with exit status 0, and a second start reuses
the volume. Prints the image size and the time from ``run`` to the first getUpdates.

Run it from the repository root with the project's virtual environment::

    .venv/bin/python docker/smoke.py --tool podman --image newsbot

`make docker-smoke` builds the image first (`make docker-build`). Not part of `make test`: it
needs a container tool and takes minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.fake_telegram import TOKEN, FakeTelegram  # noqa: E402
from tests.telegram.fixtures import ALICE, MOSCOW_TIMES_URL, RINGS_QUESTION, free_port  # noqa: E402

COPY_MESSAGE = "copying the prebuilt seed index"
SECOND_QUESTION = "Which former Soviet states does Putin want to cooperate with?"


class SmokeError(Exception):
    """Raised when the image does not behave as documented; the message says how."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of this script."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tool", default="docker", help="docker, podman or podman-here")
    parser.add_argument("--image", default="newsbot", help="the image to run (build it first)")
    parser.add_argument("--keep", action="store_true", help="keep the container and volume")
    return parser.parse_args(argv)


class Tool:
    """The container CLI; every call runs off the event loop, which serves the fake."""

    def __init__(self, command: str) -> None:
        self.command = command
        # podman-here always runs containers on the host network, and refuses a second one.
        self.network = [] if Path(command).name == "podman-here" else ["--network=host"]

    async def run(self, *args: str, check: bool = True, merge: bool = False) -> str:
        """Run ``tool args...``; return its stdout (with stderr too when ``merge``)."""
        process = await asyncio.create_subprocess_exec(
            self.command,
            *args,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT if merge else asyncio.subprocess.PIPE,
        )
        output, errors = await process.communicate()
        text = output.decode(errors="replace")
        if check and process.returncode != 0:
            detail = text + (errors or b"").decode(errors="replace")
            raise SmokeError(f"`{self.command} {' '.join(args)}` failed:\n{detail[-4000:]}")
        return text


async def wait_until_healthy(tool: Tool, image: str, port: int, limit_s: float) -> str:
    """Run the image's HEALTHCHECK command until it exits 0; return what it printed.

    It runs in a second container of the image on the host network rather than through
    ``exec``, which podman-here cannot do; the loopback is shared, so it reaches the bot.
    """
    test = json.loads(
        await tool.run("image", "inspect", "--format", "{{json .Config.Healthcheck.Test}}", image)
    )
    if not test or test[0] != "CMD":
        raise SmokeError(f"the image has no exec-form HEALTHCHECK: {test}")
    command = [
        "run", "--rm", *tool.network, "--env", f"NEWSBOT_PORT={port}",
        "--entrypoint", test[1], image, *test[2:],
    ]  # fmt: skip
    deadline = time.monotonic() + limit_s
    while True:
        try:
            return await tool.run(*command)
        except SmokeError as exc:
            if time.monotonic() > deadline:
                raise SmokeError(f"not healthy after {limit_s:.0f} s: {exc}") from exc
        await asyncio.sleep(0.5)


async def process_uid(tool: Tool, container: str) -> int:
    """The user id the container's main process really runs as, read from /proc."""
    pid = (await tool.run("inspect", "--format", "{{.State.Pid}}", container)).strip()
    status = await asyncio.to_thread(Path(f"/proc/{pid}/status").read_text)
    return int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])


async def start(
    tool: Tool, fake: FakeTelegram, *, image: str, container: str, volume: str, port: int
) -> float:
    """Start the container; return seconds from `run` to its first getUpdates."""
    polls_before = len(fake.calls_to("getUpdates"))
    started = time.monotonic()
    await tool.run(
        "run",
        "--detach",
        "--name",
        container,
        *tool.network,
        "--env",
        f"TELEGRAM_BOT_TOKEN={TOKEN}",
        "--env",
        f"TELEGRAM_API_BASE_URL={fake.base_url}",
        "--env",
        f"NEWSBOT_PORT={port}",
        "--volume",
        f"{volume}:/data/index",
        image,
    )
    await fake.wait_for(
        lambda: len(fake.calls_to("getUpdates")) > polls_before, 120, "the first getUpdates"
    )
    return fake.calls_to("getUpdates")[polls_before].started_at - started


async def stop(tool: Tool, container: str) -> tuple[int, float]:
    """Stop with SIGTERM (SIGKILL after 10 s); return the exit status and seconds taken."""
    started = time.monotonic()
    await tool.run("stop", "--time", "10", container)
    took = time.monotonic() - started
    status = await tool.run("inspect", "--format", "{{.State.ExitCode}}", container)
    return int(status.strip()), took


async def smoke(args: argparse.Namespace) -> dict[str, Any]:
    """Build, run and check the image; return the measured figures."""
    tool = Tool(args.tool)
    results: dict[str, Any] = {"image": args.image}
    size = await tool.run("image", "inspect", "--format", "{{.Size}}", args.image)
    results["image_mb"] = round(int(size.strip()) / 1e6, 1)
    results["du_mb"] = {}
    for path in ("/opt/venv", "/opt/venv/lib/python3.11/site-packages/torch", "/app"):
        size = await tool.run("run", "--rm", "--entrypoint", "du", args.image, "-sm", path)
        results["du_mb"][path] = int(size.split()[0])

    suffix = os.getpid()
    container, volume = f"newsbot-smoke-{suffix}", f"newsbot-smoke-index-{suffix}"
    port = free_port()
    async with FakeTelegram() as fake:
        try:
            results["first_getupdates_s"] = round(
                await start(
                    tool, fake, image=args.image, container=container, volume=volume, port=port
                ),
                2,
            )
            results["health"] = json.loads(await wait_until_healthy(tool, args.image, port, 60))
            async with (
                aiohttp.ClientSession() as session,
                session.get(f"http://127.0.0.1:{port}/healthz") as reply,
            ):
                if reply.status != 200:
                    raise SmokeError(f"/healthz from the host answered {reply.status}")
            results["uid"] = await process_uid(tool, container)
            if results["uid"] == 0:
                raise SmokeError("the container runs as root")

            asked = time.monotonic()
            fake.enqueue(fake.private_message(RINGS_QUESTION))
            (message,) = await fake.wait_for_messages(ALICE, timeout=120)
            results["first_reply_s"] = round(time.monotonic() - asked, 2)
            if MOSCOW_TIMES_URL not in message.links:
                raise SmokeError(f"the reply does not cite {MOSCOW_TIMES_URL}:\n{message.text}")
            asked = time.monotonic()
            fake.enqueue(fake.private_message(SECOND_QUESTION))
            await fake.wait_for_messages(ALICE, count=2, timeout=60)
            results["second_reply_s"] = round(time.monotonic() - asked, 2)

            status, took = await stop(tool, container)
            results["sigterm_exit"], results["stop_s"] = status, round(took, 2)
            logs = await tool.run("logs", container, merge=True)
            if status != 0 or took >= 10:
                raise SmokeError(f"SIGTERM gave exit {status} after {took:.1f} s:\n{logs}")
            if COPY_MESSAGE not in logs:
                raise SmokeError(f"the empty volume was not seeded:\n{logs}")
            await tool.run("rm", container)

            restart_s = await start(
                tool, fake, image=args.image, container=container, volume=volume, port=port
            )
            results["second_start_first_getupdates_s"] = round(restart_s, 2)
            await wait_until_healthy(tool, args.image, port, 60)
            status, _ = await stop(tool, container)
            logs = await tool.run("logs", container, merge=True)
            if status != 0 or COPY_MESSAGE in logs:
                raise SmokeError(f"the second start did not reuse the volume cleanly:\n{logs}")
        except BaseException:
            print(await tool.run("logs", container, check=False, merge=True), file=sys.stderr)
            raise
        finally:
            if not args.keep:
                await tool.run("rm", "--force", container, check=False)
                await tool.run("volume", "rm", "--force", volume, check=False)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the smoke test; print the figures as JSON; exit 1 on failure."""
    args = parse_args(argv)
    try:
        results = asyncio.run(smoke(args))
    except (SmokeError, AssertionError) as exc:
        print(f"docker smoke test FAILED: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(results, indent=2))
    print("docker smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
