"""Text primitives every stage shares: sentence boundaries and search tokens."""
