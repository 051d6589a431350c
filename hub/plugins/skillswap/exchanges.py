"""The exchange lifecycle: proposed → agreed → done → confirmed by both; cancellable before that.

Accepting is race-safe: for a request (one helper wanted) the listing's single slot is claimed by
a conditional UPDATE (``WHERE taken_exchange IS NULL``) and the exchange moves with another
(``WHERE status = 'proposed'``), both inside one write transaction, checking the rows each
statement returned. On PostgreSQL the row lock on the listing makes a second accept wait and then
re-check the condition; on SQLite the IMMEDIATE transaction serialises writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hub import Member, lazy_text
from hub import gettext as _
from hub import lazy_gettext as _l
from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.settings import SwapSettings
from hub.plugins.skillswap.tables import Exchange, Listing

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["ExchangeError", "accept", "cancel", "confirm", "mark_done", "open_statuses"]

OPEN = ("proposed", "agreed", "done")
TAKEN = ("agreed", "done", "confirmed")


def open_statuses() -> tuple[str, ...]:
    return OPEN


class ExchangeError(Exception):
    """A lifecycle step is not possible now; ``str(error)`` is a sentence for the member."""


@dataclass(frozen=True, slots=True)
class Outcome:
    exchange_id: int
    status: str
    breaches: tuple[ledger.Breach, ...] = ()


async def get_exchange(exchange_id: int) -> dict[str, Any] | None:
    return await (
        Exchange.select(
            *Exchange.all_columns(),
            Exchange.provider.display_name.as_alias("provider_name"),
            Exchange.receiver.display_name.as_alias("receiver_name"),
            Exchange.listing.title.as_alias("listing_title"),
            Exchange.listing.kind.as_alias("listing_kind"),
            Exchange.listing.owner.as_alias("listing_owner"),
        )
        .where(Exchange.id == exchange_id)
        .first()
        .run()
    )


def parties(row: dict[str, Any]) -> tuple[int | None, int | None]:
    return row["provider"], row["receiver"]


def role_of(row: dict[str, Any], member_id: int) -> str | None:
    if row["provider"] == member_id:
        return "provider"
    if row["receiver"] == member_id:
        return "receiver"
    return None


async def accept(hub: Hub, exchange_id: int, actor_id: int, when: str, where: str, now: datetime) -> None:
    """The listing's owner accepts a proposed exchange. Raises :class:`ExchangeError` if it lost."""
    async with hub.write():
        row = (
            await Exchange.select(Exchange.id, Exchange.listing, Exchange.initiator, Exchange.status)
            .where(Exchange.id == exchange_id)
            .first()
            .run()
        )
        if row is None or row["listing"] is None:
            raise ExchangeError(_("This exchange no longer exists."))
        listing = (
            await Listing.select(Listing.id, Listing.owner, Listing.kind)
            .where(Listing.id == row["listing"])
            .first()
            .run()
        )
        if listing is None or listing["owner"] != actor_id or row["initiator"] == actor_id:
            raise PermissionError
        if listing["kind"] == "request":
            claimed = (
                await Listing.update({Listing.taken_exchange: exchange_id})
                .where(Listing.id == listing["id"], Listing.taken_exchange.is_null())
                .returning(Listing.id)
                .run()
            )
            if not claimed:
                raise ExchangeError(_("Someone else has already been accepted for this request."))
        moved = (
            await Exchange.update(
                {
                    Exchange.status: "agreed",
                    Exchange.agreed_at: now,
                    Exchange.when_text: when,
                    Exchange.where_text: where,
                }
            )
            .where(Exchange.id == exchange_id, Exchange.status == "proposed")
            .returning(Exchange.id)
            .run()
        )
        if not moved:
            # Roll back the slot claim too: raising inside the transaction undoes it.
            raise ExchangeError(_("This exchange is no longer waiting for an answer."))


