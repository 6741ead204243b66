"""Where settings come from: the process environment over a ``.env`` file, and default folders.

``bot.settings`` validates what this returns; nothing else reads ``.env``. Variables set in
the environment win over the file, as in Docker Compose.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

__all__ = ["ENV_FILE_VARIABLE", "PROJECT_SEEDS_DIR", "default_seeds_dir", "load_environment"]

ENV_FILE_VARIABLE = "NEWSBOT_ENV_FILE"
"""Names the settings file to read instead of ``.env``; set it empty to read none."""

PROJECT_SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
"""The articles bundled with newsbot, used when the working directory has no ``seeds``."""


def load_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment with ``.env`` (in the working directory) filled in underneath.

    Args:
        environ: The process environment; its values win over the file's.

    Returns:
        A new mapping; ``os.environ`` is not changed.
    """
    name = environ.get(ENV_FILE_VARIABLE, ".env")
    path = Path(name) if name.strip() else None
    if path is None or not path.is_file():
        return dict(environ)
    from_file = {key: value for key, value in dotenv_values(path).items() if value is not None}
    return {**from_file, **environ}


def default_seeds_dir(relative: Path) -> Path:
    """``relative`` (``seeds``) when the working directory has it, else the project's own."""
    if relative.is_dir() or not PROJECT_SEEDS_DIR.is_dir():
        return relative
    return PROJECT_SEEDS_DIR
