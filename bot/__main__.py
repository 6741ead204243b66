"""``python -m bot serve``: the same command line as ``newsbot``."""

from __future__ import annotations

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
