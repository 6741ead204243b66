"""The index directory's write lock: one writer at a time, across processes (flock)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

from retrieval.errors import IndexLockedError

_LOGGER = logging.getLogger(__name__)


@contextlib.contextmanager
def write_lock(index_dir: Path, *, timeout: float = 0.0) -> Iterator[None]:
    """Hold the index directory's exclusive write lock.

    Raises:
        IndexLockedError: When another process holds it for longer than ``timeout`` seconds.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / ".lock"
    handle = path.open("a+")
    deadline = time.monotonic() + timeout
    waiting = False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"The index at {index_dir} is being written by {holder}. Wait for that "
                        "ingest to finish, then try again."
                    ) from None
                if not waiting:
                    # Say why nothing happens: a silent wait of minutes looks like a hang.
                    _LOGGER.warning(
                        "The index at %s is being written by %s; waiting up to %.0f s for it "
                        "to finish.",
                        index_dir,
                        holder,
                        timeout,
                    )
                    waiting = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the flock
