"""The organisers' moderation queue: reports grouped by the content they are about, and actions.

Each action (hide, restore, dismiss, warn) needs a reason, updates the reports it settles and is
written to the moderation log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hub.core import hooks
from hub.core.i18n import gettext as _
from hub.core.i18n import lazy_gettext as _l
from hub.core.languages import recipient_language
from hub.core.members.tables import Member
from hub.core.moderation.service import record_action
from hub.core.moderation.tables import Report
from hub.core.types import Actor, ReportedObject

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = [
    "ACTION_LABELS",
    "MAX_ID",
    "QUEUE_ACTIONS",
    "ActionRefused",
    "ReportGroup",
    "action_label",
    "carry_out",
    "describe",
    "report_groups",
]

MAX_ID = 2**31 - 1
"""Ids are 32-bit serials on PostgreSQL: a larger number in a URL must not reach the database."""
QUEUE_ACTIONS = ("hide", "restore", "dismiss", "warn")
ACTION_LABELS: dict[str, Any] = {
    "hide": _l("Content hidden"),
    "restore": _l("Content restored"),
    "dismiss": _l("Reports dismissed"),
    "warn": _l("Author warned"),
    "approved": _l("Member approved"),
    "declined": _l("Membership declined"),
    "suspended": _l("Member suspended"),
    "restored": _l("Member restored"),
    "role_changed": _l("Role changed"),
    "known": _l("Member marked as known to an organiser"),
    "vetted": _l("Member marked as vetted"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action.replace("_", " ").capitalize()


class ActionRefused(ValueError):
    """The action cannot be carried out; ``str()`` is a sentence for the organiser. Nothing was written."""


@dataclass
class ReportGroup:
    """Every report about one piece of content."""

    kind: str
    object_id: int
    count: int
    cursor: int
    reports: list[dict[str, Any]] = field(default_factory=list)
    target: ReportedObject | None = None


_GROUPS_OPEN = (
    "SELECT kind, object_id, COUNT(*) AS reports, MIN(id) AS cursor FROM hub_report "
    "WHERE status = {} GROUP BY kind, object_id HAVING MIN(id) > {} ORDER BY MIN(id) LIMIT {}"
)
_GROUPS_HANDLED = (
    "SELECT kind, object_id, COUNT(*) AS reports, MAX(id) AS cursor FROM hub_report "
    "WHERE status <> {} GROUP BY kind, object_id HAVING MAX(id) < {} ORDER BY MAX(id) DESC LIMIT {}"
)


async def report_groups(status: str, cursor: int | None, limit: int) -> tuple[list[ReportGroup], int | None]:
    """One page of report groups (open: oldest first; handled: newest first) and the next cursor.

    Two queries whatever the page size: the groups, then their reports with reporter names.
    """
    if status == "open":
        rows = await Report.raw(_GROUPS_OPEN, "open", cursor or 0, limit + 1).run()
    else:
        rows = await Report.raw(_GROUPS_HANDLED, "open", cursor or MAX_ID, limit + 1).run()
    more = len(rows) > limit
    groups = [ReportGroup(r["kind"], int(r["object_id"]), int(r["reports"]), int(r["cursor"])) for r in rows[:limit]]
    if not groups:
        return [], None
    wanted = {(g.kind, g.object_id): g for g in groups}
    status_filter = (Report.status == "open") if status == "open" else (Report.status != "open")
    reports = (
        await Report.select(
            Report.id,
            Report.kind,
            Report.object_id,
            Report.reason,
            Report.status,
            Report.created_at,
            Report.resolution,
            Report.reporter.display_name.as_alias("reporter_name"),
        )
        .where(
            status_filter
            & Report.kind.is_in(sorted({g.kind for g in groups}))
            & Report.object_id.is_in(sorted({g.object_id for g in groups}))
        )
        .order_by(Report.id)
        .run()
    )
    for report in reports:
        group = wanted.get((report["kind"], report["object_id"]))
        if group is not None:
            group.reports.append(report)
    return groups, (groups[-1].cursor if more else None)


async def describe(hub: Hub, kind: str, object_id: int, viewer: Actor) -> ReportedObject | None:
    found = await hooks.call_first(
        hub.registry, "moderation_object", hub=hub, kind=kind, object_id=object_id, viewer=viewer
    )
    return found if isinstance(found, ReportedObject) else None


async def _settle(status: str, kind: str, object_id: int, actor: Actor, reason: str) -> int:
    rows = (
        await Report.update(
            {
                Report.status: status,
                Report.resolved_by: actor.id,
                Report.resolved_at: datetime.now(UTC),
                Report.resolution: reason,
            }
        )
        .where((Report.kind == kind) & (Report.object_id == object_id) & (Report.status == "open"))
        .returning(Report.id)
        .run()
    )
    return len(rows)


async def carry_out(
    hub: Hub,
    actor: Actor,
    kind: str,
    object_id: int,
    action: str,
    reason: str,
    public_summary: str = "",
) -> ReportedObject | None:
    """Do ``action`` on reported content and log it; raise :class:`ActionRefused` writing nothing."""
    target = await describe(hub, kind, object_id, actor)
    if action in ("hide", "restore", "warn") and target is None:
        raise ActionRefused(
            _("This content no longer exists or its plugin is switched off. You can dismiss the reports.")
        )
    if action == "warn" and (target is None or target.author_id is None):
        raise ActionRefused(_("We cannot tell who wrote this, so there is nobody to warn."))
    if action == "hide" and target is not None and target.hidden:
        raise ActionRefused(_("This content is already hidden."))
    if action == "restore" and target is not None and not target.hidden:
        raise ActionRefused(_("This content is not hidden."))
    author = target.author_id if target else None
    async with hub.write():
        if action in ("hide", "restore"):
            handled = await hooks.call_first(
                hub.registry, "moderate", hub=hub, kind=kind, object_id=object_id, action=action, actor=actor,
                reason=reason,
            )  # fmt: skip
            if handled is not True:
                raise ActionRefused(_("The plugin that owns this content did not carry out the action."))
        if action in ("hide", "warn"):
            await _settle("actioned", kind, object_id, actor, reason)
        elif action == "dismiss":
            await _settle("dismissed", kind, object_id, actor, reason)
        await record_action(
            hub,
            actor.id,
            action,
            reason=reason,
            kind=kind,
            object_id=object_id,
            subject_id=author,
            public_summary=public_summary,
        )
        if action == "warn" and author is not None and target is not None:
            await _send_warning(hub, author, target, reason)  # commits with the logged action
    await hub.emit("core.moderated", actor.id, action=action, kind=kind, object_id=object_id)
    return target


async def _send_warning(hub: Hub, author_id: int, target: ReportedObject, reason: str) -> None:
    """Email the author the organisers' reason, as the hub: never who reported them."""
    row = (
        await Member.select(Member.email, Member.display_name, Member.language)
        .where(Member.id == author_id)
        .first()
        .run()
    )
    if row is None:
        return
    with hub.catalogues.using(recipient_language(hub, row["language"])):  # the author's language
        subject, text = _warning(hub, row, target, reason)
    await hub.send_mail(row["email"], subject, text, member_id=author_id, category="moderation")


def _warning(hub: Hub, row: dict[str, Any], target: ReportedObject, reason: str) -> tuple[str, str]:
    site = hub.site("hub_name")
    lines = [
        _("Hello %(name)s,", name=row["display_name"]),
        "",
        _("The organisers of %(hub)s are writing to you about something you posted:", hub=site),
        f"{target.title} — {hub.absolute_url(target.url)}",
        "",
        reason,
        "",
    ]
    if hub.site("code_of_conduct"):
        lines.append(_("Please read our code of conduct: %(url)s", url=hub.absolute_url("/code-of-conduct")))
    contact = hub.site("contact_email")
    if contact:
        lines.append(_("If you want to talk about this, write to %(email)s.", email=contact))
    return _("A message from the organisers of %(hub)s", hub=site), "\n".join(lines)
