"""The noticeboard: members post notices (wanted, free to a good home, lost & found…) and reply."""
