"""Creating and finding members; the only code that writes the member table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hub.core.auth.passwords import hash_password, verify_password
from hub.core.members.tables import Member
from hub.core.types import Actor

__all__ = ["EmailTaken", "actor_from_row", "admin_exists", "authenticate", "create_member", "get_member"]


class EmailTaken(ValueError):
    """Another member already uses this email address."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def actor_from_row(row: dict[str, Any]) -> Actor:
    return Actor(
        id=row["id"],
        display_name=row["display_name"],
        email=row["email"],
        role=row["role"],
        status=row["status"],
        language=row.get("language"),
    )


async def get_member(member_id: int) -> dict[str, Any] | None:
    return await Member.select().where(Member.id == member_id).first().run()


async def get_member_by_email(email: str) -> dict[str, Any] | None:
    return await Member.select().where(Member.email == normalise_email(email)).first().run()


async def create_member(
    email: str,
    display_name: str,
    password: str | None,
    *,
    role: str = "member",
    status: str = "active",
    language: str | None = None,
    email_verified: bool = False,
) -> int:
    """Insert a member (password hashed off the event loop); raises :class:`EmailTaken`."""
    email = normalise_email(email)
    password_hash = await hash_password(password) if password else ""
    if await Member.exists().where(Member.email == email).run():
        raise EmailTaken(email)
    rows = await Member.insert(
        Member(
            email=email,
            display_name=display_name,
            password_hash=password_hash,
            role=role,
            status=status,
            language=language,
            email_verified=email_verified,
            created_at=datetime.now(UTC),
        )
    ).run()
    return int(rows[0]["id"])


async def authenticate(email: str, password: str) -> dict[str, Any] | None:
    """The member row when email and password match, else ``None`` (same cost either way)."""
    row = await get_member_by_email(email)
    ok = await verify_password(row["password_hash"] if row else "", password)
    return row if ok and row else None


async def set_password(member_id: int, password: str) -> None:
    await Member.update({Member.password_hash: await hash_password(password)}).where(Member.id == member_id).run()


async def admin_exists() -> bool:
    return bool(await Member.exists().where(Member.role == "admin").run())
