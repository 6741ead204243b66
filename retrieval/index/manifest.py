"""The manifest of a generation: what it holds (model, counts, kind) and every file's checksum."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from retrieval.errors import IndexCorruptError
from retrieval.index.layout import FORMAT_VERSION, MANIFEST, repair_advice


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
    sentences: int = 0

    def to_json(self) -> str:
        """Serialise to JSON text."""
        return json.dumps(
            {
                "format_version": self.format_version,
                "generation": self.generation,
                "created_at": self.created_at.isoformat(),
                "model": {"id": self.model_id, "sha256": self.model_hash, "dim": self.dimension},
                "counts": {
                    "articles": self.articles,
                    "chunks": self.chunks,
                    "sentences": self.sentences,
                },
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
                sentences=int(data["counts"].get("sentences", 0)),
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


def read_manifest(directory: Path) -> Manifest:
    """Read and parse a generation's manifest.

    Raises:
        IndexCorruptError: When it is missing or malformed.
    """
    path = directory / MANIFEST
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorruptError(
            f"{path} is missing. {repair_advice(directory.parent.parent)}"
        ) from None
    except OSError as exc:
        raise IndexCorruptError(
            f"{path} cannot be read ({exc.strerror}). {repair_advice(directory.parent.parent)}"
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(
            f"{path} is not a valid manifest ({exc}). {repair_advice(directory.parent.parent)}"
        ) from exc
