"""The PostgreSQL backend: pgvector HNSW for dense search, BM25 postings, records in tables."""
