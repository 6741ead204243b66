"""A fork server for crash tests: imports newsbot once, then forks one `newsbot` run per request.

Starting `newsbot ingest` costs 10-30 s of imports (torch, sentence-transformers) before any
work, so killing fifty real processes at random moments would take most of an hour. This
server pays the import once and forks a child per request that runs the real CLI entry point
(``bot.cli.main.main``) with its own stdout/stderr files, exactly as the console script does. The
server itself never loads the model or runs torch, so forking it is safe.

Protocol (one JSON object per line):
    stdin   {"argv": [...], "stdout": PATH, "stderr": PATH, "env": {...}, "cwd": PATH}
    stdout  {"ready": true}                       once, after the imports
            {"pid": N}                            after each fork, in request order
            {"exit": N, "code": C}                when child N ends (C < 0: killed by signal -C)

It exits when stdin closes. Only the reliability tests use it (tests/stress/harness.py).
"""

from __future__ import annotations

import json
import os
import select
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _preload() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import sentence_transformers  # noqa: F401, PLC0415 - the slow import, paid once

    import bot.cli.main  # noqa: F401, PLC0415
    import retrieval  # noqa: F401, PLC0415


def _child(request: dict[str, object]) -> None:
    """Run in the forked child: redirect output, then run the CLI; never returns."""
    code = 70
    try:
        for fd, key in ((1, "stdout"), (2, "stderr")):
            target = os.open(str(request[key]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(target, fd)
            os.close(target)
        sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
        os.environ.update({str(k): str(v) for k, v in dict(request.get("env") or {}).items()})
        if request.get("cwd"):
            os.chdir(str(request["cwd"]))
        from bot.cli import main  # noqa: PLC0415

        code = main([str(arg) for arg in list(request["argv"])])  # type: ignore[call-overload]
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback  # noqa: PLC0415

        traceback.print_exc()
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _say(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _reap() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        _say({"exit": pid, "code": code})


def main() -> int:
    """Serve fork requests until stdin closes."""
    _preload()
    _say({"ready": True})
    buffer = b""
    stdin = sys.stdin.buffer.raw  # type: ignore[attr-defined]
    while True:
        readable, _, _ = select.select([stdin], [], [], 0.02)
        _reap()
        if not readable:
            continue
        chunk = os.read(stdin.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if not line.strip():
                continue
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _child(request)
            _say({"pid": pid})
    while True:  # stdin closed: wait for the children still running
        try:
            os.wait()
        except ChildProcessError:
            return 0


if __name__ == "__main__":
    sys.exit(main())
