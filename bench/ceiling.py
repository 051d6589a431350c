"""The benchmark's ceiling: the least a Python page can cost on this machine.

A minimal Litestar + Jinja2 app with one persistent sqlite3 connection that renders the same 20
notices from the same database file as the hub's noticeboard list. Each hub page is reported as
a ratio to this, so results compare across noisy machines. Run by ``bench/run.py``::

    CEILING_DB=/path/hub.sqlite3 uvicorn bench.ceiling:app --port 8199
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from jinja2 import Environment
from litestar import Litestar, MediaType, get

QUERY = os.environ.get(
    "CEILING_QUERY",
    "SELECT id, title, body, created_at FROM noticeboard_post ORDER BY created_at DESC, id DESC LIMIT 20",
)
TEMPLATE = Environment(autoescape=True).from_string(
    """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Noticeboard</title>
<link rel="stylesheet" href="/static/core/hub.css"></head><body><main><h1>Noticeboard</h1>
<ul>{% for n in notices %}<li><h2><a href="/noticeboard/{{ n.id }}">{{ n.title }}</a></h2>
<p>{{ n.body[:200] }}</p><p>{{ n.created_at }}</p></li>{% endfor %}</ul></main></body></html>"""
)
_connection = sqlite3.connect(os.environ.get("CEILING_DB", "hub.sqlite3"), check_same_thread=False)
_connection.row_factory = sqlite3.Row


@get("/", media_type=MediaType.HTML)
async def notices() -> str:
    rows: list[Any] = _connection.execute(QUERY).fetchall()
    return TEMPLATE.render(notices=rows)


app = Litestar(route_handlers=[notices], openapi_config=None)
