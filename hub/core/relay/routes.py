"""Reading relayed messages and replying to them through the hub."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from hub.core.auth.permissions import SIGNED_IN
from hub.core.i18n import gettext as _
from hub.core.members.tables import Member
from hub.core.relay.service import RelayRefused
from hub.core.relay.tables import RelayMessage
from hub.core.types import Actor
from hub.core.web.forms import Field, Form
from hub.core.web.util import redirect

__all__ = ["MessagesController"]

PAGE_SIZE = 30


def reply_form() -> Form:
    return Form(
        [
            Field("body", _("Your reply"), kind="textarea", max_length=5000, min_length=1),
            Field("share_email", _("Share my email address"), kind="bool", required=False),
        ]
    )


async def _message_for(actor: Actor, message_id: int) -> dict[str, Any]:
    """The message if the actor sent or received it; otherwise 404 (never reveal it exists)."""
    row = (
        await RelayMessage.select(
            *RelayMessage.all_columns(),
            RelayMessage.sender.display_name.as_alias("sender_name"),
            RelayMessage.recipient.display_name.as_alias("recipient_name"),
        )
        .where(RelayMessage.id == message_id)
        .first()
        .run()
    )
    if row is None or row["hidden"] or actor.id not in (row["sender"], row["recipient"]):
        raise NotFoundException()
    return row


class MessagesController(Controller):
    path = "/messages"

    @get("/", name="core:messages", opt={"permission": SIGNED_IN})
    async def inbox(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        rows = (
            await RelayMessage.select(
                RelayMessage.id,
                RelayMessage.subject,
                RelayMessage.created_at,
                RelayMessage.read_at,
                RelayMessage.sender,
                RelayMessage.sender.display_name.as_alias("sender_name"),
                RelayMessage.recipient.display_name.as_alias("recipient_name"),
            )
            .where(
                ((RelayMessage.recipient == actor.id) | (RelayMessage.sender == actor.id))
                & RelayMessage.hidden.eq(False)
            )
            .order_by(RelayMessage.id, ascending=False)
            .limit(PAGE_SIZE)
            .run()
        )
        return await hub.render(request, "messages/list.html", {"messages": rows})

    @get("/{message_id:int}", name="core:message", opt={"permission": SIGNED_IN})
    async def show(self, request: Request[Any, Any, Any], message_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        message = await _message_for(actor, message_id)
        if message["recipient"] == actor.id and message["read_at"] is None:
            from datetime import UTC, datetime

            await (
                RelayMessage.update({RelayMessage.read_at: datetime.now(UTC)})
                .where(RelayMessage.id == message_id)
                .run()
            )
        return await hub.render(request, "messages/show.html", {"message": message, "form": {}, "errors": {}})

    @post("/{message_id:int}/reply", name="core:message-reply", opt={"permission": SIGNED_IN})
    async def reply(self, request: Request[Any, Any, Any], message_id: FromPath[int]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        message = await _message_for(actor, message_id)
        other = message["sender"] if message["recipient"] == actor.id else message["recipient"]
        result = reply_form().validate(await request.form())
        if other is None or not await Member.exists().where(Member.id == other).run():
            result.errors["__all__"] = _("The other member has left the hub, so this conversation is closed.")
        if result.ok:
            subject = message["subject"] if message["subject"].startswith("Re: ") else f"Re: {message['subject']}"
            try:
                new_id = await hub.relay(
                    actor.id,
                    other,
                    subject,
                    result.values["body"],
                    message["context_url"],
                    shares_email=result.values["share_email"],
                )
            except RelayRefused as refused:
                result.errors["__all__"] = str(refused)
            else:
                hub.flash(
                    request, _("Your reply was sent. Your email address stays private unless you chose to share it.")
                )
                return redirect(request, f"/messages/{new_id}")
        return await hub.render(
            request,
            "messages/show.html",
            {"message": message, "form": result.raw, "errors": result.errors},
            status_code=400,
        )
