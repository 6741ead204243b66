"""The on-disk index: manifest, atomic generations, verification that names the fix."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import pytest

from retrieval import Embedder, Engine, IndexCorruptError, IndexLockedError, IndexMismatchError
from retrieval.index.layout import CURRENT, GENERATIONS, current_generation
from retrieval.index.loader import load_index
from retrieval.index.lock import write_lock
from retrieval.index.manifest import read_manifest
from tests.conftest import SEEDS


def _live(index_dir: Path) -> Path:
    return current_generation(index_dir)


def test_manifest_describes_the_generation(seed_index_dir: Path) -> None:
    manifest = read_manifest(_live(seed_index_dir))
    loaded = load_index(seed_index_dir)
    assert manifest.articles == len(loaded.articles) == 5
    assert manifest.chunks == len(loaded.chunks) == loaded.vectors.size == loaded.lexical.size
    assert manifest.dimension == 384
    assert manifest.model_id == "sentence-transformers/all-MiniLM-L6-v2"
    assert {"meta.sqlite", "vectors.faiss"} <= set(manifest.files)
    assert all(len(entry["sha256"]) == 64 for entry in manifest.files.values())


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flip_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _damage_manifest(path: Path) -> None:
    path.write_text("{not json", encoding="utf-8")


@pytest.mark.parametrize(
    ("target", "damage", "expected"),
    [
        ("vectors.faiss", _truncate, "vectors.faiss"),
        ("vectors.faiss", _flip_bit, "SHA-256"),
        ("meta.sqlite", _truncate, "meta.sqlite"),
        ("meta.sqlite", _flip_bit, "SHA-256"),
        ("vectors.faiss", Path.unlink, "missing"),
        ("meta.sqlite", Path.unlink, "missing"),
        ("manifest.json", Path.unlink, "manifest"),
        ("manifest.json", _damage_manifest, "manifest"),
        ("bm25/params.index.json", _flip_bit, "SHA-256"),
        ("bm25/vocab.index.json", Path.unlink, "missing"),
    ],
)
def test_damaged_files_are_detected_with_the_fix(
    seed_index_copy: Path, target: str, damage: object, expected: str
) -> None:
    damage(_live(seed_index_copy) / target)  # type: ignore[operator]
    with pytest.raises(IndexCorruptError) as excinfo:
        load_index(seed_index_copy)
    message = str(excinfo.value)
    assert expected in message
    assert "newsbot repair --index-dir" in message
    assert str(seed_index_copy.absolute()) in message


def test_extra_file_in_a_generation_is_detected(seed_index_copy: Path) -> None:
    (_live(seed_index_copy) / "stray.bin").write_bytes(b"x")
    with pytest.raises(IndexCorruptError, match="Unexpected file"):
        load_index(seed_index_copy)


def test_current_pointing_nowhere_is_detected(seed_index_copy: Path) -> None:
    (seed_index_copy / CURRENT).write_text("gen-doesnotexist\n")
    with pytest.raises(IndexCorruptError, match="missing"):
        load_index(seed_index_copy)
    (seed_index_copy / CURRENT).write_text("../../etc\n")
    with pytest.raises(IndexCorruptError, match="does not name a generation"):
        load_index(seed_index_copy)


def test_model_mismatch_is_refused(seed_index_copy: Path) -> None:
    with pytest.raises(IndexMismatchError, match="model weights"):
        load_index(seed_index_copy, model_hash="0" * 64)


def test_inconsistent_metadata_is_detected_even_with_valid_checksums(
    seed_index_copy: Path,
) -> None:
    live = _live(seed_index_copy)
    db = sqlite3.connect(live / "meta.sqlite")
    db.execute("DELETE FROM chunks WHERE row = (SELECT MAX(row) FROM chunks)")
    db.commit()
    db.close()
    # Re-sign the manifest so only the consistency check can catch it.
    from retrieval.index.layout import MANIFEST  # noqa: PLC0415
    from retrieval.index.writer import _checksums  # noqa: PLC0415

    manifest = read_manifest(live)
    files = {k: v for k, v in _checksums(live).items() if k != MANIFEST}
    resigned = dataclasses.replace(manifest, files=files)
    (live / MANIFEST).write_text(resigned.to_json())
    with pytest.raises(IndexCorruptError, match="inconsistent"):
        load_index(seed_index_copy)


def test_temporary_generation_is_never_loaded(seed_index_copy: Path, embedder: Embedder) -> None:
    live = _live(seed_index_copy)
    half_written = seed_index_copy / GENERATIONS / ".tmp-gen-99999999T000000000000-deadbeef"
    shutil.copytree(live, half_written)
    (half_written / "vectors.faiss").write_bytes(b"garbage")
    loaded = load_index(seed_index_copy)
    assert loaded.directory == live
    # The next writer removes the stale temporary folder.
    Engine(seed_index_copy, embedder=embedder).ingest([SEEDS], rebuild=True)
    assert not half_written.exists()


def test_a_second_writer_is_refused_clearly(tmp_path: Path) -> None:
    with (
        write_lock(tmp_path),
        pytest.raises(IndexLockedError, match="being written"),
        write_lock(tmp_path, timeout=0.3),
    ):
        pass
    with write_lock(tmp_path, timeout=0.3):
        pass  # released after the first holder left


def test_rebuild_switches_generation_and_keeps_one_previous(
    seed_index_copy: Path, embedder: Embedder
) -> None:
    engine = Engine(seed_index_copy, embedder=embedder)
    before = _live(seed_index_copy).name
    for _ in range(3):
        engine.ingest([SEEDS], rebuild=True)
    after = _live(seed_index_copy).name
    assert after != before
    generations = [
        p for p in (seed_index_copy / GENERATIONS).iterdir() if p.name.startswith("gen-")
    ]
    assert len(generations) == 2
