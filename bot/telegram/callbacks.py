"""Callback data for inline keyboard buttons (at most 64 bytes) and the keyboards that use it."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.render.formatting import View

__all__ = [
    "MAX_CALLBACK_BYTES",
    "AnswerButton",
    "ArticlesButton",
    "FeedButton",
    "answer_keyboard",
    "articles_keyboard",
    "feeds_keyboard",
    "parse_callback",
]

MAX_CALLBACK_BYTES = 64
_ANSWER_PREFIX = "a"
_ARTICLES_PREFIX = "l"
_FEED_PREFIX = "f"
_FEED_ACTIONS = frozenset({"remove", "check"})


@dataclass(frozen=True, slots=True)
class AnswerButton:
    """A press on a button under an answer: show ``view`` of page ``page`` of answer ``key``."""

    key: str
    view: View
    page: int

    def data(self) -> str:
        """Encode as callback data."""
        return _checked(f"{_ANSWER_PREFIX}|{self.key}|{self.view.value}|{self.page}")


@dataclass(frozen=True, slots=True)
class ArticlesButton:
    """A press on a /sources page button: show page ``page`` of the article list."""

    page: int

    def data(self) -> str:
        """Encode as callback data."""
        return _checked(f"{_ARTICLES_PREFIX}|{self.page}")


@dataclass(frozen=True, slots=True)
class FeedButton:
    """A press under /feeds: ``remove`` feed ``feed_id``, or ``check`` every feed now."""

    action: str
    feed_id: int = 0

    def data(self) -> str:
        """Encode as callback data."""
        return _checked(f"{_FEED_PREFIX}|{self.action}|{self.feed_id}")


def _checked(data: str) -> str:
    if not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data must be 1-{MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def _page(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 4 else None


def parse_callback(data: str | None) -> AnswerButton | ArticlesButton | FeedButton | None:
    """Decode callback data; None for anything this bot did not produce."""
    parts = (data or "").split("|")
    if len(parts) == 4 and parts[0] == _ANSWER_PREFIX and parts[1]:
        page = _page(parts[3])
        view = next((v for v in View if v.value == parts[2]), None)
        if page is not None and view is not None:
            return AnswerButton(key=parts[1], view=view, page=page)
    feed = _feed_button(parts)
    if feed is not None:
        return feed
    if len(parts) == 2 and parts[0] == _ARTICLES_PREFIX:
        page = _page(parts[1])
        if page is not None:
            return ArticlesButton(page=page)
    return None


def _feed_button(parts: list[str]) -> FeedButton | None:
    if len(parts) != 3 or parts[0] != _FEED_PREFIX or parts[1] not in _FEED_ACTIONS:
        return None
    if not parts[2].isdigit() or len(parts[2]) > 12:
        return None
    return FeedButton(action=parts[1], feed_id=int(parts[2]))


def answer_keyboard(key: str, *, view: View, page: int, pages: int) -> InlineKeyboardMarkup:
    """Buttons under an answer: page through sources, shorter or fuller text, sources list."""
    rows: list[list[InlineKeyboardButton]] = []
    if view is not View.SOURCES and pages > 1:
        nav: list[InlineKeyboardButton] = []
        if page > 0:
            nav.append(_button("◀ Previous", AnswerButton(key, view, page - 1)))
        if page < pages - 1:
            nav.append(_button("More sources ▶", AnswerButton(key, view, page + 1)))
        rows.append(nav)
    options: list[InlineKeyboardButton] = []
    if view is not View.EXCERPTS:
        options.append(_button("Show full passages", AnswerButton(key, View.EXCERPTS, 0)))
    if view is not View.SHORT:
        options.append(_button("Shorter", AnswerButton(key, View.SHORT, 0)))
    if view is not View.SOURCES:
        options.append(_button("Sources", AnswerButton(key, View.SOURCES, 0)))
    rows.append(options)
    return InlineKeyboardMarkup(rows)


def articles_keyboard(*, page: int, pages: int) -> InlineKeyboardMarkup | None:
    """Previous/next buttons for the /sources list; None when it fits on one page."""
    if pages <= 1:
        return None
    row: list[InlineKeyboardButton] = []
    if page > 0:
        row.append(_button("◀ Previous", ArticlesButton(page - 1)))
    if page < pages - 1:
        row.append(_button("Next ▶", ArticlesButton(page + 1)))
    return InlineKeyboardMarkup([row])


def feeds_keyboard(feed_ids: list[int]) -> InlineKeyboardMarkup:
    """Under /feeds: "Remove N" for each listed feed (four a row), and "Check now"."""
    removes = [
        _button(f"Remove {number}", FeedButton("remove", feed_id))
        for number, feed_id in enumerate(feed_ids, start=1)
    ]
    rows = [removes[i : i + 4] for i in range(0, len(removes), 4)]
    rows.append([_button("Check all feeds now", FeedButton("check"))])
    return InlineKeyboardMarkup(rows)


def _button(text: str, target: AnswerButton | ArticlesButton | FeedButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=target.data())
