"""A second test plugin."""
