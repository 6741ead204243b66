"""The on-disk index: generations of FAISS + BM25 + SQLite, written atomically, verified."""
