"""Logging for operators: one line per event, which no user input can split or forge."""

from __future__ import annotations

import logging
import sys

__all__ = ["SafeFormatter", "configure_logging"]

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "taskName"}


class SafeFormatter(logging.Formatter):
    """Escapes line breaks (a newline in a display name must not start a fake log line) and
    appends structured ``extra`` fields as ``key=value``."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}
        if extras:
            line += " " + " ".join(f"{key}={value!r}" for key, value in sorted(extras.items()))
        head, _, trace = line.partition("\nTraceback")
        safe = head.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
        return f"{safe}\nTraceback{trace}" if trace else safe


def configure_logging(debug: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(SafeFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    for noisy in ("httpx", "piccolo", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
