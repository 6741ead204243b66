"""Benchmarks for newsbot: retrieval quality, speed, memory and bot throughput (never shipped)."""
