"""The files around the code: settings template, Makefile, license, CI's choice of torch."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from bot.environment import ENV_FILE_VARIABLE
from tests.support.paths import ROOT

TORCH_INDEX = ROOT / ".ci" / "torch_index.py"


def test_env_example_lists_every_setting_with_a_comment() -> None:
    read = set(re.findall(r'get\("([A-Z_]+)"\)', (ROOT / "bot" / "settings.py").read_text()))
    lines = (ROOT / ".env.example").read_text().splitlines()
    listed = {}
    for number, line in enumerate(lines):
        match = re.match(r"#?\s?([A-Z][A-Z_]+)=", line)
        if match:
            listed[match[1]] = number
    assert read | {ENV_FILE_VARIABLE} <= set(listed), sorted(read - set(listed))
    settings = set(listed.values())
    for name, number in listed.items():
        above = number - 1
        while above in settings:  # settings that belong together share one comment
            above -= 1
        assert lines[above].startswith("# "), f"{name} has no comment saying what it is"


def test_the_license_is_the_one_pyproject_declares_and_the_seeds_are_not_under_it() -> None:
    assert 'license = "MIT"' in (ROOT / "pyproject.toml").read_text()
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "belong to their publishers" in text
    assert "belong to their publishers" in (ROOT / "README.md").read_text()


def test_make_help_lists_every_target_with_how_long_it_takes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.MULTILINE))
    shown = subprocess.run(
        ["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    listed = dict(re.findall(r"^make (\S+)\s+(\[[^]]+\])", shown, flags=re.MULTILINE))
    assert targets == set(listed), targets ^ set(listed)


def _make(target: str, folder: Path, *, stdin: str = "", **variables: str) -> int:
    assignments = [f"{name}={value}" for name, value in variables.items()]
    return subprocess.run(
        ["make", "-s", "-f", str(ROOT / "Makefile"), target, "VENV=.venv-none", *assignments],
        cwd=folder,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    ).returncode


def test_make_clean_keeps_the_index_and_clean_data_asks_first(tmp_path: Path) -> None:
    (tmp_path / "var" / "index").mkdir(parents=True)
    (tmp_path / ".venv-none").mkdir()

    assert _make("clean", tmp_path) == 0
    assert (tmp_path / "var" / "index").is_dir() and not (tmp_path / ".venv-none").exists()
    assert _make("clean-data", tmp_path, stdin="n\n") != 0
    assert (tmp_path / "var" / "index").is_dir()
    assert _make("clean-data", tmp_path, stdin="y\n") == 0
    assert not (tmp_path / "var").exists()


@pytest.fixture
def cpu_index() -> Iterator[str]:
    """A stand-in for the PyTorch CPU index on 127.0.0.1."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<a>torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl</a>")

        def log_message(self, format: str, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/whl/cpu"
    server.shutdown()


def _torch_index(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TORCH_INDEX)],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ci_uses_the_cpu_index_when_it_answers(cpu_index: str) -> None:
    result = _torch_index({"TORCH_CPU_INDEX": cpu_index})
    assert result.returncode == 0 and result.stdout.strip() == cpu_index


def test_ci_falls_back_to_a_local_cpu_wheel_or_refuses(tmp_path: Path) -> None:
    unreachable = {"TORCH_CPU_INDEX": "http://127.0.0.1:9/whl/cpu"}
    refused = _torch_index({**unreachable, "PIP_FIND_LINKS": str(tmp_path)})
    assert refused.returncode == 1 and "CUDA" in refused.stderr

    (tmp_path / "torch-2.13.0+cpu-cp311-cp311-manylinux_2_28_x86_64.whl").write_bytes(b"")
    local = _torch_index({**unreachable, "PIP_FIND_LINKS": str(tmp_path)})
    assert local.returncode == 0 and local.stdout == "\n"  # empty: default index + find-links
    assert "local wheel" in local.stderr
