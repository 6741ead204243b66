"""Where things live in an index directory, and which generation is live.

Layout of an index directory::

    CURRENT                  name of the live generation (replaced atomically)
    generations/<name>/      manifest.json, meta.sqlite, vectors.faiss, sentences.npy, bm25/
    generations/.tmp-*/      a generation being written; never loaded, removed when stale
    cache/embeddings.sqlite  embedding cache shared by all generations
    sources.json             every article's source and origin, for repairs
    .lock                    held by the process that writes a generation

A writer builds a complete generation in a temporary folder, fsyncs it, renames it into place
and only then replaces ``CURRENT``; a crash at any point leaves the previous generation live.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from retrieval.errors import IndexCorruptError, IndexNotFoundError

FORMAT_VERSION = 3
"""3: hyphenated words also indexed solid; vocabulary counts capitalised uses; more aliases."""
CURRENT = "CURRENT"
GENERATIONS = "generations"
MANIFEST = "manifest.json"
META = "meta.sqlite"
VECTORS = "vectors.faiss"
SENTENCE_VECTORS = "sentences.npy"
BM25_DIR = "bm25"
EMBEDDING_CACHE = Path("cache") / "embeddings.sqlite"
KEEP_GENERATIONS = 2
SOURCES = "sources.json"


def repair_advice(index_dir: Path) -> str:
    """The sentence that ends every message about a damaged index: the command that fixes it."""
    where = shlex.quote(str(Path(index_dir).absolute()))
    return (
        f"Recover it with `newsbot repair --index-dir {where}` (it keeps every article; your "
        "article files are not affected)."
    )


def current_generation(index_dir: Path) -> Path:
    """Return the live generation's folder.

    Raises:
        IndexNotFoundError: When the directory holds no index.
        IndexCorruptError: When ``CURRENT`` names a missing or malformed generation, or is
            missing while generations exist.
    """
    pointer = index_dir / CURRENT
    advice = repair_advice(index_dir)
    if not pointer.exists() and not pointer.is_symlink():
        if any((index_dir / GENERATIONS).glob("gen-*")):
            # Not a new index: building one from the seeds would hide every other article.
            raise IndexCorruptError(f"{pointer} is missing but generations exist. {advice}")
        raise IndexNotFoundError(
            f"No index in {index_dir}. Build one with `newsbot ingest` (it reads seeds/ by "
            "default)."
        )
    if not pointer.is_file():
        raise IndexCorruptError(f"{pointer} is not a regular file. {advice}")
    try:
        name = pointer.read_text(encoding="utf-8", errors="replace").strip()
    except OSError as exc:
        raise IndexCorruptError(f"{pointer} cannot be read ({exc.strerror}). {advice}") from exc
    if not name.startswith("gen-") or "/" in name or name != Path(name).name:
        raise IndexCorruptError(f"{pointer} does not name a generation ({name!r}). {advice}")
    directory = index_dir / GENERATIONS / name
    if not directory.is_dir():
        raise IndexCorruptError(f"The live generation {directory} is missing. {advice}")
    return directory
