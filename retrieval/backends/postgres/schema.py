"""newsbot's tables in PostgreSQL, created on first use and upgraded by numbered migrations.

``newsbot_schema`` records the applied version; the missing migrations run in one transaction
under an advisory lock, so replicas starting together apply them once.

Tables: ``articles`` (the records, with each article's sentence offsets and float16 sentence
vectors), ``passages`` (offsets, token count and ``vector(384)`` with an HNSW cosine index),
``postings`` (term, passage, term frequency: the BM25 inverted index), ``terms`` (document
frequencies), ``corpus`` (one row: passages, total tokens, data version, model),
``vocabulary`` and ``aliases`` (counts per article, for the gate and names), the
``embedding_cache`` and the followed ``feeds`` with their ``feed_items`` and ``pages``.
"""

from __future__ import annotations

from typing import Any

import psycopg

from retrieval.embedding.protocol import DIMENSION

__all__ = ["MIGRATIONS", "SCHEMA_LOCK", "WRITE_LOCK", "migrate", "schema_version"]

SCHEMA_LOCK = 0x6E657773_0001  # pg_advisory_lock keys: "news" + a number
WRITE_LOCK = 0x6E657773_0002
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64

MIGRATIONS: tuple[str, ...] = (
    f"""
    CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TABLE corpus (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        data_version bigint NOT NULL DEFAULT 0,
        passages bigint NOT NULL DEFAULT 0,
        total_length bigint NOT NULL DEFAULT 0,
        model_id text,
        model_hash text,
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO corpus DEFAULT VALUES;
    CREATE TABLE articles (
        id bigserial PRIMARY KEY,
        source text NOT NULL UNIQUE,
        title text NOT NULL,
        text text NOT NULL,
        url text,
        published date,
        publisher text,
        related_links text[] NOT NULL,
        content_hash text NOT NULL,
        notes text[] NOT NULL,
        origin text,
        byline text,
        sentence_starts integer[] NOT NULL,
        sentence_ends integer[] NOT NULL,
        sentence_quotable boolean[] NOT NULL,
        sentence_vectors bytea NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX articles_published ON articles (published);
    CREATE INDEX articles_content_hash ON articles (content_hash);
    CREATE TABLE passages (
        id bigint PRIMARY KEY,
        article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        ordinal integer NOT NULL,
        start_offset integer NOT NULL,
        end_offset integer NOT NULL,
        first_sentence integer NOT NULL,
        last_sentence integer NOT NULL,
        length integer NOT NULL,
        embedding vector({DIMENSION}) NOT NULL
    );
    CREATE INDEX passages_article ON passages (article_id);
    CREATE INDEX passages_embedding ON passages USING hnsw (embedding vector_cosine_ops)
        WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION});
    CREATE TABLE postings (
        term text NOT NULL,
        passage_id bigint NOT NULL,
        tf integer NOT NULL,
        length integer NOT NULL,
        PRIMARY KEY (term, passage_id) INCLUDE (tf, length)
    );
    CREATE INDEX postings_passage ON postings (passage_id);
    CREATE TABLE terms (term text PRIMARY KEY, df bigint NOT NULL);
    CREATE TABLE vocabulary (word text PRIMARY KEY, count bigint NOT NULL);
    CREATE TABLE aliases (
        name text NOT NULL, alias text NOT NULL, articles bigint NOT NULL,
        PRIMARY KEY (name, alias)
    );
    CREATE TABLE embedding_cache (
        model_hash text NOT NULL, text_hash text NOT NULL, vector bytea NOT NULL,
        PRIMARY KEY (model_hash, text_hash)
    );
    CREATE TABLE feeds (
        id bigserial PRIMARY KEY,
        url text NOT NULL UNIQUE,
        title text,
        every_s double precision NOT NULL,
        added_at double precision NOT NULL,
        last_poll double precision,
        failures integer NOT NULL DEFAULT 0,
        retry_after double precision,
        etag text,
        last_modified text,
        last_error text,
        disabled text
    );
    CREATE TABLE feed_items (
        feed_id bigint NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
        link text NOT NULL,
        fingerprint text NOT NULL,
        source text,
        PRIMARY KEY (feed_id, link)
    );
    CREATE TABLE pages (
        url text PRIMARY KEY,
        source text NOT NULL,
        etag text,
        last_modified text,
        content_hash text NOT NULL
    );
    """,
)
"""Migration N (1-based) brings the schema from version N - 1 to N; never edit a shipped one."""


def schema_version(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the database (0 when newsbot never ran on it)."""
    exists = conn.execute("SELECT to_regclass('newsbot_schema') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT max(version) FROM newsbot_schema").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(conn: psycopg.Connection[Any]) -> int:
    """Apply every migration the database lacks; returns the version it is at afterwards.

    Raises:
        psycopg.errors.FeatureNotSupported: The database is newer than this newsbot.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS newsbot_schema ("
            " version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        version = schema_version(conn)
        if version > len(MIGRATIONS):
            raise psycopg.errors.FeatureNotSupported(
                f"the database has newsbot schema version {version}, newer than this newsbot "
                f"({len(MIGRATIONS)}); upgrade newsbot"
            )
        for number in range(version + 1, len(MIGRATIONS) + 1):
            conn.execute(MIGRATIONS[number - 1])
            conn.execute("INSERT INTO newsbot_schema (version) VALUES (%s)", (number,))
    return len(MIGRATIONS)
