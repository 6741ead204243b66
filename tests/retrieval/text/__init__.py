"""Tests of retrieval.text."""
