"""A load generator for the bot: simulated users in private chats, groups and inline mode.

The bot runs for real (``bot.serve.run`` polling the fake Bot API); users enqueue updates
and wait for the matching reply: the next message in their private chat, the message quoting
their group message, or the inline answer with their query id. Every question ends as a
reply, a refusal (throttle message) or lost; duplicates and strays are counted at the end.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_telegram import FakeTelegram

QUESTIONS = (
    "Why did Putin give rings to CIS leaders?",
    "What did Putin say about disagreements between member states?",
    "Who met at the informal summit in St. Petersburg?",
    "What happened at the CIS summit?",
    "Which leaders received rings from Putin?",
    "What does the Commonwealth of Independent States do?",
)
REFUSAL = "faster than I can read"


@dataclass
class Asked:
    """One question and its fate."""

    user: int
    mode: str
    chat: int
    sent_at: float
    replied_at: float | None = None
    refused: bool = False

    @property
    def latency(self) -> float | None:
        return None if self.replied_at is None else self.replied_at - self.sent_at


@dataclass
class LoadResult:
    """What a load run measured."""

    asked: list[Asked] = field(default_factory=list)
    duplicates: int = 0
    strays: int = 0
    wrong_chat: int = 0
    seconds: float = 0.0

    @property
    def answered(self) -> int:
        return sum(1 for a in self.asked if a.replied_at is not None and not a.refused)

    @property
    def refused(self) -> int:
        return sum(1 for a in self.asked if a.refused)

    @property
    def lost(self) -> int:
        return sum(1 for a in self.asked if a.replied_at is None)

    def latencies(self, mode: str | None = None) -> list[float]:
        return [
            a.latency
            for a in self.asked
            if a.latency is not None and not a.refused and (mode is None or a.mode == mode)
        ]

    def by_mode(self) -> dict[str, int]:
        return dict(Counter(a.mode for a in self.asked))


class Dispatcher:
    """Watches what the fake recorded and resolves the waiting users' futures."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.private: dict[int, asyncio.Future[tuple[float, str]]] = {}
        self.group: dict[tuple[int, int], asyncio.Future[tuple[float, str]]] = {}
        self.inline: dict[str, asyncio.Future[tuple[float, str]]] = {}
        self.counts: Counter[tuple[str, Any]] = Counter()
        self.strays = 0
        self._sent = 0
        self._inline = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self.scan()

    async def _run(self) -> None:
        while True:
            self.scan()
            await asyncio.sleep(0.005)

    def scan(self) -> None:
        now = time.monotonic()
        sent = self.fake.sent
        while self._sent < len(sent):
            message = sent[self._sent]
            self._sent += 1
            if message.chat_id > 0:
                key: tuple[str, Any] = ("private", message.chat_id)
                future = self.private.pop(message.chat_id, None)
            else:
                key = ("group", (message.chat_id, message.reply_to_message_id))
                future = self.group.pop((message.chat_id, message.reply_to_message_id or 0), None)
            self.counts[key] += 1
            if future is not None and not future.done():
                future.set_result((now, message.text))
            else:
                self.strays += 1
        answers = self.fake.inline_answers
        while self._inline < len(answers):
            answer = answers[self._inline]
            self._inline += 1
            self.counts[("inline", answer["inline_query_id"])] += 1
            future = self.inline.pop(answer["inline_query_id"], None)
            if future is not None and not future.done():
                future.set_result((now, str(answer.get("button") or "")))
            else:
                self.strays += 1


async def run_load(
    fake: FakeTelegram,
    *,
    users: int,
    seconds: float,
    think: tuple[float, float] = (2.0, 4.0),
    groups: int = 10,
    mix: tuple[float, float, float] = (0.5, 0.3, 0.2),
    drain_s: float = 90.0,
    seed: int = 7,
) -> LoadResult:
    """Run ``users`` simulated users for ``seconds``; each waits for its reply, then thinks.

    ``mix`` is the share of private, group and inline users. Users start spread over the
    first ``think`` interval. After the run, replies still owed get ``drain_s`` seconds.
    """
    rng = random.Random(seed)
    dispatcher = Dispatcher(fake)
    dispatcher.start()
    result = LoadResult()
    modes = ["private"] * round(users * mix[0]) + ["group"] * round(users * mix[1])
    modes += ["inline"] * (users - len(modes))
    group_ids = [-1_001_000_000_000 - g for g in range(groups)]
    started = time.monotonic()
    deadline = started + seconds
    counter = itertools.count()

    async def user(number: int, mode: str) -> None:
        user_id = 50_000 + number
        chat = user_id if mode != "group" else group_ids[number % groups]
        await asyncio.sleep(rng.uniform(0, think[0]))
        while time.monotonic() < deadline:
            question = QUESTIONS[next(counter) % len(QUESTIONS)]
            loop = asyncio.get_running_loop()
            future: asyncio.Future[tuple[float, str]] = loop.create_future()
            if mode == "private":
                update = fake.private_message(question, user_id=user_id, first_name=f"U{number}")
                dispatcher.private[user_id] = future
            elif mode == "group":
                update = fake.group_message(
                    f"/ask {question}", chat_id=chat, user_id=user_id, first_name=f"U{number}"
                )
                dispatcher.group[(chat, update["message"]["message_id"])] = future
            else:
                update = fake.inline_query(question, user_id=user_id)
                dispatcher.inline[update["inline_query"]["id"]] = future
            asked = Asked(user_id, mode, chat, time.monotonic())
            result.asked.append(asked)
            fake.enqueue(update)
            remaining = max(1.0, deadline + drain_s - time.monotonic())
            try:
                replied_at, text = await asyncio.wait_for(asyncio.shield(future), remaining)
            except TimeoutError:
                return
            asked.replied_at = replied_at
            asked.refused = REFUSAL in text or "Too many searches" in text
            await asyncio.sleep(rng.uniform(*think))

    await asyncio.gather(*(user(n, modes[n]) for n in range(users)))
    await asyncio.sleep(1.0)  # late duplicates would arrive now
    await dispatcher.stop()
    result.seconds = time.monotonic() - started
    result.duplicates = sum(
        count - 1
        for (kind, _), count in dispatcher.counts.items()
        if count > 1 and kind != "private"
    )
    result.strays = dispatcher.strays
    per_private: defaultdict[int, int] = defaultdict(int)
    for asked in result.asked:
        if asked.mode == "private" and asked.replied_at is not None:
            per_private[asked.chat] += 1
    for chat, answered in per_private.items():
        extra = dispatcher.counts[("private", chat)] - answered
        result.duplicates += max(0, extra)
    return result


def summary(result: LoadResult) -> dict[str, Any]:
    """Figures for docs/RELIABILITY.md."""
    from tests.stress.harness import percentile  # noqa: PLC0415

    figures: dict[str, Any] = {
        "questions": len(result.asked),
        "by_mode": result.by_mode(),
        "answered": result.answered,
        "refused": result.refused,
        "lost": result.lost,
        "duplicates": result.duplicates,
        "strays": result.strays,
        "seconds": round(result.seconds, 1),
    }
    for mode in (None, "private", "group", "inline"):
        values = result.latencies(mode)
        name = mode or "all"
        figures[f"latency_{name}_s"] = {
            "p50": round(percentile(values, 50), 3),
            "p95": round(percentile(values, 95), 3),
            "p99": round(percentile(values, 99), 3),
            "max": round(max(values, default=0.0), 3),
        }
    return figures
