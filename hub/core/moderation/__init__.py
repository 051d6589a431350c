"""Moderation: one report queue for every plugin's content, and a log of every decision."""
