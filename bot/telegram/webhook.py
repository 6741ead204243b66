"""The aiohttp server: GET /healthz always, POST <webhook path> in webhook mode."""

from __future__ import annotations

import hmac
import json
import logging
from collections import OrderedDict
from typing import Any

from aiohttp import web
from telegram import Update

from bot.health import HealthCheck
from bot.telegram.app import NewsbotApplication

__all__ = ["SECRET_HEADER", "SeenUpdates", "WebServer"]

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


class WebServer:
    """Serves /healthz and, once ``application`` is set, the webhook.

    Args:
        health: The health check behind /healthz.
        port: TCP port to listen on; 0 picks a free one (see ``port`` after ``start``).
        host: Interface to listen on.
        webhook_path: Path Telegram posts updates to; None disables the webhook route.
        secret: Expected ``X-Telegram-Bot-Api-Secret-Token``; required with a webhook path.
    """

    def __init__(
        self,
        *,
        health: HealthCheck,
        port: int,
        host: str = "0.0.0.0",  # noqa: S104 - a container serves /healthz on every interface
        webhook_path: str | None = None,
        secret: str | None = None,
        seen: SeenUpdates | None = None,
    ) -> None:
        if webhook_path is not None and not secret:
            raise ValueError("a webhook needs a secret token")
        self.health = health
        self.host = host
        self.port = port
        self.webhook_path = webhook_path
        self.application: NewsbotApplication | None = None
        self._secret = (secret or "").encode()
        self._seen = seen or SeenUpdates()
        self._runner: web.AppRunner | None = None

    def build(self) -> web.Application:
        """Return the aiohttp application with its routes."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        if self.webhook_path is not None:
            app.router.add_post(self.webhook_path, self._webhook)
        return app

    async def start(self) -> None:
        """Start listening; ``port`` then holds the bound port."""
        self._runner = web.AppRunner(self.build(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                self.port = int(address[1])
                break
        _LOGGER.info("HTTP server listening on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening and close open connections."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        report = await self.health.report()
        return web.json_response(report.body, status=200 if report.healthy else 503)

    async def _webhook(self, request: web.Request) -> web.Response:
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
