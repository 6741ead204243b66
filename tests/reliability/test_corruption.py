"""Corrupt indexes: every kind of damage is caught before use, with a message naming the fix.

Each damage is applied to a copy of a two-generation index (so files can be swapped between
generations). Three views must agree: ``load_index`` raises a RetrievalError naming
`newsbot repair --index-dir DIR`; `newsbot ask` prints that message on one stderr line and
exits non-zero (no traceback); a bot that loaded the index before the damage reports 503 on
/healthz instead of claiming to be fine. The named fix then recovers every article, those of
the newer generation included: a repair never falls back on the seeds alone.
tests/retrieval/index/test_generations.py covers the basic kinds at the ``load_index`` level;
this module adds the rest and the CLI and bot views.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np
import pytest

from bot.cli.main import main as cli_main
from bot.health import HealthCheck
from bot.serve import run
from bot.settings import Settings
from bot.web import WebServer
from retrieval import Embedder, Engine, RetrievalError
from retrieval.index.dense import VectorIndex, stored_ids
from retrieval.index.layout import CURRENT, GENERATIONS, MANIFEST, current_generation
from retrieval.index.loader import load_index
from retrieval.index.manifest import read_manifest
from retrieval.index.writer import _checksums
from tests.stress.harness import synthetic_articles

FIX = "newsbot repair --index-dir"


@pytest.fixture(scope="module")
def two_generations(
    tmp_path_factory: pytest.TempPathFactory, seed_index_dir: Path, embedder: Embedder
) -> Path:
    """The seed index plus one small article, so that a previous generation exists."""
    directory = tmp_path_factory.mktemp("two-gen") / "index"
    shutil.copytree(seed_index_dir, directory)
    extra = directory.parent / "extra"
    synthetic_articles(extra, 7000, count=1, paragraphs=2)
    Engine(directory, embedder=embedder).ingest([extra])
    assert len(list((directory / GENERATIONS).glob("gen-*"))) == 2
    return directory


@pytest.fixture
def index(two_generations: Path, tmp_path: Path) -> Path:
    target = tmp_path / "index"
    shutil.copytree(two_generations, target)
    return target


def _live(index_dir: Path) -> Path:
    return current_generation(index_dir)


def _previous(index_dir: Path) -> Path:
    live = _live(index_dir)
    (other,) = [p for p in (index_dir / GENERATIONS).glob("gen-*") if p != live]
    return other


def _resign(generation: Path, **changes: Any) -> None:
    """Rewrite the manifest so its checksums match the (altered) files: only deeper checks help."""
    files = {k: v for k, v in _checksums(generation).items() if k != MANIFEST}
    manifest = dataclasses.replace(read_manifest(generation), files=files, **changes)
    (generation / MANIFEST).write_text(manifest.to_json())


def _edit_manifest(generation: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = generation / MANIFEST
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))


def _flip(path: Path, at: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * at)] ^= 0x10
    path.write_bytes(bytes(data))


def _sql(generation: Path, statement: str) -> None:
    db = sqlite3.connect(generation / "meta.sqlite")
    db.execute(statement)
    db.commit()
    db.close()


def _faiss_of(generation: Path, *, dimension: int, shuffle_ids: bool = False) -> None:
    loaded = VectorIndex.load(generation / "vectors.faiss")
    ids = stored_ids(loaded)
    if shuffle_ids:
        ids = ids + 1  # same count, none of them the metadata's
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(ids), dimension)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    VectorIndex.build(ids, vectors, dimension=dimension).save(generation / "vectors.faiss")


def _swap(index_dir: Path, name: str) -> None:
    shutil.copyfile(_previous(index_dir) / name, _live(index_dir) / name)


def _set_current(index_dir: Path, data: bytes) -> None:
    (index_dir / CURRENT).write_bytes(data)


def _current_is_a_folder(index_dir: Path) -> None:
    (index_dir / CURRENT).unlink()
    (index_dir / CURRENT).mkdir()


def _current_names_a_temporary(index_dir: Path) -> None:
    name = ".tmp-gen-20990101T000000000000-deadbeef"
    shutil.copytree(_live(index_dir), index_dir / GENERATIONS / name)
    _set_current(index_dir, f"{name}\n".encode())


def _vocab_drop(generation: Path) -> None:
    path = generation / "bm25" / "vocab.index.json"
    vocab = json.loads(path.read_text())
    keep = dict(list(vocab.items())[: len(vocab) // 2])
    path.write_text(json.dumps(keep))


def _bm25_from_previous(index_dir: Path) -> None:
    live, previous = _live(index_dir), _previous(index_dir)
    shutil.rmtree(live / "bm25")
    shutil.copytree(previous / "bm25", live / "bm25")
    _resign(live)


def _manifest_is_a_folder(generation: Path) -> None:
    (generation / MANIFEST).unlink()
    (generation / MANIFEST).mkdir()


def _deep_json(generation: Path) -> None:
    (generation / MANIFEST).write_text("[" * 100_000 + "]" * 100_000)


def _symlink_outside(generation: Path) -> None:
    outside = generation.parent.parent.parent / "outside.faiss"
    outside.write_bytes(b"\0" * 64)
    (generation / "vectors.faiss").unlink()
    (generation / "vectors.faiss").symlink_to(outside)


# Each damage takes the index directory; most work on the live generation.
def _on_live(damage: Callable[[Path], object]) -> Callable[[Path], None]:
    def damage_live(index_dir: Path) -> None:
        damage(_live(index_dir))

    return damage_live


def _resigned(damage: Callable[[Path], object], **changes: Any) -> Callable[[Path], None]:
    """``damage``, then a manifest whose checksums match, so only deeper checks can tell."""

    def damage_and_resign(generation: Path) -> None:
        damage(generation)
        _resign(generation, **changes)

    return damage_and_resign


def _truncate_to_zero(name: str) -> Callable[[Path], None]:
    return _on_live(lambda g: (g / name).write_bytes(b""))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "vectors truncated to zero bytes": _truncate_to_zero("vectors.faiss"),
    "metadata truncated to zero bytes": _truncate_to_zero("meta.sqlite"),
    "manifest truncated to zero bytes": _truncate_to_zero(MANIFEST),
    "bm25 matrix bit-flipped": _on_live(lambda g: _flip(g / "bm25" / "data.csc.index.npy")),
    "metadata bit-flipped near the end": _on_live(lambda g: _flip(g / "meta.sqlite", 0.99)),
    "bm25 indptr deleted": _on_live(lambda g: (g / "bm25" / "indptr.csc.index.npy").unlink()),
    "bm25 folder deleted": _on_live(lambda g: shutil.rmtree(g / "bm25")),
    "vectors swapped with the previous generation's": lambda d: _swap(d, "vectors.faiss"),
    "metadata swapped with the previous generation's": lambda d: _swap(d, "meta.sqlite"),
    "manifest swapped with the previous generation's": lambda d: _swap(d, MANIFEST),
    "bm25 swapped with the previous generation's, re-signed": _bm25_from_previous,
    "manifest chunk count off by one": _on_live(
        lambda g: _edit_manifest(g, lambda m: m["counts"].update(chunks=m["counts"]["chunks"] + 1))
    ),
    "manifest article count off by one": _on_live(
        lambda g: _edit_manifest(
            g, lambda m: m["counts"].update(articles=m["counts"]["articles"] - 1)
        )
    ),
    "manifest names another model": _on_live(
        lambda g: _edit_manifest(g, lambda m: m["model"].update(sha256="0" * 64))
    ),
    "manifest says 768 dimensions": _on_live(
        lambda g: _edit_manifest(g, lambda m: m["model"].update(dim=768))
    ),
    "manifest from a future format": _on_live(
        lambda g: _edit_manifest(g, lambda m: m.update(format_version=99))
    ),
    "manifest with a file entry of the wrong type": _on_live(
        lambda g: _edit_manifest(g, lambda m: m["files"].update({"meta.sqlite": 5}))
    ),
    "manifest is a JSON list": _on_live(lambda g: (g / MANIFEST).write_text("[1, 2]")),
    "manifest nested 100,000 deep": _on_live(_deep_json),
    "manifest is a folder": _on_live(_manifest_is_a_folder),
    "manifest names another generation": _on_live(
        lambda g: _edit_manifest(g, lambda m: m.update(generation="gen-19700101T000000000000"))
    ),
    "CURRENT names a missing generation": lambda d: _set_current(d, b"gen-20990101T000000\n"),
    "CURRENT names a temporary folder": _current_names_a_temporary,
    "CURRENT is binary garbage": lambda d: _set_current(d, bytes(range(256))),
    "CURRENT is empty": lambda d: _set_current(d, b""),
    "CURRENT is a folder": _current_is_a_folder,
    # Not "no index yet": building one from the seeds would hide the user's articles.
    "CURRENT deleted": lambda d: (d / CURRENT).unlink(),
    "CURRENT escapes the index": lambda d: _set_current(d, b"gen-x/../../../etc\n"),
    "live generation folder deleted": lambda d: shutil.rmtree(_live(d)),
    "extra file in the generation": _on_live(lambda g: (g / "notes.txt").write_text("hi")),
    "extra file in the bm25 folder": _on_live(lambda g: (g / "bm25" / "x.npy").write_bytes(b"")),
    "vectors replaced by a symlink outside": _on_live(_symlink_outside),
    "article rows deleted, re-signed": _on_live(
        _resigned(
            lambda g: _sql(
                g, "DELETE FROM articles WHERE source = (SELECT MIN(source) FROM articles)"
            )
        )
    ),
    "passage offsets past the article end, re-signed": _on_live(
        _resigned(lambda g: _sql(g, 'UPDATE chunks SET "end" = "end" + 100000 WHERE row = 0'))
    ),
    "metadata replaced by garbage, re-signed": _on_live(
        _resigned(lambda g: (g / "meta.sqlite").write_bytes(b"SQLite format 3\0" + b"\xff" * 4000))
    ),
    "vectors of another dimension, re-signed": _on_live(
        _resigned(lambda g: _faiss_of(g, dimension=128))
    ),
    "vectors and manifest of another dimension, re-signed": _on_live(
        _resigned(lambda g: _faiss_of(g, dimension=128), dimension=128)
    ),
    "vectors with foreign ids, re-signed": _on_live(
        _resigned(lambda g: _faiss_of(g, dimension=384, shuffle_ids=True))
    ),
    "bm25 vocabulary altered": _on_live(_vocab_drop),
    "bm25 vocabulary altered, re-signed": _on_live(_resigned(_vocab_drop)),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damage_is_detected_before_use_with_the_fix(
    index: Path, damage: Callable[[Path], None], capsys: pytest.CaptureFixture[str]
) -> None:
    damage(index)

    with pytest.raises(RetrievalError) as caught:
        load_index(index, model_hash=read_manifest_hash())
    assert FIX in str(caught.value)

    code = cli_main(["--index-dir", str(index), "ask", "Why did Putin give rings?"])
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsbot: ") and FIX in lines[0], err


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_the_named_fix_repairs_the_damage(
    index: Path, damage: Callable[[Path], None], embedder: Embedder
) -> None:
    damage(index)

    report = Engine(index, embedder=embedder).repair()

    assert report.problem and not report.lost
    loaded = load_index(index, model_hash=embedder.model_hash)
    assert len(loaded.articles) == 6  # the five seeds and the article ingested after them
    assert loaded.directory.name == report.generation
    assert not list(index.glob(".CURRENT.*.tmp"))


def read_manifest_hash() -> str:
    from retrieval.embedding.protocol import MODEL_SHA256  # noqa: PLC0415

    return MODEL_SHA256


async def _healthz(port: int) -> tuple[int, dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/healthz") as response,
    ):
        return response.status, await response.json()


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
async def test_a_running_bot_reports_503_once_its_index_is_damaged(
    index: Path, damage: Callable[[Path], None], embedder: Embedder
) -> None:
    health = HealthCheck(mode="polling", verify_ttl_s=0, checksum_ttl_s=0)
    server = WebServer(health=health, port=0, host="127.0.0.1")
    await server.start()
    try:
        health.engine = Engine.open(index, embedder=embedder)
        status, body = await _healthz(server.port)
        assert (status, body["status"]) == (200, "ok"), body
        damage(index)
        status, body = await _healthz(server.port)
    finally:
        await server.stop()
    assert (status, body["status"]) == (503, "unhealthy"), body
    assert FIX in body["error"]


async def test_the_bot_refuses_to_start_on_a_damaged_index_with_a_clear_log_line(
    index: Path, caplog: pytest.LogCaptureFixture
) -> None:
    DAMAGE["vectors swapped with the previous generation's"](index)
    settings = Settings(
        token="123:" + "a" * 30,
        api_base_url="http://127.0.0.1:9/bot",
        index_dir=index,
        port=0,
    )
    import asyncio  # noqa: PLC0415

    code = await asyncio.wait_for(run(settings, asyncio.Event(), host="127.0.0.1"), 60)
    assert code == 1
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert any("cannot open the index" in m and FIX in m for m in errors), errors
