"""A test plugin with its own Spanish catalogue."""
