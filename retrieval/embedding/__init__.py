"""Embedding: text -> vectors with the verified all-MiniLM-L6-v2, torch or ONNX, cached by hash."""
