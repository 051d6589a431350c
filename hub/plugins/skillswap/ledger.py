"""The time-credit ledger: double entry, balances derived by SUM, limits checked before posting.

Every transfer is written as two (or more) legs that sum to zero, so the whole ledger always sums
to zero. Balances are never stored. Amounts are whole minutes: 60 minutes = 1 credit = 1 hour.

Limits policy (documented for organisers): by default a transfer that would take a member past
their minimum or maximum balance is *allowed* and the coordinators are alerted, because the help
has already been given and refusing to record it would make the records wrong. Set
``refuse_over_limit = true`` in ``[plugins.skillswap]`` to refuse such transfers instead (the
coordinators are alerted either way).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.query.functions.aggregate import Sum

from hub import gettext as _
from hub.plugins.skillswap.settings import SwapSettings
from hub.plugins.skillswap.tables import BalanceLimit, LedgerEntry, Transfer

__all__ = [
    "Breach",
    "Leg",
    "LimitExceeded",
    "Limits",
    "balance",
    "balances",
    "check_limits",
    "format_credits",
    "ledger_total",
    "limits_for",
    "post_transfer",
]

MEMBER, POOL, ISSUANCE, FORMER = "member", "pool", "issuance", "former"


@dataclass(frozen=True, slots=True)
class Leg:
    account: str
    member_id: int | None
    amount: int
    """Signed minutes."""


@dataclass(frozen=True, slots=True)
class Limits:
    min_minutes: int | None
    max_minutes: int | None


@dataclass(frozen=True, slots=True)
class Breach:
    member_id: int
    new_balance: int
    limit: int
    side: str
    """``min`` or ``max``."""


class LimitExceeded(Exception):
    """The transfer would cross a balance limit and the hub is set to refuse it."""

    def __init__(self, breaches: Sequence[Breach]) -> None:
        super().__init__(_("This would take a member past their time-credit limit, so it was not recorded."))
        self.breaches = list(breaches)


def format_credits(minutes: int | None) -> str:
    """Minutes as credits (hours) for people: ``1.5``, ``-2``, ``0.25``."""
    value = (minutes or 0) / 60
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def check_limits(current: Mapping[int, int], legs: Iterable[Leg], limits: Mapping[int, Limits]) -> list[Breach]:
    """Pure rule: which members' balances would leave their limits if ``legs`` were posted.

    A leg that moves a balance *towards* the permitted range never counts as a breach, so a member
    already past a limit can still be helped back.
    """
    totals: dict[int, int] = {}
    for leg in legs:
        if leg.account == MEMBER and leg.member_id is not None:
            totals[leg.member_id] = totals.get(leg.member_id, 0) + leg.amount
    breaches = []
    for member_id, change in totals.items():
        new = current.get(member_id, 0) + change
        limit = limits.get(member_id, Limits(None, None))
        if change < 0 and limit.min_minutes is not None and new < limit.min_minutes:
            breaches.append(Breach(member_id, new, limit.min_minutes, "min"))
        if change > 0 and limit.max_minutes is not None and new > limit.max_minutes:
            breaches.append(Breach(member_id, new, limit.max_minutes, "max"))
    return breaches


async def balances(member_ids: Iterable[int]) -> dict[int, int]:
    """Each member's balance in minutes (one grouped SUM)."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    rows = (
        await LedgerEntry.select(LedgerEntry.member, Sum(LedgerEntry.amount, alias="total"))
        .where(LedgerEntry.account == MEMBER, LedgerEntry.member.is_in(ids))
        .group_by(LedgerEntry.member)
        .run()
    )
    found = {int(r["member"]): int(r["total"] or 0) for r in rows}
    return {member_id: found.get(member_id, 0) for member_id in ids}


async def balance(member_id: int) -> int:
    return (await balances([member_id]))[member_id]


async def account_balance(account: str) -> int:
    row = (
        await LedgerEntry.select(Sum(LedgerEntry.amount, alias="total"))
        .where(LedgerEntry.account == account)
        .first()
        .run()
    )
    return int((row or {}).get("total") or 0)


async def ledger_total() -> int:
    """The sum of every leg ever written: zero, always."""
    row = await LedgerEntry.select(Sum(LedgerEntry.amount, alias="total")).first().run()
    return int((row or {}).get("total") or 0)


async def limits_for(member_ids: Iterable[int], config: SwapSettings) -> dict[int, Limits]:
    """Per-member limits set by coordinators, else the hub's defaults (hours in the config)."""
    ids = sorted(set(member_ids))
    default_min, default_max = config.default_min_balance, config.default_max_balance
    base = Limits(
        None if default_min is None else int(default_min * 60),
        None if default_max is None else int(default_max * 60),
    )
    result = dict.fromkeys(ids, base)
    if ids:
        for row in await BalanceLimit.select().where(BalanceLimit.member.is_in(ids)).run():
            result[int(row["member"])] = Limits(
                row["min_minutes"] if row["min_minutes"] is not None else base.min_minutes,
                row["max_minutes"] if row["max_minutes"] is not None else base.max_minutes,
            )
    return result


async def post_transfer(
    kind: str,
    legs: Sequence[Leg],
    config: SwapSettings,
    *,
    memo: str = "",
    exchange_id: int | None = None,
    created_by: int | None = None,
    enforce_limits: bool = True,
) -> tuple[int, list[Breach]]:
    """Write one balanced transfer; call inside ``hub.write()``. Returns (transfer id, breaches).

    Raises :class:`LimitExceeded` (writing nothing) when a limit would be crossed and the hub
    refuses such transfers. Alerting coordinators is the caller's job, after the commit.
    """
    if len(legs) < 2 or sum(leg.amount for leg in legs) != 0 or any(leg.amount == 0 for leg in legs):
        raise ValueError("A transfer needs at least two non-zero legs that sum to zero.")
    member_ids = [leg.member_id for leg in legs if leg.account == MEMBER and leg.member_id is not None]
    breaches: list[Breach] = []
    if enforce_limits and member_ids:
        breaches = check_limits(await balances(member_ids), legs, await limits_for(member_ids, config))
        if breaches and config.refuse_over_limit:
            raise LimitExceeded(breaches)
    rows = await Transfer.insert(
        Transfer(kind=kind, memo=memo[:200], exchange=exchange_id, created_by=created_by)
    ).run()
    transfer_id = int(rows[0]["id"])
    await LedgerEntry.insert(
        *[
            LedgerEntry(transfer=transfer_id, account=leg.account, member=leg.member_id, amount=leg.amount)
            for leg in legs
        ]
    ).run()
    return transfer_id, breaches


def between(payer: int, payee: int, minutes: int) -> list[Leg]:
    """Legs for ``minutes`` moving from one member to another."""
    return [Leg(MEMBER, payer, -minutes), Leg(MEMBER, payee, minutes)]


async def statement(member_id: int, before: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """A member's ledger lines, newest first, with the other side of each transfer described."""
    query = (
        LedgerEntry.select(
            LedgerEntry.id,
            LedgerEntry.amount,
            LedgerEntry.created_at,
            LedgerEntry.transfer,
            LedgerEntry.transfer.kind.as_alias("kind"),
            LedgerEntry.transfer.memo.as_alias("memo"),
            LedgerEntry.transfer.exchange.as_alias("exchange_id"),
        )
        .where(LedgerEntry.account == MEMBER, LedgerEntry.member == member_id)
        .order_by(LedgerEntry.id, ascending=False)
        .limit(limit + 1)
    )
    if before is not None:
        query = query.where(LedgerEntry.id < before)
    return list(await query.run())
