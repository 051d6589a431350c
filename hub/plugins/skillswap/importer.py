"""Importing paper-logged hours from a CSV file: validated row by row, applied all-or-nothing.

Columns (a header row is required): ``date`` (YYYY-MM-DD), ``provider`` and ``receiver`` (members'
email addresses), ``hours`` (e.g. ``1.5``), ``category`` (optional: a category's short name) and
``description`` (optional). If ANY row is bad, nothing is written and the report says why.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from hub import Member
from hub import gettext as _
from hub.plugins.skillswap import ledger
from hub.plugins.skillswap.categories import list_categories
from hub.plugins.skillswap.exchanges import alert_coordinators, record_confirmed
from hub.plugins.skillswap.settings import SwapSettings
from hub.plugins.skillswap.tables import Exchange

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["ImportReport", "ImportRow", "run_import"]

REQUIRED = ("date", "provider", "receiver", "hours")
MAX_ROWS = 5000


@dataclass(slots=True)
class ImportRow:
    line: int
    raw: dict[str, str]
    errors: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_error: str = ""
    applied: bool = False

    @property
    def accepted(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.errors]

    @property
    def rejected(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]


def _key(row: ImportRow) -> str:
    v = row.values
    text = (
        f"{v['date'].isoformat()}|{v['provider']}|{v['receiver']}|{v['minutes']}|{v.get('category')}|{v['description']}"
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse(data: bytes) -> tuple[list[ImportRow], str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return [], _("The first line must name the columns; missing: %(names)s.", names=", ".join(missing))
    reader.fieldnames = header
    rows: list[ImportRow] = []
    try:
        for number, record in enumerate(reader, start=2):
            if len(rows) >= MAX_ROWS:
                return [], _("The file has more than %(max)s rows; split it into smaller files.", max=MAX_ROWS)
            clean = {k: (v or "").strip() for k, v in record.items() if isinstance(k, str) and isinstance(v, str)}
            if not any(clean.values()):
                continue
            rows.append(ImportRow(line=number, raw=clean))
    except csv.Error as error:
        return [], _("The file could not be read as CSV: %(error)s", error=str(error))
    if not rows:
        return [], _("The file has no rows to import.")
    return rows, ""


async def validate(rows: list[ImportRow], config: SwapSettings, today: date) -> None:
    emails = {r.raw.get(k, "").lower() for r in rows for k in ("provider", "receiver")}
    members = {
        m["email"]: m["id"]
        for m in await Member.select(Member.id, Member.email)
        .where(Member.email.is_in(sorted(e for e in emails if e) or [""]))
        .run()
    }
    categories = {c["slug"]: c["id"] for c in await list_categories()}
    categories.update({c["label"].lower(): c["id"] for c in await list_categories()})
    max_hours = Decimal(str(config.import_max_hours))
    seen: dict[str, int] = {}
    for row in rows:
        raw = row.raw
        try:
            when = date.fromisoformat(raw.get("date", ""))
            if when > today:
                row.errors.append(_("The date is in the future."))
        except ValueError:
            row.errors.append(_("“%(value)s” is not a date like 2026-03-31.", value=raw.get("date", "")[:40]))
            when = today
        ids = {}
        for side in ("provider", "receiver"):
            member_id = members.get(raw.get(side, "").lower())
            if member_id is None:
                row.errors.append(_("No member with the email “%(value)s”.", value=raw.get(side, "")[:80]))
            ids[side] = member_id
        if ids["provider"] is not None and ids["provider"] == ids["receiver"]:
            row.errors.append(_("The provider and the receiver are the same member."))
        minutes = 0
        try:
            hours = Decimal(raw.get("hours", "").replace(",", "."))
            if not hours.is_finite() or hours <= 0:
                row.errors.append(_("Hours must be more than zero."))
            elif hours > max_hours:
                row.errors.append(
                    _(
                        "%(hours)s hours is more than the %(max)s allowed for one exchange.",
                        hours=raw["hours"][:20],
                        max=max_hours,
                    )
                )
            else:
                minutes = int((hours * 60).to_integral_value())
                if minutes == 0:
                    row.errors.append(_("Hours must be more than zero."))
        except InvalidOperation:
            row.errors.append(_("“%(value)s” is not a number of hours.", value=raw.get("hours", "")[:20]))
        category = None
        if raw.get("category"):
            category = categories.get(raw["category"].lower())
            if category is None:
                row.errors.append(_("Unknown category “%(value)s”.", value=raw["category"][:60]))
        description = " ".join(raw.get("description", "").split())[:200]
        if len(raw.get("description", "")) > 500:
            row.errors.append(_("The description is too long."))
        if row.errors:
            continue
        row.values = {
            "date": when,
            "provider": ids["provider"],
            "receiver": ids["receiver"],
            "minutes": minutes,
            "category": category,
            "description": description,
        }
        key = _key(row)
        row.values["key"] = key
        if key in seen:
            row.errors.append(_("This row repeats line %(line)s.", line=seen[key]))
        else:
            seen[key] = row.line
    keys = [r.values["key"] for r in rows if not r.errors]
    if keys:
        already = {
            e["import_key"]
            for e in await Exchange.select(Exchange.import_key).where(Exchange.import_key.is_in(keys)).run()
        }
        for row in rows:
            if not row.errors and row.values["key"] in already:
                row.errors.append(_("This row was already imported."))


async def run_import(hub: Hub, data: bytes, actor_id: int, today: date) -> ImportReport:
    """Validate every row, then record them all in one transaction, or none at all."""
    config = hub.config("skillswap")
    report = ImportReport()
    rows, error = parse(data)
    report.rows, report.file_error = rows, error
    if error:
        return report
    await validate(rows, config, today)
    if report.rejected:
        return report
    breaches: list[ledger.Breach] = []
    try:
        async with hub.write():
            for row in rows:
                v = row.values
                _exchange, found = await record_confirmed(
                    hub,
                    provider=v["provider"],
                    receiver=v["receiver"],
                    category=v["category"],
                    minutes=v["minutes"],
                    when=datetime.combine(v["date"], time(12), tzinfo=UTC),
                    description=v["description"],
                    recorded_by=actor_id,
                    import_key=v["key"],
                )
                breaches.extend(found)
    except ledger.LimitExceeded as refused:
        # Name the rows that could not be applied; nothing was written.
        by_member = {b.member_id for b in refused.breaches}
        for row in rows:
            if {row.values["provider"], row.values["receiver"]} & by_member:
                row.errors.append(_("This would take a member past their time-credit limit."))
        await alert_coordinators(hub, refused.breaches, refused=True)
        return report
    report.applied = True
    await alert_coordinators(hub, breaches, refused=False)
    return report
