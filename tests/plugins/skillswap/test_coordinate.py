from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.listings import utcnow
from hub.plugins.skillswap.tables import Category, Exchange, LedgerEntry


@pytest.fixture
def skillswap_config(credits_config) -> dict[str, Any]:
    return {**credits_config, "import_max_bytes": 4000}


def _csv(*rows: str) -> bytes:
    return ("date,provider,receiver,hours,category,description\n" + "\n".join(rows) + "\n").encode()


async def _upload(client, data: bytes):
    token = await client.csrf_token()
    return await client.post(
        "/skillswap/coordinate/import", data={"_csrf_token": token}, files={"file": ("hours.csv", data, "text/csv")}
    )


async def test_coordinator_pages_are_for_organisers_only(client, member, moderator) -> None:
    urls = [
        "/skillswap/coordinate/",
        "/skillswap/coordinate/import",
        "/skillswap/coordinate/record",
        "/skillswap/coordinate/reports",
        "/skillswap/coordinate/reports.csv",
        "/skillswap/coordinate/categories",
        "/skillswap/coordinate/limits",
    ]
    for url in urls:
        assert (await client.get(url)).status_code in (302, 303, 401), url
    await client.login(member)
    for url in urls:
        assert (await client.get(url)).status_code == 403, url
    assert (await _upload(client, _csv())).status_code == 403
    await client.logout()
    await client.login(moderator)
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url


async def test_import_with_any_bad_row_changes_nothing(client, hub, make_member, moderator) -> None:
    alice, bob = await make_member(), await make_member()
    await client.login(moderator)
    today = utcnow().date()
    future = (today + timedelta(days=3)).isoformat()
    bad = _csv(
        f"2026-01-10,{alice.email},{bob.email},1.5,garden,Hedge",  # fine
        f"2026-01-11,nobody@example.org,{bob.email},1,,Unknown member",
        f"not-a-date,{alice.email},{bob.email},1,,Bad date",
        f"2026-01-12,{alice.email},{bob.email},-2,,Negative",
        f"2026-01-12,{alice.email},{bob.email},500,,Absurd",
        f"2026-01-10,{alice.email},{bob.email},1.5,garden,Hedge",  # duplicate of line 2
        f"{future},{alice.email},{bob.email},1,,Future",
        f"2026-01-13,{alice.email},{alice.email},1,,Self",
        f"2026-01-13,{alice.email},{bob.email},1,knitting,Unknown category",
    )
    response = await _upload(client, bad)
    assert response.status_code == 400
    text = response.text
    assert "Nothing was imported: 8 of 9 rows have problems" in text
    for reason in (
        "No member with the email",
        "is not a date",
        "more than zero",
        "more than the 24 allowed",
        "repeats line 2",
        "in the future",
        "the same member",
        "Unknown category",
    ):
        assert reason in text, reason
    assert await Exchange.count().run() == 0 and await LedgerEntry.count().run() == 0


async def test_good_import_is_applied_once(client, hub, make_member, moderator) -> None:
    alice, bob = await make_member(), await make_member()
    await client.login(moderator)
    good = _csv(
        f"2026-01-10,{alice.email},{bob.email},1.5,garden,Hedge", f"2026-01-11,{bob.email},{alice.email},2,,Lift"
    )
    response = await _upload(client, good)
    assert response.status_code == 200 and "Imported 2 rows" in response.text
    assert await Exchange.count().where(Exchange.status == "confirmed").run() == 2
    assert await ledger.balances([alice.id, bob.id]) == {alice.id: 90 - 120, bob.id: 120 - 90}
    again = await _upload(client, good)
    assert again.status_code == 400 and "already imported" in again.text
    assert await Exchange.count().run() == 2 and await ledger.ledger_total() == 0


async def test_import_file_limits(client, moderator) -> None:
    await client.login(moderator)
    big = await _upload(client, b"date,provider,receiver,hours\n" + b"x" * 5000)
    assert big.status_code == 413 and "larger than" in big.text
    not_csv = await _upload(client, b"\xff\xfe\x00garbage")
    assert not_csv.status_code == 400
    no_header = await _upload(client, b"hello,world\n1,2\n")
    assert no_header.status_code == 400 and "missing" in no_header.text
    assert await Exchange.count().run() == 0


