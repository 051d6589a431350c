"""Hypothesis over every form the hub shows (core and plugins): hostile values never cause a 5xx,
and a submission whose every text field is oversized writes nothing.

Forms are discovered the way a person finds them: by crawling the GET pages as an organiser and
reading each ``<form method="post">`` (its action and field names).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.core.app import create_app
from hub.core.settings import Settings
from hub.testing import PASSWORD, HubClient, running
from tests.security.test_route_inventory import _fill, http_routes

T = TypeVar("T")
TEXT_TYPES = {
    "text",
    "email",
    "search",
    "url",
    "tel",
    "password",
    "hidden",
    "number",
    "textarea",
    "date",
    "datetime-local",
    "time",
    "select",
    "radio",
    "checkbox",
}


@dataclass
class FoundForm:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> input type

    @property
    def key(self) -> str:
        return f"{self.action} [{', '.join(sorted(self.fields))}]"


class FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[FoundForm] = []
        self.current: FoundForm | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "get").lower() == "post":
            action = values.get("action") or self.page
            self.current = FoundForm(action=action.split("#")[0])
        elif self.current is not None and tag in ("input", "textarea", "select") and values.get("name"):
            kind = "textarea" if tag == "textarea" else "select" if tag == "select" else (values.get("type") or "text")
            if kind not in ("file", "submit", "button", "image", "reset"):
                self.current.fields.setdefault(str(values["name"]), kind)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None


class LoopThread:
    """A running hub on its own event loop thread, so synchronous Hypothesis tests can call it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=120)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@dataclass
class Harness:
    loop: LoopThread
    client: HubClient
    hub: Any
    forms: list[FoundForm]


async def _table_counts(hub: Any) -> dict[str, int]:
    return {
        table._meta.tablename: await table.count().run()
        for app_config in hub.db_apps
        for table in app_config.table_classes
        if table._meta.tablename not in ("hub_session", "hub_rate_counter")
    }


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        Settings(
            hub_dir=folder,
            secret_key="fuzz-" + "x" * 40,
            strict_plugins=True,
            registration="open",
            languages=("en", "es", "ar"),
            allowed_hosts=("testserver.local",),
            rate_limit_per_minute=10_000_000,
        )
    )
    loop = LoopThread()
    context = running(app)
    client = loop.run(context.__aenter__())
    hub = app.state.hub

    async def prepare() -> list[FoundForm]:
        from hub.core.members.service import create_member

        async with hub.write():
            await create_member("fuzz-admin@example.org", "Fuzz Admin", PASSWORD, role="admin")
            await create_member("other@example.org", "Other Member", PASSWORD)
        await client.login("fuzz-admin@example.org")
        with __import__("contextlib").suppress(Exception):
            await hub.relay(2, 1, "Hello", "A message to reply to")
        found: dict[str, FoundForm] = {}
        for method, path, _handler in http_routes(app):
            url = _fill(path)
            if method != "GET" or url is None or url.startswith("/static/") or url == "/account/logout":
                continue
            response = await client.get(url)
            if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
                continue
            parser = FormParser(url)
            parser.feed(response.text)
            for form in parser.forms:
                if form.action.startswith("/") and "logout" not in form.action:
                    found.setdefault(form.key, form)
        return list(found.values())

    forms = loop.run(prepare())
    yield Harness(loop, client, hub, forms)
    loop.run(context.__aexit__(None, None, None))
    loop.close()


def test_forms_were_discovered(harness: Harness) -> None:
    actions = {form.action for form in harness.forms}
    assert {"/messages/1/reply", "/-/language"} <= actions, actions


HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e\u2066evil",
            "<script>alert(1)</script>",
            "javascript:alert(1)",
            "' OR 1=1 --",
            "../../etc/passwd",
            "-1",
            "0",
            "99999999999999999999",
            "NaN",
            "1e309",
            "true",
            "2026-02-30",
            "😀" * 50,
            "a\r\nSet-Cookie: x=1",
            "%00",
            "{{ 7*7 }}",
            "A" * 70_000,
        ]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_hostile_values_never_cause_a_server_error(harness: Harness, data: st.DataObject) -> None:
    form = data.draw(st.sampled_from(harness.forms), label="form")
    values: dict[str, Any] = {}
    for name in form.fields:
        choice = data.draw(st.sampled_from(["value", "missing", "duplicate"]), label=f"{name} shape")
        if choice == "missing":
            continue
        value = data.draw(HOSTILE, label=name)
        values[name] = [value, data.draw(HOSTILE)] if choice == "duplicate" else value
    if data.draw(st.booleans(), label="extra field"):
        values[data.draw(st.text(min_size=1, max_size=20), label="extra name")] = data.draw(HOSTILE)

    async def post() -> int:
        token = await harness.client.csrf_token()
        body = {**values, "_csrf_token": token}
        response = await harness.client.post(form.action, data=body)
        return response.status_code

    status = harness.loop.run(post())
    assert status < 500, f"{form.action} answered {status} to {values!r}"[:2000]


def test_oversized_text_writes_nothing(harness: Harness) -> None:
    checked = 0
    for form in harness.forms:
        text_fields = [n for n, kind in form.fields.items() if kind in ("text", "textarea", "email", "search")]
        if not text_fields:
            continue

        async def attempt(target: FoundForm = form) -> tuple[int, dict[str, int], dict[str, int]]:
            before = await _table_counts(harness.hub)
            body = {name: "Z" * 60_000 for name, kind in target.fields.items() if kind in TEXT_TYPES - {"checkbox"}}
            body["_csrf_token"] = await harness.client.csrf_token()
            response = await harness.client.post(target.action, data=body)
            return response.status_code, before, await _table_counts(harness.hub)

        status, before, after = harness.loop.run(attempt())
        assert status < 500, (form.action, status)
        changed = {t for t in before if before[t] != after[t]}
        assert not changed, f"{form.action} wrote {changed} for oversized input (status {status})"
        checked += 1
    assert checked >= 1


def test_form_actions_all_declare_permissions(harness: Harness) -> None:
    """Every discovered form posts to a route the inventory knows (no stray endpoints)."""
    app = harness.client.app
    patterns = [
        re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "/?$") for m, path, _ in http_routes(app) if m == "POST"
    ]
    for form in harness.forms:
        assert any(p.match(form.action.split("?")[0]) for p in patterns), form.action
