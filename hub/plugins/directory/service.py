"""Writing profiles: create, update, tags, listing, organiser entries and their conversion to accounts."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from hub import create_member, set_password
from hub.plugins.directory.forms import parse_tags
from hub.plugins.directory.photos import delete_photo
from hub.plugins.directory.tables import DirectoryProfile, DirectoryTag
from hub.plugins.directory.visibility import FIELDS

if TYPE_CHECKING:
    from hub.core.facade import Hub

__all__ = [
    "INVITE_DAYS",
    "accept_invitation",
    "convert_entry",
    "delete_profile",
    "erase_member",
    "export_member",
    "hash_invite",
    "save_profile",
]

P = DirectoryProfile
INVITE_DAYS = 14
TAG_KINDS = (("skills", "skill"), ("interests", "interest"), ("languages", "language"))


def hash_invite(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _row_values(values: dict[str, Any]) -> dict[Any, Any]:
    area = values.get("area") or ""
    row: dict[Any, Any] = {
        P.preferred_name: values["preferred_name"],
        P.sort_name: values["preferred_name"].casefold()[:100],
        P.pronouns: values.get("pronouns") or "",
        P.bio: values.get("bio") or "",
        P.area: area,
        P.area_key: area.casefold(),
        P.access_needs: values.get("access_needs") or "",
        P.updated_at: datetime.now(UTC),
    }
    for field in FIELDS:
        row[getattr(P, f"vis_{field}")] = int(values[f"vis_{field}"])
    return row


async def _replace_tags(profile_id: int, values: dict[str, Any]) -> None:
    await DirectoryTag.delete().where(DirectoryTag.profile == profile_id).run()
    tags = [
        DirectoryTag(profile=profile_id, kind=kind, key=key, label=label)
        for name, kind in TAG_KINDS
        for key, label in parse_tags(values.get(name) or "")[0]
    ]
    if tags:
        await DirectoryTag.insert(*tags).run()


async def save_profile(
    hub: Hub,
    values: dict[str, Any],
    *,
    profile_id: int | None = None,
    member_id: int | None = None,
    extra: dict[Any, Any] | None = None,
) -> int:
    """Create (``profile_id=None``) or update a profile and replace its tags, in one write transaction."""
    row = {**_row_values(values), **(extra or {})}
    async with hub.write():
        if profile_id is None:
            created = await P.insert(P(member=member_id, **{col._meta.name: value for col, value in row.items()})).run()
            profile_id = int(created[0]["id"])
        else:
            await P.update(row).where(P.id == profile_id).run()
        await _replace_tags(profile_id, values)
    return profile_id


def tag_text(tags: list[dict[str, Any]], kind: str) -> str:
    return ", ".join(tag["label"] for tag in tags if tag["kind"] == kind)


async def convert_entry(hub: Hub, profile: dict[str, Any], email: str, actor_id: int) -> tuple[int, str]:
    """Turn an organiser-made entry into an account: create the member, attach the entry, return a token.

    The member is created active without a password; the emailed invitation lets them choose one.
    Raises ``EmailTaken`` when the address already belongs to a member.
    """
    token = secrets.token_urlsafe(32)
    async with hub.write():
        member_id = await create_member(email, profile["preferred_name"], None, role="member", status="active")
        await (
            P.update(
                {
                    P.member: member_id,
                    P.invite_hash: hash_invite(token),
                    P.invite_expires_at: datetime.now(UTC) + timedelta(days=INVITE_DAYS),
                    P.updated_at: datetime.now(UTC),
                }
            )
            .where(P.id == profile["id"], P.member.is_null())
            .run()
        )
    await hub.emit("directory.entry_converted", actor_id, profile_id=profile["id"], member_id=member_id)
    return member_id, token


async def find_invitation(token: str) -> dict[str, Any] | None:
    if not token or len(token) > 100:
        return None
    row = await (
        P.select(P.id, P.member, P.preferred_name, P.invite_expires_at)
        .where(P.invite_hash == hash_invite(token), P.member.is_not_null())
        .first()
        .run()
    )
    if row is None or row["invite_expires_at"] is None or row["invite_expires_at"] < datetime.now(UTC):
        return None
    return row  # type: ignore[no-any-return]


async def accept_invitation(hub: Hub, invitation: dict[str, Any], password: str) -> None:
    """The invited person chose a password: the account is theirs and the invitation is spent."""
    async with hub.write():
        # Online now: the entry becomes an ordinary profile they manage (the consent record stays in the row).
        await (
            P.update({P.invite_hash: None, P.invite_expires_at: None, P.by_organiser: False})
            .where(P.id == invitation["id"])
            .run()
        )
        await set_password(invitation["member"], password)


async def export_member(hub: Hub, member_id: int) -> dict[str, Any] | None:
    profile = await P.select(*P.all_columns(exclude=[P.invite_hash])).where(P.member == member_id).first().run()
    if profile is None:
        return None
    tags = (
        await DirectoryTag.select(DirectoryTag.kind, DirectoryTag.label)
        .where(DirectoryTag.profile == profile["id"])
        .run()
    )
    for key in ("created_at", "updated_at", "consent_at", "invite_expires_at"):
        if profile.get(key) is not None:
            profile[key] = profile[key].isoformat()
    profile["tags"] = tags
    return {"profile": profile}


async def delete_profile(hub: Hub, member_id: int) -> bool:
    """Delete the member's profile, its tags and its photo file (leaving the directory, not the hub)."""
    profile = await P.select(P.id, P.photo).where(P.member == member_id).first().run()
    if profile is None:
        return False
    async with hub.write():
        await DirectoryTag.delete().where(DirectoryTag.profile == profile["id"]).run()
        await P.delete().where(P.id == profile["id"]).run()
    if profile["photo"]:
        delete_photo(hub.settings.resolved_data_dir, profile["photo"])
    return True


async def erase_member(hub: Hub, member_id: int) -> None:
    """Account deletion: the profile goes, and no consent record names the member any more."""
    await delete_profile(hub, member_id)
    async with hub.write():
        await P.update({P.consent_by: None}).where(P.consent_by == member_id).run()
