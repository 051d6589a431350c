"""The moderation queue and logs: grouped reports, actions with reasons, private and public logs."""

from __future__ import annotations

from typing import Any

import pytest

from hub.core.admin import moderation_routes
from hub.core.db import count_queries
from hub.core.moderation.tables import ModerationAction, Report
from hub.core.relay.tables import RelayMessage
from hub.testing import HubClient, MakeMember, Outbox, TestMember


async def _act(client: HubClient, message_id: int, action: str, reason: str = "Breaks rule 3", **extra: str) -> Any:
    data = {"kind": "core.message", "object_id": str(message_id), "action": action, "reason": reason, **extra}
    return await client.post_form("/admin/moderation/act", data)


async def test_empty_queue_says_so(client: HubClient, moderator: TestMember) -> None:
    await client.login(moderator)
    page = await client.get("/admin/moderation")
    assert page.status_code == 200 and "No reports are waiting" in page.text


@pytest.mark.all_databases
async def test_reports_about_one_item_are_grouped(
    client: HubClient, moderator: TestMember, make_member: MakeMember, make_report: Any, hub: Any
) -> None:
    message_id, _author, _reporter = await make_report(reason="Selling fake watches")
    second = await make_member(name="Second Reporter")
    await hub.report("core.message", message_id, second.id, "Spam again")
    await client.login(moderator)
    page = await client.get("/admin/moderation")
    assert page.text.count('action="/admin/moderation/act"') == 1
    assert "2 reports" in page.text
    assert "Selling fake watches" in page.text and "Spam again" in page.text
    assert "Message: Cheap watches" in page.text and "Buy now, buy cheap" in page.text


