"""Keeping the per-user throttles across restarts: saved at shutdown, restored at start.

A user who floods the bot must not get a fresh budget by waiting for a restart (or by making
the bot crash-loop). The buckets are small (at most ``Throttle.max_users`` each) and saved as
JSON beside the index, written to a temporary file and renamed, so a crash mid-write leaves
the previous file.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

from bot.throttle import Throttle

__all__ = ["THROTTLE_FILE", "restore_throttles", "save_throttles"]

_LOGGER = logging.getLogger(__name__)

THROTTLE_FILE = "throttle.json"
"""The file's name in the index directory (``newsbot serve`` keeps it there)."""


def save_throttles(path: Path, throttles: dict[str, Throttle]) -> None:
    """Write every throttle's buckets to ``path``; a failure is logged, never raised."""
    data = {
        "saved_at": time.time(),
        "throttles": {name: throttle.dump() for name, throttle in throttles.items()},
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(data), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        _LOGGER.warning("could not save the question throttles to %s: %s", path, exc)
        temporary.unlink(missing_ok=True)


def restore_throttles(path: Path, throttles: dict[str, Throttle]) -> None:
    """Load what ``save_throttles`` wrote; a missing or damaged file starts them afresh."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        elapsed = max(0.0, time.time() - float(data["saved_at"]))
        for name, throttle in throttles.items():
            rows = data["throttles"].get(name, [])
            throttle.load(((r[0], r[1], r[2], r[3]) for r in rows), elapsed=elapsed)
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
        _LOGGER.warning("ignoring the saved question throttles in %s: %s", path, exc)
