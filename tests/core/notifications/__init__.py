"""Notifications, digests, unsubscribe links and the periodic jobs runner."""
