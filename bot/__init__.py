"""newsbot's front ends (terminal, Telegram, Discord) and the server that runs them.

They use the retrieval package's public API only.
"""

from __future__ import annotations

__all__: list[str] = []
