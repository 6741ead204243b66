"""Tests of retrieval.query."""
