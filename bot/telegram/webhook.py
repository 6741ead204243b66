"""The Telegram webhook route (POST <webhook path>) that the Telegram front end mounts."""

from __future__ import annotations

import hmac
import json
import logging
from collections import OrderedDict
from typing import Any

from aiohttp import web
from telegram import Update

from bot.telegram.app import NewsbotApplication

__all__ = ["SECRET_HEADER", "SeenUpdates", "TelegramWebhook"]

_LOGGER = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class SeenUpdates:
    """The most recent ``capacity`` update ids, so that a redelivered update runs once."""

    def __init__(self, *, capacity: int = 10_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._ids: OrderedDict[int, None] = OrderedDict()

    def add(self, update_id: int) -> bool:
        """Record ``update_id``; return False when it was already seen."""
        if update_id in self._ids:
            self._ids.move_to_end(update_id)
            return False
        self._ids[update_id] = None
        if len(self._ids) > self.capacity:
            self._ids.popitem(last=False)
        return True


class TelegramWebhook:
    """The webhook route: checks the secret header, drops redelivered updates, queues the rest.

    Mounted on the shared ``WebServer`` before it starts; answers 503 until ``application`` is
    set (Telegram retries later, by when the index is loaded).

    Args:
        secret: Expected ``X-Telegram-Bot-Api-Secret-Token``.
        seen: Recently handled update ids.
    """

    def __init__(self, *, secret: str, seen: SeenUpdates | None = None) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self.application: NewsbotApplication | None = None
        self._secret = secret.encode()
        self._seen = seen or SeenUpdates()

    async def handle(self, request: web.Request) -> web.Response:
        """Answer one POST from Telegram."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            _LOGGER.warning("webhook request with a wrong secret token from %s", request.remote)
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        application = self.application
        if application is None:
            # Telegram retries later; by then the index is loaded.
            return web.json_response({"ok": False, "error": "starting"}, status=503)
        try:
            data: Any = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.json_response({"ok": False, "error": "invalid JSON"}, status=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        if not self._seen.add(data["update_id"]):
            _LOGGER.info("ignoring redelivered update %d", data["update_id"])
            return web.json_response({"ok": True, "duplicate": True})
        await application.update_queue.put(Update.de_json(data, application.bot))
        return web.json_response({"ok": True})
