"""Queueing mail with the change that caused it, and the worker's side: deliver, retry, record.

**Queueing.** :func:`enqueue` inserts ``hub_mail`` rows inside ``hub.write()``: inside a caller's
open write transaction the rows commit (or roll back) with the caller's change; otherwise they
get a transaction of their own. Nothing talks to a mail server during a request.

**Delivering.** :func:`deliver_due` claims a batch of due rows (see :mod:`hub.core.tasks.leases`),
hands each to the backend over one connection, and records each outcome at once:

* accepted → ``sent``;
* a 5xx answer → ``failed`` at once, with the server's answer (shown on the member's admin page);
* anything else (4xx, refused connection, timeout, cut connection) → ``queued`` again after an
  exponential back-off, or ``failed`` once ``mail_max_attempts`` attempts are used.

**The guarantee.** A queued message is never lost: it stays in the database until it is sent or
given up, and a worker killed at any point leaves it claimable again when its lease runs out.
It is handed to the mail server once, except in one window: if the worker dies (or the
connection breaks) after the server accepted the message but before its 250 answer was recorded,
the message is sent again. That resend carries the same Message-ID and Date, so it is the same
message to every mail system and client that deduplicates by Message-ID. With the outbox folder
backend, a resend overwrites the same file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

from hub.core.mail.backends import DeliveryError
from hub.core.mail.message import OutgoingMail, build_message, new_message_id
from hub.core.mail.tables import OutboxMail
from hub.core.members.tables import Member
from hub.core.tasks.leases import any_due, backoff, claim_due, heartbeat, new_token

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["BATCH", "DeliveryPass", "deliver_due", "drain", "enqueue", "mail_problems", "purge_mail"]

log = logging.getLogger("hub.mail")

BATCH = 20
"""Messages one claim takes and sends over one connection."""
INSERT_CHUNK = 500
"""Messages per INSERT statement (12 values each: well under SQLite's and PostgreSQL's limits)."""
PACING_WINDOW = timedelta(minutes=1)
_PACING_LOCK = 0x6875626D  # "hubm": the advisory lock that serialises paced claims on PostgreSQL


@dataclass(frozen=True, slots=True)
class DeliveryPass:
    """What one pass did: messages claimed, sent, put back for a retry, and given up."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _sender(hub: Hub) -> str:
    return formataddr((str(hub.site("hub_name")), hub.settings.mail_from))


async def _member_ids(addresses: Sequence[str]) -> dict[str, int]:
    wanted = sorted({address.strip().lower() for address in addresses})
    rows = await Member.select(Member.id, Member.email).where(Member.email.is_in(wanted)).run()
    return {row["email"].lower(): row["id"] for row in rows}


async def enqueue(hub: Hub, mails: Sequence[OutgoingMail], now: datetime | None = None) -> list[int]:
    """Queue messages in the caller's write transaction (or one of their own); returns their ids."""
    if not mails:
        return []
    now = now or datetime.now(UTC)
    unknown = [mail.to for mail in mails if mail.member_id is None]
    members = await _member_ids(unknown) if unknown else {}
    sender = _sender(hub)
    rows = [
        (
            new_message_id(hub.settings.mail_from),
            mail.member_id if mail.member_id is not None else members.get(mail.to.strip().lower()),
            sender,
            mail.to.strip(),
            " ".join(mail.subject.split())[:500],
            mail.text,
            mail.html,
            mail.reply_to,
            json.dumps([list(pair) for pair in mail.headers]),
            mail.category[:40],
            now,
            now,
        )
        for mail in mails
    ]
    inserted: list[int] = []
    async with hub.write():
        for start in range(0, len(rows), INSERT_CHUNK):
            inserted += await _insert(hub, rows[start : start + INSERT_CHUNK])
    hub.mail.wake()
    return inserted


_INSERT_COLUMNS = ("message_id", "member", "sender", "to_address", "subject", "text", "html", "reply_to",
                   "headers", "category", "run_at", "created_at")  # fmt: skip


