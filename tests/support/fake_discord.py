"""A fake Discord (REST API v10 and gateway) on 127.0.0.1 that the real discord.py client talks to.

Tests start ``FakeDiscord``, point a real ``discord.Client`` at ``fake.api_base`` and
``fake.gateway_url``, dispatch gateway events built here (slash commands, button presses, guild
messages, DMs) and assert on what the fake recorded: every REST call, every message the bot sent
or edited, what each interaction finally showed the user. It validates like Discord (token,
message and embed limits, components, command schemas, the 3-second interaction window) and
answers violations with Discord's status codes and JSON error bodies. It must not be used
outside tests.

REST, under ``http://127.0.0.1:PORT/api/v10``: ``GET /gateway``, ``GET /gateway/bot``,
``GET /users/@me``, ``GET /users/{id}``, ``GET /oauth2/applications/@me``, ``GET|PUT`` global and
guild application commands (bulk overwrite, validated),
``POST /interactions/{id}/{token}/callback`` (types 4, 5, 6, 7), ``POST /webhooks/{app}/{token}``
(follow-up), ``GET|PATCH|DELETE /webhooks/{app}/{token}/messages/{@original|id}``,
``GET /channels/{id}``, ``POST|GET|PATCH|DELETE`` channel messages, ``POST /channels/{id}/typing``
and ``POST /users/@me/channels``. Every route needs ``Authorization: Bot <token>`` except
``GET /gateway`` (public on Discord too) and the interaction routes, which carry the interaction
token in the URL. ``rate_limit_next`` answers the next calls of a route with 429 and
``retry_after``; ``fail_next`` with any other error.

Gateway, at ``ws://127.0.0.1:PORT/gateway`` (``?v=10&encoding=json``; ``compress=zlib-stream`` is
honoured, anything else gets plain text frames): HELLO, IDENTIFY (token and intents checked,
privileged intents only if enabled with ``privileged_intents``), READY with unavailable guilds,
then one GUILD_CREATE per guild, HEARTBEAT -> HEARTBEAT_ACK, RESUME (replays missed events, or
INVALID_SESSION when the session is gone, after which discord.py IDENTIFYs again), close codes
as Discord's (4004 bad token, 4012 bad version, 4013/4014 intents, ...). Without the
MESSAGE_CONTENT intent, guild messages that do not mention the bot arrive with empty content, as
on Discord. The bot's own non-ephemeral messages come back as MESSAGE_CREATE / MESSAGE_UPDATE.

Simplifications: lengths are counted in code points; rate-limit headers are constant except on
injected 429s (there are no real buckets); permissions, attachments' bytes, threads, stickers,
polls and Components V2 are not modelled (V2 is refused); IDENTIFY rate limits and heartbeat
timeouts are not enforced; RESUME keeps every event of a session. ``python -m
tests.support.fake_discord`` serves the same fake in its own process, with a small control API
under ``/_fake/`` (see ``main``).

Design note for the Discord front end (found by driving discord.py 2.7.1 against this fake):

- REST: set ``discord.http.Route.BASE = f"{base}/api/v10"`` before ``client.login``/``start``.
  Every REST call, interaction callbacks and follow-ups included, builds its URL from it.
- Gateway: a plain ``discord.Client`` never asks ``/gateway/bot``; it dials
  ``DiscordWebSocket.DEFAULT_GATEWAY`` (``wss://gateway.discord.gg/``). ``AutoShardedClient``
  does ask ``/gateway/bot`` for its first connection, but after an INVALID_SESSION (and in
  ``Shard.reconnect``) both clients fall back to ``DEFAULT_GATEWAY``, so setting
  ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)`` is needed either way.
  Do it in ``setup_hook`` with the URL from ``await client.http.get_bot_gateway()``. RESUME
  uses READY's ``resume_gateway_url`` (this fake serves it at ``/gateway/resume``).
- 429s are only retried when the response carries a ``Via`` header (discord.py takes a 429
  without it for a Cloudflare ban and raises ``HTTPException``); this fake sends ``Via`` on
  every response, as Discord's load balancer does. Likewise discord.py decodes a body only if
  ``Content-Type`` is exactly ``application/json`` (aiohttp's ``json_response`` adds a
  charset, which turns every payload into a string).
- Shutdown: SIGTERM must make the product ``await client.close()`` (for example
  ``loop.add_signal_handler(SIGTERM, lambda: asyncio.create_task(client.close()))`` around
  ``await client.start(token)``); ``client.start`` then returns normally. ``client.run``
  installs no SIGTERM handler (only Ctrl-C is handled). Surprise: ``close()`` asks for close
  code 1000, but while the receive loop is idle aiohttp wakes it first and discord.py's
  ``poll_event`` closes with 4000 (Rapptz/discord.py#6719), so Discord keeps the session and
  shows the bot online until the session times out. This fake ends a session only on 1000
  or 1001 from the client, as Discord does, and records the code it got.
- ``on_ready`` fires ``guild_ready_timeout`` (default 2 s) after the last GUILD_CREATE, not
  when READY arrives; events dispatched before that are still handled.
- A deferred interaction's first follow-up replaces the "thinking..." message (Discord returns
  the original message for it); later follow-ups are new messages.
- ``Intents.default()`` lacks MESSAGE_CONTENT: mentions, replies that ping the bot and DMs
  still carry their text, a reply with the ping switched off does not (it arrives with empty
  content, so the bot must not treat it as a question).
- discord.py's default ``allowed_mentions`` parses everyone, users and roles: an excerpt
  quoting "@everyone" would ping the whole server. Build the client with
  ``allowed_mentions=discord.AllowedMentions.none()``; ``SentMessage.mentions`` shows who a
  message notified.
- Re-IDENTIFY after an INVALID_SESSION waits 5 s (``Client.before_identify_hook``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import copy
import dataclasses
import datetime as dtm
import hashlib
import itertools
import json
import math
import re
import secrets
import signal
import sys
import time
import zlib
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

__all__ = [
    "ALICE_ID",
    "APPLICATION_ID",
    "BOB_ID",
    "BOT_ID",
    "CHANNEL_ID",
    "CREATE_MESSAGE",
    "DIRECT_MESSAGES",
    "EDIT_MESSAGE",
    "EDIT_ORIGINAL",
    "FOLLOWUP",
    "GUILD_ID",
    "GUILD_MESSAGES",
    "IDENTIFY",
    "INTERACTION_CALLBACK",
    "MESSAGE_CONTENT",
    "OTHER_CHANNEL_ID",
    "RESUME",
    "SYNC_COMMANDS",
    "SYNC_GUILD_COMMANDS",
    "TOKEN",
    "FakeDiscord",
    "GatewayConnection",
    "GatewaySession",
    "GuildSpec",
    "Interaction",
    "RestCall",
    "SentMessage",
]

API_VERSION = 10
DISCORD_EPOCH_MS = 1_420_070_400_000
BOT_ID = 1_300_000_000_000_000_001
APPLICATION_ID = BOT_ID  # applications created since 2016 share the bot user's id
GUILD_ID = 1_300_000_000_000_000_100
CHANNEL_ID = 1_300_000_000_000_000_200
OTHER_CHANNEL_ID = 1_300_000_000_000_000_201
ALICE_ID = 1_300_000_000_000_000_301
BOB_ID = 1_300_000_000_000_000_302
# Shaped like a real token (base64 of the bot id, a timestamp part, an HMAC part); tests only.
TOKEN = (
    base64.b64encode(str(BOT_ID).encode()).decode().rstrip("=")
    + ".GfAkE0.newsbot-tests-only-not-a-real-token-0000000"
)

# Route keys, as ``"METHOD /path/template"``, for calls_to, rate_limit_next and fail_next.
SYNC_COMMANDS = "PUT /applications/{application_id}/commands"
SYNC_GUILD_COMMANDS = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
INTERACTION_CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"
FOLLOWUP = "POST /webhooks/{application_id}/{interaction_token}"
EDIT_ORIGINAL = "PATCH /webhooks/{application_id}/{interaction_token}/messages/@original"
CREATE_MESSAGE = "POST /channels/{channel_id}/messages"
EDIT_MESSAGE = "PATCH /channels/{channel_id}/messages/{message_id}"

# Gateway opcodes.
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = (
    6,
    7,
    8,
    9,
    10,
    11,
)
_CLIENT_OPS = frozenset({HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE, RESUME, 8})

# Gateway intents.
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
DIRECT_MESSAGES = 1 << 12
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT
VALID_INTENTS = (1 << 17) - 1 | 1 << 20 | 1 << 21 | 1 << 24 | 1 << 25

# Message limits.
MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_FIELDS = 25
MAX_ACTION_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
EPHEMERAL = 1 << 6
LOADING = 1 << 7
SUPPRESS_EMBEDS = 1 << 2
SUPPRESS_NOTIFICATIONS = 1 << 12
IS_COMPONENTS_V2 = 1 << 15
_SENDABLE_FLAGS = SUPPRESS_EMBEDS | SUPPRESS_NOTIFICATIONS | EPHEMERAL

_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
_USER_MENTION = re.compile(r"<@!?(\d{15,21})>")
_ROLE_MENTION = re.compile(r"<@&(\d{15,21})>")
_EVERYONE = re.compile(r"@(everyone|here)\b")
_URL = re.compile(r"https?://[^\s<>\"()]+")
_WELL_FORMED_URL = re.compile(r"^(https?|attachment)://[^\s]+$")
_PERMISSIONS = str((1 << 41) - 1)  # what app_permissions reports: everything a bot may hold
_DEFAULT_MEMBER_PERMISSIONS = "2248473465835073"


class _DiscordError(Exception):
    """Raised by a route handler to answer with a Discord error response."""

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body
        self.headers = headers or {}


def _error(status: int, message: str, code: int = 0) -> _DiscordError:
    return _DiscordError(status, {"message": message, "code": code})


def _unauthorized() -> _DiscordError:
    return _error(401, "401: Unauthorized")


def _unknown(what: str, code: int) -> _DiscordError:
    return _error(404, f"Unknown {what}", code)


UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
UNKNOWN_WEBHOOK = 10015
INVALID_WEBHOOK_TOKEN = 50027
EMPTY_MESSAGE = 50006
INVALID_FORM_BODY = 50035


class _FormErrors:
    """Collects validation errors in Discord's nested ``errors`` shape (``50035``)."""

    def __init__(self) -> None:
        self.errors: dict[str, Any] = {}

    def add(self, path: Sequence[str | int], code: str, message: str) -> None:
        node = self.errors
        for key in path:
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def check_length(
        self, path: Sequence[str | int], value: Any, high: int, *, low: int = 0
    ) -> None:
        if not isinstance(value, str):
            if value is not None or low > 0:
                self.add(path, "BASE_TYPE_REQUIRED", "This field is required")
            return
        if low and not low <= len(value) <= high:
            self.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {low} and {high} in length.")
        elif len(value) > high:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {high} or fewer in length.")

    def raise_if_any(self) -> None:
        if self.errors:
            raise _DiscordError(
                400,
                {"code": INVALID_FORM_BODY, "errors": self.errors, "message": "Invalid Form Body"},
            )


