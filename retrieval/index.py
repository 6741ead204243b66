"""The on-disk index: generations of FAISS + BM25 + SQLite, a manifest, atomic switch, verify.

Layout of an index directory::

    CURRENT                  name of the live generation (replaced atomically)
    generations/<name>/      manifest.json, meta.sqlite, vectors.faiss, bm25/...
    generations/.tmp-*/      a generation being written; never loaded, removed when stale
    cache/embeddings.sqlite  embedding cache shared by all generations
    .lock                    held by the process that writes a generation

A writer builds a complete generation in a temporary folder, fsyncs it, renames it into place
and only then replaces ``CURRENT``; a crash at any point leaves the previous generation live.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import logging
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.article import Article
from retrieval.chunking import Chunk
from retrieval.embed import DIMENSION, MODEL_SHA256, Vectors
from retrieval.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotFoundError,
)
from retrieval.lexical import LexicalIndex
from retrieval.store import ChunkTable, read_metadata, write_metadata
from retrieval.vectors import ANN_THRESHOLD, VectorIndex, stored_ids

FORMAT_VERSION = 1
CURRENT = "CURRENT"
GENERATIONS = "generations"
MANIFEST = "manifest.json"
META = "meta.sqlite"
VECTORS = "vectors.faiss"
BM25_DIR = "bm25"
KEEP_GENERATIONS = 2
_LOGGER = logging.getLogger(__name__)
_FIX = "Rebuild it with `newsbot ingest --rebuild` (your article files are not affected)."


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a generation holds and how to check it."""

    generation: str
    created_at: datetime
    model_id: str
    model_hash: str
    dimension: int
    articles: int
    chunks: int
    vector_index: str
    files: dict[str, dict[str, Any]]
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        """Serialise to JSON text."""
        return json.dumps(
            {
                "format_version": self.format_version,
                "generation": self.generation,
                "created_at": self.created_at.isoformat(),
                "model": {"id": self.model_id, "sha256": self.model_hash, "dim": self.dimension},
                "counts": {"articles": self.articles, "chunks": self.chunks},
                "vector_index": self.vector_index,
                "files": self.files,
            },
            indent=2,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse JSON text written by :meth:`to_json`.

        Raises:
            ValueError: When a field is missing or has the wrong type.
        """
        try:
            data = json.loads(text)
        except RecursionError:
            raise ValueError("manifest JSON is nested too deeply") from None
        try:
            manifest = cls(
                format_version=int(data["format_version"]),
                generation=str(data["generation"]),
                created_at=datetime.fromisoformat(data["created_at"]),
                model_id=str(data["model"]["id"]),
                model_hash=str(data["model"]["sha256"]),
                dimension=int(data["model"]["dim"]),
                articles=int(data["counts"]["articles"]),
                chunks=int(data["counts"]["chunks"]),
                vector_index=str(data["vector_index"]),
                files=dict(data["files"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"manifest field missing or malformed: {exc}") from exc
        for name, entry in manifest.files.items():
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("bytes"), int)
                and isinstance(entry.get("sha256"), str)
                and name == Path(name).as_posix()
                and not Path(name).is_absolute()
                and ".." not in Path(name).parts
            ):
                raise ValueError(f"manifest entry for {name!r} is malformed")
        return manifest


@dataclass(frozen=True, slots=True)
class LoadedIndex:
    """One verified generation in memory; immutable, so searches can share it across threads."""

    directory: Path
    manifest: Manifest
    articles: dict[str, Article]
    chunks: ChunkTable
    vectors: VectorIndex
    lexical: LexicalIndex
    id_order: np.ndarray[Any, Any]  # rows sorted by FAISS id, for rows_for_ids

    def chunk_text(self, row: int) -> str:
        """The passage text of a chunk row."""
        article = self.articles[self.chunks.sources[row]]
        return article.text[int(self.chunks.starts[row]) : int(self.chunks.ends[row])]

    def rows_for_ids(self, ids: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        """Map FAISS ids to chunk rows."""
        order = self.id_order
        positions = np.searchsorted(self.chunks.ids, ids, sorter=order)
        return order[np.clip(positions, 0, len(order) - 1)]


def embedding_text(title: str, passage: str) -> str:
    """The text a chunk is embedded and BM25-indexed as: its article's title, then the passage."""
    return f"{title}\n\n{passage}"


# -- locking -----------------------------------------------------------------------------------


@contextlib.contextmanager
def write_lock(index_dir: Path, *, timeout: float = 0.0) -> Iterator[None]:
    """Hold the index directory's exclusive write lock.

    Raises:
        IndexLockedError: When another process holds it for longer than ``timeout`` seconds.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / ".lock"
    handle = path.open("a+")
    deadline = time.monotonic() + timeout
    waiting = False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"The index at {index_dir} is being written by {holder}. Wait for that "
                        "ingest to finish, then try again."
                    ) from None
                if not waiting:
                    # Say why nothing happens: a silent wait of minutes looks like a hang.
                    _LOGGER.warning(
                        "The index at %s is being written by %s; waiting up to %.0f s for it "
                        "to finish.",
                        index_dir,
                        holder,
                        timeout,
                    )
                    waiting = True
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the flock


# -- writing -----------------------------------------------------------------------------------


def write_generation(
    index_dir: Path,
    articles: Sequence[Article],
    chunks: Sequence[Chunk],
    vectors: Vectors,
    *,
    model_id: str,
    model_hash: str,
    ann_threshold: int = ANN_THRESHOLD,
) -> Manifest:
    """Write a complete generation and make it the live one. Call under :func:`write_lock`."""
    if len(chunks) != len(vectors):
        raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
    generations = index_dir / GENERATIONS
    generations.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(generations)
    name = datetime.now(UTC).strftime("gen-%Y%m%dT%H%M%S%f")
    temporary = generations / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    temporary.mkdir()
    dimension = int(vectors.shape[1]) if vectors.ndim == 2 and vectors.shape[1] else 384

    write_metadata(temporary / META, articles, chunks)
    ids = np.array([c.id for c in chunks], dtype=np.int64)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("duplicate chunk ids")
    vector_index = VectorIndex.build(
        ids, vectors, ann_threshold=ann_threshold, dimension=dimension
    )
    vector_index.save(temporary / VECTORS)
    titles = {a.source: a.title for a in articles}
    LexicalIndex.build([embedding_text(titles[c.source], c.text) for c in chunks]).save(
        temporary / BM25_DIR
    )
    manifest = Manifest(
        generation=name,
        created_at=datetime.now(UTC),
        model_id=model_id,
        model_hash=model_hash,
        dimension=dimension,
        articles=len(articles),
        chunks=len(chunks),
        vector_index=vector_index.kind,
        files=_checksums(temporary),
    )
    _write_durably(temporary / MANIFEST, manifest.to_json())
    _fsync_tree(temporary)
    final = generations / name
    temporary.rename(final)
    _fsync_dir(generations)
    _switch_current(index_dir, name)
    _prune(generations, keep=name)
    return manifest


def _checksums(directory: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory).as_posix()
        files[relative] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_durably(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for sub in [directory, *(p for p in directory.rglob("*") if p.is_dir())]:
        _fsync_dir(sub)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _switch_current(index_dir: Path, name: str) -> None:
    pointer = index_dir / CURRENT
    if pointer.is_dir() and not pointer.is_symlink():
        shutil.rmtree(pointer)  # a damaged pointer; replace() cannot overwrite a folder
    for stale in index_dir.glob(f".{CURRENT}.*.tmp"):  # left by writers killed mid-switch
        stale.unlink(missing_ok=True)
    temporary = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    _write_durably(temporary, name + "\n")
    temporary.replace(pointer)
    _fsync_dir(index_dir)


def _remove_stale_temporaries(generations: Path) -> None:
    # Only called under the write lock, so no temporary folder belongs to a live writer.
    for path in generations.glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)


def _prune(generations: Path, *, keep: str) -> None:
    names = sorted(p.name for p in generations.iterdir() if p.name.startswith("gen-"))
    for name in names[:-KEEP_GENERATIONS]:
        if name != keep:
            shutil.rmtree(generations / name, ignore_errors=True)


# -- reading -----------------------------------------------------------------------------------


def current_generation(index_dir: Path) -> Path:
    """Return the live generation's folder.

    Raises:
        IndexNotFoundError: When the directory holds no index.
        IndexCorruptError: When ``CURRENT`` names a missing or malformed generation.
    """
    pointer = index_dir / CURRENT
    if not pointer.exists() and not pointer.is_symlink():
        raise IndexNotFoundError(
            f"No index in {index_dir}. Build one with `newsbot ingest` (it reads seeds/ by "
            "default)."
        )
    if not pointer.is_file():
        raise IndexCorruptError(f"{pointer} is not a regular file. {_FIX}")
    try:
        name = pointer.read_text(encoding="utf-8", errors="replace").strip()
    except OSError as exc:
        raise IndexCorruptError(f"{pointer} cannot be read ({exc.strerror}). {_FIX}") from exc
    if not name.startswith("gen-") or "/" in name or name != Path(name).name:
        raise IndexCorruptError(f"{pointer} does not name a generation ({name!r}). {_FIX}")
    directory = index_dir / GENERATIONS / name
    if not directory.is_dir():
        raise IndexCorruptError(f"The live generation {directory} is missing. {_FIX}")
    return directory


def read_manifest(directory: Path) -> Manifest:
    """Read and parse a generation's manifest.

    Raises:
        IndexCorruptError: When it is missing or malformed.
    """
    path = directory / MANIFEST
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(f"{path} is missing. {_FIX}") from None
    except OSError as exc:
        raise IndexCorruptError(f"{path} cannot be read ({exc.strerror}). {_FIX}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(f"{path} is not a valid manifest ({exc}). {_FIX}") from exc


def verify_files(directory: Path, manifest: Manifest, *, checksums: bool = True) -> None:
    """Check every file the manifest lists (size, and SHA-256 when ``checksums``) and no more.

    Raises:
        IndexCorruptError: Naming the first file that is missing, extra, resized or altered.
    """
    listed = set(manifest.files)
    for relative, expected in sorted(manifest.files.items()):
        path = directory / relative
        if not path.is_file():
            raise IndexCorruptError(f"Index file {path} is missing. {_FIX}")
        size = path.stat().st_size
        if size != expected.get("bytes"):
            raise IndexCorruptError(
                f"Index file {path} has {size} bytes, expected {expected.get('bytes')} "
                f"(truncated or altered). {_FIX}"
            )
        try:
            altered = checksums and _sha256(path) != expected.get("sha256")
        except OSError as exc:
            raise IndexCorruptError(
                f"Index file {path} cannot be read ({exc.strerror}). {_FIX}"
            ) from exc
        if altered:
            raise IndexCorruptError(f"Index file {path} fails its SHA-256 check. {_FIX}")
    present = {
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }
    extra = sorted(present - listed)
    if extra:
        raise IndexCorruptError(f"Unexpected file {directory / extra[0]} in the index. {_FIX}")


def verify_live(
    index_dir: Path,
    *,
    model_hash: str | None = None,
    checksums: bool = True,
    expected: Manifest | None = None,
) -> tuple[Path, Manifest]:
    """Check the live generation on disk without loading it: pointer, manifest and files.

    Args:
        index_dir: The index directory.
        model_hash: When given, the index must have been built with these model weights.
        checksums: Verify every file's SHA-256 (sizes are always checked).
        expected: The manifest loaded earlier; when the live generation is still that one, its
            manifest on disk must not have changed.

    Returns:
        The live generation's folder and its manifest.

    Raises:
        IndexNotFoundError: No index yet.
        IndexMismatchError: Built with another model, dimension or format version.
        IndexCorruptError: Anything missing, altered or inconsistent.
    """
    directory = current_generation(index_dir)
    manifest = read_manifest(directory)
    if manifest.generation != directory.name:
        raise IndexCorruptError(
            f"The manifest in {directory} describes generation {manifest.generation!r}, not "
            f"this one (copied from another generation?). {_FIX}"
        )
    if (
        expected is not None
        and expected.generation == manifest.generation
        and manifest != expected
    ):
        raise IndexCorruptError(
            f"The manifest in {directory} changed after the index was loaded. {_FIX}"
        )
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index in {index_dir} has format {manifest.format_version}; this newsbot "
            f"reads format {FORMAT_VERSION}. {_FIX}"
        )
    if model_hash is not None and manifest.model_hash != model_hash:
        raise IndexMismatchError(
            f"The index in {index_dir} was built with model weights {manifest.model_hash[:12]}…"
            f" but the loaded model is {model_hash[:12]}…. {_FIX}"
        )
    if manifest.model_hash == MODEL_SHA256 and manifest.dimension != DIMENSION:
        raise IndexMismatchError(
            f"The index in {index_dir} claims {manifest.dimension}-dimensional vectors, but "
            f"{manifest.model_id} makes {DIMENSION}. {_FIX}"
        )
    verify_files(directory, manifest, checksums=checksums)
    return directory, manifest


def load_index(
    index_dir: Path, *, model_hash: str | None = None, checksums: bool = True
) -> LoadedIndex:
    """Load and verify the live generation.

    Args:
        index_dir: The index directory.
        model_hash: When given, the index must have been built with these model weights.
        checksums: Verify every file's SHA-256 (sizes are always checked).

    Raises:
        IndexNotFoundError: No index yet.
        IndexMismatchError: Built with another model or format version.
        IndexCorruptError: Anything missing, altered or inconsistent.
    """
    directory, manifest = verify_live(index_dir, model_hash=model_hash, checksums=checksums)
    try:
        articles, chunks = read_metadata(directory / META)
        vectors = VectorIndex.load(directory / VECTORS)
        lexical = LexicalIndex.load(directory / BM25_DIR, size=len(chunks))
    except (sqlite3.DatabaseError, RuntimeError, OSError, ValueError, KeyError) as exc:
        raise IndexCorruptError(
            f"The index in {directory} cannot be read ({exc}). {_FIX}"
        ) from exc
    loaded = LoadedIndex(
        directory,
        manifest,
        articles,
        chunks,
        vectors,
        lexical,
        id_order=np.argsort(chunks.ids, kind="stable"),
    )
    check_consistency(loaded)
    return loaded


def check_consistency(loaded: LoadedIndex) -> None:
    """Check that counts, ids and offsets agree across the manifest, SQLite, FAISS and BM25.

    Raises:
        IndexCorruptError: On the first disagreement.
    """
    manifest, chunks = loaded.manifest, loaded.chunks
    problems = []
    if len(loaded.articles) != manifest.articles:
        problems.append(f"{len(loaded.articles)} articles, manifest says {manifest.articles}")
    sizes = {"metadata": len(chunks), "FAISS": loaded.vectors.size, "BM25": loaded.lexical.size}
    for what, size in sizes.items():
        if size != manifest.chunks:
            problems.append(f"{what} holds {size} passages, manifest says {manifest.chunks}")
    if loaded.vectors.size and loaded.vectors.dimension != manifest.dimension:
        problems.append(f"vectors have {loaded.vectors.dimension} dimensions")
    problems += _bm25_problems(loaded.lexical, manifest.chunks)
    if not problems and not np.array_equal(
        np.sort(stored_ids(loaded.vectors)), np.sort(chunks.ids)
    ):
        problems.append("FAISS ids differ from the metadata ids")
    for row, source in enumerate(chunks.sources):
        article = loaded.articles.get(source)
        if article is None or not 0 <= chunks.starts[row] < chunks.ends[row] <= len(article.text):
            problems.append(f"passage row {row} points outside its article {source!r}")
            break
    if problems:
        raise IndexCorruptError(
            f"The index in {loaded.directory} is inconsistent: {'; '.join(problems)}. {_FIX}"
        )


def _bm25_problems(lexical: LexicalIndex, chunks: int) -> list[str]:
    """Check the BM25 files against themselves and the passage count.

    ``LexicalIndex.load`` takes its size from the metadata, so a BM25 folder from another
    generation (or with an edited vocabulary) would otherwise pass unnoticed.
    """
    model = getattr(lexical, "_model", None)
    scores = getattr(model, "scores", None)
    if not chunks or not isinstance(scores, dict) or "indptr" not in scores:
        return []
    problems = []
    documents = int(scores.get("num_docs", chunks))
    if documents != chunks:
        problems.append(f"BM25 was built over {documents} passages, manifest says {chunks}")
    indptr, indices = scores["indptr"], scores.get("indices")
    vocabulary = len(getattr(model, "vocab_dict", None) or {})
    if vocabulary not in (len(indptr) - 1, len(indptr)):
        problems.append(f"BM25 vocabulary has {vocabulary} terms for {len(indptr) - 1} columns")
    if indices is not None and len(indices) and int(np.max(indices)) >= documents:
        problems.append("BM25 postings point past the last passage")
    return problems
