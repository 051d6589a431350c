"""Creating and finding members; the only code that writes the member table."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from piccolo.columns.combination import Or

from hub.core.auth.passwords import hash_password, needs_rehash, verify_password
from hub.core.members.tables import Member
from hub.core.types import Actor

__all__ = [
    "EmailTaken",
    "actor_from_row",
    "admin_exists",
    "authenticate",
    "count_active_admins",
    "create_member",
    "delete_member_row",
    "get_member",
    "get_member_by_email",
    "is_last_admin",
    "search_members",
    "update_member",
]


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
    password_hash: str | None = None,
) -> int:
    """Insert a member (password hashed off the event loop); raises :class:`EmailTaken`.

    Pass ``password_hash`` (from :func:`hash_password`, computed before ``hub.write()``) to keep
    the slow hashing out of the write transaction.
    """
    email = normalise_email(email)
    if password_hash is None:
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
    if not (ok and row):
        return None
    if needs_rehash(row["password_hash"]):
        # Made with older hashing parameters: store one made with the current ones.
        await set_password(row["id"], password)
    return row


async def set_password(member_id: int, password: str) -> None:
    await Member.update({Member.password_hash: await hash_password(password)}).where(Member.id == member_id).run()


async def admin_exists() -> bool:
    return bool(await Member.exists().where(Member.role == "admin").run())


async def update_member(member_id: int, **values: Any) -> None:
    """Set columns by name (``status="active"``); call inside ``hub.write()``."""
    if "email" in values:
        values["email"] = normalise_email(values["email"])
    await (
        Member.update({getattr(Member, name): value for name, value in values.items()})
        .where(Member.id == member_id)
        .run()
    )


async def count_active_admins() -> int:
    return int(await Member.count().where((Member.role == "admin") & (Member.status == "active")).run())


async def is_last_admin(member_id: int) -> bool:
    """Whether this member is an admin whom no other active admin could replace."""
    row = await Member.select(Member.role, Member.status).where(Member.id == member_id).first().run()
    if row is None or row["role"] != "admin":
        return False
    others = (
        await Member.count()
        .where((Member.role == "admin") & (Member.status == "active") & (Member.id != member_id))
        .run()
    )
    return int(others) == 0


async def delete_member_row(member_id: int) -> None:
    """Delete the member row. Vouches they gave are cleared first: ``known_by`` cascades on delete,
    and deleting an organiser must never take the members they vouched for with them."""
    await Member.update({Member.known_by: None, Member.known_at: None}).where(Member.known_by == member_id).run()
    await Member.delete().where(Member.id == member_id).run()


def _like_pattern(text: str) -> str:
    """``%`` and ``_`` in a search stay wildcards: they can only widen an organiser's own search."""
    return f"%{text.lower()}%"


async def search_members(
    query: str = "", status: str = "", role: str = "", *, offset: int = 0, limit: int = 25
) -> tuple[list[dict[str, Any]], int]:
    """One page of members (newest first) matching a name/email search and filters, and the total."""
    conditions: list[Any] = []
    if query:
        pattern = _like_pattern(query)
        # SQLite's LIKE already ignores (ASCII) case; PostgreSQL needs ILIKE.
        like = "ilike" if Member._meta.db.engine_type == "postgres" else "like"
        conditions.append(Or(getattr(Member.email, like)(pattern), getattr(Member.display_name, like)(pattern)))
    if status:
        conditions.append(Member.status == status)
    if role:
        conditions.append(Member.role == role)
    select = Member.select(
        Member.id,
        Member.email,
        Member.display_name,
        Member.role,
        Member.status,
        Member.email_verified,
        Member.vetted,
        Member.known_by,
        Member.created_at,
        Member.last_seen_at,
    )
    count = Member.count()
    for condition in conditions:
        select = select.where(condition)
        count = count.where(condition)
    rows = await select.order_by(Member.id, ascending=False).offset(offset).limit(limit).run()
    return rows, int(await count.run())
