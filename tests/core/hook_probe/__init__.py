"""A small plugin that implements every core hook, so each one has a focused test."""
