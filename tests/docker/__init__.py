"""Tests of the container image's entry point, health check and Dockerfile."""
