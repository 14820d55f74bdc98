"""Framework placeholder; the core lands in the foundation issue."""
