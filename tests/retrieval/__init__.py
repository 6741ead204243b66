"""Tests of the retrieval package, one module per module."""
