"""The phrase family: a choreographic memory of real training phrases (see memory.py)."""
