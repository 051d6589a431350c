"""Translation that does not freeze: text is translated when it is shown or sent, for its reader.

Labels made at import time (plugin names, permission and job descriptions) stay lazy and appear in
each reader's language; emails and notifications are written in their recipient's language,
whoever's request (or job) sends them; seeded defaults are stored in the hub's default language;
account emails are templates a hub folder can override.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from hub import lazy_gettext as _l
from hub.core.notifications.tables import Notification
from hub.core.settings import Settings
from hub.testing import HubClient, MakeMember, Outbox

ROOT = Path(__file__).resolve().parents[2]


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


@pytest.fixture
def enabled_plugins() -> tuple[str, ...] | None:
    return ("noticeboard",)


def test_no_label_is_frozen_at_import_time() -> None:
    """``str(lazy_gettext(...))`` translates once, in whatever language is active, and keeps it."""
    frozen = re.compile(r"str\(\s*(_l|lazy_gettext)\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("hub", "plugins_contrib")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if frozen.search(line) and not line.lstrip().startswith(("#", "``", '"'))
    ]
    assert not offenders, offenders


async def test_plugin_permission_and_job_labels_in_each_organisers_language(
    client: HubClient, make_member: MakeMember
) -> None:
    spanish = await make_member(role="admin", language="es")
    english = await make_member(role="admin", language="en")
    await client.login(spanish)
    page = (await client.get("/admin/plugins")).text
    for text in (
        "Tablón de anuncios",
        "Leer el tablón de anuncios",
        "Avisar a los miembros antes de que caduquen sus anuncios.",
        "cada 1 hora",
        "Visitante",
    ):
        assert text in page, text
    assert "Read the noticeboard" not in page
    await client.logout()
    await client.login(english)
    page = (await client.get("/admin/plugins")).text
    for text in ("Noticeboard", "Read the noticeboard", "Remind members before their notices expire.", "every 1 hour"):
        assert text in page, text
    assert "Tablón de anuncios" not in page


async def test_approval_goes_out_in_the_members_language_while_the_organiser_reads_another(
    client: HubClient, make_member: MakeMember, outbox: Outbox, hub: Any
) -> None:
    organiser = await make_member(role="moderator", language="en")
    waiting_es = await make_member(status="pending", language="es", name="Lucía")
    waiting_ar = await make_member(status="pending", language="ar", name="Omar")
    await client.login(organiser)
    approved = await client.post_form(f"/admin/members/{waiting_es.id}/approve", {})
    assert approved.status_code == 303
    page = await client.get(approved.headers["location"])
    assert "Lucía is approved and has been told by email." in page.text  # the organiser reads English
    (welcome,) = outbox.to(waiting_es.email)
    hub_name = hub.site("hub_name")
    assert subject(welcome) == f"Te damos la bienvenida a {hub_name}"
    text = Outbox.text(welcome)
    assert text.startswith("Hola, Lucía:\n\nUn organizador ha aprobado tu cuenta. Ya puedes iniciar sesión:\n\n")
    assert text.endswith(f"\n\n-- \n{hub_name}\n")

    declined = await client.post_form(f"/admin/members/{waiting_ar.id}/decline", {"reason": "Not local"})
    assert declined.status_code == 303
    (refusal,) = outbox.to(waiting_ar.email)
    assert subject(refusal) == f"طلب انضمامك إلى {hub_name}"
    assert "لم يتمكن المنظِّمون من الموافقة على حسابك" in Outbox.text(refusal)


async def test_a_member_without_a_language_gets_the_hubs_default(
    hub_settings: Settings, make_member: MakeMember, client: HubClient, outbox: Outbox, hub: Any
) -> None:
    await hub.set_site_setting("site.default_language", "es")
    organiser = await make_member(role="moderator", language="en")
    waiting = await make_member(status="pending")
    await client.login(organiser)
    assert (await client.post_form(f"/admin/members/{waiting.id}/approve", {})).status_code == 303
    (welcome,) = outbox.to(waiting.email)
    assert welcome["Subject"].startswith("Te damos la bienvenida a ")


async def test_account_emails_are_templates_a_hub_folder_overrides(hub_settings: Settings, hub_plugins: Any) -> None:
    from hub.core.app import create_app
    from hub.core.members.service import create_member
    from hub.testing import running

    templates = hub_settings.hub_dir / "templates" / "emails" / "account"
    templates.mkdir(parents=True)
    (templates / "declined.txt").write_text(
        '{% extends "original:emails/account/declined.txt" %}\n'
        "{% block subject %}Elm Street Tenants: your request{% endblock %}\n"
        "{% block body %}{{ super() }}\nCall Pat on 01234 567890 if you have questions.\n{% endblock %}\n",
        encoding="utf-8",
    )
    app = create_app(hub_settings, plugins=hub_plugins)
    hub = app.state.hub
    async with running(app) as client:
        async with hub.write():
            await create_member(
                "chair@example.org", "Chair", "a long passphrase", role="moderator", email_verified=True
            )
            waiting = await create_member("sam@example.org", "Sam", "a long passphrase", status="pending",
                                          email_verified=True)  # fmt: skip
        await client.login("chair@example.org", "a long passphrase")
        assert (await client.post_form(f"/admin/members/{waiting}/decline", {"reason": "No"})).status_code == 303
    (message,) = Outbox.of(hub).to("sam@example.org")
    assert message["Subject"] == "Elm Street Tenants: your request"
    text = Outbox.text(message)
    assert text.startswith("Hello Sam,\n\nThank you for your interest in ")
    assert "Call Pat on 01234 567890 if you have questions." in text


async def test_notifications_are_written_in_the_recipients_language(
    hub: Any, make_member: MakeMember, client: HubClient
) -> None:
    from hub.plugins.noticeboard.jobs import send_expiry_reminders
    from hub.plugins.noticeboard.tables import Category, Post

    reader_en = await make_member(language="en")
    reader_es = await make_member(language="es")
    with hub.in_language("ar"):  # as if an Arabic-speaking member's request sent them
        for member in (reader_en, reader_es):
            await hub.notify(member.id, "noticeboard.reply", _l("Replies to my notices"))
    titles = {row["member"]: row["title"] for row in await Notification.select().run()}
    assert titles == {reader_en.id: "Replies to my notices", reader_es.id: "Respuestas a mis anuncios"}

    category = await Category.select(Category.id).first().run()
    soon = datetime(2026, 6, 12, 9, 0, tzinfo=UTC)
    async with hub.write():
        await Post.insert(Post(title="Bike pump", category=category["id"], author=reader_es.id, expires_at=soon)).run()
    assert await send_expiry_reminders(hub, soon - timedelta(days=1)) == 1  # a job: no request, no language
    reminder = await Notification.select().where(Notification.type == "noticeboard.expiring").first().run()
    assert reminder["title"] == "Tu anuncio «Bike pump» se retira pronto"


@pytest.mark.all_databases
async def test_seeded_defaults_are_stored_in_the_hubs_default_language(
    hub_settings: Settings, hub_plugins: Any
) -> None:
    from hub.core.app import create_app
    from hub.plugins.noticeboard.tables import Category
    from hub.testing import running

    app = create_app(replace(hub_settings, default_language="es"), plugins=hub_plugins)
    async with running(app):
        names = {row["slug"]: row["name"] for row in await Category.select(Category.slug, Category.name).run()}
    assert names["notices"] == "Anuncios" and names["lost-found"] == "Perdidos y encontrados"
