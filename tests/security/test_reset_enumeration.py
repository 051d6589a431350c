"""Password reset must not tell whether an address has an account (issue 26, finding 3).

The answer for a registered and an unregistered address is identical in status, headers and
body, with the mail server working, slow or down; the request does the same database work either
way (the lookup and the email happen later, in a worker); and, measured, the two take the same
time even when every email costs the mail server a noticeable delay.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from typing import Any

import pytest

from hub.core.db import count_queries
from hub.core.tasks.tables import Task
from hub.testing import HubClient, Outbox, run_due_tasks
from tests.core.mail.smtp import Listener, free_port, smtp_listener

SMTP_DELAY = 0.15
"""What each email costs the (slow) mail server: before the outbox, a known address paid it in the request."""


@pytest.fixture
def listener() -> Iterator[Listener]:
    with smtp_listener("delay", delay_seconds=SMTP_DELAY) as running:
        yield running


@pytest.fixture
def hub_settings(hub_settings: Any, listener: Listener) -> Any:
    return hub_settings.with_overrides(
        smtp_host="127.0.0.1", smtp_port=listener.port, smtp_starttls=False, smtp_timeout_seconds=2.0
    )


@pytest.fixture(autouse=True)
def no_reset_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many resets from one test client: the limits have their own tests."""
    from hub.core.auth import reset

    monkeypatch.setattr(reset, "RESET_LIMIT", 10_000)
    monkeypatch.setattr(reset, "RESET_EMAIL_LIMIT", 10_000)


def _comparable(response: Any) -> tuple[int, str, str, str]:
    cookies = sorted(re.sub(r"=[^;]*", "=…", c) for c in response.headers.get_list("set-cookie"))
    return response.status_code, response.headers.get("location", ""), response.text, ";".join(cookies)


async def _quiet_client(app: Any) -> HubClient:
    """A browser whose requests leave background tasks queued, so only the request itself is seen."""
    client = HubClient(app, run_tasks=False)
    await client.csrf_token()
    return client


async def test_known_and_unknown_addresses_get_the_same_answer_and_the_same_work(
    client, app, hub, make_member, listener: Listener
) -> None:
    known = await make_member()
    quiet = await _quiet_client(app)
    answers, statements = {}, {}
    for label, address in (("known", known.email), ("unknown", "nobody-here@example.org")):
        with count_queries() as counted:
            response = await quiet.post_form("/account/reset", {"email": address})
        answers[label] = _comparable(response)
        # The same statements, apart from the bound values (the address, the limiter's key).
        statements[label] = [re.sub(r"'[^']*'|\b\d+\b", "?", sql) for sql in counted.statements]
    assert answers["known"] == answers["unknown"]
    assert answers["known"][0] == 303 and answers["known"][1] == "/account/reset/sent"
    assert statements["known"] == statements["unknown"]
    assert listener.contacts == 0  # no mail server in the request
    assert await Task.count().where(Task.kind == "core.password_reset").run() == 2

    # The worker's half: only the registered address gets a link.
    assert await run_due_tasks(hub) == 2
    outbox = Outbox.of(hub)
    assert outbox.last_link(known.email, "/account/reset/")
    assert outbox.to("nobody-here@example.org") == []
    await quiet.aclose()


async def test_the_same_answer_with_the_mail_server_down(hub_settings, hub_plugins) -> None:
    from hub.core.app import create_app
    from hub.testing import running

    app = create_app(hub_settings.with_overrides(smtp_port=free_port()), plugins=hub_plugins)
    async with running(app) as browser:
        hub = app.state.hub
        person = await make_member_in(hub)
        known = await browser.post_form("/account/reset", {"email": person})
        unknown = await browser.post_form("/account/reset", {"email": "ghost@example.org"})
        assert _comparable(known) == _comparable(unknown)
        assert known.status_code == 303  # not a 500: the request never waits for mail
        from hub.core.mail.outbox import drain

        assert (await drain(hub)).retried == 1  # the link waits in the outbox for the server


async def make_member_in(hub: Any) -> str:
    from hub.core.members.service import create_member

    async with hub.write():
        await create_member("downtime@example.org", "Dana Downtime", "pw-" + "k" * 20, status="active")
    return "downtime@example.org"


async def test_timing_does_not_tell_known_from_unknown_addresses(app, client, make_member, listener) -> None:
    """Interleaved requests, compared by median with a generous margin: with the mail server's
    delay inside the request (as before the outbox), known addresses were ~150 ms slower."""
    people = [await make_member() for _ in range(24)]
    quiet = await _quiet_client(app)
    durations: dict[str, list[float]] = {"known": [], "unknown": []}
    for number, person in enumerate(people):
        for label, address in (("known", person.email), ("unknown", f"stranger{number}@example.org")):
            started = time.perf_counter()
            response = await quiet.post_form("/account/reset", {"email": address})
            durations[label].append(time.perf_counter() - started)
            assert response.status_code == 303
    await quiet.aclose()
    known, unknown = statistics.median(durations["known"]), statistics.median(durations["unknown"])
    # Generous: scheduling noise on a shared machine is allowed; the mail server's delay is not.
    assert abs(known - unknown) < SMTP_DELAY / 3, durations
    assert listener.contacts == 0
