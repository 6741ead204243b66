"""Ingest: article files (and later web pages and feeds) -> cleaned Article records."""
