"""Tests of the benchmark harness (metric formulas and quick runs)."""