async def _insert(hub: Hub, rows: Sequence[tuple[Any, ...]]) -> list[int]:
    """One multi-row INSERT with bound values, on the open write transaction's own connection.

    Piccolo builds a row at a time (about 10 ms each) and then compiles every value into one
    query string; this is the hot path of an announcement to thousands, so it speaks to the
    driver directly. Values are always bound parameters.
    """
    transaction: Any = hub.engine.current_transaction.get()
    assert transaction is not None, "call inside hub.write()"
    columns = ", ".join(f'"{name}"' for name in (*_INSERT_COLUMNS, "status", "attempts", "locked_by", "last_error"))
    width = len(_INSERT_COLUMNS)
    values = [value for row in rows for value in row]
    if hub.settings.is_postgres:
        groups = (
            "(" + ", ".join(f"${n * width + i + 1}" for i in range(width)) + ", 'queued', 0, '', '')"
            for n in range(len(rows))
        )
        sql = f'INSERT INTO "hub_mail" ({columns}) VALUES {", ".join(groups)} RETURNING "id"'  # noqa: S608
        return [record["id"] for record in await transaction.connection.fetch(sql, *values)]
    one = "(" + ", ".join("?" for _ in _INSERT_COLUMNS) + ", 'queued', 0, '', '')"
    sql = f'INSERT INTO "hub_mail" ({columns}) VALUES {", ".join(one for _ in rows)} RETURNING "id"'  # noqa: S608
    return [row["id"] for row in await transaction.connection.execute_fetchall(sql, values)]


async def _room(hub: Hub, now: datetime) -> int:
    """How many messages this claim may take under ``mail_per_minute`` (all workers together)."""
    limit = hub.settings.mail_per_minute
    if not limit:
        return BATCH
    if hub.settings.is_postgres:
        await OutboxMail.raw("SELECT pg_advisory_xact_lock({})", _PACING_LOCK).run()
    recent = await OutboxMail.count().where(OutboxMail.sent_at > now - PACING_WINDOW).run()
    busy = await OutboxMail.count().where((OutboxMail.status == "sending") & (OutboxMail.lease_until >= now)).run()
    return max(0, min(BATCH, limit - recent - busy))


async def _claim(hub: Hub, now: datetime, token: str, limit: int) -> list[dict[str, Any]]:
    lease = timedelta(seconds=hub.settings.worker_lease_seconds)
    async with hub.write():  # one transaction: the pacing count and the claim see the same state
        room = min(limit, await _room(hub, now))
        return await claim_due(
            hub, OutboxMail, now=now, lease=lease, limit=room, token=token, ready="queued", busy="sending"
        )


async def _record(hub: Hub, row: dict[str, Any], token: str, values: dict[Any, Any]) -> bool:
    async with hub.write():
        done = await (
            OutboxMail.update(values)
            .where((OutboxMail.id == row["id"]) & (OutboxMail.locked_by == token) & (OutboxMail.status == "sending"))
            .returning(OutboxMail.id)
            .run()
        )
    if not done:
        log.warning("mail %s: lease lost before its outcome was recorded; its new holder decides", row["id"])
    return bool(done)


async def _sent(hub: Hub, row: dict[str, Any], token: str) -> None:
    now = datetime.now(UTC)
    await _record(
        hub,
        row,
        token,
        {
            OutboxMail.status: "sent",
            OutboxMail.sent_at: now,
            OutboxMail.lease_until: None,
            OutboxMail.last_error: "",
            OutboxMail.smtp_code: None,
        },
    )


