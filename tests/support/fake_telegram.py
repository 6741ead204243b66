"""A fake Telegram Bot API server on 127.0.0.1 that validates requests the way Telegram does.

Tests point a real python-telegram-bot ``Bot``/``Application`` at ``FakeTelegram.base_url``, feed
it updates built here (with the entities Telegram would compute) and assert on what the fake
recorded. It must not be used outside tests.

Simplifications: every chat id is accepted (unknown chats get a made-up Chat); message length is
counted in code points; Markdown parse modes are accepted but not parsed; sent messages carry only
the parse-mode entities (no auto-detected URLs or mentions); leading and trailing whitespace is
stripped with ``str.strip``; inline and callback query ids expire ``inline_deadline_s`` after the
update was built; webhooks are recorded but updates are never pushed to them.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from .telegram_html import (
    ParsedText,
    TelegramHTMLError,
    check_link,
    parse_telegram_html,
    utf16_length,
)

__all__ = [
    "MAX_MESSAGE_LENGTH",
    "NOT_MODIFIED",
    "QUERY_TOO_OLD",
    "TOKEN",
    "ApiCall",
    "FakeTelegram",
    "SentMessage",
    "detect_entities",
]

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
MAX_MESSAGE_LENGTH = 4096
MAX_INLINE_RESULTS = 50
MAX_CALLBACK_ANSWER = 200
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
EMPTY_TEXT = "Bad Request: message text is empty"

# Only these fields are JSON-decoded from form bodies: free text must stay exactly as sent.
_STRUCTURED = frozenset(
    {
        "allowed_updates",
        "button",
        "caption_entities",
        "commands",
        "entities",
        "link_preview_options",
        "reply_markup",
        "reply_parameters",
        "results",
        "scope",
    }
)
_INTEGER = frozenset(
    {
        "cache_time",
        "chat_id",
        "limit",
        "max_connections",
        "message_id",
        "message_thread_id",
        "offset",
        "reply_to_message_id",
        "timeout",
        "user_id",
    }
)
_BOOLEAN = frozenset(
    {
        "allow_sending_without_reply",
        "disable_notification",
        "disable_web_page_preview",
        "drop_pending_updates",
        "is_personal",
        "protect_content",
        "show_alert",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "choose_sticker",
        "find_location",
        "record_video",
        "record_video_note",
        "record_voice",
        "typing",
        "upload_document",
        "upload_photo",
        "upload_video",
        "upload_video_note",
        "upload_voice",
    }
)
_INLINE_RESULT_TYPES = frozenset(
    {
        "article",
        "audio",
        "contact",
        "document",
        "game",
        "gif",
        "location",
        "mpeg4_gif",
        "photo",
        "sticker",
        "venue",
        "video",
        "voice",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "callback_data",
        "callback_game",
        "copy_text",
        "login_url",
        "pay",
        "switch_inline_query",
        "switch_inline_query_chosen_chat",
        "switch_inline_query_current_chat",
        "url",
        "web_app",
    }
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_BOT_COMMAND = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")
_MENTION = re.compile(r"(?<![\w@/])@[A-Za-z0-9_]{3,32}(?![\w@])")
_URL = re.compile(r"(?<![\w@])https?://[^\s<>\"]+")
_URL_TRAILER = ".,;:!?)]}'\""


@dataclass(slots=True)
class ApiCall:
    """One request the fake received; ``status`` is 0 while pending or after a reset."""

    method: str
    params: dict[str, Any]
    started_at: float
    status: int = 0
    response: dict[str, Any] = field(default_factory=dict)
    finished_at: float | None = None


@dataclass(frozen=True, slots=True)
class SentMessage:
    """A message the bot sent (sendMessage) or the new content of one it edited."""

    chat_id: int
    message_id: int
    text: str
    html: str
    parse_mode: str | None
    entities: list[dict[str, Any]]
    links: list[str]
    reply_markup: dict[str, Any] | None
    reply_to_message_id: int | None
    link_preview_disabled: bool
    message: dict[str, Any]


class _ApiError(Exception):
    """Raised inside a method handler to answer with a Bot API error."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(reason: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True, slots=True)
