"""Print the package index pip should take torch from, so that CI never pulls CUDA torch.

The official CPU-only index when it answers within 5 seconds; otherwise an empty line, which
makes `make setup` use the default index together with PIP_FIND_LINKS, but only when a folder
in PIP_FIND_LINKS holds a CPU wheel of the pinned torch (pip then prefers that local
``+cpu`` wheel). With neither, it exits 1 and says why: a plain `pip install torch` would
download the multi-GB CUDA build.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

CPU_INDEX = os.environ.get("TORCH_CPU_INDEX", "https://download.pytorch.org/whl/cpu")
VERSION = os.environ.get("TORCH_VERSION", "2.13.0")


def reachable(url: str) -> bool:
    """Whether the index answers at all within 5 seconds."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/torch/", timeout=5):  # noqa: S310
            return True
    except (OSError, ValueError):
        return False


def local_cpu_wheel() -> Path | None:
    """A torch CPU wheel of the pinned version in a PIP_FIND_LINKS folder, if there is one."""
    for folder in os.environ.get("PIP_FIND_LINKS", "").split():
        for wheel in sorted(Path(folder).glob(f"torch-{VERSION}+cpu-*.whl")):
            return wheel
    return None


def main() -> int:
    if reachable(CPU_INDEX):
        print(CPU_INDEX)
        return 0
    wheel = local_cpu_wheel()
    if wheel is not None:
        print(f"ci: {CPU_INDEX} is unreachable; using the local wheel {wheel}", file=sys.stderr)
        print("")
        return 0
    print(
        f"ci: {CPU_INDEX} is unreachable and no torch-{VERSION}+cpu wheel is in PIP_FIND_LINKS;"
        " refusing to let pip fetch the CUDA build. Set TORCH_INDEX_URL to a CPU index or"
        " mirror, or put the CPU wheel in a PIP_FIND_LINKS folder.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
