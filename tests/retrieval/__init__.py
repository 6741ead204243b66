"""Tests of the retrieval package, one folder per stage."""
