"""Tests of retrieval.web."""
