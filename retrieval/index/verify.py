"""Verifying a generation: pointer, manifest, every file's size and SHA-256, and cross-checks.

Nothing damaged is ever served: each check raises an error that names the file and the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from retrieval.embedding.protocol import DIMENSION, MODEL_SHA256
from retrieval.errors import IndexCorruptError, IndexMismatchError
from retrieval.files import file_sha256
from retrieval.index.dense import stored_ids
from retrieval.index.layout import FORMAT_VERSION, MANIFEST, current_generation, repair_advice
from retrieval.index.manifest import Manifest, read_manifest
from retrieval.index.sparse import LexicalIndex

if TYPE_CHECKING:
    from retrieval.index.loader import LoadedIndex


def verify_files(directory: Path, manifest: Manifest, *, checksums: bool = True) -> None:
    """Check every file the manifest lists (size, and SHA-256 when ``checksums``) and no more.

    Raises:
        IndexCorruptError: Naming the first file that is missing, extra, resized or altered.
    """
    advice = repair_advice(directory.parent.parent)
    listed = set(manifest.files)
    for relative, expected in sorted(manifest.files.items()):
        path = directory / relative
        if not path.is_file():
            raise IndexCorruptError(f"Index file {path} is missing. {advice}")
        size = path.stat().st_size
        if size != expected.get("bytes"):
            raise IndexCorruptError(
                f"Index file {path} has {size} bytes, expected {expected.get('bytes')} "
                f"(truncated or altered). {advice}"
            )
        try:
            altered = checksums and file_sha256(path) != expected.get("sha256")
        except OSError as exc:
            raise IndexCorruptError(
                f"Index file {path} cannot be read ({exc.strerror}). {advice}"
            ) from exc
        if altered:
            raise IndexCorruptError(f"Index file {path} fails its SHA-256 check. {advice}")
    present = {
        p.relative_to(directory).as_posix()
        for p in directory.rglob("*")
        if p.is_file() and p.name != MANIFEST
    }
    extra = sorted(present - listed)
    if extra:
        raise IndexCorruptError(f"Unexpected file {directory / extra[0]} in the index. {advice}")


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
    manifest = verify_generation(
        directory, model_hash=model_hash, checksums=checksums, expected=expected
    )
    return directory, manifest


def verify_generation(
    directory: Path,
    *,
    model_hash: str | None = None,
    checksums: bool = True,
    expected: Manifest | None = None,
) -> Manifest:
    """Check one generation folder (live or not): manifest, model, format and files.

    Raises:
        IndexMismatchError: Built with another model, dimension or format version.
        IndexCorruptError: Anything missing, altered or inconsistent.
    """
    index_dir = directory.parent.parent
    advice = repair_advice(index_dir)
    manifest = read_manifest(directory)
    if manifest.generation != directory.name:
        raise IndexCorruptError(
            f"The manifest in {directory} describes generation {manifest.generation!r}, not "
            f"this one (copied from another generation?). {advice}"
        )
    if (
        expected is not None
        and expected.generation == manifest.generation
        and manifest != expected
    ):
        raise IndexCorruptError(
            f"The manifest in {directory} changed after the index was loaded. {advice}"
        )
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index in {index_dir} has format {manifest.format_version}; this newsbot "
            f"reads format {FORMAT_VERSION}. {advice}"
        )
    if model_hash is not None and manifest.model_hash != model_hash:
        raise IndexMismatchError(
            f"The index in {index_dir} was built with model weights {manifest.model_hash[:12]}…"
            f" but the loaded model is {model_hash[:12]}…. {advice}"
        )
    if manifest.model_hash == MODEL_SHA256 and manifest.dimension != DIMENSION:
        raise IndexMismatchError(
            f"The index in {index_dir} claims {manifest.dimension}-dimensional vectors, but "
            f"{manifest.model_id} makes {DIMENSION}. {advice}"
        )
    verify_files(directory, manifest, checksums=checksums)
    return manifest


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
    problems += _sentence_problems(loaded)
    if problems:
        raise IndexCorruptError(
            f"The index in {loaded.directory} is inconsistent: {'; '.join(problems)}. "
            f"{repair_advice(loaded.directory.parent.parent)}"
        )


def _sentence_problems(loaded: LoadedIndex) -> list[str]:
    """Check the sentence table against its vectors, the manifest, the articles and chunks."""
    sentences, vectors, manifest = loaded.sentences, loaded.sentence_vectors, loaded.manifest
    problems = []
    if len(sentences) != manifest.sentences:
        problems.append(f"{len(sentences)} sentences, manifest says {manifest.sentences}")
    if vectors.ndim != 2 or vectors.shape[0] != len(sentences):
        problems.append(f"sentence vectors have shape {vectors.shape} for {len(sentences)} rows")
    elif len(sentences) and vectors.shape[1] != manifest.dimension:
        problems.append(f"sentence vectors have {vectors.shape[1]} dimensions")
    for row, source in enumerate(sentences.sources):
        article = loaded.articles.get(source)
        start, end = int(sentences.starts[row]), int(sentences.ends[row])
        if article is None or not 0 <= start < end <= len(article.text):
            problems.append(f"sentence row {row} points outside its article {source!r}")
            break
    chunks = loaded.chunks
    if len(chunks) and (
        int(chunks.first_sentences.min(initial=0)) < 0
        or int(chunks.last_sentences.max(initial=0)) > len(sentences)
        or bool(np.any(chunks.first_sentences > chunks.last_sentences))
    ):
        problems.append("passages point outside the sentence table")
    return problems


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
