"""Tests of bot.logs: no secret reaches a log line, tracebacks included."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import RedactingFilter
from tests.support.fake_telegram import TOKEN


@pytest.fixture
def log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([TOKEN, "hooksecret"]))
    logger = logging.getLogger("test_bot_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def test_token_in_message_and_args_is_redacted(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    logger.info("GET https://api.telegram.org/bot%s/getMe with hooksecret", TOKEN)
    logger.info("other token https://x/bot987654:ABCdef_ghi-jkl/sendMessage")

    output = stream.getvalue()
    assert TOKEN not in output
    assert "hooksecret" not in output
    assert "987654:ABCdef" not in output
    assert output.count("<redacted>") == 3


def test_token_in_traceback_is_redacted(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError:
        logger.exception("failed")

    output = stream.getvalue()
    assert "RuntimeError" in output
    assert TOKEN not in output


def test_discord_interaction_tokens_are_redacted(log: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = log
    token = "aW50ZXJhY3Rpb246MTMwMDAwMDAwMDAwMDAwMDAwMQ" + "x" * 40
    logger.debug(
        "POST https://discord.com/api/v10/interactions/1300000000000000999/%s/callback", token
    )
    logger.debug(
        "PATCH http://127.0.0.1:1/api/v10/webhooks/1300000000000000001/%s/messages/@original",
        token,
    )
    logger.debug(
        "For Shard ID None: WebSocket Event: %s", {"op": 0, "d": {"token": token, "id": "1"}}
    )

    output = stream.getvalue()
    assert token not in output
    assert output.count("<redacted>") == 3
    assert "/interactions/1300000000000000999/<redacted>/callback" in output