@dataclass(slots=True)
class RestCall:
    """One REST request the fake received; ``status`` is 0 until it was answered."""

    method: str
    route: str  # the key, "METHOD /template", or "METHOD /actual/path" for unknown routes
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    started_at: float
    body: Any = None
    status: int = 0
    response: Any = None
    finished_at: float | None = None


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message as the bot created or edited it (a snapshot; ``message`` is the payload)."""

    message_id: int
    channel_id: int
    content: str
    embeds: list[dict[str, Any]]
    components: list[dict[str, Any]]
    flags: int
    allowed_mentions: dict[str, Any] | None
    mentions: list[int]  # the users this message notified
    reply_to: int | None  # message_reference.message_id
    via: str  # "channel", "interaction", "followup" or "edit"
    interaction_id: int | None
    message: dict[str, Any]

    @property
    def ephemeral(self) -> bool:
        """Whether only the interaction's user sees it."""
        return bool(self.flags & EPHEMERAL)

    @property
    def text(self) -> str:
        """Everything readable: content, then each embed's author, title, text and footer."""
        parts = [self.content]
        for embed in self.embeds:
            parts.append(str(embed.get("author", {}).get("name", "")))
            parts.extend(str(embed.get(key, "")) for key in ("title", "description"))
            for item in embed.get("fields", []):
                parts.extend((str(item.get("name", "")), str(item.get("value", ""))))
            parts.append(str(embed.get("footer", {}).get("text", "")))
        return "\n".join(part for part in parts if part)

    @property
    def links(self) -> list[str]:
        """Every URL the user can follow: in the text, embed URLs and link buttons, in order."""
        found = [url.rstrip(".,;:!?'") for url in _URL.findall(self.text)]
        found += [str(e["url"]) for e in self.embeds if e.get("url")]
        found += [str(b["url"]) for b in _buttons(self.components) if b.get("url")]
        return list(dict.fromkeys(found))

    @property
    def custom_ids(self) -> list[str]:
        """The custom_id of every button, row by row."""
        return [str(b["custom_id"]) for b in _buttons(self.components) if "custom_id" in b]


@dataclass(slots=True)
class Interaction:
    """An INTERACTION_CREATE the fake dispatched, and how the bot answered it."""

    id: int
    token: str
    type: int  # 2 application command, 3 message component
    channel_id: int
    guild_id: int | None
    user_id: int
    payload: dict[str, Any]
    dispatched_at: float
    callbacks: list[tuple[int, float]] = field(default_factory=list)  # (type, monotonic time)
    original_id: int | None = None  # the response message (or the component's message)
    reply_id: int | None = None  # the message that shows the user the answer, once there is one
    followup_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class GatewaySession:
    """An identified gateway session; it outlives a connection until RESUMEd or ended."""

    session_id: str
    intents: int
    shard: list[int] | None
    identified_at: float
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    connection: GatewayConnection | None = None
    ended: bool = False


@dataclass(slots=True, eq=False)
class GatewayConnection:
    """One websocket connection to the gateway."""

    path: str
    query: dict[str, str]
    opened_at: float
    compress: str | None
    ops: list[int] = field(default_factory=list)  # opcodes received, in order
    identify: dict[str, Any] | None = None
    session: GatewaySession | None = None
    resumed: bool = False
    ready: bool = False  # READY and every GUILD_CREATE sent, or RESUMED
    heartbeats: int = 0
    close_code: int | None = None
    closed_by: str | None = None  # "client" or "server"
    closed_at: float | None = None
    ws: web.WebSocketResponse | None = field(default=None, repr=False)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)
    zlib_stream: Any = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class GuildSpec:
    """A guild the bot is in: its text channels (id, name) and its human members."""

    id: int = GUILD_ID
    name: str = "Newsbot Test Guild"
    text_channels: tuple[tuple[int, str], ...] = (
        (CHANNEL_ID, "general"),
        (OTHER_CHANNEL_ID, "news"),
    )
    member_ids: tuple[int, ...] = (ALICE_ID, BOB_ID)
    owner_id: int = ALICE_ID


@dataclass(frozen=True, slots=True)
class _Fault:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


_Handler = Callable[[web.Request, Any], Awaitable[tuple[int, Any]]]


