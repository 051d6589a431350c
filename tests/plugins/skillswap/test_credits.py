from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.core.notifications.tables import Notification
from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.listings import utcnow
from hub.plugins.skillswap.tables import Exchange, LedgerEntry, Listing, Transfer
from hub.testing import set_plugin_settings


@pytest.fixture
def skillswap_config(credits_config) -> dict[str, Any]:
    return credits_config


async def _done_exchange(hub, provider, receiver, minutes: int = 120) -> int:
    async with hub.write():
        rows = await Exchange.insert(
            Exchange(
                provider=provider.id,
                receiver=receiver.id,
                initiator=provider.id,
                status="done",
                minutes=minutes,
                provider_confirmed=True,
                done_at=utcnow(),
            )
        ).run()
    return int(rows[0]["id"])


async def test_confirmation_moves_credits_as_two_legs(client, hub, make_member) -> None:
    alice, bob = await make_member(), await make_member()
    exchange_id = await _done_exchange(hub, bob, alice, 90)
    await client.login(alice)
    assert (await client.post_form(f"/skillswap/exchanges/{exchange_id}/confirm")).status_code == 303
    assert await ledger.balances([alice.id, bob.id]) == {alice.id: -90, bob.id: 90}
    assert await LedgerEntry.count().run() == 2 and await ledger.ledger_total() == 0
    statement = await client.get("/skillswap/credits/")
    assert statement.status_code == 200 and "-1.5" in statement.text and statement.text.count("<h1") == 1
    # Another member's statement by id is not visible to a member.
    assert (await client.get(f"/skillswap/credits/{bob.id}")).status_code == 404


async def test_gift_mode_has_no_credit_pages(client, hub, make_member) -> None:
    set_plugin_settings(hub, "skillswap", time_credits=False)
    alice, bob = await make_member(), await make_member()
    exchange_id = await _done_exchange(hub, bob, alice)
    await client.login(alice)
    assert (await client.get("/skillswap/credits/")).status_code == 404
    assert (await client.post_form(f"/skillswap/exchanges/{exchange_id}/confirm")).status_code == 303
    assert await LedgerEntry.count().run() == 0


async def test_limits_alert_coordinators_and_refuse_when_set(client, hub, make_member, moderator) -> None:
    alice, bob = await make_member(), await make_member()
    set_plugin_settings(hub, "skillswap", default_min_balance=-1)
    exchange_id = await _done_exchange(hub, bob, alice, 120)
    await client.login(alice)
    assert (await client.post_form(f"/skillswap/exchanges/{exchange_id}/confirm")).status_code == 303
    assert await ledger.balance(alice.id) == -120  # allowed by default …
    alerts = await Notification.select().where(Notification.type == "skillswap.limit_alert").run()
    assert [a["member"] for a in alerts] == [moderator.id]  # … and the coordinators are told
    set_plugin_settings(hub, "skillswap", refuse_over_limit=True)
    second = await _done_exchange(hub, bob, alice, 60)
    refused = await client.post_form(f"/skillswap/exchanges/{second}/confirm")
    assert refused.status_code == 409 and "limit" in refused.text
    assert await ledger.balance(alice.id) == -120
    assert (await Exchange.select(Exchange.status).where(Exchange.id == second).first().run())["status"] == "done"
    assert await Notification.count().where(Notification.type == "skillswap.limit_alert").run() == 2


async def test_pool_donation_and_grant(client, hub, make_member, moderator) -> None:
    alice, carol = await make_member(), await make_member()
    async with hub.write():
        await ledger.post_transfer(
            "starter",
            [ledger.Leg(ledger.ISSUANCE, None, -180), ledger.Leg(ledger.MEMBER, alice.id, 180)],
            hub.config("skillswap"),
            enforce_limits=False,
        )
    await client.login(alice)
    too_much = await client.post_form("/skillswap/credits/donate", {"minutes": "600"})
    assert too_much.status_code == 400 and await ledger.account_balance(ledger.POOL) == 0
    assert (await client.post_form("/skillswap/credits/donate", {"minutes": "120"})).status_code == 303
    assert await ledger.account_balance(ledger.POOL) == 120 and await ledger.balance(alice.id) == 60
    assert (
        await client.post_form("/skillswap/coordinate/grant", {"member": carol.email, "minutes": "60", "memo": "x"})
    ).status_code == 403
    await client.logout()
    await client.login(moderator)
    over = await client.post_form(
        "/skillswap/coordinate/grant", {"member": carol.email, "minutes": "600", "memo": "Help"}
    )
    assert over.status_code == 400 and await ledger.balance(carol.id) == 0
    ok = await client.post_form("/skillswap/coordinate/grant", {"member": carol.email, "minutes": "60", "memo": "Help"})
    assert ok.status_code == 303 and await ledger.balance(carol.id) == 60
    assert await ledger.account_balance(ledger.POOL) == 60 and await ledger.ledger_total() == 0
    assert (await client.get(f"/skillswap/credits/{carol.id}")).status_code == 200
    limits = await client.post_form(
        "/skillswap/coordinate/limits", {"member": carol.email, "min_hours": "-5", "max_hours": "10"}
    )
    assert limits.status_code == 303
    assert (await ledger.limits_for([carol.id], hub.config("skillswap")))[carol.id] == ledger.Limits(-300, 600)
    bad = await client.post_form(
        "/skillswap/coordinate/limits", {"member": carol.email, "min_hours": "5", "max_hours": "1"}
    )
    assert bad.status_code == 400


