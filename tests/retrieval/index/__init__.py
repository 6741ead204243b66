"""Tests of retrieval.index."""
