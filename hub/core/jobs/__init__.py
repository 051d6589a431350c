"""Periodic jobs: declared by the core and plugins, run once per period across every worker."""
