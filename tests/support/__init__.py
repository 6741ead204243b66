"""Test support: the fake Telegram Bot API server and Telegram's HTML parse-mode rules."""

from .fake_telegram import TOKEN, ApiCall, FakeTelegram, SentMessage, detect_entities
from .telegram_html import ParsedText, TelegramHTMLError, parse_telegram_html

__all__ = [
    "TOKEN",
    "ApiCall",
    "FakeTelegram",
    "ParsedText",
    "SentMessage",
    "TelegramHTMLError",
    "detect_entities",
    "parse_telegram_html",
]
