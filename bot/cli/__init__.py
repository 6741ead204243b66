"""The terminal front end and the `newsbot` command."""

from bot.cli.main import main

__all__ = ["main"]
