"""Bot throughput: 50 concurrent users asking questions through a real PTB Application.

Run ``python -m benchmarks.bot_load`` (``--quick``: one question per user).

The Application comes from ``bot.telegram.app.build_application`` over an engine of the seed
index and
polls the fake Bot API server of ``tests/support/fake_telegram.py`` over HTTP on 127.0.0.1,
exactly as it polls Telegram. Each simulated user sends a question, waits for the reply, then
sends the next (a closed loop). A reply's latency runs from the moment its update is queued
at the fake server to the moment the server finished handling the bot's ``sendMessage``.

Two configurations run back to back: the shipped one (``RetryingRateLimiter``: Telegram's
flood limit of 30 requests/s across all chats) and one with that limit switched off, which
shows what the engine and the handlers alone could sustain.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import AIORateLimiter

from benchmarks.news import SEED_QUESTIONS, SEEDS, load_questions
from benchmarks.results import CACHE_DIR, RESULTS_DIR, summarize_ms, write_result
from bot.settings import Settings
from bot.telegram.app import build_application
from retrieval import Engine
from retrieval.embedding.loader import load_embedder
from tests.support.fake_telegram import TOKEN, FakeTelegram

USERS = 50
FIRST_USER_ID = 5_000_000


async def load_run(
    engine: Engine,
    index_dir: Path,
    questions: Sequence[str],
    *,
    users: int,
    per_user: int,
    flood_limit: bool,
) -> dict[str, Any]:
    """Run ``users`` closed-loop users, ``per_user`` questions each; return rates and latency."""
    async with FakeTelegram(bot_username="newsbot_bench_bot") as fake:
        settings = Settings(
            token=TOKEN,
            api_base_url=fake.base_url,
            index_dir=index_dir,
            seeds_dir=SEEDS,
            log_level="WARNING",
        )
        options: dict[str, Any] = {}
        if not flood_limit:
            options["rate_limiter"] = AIORateLimiter(overall_max_rate=0, group_max_rate=0)
        application = build_application(settings, engine, **options)
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0)
        await fake.wait_for(lambda: bool(fake.calls_to("getUpdates")), 30, "polling to start")
        latencies: list[float] = []
        failures = 0

        async def user(number: int) -> None:
            nonlocal failures
            user_id = FIRST_USER_ID + number
            for turn in range(per_user):
                question = questions[(number * per_user + turn) % len(questions)]
                queued = time.monotonic()
                fake.enqueue(
                    fake.private_message(question, user_id=user_id, first_name=f"U{number}")
                )
                try:
                    await fake.wait_for_messages(user_id, count=turn + 1, timeout=120)
                except AssertionError:
                    failures += 1
                    return
                sends = [
                    c
                    for c in fake.calls_to("sendMessage")
                    if c.params.get("chat_id") in (user_id, str(user_id)) and c.finished_at
                ]
                latencies.append(sends[turn].finished_at - queued)  # type: ignore[operator]

        started = time.monotonic()
        await asyncio.gather(*(user(n) for n in range(users)))
        elapsed = time.monotonic() - started
        await application.updater.stop()
        await application.stop()
        await application.shutdown()
        actions = len(fake.calls_to("sendChatAction"))
    replies = len(latencies)
    return {
        "flood_limit": flood_limit,
        "users": users,
        "questions_per_user": per_user,
        "replies": replies,
        "failures": failures,
        "seconds": round(elapsed, 2),
        "questions_per_s": round(replies / elapsed, 2) if elapsed else 0.0,
        "latency": summarize_ms(latencies),
        "chat_actions_sent": actions,
    }


async def main_async(*, per_user: int, quick: bool) -> dict[str, Any]:
    """Build the seed engine, warm it, then run both configurations."""
    # The product's embedder: questions on ONNX Runtime, passages (the seed ingest) on torch.
    embedder = load_embedder(cache_dir=CACHE_DIR)
    questions = [q["question"] for q in load_questions(SEED_QUESTIONS)]
    if quick:
        questions = questions[::3]
    with tempfile.TemporaryDirectory(prefix="bot-load-") as folder:
        index_dir = Path(folder)
        engine = Engine(index_dir, embedder=embedder)
        engine.ingest([SEEDS])
        for question in questions:
            engine.answer(question)  # the bot runs warm too: sentence vectors are cached
        started = time.perf_counter()
        for question in questions:
            engine.answer(question)
        direct = (time.perf_counter() - started) / len(questions)
        runs = [
            await load_run(
                engine, index_dir, questions, users=USERS, per_user=per_user, flood_limit=limit
            )
            for limit in (True, False)
        ]
    return {
        "questions": len(questions),
        "embedder": "retrieval.embedding.loader (questions on ONNX Runtime)",
        "engine_answer_ms_direct_warm": round(direct * 1000, 2),
        "engine_answer_ceiling_questions_per_s": round(1 / direct, 1),
        "shipped": runs[0],
        "no_flood_limit": runs[1],
    }


def main(argv: Sequence[str] | None = None) -> Path:
    """Command-line entry point; returns the result file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--per-user", type=int, default=4)
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    payload = asyncio.run(
        main_async(per_user=1 if args.quick else args.per_user, quick=args.quick)
    )
    path = write_result(
        "bot_load", payload, quick=args.quick, started=started, directory=args.results_dir
    )
    print(json.dumps(payload, indent=1))
    print(f"wrote {path}")
    return path


if __name__ == "__main__":
    main()
