"""Helpers for the organisers' area tests: reported content the core itself owns (relayed messages)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from hub.testing import MakeMember, TestMember

MakeReport = Callable[..., Awaitable[tuple[int, TestMember, TestMember]]]


@pytest.fixture
def make_report(hub: Any, make_member: MakeMember) -> MakeReport:
    """``await make_report(reason=...)``: a relayed message by an author, reported by its recipient."""

    async def make(
        reason: str = "This is spam",
        author: TestMember | None = None,
        reporter: TestMember | None = None,
        subject: str = "Cheap watches",
    ) -> tuple[int, TestMember, TestMember]:
        author = author or await make_member(name="Author Person")
        reporter = reporter or await make_member(name="Reporting Person")
        message_id = await hub.relay(author.id, reporter.id, subject, "Buy now, buy cheap")
        await hub.report("core.message", message_id, reporter.id, reason)
        return message_id, author, reporter

    return make
