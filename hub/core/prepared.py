"""Prepared queries: a Piccolo select built once per process, run with new values each time.

Building a Piccolo query — following foreign keys, rendering every column and condition — costs
a few tenths of a millisecond of Python per query, more than SQLite takes to answer it. A query
that runs on nearly every request (the session lookup, the first page of the noticeboard) is
written once with :class:`Param` placeholders where its values go; its SQL is compiled once per
engine type and each run only binds the values::

    NOTICE = Prepared(lambda: Post.select(Post.id, Post.title).where(Post.id == Param("id")))
    row = await NOTICE.first(id=42)

Values stay bound parameters (never formatted into the SQL), and the results go through the same
Piccolo post-processing as ``await query.run()``. ``union_all`` appends a second select with the
same columns (each keeps its own ORDER BY and LIMIT): two lists for the price of one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from piccolo.query.methods.select import Select
from piccolo.querystring import QueryString
from piccolo.table import Table

__all__ = ["Param", "Prepared"]


class Param:
    """A named placeholder for a value in a :class:`Prepared` query."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


class _CompiledQueryString(QueryString):
    """SQL already compiled for the engine, with its values bound."""

    def __init__(self, sql: str, args: list[Any], table: type[Table]) -> None:
        super().__init__("", table=table)
        self._frozen_compiled_strings = (sql, args)

    def __str__(self) -> str:
        assert self._frozen_compiled_strings is not None
        return self._frozen_compiled_strings[0]


def _single(query: Select) -> QueryString:
    querystrings = query.querystrings
    if len(querystrings) != 1:
        raise ValueError("a prepared query must compile to exactly one statement")
    return querystrings[0]


class Prepared:
    """A select whose SQL is built on first use (when the tables are bound) and reused after."""

    def __init__(self, build: Callable[[], Select], union_all: Callable[[], Select] | None = None) -> None:
        self._build = build
        self._union_all = union_all
        self._query: Select | None = None
        self._compiled: dict[str, tuple[str, list[Any]]] = {}

    def _compile(self, query: Select, engine_type: str) -> tuple[str, list[Any]]:
        statement = _single(query)
        if self._union_all is not None:
            statement = QueryString(
                "SELECT * FROM ({}) AS first_part UNION ALL SELECT * FROM ({}) AS second_part",
                statement,
                _single(self._union_all()),
            )
        compiled = statement.compile_string(engine_type=engine_type)
        self._compiled[engine_type] = compiled
        return compiled

    async def rows(self, **values: Any) -> list[dict[str, Any]]:
        query = self._query
        if query is None:
            query = self._query = self._build()
        engine = query.table._meta.db
        sql, template = self._compiled.get(engine.engine_type) or self._compile(query, engine.engine_type)
        args = [values[arg.name] if type(arg) is Param else arg for arg in template]
        results = await engine.run_querystring(_CompiledQueryString(sql, args, query.table))
        # Piccolo's own post-processing of select results (JSON columns, nested output).
        processed: list[dict[str, Any]] = await query._process_results(results)
        return processed

    async def first(self, **values: Any) -> dict[str, Any] | None:
        """The first row or ``None``; build the query with ``.limit(1)`` for a single-row lookup."""
        found = await self.rows(**values)
        return found[0] if found else None
