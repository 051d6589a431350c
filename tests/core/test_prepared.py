"""Prepared queries (``hub.Prepared``): same rows as the Piccolo query, values bound, SQL built once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hub import Param, Prepared
from hub.core.db import count_queries
from hub.core.members.tables import Member
from hub.testing import HubClient

BY_ROLE = Prepared(
    lambda: (
        Member.select(Member.id, Member.email, Member.created_at)
        .where(Member.role == Param("role"), Member.created_at > Param("since"))
        .order_by(Member.id)
    )
)

pytestmark = pytest.mark.usefixtures("pinned_now")


@pytest.mark.all_databases
async def test_prepared_rows_match_the_built_query_and_take_new_values(client: HubClient, make_member) -> None:
    first = await make_member(email_address="ada@example.org", role="member")
    second = await make_member(email_address="grace@example.org", role="moderator")
    since = datetime.now(UTC) - timedelta(days=1)

    members = await BY_ROLE.rows(role="member", since=since)
    built = (
        await Member.select(Member.id, Member.email, Member.created_at)
        .where(Member.role == "member", Member.created_at > since)
        .order_by(Member.id)
        .run()
    )
    assert members == built
    assert [row["id"] for row in members] == [first.id]

    moderators = await BY_ROLE.rows(role="moderator", since=since)
    assert [row["id"] for row in moderators] == [second.id]
    assert await BY_ROLE.rows(role="member", since=datetime.now(UTC) + timedelta(days=1)) == []


async def test_prepared_values_are_bound_never_formatted_into_the_sql(client: HubClient, make_member) -> None:
    await make_member(email_address="ada@example.org")
    hostile = "member' OR '1'='1"
    with count_queries() as counter:
        assert await BY_ROLE.rows(role=hostile, since=datetime(2000, 1, 1, tzinfo=UTC)) == []
    assert counter.count == 1
    assert hostile not in counter.statements[0]


async def test_first_gives_one_row_or_none(client: HubClient, make_member) -> None:
    await make_member(email_address="ada@example.org")
    lookup = Prepared(lambda: Member.select(Member.email).where(Member.email == Param("email")).limit(1))
    assert await lookup.first(email="ada@example.org") == {"email": "ada@example.org"}
    assert await lookup.first(email="nobody@example.org") is None


async def test_a_missing_value_is_a_clear_error(client: HubClient) -> None:
    with pytest.raises(KeyError, match="since"):
        await BY_ROLE.rows(role="member")
