"""What an operator sees: one log line per question, JSON logs, the server's interface."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

from tests.support.fake_telegram import TOKEN, FakeTelegram
from tests.telegram.fixtures import (
    ALICE,
    MOSCOW_TIMES_URL,
    RINGS_QUESTION,
    SEEDS,
    fake,
    free_port,
    spawn_serve,
)

__all__ = ["fake"]  # fixtures used by name


async def test_json_logs_with_one_line_per_question_and_no_question_text(
    fake: FakeTelegram, seed_index_copy: Path
) -> None:
    port = free_port()
    process = await spawn_serve(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake.base_url,
        NEWSBOT_INDEX_DIR=str(seed_index_copy),
        NEWSBOT_SEEDS_DIR=str(SEEDS),
        NEWSBOT_PORT=str(port),
        NEWSBOT_LOG_FORMAT="json",
    )
    try:
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), 90, "polling to start")
        fake.enqueue(fake.private_message(RINGS_QUESTION))
        fake.enqueue(fake.private_message("How do I bake banana bread?"))
        replies = await fake.wait_for_messages(ALICE, 2, timeout=30)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert process.returncode == 0
    assert any(MOSCOW_TIMES_URL in reply.links for reply in replies)
    records = [json.loads(line) for line in stderr.decode().splitlines() if line.strip()]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    questions = [r["message"] for r in records if r["message"].startswith("question chat=")]
    assert len(questions) == 2, questions
    assert any("chat=private result=answered" in q and "latency_ms=" in q for q in questions)
    assert any("result=refused" in q for q in questions)
    text = stderr.decode()
    assert "Putin" not in text and "banana" not in text  # questions are the users' business
    assert f"HTTP server listening on 127.0.0.1:{port}" in text  # not every interface
