"""Answers and corpus facts -> Telegram HTML messages within Telegram's limits."""
