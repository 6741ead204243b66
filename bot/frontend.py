"""What `newsbot serve` needs from a chat front end (Telegram, Discord): the FrontEnd protocol."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.services import Services
    from bot.web import WebServer

__all__ = ["FrontEnd", "FrontEndError"]


class FrontEndError(Exception):
    """Raised when a front end cannot run (a rejected token, an unreachable API at start).

    The message is one line for the log that says what to do; it never holds a secret.
    """


class FrontEnd(Protocol):
    """One chat platform, run by ``bot.serve`` beside the others on one engine.

    Attributes:
        name: Its key in ``/healthz``'s ``frontends`` object ("telegram", "discord").
        state: What ``/healthz`` shows: "starting", "connecting", "running", "reconnecting",
            "stopping", "stopped" or "failed".
    """

    name: str
    state: str

    def mount(self, server: WebServer) -> None:
        """Add this front end's routes (a webhook) to the HTTP server before it starts."""

    async def run(self, services: Services) -> None:
        """Connect and serve until ``stop`` is called, then return.

        Raises:
            FrontEndError: When it cannot start or stops serving on its own.
        """

    async def stop(self) -> None:
        """Make ``run`` return soon (also while it is still connecting); safe to call twice."""
