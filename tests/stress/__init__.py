"""Long reliability runs (`make stress`) and the harness they share with the fast ones."""
