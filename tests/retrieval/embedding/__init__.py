"""Tests of retrieval.embedding."""
