"""The Directory: members who choose to be found, and a safe way to reach them."""
