"""Exceptions raised by the retrieval package; every message says what to do next."""

from __future__ import annotations


class RetrievalError(Exception):
    """Root of every error the retrieval package raises on purpose."""


class ModelError(RetrievalError):
    """Raised when the embedding model is missing, unreadable or fails its checksum."""


class IndexNotFoundError(RetrievalError):
    """Raised when no index exists in the index directory and none may be built."""


class IndexCorruptError(RetrievalError):
    """Raised when an index fails verification: missing, truncated or altered files."""


class IndexMismatchError(RetrievalError):
    """Raised when an index was built with another model, dimension or format version."""


class IndexLockedError(RetrievalError):
    """Raised when another process holds the index directory's write lock."""


class IngestError(RetrievalError):
    """Raised when an ingest cannot proceed at all (for example, no input path exists)."""


class UnusableArticleError(RetrievalError):
    """Raised when one input (a file, a JSON record, a page) holds no usable article.

    Ingest reports it as a skipped input with this message as the reason and goes on.
    """


class BackupError(RetrievalError):
    """Raised when a backup cannot be written (the destination is not empty, disk full)."""


class DatabaseUnavailableError(RetrievalError):
    """Raised when the PostgreSQL database cannot be reached (refused, down, restarting)."""
