"""Questions -> answers: cleaning, time, hybrid search, the gate, key sentences, excerpts."""
