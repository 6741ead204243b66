"""Tests of bot.discord.frontend: a rejected token, an unreachable Discord, guild commands."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import aiohttp
import pytest

from bot.discord.frontend import DiscordFrontEnd
from bot.serve import run
from bot.settings import Settings
from retrieval import Engine
from tests.discord.fixtures import discord_globals_restored, serving_discord
from tests.support.fake_discord import GUILD_ID, SYNC_COMMANDS, FakeDiscord
from tests.telegram.fixtures import SEEDS, free_port, warm_engine

__all__ = ["warm_engine"]  # fixtures used by name

WRONG_TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.GwRoNg.never-to-be-printed-wrong-token-00000000"


def _settings(api_base: str, index_dir: Path, token: str) -> Settings:
    return Settings(
        discord_token=token,
        discord_api_base_url=api_base,
        index_dir=index_dir,
        seeds_dir=SEEDS,
        port=free_port(),
    )


async def test_a_rejected_token_stops_serve_with_exit_1_and_a_clear_line(
    seed_index_copy: Path, warm_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeDiscord() as fake:
        settings = _settings(fake.api_base, seed_index_copy, WRONG_TOKEN)
        with discord_globals_restored():
            code = await asyncio.wait_for(
                run(settings, asyncio.Event(), host="127.0.0.1", engine=warm_engine), 30
            )

    assert code == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "Discord rejected the bot token: check DISCORD_BOT_TOKEN" in errors
    assert all(WRONG_TOKEN not in r.getMessage() for r in caplog.records)


async def test_an_unreachable_discord_is_retried_until_stopped(
    seed_index_copy: Path, warm_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable = f"http://127.0.0.1:{free_port()}/api/v10"
    settings = _settings(unreachable, seed_index_copy, WRONG_TOKEN)
    frontend = DiscordFrontEnd(settings)
    stop = asyncio.Event()
    with discord_globals_restored():
        task = asyncio.create_task(
            run(settings, stop, host="127.0.0.1", engine=warm_engine, frontends=[frontend])
        )
        url = f"http://127.0.0.1:{settings.port}/healthz"
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                await asyncio.sleep(0.05)
                if any("cannot reach Discord" in r.getMessage() for r in caplog.records):
                    break
            async with session.get(url) as response:
                body = await response.json()
        stop.set()
        code = await asyncio.wait_for(task, 10)

    assert code == 0
    assert body["frontends"] == {"discord": "connecting"}
    assert response.status == 200  # the index answers; the front end says it is connecting
    assert frontend.state == "stopped"


async def test_guild_ids_register_the_commands_in_those_guilds_only(
    seed_index_copy: Path, warm_engine: Engine
) -> None:
    async with (
        FakeDiscord() as fake,
        serving_discord(fake, seed_index_copy, warm_engine, guild_ids=frozenset({GUILD_ID})),
    ):
        interaction = await fake.dispatch_command("ask", {"question": "Putin"})
        reply = await fake.wait_for_interaction_response(interaction.id)

    assert fake.calls_to(SYNC_COMMANDS) == []
    assert {c["name"] for c in fake.guild_commands[GUILD_ID]} == {
        "ask",
        "new",
        "sources",
        "about",
        "help",
    }
    assert reply.links
