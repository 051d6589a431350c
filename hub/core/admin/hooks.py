"""The organisers' area as default hook implementations: the audit trail and moderation log fed
from events, the footer link to the code of conduct, and the theme/logo template helpers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from markupsafe import Markup, escape

from hub.core.admin.audit import AUDITED_EVENTS, one_line, prune_audit, record_audit
from hub.core.admin.public import logo_url, theme_url
from hub.core.hookspecs import hookimpl
from hub.core.i18n import gettext as _
from hub.core.i18n import lazy_gettext as _l
from hub.core.members.tables import Member
from hub.core.moderation.service import record_action
from hub.core.types import Event, Job

MEMBER_PUBLIC_SUMMARY = 300


async def _still_a_member(member_id: Any) -> int | None:
    """The id if that member still exists (a declined or deleted member's row is gone; the log
    keeps the event, with the id in its detail, without a dangling reference)."""
    if not isinstance(member_id, int):
        return None
    return member_id if await Member.exists().where(Member.id == member_id).run() else None


@hookimpl
async def on_event(hub: Any, event: Event) -> None:
    """Security events go to the audit log; member decisions with a reason to the moderation log."""
    data = dict(event.data)
    if event.name in AUDITED_EVENTS or (event.name.startswith("core.") and "member_id" in data):
        await record_audit(hub, event.name, await _still_a_member(event.actor_id), data)
    member_id = data.get("member_id")
    reason = data.get("reason")
    if event.name.startswith("core.") and isinstance(member_id, int) and isinstance(reason, str):
        summary = data.get("public_summary")
        async with hub.write():
            await record_action(
                hub,
                await _still_a_member(event.actor_id),
                one_line(event.name.removeprefix("core."), 50),
                reason=reason[:2000],
                subject_id=await _still_a_member(member_id),
                public_summary=one_line(summary, MEMBER_PUBLIC_SUMMARY) if isinstance(summary, str) else "",
            )


@hookimpl
def page_slot(hub: Any, slot: str, request: Any, actor: Any) -> Markup | None:
    """Footer links: the code of conduct, the public moderation log (members) and the contact address."""
    if slot != "footer":
        return None
    links = []
    if hub.site("code_of_conduct"):
        links.append(Markup('<li><a href="/code-of-conduct">%s</a></li>') % _("Code of conduct"))
    if actor is not None:
        links.append(Markup('<li><a href="/moderation-log">%s</a></li>') % _("Moderation log"))
    contact = hub.site("contact_email")
    if contact:
        links.append(Markup('<li><a href="mailto:%s">%s</a></li>') % (contact, _("Contact the organisers")))
    if not links:
        return None
    label = escape(_("About this hub"))
    return Markup('<ul class="footer-links" aria-label="%s">%s</ul>') % (label, Markup("").join(links))


@hookimpl
def prepare_jinja_env(hub: Any, env: Any) -> None:
    env.globals["theme_css_url"] = lambda: theme_url(hub)
    env.globals["logo_url"] = lambda: logo_url(hub)


@hookimpl
def register_jobs(hub: Any) -> list[Job]:
    return [
        Job(
            "core.audit_prune",
            every=timedelta(days=1),
            run=prune_audit,
            description=_l("Delete security-log entries older than a year."),
        )
    ]