async def update_details(hub: Hub, exchange_id: int, when: str, where: str) -> bool:
    async with hub.write():
        changed = (
            await Exchange.update({Exchange.when_text: when, Exchange.where_text: where})
            .where(Exchange.id == exchange_id, Exchange.status == "agreed")
            .returning(Exchange.id)
            .run()
        )
    return bool(changed)


async def mark_done(hub: Hub, row: dict[str, Any], actor_id: int, minutes: int, now: datetime) -> None:
    """Either side says it happened and how long it took; that counts as their confirmation."""
    flag = Exchange.provider_confirmed if row["provider"] == actor_id else Exchange.receiver_confirmed
    async with hub.write():
        moved = (
            await Exchange.update(
                {Exchange.status: "done", Exchange.minutes: minutes, Exchange.done_at: now, flag: True}
            )
            .where(Exchange.id == row["id"], Exchange.status == "agreed")
            .returning(Exchange.id)
            .run()
        )
    if not moved:
        raise ExchangeError(_("This exchange cannot be marked as done now."))


async def confirm(hub: Hub, row: dict[str, Any], actor_id: int, now: datetime) -> Outcome:
    """The other side confirms; when both have, the exchange is confirmed and credits move."""
    config = hub.config("skillswap")
    is_provider = row["provider"] == actor_id
    flag = Exchange.provider_confirmed if is_provider else Exchange.receiver_confirmed
    try:
        return await _confirm(hub, row, actor_id, now, is_provider, flag, config)
    except ledger.LimitExceeded as refused:
        await alert_coordinators(hub, refused.breaches, refused=True)  # after the rollback
        raise


async def _confirm(
    hub: Hub, row: dict[str, Any], actor_id: int, now: datetime, is_provider: bool, flag: Any, config: SwapSettings
) -> Outcome:
    breaches: list[ledger.Breach] = []
    async with hub.write():
        current = await Exchange.select().where(Exchange.id == row["id"]).first().run()
        if current is None or current["status"] != "done":
            raise ExchangeError(_("This exchange is not waiting for confirmation."))
        other_confirmed = current["receiver_confirmed"] if is_provider else current["provider_confirmed"]
        if not other_confirmed:
            await Exchange.update({flag: True}).where(Exchange.id == row["id"]).run()
            return Outcome(row["id"], "done")
        moved = (
            await Exchange.update({flag: True, Exchange.status: "confirmed", Exchange.confirmed_at: now})
            .where(Exchange.id == row["id"], Exchange.status == "done")
            .returning(Exchange.id)
            .run()
        )
        if not moved:
            raise ExchangeError(_("This exchange is not waiting for confirmation."))
        if config.time_credits and current["minutes"] and current["provider"] and current["receiver"]:
            _transfer, breaches = await ledger.post_transfer(
                "exchange",
                ledger.between(current["receiver"], current["provider"], int(current["minutes"])),
                config,
                memo=str(row.get("listing_title") or ""),
                exchange_id=row["id"],
            )
        if row.get("listing_kind") == "request" and current["listing"]:
            await Listing.update({Listing.status: "closed"}).where(Listing.id == current["listing"]).run()
    await alert_coordinators(hub, breaches, refused=False)
    return Outcome(row["id"], "confirmed", tuple(breaches))


async def cancel(hub: Hub, row: dict[str, Any], reason: str) -> None:
    async with hub.write():
        moved = (
            await Exchange.update({Exchange.status: "cancelled", Exchange.cancel_reason: reason})
            .where(Exchange.id == row["id"], Exchange.status.is_in(list(OPEN)))
            .returning(Exchange.id)
            .run()
        )
        if not moved:
            raise ExchangeError(_("This exchange can no longer be cancelled."))
        if row["listing"]:
            await (
                Listing.update({Listing.taken_exchange: None})
                .where(Listing.id == row["listing"], Listing.taken_exchange == row["id"])
                .run()
            )


async def coordinators() -> list[int]:
    rows = (
        await Member.select(Member.id).where(Member.role.is_in(["moderator", "admin"]), Member.status == "active").run()
    )
    return [int(r["id"]) for r in rows]


