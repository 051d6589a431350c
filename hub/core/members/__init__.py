"""Members: the one member record every plugin shares."""
