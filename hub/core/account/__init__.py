"""My account: profile, password, email, sessions, data export, deletion and the welcome flow."""