async def alert_coordinators(
    hub: Hub, breaches: list[ledger.Breach] | tuple[ledger.Breach, ...], refused: bool
) -> None:
    """Tell every coordinator that a transfer crossed (or would have crossed) a balance limit."""
    if not breaches:
        return
    names = {
        r["id"]: r["display_name"]
        for r in await Member.select(Member.id, Member.display_name)
        .where(Member.id.is_in([b.member_id for b in breaches]))
        .run()
    }
    lines = [
        _l(
            "%(name)s: balance would be %(balance)s, limit %(limit)s.",
            name=names.get(b.member_id, "?"),
            balance=ledger.format_credits(b.new_balance),
            limit=ledger.format_credits(b.limit),
        )
        for b in breaches
    ]
    body = lazy_text(lambda: "\n".join(str(line) for line in lines))  # each coordinator's language
    title = _l("A time-credit transfer was refused") if refused else _l("A time-credit limit was crossed")
    for coordinator in await coordinators():
        await hub.notify(coordinator, "skillswap.limit_alert", title, body, url="/skillswap/coordinate/limits")


async def respond(hub: Hub, listing: dict[str, Any], actor_id: int, message: str, listing_url: str) -> int:
    """Send the owner a relayed message (no addresses shared) and open a proposed exchange.

    The relay is called first: if it refuses (rate limit), nothing is written.
    """
    if listing["kind"] == "request":
        provider, receiver = actor_id, listing["owner"]
        subject = _l("Offer of help: %(title)s", title=listing["title"])
    else:
        provider, receiver = listing["owner"], actor_id
        subject = _l("Someone is interested: %(title)s", title=listing["title"])
    # The relayed message keeps the words its sender saw; the notification speaks the owner's language.
    relay_id = await hub.relay(actor_id, listing["owner"], str(subject), message, context_url=listing_url)
    async with hub.write():
        rows = await Exchange.insert(
            Exchange(
                listing=listing["id"],
                category=listing["category"],
                provider=provider,
                receiver=receiver,
                initiator=actor_id,
                status="proposed",
                message=message,
                relay_message=relay_id,
            )
        ).run()
    exchange_id = int(rows[0]["id"])
    await hub.notify(
        listing["owner"],
        "skillswap.response",
        subject,
        _l("Open the exchange to accept or decline. Your contact details stay private until you accept."),
        url=f"/skillswap/exchanges/{exchange_id}",
    )
    return exchange_id


async def has_open_response(listing_id: int, member_id: int) -> bool:
    return bool(
        await Exchange.exists()
        .where(Exchange.listing == listing_id, Exchange.initiator == member_id, Exchange.status.is_in(list(OPEN)))
        .run()
    )


async def record_confirmed(
    hub: Hub,
    *,
    provider: int,
    receiver: int,
    category: int | None,
    minutes: int,
    when: datetime,
    description: str,
    recorded_by: int,
    import_key: str | None = None,
) -> tuple[int, list[ledger.Breach]]:
    """A coordinator records an exchange that already happened (call inside ``hub.write()``)."""
    rows = await Exchange.insert(
        Exchange(
            provider=provider,
            receiver=receiver,
            category=category,
            initiator=None,
            recorded_by=recorded_by,
            status="confirmed",
            message=description,
            minutes=minutes,
            provider_confirmed=True,
            receiver_confirmed=True,
            import_key=import_key,
            created_at=when,
            agreed_at=when,
            done_at=when,
            confirmed_at=when,
        )
    ).run()
    exchange_id = int(rows[0]["id"])
    breaches: list[ledger.Breach] = []
    config = hub.config("skillswap")
    if config.time_credits:
        _transfer, breaches = await ledger.post_transfer(
            "import" if import_key else "exchange",
            ledger.between(receiver, provider, minutes),
            config,
            memo=description[:200],
            exchange_id=exchange_id,
            created_by=recorded_by,
        )
    return exchange_id, breaches
