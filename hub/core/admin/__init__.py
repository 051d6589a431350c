"""The organisers' area: settings, plugins, moderation queue and logs, security audit, dashboard."""
