"""Tests of the Discord front end, against the fake Discord in tests/support."""
