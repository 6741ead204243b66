"""Recent answers by short key, so that the buttons under an answer work, after a restart too.

What a button needs to redraw an answer is the question, who asked it where, and how many
citations were asked for: that is stored in SQLite (beside the index, so it survives restarts
and container upgrades), bounded in count and age. The engine's answers are deterministic, so
after a restart a button press answers the stored question again; recent answers are also
kept in memory so that ordinary presses do not search at all.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retrieval import Answer, Engine, RetrievalError

__all__ = ["ANSWERS_FILE", "AnswerStore", "StoredAnswer"]

_LOGGER = logging.getLogger(__name__)

ANSWERS_FILE = "answers.sqlite"
"""The store's file name in the index directory (``newsbot serve`` keeps it there)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    top_k INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    truncated INTEGER NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_created ON answers (created);
"""
_WEEK_S = 7 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """A question that was answered, with who asked it where, for checking button presses.

    Attributes:
        question: The question the engine answered (cleaned, possibly cut).
        user_id: Who asked; only they may press the buttons.
        chat_id: The chat or channel the answer was sent to.
        top_k: Citations asked of the engine.
        truncated: The question was cut to the engine's limit (the answer says so).
    """

    question: str
    user_id: int
    chat_id: int
    top_k: int
    truncated: bool = False


class AnswerStore:
    """Map from short random keys to answered questions; bounded, expiring, optionally on disk.

    Keys are 8 URL-safe characters, so button data that carries one stays far below Telegram's
    64-byte and Discord's 100-character limits. The oldest entries are forgotten beyond
    ``capacity`` or after ``max_age_s``; their buttons then get a polite "please ask again".

    Args:
        path: The SQLite file; None keeps everything in memory (gone after a restart).
        capacity: Most questions kept.
        max_age_s: Seconds a question is kept.
        cache_size: Answers kept in memory, so that a press does not search again.
        clock: Wall-clock time in seconds (a test may pass its own).
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        capacity: int = 10_000,
        max_age_s: float = _WEEK_S,
        cache_size: int = 2_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if capacity < 1 or cache_size < 1 or max_age_s <= 0:
            raise ValueError("capacity and cache_size must be at least 1, max_age_s positive")
        self.path = path
        self.capacity = capacity
        self.max_age_s = max_age_s
        self.cache_size = cache_size
        self._clock = clock
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        # One connection used only from the event loop's thread; SQLite serialises writers
        # of other processes (a second bot on the same index) itself.
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path), check_same_thread=False, timeout=5.0
        )
        with self._db:
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    @classmethod
    def open(cls, path: Path) -> AnswerStore:
        """The store in ``path``, or an in-memory one (with a warning) when it cannot be used.

        A read-only index directory or a damaged file must not keep the bot from answering;
        only the buttons of answers sent before a restart stop working then.
        """
        try:
            return cls(path)
        except sqlite3.Error as exc:
            _LOGGER.warning(
                "cannot keep answers in %s (%s); buttons will not survive a restart", path, exc
            )
            return cls(None)

    def __len__(self) -> int:
        (count,) = self._db.execute("SELECT COUNT(*) FROM answers").fetchone()
        return int(count)

    def close(self) -> None:
        """Close the database; the store must not be used afterwards."""
        self._db.close()

    def put(self, stored: StoredAnswer, answer: Answer | None = None) -> str:
        """Store a question (and its answer, in memory) and return its new key."""
        now = self._clock()
        while True:
            key = secrets.token_urlsafe(6)
            try:
                with self._db:
                    self._db.execute(
                        "INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            key,
                            stored.question,
                            stored.top_k,
                            stored.user_id,
                            stored.chat_id,
                            int(stored.truncated),
                            now,
                        ),
                    )
                    self._trim(now)
                break
            except sqlite3.IntegrityError:
                continue  # a key already taken: draw another
        if answer is not None:
            self._remember(key, answer)
        return key

    def _trim(self, now: float) -> None:
        # Both deletes use an index (created, rowid), so a put stays cheap at full capacity.
        self._db.execute("DELETE FROM answers WHERE created < ?", (now - self.max_age_s,))
        self._db.execute(
            "DELETE FROM answers WHERE rowid <= (SELECT MAX(rowid) FROM answers) - ?",
            (self.capacity,),
        )

    def _remember(self, key: str, answer: Answer) -> None:
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self.cache_size:
            self._answers.popitem(last=False)

    def get(self, key: str) -> StoredAnswer | None:
        """Return the question stored under ``key``, or None when it was forgotten."""
        row = self._db.execute(
            "SELECT question, user_id, chat_id, top_k, truncated, created FROM answers"
            " WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None or row[5] < self._clock() - self.max_age_s:
            self._answers.pop(key, None)
            return None
        question, user_id, chat_id, top_k, truncated, _ = row
        return StoredAnswer(str(question), int(user_id), int(chat_id), int(top_k), bool(truncated))

    async def answer(self, key: str, stored: StoredAnswer, engine: Engine) -> Answer:
        """The answer behind ``key``: from memory, else the stored question answered again.

        Raises:
            RetrievalError: When the engine cannot answer.
        """
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
            return answer
        try:
            answer = await asyncio.to_thread(engine.answer, stored.question, top_k=stored.top_k)
        except RetrievalError:
            _LOGGER.exception("could not answer a stored question again")
            raise
        self._remember(key, answer)
        return answer
