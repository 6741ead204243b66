"""Tests of retrieval.ingest."""