class _Fault:
    kind: str  # "fail", "reset" or "delay"
    status: int = 500
    description: str = ""
    retry_after: int | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class _Query:
    created_at: float
    answered: bool = False


class _ConnectionResetError(Exception):
    """Raised by a handler to drop the connection without an HTTP response."""


_Handler = Callable[[dict[str, Any]], Awaitable[Any]]


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Return the entities Telegram computes for an incoming plain text message.

    Finds ``bot_command`` (``/cmd``, ``/cmd@bot``), ``mention`` (``@username``) and ``url``
    (``http(s)://...``) entities, with offsets and lengths in UTF-16 code units.
    """
    spans: list[tuple[int, int, str]] = []
    for match in _BOT_COMMAND.finditer(text):
        spans.append((match.start(), match.end(), "bot_command"))
    for match in _URL.finditer(text):
        end = match.start() + len(match.group().rstrip(_URL_TRAILER))
        spans.append((match.start(), end, "url"))
    for match in _MENTION.finditer(text):
        if not any(start <= match.start() < end for start, end, _ in spans):
            spans.append((match.start(), match.end(), "mention"))
    spans.sort()
    return [
        {
            "type": kind,
            "offset": utf16_length(text[:start]),
            "length": utf16_length(text[start:end]),
        }
        for start, end, kind in spans
    ]


class FakeTelegram:
    """An in-process Bot API server: routes, validation, recorded calls and fault injection.

    Use it as ``async with FakeTelegram() as fake:`` and build the bot with
    ``base_url=fake.base_url`` and ``token=fake.token``. ``strict_html=False`` lets unsupported
    HTML entities such as ``&nbsp;`` through literally, as Telegram does, instead of rejecting
    them (see ``telegram_html``).
    """

    def __init__(
        self,
        *,
        token: str = TOKEN,
        bot_id: int = 424242,
        bot_username: str = "newsbot_test_bot",
        inline_deadline_s: float = 10.0,
        strict_html: bool = True,
    ) -> None:
        self.token = token
        self.inline_deadline_s = inline_deadline_s
        self.strict_html = strict_html
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "NewsBot Test",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.port = 0
        self.base_url = ""
        self.calls: list[ApiCall] = []
        self.sent: list[SentMessage] = []
        self.edits: list[SentMessage] = []
        self.deleted: list[tuple[int, int]] = []
        self.inline_answers: list[dict[str, Any]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.chat_actions: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.description = ""
        self.short_description = ""
        self.webhook: dict[str, Any] = {"url": ""}
        self.allowed_updates: list[str] = []
        self._scoped_commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._pending: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._poller: object | None = None
        self._closing = False
        self._faults: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._last_message_id: defaultdict[int, int] = defaultdict(int)
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(4_242_000_000_000_000_001)
        self._queries: dict[str, _Query] = {}
        self._runner: web.AppRunner | None = None
        self._methods: dict[str, tuple[str, _Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._true,
                "close": self._true,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "getUpdates": self._get_updates,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setMyDescription": self._set_my_description,
                "getMyDescription": self._get_my_description,
                "setMyShortDescription": self._set_my_short_description,
                "getMyShortDescription": self._get_my_short_description,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "sendChatAction": self._send_chat_action,
                "answerInlineQuery": self._answer_inline_query,
                "answerCallbackQuery": self._answer_callback_query,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
            }.items()
        }

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already running")
        self._closing = False
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.base_url = f"http://127.0.0.1:{self.port}/bot"

    async def stop(self) -> None:
        """Answer pending long polls with no updates and stop serving."""
        self._closing = True
        self._notify()
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

    # -- updates -----------------------------------------------------------------------------

    def private_message(
        self,
        text: str,
        *,
        user_id: int = 1001,
        first_name: str = "Alice",
        username: str | None = "alice",
    ) -> dict[str, Any]:
        """Build (not enqueue) an Update with a text message from a user to the bot."""
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if username is not None:
            chat["username"] = username
        user = self._user(user_id, first_name, username)
        return self._message_update(chat, user, text, reply_to=None)

    def group_message(
        self,
        text: str,
        *,
        chat_id: int = -1001234567890,
        user_id: int = 2002,
        first_name: str = "Bob",
        username: str | None = "bob",
        chat_type: str = "supergroup",
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Build (not enqueue) an Update with a text message in a group, maybe a reply."""
        if chat_type not in {"group", "supergroup"}:
            raise ValueError(f"chat_type must be 'group' or 'supergroup', not {chat_type!r}")
        chat = {"id": chat_id, "type": chat_type, "title": "Newsbot test group"}
        user = self._user(user_id, first_name, username)
        return self._message_update(chat, user, text, reply_to=reply_to)

    def inline_query(self, query: str, *, user_id: int = 1001, offset: str = "") -> dict[str, Any]:
        """Build (not enqueue) an inline_query Update; its id expires after the deadline."""
        query_id = str(next(self._query_ids))
        self._queries[query_id] = _Query(time.monotonic())
        inline_query = {
            "id": query_id,
            "from": self._user(user_id, None, None),
            "query": query,
            "offset": offset,
            "chat_type": "sender",
        }
        return {"update_id": next(self._update_ids), "inline_query": inline_query}

    def callback_query(
        self, data: str, *, message: dict[str, Any], user_id: int = 1001
    ) -> dict[str, Any]:
        """Build (not enqueue) a callback_query Update for a button on the bot's ``message``."""
        query_id = str(next(self._query_ids))
        self._queries[query_id] = _Query(time.monotonic())
        callback = {
            "id": query_id,
            "from": self._user(user_id, None, None),
            "message": copy.deepcopy(message),
            "chat_instance": "-4242424242424242424",
            "data": data,
        }
        return {"update_id": next(self._update_ids), "callback_query": callback}

    def enqueue(self, update: dict[str, Any]) -> None:
        """Deliver ``update`` through getUpdates (and wake a pending long poll)."""
        if not isinstance(update.get("update_id"), int):
            raise ValueError("an Update needs an integer update_id")
        for kind in ("message", "edited_message"):
            message = update.get(kind)
            if isinstance(message, dict):
                self._remember(message)
        self._pending.append(copy.deepcopy(update))
        self._notify()

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates enqueued and not yet confirmed by a getUpdates offset."""
        return list(self._pending)

    # -- inspection --------------------------------------------------------------------------

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """Return the messages the bot sent to ``chat_id``, oldest first."""
        return [sent for sent in self.sent if sent.chat_id == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """Return the current state of a message (after edits), or None if unknown or deleted."""
        stored = self._messages.get((chat_id, message_id))
        return copy.deepcopy(stored) if stored is not None else None

    def calls_to(self, method: str) -> list[ApiCall]:
        """Return the calls of one Bot API method (any spelling of its name)."""
        name = self._canonical(method)
        return [call for call in self.calls if call.method == name]

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

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109 - as in wait_for
    ) -> list[SentMessage]:
        """Wait until the bot has sent ``count`` messages to ``chat_id``; return all of them."""
        await self.wait_for(
            lambda: len(self.messages_to(chat_id)) >= count,
            timeout,
            f"{count} message(s) to chat {chat_id}",
        )
        return self.messages_to(chat_id)

    def describe_calls(self, last: int = 20) -> str:
        """Return a readable dump of the last ``last`` calls (for assertion messages)."""
        lines = [f"last {min(last, len(self.calls))} of {len(self.calls)} Bot API calls:"]
        for call in self.calls[-last:]:
            params = json.dumps(call.params, ensure_ascii=False, default=str)
            response = json.dumps(call.response, ensure_ascii=False, default=str)
            lines.append(
                f"  {call.method} -> {call.status or 'pending/reset'} {_shorten(params)} "
                f"=> {_shorten(response)}"
            )
        return "\n".join(lines)

    # -- fault injection ---------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error.

        A 429 with ``retry_after`` gets Telegram's ``Too Many Requests: retry after N``.
        """
        if status == 429 and retry_after is not None:
            description = f"Too Many Requests: retry after {retry_after}"
        fault = _Fault("fail", status=status, description=description, retry_after=retry_after)
        self._add_fault(method, fault, times)

    def reset_next(self, method: str, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without answering."""
        self._add_fault(method, _Fault("reset"), times)

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Sleep ``seconds`` before handling the next ``times`` calls of ``method``."""
        self._add_fault(method, _Fault("delay", seconds=seconds), times)

    def _add_fault(self, method: str, fault: _Fault, times: int) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        self._faults[self._canonical(method)].extend([fault] * times)

    # -- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        entry = self._methods.get(request.match_info["method"].lower())
        method = entry[0] if entry else request.match_info["method"]
        call = ApiCall(method=method, params={}, started_at=time.monotonic())
        self.calls.append(call)
        try:
            if request.match_info["token"] != self.token:
                raise _ApiError(401, "Unauthorized")
            if entry is None:
                raise _ApiError(404, "Not Found")
            call.params = await _read_params(request)
            await self._apply_fault(method)
            body: dict[str, Any] = {"ok": True, "result": await entry[1](call.params)}
            status = 200
        except _ApiError as error:
            body, status = error.body(), error.status
        except _ConnectionResetError:
            call.finished_at = time.monotonic()
            if request.transport is not None:
                request.transport.abort()
            return web.Response()  # never written: the connection is already gone
        call.status, call.response, call.finished_at = status, body, time.monotonic()
        return web.json_response(body, status=status)

    async def _apply_fault(self, method: str) -> None:
        queue = self._faults.get(method)
        if not queue:
            return
        fault = queue.popleft()
        if fault.kind == "delay":
            await self._sleep(fault.seconds)
        elif fault.kind == "reset":
            raise _ConnectionResetError
        else:
            raise _ApiError(fault.status, fault.description, fault.retry_after)

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake up early when the server stops."""
        deadline = time.monotonic() + seconds
        while not self._closing and (remaining := deadline - time.monotonic()) > 0:
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                return

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _canonical(self, method: str) -> str:
        entry = self._methods.get(method.lower())
        return entry[0] if entry else method

    # -- methods: bot and polling ------------------------------------------------------------

    async def _true(self, params: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return dict(self.bot_user)

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        secret = params.get("secret_token")
        if url and not url.lower().startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if secret is not None and not _SECRET_TOKEN.match(str(secret)):
            raise _bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook = {"url": url}
        if url:
            self.webhook.update(
                max_connections=params.get("max_connections", 40),
                allowed_updates=params.get("allowed_updates"),
                secret_token=secret,
            )
        self._notify()
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self.webhook = {"url": ""}
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info = {k: v for k, v in self.webhook.items() if k != "secret_token" and v is not None}
        info.update(has_custom_certificate=False, pending_update_count=len(self._pending))
        return info

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook["url"]:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = _int_param(params, "offset", 0)
        limit = min(max(_int_param(params, "limit", 100), 1), 100)
        timeout = max(_int_param(params, "timeout", 0), 0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed]
        self._confirm(offset)
        ticket = object()
        self._poller = ticket
        self._notify()  # an older long poll wakes up and sees that it was terminated
        deadline = time.monotonic() + timeout
        while True:
            if self._poller is not ticket:
                raise _ApiError(409, CONFLICT)
            remaining = deadline - time.monotonic()
            if self._deliverable() or self._closing or remaining <= 0:
                break
            event = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        self._poller = None
        return copy.deepcopy(self._deliverable()[:limit])

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def _deliverable(self) -> list[dict[str, Any]]:
        """Drop pending updates of kinds excluded by allowed_updates; return the rest."""
        if self.allowed_updates:
            self._pending = [u for u in self._pending if _update_kind(u) in self.allowed_updates]
        return self._pending

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.match(str(command.get("command"))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        stored = [{"command": c["command"], "description": c["description"]} for c in commands]
        self._scoped_commands[_commands_key(params)] = stored
        self.commands = copy.deepcopy(stored)
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self._scoped_commands.get(_commands_key(params), []))

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = _commands_key(params)
        self._scoped_commands.pop(key, None)
        if key == ("default", ""):
            self.commands = []
        return True

    async def _set_my_description(self, params: dict[str, Any]) -> bool:
        text = str(params.get("description") or "")
        if len(text) > 512:
            raise _bad_request("BOT_DESCRIPTION_INVALID")
        self.description = text
        return True

    async def _get_my_description(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"description": self.description}

    async def _set_my_short_description(self, params: dict[str, Any]) -> bool:
        text = str(params.get("short_description") or "")
        if len(text) > 120:
            raise _bad_request("BOT_SHORT_DESCRIPTION_INVALID")
        self.short_description = text
        return True

    async def _get_my_short_description(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"short_description": self.short_description}

    # -- methods: messages -------------------------------------------------------------------

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _chat_id(params)
        parsed = self._message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = _check_markup(params.get("reply_markup"))
        reply_to_id, reply_to = self._reply_target(params, chat_id)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "from": self._bot_sender(),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
            "text": parsed.text,
        }
        if parsed.entities:
            message["entities"] = parsed.entities
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if reply_to is not None:
            message["reply_to_message"] = _without_reply(reply_to)
        self._messages[(chat_id, message["message_id"])] = copy.deepcopy(message)
        self.sent.append(_sent_message(params, chat_id, message, parsed, markup, reply_to_id))
        return message

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        parsed = self._message_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = _check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            self.edits.append(_sent_message(params, 0, {}, parsed, markup, None))
            return True
        chat_id, stored = self._editable(params, "message to edit not found")
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if (
            stored.get("text") == parsed.text
            and stored.get("entities", []) == parsed.entities
            and stored.get("reply_markup") == new_markup
        ):
            raise _ApiError(400, NOT_MODIFIED)
        message = {**stored, "text": parsed.text, "edit_date": int(time.time())}
        message.pop("entities", None)
        message.pop("reply_markup", None)
        if parsed.entities:
            message["entities"] = parsed.entities
        if new_markup is not None:
            message["reply_markup"] = new_markup
        self._messages[(chat_id, message["message_id"])] = copy.deepcopy(message)
        self.edits.append(_sent_message(params, chat_id, message, parsed, markup, None))
        return message

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        markup = _check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        chat_id, stored = self._editable(params, "message to edit not found")
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if stored.get("reply_markup") == new_markup:
            raise _ApiError(400, NOT_MODIFIED)
        message = {**stored, "edit_date": int(time.time())}
        message.pop("reply_markup", None)
        if new_markup is not None:
            message["reply_markup"] = new_markup
        self._messages[(chat_id, message["message_id"])] = copy.deepcopy(message)
        return message

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = _chat_id(params)
        message_id = _int_param(params, "message_id", 0)
        if self._messages.pop((chat_id, message_id), None) is None:
            raise _bad_request("message to delete not found")
        self.deleted.append((chat_id, message_id))
        return True

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat_id = _chat_id(params)
        action = str(params.get("action", ""))
        if action not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        self.chat_actions.append({"chat_id": chat_id, "action": action})
        return True

    # -- methods: queries and chats ----------------------------------------------------------

    async def _answer_inline_query(self, params: dict[str, Any]) -> bool:
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        parsed_texts: list[ParsedText | None] = []
        for result in results:
            if not isinstance(result, dict) or result.get("type") not in _INLINE_RESULT_TYPES:
                raise _bad_request("can't parse inline query result: unsupported type")
            result_id = result.get("id")
            if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= 64:
                raise _bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            if result["type"] == "article" and not (result.get("title") or "").strip():
                raise _bad_request("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content")
            if result["type"] == "article" and not isinstance(content, dict):
                raise _bad_request("can't parse inline query result: input_message_content")
            parsed = None
            if isinstance(content, dict) and "message_text" in content:
                parsed = self._message_text(
                    content.get("message_text"), content.get("parse_mode"), content.get("entities")
                )
            parsed_texts.append(parsed)
            _check_markup(result.get("reply_markup"))
        next_offset = str(params.get("next_offset", ""))
        if len(next_offset.encode()) > 64:
            raise _bad_request("NEXT_OFFSET_INVALID")
        self._use_query(str(params.get("inline_query_id", "")))
        self.inline_answers.append(
            {
                "inline_query_id": str(params.get("inline_query_id")),
                "results": results,
                "cache_time": params.get("cache_time", 300),
                "is_personal": bool(params.get("is_personal", False)),
                "next_offset": next_offset,
                "button": params.get("button"),
                "parsed": parsed_texts,
            }
        )
        return True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._use_query(str(params.get("callback_query_id", "")))
        self.callback_answers.append(
            {
                "callback_query_id": str(params.get("callback_query_id")),
                "text": text,
                "show_alert": bool(params.get("show_alert", False)),
                "url": params.get("url"),
                "cache_time": params.get("cache_time", 0),
            }
        )
        return True

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(_chat_id(params))
        chat.setdefault("accent_color_id", 0)
        chat.setdefault("max_reaction_count", 11)
        return chat

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        _chat_id(params)
        user_id = _int_param(params, "user_id", 0)
        if user_id == self.bot_user["id"]:
            return {"status": "member", "user": self._bot_sender()}
        user = self._users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "User"})
        return {"status": "member", "user": dict(user)}

    # -- helpers -----------------------------------------------------------------------------

    def _message_text(self, text: Any, parse_mode: Any, entities: Any) -> ParsedText:
        """Validate a message text as Telegram does and return what the user will see."""
        if text is None or text == "":
            raise _ApiError(400, EMPTY_TEXT)
        text = str(text)
        mode = str(parse_mode or "").lower()
        if mode == "html":
            try:
                parsed = parse_telegram_html(text, strict=self.strict_html)
            except TelegramHTMLError as error:
                raise _ApiError(400, error.description) from error
        elif mode in {"", "markdown", "markdownv2"}:
            given = []
            if mode == "" and isinstance(entities, list):  # explicit entities need no parse_mode
                given = [dict(e) for e in entities if isinstance(e, dict)]
            links = [str(e["url"]) for e in given if e.get("type") == "text_link" and "url" in e]
            parsed = ParsedText(text, given, links)
        else:
            raise _bad_request("unsupported parse_mode")
        parsed = _strip(parsed)
        if not parsed.text:
            raise _ApiError(400, EMPTY_TEXT)
        if len(parsed.text) > MAX_MESSAGE_LENGTH:
            raise _bad_request("message is too long")
        return parsed

    def _use_query(self, query_id: str) -> None:
        query = self._queries.get(query_id)
        too_late = (
            query is not None and time.monotonic() - query.created_at > self.inline_deadline_s
        )
        if query is None or query.answered or too_late:
            raise _ApiError(400, QUERY_TOO_OLD)
        query.answered = True

    def _reply_target(
        self, params: dict[str, Any], chat_id: int
    ) -> tuple[int | None, dict[str, Any] | None]:
        reply = params.get("reply_parameters")
        allow = bool(params.get("allow_sending_without_reply", False))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = bool(reply.get("allow_sending_without_reply", allow))
            target_chat = reply.get("chat_id", chat_id)
        else:
            message_id = params.get("reply_to_message_id")
            target_chat = chat_id
        if message_id is None:
            return None, None
        try:
            key = (int(target_chat), int(message_id))
        except (TypeError, ValueError):
            raise _bad_request("message to be replied not found") from None
        target = self._messages.get(key)
        if target is None and not allow:
            raise _bad_request("message to be replied not found")
        return key[1], target

    def _editable(self, params: dict[str, Any], missing: str) -> tuple[int, dict[str, Any]]:
        chat_id = _chat_id(params)
        stored = self._messages.get((chat_id, _int_param(params, "message_id", 0)))
        if stored is None:
            raise _bad_request(missing)
        if stored.get("from", {}).get("id") != self.bot_user["id"]:
            raise _bad_request("message can't be edited")
        return chat_id, stored

    def _message_update(
        self,
        chat: dict[str, Any],
        user: dict[str, Any],
        text: str,
        *,
        reply_to: dict[str, Any] | None,
    ) -> dict[str, Any]:
        self._chats[chat["id"]] = dict(chat)
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat["id"]),
            "from": user,
            "chat": dict(chat),
            "date": int(time.time()),
            "text": text,
        }
        entities = detect_entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = _without_reply(reply_to)
        self._remember(message)
        return {"update_id": next(self._update_ids), "message": copy.deepcopy(message)}

    def _remember(self, message: dict[str, Any]) -> None:
        chat = message.get("chat", {})
        if isinstance(chat.get("id"), int) and isinstance(message.get("message_id"), int):
            self._chats.setdefault(chat["id"], dict(chat))
            key = (chat["id"], message["message_id"])
            self._messages[key] = copy.deepcopy(message)
            self._last_message_id[key[0]] = max(self._last_message_id[key[0]], key[1])

    def _user(self, user_id: int, first_name: str | None, username: str | None) -> dict[str, Any]:
        known = self._users.get(user_id)
        if known is not None and first_name is None:
            return dict(known)
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User{user_id}",
            "language_code": "en",
        }
        if username is not None:
            user["username"] = username
        self._users[user_id] = user
        return dict(user)

    def _bot_sender(self) -> dict[str, Any]:
        return {key: self.bot_user[key] for key in ("id", "is_bot", "first_name", "username")}

    def _chat(self, chat_id: int) -> dict[str, Any]:
        known = self._chats.get(chat_id)
        if known is not None:
            return dict(known)
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": "Chat"}

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] += 1
        return self._last_message_id[chat_id]


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (form, multipart or JSON) and decode known typed fields."""
    raw: dict[str, Any] = dict(request.query)
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise _bad_request("can't parse JSON object") from None
            if not isinstance(body, dict):
                raise _bad_request("can't parse JSON object")
            raw.update(body)
        else:
            form = await request.post()
            for name, value in form.items():
                raw[name] = value if isinstance(value, str) else getattr(value, "filename", "")
    return {name: _decode(name, value) for name, value in raw.items()}


def _decode(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in _STRUCTURED:
        try:
            return json.loads(value)
        except ValueError:
            raise _bad_request(f"can't parse {name} JSON object") from None
    if name in _INTEGER:
        try:
            return int(value)
        except ValueError:
            return value  # a chat_id may be "@channelusername"
    if name in _BOOLEAN:
        return value.lower() in {"true", "1"}
    return value


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_request(f"wrong parameter {name}")
    return value


def _chat_id(params: dict[str, Any]) -> int:
    value = params.get("chat_id")
    if value is None or value == "":
        raise _bad_request("chat_id is empty")
    if isinstance(value, bool) or not isinstance(value, int) or value == 0:
        raise _bad_request("chat not found")
    return value


def _check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate a reply_markup the way Telegram does for inline keyboards."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad_request(
                'can\'t parse inline keyboard button: Field "text" must be of type String'
            )
        if not _BUTTON_ACTIONS & button.keys():
            raise _bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
                raise _bad_request("BUTTON_DATA_INVALID")
        if "url" in button and check_link(str(button["url"])) is None:
            raise _bad_request("BUTTON_URL_INVALID")
    return markup


def _strip(parsed: ParsedText) -> ParsedText:
    """Strip leading and trailing whitespace, as Telegram does, keeping entities aligned."""
    text = parsed.text.strip()
    if text == parsed.text:
        return parsed
    shift = utf16_length(parsed.text[: len(parsed.text) - len(parsed.text.lstrip())])
    size = utf16_length(text)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    links = [str(e["url"]) for e in entities if e["type"] == "text_link"]
    return ParsedText(text, entities, links)


def _sent_message(
    params: dict[str, Any],
    chat_id: int,
    message: dict[str, Any],
    parsed: ParsedText,
    markup: dict[str, Any] | None,
    reply_to_id: int | None,
) -> SentMessage:
    preview = params.get("link_preview_options")
    disabled = bool(params.get("disable_web_page_preview", False))
    if isinstance(preview, dict):
        disabled = bool(preview.get("is_disabled", disabled))
    parse_mode = params.get("parse_mode")
    return SentMessage(
        chat_id=chat_id,
        message_id=int(message.get("message_id", 0)),
        text=parsed.text,
        html=str(params.get("text", "")),
        parse_mode=str(parse_mode) if parse_mode is not None else None,
        entities=copy.deepcopy(parsed.entities),
        links=list(parsed.links),
        reply_markup=copy.deepcopy(markup),
        reply_to_message_id=reply_to_id,
        link_preview_disabled=disabled,
        message=copy.deepcopy(message),
    )


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    """Telegram nests replied-to messages one level deep only."""
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope")
    kind = str(scope.get("type", "default")) if isinstance(scope, dict) else "default"
    return kind, str(params.get("language_code", ""))


def _update_kind(update: dict[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
