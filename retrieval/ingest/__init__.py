"""Ingest: article files and fetched pages -> cleaned Article records."""
