"""Tests of the Telegram front end against the fake Bot API server."""
