"""The plugins that ship with Community Hub; each is a tiny app using only the public contract."""
