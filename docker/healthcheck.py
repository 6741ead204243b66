"""The container health check: exit 0 when newsbot's /healthz answers 200, else exit 1.

It runs as a separate process inside the container (Docker's HEALTHCHECK, compose's
healthcheck), so it uses the standard library only and reads the port the bot reads:
``NEWSBOT_PORT``, default 8080. Exit status 1 is what Docker counts as "unhealthy".
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_S = 4.0


def main() -> int:
    """Fetch /healthz on the loopback interface; print its body or why it failed."""
    port = os.environ.get("NEWSBOT_PORT", "").strip() or "8080"
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            print(response.read().decode(errors="replace"))
            return 0
    except urllib.error.HTTPError as exc:
        print(f"{url}: HTTP {exc.code} {exc.read().decode(errors='replace')}", file=sys.stderr)
    except (OSError, ValueError) as exc:
        print(f"{url}: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
