"""Tests of bot.settings: settings from the environment, every problem reported, token masked."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.environment import PROJECT_SEEDS_DIR, load_environment
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
    assert settings.host == "127.0.0.1"  # only the container image listens on 0.0.0.0
    assert settings.log_format == "text"


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
            "NEWSBOT_HOST": "0.0.0.0",
            "NEWSBOT_LOG_FORMAT": "JSON",
        }
    )
    assert settings.host == "0.0.0.0"
    assert settings.log_format == "json"

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
        # Digits, a colon and letters, yet too short: the message names the real rule.
        ({"TELEGRAM_BOT_TOKEN": "123456:ABCdef"}, "a colon, then at least 10 letters"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_LOG_FORMAT": "xml"}, "text, json"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "NEWSBOT_HOST": "a b"}, "NEWSBOT_HOST"),
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


def test_dotenv_fills_in_under_the_environment(tmp_path: Path) -> None:
    env_file = tmp_path / "settings.env"
    env_file.write_text("NEWSBOT_PORT=9001\nNEWSBOT_LOG_LEVEL=DEBUG\n# a comment\nEMPTY=\n")
    environ = {"NEWSBOT_ENV_FILE": str(env_file), "NEWSBOT_LOG_LEVEL": "ERROR"}
    settings = Settings.from_env(load_environment(environ), serving=False)
    assert settings.port == 9001
    assert settings.log_level == "ERROR"  # the real environment wins
    assert load_environment({"NEWSBOT_ENV_FILE": ""}) == {"NEWSBOT_ENV_FILE": ""}


def test_seeds_default_to_the_project_when_the_working_folder_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}, serving=False).seeds_dir == PROJECT_SEEDS_DIR
    (tmp_path / "seeds").mkdir()
    assert Settings.from_env({}, serving=False).seeds_dir == Path("seeds")


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
