"""Question answering over a corpus of news articles: ingest, index, search, cite.

This package is synchronous and knows nothing about Telegram; the bot uses only the names
exported here.
"""

from retrieval.answer_types import Answer, Citation, SourceRef
from retrieval.article import Article
from retrieval.embed import Embedder, load_embedder
from retrieval.engine import ArticleInfo, Engine, IndexStats, IngestReport
from retrieval.errors import (
    IndexCorruptError,
    IndexLockedError,
    IndexMismatchError,
    IndexNotFoundError,
    IngestError,
    ModelError,
    RetrievalError,
)
from retrieval.ingest import SkippedFile
from retrieval.questions import MAX_QUESTION_CHARS, Question, clean_question

__all__ = [
    "MAX_QUESTION_CHARS",
    "Answer",
    "Article",
    "ArticleInfo",
    "Citation",
    "Embedder",
    "Engine",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexMismatchError",
    "IndexNotFoundError",
    "IndexStats",
    "IngestError",
    "IngestReport",
    "ModelError",
    "Question",
    "RetrievalError",
    "SkippedFile",
    "SourceRef",
    "clean_question",
    "load_embedder",
]
