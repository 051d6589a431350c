"""Events for Community Hub: a separately installed plugin found through its entry point."""
