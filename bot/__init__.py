"""The Telegram front end of newsbot; it uses the retrieval package's public API only."""

from __future__ import annotations

__all__: list[str] = []