async def _failed(hub: Hub, row: dict[str, Any], token: str, error: DeliveryError) -> str:
    """Record a failed attempt; returns ``failed`` (given up) or ``retried``."""
    settings = hub.settings
    now = datetime.now(UTC)
    text = str(error)[:2000]
    values: dict[Any, Any] = {
        OutboxMail.lease_until: None,
        OutboxMail.last_error: text,
        OutboxMail.smtp_code: error.code,
    }
    if error.permanent or row["attempts"] >= settings.mail_max_attempts:
        values |= {OutboxMail.status: "failed", OutboxMail.failed_at: now}
        outcome = "failed"
        log.warning("mail %s to member %s given up after %s attempt(s): %s", row["id"], row["member"],
                    row["attempts"], text)  # fmt: skip
    else:
        wait = backoff(row["attempts"], settings.mail_retry_seconds, settings.mail_retry_max_seconds)
        values |= {OutboxMail.status: "queued", OutboxMail.run_at: now + wait}
        outcome = "retried"
        log.info("mail %s not delivered (%s); retrying in %s", row["id"], text, wait)
    await _record(hub, row, token, values)
    return outcome


async def deliver_due(hub: Hub, now: datetime | None = None, limit: int = BATCH) -> DeliveryPass:
    """Claim up to ``limit`` due messages and deliver them over one connection."""
    now = now or datetime.now(UTC)
    if not await any_due(OutboxMail, now, ready="queued", busy="sending"):
        return DeliveryPass()
    token = new_token()
    rows = await _claim(hub, now, token, limit)
    if not rows:
        return DeliveryPass()
    held = {row["id"] for row in rows}
    sent = retried = failed = 0
    lease = timedelta(seconds=hub.settings.worker_lease_seconds)
    broken: DeliveryError | None = None
    async with heartbeat(hub, OutboxMail, held, token, lease) as lost, hub.mail.backend.session() as session:
        for row in rows:
            if row["id"] in lost:
                held.discard(row["id"])
                continue
            error = broken
            if error is None:
                try:
                    await session.send(build_message(row), row)
                except DeliveryError as failure:
                    error = failure
                    if failure.connection:
                        broken = failure  # the rest of the batch waits for the retry too
            if error is None:
                await _sent(hub, row, token)
                sent += 1
            elif await _failed(hub, row, token, error) == "failed":
                failed += 1
            else:
                retried += 1
            held.discard(row["id"])
    if sent:
        log.info("mail: %s sent, %s to retry, %s given up", sent, retried, failed)
    return DeliveryPass(claimed=len(rows), sent=sent, retried=retried, failed=failed)


async def drain(hub: Hub) -> DeliveryPass:
    """Deliver everything due now, batch after batch (tests, ``hub worker --burst``)."""
    total = DeliveryPass()
    while True:
        done = await deliver_due(hub)
        if not done.claimed:
            return total
        total = DeliveryPass(
            claimed=total.claimed + done.claimed,
            sent=total.sent + done.sent,
            retried=total.retried + done.retried,
            failed=total.failed + done.failed,
        )


async def mail_problems(member_id: int, limit: int = 10) -> list[dict[str, Any]]:
    """The member's undeliverable mail (given up, or waiting for a retry), newest first."""
    problem = (OutboxMail.status == "failed") | ((OutboxMail.status == "queued") & (OutboxMail.attempts > 0))
    return await (
        OutboxMail.select(
            OutboxMail.id,
            OutboxMail.subject,
            OutboxMail.to_address,
            OutboxMail.status,
            OutboxMail.attempts,
            OutboxMail.last_error,
            OutboxMail.smtp_code,
            OutboxMail.created_at,
            OutboxMail.failed_at,
            OutboxMail.run_at,
        )
        .where((OutboxMail.member == member_id) & problem)
        .order_by(OutboxMail.id, ascending=False)
        .limit(limit)
        .run()
    )


async def purge_mail(hub: Hub, now: datetime) -> None:
    """Delete sent mail after ``mail_keep_days`` and failed mail after three times that."""
    keep = timedelta(days=hub.settings.mail_keep_days)
    async with hub.write():
        await OutboxMail.delete().where((OutboxMail.status == "sent") & (OutboxMail.sent_at < now - keep)).run()
        await OutboxMail.delete().where((OutboxMail.status == "failed") & (OutboxMail.failed_at < now - 3 * keep)).run()
