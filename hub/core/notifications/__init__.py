"""Notifications: plugins declare types and call ``hub.notify``; the core stores and delivers."""
