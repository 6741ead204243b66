"""Tests of retrieval.ingest: fetching, feeds, page reading and polling schedules."""