@pytest.mark.all_databases
async def test_queue_is_paginated_with_bounded_queries(
    client: HubClient, moderator: TestMember, make_member: MakeMember, make_report: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(moderation_routes, "PAGE_SIZE", 2)
    author, reporter = await make_member(), await make_member()
    ids = [(await make_report(author=author, reporter=reporter, subject=f"Item {n}"))[0] for n in range(5)]
    await client.login(moderator)
    first = await client.get("/admin/moderation")
    assert "Message: Item 0" in first.text and "Message: Item 1" in first.text and "Item 2" not in first.text
    assert 'rel="next"' in first.text
    next_url = first.text.split('href="/admin/moderation?after=')[1].split('"')[0]
    second = await client.get(f"/admin/moderation?after={next_url}")
    assert "Message: Item 2" in second.text and "Message: Item 3" in second.text and "Item 0" not in second.text
    assert len(ids) == 5
    with count_queries() as counter:
        await client.get("/admin/moderation")
    # Session, flash-free render, two queue queries, one description per item shown.
    print("QUERIES", counter.count, counter.statements)
    assert counter.count <= 6 + 2, counter.statements


@pytest.mark.all_databases
async def test_hide_then_restore_with_reasons_logged(
    client: HubClient, moderator: TestMember, make_report: Any
) -> None:
    message_id, author, _reporter = await make_report()
    await client.login(moderator)
    hidden = await _act(client, message_id, "hide", public_summary="Hid an advert for fake goods")
    assert hidden.status_code == 303
    assert (await RelayMessage.select(RelayMessage.hidden).where(RelayMessage.id == message_id).first().run())["hidden"]
    reports = await Report.select(Report.status, Report.resolved_by, Report.resolution).run()
    assert reports == [{"status": "actioned", "resolved_by": moderator.id, "resolution": "Breaks rule 3"}]
    assert "No reports are waiting" in (await client.get("/admin/moderation")).text

    handled = await client.get("/admin/moderation?status=handled")
    assert "Show it again" in handled.text
    restored = await _act(client, message_id, "restore", "Looked again: it was fine", status="handled")
    assert restored.status_code == 303
    row = await RelayMessage.select(RelayMessage.hidden).where(RelayMessage.id == message_id).first().run()
    assert row["hidden"] is False

    log = await ModerationAction.select().order_by(ModerationAction.id).run()
    assert [(e["action"], e["actor"], e["reason"], e["subject"]) for e in log] == [
        ("hide", moderator.id, "Breaks rule 3", author.id),
        ("restore", moderator.id, "Looked again: it was fine", author.id),
    ]
    organisers = await client.get("/admin/log")
    assert "Breaks rule 3" in organisers.text and moderator.display_name in organisers.text
    assert "Author Person" in organisers.text


async def test_dismiss_needs_a_reason(client: HubClient, moderator: TestMember, make_report: Any) -> None:
    message_id, _author, _reporter = await make_report()
    await client.login(moderator)
    refused = await _act(client, message_id, "dismiss", reason="")
    assert refused.status_code == 400 and "This field is required" in refused.text
    assert await ModerationAction.count().run() == 0
    assert await Report.count().where(Report.status == "open").run() == 1
    done = await _act(client, message_id, "dismiss", reason="Not against the rules")
    assert done.status_code == 303
    assert await Report.count().where(Report.status == "dismissed").run() == 1


async def test_bad_actions_are_refused_and_write_nothing(
    client: HubClient, moderator: TestMember, make_report: Any
) -> None:
    message_id, _author, _reporter = await make_report()
    await client.login(moderator)
    assert (await _act(client, message_id + 999, "hide")).status_code == 404
    assert (await _act(client, message_id, "delete-everything")).status_code == 404
    already = await _act(client, message_id, "restore")
    assert already.status_code == 400 and "not hidden" in already.text
    huge = await _act(client, message_id, "hide", reason="x" * 10_000)
    assert huge.status_code == 400
    assert await ModerationAction.count().run() == 0
    assert await Report.count().where(Report.status == "open").run() == 1


async def test_warning_reaches_the_author_without_the_reporter(
    client: HubClient, moderator: TestMember, make_report: Any, outbox: Outbox
) -> None:
    message_id, author, reporter = await make_report(reason="Reported by a neighbour")
    await client.login(moderator)
    before = len(outbox.to(author.email))
    warned = await _act(client, message_id, "warn", "Please keep adverts to the noticeboard.")
    assert warned.status_code == 303
    mails = outbox.to(author.email)
    assert len(mails) == before + 1
    text = Outbox.text(mails[-1])
    assert "Please keep adverts to the noticeboard." in text
    assert reporter.display_name not in mails[-1].as_string()
    assert reporter.email not in mails[-1].as_string()
    assert "Reported by a neighbour" not in text
    entry = await ModerationAction.select().first().run()
    assert entry["action"] == "warn" and entry["subject"] == author.id


async def test_public_log_shows_no_names_or_reasons(
    client: HubClient, moderator: TestMember, member: TestMember, make_report: Any
) -> None:
    message_id, author, reporter = await make_report(reason="Reporter secret words")
    await client.login(moderator)
    await _act(client, message_id, "hide", "Private organiser reason", public_summary="Hid an advert")
    await client.logout()

    assert (await client.get("/moderation-log")).status_code == 303
    await client.login(member)
    page = await client.get("/moderation-log")
    assert page.status_code == 200
    assert "Content hidden" in page.text and "Hid an advert" in page.text
    for secret in (
        reporter.display_name,
        author.display_name,
        moderator.display_name,
        "Private organiser reason",
        "Reporter secret words",
        "Cheap watches",
    ):
        assert secret not in page.text, secret


async def test_public_log_empty_state(client: HubClient, member: TestMember) -> None:
    await client.login(member)
    page = await client.get("/moderation-log")
    assert "Nothing has needed moderating yet" in page.text


@pytest.mark.all_databases
async def test_member_decisions_from_events_are_logged(client: HubClient, moderator: TestMember, hub: Any,
                                                       make_member: MakeMember) -> None:  # fmt: skip
    subject = await make_member(name="Suspended Someone")
    await hub.emit("core.suspended", moderator.id, member_id=subject.id, reason="Repeated abuse")
    await hub.emit("core.vetted", moderator.id, member_id=subject.id, reason="DBS seen")
    await hub.emit("core.suspended", moderator.id, member_id=subject.id)  # no reason: not a logged decision
    await hub.emit("noticeboard.suspended", moderator.id, member_id=subject.id, reason="not a core event")
    rows = await ModerationAction.select().order_by(ModerationAction.id).run()
    assert [(r["action"], r["subject"], r["reason"], r["actor"]) for r in rows] == [
        ("suspended", subject.id, "Repeated abuse", moderator.id),
        ("vetted", subject.id, "DBS seen", moderator.id),
    ]
    await client.login(moderator)
    page = await client.get("/admin/log")
    assert "Member suspended" in page.text and "Repeated abuse" in page.text and "Suspended Someone" in page.text


async def test_organiser_log_is_paginated(client: HubClient, moderator: TestMember, hub: Any, monkeypatch: Any) -> None:
    from hub.core.admin import log_routes
    from hub.core.moderation.service import record_action

    monkeypatch.setattr(log_routes, "PAGE_SIZE", 3)
    for number in range(7):
        await record_action(hub, moderator.id, "dismiss", reason=f"Reason number {number}")
    await client.login(moderator)
    first = await client.get("/admin/log")
    assert "Reason number 6" in first.text and "Reason number 3" not in first.text
    cursor = first.text.split('href="/admin/log?before=')[1].split('"')[0]
    second = await client.get(f"/admin/log?before={cursor}")
    assert "Reason number 3" in second.text and "Reason number 6" not in second.text
    assert (await client.get("/admin/log?before=nonsense")).status_code == 200


async def test_queue_answers_htmx_with_just_the_queue(
    client: HubClient, moderator: TestMember, make_report: Any
) -> None:
    await make_report()
    await client.login(moderator)
    fragment = await client.get("/admin/moderation", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'action="/admin/moderation/act"' in fragment.text
    assert 'name="_csrf_token"' in fragment.text
