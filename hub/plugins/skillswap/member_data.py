"""Export and erase a member's skill-swap data ("download my data", account deletion)."""

from __future__ import annotations

from typing import Any

from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.exchanges import OPEN
from hub.plugins.skillswap.tables import Exchange, LedgerEntry, Listing, ThankYou

__all__ = ["erase_member", "export_member"]


def _plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in rows]


async def export_member(member_id: int) -> dict[str, Any]:
    """Only this member's own data: their listings, exchanges, ledger lines and notes (no vetting flags)."""
    listings = (
        await Listing.select(
            Listing.id,
            Listing.kind,
            Listing.title,
            Listing.body,
            Listing.tags,
            Listing.availability,
            Listing.mode,
            Listing.area,
            Listing.status,
            Listing.created_at,
            Listing.expires_at,
        )
        .where(Listing.owner == member_id)
        .run()
    )
    exchanges = (
        await Exchange.select(
            Exchange.id,
            Exchange.status,
            Exchange.message,
            Exchange.when_text,
            Exchange.where_text,
            Exchange.minutes,
            Exchange.created_at,
            Exchange.confirmed_at,
            Exchange.cancel_reason,
            Exchange.listing.title.as_alias("listing_title"),
        )
        .where((Exchange.provider == member_id) | (Exchange.receiver == member_id))
        .run()
    )
    for row in exchanges:
        row["role"] = "provider" if row.get("provider") == member_id else None
    entries = (
        await LedgerEntry.select(
            LedgerEntry.id,
            LedgerEntry.amount,
            LedgerEntry.created_at,
            LedgerEntry.transfer.kind.as_alias("kind"),
            LedgerEntry.transfer.memo.as_alias("memo"),
        )
        .where(LedgerEntry.account == ledger.MEMBER, LedgerEntry.member == member_id)
        .run()
    )
    written = (
        await ThankYou.select(ThankYou.id, ThankYou.body, ThankYou.created_at).where(ThankYou.author == member_id).run()
    )
    received = (
        await ThankYou.select(ThankYou.id, ThankYou.body, ThankYou.created_at)
        .where(ThankYou.recipient == member_id, ThankYou.hidden.eq(False))
        .run()
    )
    return {
        "listings": _plain(listings),
        "exchanges": _plain(exchanges),
        "ledger_minutes": _plain(entries),
        "balance_minutes": await ledger.balance(member_id),
        "thanks_written": _plain(written),
        "thanks_received": _plain(received),
    }


async def erase_member(hub: Any, member_id: int) -> None:
    """Cancel open exchanges, delete listings and notes, anonymise ledger lines (still balanced)."""
    async with hub.write():
        mine = (Exchange.provider == member_id) | (Exchange.receiver == member_id) | (Exchange.initiator == member_id)
        await (
            Exchange.update({Exchange.status: "cancelled", Exchange.cancel_reason: "The member left the hub."})
            .where(mine, Exchange.status.is_in(list(OPEN)))
            .run()
        )
        await Exchange.update({Exchange.provider: None}).where(Exchange.provider == member_id).run()
        await Exchange.update({Exchange.receiver: None}).where(Exchange.receiver == member_id).run()
        await Exchange.update({Exchange.initiator: None}).where(Exchange.initiator == member_id).run()
        await Exchange.update({Exchange.recorded_by: None}).where(Exchange.recorded_by == member_id).run()
        listing_ids = [r["id"] for r in await Listing.select(Listing.id).where(Listing.owner == member_id).run()]
        if listing_ids:
            await Exchange.update({Exchange.listing: None}).where(Exchange.listing.is_in(listing_ids)).run()
            await Listing.delete().where(Listing.id.is_in(listing_ids)).run()
        await ThankYou.delete().where((ThankYou.author == member_id) | (ThankYou.recipient == member_id)).run()
        await (
            LedgerEntry.update({LedgerEntry.account: ledger.FORMER, LedgerEntry.member: None})
            .where(LedgerEntry.member == member_id)
            .run()
        )
        from hub.plugins.skillswap.tables import BalanceLimit, Transfer

        await Transfer.update({Transfer.created_by: None}).where(Transfer.created_by == member_id).run()
        await BalanceLimit.delete().where(BalanceLimit.member == member_id).run()
