"""Fixtures for the Discord tests: the fake Discord, `newsbot serve` on it, limit checks.

Test modules import what they use by name (``from tests.discord.fixtures import ...``); the
model and the seed index come from the session fixtures in ``tests/conftest.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import discord
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord.frontend import DiscordFrontEnd
from bot.discord.render import Drawn, embeds_length
from bot.serve import run
from bot.settings import Settings
from retrieval import Engine
from tests.support.fake_discord import FakeDiscord, SentMessage
from tests.telegram.fixtures import SEEDS, free_port, spawn_serve

__all__ = [
    "ServeProcess",
    "assert_within_limits",
    "discord_env",
    "discord_globals_restored",
    "serving_discord",
    "start_serve",
    "visible",
    "wait_running",
]

_ESCAPE = re.compile(r"\\(.)")


def discord_env(fake: FakeDiscord) -> dict[str, str]:
    """The settings that point `newsbot serve` at ``fake``."""
    return {"DISCORD_BOT_TOKEN": fake.token, "DISCORD_API_BASE_URL": fake.api_base}


@contextlib.contextmanager
def discord_globals_restored() -> Iterator[None]:
    """Route.BASE and DEFAULT_GATEWAY are class attributes: undo what an in-process bot sets.

    One in-process Discord front end at a time: both are global to the process.
    """
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


async def wait_running(port: int, names: Sequence[str], timeout: float = 90.0) -> dict[str, Any]:  # noqa: ASYNC109
    """Poll ``/healthz`` until it answers 200 with every front end in ``names`` running."""
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    body = await response.json()
                    states = body.get("frontends", {})
                    if response.status == 200 and all(states.get(n) == "running" for n in names):
                        return body
            await asyncio.sleep(0.05)
    raise AssertionError(f"the bot never reported {list(names)} running; last /healthz: {body}")


@dataclass
class ServeProcess:
    """`python -m bot serve` in a child process, its output collected as it runs."""

    process: asyncio.subprocess.Process
    port: int
    output: list[str] = field(default_factory=list)
    _drains: list[asyncio.Task[None]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Everything the process wrote so far, stdout and stderr."""
        return "".join(self.output)

    async def stop(self, timeout: float = 10.0) -> tuple[int, float]:  # noqa: ASYNC109
        """SIGTERM, then wait; returns the exit status and the seconds it took to exit."""
        started = time.monotonic()
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = await asyncio.wait_for(self.process.wait(), timeout)
        finally:
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()
            await asyncio.gather(*self._drains, return_exceptions=True)
        return code, time.monotonic() - started


async def _drain(stream: asyncio.StreamReader | None, into: list[str]) -> None:
    """Keep reading so that a chatty DEBUG log never fills the pipe and blocks the bot."""
    if stream is None:
        return
    while line := await stream.readline():
        into.append(line.decode(errors="replace"))


async def start_serve(index_dir: Path, **env: str) -> ServeProcess:
    """Start `newsbot serve` on ``index_dir`` with ``env`` (tokens, API URLs) at DEBUG."""
    port = free_port()
    process = await spawn_serve(
        NEWSBOT_INDEX_DIR=str(index_dir),
        NEWSBOT_SEEDS_DIR=str(SEEDS),
        NEWSBOT_PORT=str(port),
        NEWSBOT_LOG_LEVEL="DEBUG",
        **env,
    )
    served = ServeProcess(process, port)
    served._drains = [
        asyncio.create_task(_drain(process.stdout, served.output)),
        asyncio.create_task(_drain(process.stderr, served.output)),
    ]
    return served


@contextlib.asynccontextmanager
async def serving_discord(
    fake: FakeDiscord,
    index_dir: Path,
    engine: Engine,
    *,
    defer_after: float = 1.0,
    guild_ids: frozenset[int] = frozenset(),
    poll_feeds: bool = True,
) -> AsyncIterator[DiscordFrontEnd]:
    """``bot.serve.run`` in this process with a Discord front end on ``fake``, until the block
    ends; it must then exit 0 within 10 s. ``poll_feeds=False`` leaves followed feeds unread."""
    settings = Settings(
        discord_token=fake.token,
        discord_api_base_url=fake.api_base,
        discord_guild_ids=guild_ids,
        index_dir=index_dir,
        seeds_dir=SEEDS,
        port=free_port(),
        log_level="DEBUG",
        poll_feeds=poll_feeds,
    )
    frontend = DiscordFrontEnd(settings, defer_after=defer_after)
    stop = asyncio.Event()
    with discord_globals_restored():
        task = asyncio.create_task(
            run(settings, stop, host="127.0.0.1", engine=engine, frontends=[frontend])
        )
        try:
            await wait_running(settings.port, ["discord"], timeout=30)
            yield frontend
        finally:
            stop.set()
            assert await asyncio.wait_for(task, 10) == 0


def visible(message: SentMessage) -> str:
    """A message's text as Discord shows it: without bold markers and markdown escapes."""
    return _ESCAPE.sub(r"\1", message.text.replace("**", ""))


def assert_within_limits(message: SentMessage | Drawn) -> None:
    """Content, embeds and buttons within Discord's limits, and no mention allowed to ping."""
    if isinstance(message, SentMessage):
        content = message.content
        embeds = [discord.Embed.from_dict(e) for e in message.embeds]
        allowed = message.allowed_mentions or {}
        assert allowed.get("parse") == [], allowed
        assert (
            not allowed.get("users")
            and not allowed.get("roles")
            and not allowed.get("replied_user")
        )
        assert message.mentions == []
    else:
        content, embeds = message.content, list(message.embeds)
        assert all(len(b.label) <= 80 and len(b.url) <= 512 for b in message.links)
    assert len(content) <= 2000
    assert len(embeds) <= 10
    assert embeds_length(embeds) <= 6000
    for embed in embeds:
        assert len(embed.title or "") <= 256
        assert len(embed.description or "") <= 4096
        assert len(embed.fields) <= 25
        assert all(
            len(f.name or "") <= 256 and 0 < len(f.value or "") <= 1024 for f in embed.fields
        )
        assert len(embed.footer.text or "") <= 2048
    assert content or embeds