async def test_record_on_behalf_of_members(client, hub, make_member, moderator) -> None:
    alice, bob = await make_member(), await make_member()
    garden = (await Category.select(Category.id).where(Category.slug == "garden").first().run())["id"]
    await client.login(moderator)
    bad = await client.post_form(
        "/skillswap/coordinate/record",
        {
            "provider": "ghost@example.org",
            "receiver": bob.email,
            "category": str(garden),
            "date": "2026-13-01",
            "minutes": "60",
        },
    )
    assert bad.status_code == 400 and await Exchange.count().run() == 0
    ok = await client.post_form(
        "/skillswap/coordinate/record",
        {
            "provider": alice.email,
            "receiver": bob.email,
            "category": str(garden),
            "date": "2026-02-01",
            "minutes": "60",
            "description": "Dug the veg patch",
        },
    )
    assert ok.status_code == 303
    row = await Exchange.select().first().run()
    assert row["status"] == "confirmed" and row["recorded_by"] == moderator.id and row["minutes"] == 60
    assert await ledger.balance(alice.id) == 60


async def test_categories_rename_add_and_vetting(client, moderator) -> None:
    await client.login(moderator)
    garden = await Category.select().where(Category.slug == "garden").first().run()
    renamed = await client.post_form(
        f"/skillswap/coordinate/categories/{garden['id']}", {"name": "Gardens and allotments"}
    )
    assert renamed.status_code == 303
    added = await client.post_form("/skillswap/coordinate/categories", {"name": "Pet care", "needs_vetted": "on"})
    assert added.status_code == 303
    pet = await Category.select().where(Category.name == "Pet care").first().run()
    assert pet["needs_vetted"] is True
    assert (await client.post_form("/skillswap/coordinate/categories", {"name": ""})).status_code == 400
    assert (await client.post_form("/skillswap/coordinate/categories/99999", {"name": "Ghost"})).status_code == 404
    page = await client.get("/skillswap/new")
    assert "Gardens and allotments" in page.text and "Pet care" in page.text


async def test_reports_page_has_accessible_svg_charts_and_csv(client, hub, make_member, moderator) -> None:
    alice, bob, carol = await make_member(), await make_member(), await make_member()
    garden = (await Category.select(Category.id).where(Category.slug == "garden").first().run())["id"]
    now = utcnow()
    async with hub.write():
        await Exchange.insert(
            Exchange(
                provider=alice.id, receiver=bob.id, category=garden, status="confirmed", minutes=90, confirmed_at=now
            ),
            Exchange(
                provider=carol.id, receiver=bob.id, category=None, status="confirmed", minutes=60, confirmed_at=now
            ),
            Exchange(provider=carol.id, receiver=alice.id, category=garden, status="cancelled", minutes=600),
        ).run()
    await client.login(moderator)
    page = await client.get("/skillswap/coordinate/reports")
    assert page.status_code == 200 and page.text.count("<h1") == 1
    assert page.text.count('role="img"') == 3 and "<script" not in page.text.split("</head>")[1]
    assert 'aria-labelledby="chart-months-title chart-months-desc"' in page.text
    assert '<title id="chart-months-title">' in page.text and "<desc id=" in page.text
    assert "<caption>Hours by category and month</caption>" in page.text
    month = f"{now.year:04d}-{now.month:02d}"
    csv_response = await client.get("/skillswap/coordinate/reports.csv")
    assert csv_response.headers["content-type"].startswith("text/csv")
    lines = csv_response.text.splitlines()
    assert month in lines[0]
    garden_line = next(line for line in lines if line.startswith("Hours,Garden"))
    assert garden_line.endswith("1.50,1.50")
    active = next(line for line in lines if line.startswith("Members,Active members"))
    assert active.endswith(",3,")
