"""The reliability battery: crashes, corruption, hostile input, load and network faults."""
