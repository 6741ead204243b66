"""The tracked files name no folder of the machine that made them (home, temp, workspace)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.support.paths import ROOT

# A path into a home, temporary or workspace folder, not part of a URL or a relative path.
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|tmp|home|root|Users|var/folders|private/var)/")


def _tracked_files() -> list[str]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: there is no list of tracked files to check")
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    )
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_no_tracked_file_names_a_machine_folder() -> None:
    found = []
    for name in _tracked_files():
        if name == "tests/test_repository.py":
            continue
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        found += [
            f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group()}"
            for m in MACHINE_PATH.finditer(text)
        ]
    assert not found, "write these relative to the repository or the data folder:\n" + "\n".join(
        found
    )
