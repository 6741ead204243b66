"""Tests of bot.settings: settings from the environment, every problem reported, token masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_API_BASE_URL, ConfigError, Settings
from tests.support.fake_telegram import TOKEN


def test_defaults() -> None:
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})

    assert settings.api_base_url == DEFAULT_API_BASE_URL
    assert settings.index_dir == Path("var/index")
    assert settings.seeds_dir == Path("seeds")
    assert settings.admin_ids == frozenset()
    assert not settings.webhook_mode
    assert settings.port == 8080
    assert settings.log_level == "INFO"


def test_everything_set() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/bot",
            "NEWSBOT_INDEX_DIR": "/data/index",
            "NEWSBOT_SEEDS_DIR": "/data/seeds",
            "NEWSBOT_ADMIN_IDS": " 12, 34 ,",
            "NEWSBOT_WEBHOOK_URL": "https://bot.example.com/tg/hook/",
            "NEWSBOT_WEBHOOK_SECRET": "s3cret_-X",
            "NEWSBOT_PORT": "9000",
            "NEWSBOT_LOG_LEVEL": "debug",
        }
    )

    assert settings.admin_ids == frozenset({12, 34})
    assert settings.webhook_mode
    assert settings.webhook_path == "/tg/hook"
    assert settings.port == 9000
    assert settings.log_level == "DEBUG"


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(
            {
                "TELEGRAM_API_BASE_URL": "ftp://x",
                "NEWSBOT_ADMIN_IDS": "12,alice,1087968824",
                "NEWSBOT_WEBHOOK_URL": "http://insecure.example.com",
                "NEWSBOT_PORT": "99999",
                "NEWSBOT_LOG_LEVEL": "LOUD",
            }
        )

    message = str(caught.value)
    for name in [
        "TELEGRAM_BOT_TOKEN is not set",
        "TELEGRAM_API_BASE_URL",
        "'alice' is not one",
        "1087968824",
        "https://",
        "NEWSBOT_WEBHOOK_SECRET is required",
        "NEWSBOT_PORT",
        "NEWSBOT_LOG_LEVEL",
    ]:
        assert name in message
    assert len(caught.value.problems) == 8


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "does not look like a bot token"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_WEBHOOK_SECRET": "x"},
            "NEWSBOT_WEBHOOK_URL is not",
        ),
        (
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "NEWSBOT_WEBHOOK_URL": "https://e.x/h",
                "NEWSBOT_WEBHOOK_SECRET": "bad secret!",
            },
            "1-256 characters",
        ),
    ],
)
def test_single_problems(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        Settings.from_env(env)


def test_repr_masks_the_token_and_secret() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "NEWSBOT_WEBHOOK_URL": "https://e.x/h",
            "NEWSBOT_WEBHOOK_SECRET": "webhooksecret",
        }
    )

    for text in (repr(settings), str(settings), f"{settings}", f"{settings!r}"):
        assert TOKEN not in text
        assert TOKEN.split(":")[1] not in text
        assert "webhooksecret" not in text
        assert "<masked>" in text


DISCORD_TOKEN = "MTMwMDAwMDAwMDAwMDAwMDAwMQ.GfAkE0.newsbot-tests-only-not-a-real-token-0000000"


def test_a_discord_token_alone_is_enough_to_serve() -> None:
    settings = Settings.from_env({"DISCORD_BOT_TOKEN": DISCORD_TOKEN})

    assert settings.token is None
    assert settings.discord_token == DISCORD_TOKEN
    assert settings.discord_api_base_url == "https://discord.com/api/v10"
    assert settings.discord_guild_ids == frozenset()
    assert settings.discord_message_content is False
    assert settings.secrets == (DISCORD_TOKEN,)


def test_discord_settings() -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
            "DISCORD_API_BASE_URL": "http://127.0.0.1:9/api/v10/",
            "NEWSBOT_DISCORD_GUILD_IDS": "1300000000000000100, 1300000000000000101",
            "NEWSBOT_DISCORD_MESSAGE_CONTENT": "yes",
        }
    )

    assert settings.discord_api_base_url == "http://127.0.0.1:9/api/v10"
    assert settings.discord_guild_ids == frozenset({1300000000000000100, 1300000000000000101})
    assert settings.discord_message_content is True
    assert set(settings.secrets) == {TOKEN, DISCORD_TOKEN}


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set (nor DISCORD_BOT_TOKEN)"),
        ({"DISCORD_BOT_TOKEN": "Bot " + DISCORD_TOKEN}, "does not look like a Discord bot token"),
        ({"DISCORD_BOT_TOKEN": DISCORD_TOKEN, "DISCORD_API_BASE_URL": "discord.com"}, "http(s)"),
        (
            {"DISCORD_BOT_TOKEN": DISCORD_TOKEN, "NEWSBOT_DISCORD_GUILD_IDS": "my-server"},
            "'my-server' is not one",
        ),
        (
            {"DISCORD_BOT_TOKEN": DISCORD_TOKEN, "NEWSBOT_DISCORD_MESSAGE_CONTENT": "maybe"},
            "must be 1 or 0",
        ),
        (
            {
                "DISCORD_BOT_TOKEN": DISCORD_TOKEN,
                "NEWSBOT_WEBHOOK_URL": "https://e.x/h",
                "NEWSBOT_WEBHOOK_SECRET": "s",
            },
            "NEWSBOT_WEBHOOK_URL is for the Telegram bot",
        ),
    ],
)
def test_discord_problems(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(env)
    assert fragment in str(caught.value)


def test_repr_masks_the_discord_token() -> None:
    settings = Settings.from_env({"DISCORD_BOT_TOKEN": DISCORD_TOKEN})

    for text in (repr(settings), str(settings)):
        assert DISCORD_TOKEN not in text
        assert DISCORD_TOKEN.split(".")[2] not in text
        assert "discord_token='<masked>'" in text
        assert "token=None" in text


def test_web_settings_default_to_refusing_private_addresses_and_polling() -> None:
    default = Settings.from_env({}, serving=False)
    assert (default.allow_private_urls, default.poll_feeds) == (False, True)
    changed = Settings.from_env(
        {"NEWSBOT_ALLOW_PRIVATE_URLS": "1", "NEWSBOT_POLL_FEEDS": "off"}, serving=False
    )
    assert (changed.allow_private_urls, changed.poll_feeds) == (True, False)
    assert "allow_private_urls=True" in repr(changed)
    with pytest.raises(ConfigError, match="NEWSBOT_ALLOW_PRIVATE_URLS must be 1 or 0"):
        Settings.from_env({"NEWSBOT_ALLOW_PRIVATE_URLS": "maybe"}, serving=False)
