"""The core's web layer: templates, pages, errors and security headers."""
