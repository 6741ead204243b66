"""Running `newsbot` as a user would: a child process of this interpreter, output captured."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT


def clean_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without newsbot, Telegram or Discord settings, plus ``env``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEWSBOT_", "TELEGRAM_", "DISCORD_"))
    }
    environment.update({"HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **(env or {})})
    return environment


def newsbot(
    *args: str,
    cwd: Path = ROOT,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` in ``cwd`` with no newsbot or Telegram settings but ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_environment(env),
        timeout=300,
        check=False,
    )


async def newsbot_in_loop(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """As ``newsbot``, awaited: the caller's event loop keeps serving (a loopback site)."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=clean_environment(env),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate(stdin.encode())
    assert child.returncode is not None
    return subprocess.CompletedProcess(
        ["newsbot", *args], child.returncode, out.decode(), err.decode()
    )