async def test_starter_credits_once(hub, make_member) -> None:
    from hub.core.types import Event
    from hub.plugins.skillswap.plugin import grant_starter_credits, on_event

    set_plugin_settings(hub, "skillswap", starter_credits=2)
    alice = await make_member()
    await on_event(hub=hub, event=Event("core.member_joined", alice.id, {"member_id": alice.id}))
    assert await grant_starter_credits(hub, alice.id) is False
    assert await ledger.balance(alice.id) == 120 and await ledger.ledger_total() == 0


async def test_ledger_property_any_transfers_sum_to_zero_within_limits(hub, make_member) -> None:
    """Hypothesis drives random transfers (run in a thread, each example awaited on the test loop)."""
    set_plugin_settings(hub, "skillswap", refuse_over_limit=True, default_min_balance=-3, default_max_balance=5)
    members = [await make_member() for _ in range(4)]
    ids = [m.id for m in members]
    loop = asyncio.get_running_loop()
    config = hub.config("skillswap")

    async def reset() -> None:
        async with hub.write():
            await LedgerEntry.delete(force=True).run()
            await Transfer.delete(force=True).run()

    async def apply(ops: list[tuple[int, int, int]]) -> None:
        await reset()
        for payer, payee, minutes in ops:
            if payer == payee:
                continue
            try:
                async with hub.write():
                    await ledger.post_transfer("adjustment", ledger.between(ids[payer], ids[payee], minutes), config)
            except ledger.LimitExceeded:
                pass
        assert await ledger.ledger_total() == 0
        per_transfer = await LedgerEntry.select(LedgerEntry.transfer, LedgerEntry.amount).run()
        sums: dict[int, int] = {}
        for row in per_transfer:
            sums[row["transfer"]] = sums.get(row["transfer"], 0) + row["amount"]
        assert all(total == 0 for total in sums.values())
        for balance in (await ledger.balances(ids)).values():
            assert -180 <= balance <= 300

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(1, 240)), max_size=12))
    def property_holds(ops: list[tuple[int, int, int]]) -> None:
        asyncio.run_coroutine_threadsafe(apply(ops), loop).result(timeout=60)

    await asyncio.to_thread(property_holds)


@given(
    current=st.dictionaries(st.integers(1, 4), st.integers(-600, 600)),
    amount=st.integers(1, 600),
    payer=st.integers(1, 4),
    payee=st.integers(1, 4),
)
def test_limit_rule_never_lets_a_transfer_leave_the_range(current, amount, payer, payee) -> None:
    limits = {i: ledger.Limits(-300, 300) for i in range(1, 5)}
    legs = ledger.between(payer, payee, amount)
    breaches = ledger.check_limits(current, legs, limits)
    if not breaches and payer != payee:
        after = dict(current)
        after[payer] = after.get(payer, 0) - amount
        after[payee] = after.get(payee, 0) + amount
        for member in (payer, payee):
            before = current.get(member, 0)
            # a leg either stays in range or moves towards it
            assert -300 <= after[member] <= 300 or abs(after[member]) < abs(before) or after[member] == before


async def test_erase_keeps_the_ledger_balanced(client, hub, make_member) -> None:
    from hub.plugins.skillswap.plugin import member_data_erase, member_data_export

    alice, bob = await make_member(), await make_member()
    async with hub.write():
        await ledger.post_transfer("adjustment", ledger.between(alice.id, bob.id, 60), hub.config("skillswap"))
        await Listing.insert(
            Listing(
                kind="offer",
                owner=alice.id,
                category=1,
                title="Alice's offer",
                status="open",
                expires_at=utcnow() + timedelta(days=5),
            )
        ).run()
        await Exchange.insert(Exchange(provider=bob.id, receiver=alice.id, initiator=alice.id, status="agreed")).run()
    exported = await member_data_export(hub=hub, member_id=alice.id)
    assert exported["balance_minutes"] == -60 and exported["listings"][0]["title"] == "Alice's offer"
    await member_data_erase(hub=hub, member_id=alice.id)
    assert await LedgerEntry.count().where(LedgerEntry.member == alice.id).run() == 0
    assert await ledger.ledger_total() == 0 and await ledger.balance(bob.id) == 60
    assert await LedgerEntry.count().where(LedgerEntry.account == ledger.FORMER).run() == 1
    assert await Listing.count().where(Listing.owner == alice.id).run() == 0
    row = await Exchange.select().first().run()
    assert row["status"] == "cancelled" and row["receiver"] is None and row["initiator"] is None


async def test_starter_credits_on_first_sign_in(client, hub, make_member) -> None:
    set_plugin_settings(hub, "skillswap", starter_credits=1.5)
    alice = await make_member()
    await client.login(alice)
    await client.logout()
    await client.login(alice)
    assert await ledger.balance(alice.id) == 90 and await ledger.ledger_total() == 0
