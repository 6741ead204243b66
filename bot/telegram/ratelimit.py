"""Outgoing request pacing: Telegram's flood limits, 429 retries and network-error retries."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import AIORateLimiter

__all__ = ["RetryingRateLimiter"]

_LOGGER = logging.getLogger(__name__)

_IDEMPOTENT = frozenset(
    {
        "getMe",
        "setMyCommands",
        "deleteWebhook",
        "setWebhook",
        "sendChatAction",
        "editMessageText",
        "answerCallbackQuery",
        "answerInlineQuery",
    }
)
"""Methods safe to repeat after a timeout; a timed-out sendMessage may have been delivered."""


class RetryingRateLimiter(AIORateLimiter):
    """``AIORateLimiter`` (flood limits, ``retry_after`` honoured) that also retries requests
    which failed on the network before Telegram answered.

    Args:
        max_retries: Retries after a 429, each after the ``retry_after`` Telegram asks for.
        network_retries: Retries after a connection error (and, for idempotent methods, a
            timeout), with exponential backoff starting at ``backoff`` seconds.
        backoff: The first backoff delay in seconds.
    """

    def __init__(
        self, *, max_retries: int = 3, network_retries: int = 3, backoff: float = 0.5
    ) -> None:
        super().__init__(max_retries=max_retries)
        self._network_retries = network_retries
        self._backoff = backoff

    async def process_request(  # noqa: PLR0917 - the signature of BaseRateLimiter
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Send one request through the flood limiter, retrying network failures."""
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise
            except NetworkError as exc:
                retryable = not isinstance(exc, TimedOut) or endpoint in _IDEMPOTENT
                if not retryable or attempt >= self._network_retries:
                    raise
                delay = self._backoff * 2**attempt
                attempt += 1
                _LOGGER.warning(
                    "%s failed on the network (%s); retry %d of %d in %.1f s",
                    endpoint,
                    exc,
                    attempt,
                    self._network_retries,
                    delay,
                )
                await asyncio.sleep(delay)
