"""Fixtures for the bot tests: the fake Bot API server and a real PTB Application on it.

Test modules import the fixtures they use by name
(``from tests.telegram.fixtures import app, fake``);
the model and the seed index come from the session fixtures in ``tests/conftest.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import Update

from bot.serve import run
from bot.settings import Settings
from bot.telegram.app import NewsbotApplication, build_application
from bot.telegram.webhook import SECRET_HEADER
from bot.throttle import Throttle
from retrieval import Engine
from tests.stress.harness import child_env
from tests.support import paths
from tests.support.fake_telegram import TOKEN, FakeTelegram, SentMessage
from tests.support.telegram_html import parse_telegram_html

ROOT = paths.ROOT
SEEDS = ROOT / "seeds"
ADMIN_ID = 777_000_111
ALICE = 1001
BOB = 2002
GROUP = -1001234567890
BOT_USERNAME = "newsbot_test_bot"
MOSCOW_TIMES_URL = (
    "https://www.themoscowtimes.com/2022/12/27/"
    "putin-presents-rings-to-his-fellow-cis-leaders-during-summit-a79810"
)
RINGS_QUESTION = "Why did Putin give rings to CIS leaders?"
WEBHOOK_SECRET = "test-webhook-secret_123"


@pytest.fixture(scope="session")
def warm_engine(seed_engine: Engine) -> Engine:
    """The shared seed engine after one answer, so that lazy loading is not timed in tests."""
    seed_engine.answer(RINGS_QUESTION)
    return seed_engine


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """A fresh fake Bot API server on 127.0.0.1."""
    async with FakeTelegram(bot_username=BOT_USERNAME) as server:
        yield server


def make_settings(fake: FakeTelegram, index_dir: Path, **changes: Any) -> Settings:
    """Settings pointing at ``fake``, with ``ADMIN_ID`` as the only admin."""
    values: dict[str, Any] = {
        "token": TOKEN,
        "api_base_url": fake.base_url,
        "index_dir": index_dir,
        "seeds_dir": SEEDS,
        "admin_ids": frozenset({ADMIN_ID}),
        "port": 8080,
        "log_level": "DEBUG",
    }
    values.update(changes)
    return Settings(**values)


@pytest.fixture
def bot_settings(fake: FakeTelegram, seed_index_dir: Path) -> Settings:
    """Polling-mode settings for the shared seed index."""
    return make_settings(fake, seed_index_dir)


async def started_app(settings: Settings, engine: Engine, **options: Any) -> NewsbotApplication:
    """Build and initialize an Application and run its post_init, as the runner does."""
    application = build_application(settings, engine, **options)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    return application


@pytest.fixture
async def app(bot_settings: Settings, warm_engine: Engine) -> AsyncIterator[NewsbotApplication]:
    """An initialized Application on the fake server, with a generous throttle."""
    application = await started_app(
        bot_settings, warm_engine, throttle=Throttle(capacity=1000, rate=100)
    )
    yield application
    await application.shutdown()


async def process(application: NewsbotApplication, update: dict[str, Any]) -> None:
    """Run every handler for ``update`` and return when they are done."""
    await application.process_update(Update.de_json(update, application.bot))


@contextlib.asynccontextmanager
async def serving(
    fake: FakeTelegram, index_dir: Path, engine: Engine, *, stop_timeout: float = 30.0
) -> AsyncIterator[FakeTelegram]:
    """The real runner polling ``fake`` until the block ends; it must then exit 0 in time."""
    stop = asyncio.Event()
    settings = make_settings(fake, index_dir, port=free_port(), log_level="INFO")
    task = asyncio.create_task(run(settings, stop, host="127.0.0.1", engine=engine))
    await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), 30, "polling")
    yield fake
    stop.set()
    assert await asyncio.wait_for(task, stop_timeout) == 0


@pytest.fixture
async def running_bot(
    fake: FakeTelegram, seed_index_dir: Path, warm_engine: Engine
) -> AsyncIterator[FakeTelegram]:
    """The real runner polling ``fake`` over the seed index for the whole test."""
    async with serving(fake, seed_index_dir, warm_engine) as running:
        yield running


async def wait_healthy(port: int, *, running: Sequence[str] = ()) -> dict[str, Any]:
    """Poll ``/healthz`` on ``port`` until it answers 200 and the front ends named in
    ``running`` report "running"; returns its JSON body."""
    async with aiohttp.ClientSession() as session:
        for _ in range(500):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    body: dict[str, Any] = await response.json()
                    states = body.get("frontends", {})
                    if response.status == 200 and all(
                        states.get(name) == "running" for name in running
                    ):
                        return body
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.02)
    raise AssertionError("the bot never became healthy")


class RunningBot:
    """The real runner in a task, stopped by setting ``stop``."""

    def __init__(self, settings: Settings, task: asyncio.Task[int], stop: asyncio.Event) -> None:
        self.settings = settings
        self.task = task
        self.stop = stop

    async def post(self, update: dict[str, Any], secret: str | None = WEBHOOK_SECRET) -> int:
        """Deliver ``update`` to the webhook with ``secret`` (None: no header); the status."""
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        url = f"http://127.0.0.1:{self.settings.port}{self.settings.webhook_path}"
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=update, headers=headers) as response,
        ):
            return response.status


async def start_bot(settings: Settings, engine: Engine) -> RunningBot:
    """Start the real runner with ``settings`` and wait until ``/healthz`` answers."""
    stop = asyncio.Event()
    task = asyncio.create_task(run(settings, stop, host="127.0.0.1", engine=engine))
    await wait_healthy(settings.port)
    return RunningBot(settings, task, stop)


@pytest.fixture
async def webhook_bot(
    fake: FakeTelegram, seed_index_dir: Path, warm_engine: Engine
) -> AsyncIterator[RunningBot]:
    """The real runner in webhook mode (secret ``WEBHOOK_SECRET``), registered with ``fake``."""
    settings = make_settings(
        fake,
        seed_index_dir,
        port=free_port(),
        webhook_url="https://bot.example.com/telegram/hook",
        webhook_secret=WEBHOOK_SECRET,
    )
    bot = await start_bot(settings, warm_engine)
    await fake.wait_for(lambda: bool(fake.calls_to("setWebhook")), what="setWebhook")
    yield bot
    bot.stop.set()
    assert await asyncio.wait_for(bot.task, 10) == 0


async def spawn_serve(**env: str) -> asyncio.subprocess.Process:
    """`python -m bot serve` in a child with ``env`` over :func:`child_env`; output piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        cwd=ROOT,
        env={**child_env(), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_valid_replies(messages: list[SentMessage]) -> None:
    """Every reply is non-empty Telegram HTML within 4096 characters, without link previews."""
    for message in messages:
        parsed = parse_telegram_html(message.html)
        assert parsed.text.strip(), message
        assert len(parsed.text.encode("utf-16-le")) // 2 <= 4096
        assert message.parse_mode == "HTML"
        assert message.link_preview_disabled


def button_data(message: SentMessage) -> dict[str, str]:
    """Map button text to callback data for the inline keyboard of ``message``."""
    markup = message.reply_markup or {}
    return {
        button["text"]: button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    }
