"""Every setting newsbot reads from the environment, with its default, read and checked once.

Only this module reads ``NEWSBOT_*``, ``TELEGRAM_*``, ``DISCORD_*`` and the other variables;
everything else gets a ``Settings``. Secrets never appear in a repr or a log line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from bot.environment import default_seeds_dir
from retrieval import default_cache_dir, redact_url

__all__ = [
    "ANONYMOUS_ADMIN_ID",
    "DEFAULT_API_BASE_URL",
    "DEFAULT_DISCORD_API_BASE_URL",
    "ConfigError",
    "Settings",
]

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_DISCORD_API_BASE_URL = "https://discord.com/api/v10"
ANONYMOUS_ADMIN_ID = 1087968824
"""The user id Telegram shows for anonymous group admins; never an authorised admin."""

_TOKEN_RE = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{10,}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Three dot-separated base64url parts: the bot id, a timestamp and an HMAC.
_DISCORD_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}$")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_DEVICES = ("auto", "cpu", "cuda")
_LOG_FORMATS = ("text", "json")
_SECRET_FIELDS = ("token", "webhook_secret", "discord_token")
_HOST_RE = re.compile(r"^[A-Za-z0-9.:_-]{1,253}$")
DEFAULT_INDEX_DIR = Path("var/index")
DEFAULT_SEEDS_DIR = Path("seeds")
_DEFAULT_WEBHOOK_PATH = "/telegram/webhook"


class ConfigError(ValueError):
    """Raised when the environment holds invalid settings; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"Invalid newsbot settings ({len(problems)} problem(s)):\n{lines}")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything newsbot needs to know, validated.

    Attributes:
        token: The Telegram bot token from BotFather (secret; masked in ``repr``), or None.
        api_base_url: Bot API base URL; python-telegram-bot appends the token to it.
        index_dir: Where the search index lives.
        seeds_dir: Articles to build the index from when it is missing, and to re-ingest on
            ``/reload``.
        cache_dir: Per-user cache (the one-time ONNX export of the model).
        device: Where ingests embed passages: ``auto`` (a GPU when PyTorch sees one), ``cpu``
            or ``cuda``.
        admin_ids: Numeric Telegram user ids allowed to run admin commands in private chats.
        webhook_url: Public HTTPS URL Telegram posts updates to; None means long polling.
        webhook_secret: Value Telegram sends in ``X-Telegram-Bot-Api-Secret-Token`` (secret).
        port: Port of the HTTP server (``/healthz``, and the webhook when configured).
        host: Interface of the HTTP server: 127.0.0.1 by default, 0.0.0.0 in the container.
        log_level: Name of the root log level.
        log_format: ``text`` (one readable line per record) or ``json`` (one object per line).
        discord_token: The Discord bot token from the Developer Portal (secret), or None.
        discord_api_base_url: Base URL of every Discord REST call (API v10).
        discord_guild_ids: Guilds to register the slash commands in; empty means globally.
        discord_message_content: Ask for the privileged MESSAGE_CONTENT intent (off by
            default: mentions, replies to the bot and DMs arrive with their text without it).
        allow_private_urls: Fetch pages and feeds from loopback and private addresses (tests,
            intranets); off by default, so such URLs are refused before connecting.
        poll_feeds: ``newsbot serve`` polls the followed feeds in the background (turn it off
            when a cron job runs ``newsbot refresh`` instead).
        database_url: A ``postgresql://`` URI: the index lives in that shared database
            instead of ``index_dir`` (secret: shown without its password); None for the
            embedded index.
    """

    token: str | None = field(default=None, repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    index_dir: Path = DEFAULT_INDEX_DIR
    seeds_dir: Path = DEFAULT_SEEDS_DIR
    cache_dir: Path = field(default_factory=default_cache_dir)
    device: str = "auto"
    admin_ids: frozenset[int] = frozenset()
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    port: int = 8080
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    log_format: str = "text"
    discord_token: str | None = field(default=None, repr=False)
    discord_api_base_url: str = DEFAULT_DISCORD_API_BASE_URL
    discord_guild_ids: frozenset[int] = frozenset()
    discord_message_content: bool = False
    allow_private_urls: bool = False
    poll_feeds: bool = True
    database_url: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        shown = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in _SECRET_FIELDS:
                value = "<masked>" if value else None
            elif item.name == "database_url" and value:
                value = redact_url(value)
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, frozenset):
                value = sorted(value)
            shown.append(f"{item.name}={value!r}")
        return f"Settings({', '.join(shown)})"

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret in these settings, for log redaction."""
        values = (self.token, self.webhook_secret, self.discord_token, *self._database_secrets)
        return tuple(value for value in values if value)

    @property
    def _database_secrets(self) -> tuple[str, ...]:
        if not self.database_url:
            return ()
        parts = urlsplit(self.database_url)
        found = [parts.password or ""]
        found += [v for k, v in parse_qsl(parts.query) if k.lower() == "password"]
        return tuple(f for f in found if f)

    __str__ = __repr__

    def with_index_dir(self, index_dir: Path) -> Settings:
        """The same settings for another index directory (``--index-dir``)."""
        return replace(self, index_dir=index_dir)

    @property
    def webhook_mode(self) -> bool:
        """True when updates arrive by webhook instead of long polling."""
        return self.webhook_url is not None

    @property
    def webhook_path(self) -> str:
        """The HTTP path the webhook is served on: the path of ``webhook_url``."""
        if self.webhook_url is None:
            return _DEFAULT_WEBHOOK_PATH
        path = urlsplit(self.webhook_url).path.rstrip("/")
        return path or _DEFAULT_WEBHOOK_PATH

    @property
    def log_level_number(self) -> int:
        """The numeric value of ``log_level`` for the logging module."""
        return logging.getLevelNamesMapping()[self.log_level]

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *, serving: bool = True) -> Settings:
        """Read and validate the settings.

        Args:
            environ: The environment, usually ``os.environ``.
            serving: For ``newsbot serve``: a Telegram or Discord bot token (or both) is
                required. The other commands pass False and get the same settings without one.

        Raises:
            ConfigError: When anything is missing or invalid; lists every problem at once.
        """
        problems: list[str] = []

        def get(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        token = get("TELEGRAM_BOT_TOKEN")
        discord_token = get("DISCORD_BOT_TOKEN")
        if token is None and discord_token is None and serving:
            problems.append(
                "TELEGRAM_BOT_TOKEN is not set (nor DISCORD_BOT_TOKEN): create a bot with"
                " @BotFather and export its token, or export a Discord bot token (see README,"
                " The Discord bot)."
            )
        elif token is not None and not _TOKEN_RE.match(token):
            problems.append(
                "TELEGRAM_BOT_TOKEN does not look like a bot token: it must be the bot's numeric"
                " id, a colon, then at least 10 letters, digits, '_' or '-' (for example"
                " 123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0); copy it whole from @BotFather."
            )

        api_base_url = get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL
        base = urlsplit(api_base_url)
        if base.scheme not in ("http", "https") or not base.netloc:
            problems.append(
                f"TELEGRAM_API_BASE_URL must be an http(s) URL such as {DEFAULT_API_BASE_URL}."
            )

        if discord_token is not None and not _DISCORD_TOKEN_RE.match(discord_token):
            problems.append(
                "DISCORD_BOT_TOKEN does not look like a Discord bot token (three parts separated"
                " by dots, copied from the Bot page of the Developer Portal, without 'Bot ')."
            )
        discord_api_base_url = (
            get("DISCORD_API_BASE_URL") or DEFAULT_DISCORD_API_BASE_URL
        ).rstrip("/")
        base = urlsplit(discord_api_base_url)
        if base.scheme not in ("http", "https") or not base.netloc:
            problems.append(
                f"DISCORD_API_BASE_URL must be an http(s) URL such as"
                f" {DEFAULT_DISCORD_API_BASE_URL}."
            )
        guild_ids: set[int] = set()
        for part in (get("NEWSBOT_DISCORD_GUILD_IDS") or "").split(","):
            item = part.strip()
            if not item:
                continue
            if re.fullmatch(r"\d{15,21}", item):
                guild_ids.add(int(item))
            else:
                problems.append(
                    f"NEWSBOT_DISCORD_GUILD_IDS must list Discord server (guild) ids separated by"
                    f" commas; {item!r} is not one (Developer Mode, right-click the server,"
                    " Copy Server ID)."
                )
        raw_content = (get("NEWSBOT_DISCORD_MESSAGE_CONTENT") or "0").lower()
        if raw_content not in _TRUE + _FALSE:
            problems.append(
                "NEWSBOT_DISCORD_MESSAGE_CONTENT must be 1 or 0 (true/false, yes/no, on/off)."
            )

        admin_ids: set[int] = set()
        for part in (get("NEWSBOT_ADMIN_IDS") or "").split(","):
            item = part.strip()
            if not item:
                continue
            if not re.fullmatch(r"\d{1,20}", item):
                problems.append(
                    f"NEWSBOT_ADMIN_IDS must list numeric user ids separated by commas;"
                    f" {item!r} is not one."
                )
            elif int(item) == ANONYMOUS_ADMIN_ID:
                problems.append(
                    f"NEWSBOT_ADMIN_IDS must not contain {ANONYMOUS_ADMIN_ID}, the id Telegram"
                    " uses for every anonymous group admin."
                )
            else:
                admin_ids.add(int(item))

        webhook_url = get("NEWSBOT_WEBHOOK_URL")
        webhook_secret = get("NEWSBOT_WEBHOOK_SECRET")
        if webhook_url is not None and token is None and discord_token is not None:
            problems.append(
                "NEWSBOT_WEBHOOK_URL is for the Telegram bot, but TELEGRAM_BOT_TOKEN is not set:"
                " set the token too, or unset the webhook settings."
            )
        if webhook_url is not None:
            parts = urlsplit(webhook_url)
            if parts.scheme != "https" or not parts.netloc:
                problems.append(
                    "NEWSBOT_WEBHOOK_URL must be a public https:// URL (Telegram only posts"
                    " to HTTPS)."
                )
            if webhook_secret is None:
                problems.append(
                    "NEWSBOT_WEBHOOK_SECRET is required with NEWSBOT_WEBHOOK_URL: set 1-256"
                    " characters of A-Z, a-z, 0-9, _ and -."
                )
        elif webhook_secret is not None:
            problems.append(
                "NEWSBOT_WEBHOOK_SECRET is set but NEWSBOT_WEBHOOK_URL is not: set both for"
                " webhook mode, or neither for long polling."
            )
        if webhook_secret is not None and not _SECRET_RE.match(webhook_secret):
            problems.append(
                "NEWSBOT_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -."
            )

        port = 8080
        raw_port = get("NEWSBOT_PORT")
        if raw_port is not None:
            if raw_port.isdigit() and 1 <= int(raw_port) <= 65535:
                port = int(raw_port)
            else:
                problems.append(f"NEWSBOT_PORT must be a port number 1-65535, not {raw_port!r}.")

        log_level = (get("NEWSBOT_LOG_LEVEL") or "INFO").upper()
        if log_level not in _LOG_LEVELS:
            problems.append(f"NEWSBOT_LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}.")

        host = get("NEWSBOT_HOST") or "127.0.0.1"
        if not _HOST_RE.match(host):
            problems.append(
                f"NEWSBOT_HOST must be an interface address such as 127.0.0.1 or 0.0.0.0, not"
                f" {host!r}."
            )
        log_format = (get("NEWSBOT_LOG_FORMAT") or "text").lower()
        if log_format not in _LOG_FORMATS:
            problems.append(f"NEWSBOT_LOG_FORMAT must be one of {', '.join(_LOG_FORMATS)}.")

        device = (get("NEWSBOT_DEVICE") or "auto").lower()
        if device not in _DEVICES:
            problems.append(
                f"NEWSBOT_DEVICE must be one of {', '.join(_DEVICES)}, not {device!r}."
            )

        flags: dict[str, bool] = {}
        for name, default in (("NEWSBOT_ALLOW_PRIVATE_URLS", "0"), ("NEWSBOT_POLL_FEEDS", "1")):
            raw = (get(name) or default).lower()
            if raw not in _TRUE + _FALSE:
                problems.append(f"{name} must be 1 or 0 (true/false, yes/no, on/off).")
            flags[name] = raw in _TRUE

        database_url = get("NEWSBOT_DATABASE_URL")
        if database_url is not None and urlsplit(database_url).scheme not in (
            "postgresql",
            "postgres",
        ):
            problems.append(
                "NEWSBOT_DATABASE_URL must be a PostgreSQL URI such as"
                " postgresql://newsbot:PASSWORD@db:5432/newsbot; unset it for the embedded index."
            )

        if problems:
            raise ConfigError(problems)
        cache_dir = get("NEWSBOT_CACHE_DIR")
        return cls(
            token=token,
            api_base_url=api_base_url,
            index_dir=Path(get("NEWSBOT_INDEX_DIR") or DEFAULT_INDEX_DIR),
            seeds_dir=Path(get("NEWSBOT_SEEDS_DIR") or default_seeds_dir(DEFAULT_SEEDS_DIR)),
            cache_dir=Path(cache_dir) if cache_dir else default_cache_dir(),
            device=device,
            admin_ids=frozenset(admin_ids),
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            port=port,
            log_level=log_level,
            host=host,
            log_format=log_format,
            discord_token=discord_token,
            discord_api_base_url=discord_api_base_url,
            discord_guild_ids=frozenset(guild_ids),
            discord_message_content=raw_content in _TRUE,
            allow_private_urls=flags["NEWSBOT_ALLOW_PRIVATE_URLS"],
            poll_feeds=flags["NEWSBOT_POLL_FEEDS"],
            database_url=database_url,
        )
