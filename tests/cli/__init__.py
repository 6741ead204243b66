"""End-to-end tests of the `newsbot` command."""
