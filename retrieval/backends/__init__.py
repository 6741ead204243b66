"""Search backends: where the engine gets candidates and records (embedded or PostgreSQL)."""