class FakeDiscord:
    """Discord's REST API and gateway on one loopback port, with a test API around them.

    Use it as ``async with FakeDiscord() as fake:``; point discord.py at ``fake.api_base``
    (``Route.BASE``) and ``fake.gateway_url`` (``DEFAULT_GATEWAY``) and log in with
    ``fake.token``.
    """

    def __init__(
        self,
        *,
        token: str = TOKEN,
        bot_id: int = BOT_ID,
        application_id: int = APPLICATION_ID,
        bot_name: str = "newsbot-test",
        guilds: Sequence[GuildSpec] = (GuildSpec(),),
        privileged_intents: int = 0,
        interaction_deadline_s: float = 3.0,
        heartbeat_interval_ms: int = 41_250,
    ) -> None:
        if privileged_intents & ~PRIVILEGED_INTENTS:
            raise ValueError(
                "privileged_intents takes GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT"
            )
        self.token = token
        self.bot_id = bot_id
        self.application_id = application_id
        self.privileged_intents = privileged_intents
        self.interaction_deadline_s = interaction_deadline_s
        self.interaction_token_ttl_s = 15 * 60.0
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.port = 0
        self.api_base = ""
        self.gateway_url = ""
        self.calls: list[RestCall] = []
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []
        self.deleted: list[int] = []
        self.typing: list[int] = []
        self.commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.interactions: dict[int, Interaction] = {}
        self.connections: list[GatewayConnection] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.channels: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self._guild_specs = {spec.id: spec for spec in guilds}
        self._faults: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._last_snowflake = 0
        self._sequence = itertools.count()
        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._routes: list[tuple[str, str, _Handler, str]] = []
        self.bot_user = self._add_user(bot_id, bot_name, bot=True)
        self._add_user(ALICE_ID, "alice")
        self._add_user(BOB_ID, "bob")
        for spec in guilds:
            for member_id in spec.member_ids:
                if member_id not in self.users:
                    self._add_user(member_id, f"user{member_id % 10_000}")
            for position, (channel_id, name) in enumerate(spec.text_channels):
                self.channels[channel_id] = _text_channel(channel_id, spec.id, name, position)

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Start serving on ``port`` (default: a free one) of 127.0.0.1."""
        if self._runner is not None:
            raise RuntimeError("FakeDiscord is already running")
        app = web.Application(middlewares=[self._middleware])
        self._add_routes(app)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.api_base = f"http://127.0.0.1:{self.port}/api/v{API_VERSION}"
        self.gateway_url = f"ws://127.0.0.1:{self.port}/gateway"

    async def stop(self) -> None:
        """Close every gateway connection (code 1001, as on a Discord restart) and stop."""
        for task in list(self._tasks):
            task.cancel()
        for connection in self.connections:
            if connection.ws is not None and not connection.ws.closed:
                with contextlib.suppress(Exception):
                    await self._close(connection, 1001, "Discord is restarting")
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- test API: gateway events --------------------------------------------------------------

    @property
    def mention(self) -> str:
        """How a user's message mentions the bot: ``<@BOT_ID>``."""
        return f"<@{self.bot_id}>"

    async def dispatch_command(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel_id: int = CHANNEL_ID,
        user_id: int = ALICE_ID,
        dm: bool = False,
    ) -> Interaction:
        """Run a registered chat-input command as a user would; return the interaction.

        ``dm=True`` runs it in the user's DM with the bot (``channel_id`` is then ignored).

        Raises:
            ValueError: The command is not registered where it is used, or the options do not
                fit its schema (a Discord client would not let the user send it).
        """
        channel = self._dm_channel(user_id) if dm else self._guild_channel(channel_id)
        guild_id = _optional_int(channel.get("guild_id"))
        command = self._find_command(name, guild_id)
        given = dict(options or {})
        data: dict[str, Any] = {
            "id": command["id"],
            "name": name,
            "type": 1,
            "options": _command_options(command, given),
        }
        if command.get("guild_id") is not None:
            data["guild_id"] = command["guild_id"]
        return await self._dispatch_interaction(2, data, channel, user_id, message=None)

    async def dispatch_button(
        self, message_id: int, custom_id: str, *, user_id: int = ALICE_ID
    ) -> Interaction:
        """Press the button ``custom_id`` on the bot's message ``message_id``.

        Raises:
            ValueError: The message is unknown, not the bot's, or has no such button.
        """
        message = self.messages.get(message_id)
        if message is None or int(message["author"]["id"]) != self.bot_id:
            raise ValueError(f"the bot sent no message {message_id}")
        buttons = [
            b for b in _buttons(message.get("components", [])) if b.get("custom_id") == custom_id
        ]
        if not buttons:
            raise ValueError(f"message {message_id} has no button with custom_id {custom_id!r}")
        if buttons[0].get("disabled"):
            raise ValueError(f"the button {custom_id!r} is disabled")
        channel = self.channels[int(message["channel_id"])]
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._dispatch_interaction(3, data, channel, user_id, message=message)

    async def dispatch_message(
        self,
        content: str,
        *,
        channel_id: int = CHANNEL_ID,
        author_id: int = ALICE_ID,
        reply_to: int | None = None,
        ping_replied: bool = True,
    ) -> dict[str, Any]:
        """Post a user's message in a guild channel; return the MESSAGE_CREATE payload.

        Mentions are read from ``content`` (``f"{fake.mention} question"`` mentions the bot).
        ``reply_to`` makes it a reply to that message; ``ping_replied`` (the Discord client's
        default) also mentions the replied message's author.
        """
        channel = self._guild_channel(channel_id)
        return await self._user_message(content, channel, author_id, reply_to, ping_replied)

    async def dispatch_dm(self, content: str, *, author_id: int = ALICE_ID) -> dict[str, Any]:
        """Send the bot a direct message from a user; return the MESSAGE_CREATE payload."""
        channel = self._dm_channel(author_id)
        return await self._user_message(content, channel, author_id, None, ping_replied=False)

    async def close_connections(self, code: int = 4000, reason: str = "") -> None:
        """Close every open gateway connection from the server side with ``code``.

        4000 keeps the session resumable (discord.py RESUMEs); 1000 and 1001 end it.
        """
        for connection in self.connections:
            if connection.ws is not None and not connection.ws.closed:
                if code in {1000, 1001} and connection.session is not None:
                    connection.session.ended = True
                await self._close(connection, code, reason)

    async def invalidate_sessions(self) -> None:
        """Send INVALID_SESSION (not resumable) on every ready connection and end its session."""
        for connection in self.connections:
            if connection.ready and connection.ws is not None and not connection.ws.closed:
                if connection.session is not None:
                    connection.session.ended = True
                await self._send(connection, {"op": INVALID_SESSION, "d": False})

    # -- test API: waiting and inspection ------------------------------------------------------

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - the tests' API: seconds, not a context
        what: str = "",
    ) -> None:
        """Wait until ``predicate()`` is true.

        Raises:
            AssertionError: After ``timeout`` seconds, with the most recent calls listed.
        """
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what or 'a condition'}\n"
                    f"{self.describe_calls()}"
                )
            await asyncio.sleep(0.01)

    async def wait_for_ready(
        self,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - as in wait_for
    ) -> GatewayConnection:
        """Wait until ``count`` connections in all were made ready; return the ``count``-th.

        A connection is ready once READY and every GUILD_CREATE were sent, or RESUMED.
        """
        await self.wait_for(
            lambda: len(self._ready_connections()) >= count, timeout, f"{count} ready gateway(s)"
        )
        return self._ready_connections()[count - 1]

    def messages_in(self, channel_id: int) -> list[SentMessage]:
        """The messages the bot created in ``channel_id`` (any route), oldest first."""
        return [sent for sent in self.sent if sent.channel_id == channel_id]

    async def wait_for_message(
        self,
        channel_id: int,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - as in wait_for
    ) -> SentMessage:
        """Wait until the bot has created ``count`` messages in ``channel_id``; return that one."""
        await self.wait_for(
            lambda: len(self.messages_in(channel_id)) >= count,
            timeout,
            f"{count} message(s) in channel {channel_id}",
        )
        return self.messages_in(channel_id)[count - 1]

    async def wait_for_interaction_response(
        self,
        interaction_id: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - as in wait_for
    ) -> SentMessage:
        """Wait until the user sees the bot's answer to an interaction; return that message.

        That is the type 4 response, the message a type 7 updated, or after a deferral (5 or 6)
        the first follow-up or ``@original`` edit. Returns the message as it is now.
        """
        interaction = self.interactions[interaction_id]
        await self.wait_for(
            lambda: interaction.reply_id is not None,
            timeout,
            f"the answer to interaction {interaction_id}",
        )
        assert interaction.reply_id is not None
        return self.snapshot(interaction.reply_id)

    def snapshot(self, message_id: int) -> SentMessage:
        """The current state of a message the bot sent."""
        message = self.messages[message_id]
        via = next((s.via for s in self.sent if s.message_id == message_id), "channel")
        records = [s for s in self.sent + self.edits if s.message_id == message_id]
        allowed = records[-1].allowed_mentions if records else None
        return _snapshot(message, via, self._interaction_of(message), allowed)

    def dm_channel_id(self, user_id: int) -> int:
        """The id of the DM channel between the bot and ``user_id`` (created if needed)."""
        return int(self._dm_channel(user_id)["id"])

    def calls_to(self, route: str) -> list[RestCall]:
        """The calls of one route key, e.g. ``CREATE_MESSAGE``."""
        return [call for call in self.calls if call.route == route]

    def unknown_calls(self) -> list[RestCall]:
        """Calls that matched no route (the fake answered 404); a new one means a gap here."""
        known = {f"{method} {template}" for method, template, _, _ in self._routes}
        return [call for call in self.calls if call.route not in known]

    def describe_calls(self, last: int = 20) -> str:
        """A readable dump of the last ``last`` REST calls (for assertion messages)."""
        lines = [f"last {min(last, len(self.calls))} of {len(self.calls)} REST calls:"]
        for call in self.calls[-last:]:
            body = json.dumps(call.body, ensure_ascii=False, default=str)
            response = json.dumps(call.response, ensure_ascii=False, default=str)
            lines.append(
                f"  {call.method} {call.path} -> {call.status or 'pending'} {_shorten(body)} "
                f"=> {_shorten(response)}"
            )
        return "\n".join(lines)

    # -- test API: faults ----------------------------------------------------------------------

    def rate_limit_next(
        self,
        route: str,
        *,
        retry_after: float = 0.5,
        times: int = 1,
        is_global: bool = False,
        scope: str = "user",
    ) -> None:
        """Answer the next ``times`` calls of ``route`` with 429 and ``retry_after`` seconds.

        The response carries what Discord sends: the JSON body, ``Retry-After``, the
        ``X-RateLimit-*`` headers (``Remaining: 0``) and ``Via``.
        """
        self._check_route(route)
        now = time.time()
        headers = {
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{now + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": _bucket(route),
            "X-RateLimit-Scope": "global" if is_global else scope,
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": is_global,
        }
        self._add_fault(route, _Fault(429, body, headers), times)

    def fail_next(
        self,
        route: str,
        *,
        status: int = 500,
        message: str = "500: Internal Server Error",
        code: int = 0,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``route`` with ``status`` and an error body."""
        self._check_route(route)
        self._add_fault(route, _Fault(status, {"message": message, "code": code}, {}), times)

    def _check_route(self, route: str) -> None:
        known = {f"{method} {template}" for method, template, _, _ in self._route_table()}
        if route not in known:
            raise ValueError(f"unknown route {route!r}; known: {sorted(known)}")

    def _add_fault(self, route: str, fault: _Fault, times: int) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        self._faults[route].extend([fault] * times)

    # -- HTTP plumbing ---------------------------------------------------------------------------

    def _route_table(self) -> list[tuple[str, str, _Handler, str]]:
        """(method, template, handler, auth) for every REST route; auth is bot/none/optional."""
        return [
            ("GET", "/gateway", self._get_gateway, "optional"),
            ("GET", "/gateway/bot", self._get_gateway_bot, "bot"),
            ("GET", "/users/@me", self._get_me, "bot"),
            ("POST", "/users/@me/channels", self._create_dm, "bot"),
            ("GET", "/users/{user_id}", self._get_user, "bot"),
            ("GET", "/oauth2/applications/@me", self._get_application, "bot"),
            ("GET", "/applications/{application_id}/commands", self._get_commands, "bot"),
            ("PUT", "/applications/{application_id}/commands", self._put_commands, "bot"),
            (
                "GET",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._get_commands,
                "bot",
            ),
            (
                "PUT",
                "/applications/{application_id}/guilds/{guild_id}/commands",
                self._put_commands,
                "bot",
            ),
            (
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                self._callback,
                "none",
            ),
            ("POST", "/webhooks/{application_id}/{interaction_token}", self._followup, "none"),
            *[
                (
                    method,
                    "/webhooks/{application_id}/{interaction_token}/messages/" + which,
                    handler,
                    "none",
                )
                for which in ("@original", "{message_id}")
                for method, handler in (
                    ("GET", self._get_webhook_message),
                    ("PATCH", self._edit_webhook_message),
                    ("DELETE", self._delete_webhook_message),
                )
            ],
            ("GET", "/channels/{channel_id}", self._get_channel, "bot"),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message, "bot"),
            ("POST", "/channels/{channel_id}/messages", self._create_message, "bot"),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self._edit_message, "bot"),
            (
                "DELETE",
                "/channels/{channel_id}/messages/{message_id}",
                self._delete_message,
                "bot",
            ),
            ("POST", "/channels/{channel_id}/typing", self._typing, "bot"),
        ]

    def _add_routes(self, app: web.Application) -> None:
        self._routes = self._route_table()
        prefix = f"/api/v{API_VERSION}"
        for method, template, handler, auth in self._routes:
            app.router.add_route(
                method, prefix + template, self._endpoint(method, template, handler, auth)
            )
        for path in ("/gateway", "/gateway/", "/gateway/resume"):
            app.router.add_get(path, self._gateway)
        app.router.add_post("/_fake/{action}", self._control)
        app.router.add_get("/_fake/{action}", self._control)

    def _endpoint(
        self, method: str, template: str, handler: _Handler, auth: str
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        route = f"{method} {template}"

        async def endpoint(request: web.Request) -> web.StreamResponse:
            call = _new_call(request, route)
            self.calls.append(call)
            headers: dict[str, str] = {}
            try:
                self._check_auth(request, auth)
                call.body = await _read_body(request)
                fault = self._faults[route].popleft() if self._faults.get(route) else None
                if fault is not None:
                    raise _DiscordError(fault.status, dict(fault.body), dict(fault.headers))
                status, body = await handler(request, call.body)
                headers = _ratelimit_headers(route)
            except _DiscordError as error:
                status, body, headers = error.status, error.body, error.headers
            return _finish(call, status, body, headers)

        return endpoint

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Answer unknown routes and wrong methods with Discord's JSON; record them too."""
        try:
            return await handler(request)
        except web.HTTPException as error:
            if error.status not in {404, 405} or not request.path.startswith("/api/"):
                raise
            call = _new_call(request, f"{request.method} {request.path}")
            self.calls.append(call)
            message = "404: Not Found" if error.status == 404 else "405: Method Not Allowed"
            return _finish(call, error.status, {"message": message, "code": 0}, {})

    def _check_auth(self, request: web.Request, auth: str) -> None:
        header = request.headers.get("Authorization")
        if auth == "none" or (auth == "optional" and header is None):
            return
        if header != f"Bot {self.token}":
            raise _unauthorized()

    # -- REST: gateway, users, application -------------------------------------------------------

    async def _get_gateway(self, request: web.Request, body: Any) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, request: web.Request, body: Any) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000 - len(self.sessions),
                "reset_after": 14_400_000,
                "max_concurrency": 1,
            },
        }

    async def _get_me(self, request: web.Request, body: Any) -> tuple[int, Any]:
        me = dict(self.bot_user)
        me.update(verified=True, mfa_enabled=False, locale="en-US", email=None, flags=0)
        return 200, me

    async def _get_user(self, request: web.Request, body: Any) -> tuple[int, Any]:
        user = self.users.get(_snowflake(request, "user_id"))
        if user is None:
            raise _unknown("User", 10013)
        return 200, dict(user)

    async def _get_application(self, request: web.Request, body: Any) -> tuple[int, Any]:
        return 200, {
            "id": str(self.application_id),
            "name": self.bot_user["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "hook": True,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "owner": dict(self.users[ALICE_ID]),
            "team": None,
            "flags": self._application_flags(),
            "bot": dict(self.bot_user),
            "interactions_endpoint_url": None,
            "redirect_uris": [],
            "tags": [],
            "approximate_guild_count": len(self._guild_specs),
            "integration_types_config": {"0": {}},
        }

    def _application_flags(self) -> int:
        """GATEWAY_*_LIMITED flags: the privileged intents enabled in the developer portal."""
        flags = 0
        if self.privileged_intents & GUILD_PRESENCES:
            flags |= 1 << 13
        if self.privileged_intents & GUILD_MEMBERS:
            flags |= 1 << 15
        if self.privileged_intents & MESSAGE_CONTENT:
            flags |= 1 << 19
        return flags

    async def _create_dm(self, request: web.Request, body: Any) -> tuple[int, Any]:
        recipient = _optional_int(body.get("recipient_id") if isinstance(body, dict) else None)
        if recipient is None:
            raise _form_error(["recipient_id"], "BASE_TYPE_REQUIRED", "This field is required")
        if recipient not in self.users or recipient == self.bot_id:
            raise _unknown("User", 10013)
        return 200, copy.deepcopy(self._dm_channel(recipient))

    # -- REST: application commands --------------------------------------------------------------

    def _command_scope(self, request: web.Request) -> int | None:
        if _snowflake(request, "application_id") != self.application_id:
            raise _error(403, "Missing Access", 50001)
        if "guild_id" not in request.match_info:
            return None
        guild_id = _snowflake(request, "guild_id")
        if guild_id not in self._guild_specs:
            raise _error(403, "Missing Access", 50001)
        return guild_id

    async def _get_commands(self, request: web.Request, body: Any) -> tuple[int, Any]:
        guild_id = self._command_scope(request)
        stored = self.commands if guild_id is None else self.guild_commands.get(guild_id, [])
        return 200, copy.deepcopy(stored)

    async def _put_commands(self, request: web.Request, body: Any) -> tuple[int, Any]:
        guild_id = self._command_scope(request)
        _validate_commands(body)
        stored = [self._store_command(command, guild_id) for command in body]
        if guild_id is None:
            self.commands = stored
        else:
            self.guild_commands[guild_id] = stored
        return 200, copy.deepcopy(stored)

    def _store_command(self, command: dict[str, Any], guild_id: int | None) -> dict[str, Any]:
        kind = int(command.get("type", 1))
        key = (guild_id, command["name"], kind)
        command_id = self._command_ids.setdefault(key, self._snowflake())  # ids survive overwrites
        permissions = command.get("default_member_permissions")
        stored: dict[str, Any] = {
            "id": str(command_id),
            "application_id": str(self.application_id),
            "version": str(self._snowflake()),
            "type": kind,
            "name": command["name"],
            "name_localizations": command.get("name_localizations"),
            "description": command.get("description", ""),
            "description_localizations": command.get("description_localizations"),
            "options": copy.deepcopy(command.get("options") or []),
            "default_member_permissions": None if permissions is None else str(permissions),
            "nsfw": bool(command.get("nsfw", False)),
        }
        if guild_id is None:
            stored["dm_permission"] = command.get("dm_permission", True)
            stored["contexts"] = command.get("contexts")
            stored["integration_types"] = command.get("integration_types") or [0]
        else:
            stored["guild_id"] = str(guild_id)
        return stored

    def _find_command(self, name: str, guild_id: int | None) -> dict[str, Any]:
        candidates = list(self.guild_commands.get(guild_id, [])) if guild_id is not None else []
        candidates += self.commands
        for command in candidates:
            if command["name"] != name or command["type"] != 1:
                continue
            if guild_id is None and not _allowed_in_dm(command):
                raise ValueError(f"/{name} is not available in DMs (contexts/dm_permission)")
            return command
        where = "in DMs" if guild_id is None else f"in guild {guild_id}"
        raise ValueError(f"no chat-input command /{name} is registered {where}")

    # -- REST: interactions ----------------------------------------------------------------------

    def _interaction_for_webhook(self, request: web.Request) -> Interaction:
        if _snowflake(request, "application_id") != self.application_id:
            raise _unknown("Webhook", UNKNOWN_WEBHOOK)
        token = request.match_info["interaction_token"]
        interaction = next((i for i in self.interactions.values() if i.token == token), None)
        if interaction is None:
            raise _unknown("Webhook", UNKNOWN_WEBHOOK)
        if time.monotonic() - interaction.dispatched_at > self.interaction_token_ttl_s:
            raise _error(401, "Invalid Webhook Token", INVALID_WEBHOOK_TOKEN)
        if not interaction.callbacks:  # the token works only once the interaction was answered
            raise _unknown("Webhook", UNKNOWN_WEBHOOK)
        return interaction

    async def _callback(self, request: web.Request, body: Any) -> tuple[int, Any]:
        interaction = self.interactions.get(_snowflake(request, "interaction_id"))
        arrived = time.monotonic()
        if (
            interaction is None
            or arrived - interaction.dispatched_at > self.interaction_deadline_s
        ):
            raise _unknown("interaction", UNKNOWN_INTERACTION)
        if request.match_info["interaction_token"] != interaction.token:
            raise _error(401, "Invalid Webhook Token", INVALID_WEBHOOK_TOKEN)
        if interaction.callbacks:
            raise _error(400, "Interaction has already been acknowledged.", ALREADY_ACKNOWLEDGED)
        if not isinstance(body, dict):
            raise _form_error(["type"], "BASE_TYPE_REQUIRED", "This field is required")
        kind = body.get("type")
        allowed = {4, 5} if interaction.type == 2 else {4, 5, 6, 7}
        if kind not in allowed:
            raise _form_error(
                ["type"],
                "INTERACTION_RESPONSE_TYPE_INVALID",
                f"Value must be one of {sorted(allowed)} for this interaction.",
            )
        raw_data = body.get("data")
        data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
        message: dict[str, Any] | None = None
        if kind == 4:
            _validate_message(data, errors_path=["data"], require_body=True)
            message = self._create(interaction.channel_id, data, "interaction", interaction)
            interaction.original_id = interaction.reply_id = int(message["id"])
        elif kind == 5:
            flags = int(data.get("flags", 0) or 0) & EPHEMERAL
            message = self._create(
                interaction.channel_id,
                {"content": "", "flags": flags},
                "interaction",
                interaction,
                loading=True,
            )
            interaction.original_id = int(message["id"])
        elif kind == 7:
            _validate_message(data, errors_path=["data"], require_body=False)
            assert interaction.original_id is not None
            message = self._edit(interaction.original_id, data, interaction)
            interaction.reply_id = interaction.original_id
        interaction.callbacks.append((int(kind), arrived))
        if request.query.get("with_response", "").lower() not in {"1", "true"}:
            return 204, None
        response: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.type,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and int(message["flags"]) & EPHEMERAL),
            }
        }
        if message is not None:
            response["interaction"]["response_message_id"] = message["id"]
            response["resource"] = {"type": kind, "message": copy.deepcopy(message)}
        return 200, response

    async def _followup(self, request: web.Request, body: Any) -> tuple[int, Any]:
        interaction = self._interaction_for_webhook(request)
        data = body if isinstance(body, dict) else {}
        _validate_message(data, errors_path=[], require_body=True)
        original = self.messages.get(interaction.original_id or 0)
        if original is not None and int(original["flags"]) & LOADING:
            # Discord turns the first follow-up after a deferral into the deferred message.
            message = self._edit(int(original["id"]), data, interaction, fill=True)
        else:
            message = self._create(interaction.channel_id, data, "followup", interaction)
            interaction.followup_ids.append(int(message["id"]))
        if interaction.reply_id is None:
            interaction.reply_id = int(message["id"])
        wait = request.query.get("wait", "").lower() in {"1", "true"}
        return (200, copy.deepcopy(message)) if wait else (204, None)

    def _webhook_message(self, request: web.Request) -> tuple[Interaction, dict[str, Any]]:
        interaction = self._interaction_for_webhook(request)
        raw = request.match_info.get("message_id", "@original")
        message_id = (
            interaction.original_id if raw == "@original" else _snowflake(request, "message_id")
        )
        ours = {interaction.original_id, *interaction.followup_ids}
        message = self.messages.get(message_id or 0)
        if message is None or message_id not in ours:
            raise _unknown("Message", 10008)
        return interaction, message

    async def _get_webhook_message(self, request: web.Request, body: Any) -> tuple[int, Any]:
        return 200, copy.deepcopy(self._webhook_message(request)[1])

    async def _edit_webhook_message(self, request: web.Request, body: Any) -> tuple[int, Any]:
        interaction, message = self._webhook_message(request)
        data = body if isinstance(body, dict) else {}
        _validate_message(data, errors_path=[], require_body=False)
        loading = bool(int(message["flags"]) & LOADING)
        edited = self._edit(int(message["id"]), data, interaction, fill=loading)
        if interaction.reply_id is None:
            interaction.reply_id = int(edited["id"])
        return 200, copy.deepcopy(edited)

    async def _delete_webhook_message(self, request: web.Request, body: Any) -> tuple[int, Any]:
        _, message = self._webhook_message(request)
        self._delete(int(message["id"]))
        return 204, None

    # -- REST: channels and messages -------------------------------------------------------------

    def _channel(self, request: web.Request) -> dict[str, Any]:
        channel = self.channels.get(_snowflake(request, "channel_id"))
        if channel is None:
            raise _unknown("Channel", 10003)
        return channel

    def _channel_message(self, request: web.Request) -> dict[str, Any]:
        channel = self._channel(request)
        message = self.messages.get(_snowflake(request, "message_id"))
        if message is None or message["channel_id"] != channel["id"]:
            raise _unknown("Message", 10008)
        return message

    async def _get_channel(self, request: web.Request, body: Any) -> tuple[int, Any]:
        return 200, copy.deepcopy(self._channel(request))

    async def _get_message(self, request: web.Request, body: Any) -> tuple[int, Any]:
        return 200, copy.deepcopy(self._channel_message(request))

    async def _create_message(self, request: web.Request, body: Any) -> tuple[int, Any]:
        channel = self._channel(request)
        data = body if isinstance(body, dict) else {}
        _validate_message(data, errors_path=[], require_body=True, ephemeral_allowed=False)
        reference = self._reference(data, channel)
        message = self._create(int(channel["id"]), data, "channel", None, reference=reference)
        return 200, copy.deepcopy(message)

    async def _edit_message(self, request: web.Request, body: Any) -> tuple[int, Any]:
        message = self._channel_message(request)
        if int(message["author"]["id"]) != self.bot_id:
            raise _error(403, "Cannot edit a message authored by another user", 50005)
        data = body if isinstance(body, dict) else {}
        _validate_message(data, errors_path=[], require_body=False, ephemeral_allowed=False)
        return 200, copy.deepcopy(self._edit(int(message["id"]), data, None))

    async def _delete_message(self, request: web.Request, body: Any) -> tuple[int, Any]:
        message = self._channel_message(request)
        self._delete(int(message["id"]))
        return 204, None

    async def _typing(self, request: web.Request, body: Any) -> tuple[int, Any]:
        self.typing.append(int(self._channel(request)["id"]))
        return 204, None

    def _reference(self, data: dict[str, Any], channel: dict[str, Any]) -> dict[str, Any] | None:
        reference = data.get("message_reference")
        if reference is None:
            return None
        if not isinstance(reference, dict):
            raise _form_error(
                ["message_reference"],
                "MODEL_TYPE_CONVERT",
                "Only dictionaries may be used in a ModelType",
            )
        target = self.messages.get(_optional_int(reference.get("message_id")) or 0)
        if target is None or target["channel_id"] != channel["id"]:
            if reference.get("fail_if_not_exists", True):
                raise _form_error(
                    ["message_reference"], "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
                )
            return None
        return target

    # -- messages: create, edit, delete ----------------------------------------------------------

    def _create(
        self,
        channel_id: int,
        data: dict[str, Any],
        via: str,
        interaction: Interaction | None,
        *,
        reference: dict[str, Any] | None = None,
        loading: bool = False,
    ) -> dict[str, Any]:
        channel = self.channels[channel_id]
        flags = int(data.get("flags") or 0) & _SENDABLE_FLAGS | (LOADING if loading else 0)
        message_id = self._snowflake()
        kind = 0
        if interaction is not None:
            kind = 20 if interaction.type == 2 else 0
        elif reference is not None:
            kind = 19
        message: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": channel["id"],
            "author": dict(self.bot_user),
            "content": "",
            "timestamp": _iso(time.time()),
            "edited_timestamp": None,
            "tts": bool(data.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": kind,
            "flags": flags,
        }
        if interaction is not None:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
            message["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": dict(self.users[interaction.user_id]),
                "authorizing_integration_owners": interaction.payload[
                    "authorizing_integration_owners"
                ],
            }
        if reference is not None:
            message["message_reference"] = {
                "type": 0,
                "message_id": reference["id"],
                "channel_id": reference["channel_id"],
                **({"guild_id": channel["guild_id"]} if "guild_id" in channel else {}),
            }
            message["referenced_message"] = _without_reference(reference)
        self._apply(message, data, replied=reference)
        self.messages[message_id] = message
        if "last_message_id" in channel:
            channel["last_message_id"] = str(message_id)
        self.sent.append(_snapshot(message, via, interaction, data.get("allowed_mentions")))
        if not flags & EPHEMERAL:
            self._broadcast_message("MESSAGE_CREATE", message)
        return message

    def _edit(
        self,
        message_id: int,
        data: dict[str, Any],
        interaction: Interaction | None,
        *,
        fill: bool = False,
    ) -> dict[str, Any]:
        message = copy.deepcopy(self.messages[message_id])
        replied = message.get("referenced_message")
        self._apply(message, data, replied=replied, editing=not fill)
        if fill:
            message["flags"] = int(message["flags"]) & ~LOADING
        else:
            message["edited_timestamp"] = _iso(time.time())
        parts = (message["content"].strip(), message["embeds"], message["components"])
        if not any((*parts, message["attachments"])):
            raise _error(400, "Cannot send an empty message", EMPTY_MESSAGE)
        self.messages[message_id] = message
        snapshot = _snapshot(message, "edit", interaction, data.get("allowed_mentions"))
        self.edits.append(snapshot)
        if not int(message["flags"]) & EPHEMERAL:
            self._broadcast_message("MESSAGE_UPDATE", message)
        return message

    def _apply(
        self,
        message: dict[str, Any],
        data: dict[str, Any],
        *,
        replied: dict[str, Any] | None,
        editing: bool = False,
    ) -> None:
        """Copy the sendable fields of ``data`` into ``message`` and work out who is notified."""
        if "content" in data:
            message["content"] = data["content"] or ""
        if "embeds" in data:
            message["embeds"] = [_normalize_embed(e) for e in data["embeds"] or []]
        if "components" in data:
            message["components"] = copy.deepcopy(data["components"] or [])
        if "flags" in data and editing:
            keep = int(message["flags"]) & (EPHEMERAL | LOADING)
            message["flags"] = keep | int(data["flags"] or 0) & SUPPRESS_EMBEDS
        if editing and "allowed_mentions" not in data and "content" not in data:
            return
        author_id = int(replied["author"]["id"]) if replied is not None else None
        users, roles, everyone = _notified(
            message["content"], data.get("allowed_mentions"), author_id
        )
        message["mentions"] = [dict(self.users[u]) for u in users if u in self.users]
        message["mention_roles"] = [str(r) for r in roles]
        message["mention_everyone"] = everyone

    def _delete(self, message_id: int) -> None:
        message = self.messages.pop(message_id)
        self.deleted.append(message_id)
        if not int(message["flags"]) & EPHEMERAL:
            data = {"id": message["id"], "channel_id": message["channel_id"]}
            channel = self.channels[int(message["channel_id"])]
            if "guild_id" in channel:
                data["guild_id"] = channel["guild_id"]
            self._broadcast("MESSAGE_DELETE", data, _message_intent(channel))

    # -- gateway events --------------------------------------------------------------------------

    async def _dispatch_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        channel: dict[str, Any],
        user_id: int,
        *,
        message: dict[str, Any] | None,
    ) -> Interaction:
        interaction_id = self._snowflake()
        guild_id = _optional_int(channel.get("guild_id"))
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel_id": channel["id"],
            "channel": copy.deepcopy(channel),
            "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48),
            "version": 1,
            "app_permissions": _PERMISSIONS,
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id or 0)},
            "context": 1 if guild_id is None else 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild_id is not None:
            payload["guild_id"] = str(guild_id)
            payload["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["member"] = {
                **self._member(user_id),
                "permissions": _DEFAULT_MEMBER_PERMISSIONS,
            }
        else:
            payload["user"] = dict(self.users[user_id])
        if message is not None:
            payload["message"] = copy.deepcopy(message)
        interaction = Interaction(
            id=interaction_id,
            token=payload["token"],
            type=kind,
            channel_id=int(channel["id"]),
            guild_id=guild_id,
            user_id=user_id,
            payload=payload,
            dispatched_at=time.monotonic(),
            original_id=int(message["id"]) if message is not None else None,
        )
        self.interactions[interaction_id] = interaction
        self._require_session()
        await self._broadcast_now("INTERACTION_CREATE", payload, 0)
        return interaction

    async def _user_message(
        self,
        content: str,
        channel: dict[str, Any],
        author_id: int,
        reply_to: int | None,
        ping_replied: bool,
    ) -> dict[str, Any]:
        if author_id not in self.users or author_id == self.bot_id:
            raise ValueError(f"unknown user {author_id}")
        if not content.strip() or len(content) > MAX_CONTENT:
            raise ValueError("a user's message has 1 to 2000 characters")
        message_id = self._snowflake()
        message: dict[str, Any] = {
            "id": str(message_id),
            "channel_id": channel["id"],
            "author": dict(self.users[author_id]),
            "content": content,
            "timestamp": _iso(time.time()),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "nonce": str(self._snowflake()),
        }
        replied_author: int | None = None
        if reply_to is not None:
            target = self.messages.get(reply_to)
            if target is None or target["channel_id"] != channel["id"]:
                raise ValueError(f"no message {reply_to} in channel {channel['id']}")
            message["type"] = 19
            message["message_reference"] = {
                "type": 0,
                "message_id": target["id"],
                "channel_id": target["channel_id"],
                **({"guild_id": channel["guild_id"]} if "guild_id" in channel else {}),
            }
            message["referenced_message"] = _without_reference(target)
            if ping_replied:
                replied_author = int(target["author"]["id"])
        users, roles, everyone = _notified(content, None, replied_author)
        message["mentions"] = [dict(self.users[u]) for u in users if u in self.users]
        message["mention_roles"] = [str(r) for r in roles]
        message["mention_everyone"] = everyone
        self.messages[message_id] = message
        if "last_message_id" in channel:
            channel["last_message_id"] = message["id"]
        self._require_session()
        await self._broadcast_now(
            "MESSAGE_CREATE", self._gateway_message(message), _message_intent(channel)
        )
        return copy.deepcopy(message)

    def _gateway_message(self, message: dict[str, Any]) -> dict[str, Any]:
        """A message as the gateway sends it: with guild_id and members in guild channels."""
        event = copy.deepcopy(message)
        channel = self.channels[int(message["channel_id"])]
        if "guild_id" in channel:
            event["guild_id"] = channel["guild_id"]
            member = self._member(int(message["author"]["id"]))
            member.pop("user")
            event["member"] = member
            for user in event["mentions"]:
                mentioned = self._member(int(user["id"]))
                mentioned.pop("user")
                user["member"] = mentioned
        return event

    def _broadcast_message(self, event: str, message: dict[str, Any]) -> None:
        channel = self.channels[int(message["channel_id"])]
        self._broadcast(event, self._gateway_message(message), _message_intent(channel))

    def _broadcast(self, event: str, data: dict[str, Any], intent: int) -> None:
        """Dispatch from a REST handler without delaying its response."""
        task = asyncio.get_running_loop().create_task(self._broadcast_now(event, data, intent))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _broadcast_now(self, event: str, data: dict[str, Any], intent: int) -> None:
        for session in list(self.sessions.values()):
            if session.ended or (intent and not session.intents & intent):
                continue
            await self._dispatch(session, event, self._visible(session, event, data))

    def _visible(
        self, session: GatewaySession, event: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """Blank message content the session may not read (no MESSAGE_CONTENT intent)."""
        if event not in {"MESSAGE_CREATE", "MESSAGE_UPDATE"} or session.intents & MESSAGE_CONTENT:
            return data
        if "guild_id" not in data or int(data["author"]["id"]) == self.bot_id:
            return data
        if any(int(user["id"]) == self.bot_id for user in data.get("mentions", [])):
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    def _require_session(self) -> None:
        if not any(not s.ended for s in self.sessions.values()):
            raise RuntimeError(
                "no bot session is connected to the gateway; await wait_for_ready()"
            )

    async def _dispatch(self, session: GatewaySession, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.events.append(payload)
        connection = session.connection
        if connection is not None and connection.ws is not None and not connection.ws.closed:
            await self._send(connection, payload)

    async def _send(self, connection: GatewayConnection, payload: dict[str, Any]) -> None:
        ws = connection.ws
        if ws is None:
            return
        text = json.dumps(payload, separators=(",", ":"))
        async with connection.lock:  # zlib-stream frames must go out in compression order
            if ws.closed:
                return
            with contextlib.suppress(ConnectionError, RuntimeError):
                if connection.zlib_stream is not None:
                    frame = connection.zlib_stream.compress(text.encode())
                    frame += connection.zlib_stream.flush(zlib.Z_SYNC_FLUSH)
                    await ws.send_bytes(frame)
                else:
                    await ws.send_str(text)

    # -- the gateway websocket -------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        query = dict(request.query)
        compress = query.get("compress")
        connection = GatewayConnection(
            path=request.path, query=query, opened_at=time.monotonic(), compress=compress, ws=ws
        )
        if compress == "zlib-stream":
            connection.zlib_stream = zlib.compressobj()
        self.connections.append(connection)
        try:
            if query.get("v") != str(API_VERSION):
                await self._close(connection, 4012, "Invalid API version")
            elif query.get("encoding", "json") != "json":
                await self._close(connection, 4002, "Error while decoding payload.")
            else:
                hello = {
                    "heartbeat_interval": self.heartbeat_interval_ms,
                    "_trace": ["fake-gateway"],
                }
                await self._send(connection, {"op": HELLO, "d": hello})
                await self._serve_gateway(connection, ws)
        finally:
            if connection.closed_by is None:
                connection.closed_by, connection.close_code = "client", ws.close_code
            connection.closed_at = time.monotonic()
            session = connection.session
            if session is not None and session.connection is connection:
                session.connection = None
                if connection.closed_by == "client" and ws.close_code in {1000, 1001}:
                    session.ended = True  # Discord ends the session: the bot goes offline
        return ws

    async def _serve_gateway(
        self, connection: GatewayConnection, ws: web.WebSocketResponse
    ) -> None:
        async for message in ws:
            try:
                payload = json.loads(message.data)
                op = payload["op"]
            except (TypeError, ValueError, KeyError):
                await self._close(connection, 4002, "Error while decoding payload.")
                return
            connection.ops.append(op)
            if op == HEARTBEAT:
                connection.heartbeats += 1
                await self._send(connection, {"op": HEARTBEAT_ACK})
            elif op not in _CLIENT_OPS:
                await self._close(connection, 4001, "Unknown opcode.")
            elif op == IDENTIFY:
                await self._identify(connection, payload.get("d"))
            elif op == RESUME:
                await self._resume(connection, payload.get("d"))
            elif connection.session is None:
                await self._close(connection, 4003, "Not authenticated.")
            if ws.closed:
                return

    async def _close(self, connection: GatewayConnection, code: int, reason: str) -> None:
        """Close from the server side; the close code recorded is ours, not the client's echo."""
        connection.closed_by, connection.close_code = "server", code
        if connection.ws is not None:
            await connection.ws.close(code=code, message=reason.encode())

    async def _identify(self, connection: GatewayConnection, data: Any) -> None:
        if connection.session is not None:
            await self._close(connection, 4005, "Already authenticated.")
            return
        if not isinstance(data, dict):
            await self._close(connection, 4002, "Error while decoding payload.")
            return
        connection.identify = data
        intents = data.get("intents")
        shard = data.get("shard")
        if data.get("token") != self.token:
            await self._close(connection, 4004, "Authentication failed.")
        elif not isinstance(intents, int) or isinstance(intents, bool) or intents & ~VALID_INTENTS:
            await self._close(connection, 4013, "Invalid intent(s).")
        elif intents & PRIVILEGED_INTENTS & ~self.privileged_intents:
            await self._close(connection, 4014, "Disallowed intent(s).")
        elif shard is not None and not (
            isinstance(shard, list) and len(shard) == 2 and shard[1] == 1 and shard[0] == 0
        ):
            await self._close(connection, 4010, "Invalid shard.")
        else:
            session = GatewaySession(
                session_id=secrets.token_hex(16),
                intents=intents,
                shard=shard,
                identified_at=time.monotonic(),
                connection=connection,
            )
            self.sessions[session.session_id] = session
            connection.session = session
            await self._dispatch(session, "READY", self._ready(session))
            for guild_id in self._guild_specs:
                await self._dispatch(session, "GUILD_CREATE", self._guild_create(guild_id))
            connection.ready = True

    async def _resume(self, connection: GatewayConnection, data: Any) -> None:
        if connection.session is not None:
            await self._close(connection, 4005, "Already authenticated.")
            return
        session = (
            self.sessions.get(str(data.get("session_id"))) if isinstance(data, dict) else None
        )
        if (
            session is None
            or session.ended
            or not isinstance(data, dict)
            or data.get("token") != self.token
        ):
            await self._send(connection, {"op": INVALID_SESSION, "d": False})
            return
        seq = data.get("seq")
        if not isinstance(seq, int) or seq > session.seq:
            await self._close(connection, 4007, "Invalid seq.")
            return
        old = session.connection
        if old is not None and old.ws is not None and not old.ws.closed:
            await self._close(old, 4000, "Session resumed elsewhere")
        session.connection = connection
        connection.session = session
        connection.resumed = True
        for event in [e for e in session.events if e["s"] > seq]:
            await self._send(connection, event)
        await self._dispatch(session, "RESUMED", {"_trace": ["fake-gateway"]})
        connection.ready = True

    def _ready_connections(self) -> list[GatewayConnection]:
        return [c for c in self.connections if c.ready]

    def _ready(self, session: GatewaySession) -> dict[str, Any]:
        ready: dict[str, Any] = {
            "v": API_VERSION,
            "user": {
                **self.bot_user,
                "verified": True,
                "mfa_enabled": False,
                "email": None,
                "flags": 0,
            },
            "user_settings": {},
            "guilds": [
                {"id": str(guild_id), "unavailable": True} for guild_id in self._guild_specs
            ],
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["fake-loopback"],
            "session_type": "normal",
            "session_id": session.session_id,
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway/resume",
            "application": {"id": str(self.application_id), "flags": self._application_flags()},
            "_trace": ["fake-gateway"],
        }
        if session.shard is not None:
            ready["shard"] = list(session.shard)
        return ready

    def _guild_create(self, guild_id: int) -> dict[str, Any]:
        spec = self._guild_specs[guild_id]
        members = [self._member(self.bot_id)] + [self._member(m) for m in spec.member_ids]
        return {
            "id": str(spec.id),
            "name": spec.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(spec.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [
                {
                    "id": str(spec.id),
                    "name": "@everyone",
                    "color": 0,
                    "hoist": False,
                    "icon": None,
                    "unicode_emoji": None,
                    "position": 0,
                    "permissions": _DEFAULT_MEMBER_PERMISSIONS,
                    "managed": False,
                    "mentionable": False,
                    "flags": 0,
                }
            ],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "max_members": 500_000,
            "joined_at": _iso(time.time() - 86_400),
            "large": False,
            "unavailable": False,
            "member_count": len(members),
            "members": members,
            "channels": [
                copy.deepcopy(self.channels[channel_id]) for channel_id, _ in spec.text_channels
            ],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    # -- users, channels, ids --------------------------------------------------------------------

    def _add_user(self, user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": str(user_id),
            "username": name,
            "discriminator": "0",
            "global_name": None if bot else name.capitalize(),
            "avatar": None,
            "public_flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
        }
        if bot:
            user["bot"] = True
        self.users[user_id] = user
        return user

    def _member(self, user_id: int) -> dict[str, Any]:
        return {
            "user": dict(self.users[user_id]),
            "nick": None,
            "avatar": None,
            "roles": [],
            "joined_at": _iso(time.time() - 86_400),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }

    def _guild_channel(self, channel_id: int) -> dict[str, Any]:
        channel = self.channels.get(channel_id)
        if channel is None or "guild_id" not in channel:
            raise ValueError(f"no guild text channel {channel_id}")
        return channel

    def _dm_channel(self, user_id: int) -> dict[str, Any]:
        if user_id not in self.users or user_id == self.bot_id:
            raise ValueError(f"unknown user {user_id}")
        for channel in self.channels.values():
            if channel["type"] == 1 and int(channel["recipients"][0]["id"]) == user_id:
                return channel
        channel_id = user_id + 7_000_000  # stable, and distinct from every configured id
        channel = {
            "id": str(channel_id),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [dict(self.users[user_id])],
        }
        self.channels[channel_id] = channel
        return channel

    def _interaction_of(self, message: dict[str, Any]) -> Interaction | None:
        metadata = message.get("interaction_metadata")
        return self.interactions.get(int(metadata["id"])) if metadata else None

    def _snowflake(self) -> int:
        """A new id from the current time, strictly increasing, as Discord's are."""
        candidate = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22 | next(
            self._sequence
        ) % 4096
        self._last_snowflake = max(candidate, self._last_snowflake + 1)
        return self._last_snowflake

    # -- control API for the separate process ---------------------------------------------------

    async def _control(self, request: web.Request) -> web.StreamResponse:
        """``/_fake/{action}``: drive the fake over HTTP when it runs in its own process.

        GET ``sent``, ``edits``, ``calls`` (recorded records as JSON), ``ready`` (the number of
        ready connections), ``reply?interaction_id=``; POST ``command`` ({name, options,
        channel_id, user_id, dm}), ``message`` ({content, channel_id, author_id, reply_to}),
        ``dm`` ({content, author_id}), ``button`` ({message_id, custom_id, user_id}).
        """
        action = request.match_info["action"]
        try:
            body: dict[str, Any] = await request.json() if request.method == "POST" else {}
            result = await self._control_action(request.method, action, body, dict(request.query))
        except (ValueError, KeyError, RuntimeError) as error:
            return web.json_response({"error": str(error)}, status=400)
        if result is None:
            return web.json_response({"error": f"unknown action {action}"}, status=404)
        return web.json_response(result)

    async def _control_action(
        self, method: str, action: str, body: dict[str, Any], query: dict[str, str]
    ) -> Any:
        records: dict[str, Callable[[], Any]] = {
            "sent": lambda: [_record_json(s) for s in self.sent],
            "edits": lambda: [_record_json(s) for s in self.edits],
            "calls": lambda: [_record_json(c) for c in self.calls],
            "ready": lambda: {"ready": len(self._ready_connections())},
        }
        if method == "GET" and action in records:
            return records[action]()
        if method == "GET" and action == "reply":
            interaction = self.interactions[int(query["interaction_id"])]
            reply = None if interaction.reply_id is None else self.snapshot(interaction.reply_id)
            return {"reply": None if reply is None else _record_json(reply)}
        if method != "POST":
            return None
        if action == "command":
            interaction = await self.dispatch_command(
                body["name"],
                body.get("options"),
                channel_id=int(body.get("channel_id", CHANNEL_ID)),
                user_id=int(body.get("user_id", ALICE_ID)),
                dm=bool(body.get("dm", False)),
            )
            return {"interaction_id": str(interaction.id)}
        if action == "button":
            interaction = await self.dispatch_button(
                int(body["message_id"]),
                body["custom_id"],
                user_id=int(body.get("user_id", ALICE_ID)),
            )
            return {"interaction_id": str(interaction.id)}
        if action == "message":
            reply_to = body.get("reply_to")
            return await self.dispatch_message(
                body["content"],
                channel_id=int(body.get("channel_id", CHANNEL_ID)),
                author_id=int(body.get("author_id", ALICE_ID)),
                reply_to=None if reply_to is None else int(reply_to),
            )
        if action == "dm":
            return await self.dispatch_dm(
                body["content"], author_id=int(body.get("author_id", ALICE_ID))
            )
        return None


# -- validation --------------------------------------------------------------------------------


def _form_error(path: Sequence[str | int], code: str, message: str) -> _DiscordError:
    errors = _FormErrors()
    errors.add(path, code, message)
    return _DiscordError(
        400, {"code": INVALID_FORM_BODY, "errors": errors.errors, "message": "Invalid Form Body"}
    )


def _validate_message(
    data: dict[str, Any],
    *,
    errors_path: list[str | int],
    require_body: bool,
    ephemeral_allowed: bool = True,
) -> None:
    """Check a message body as Discord does: 400 with ``50035`` or ``50006`` on violation."""
    errors = _FormErrors()
    path = list(errors_path)
    content = data.get("content")
    if content is not None:
        if not isinstance(content, str):
            errors.add([*path, "content"], "BASE_TYPE_STRING", "Must be a string.")
        else:
            errors.check_length([*path, "content"], content, MAX_CONTENT)
    embeds = data.get("embeds")
    if embeds is not None:
        _validate_embeds(embeds, [*path, "embeds"], errors)
    components = data.get("components")
    if components is not None:
        _validate_components(components, [*path, "components"], errors)
    flags = data.get("flags")
    if flags is not None:
        allowed = _SENDABLE_FLAGS if ephemeral_allowed else _SENDABLE_FLAGS & ~EPHEMERAL
        if not isinstance(flags, int) or flags & IS_COMPONENTS_V2:
            errors.add(
                [*path, "flags"],
                "MESSAGE_FLAGS_INVALID",
                "Components V2 is not modelled by this fake.",
            )
        elif flags & ~allowed:
            errors.add([*path, "flags"], "MESSAGE_FLAGS_INVALID", "Invalid flags.")
    mentions = data.get("allowed_mentions")
    if mentions is not None:
        _validate_allowed_mentions(mentions, [*path, "allowed_mentions"], errors)
    errors.raise_if_any()
    has_body = bool(
        (isinstance(content, str) and content.strip())
        or embeds
        or components
        or data.get("attachments")
        or data.get("sticker_ids")
    )
    if require_body and not has_body:
        raise _error(400, "Cannot send an empty message", EMPTY_MESSAGE)


def _validate_embeds(embeds: Any, path: list[str | int], errors: _FormErrors) -> None:
    if not isinstance(embeds, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(embeds) > MAX_EMBEDS:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
    total = 0
    for index, embed in enumerate(embeds):
        at = [*path, index]
        if not isinstance(embed, dict):
            errors.add(at, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
            continue
        for key, limit in (("title", 256), ("description", 4096)):
            errors.check_length([*at, key], embed.get(key), limit)
            total += len(embed.get(key) or "")
        for key in ("url",):
            if embed.get(key) is not None and not _WELL_FORMED_URL.match(str(embed[key])):
                errors.add([*at, key], "URL_TYPE_INVALID_URL", "Not a well formed URL.")
        color = embed.get("color")
        if color is not None and (not isinstance(color, int) or not 0 <= color <= 0xFFFFFF):
            errors.add(
                [*at, "color"], "NUMBER_TYPE_MAX", "int value should be <= 16777215 and >= 0."
            )
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            errors.add(
                [*at, "fields"],
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {MAX_FIELDS} or fewer in length.",
            )
        for number, raw in enumerate(fields):
            item = raw if isinstance(raw, dict) else {}
            errors.check_length([*at, "fields", number, "name"], item.get("name"), 256, low=1)
            errors.check_length([*at, "fields", number, "value"], item.get("value"), 1024, low=1)
            total += len(item.get("name") or "") + len(item.get("value") or "")
        for key, limit in (("footer", 2048), ("author", 256)):
            part = embed.get(key)
            if part is None:
                continue
            inner = "text" if key == "footer" else "name"
            text = part.get(inner) if isinstance(part, dict) else None
            errors.check_length([*at, key, inner], text, limit, low=1)
            total += len(text or "")
    if total > MAX_EMBED_TOTAL:
        errors.add(
            path,
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}",
        )


def _validate_components(components: Any, path: list[str | int], errors: _FormErrors) -> None:
    if not isinstance(components, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(components) > MAX_ACTION_ROWS:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ACTION_ROWS} or fewer in length.")
    seen: set[str] = set()
    for index, row in enumerate(components):
        at: list[str | int] = [*path, index]
        if not isinstance(row, dict) or row.get("type") != 1:
            errors.add(
                at, "UNION_TYPE_CHOICES", "Top-level components must be action rows (type 1)."
            )
            continue
        children = row.get("components")
        if not isinstance(children, list) or not children:
            errors.add(
                [*at, "components"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
            )
            continue
        selects = [c for c in children if isinstance(c, dict) and c.get("type") in {3, 5, 6, 7, 8}]
        if (selects and len(children) > 1) or len(children) > MAX_ROW_BUTTONS:
            errors.add(
                [*at, "components"],
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for number, child in enumerate(children):
            _validate_component(child, [*at, "components", number], errors, seen)


def _validate_component(
    child: Any, at: list[str | int], errors: _FormErrors, seen: set[str]
) -> None:
    if not isinstance(child, dict) or child.get("type") not in {2, 3, 5, 6, 7, 8}:
        errors.add(
            at, "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (2, 3, 5, 6, 7, 8).'
        )
        return
    custom_id = child.get("custom_id")
    if child["type"] == 2:
        style = child.get("style")
        if style not in {1, 2, 3, 4, 5, 6}:
            errors.add(
                [*at, "style"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}."
            )
        errors.check_length([*at, "label"], child.get("label"), MAX_BUTTON_LABEL)
        if not child.get("label") and not child.get("emoji") and style != 6:
            errors.add(
                at,
                "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                "A button needs a label or an emoji.",
            )
        if style == 5:
            if custom_id is not None:
                errors.add(
                    [*at, "custom_id"],
                    "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                    "A link button cannot have a custom_id.",
                )
            url = child.get("url")
            if not isinstance(url, str) or not _WELL_FORMED_URL.match(url) or len(url) > 512:
                errors.add(
                    [*at, "url"],
                    "BUTTON_COMPONENT_URL_REQUIRED",
                    "A link button needs a well formed url.",
                )
            return
        if style == 6:
            return
        if child.get("url") is not None:
            errors.add(
                [*at, "url"], "BUTTON_COMPONENT_URL_NOT_ALLOWED", "Only link buttons have a url."
            )
    elif child["type"] == 3:
        options = child.get("options")
        if not isinstance(options, list) or not 1 <= len(options) <= 25:
            errors.add(
                [*at, "options"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 25 in length."
            )
    errors.check_length([*at, "custom_id"], custom_id, MAX_CUSTOM_ID, low=1)
    if isinstance(custom_id, str):
        if custom_id in seen:
            errors.add(
                [*at, "custom_id"],
                "COMPONENT_CUSTOM_ID_DUPLICATED",
                "Component custom id cannot be duplicated",
            )
        seen.add(custom_id)


def _validate_allowed_mentions(mentions: Any, path: list[str | int], errors: _FormErrors) -> None:
    if not isinstance(mentions, dict):
        errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
        return
    parse = mentions.get("parse", [])
    if not isinstance(parse, list) or not set(parse) <= {"users", "roles", "everyone"}:
        errors.add(
            [*path, "parse"],
            "BASE_TYPE_CHOICES",
            "Value must be one of ('roles', 'users', 'everyone').",
        )
        return
    for kind in ("users", "roles"):
        listed = mentions.get(kind)
        if listed and kind in parse:
            errors.add(
                path,
                "ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                f'parse:["{kind}"] and {kind}: [ids] are mutually exclusive.',
            )
        if listed is not None and (not isinstance(listed, list) or len(listed) > 100):
            errors.add([*path, kind], "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")


def _validate_commands(commands: Any) -> None:
    errors = _FormErrors()
    if not isinstance(commands, list):
        raise _form_error([], "BASE_TYPE_ARRAY", "Must be an array.")
    seen: set[tuple[str, int]] = set()
    counts: defaultdict[int, int] = defaultdict(int)
    for index, command in enumerate(commands):
        if not isinstance(command, dict):
            errors.add(
                [index], "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"
            )
            continue
        kind = command.get("type", 1)
        if kind not in {1, 2, 3}:
            errors.add([index, "type"], "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
            continue
        name = command.get("name")
        counts[kind] += 1
        if kind == 1:
            _validate_option_name([index], name, errors, "APPLICATION_COMMAND_INVALID_NAME")
            errors.check_length([index, "description"], command.get("description"), 100, low=1)
            _validate_options(command.get("options") or [], [index, "options"], errors, depth=0)
        else:
            errors.check_length([index, "name"], name, 32, low=1)
            if command.get("description"):
                errors.add(
                    [index, "description"],
                    "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                    "Context menu commands cannot have a description.",
                )
        if isinstance(name, str):
            if (name, kind) in seen:
                errors.add(
                    [index, "name"],
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    "Application command names must be unique",
                )
            seen.add((name, kind))
        if _command_size(command) > 4000:
            errors.add(
                [index], "APPLICATION_COMMAND_TOO_LARGE", "Command exceeds maximum size (4000)"
            )
    for kind, limit in ((1, 100), (2, 15), (3, 15)):
        if counts[kind] > limit:
            errors.add(
                [],
                "APPLICATION_COMMANDS_TOO_MANY",
                f"Maximum number of application commands of type {kind} reached ({limit}).",
            )
    errors.raise_if_any()


def _validate_option_name(
    path: list[str | int], name: Any, errors: _FormErrors, code: str
) -> None:
    if not isinstance(name, str) or not 1 <= len(name) <= 32:
        errors.add([*path, "name"], "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.")
    elif not _COMMAND_NAME.match(name) or name != name.lower():
        errors.add([*path, "name"], code, "Command name is invalid")


def _validate_options(
    options: Any, path: list[str | int], errors: _FormErrors, *, depth: int
) -> None:
    if not isinstance(options, list):
        errors.add(path, "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(options) > 25:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    names: set[str] = set()
    optional_seen = False
    for index, option in enumerate(options):
        at = [*path, index]
        if not isinstance(option, dict) or option.get("type") not in range(1, 12):
            errors.add([*at, "type"], "BASE_TYPE_CHOICES", "Value must be one of 1 to 11.")
            continue
        kind = option["type"]
        _validate_option_name(
            at, option.get("name"), errors, "APPLICATION_COMMAND_OPTION_INVALID_NAME"
        )
        errors.check_length([*at, "description"], option.get("description"), 100, low=1)
        name = option.get("name")
        if isinstance(name, str):
            if name in names:
                errors.add(
                    [*at, "name"],
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    "Option names must be unique",
                )
            names.add(name)
        if kind in {1, 2}:
            if depth >= 2 or (kind == 2 and depth >= 1):
                errors.add(
                    [*at, "type"],
                    "APPLICATION_COMMAND_OPTION_NESTING",
                    "Subcommands nest at most two levels.",
                )
            _validate_options(
                option.get("options") or [], [*at, "options"], errors, depth=depth + 1
            )
            continue
        if option.get("required"):
            if optional_seen:
                errors.add(
                    at,
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
        choices = option.get("choices")
        if choices is not None:
            if not isinstance(choices, list) or len(choices) > 25:
                errors.add(
                    [*at, "choices"], "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."
                )
            else:
                for number, raw in enumerate(choices):
                    choice = raw if isinstance(raw, dict) else {}
                    errors.check_length(
                        [*at, "choices", number, "name"], choice.get("name"), 100, low=1
                    )
                    if kind == 3:
                        errors.check_length(
                            [*at, "choices", number, "value"], choice.get("value"), 100, low=1
                        )
        for key in ("min_length", "max_length"):
            value = option.get(key)
            if value is not None and (not isinstance(value, int) or not 0 <= value <= 6000):
                errors.add([*at, key], "NUMBER_TYPE_MAX", "int value should be <= 6000 and >= 0.")


def _command_size(command: dict[str, Any]) -> int:
    """Characters counted against Discord's 4000 per command: names, descriptions, choices."""

    def size(item: dict[str, Any]) -> int:
        total = len(str(item.get("name", ""))) + len(str(item.get("description", "")))
        for choice in item.get("choices") or []:
            if isinstance(choice, dict):
                total += len(str(choice.get("name", ""))) + len(str(choice.get("value", "")))
        return total + sum(size(o) for o in item.get("options") or [] if isinstance(o, dict))

    return size(command)


def _allowed_in_dm(command: dict[str, Any]) -> bool:
    contexts = command.get("contexts")
    if contexts is not None:
        return 1 in contexts
    return command.get("dm_permission") is not False


_OPTION_TYPES: dict[int, tuple[type, ...]] = {3: (str,), 4: (int,), 5: (bool,), 10: (int, float)}


def _command_options(command: dict[str, Any], given: dict[str, Any]) -> list[dict[str, Any]]:
    """Turn ``{"question": "..."}`` into interaction options, checked against the schema."""
    schema = {option["name"]: option for option in command.get("options", [])}
    unknown = set(given) - set(schema)
    if unknown:
        raise ValueError(f"/{command['name']} has no option(s) {sorted(unknown)}")
    options = []
    for name, option in schema.items():
        if option["type"] in {1, 2}:
            raise ValueError("subcommands are not modelled by dispatch_command")
        if name not in given:
            if option.get("required"):
                raise ValueError(f"/{command['name']} needs the option {name!r}")
            continue
        value = given[name]
        expected = _OPTION_TYPES.get(option["type"], (str,))
        if not isinstance(value, expected) or (option["type"] == 4 and isinstance(value, bool)):
            raise ValueError(f"option {name!r} of /{command['name']} takes type {option['type']}")
        if option["type"] == 3:
            low, high = option.get("min_length", 0), option.get("max_length", 6000)
            if not low <= len(str(value)) <= high:
                raise ValueError(f"option {name!r} takes {low} to {high} characters")
        value_type = option["type"] if option["type"] in {3, 4, 5, 10} else 3
        options.append({"name": name, "type": value_type, "value": value})
    return options


# -- helpers -----------------------------------------------------------------------------------


def _notified(
    content: str, allowed: dict[str, Any] | None, replied_author: int | None
) -> tuple[list[int], list[int], bool]:
    """Who a message notifies: (user ids, role ids, @everyone), as ``allowed_mentions`` permits.

    Without ``allowed_mentions`` everything mentioned is notified, the replied author included;
    with it, only what ``parse``/``users``/``roles`` allow, and the replied author only when
    ``replied_user`` is true.
    """
    users = [int(u) for u in _USER_MENTION.findall(content)]
    roles = [int(r) for r in _ROLE_MENTION.findall(content)]
    everyone = bool(_EVERYONE.search(content))
    reply_ping = replied_author is not None
    if allowed is not None:
        parse = set(allowed.get("parse") or [])
        listed_users = {int(u) for u in allowed.get("users") or []}
        listed_roles = {int(r) for r in allowed.get("roles") or []}
        users = [u for u in users if "users" in parse or u in listed_users]
        roles = [r for r in roles if "roles" in parse or r in listed_roles]
        everyone = everyone and "everyone" in parse
        reply_ping = reply_ping and bool(allowed.get("replied_user", False))
    if reply_ping and replied_author is not None:
        users.append(replied_author)
    return list(dict.fromkeys(users)), list(dict.fromkeys(roles)), everyone


def _snapshot(
    message: dict[str, Any],
    via: str,
    interaction: Interaction | None,
    allowed_mentions: Any = None,
) -> SentMessage:
    reference = message.get("message_reference")
    return SentMessage(
        message_id=int(message["id"]),
        channel_id=int(message["channel_id"]),
        content=str(message["content"]),
        embeds=copy.deepcopy(message["embeds"]),
        components=copy.deepcopy(message["components"]),
        flags=int(message["flags"]),
        allowed_mentions=copy.deepcopy(allowed_mentions)
        if isinstance(allowed_mentions, dict)
        else None,
        mentions=[int(user["id"]) for user in message["mentions"]],
        reply_to=int(reference["message_id"]) if reference else None,
        via=via,
        interaction_id=interaction.id if interaction is not None else None,
        message=copy.deepcopy(message),
    )


def _normalize_embed(embed: dict[str, Any]) -> dict[str, Any]:
    normalized = {key: copy.deepcopy(value) for key, value in embed.items() if value is not None}
    normalized.setdefault("type", "rich")
    normalized.pop("content_scan_version", None)
    return normalized


def _buttons(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        child
        for row in components
        for child in row.get("components", [])
        if isinstance(child, dict) and child.get("type") == 2
    ]


def _without_reference(message: dict[str, Any]) -> dict[str, Any]:
    """Discord nests a replied-to message one level deep only."""
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "referenced_message"}


def _message_intent(channel: dict[str, Any]) -> int:
    return GUILD_MESSAGES if "guild_id" in channel else DIRECT_MESSAGES


def _text_channel(channel_id: int, guild_id: int, name: str, position: int) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def _snowflake(request: web.Request, name: str) -> int:
    raw = request.match_info[name]
    if not raw.isdigit() or len(raw) > 20:
        raise _form_error([name], "NUMBER_TYPE_COERCE", f'Value "{raw}" is not snowflake.')
    return int(raw)


def _optional_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


async def _read_body(request: web.Request) -> Any:
    """The JSON body (or a multipart's ``payload_json``); None when there is none."""
    if not request.body_exists:
        return None
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        raw = form.get("payload_json")
        text = raw if isinstance(raw, str) else "{}"
    else:
        text = await request.text()
    try:
        return json.loads(text)
    except ValueError:
        raise _error(400, "The request body contains invalid JSON.", 50109) from None


def _new_call(request: web.Request, route: str) -> RestCall:
    keep = ("Authorization", "User-Agent", "Content-Type", "X-Audit-Log-Reason")
    return RestCall(
        method=request.method,
        route=route,
        path=request.path,
        query=dict(request.query),
        headers={k: request.headers[k] for k in keep if k in request.headers},
        started_at=time.monotonic(),
    )


def _finish(call: RestCall, status: int, body: Any, headers: dict[str, str]) -> web.Response:
    call.status, call.response, call.finished_at = status, body, time.monotonic()
    headers = {"Via": "1.1 google", **headers}
    if body is None:
        return web.Response(status=status, headers=headers)
    # Exactly "application/json": discord.py treats anything else (a charset too) as text.
    headers["Content-Type"] = "application/json"
    return web.Response(body=json.dumps(body).encode(), status=status, headers=headers)


def _ratelimit_headers(route: str) -> dict[str, str]:
    """Constant, generous bucket headers: real buckets are not modelled."""
    return {
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": _bucket(route),
    }


def _bucket(route: str) -> str:
    return hashlib.sha1(route.encode()).hexdigest()[:32]


def _iso(timestamp: float) -> str:
    return dtm.datetime.fromtimestamp(timestamp, dtm.UTC).isoformat()


def _record_json(record: SentMessage | RestCall) -> dict[str, Any]:
    return dataclasses.asdict(record)


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- running in its own process ------------------------------------------------------------------


async def _serve_forever(port: int) -> None:
    fake = FakeDiscord()
    await fake.start(port)
    print(
        json.dumps(
            {
                "api_base": fake.api_base,
                "gateway_url": fake.gateway_url,
                "control": f"http://127.0.0.1:{fake.port}/_fake",
                "token": fake.token,
                "application_id": str(fake.application_id),
            }
        ),
        flush=True,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    await fake.stop()


def main(argv: Sequence[str] | None = None) -> None:
    """Serve a FakeDiscord until SIGTERM; print its URLs and token as one JSON line first.

    ``python -m tests.support.fake_discord [--port N]``. Drive it with the ``/_fake/`` control
    API (see ``FakeDiscord._control``), e.g. ``POST /_fake/command {"name": "ask", "options":
    {"question": "..."}}`` then ``GET /_fake/reply?interaction_id=...``.
    """
    parser = argparse.ArgumentParser(
        description=main.__doc__.splitlines()[0] if main.__doc__ else ""
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)"
    )
    args = parser.parse_args(argv)
    asyncio.run(_serve_forever(args.port))


if __name__ == "__main__":
    main(sys.argv[1:])
