"""The one auth layer: passwords, sessions, permissions, sign-up and sign-in."""
