"""Emails written from templates, each in its recipient's language.

A letter is a template such as ``emails/account/approved.txt``: its ``subject`` block is the
subject line and the rest renders the body. A hub folder's ``templates/`` overrides any of them,
like every other template. Everything is rendered with the recipient's language active (a
member's own choice, else the hub's default), whoever's request sends it: an organiser reading
the hub in Spanish approves a member who reads English, and the welcome goes out in English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jinja2_fragments import render_block

from hub.core.languages import recipient_language

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = ["render_letter", "send_letter"]


def render_letter(hub: Hub, template: str, context: Mapping[str, Any], language: str | None) -> tuple[str, str]:
    """``(subject, text)`` of a letter, rendered in ``language`` (a member's; ``None`` = the hub's)."""
    with hub.catalogues.using(recipient_language(hub, language)) as chosen:
        values = {"hub_name": hub.site("hub_name"), "lang": chosen, **context}
        subject = " ".join(render_block(hub.env, template, "subject", **values).split())
        text = hub.env.get_template(template).render(values)
    return subject, text


async def send_letter(
    hub: Hub, to: str, template: str, context: Mapping[str, Any], *, language: str | None, **extra: Any
) -> None:
    """Render a letter in its recipient's language and queue it (``extra`` as for ``hub.send_mail``:
    ``category``, ``member_id``…). Inside ``hub.write()`` it commits with the change it reports."""
    subject, text = render_letter(hub, template, context, language)
    await hub.send_mail(to, subject, text, **extra)
