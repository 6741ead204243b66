"""`make bench-data`: download over HTTP from a loopback server, verify, unpack, or explain."""

from __future__ import annotations

import hashlib
import http.server
import json
import socket
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from benchmarks import data_dir, fetch_data
from tests.support.paths import needs_data

FILES = {
    "corpus.jsonl": b'{"_id": "1", "title": "t", "text": "x"}\n',
    "qrels/test.tsv": b"query-id\tcorpus-id\tscore\n1\t1\t1\n",
}


class _Server:
    """A static HTTP server on 127.0.0.1 that remembers the paths it was asked for."""

    def __init__(self, folder: Path) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                server.requests.append(self.path)

        self._httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(Handler, directory=str(folder))
        )
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> _Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[_Server]:
    """Serves ``toy.zip``: the files under ``toy/``, plus a stray file the manifest omits."""
    site = tmp_path / "site"
    site.mkdir()
    with zipfile.ZipFile(site / "toy.zip", "w") as bundle:
        for name, data in FILES.items():
            bundle.writestr(f"toy/{name}", data)
        bundle.writestr("__MACOSX/toy/._corpus.jsonl", b"resource fork")
    with _Server(site) as running:
        yield running


def _manifest(tmp_path: Path, url: str | None, **wrong: str) -> Path:
    files = {name: hashlib.sha256(data).hexdigest() for name, data in FILES.items()}
    files.update(wrong)
    path = tmp_path / "checksums.json"
    document = {"datasets": {"toy": {"url": url, "archive_root": "toy", "files": files}}}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/toy.zip"


def _fetch(data: Path, manifest: Path, *names: str) -> int:
    return fetch_data.main([*names, "--data-dir", str(data), "--manifest", str(manifest)])


def test_downloads_verifies_and_unpacks_in_the_benchmarks_layout(
    tmp_path: Path, server: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    manifest = _manifest(tmp_path, f"{server.base_url}/toy.zip")
    assert _fetch(data, manifest) == 0
    for name, content in FILES.items():
        assert (data / "toy" / name).read_bytes() == content
    assert sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()) == [
        "toy/corpus.jsonl",
        "toy/qrels/test.tsv",
    ]  # no zip, no temporary folder, no stray file
    assert f"unpacked from {server.base_url}/toy.zip" in capsys.readouterr().out
    # A second run only verifies.
    asked = len(server.requests)
    assert _fetch(data, manifest) == 0
    assert "toy: already there, 2 files verified" in capsys.readouterr().out
    assert len(server.requests) == asked


def test_a_checksum_mismatch_leaves_nothing_behind(
    tmp_path: Path, server: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    manifest = _manifest(tmp_path, f"{server.base_url}/toy.zip", **{"qrels/test.tsv": "0" * 64})
    assert _fetch(data, manifest) == 2
    err = capsys.readouterr().err
    assert "qrels/test.tsv has other contents" in err
    assert "checksums.json" in err
    assert list(data.iterdir()) == []


def test_without_network_it_says_which_url_failed_and_where_to_put_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    url = _closed_port_url()
    assert _fetch(data, _manifest(tmp_path, url)) == 2
    err = capsys.readouterr().err
    assert f"could not download {url}" in err
    assert f"put it at {data / 'toy.zip'}" in err
    assert "`make bench-data` again" in err
    assert list(data.iterdir()) == []


def test_a_zip_put_there_by_hand_is_unpacked_and_kept(
    tmp_path: Path, server: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "toy.zip").write_bytes((tmp_path / "site" / "toy.zip").read_bytes())
    assert _fetch(data, _manifest(tmp_path, _closed_port_url())) == 0
    assert (data / "toy" / "corpus.jsonl").read_bytes() == FILES["corpus.jsonl"]
    assert (data / "toy.zip").is_file()
    assert server.requests == []
    assert f"unpacked from {data / 'toy.zip'}" in capsys.readouterr().out


def test_a_changed_folder_is_reported_and_left_alone(
    tmp_path: Path, server: _Server, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    manifest = _manifest(tmp_path, f"{server.base_url}/toy.zip")
    assert _fetch(data, manifest) == 0
    (data / "toy" / "corpus.jsonl").write_bytes(b"edited\n")
    assert _fetch(data, manifest) == 2
    err = capsys.readouterr().err
    assert "corpus.jsonl has other contents" in err
    assert "move it away or delete it" in err
    assert (data / "toy" / "corpus.jsonl").read_bytes() == b"edited\n"


def test_a_data_set_without_a_url_says_where_it_goes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    assert _fetch(data, _manifest(tmp_path, None)) == 0
    out = capsys.readouterr().out
    assert "toy: cannot be downloaded" in out
    assert f"put its folder at {data / 'toy'}" in out


def test_the_committed_manifest_names_the_official_sources() -> None:
    sources = {s.name: s for s in fetch_data.load_manifest()}
    assert sources["scifact"].url == (
        "https://public.ukp.informatik.tu-darmstadt.de/thakur/BEIR/datasets/scifact.zip"
    )
    assert sources["bbc"].url == "http://mlg.ucd.ie/files/datasets/bbc-fulltext.zip"
    assert sources["realworld-news"].url is None
    for dataset in data_dir.DATASETS.values():
        assert set(dataset.markers) <= {
            part for name in sources[dataset.name].files for part in (name, name.split("/")[0])
        }


@needs_data(data_dir.SCIFACT, data_dir.BBC)
def test_the_committed_manifest_matches_the_data_the_benchmarks_read() -> None:
    for source in fetch_data.load_manifest():
        folder = data_dir.dataset_dir(data_dir.DATASETS[source.name])
        if source.url is None and not folder.exists():
            continue
        assert fetch_data.verify(folder, source) == [], source.name
