"""Question answering over a corpus of news articles: ingest, index, search, cite.

This package is synchronous and knows nothing about chat platforms; front ends use only the
names exported here.
"""

from retrieval.backends.postgres.connection import redact as redact_url
from retrieval.backends.postgres.engine import PostgresEngine
from retrieval.embedding.loader import default_cache_dir, load_embedder
from retrieval.embedding.protocol import Embedder
from retrieval.engine import Engine
from retrieval.errors import (
    BackupError,
    DatabaseUnavailableError,
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotFoundError,
    IngestError,
    ModelError,
    RetrievalError,
    UnusableArticleError,
)
from retrieval.index.backup import Backup
from retrieval.query.followup import Turn, continue_conversation
from retrieval.query.question import MAX_QUESTION_CHARS, Question, clean_question
from retrieval.records import (
    Answer,
    Article,
    ArticleInfo,
    Citation,
    IndexStats,
    IngestReport,
    Inventory,
    Period,
    Refusal,
    RepairReport,
    SkippedFile,
    SourceRef,
)
from retrieval.web.feed_store import FEEDS_FILE, FeedRecord
from retrieval.web.follower import (
    DEFAULT_EVERY,
    AddReport,
    FeedResult,
    Follower,
    PageResult,
    RefreshReport,
    check_web_url,
)
from retrieval.web.schedule import parse_duration

__all__ = [
    "DEFAULT_EVERY",
    "FEEDS_FILE",
    "MAX_QUESTION_CHARS",
    "AddReport",
    "Answer",
    "Article",
    "ArticleInfo",
    "Backup",
    "BackupError",
    "Citation",
    "DatabaseUnavailableError",
    "Embedder",
    "Engine",
    "FeedRecord",
    "FeedResult",
    "Follower",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexMismatchError",
    "IndexNotFoundError",
    "IndexStats",
    "IngestError",
    "IngestReport",
    "Inventory",
    "ModelError",
    "PageResult",
    "Period",
    "PostgresEngine",
    "Question",
    "RefreshReport",
    "Refusal",
    "RepairReport",
    "RetrievalError",
    "SkippedFile",
    "SourceRef",
    "Turn",
    "UnusableArticleError",
    "check_web_url",
    "clean_question",
    "continue_conversation",
    "default_cache_dir",
    "load_embedder",
    "parse_duration",
    "redact_url",
]
