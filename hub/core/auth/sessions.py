"""Server-side sessions that survive restarts and are shared by every worker process.

The cookie holds a random token; the store keeps only its SHA-256, the signed-in member and a
little data (flash messages, the welcome-flow step). The database store is the default; Redis is
used when ``HUB_REDIS_URL`` is set. Signing in always issues a new token; signing out, suspension
and "log out my other sessions" delete rows, so an old cookie authenticates nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from piccolo.query.methods.select import Select

from hub.core.auth.tables import Session
from hub.core.members.tables import Member
from hub.core.notifications.service import unread_subquery
from hub.core.prepared import Param, Prepared

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = [
    "SESSION_LIFETIME",
    "DatabaseSessionStore",
    "RedisSessionStore",
    "SessionMiddleware",
    "SessionRecord",
    "SessionState",
    "SessionStore",
    "hash_token",
]

SESSION_LIFETIME = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=10)
MEMBER_FIELDS = ("id", "display_name", "email", "role", "status", "language")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class SessionRecord:
    member_id: int | None
    data: dict[str, Any]
    last_seen_at: datetime
    member: dict[str, Any] | None = None


class SessionStore(Protocol):
    async def load(self, key: str) -> SessionRecord | None: ...
    async def create(self, key: str, member_id: int | None, data: dict[str, Any], user_agent: str) -> None: ...
    async def save(self, key: str, data: dict[str, Any], touch: bool) -> None: ...
    async def delete(self, key: str) -> None: ...
    async def delete_for_member(self, member_id: int, keep: str | None = None) -> int: ...
    async def count_for_member(self, member_id: int) -> int: ...


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        loaded = json.loads(value or "{}")
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _session_lookup() -> Select:
    member = Session.member
    joined = [getattr(member, name).as_alias(f"m_{name}") for name in MEMBER_FIELDS]
    unread = unread_subquery('"hub_session"."member"').as_alias("m_unread")
    return (
        Session.select(Session.member, Session.data, Session.last_seen_at, Session.expires_at, *joined, unread)
        .where(Session.id == Param("key"))
        .limit(1)
    )


# Runs on every signed-in request: built and compiled once per process.
SESSION_LOOKUP = Prepared(_session_lookup)
MEMBER_LOOKUP = Prepared(
    lambda: (
        Member.select(
            *[getattr(Member, name) for name in MEMBER_FIELDS], unread_subquery('"hub_member"."id"').as_alias("unread")
        )
        .where(Member.id == Param("member"))
        .limit(1)
    )
)


class DatabaseSessionStore:
    """Sessions in the hub's own database: one indexed lookup (joined with the member) per request."""

    async def load(self, key: str) -> SessionRecord | None:
        row = await SESSION_LOOKUP.first(key=key)
        if row is None:
            return None
        if row["expires_at"] < now():
            await self.delete(key)
            return None
        member_row = {name: row[f"m_{name}"] for name in (*MEMBER_FIELDS, "unread")} if row["member"] else None
        return SessionRecord(
            member_id=row["member"], data=_as_dict(row["data"]), last_seen_at=row["last_seen_at"], member=member_row
        )

    async def create(self, key: str, member_id: int | None, data: dict[str, Any], user_agent: str) -> None:
        stamp = now()
        await Session.insert(
            Session(
                id=key,
                member=member_id,
                data=json.dumps(data),
                user_agent=user_agent[:200],
                created_at=stamp,
                last_seen_at=stamp,
                expires_at=stamp + SESSION_LIFETIME,
            )
        ).run()

    async def save(self, key: str, data: dict[str, Any], touch: bool) -> None:
        values: dict[Any, Any] = {Session.data: json.dumps(data)}
        if touch:
            stamp = now()
            values.update({Session.last_seen_at: stamp, Session.expires_at: stamp + SESSION_LIFETIME})
        await Session.update(values).where(Session.id == key).run()

    async def delete(self, key: str) -> None:
        await Session.delete().where(Session.id == key).run()

    async def delete_for_member(self, member_id: int, keep: str | None = None) -> int:
        query = Session.delete().where(Session.member == member_id)
        if keep:
            query = query.where(Session.id != keep)
        before = await self.count_for_member(member_id)
        await query.run()
        return before - (1 if keep else 0)

    async def count_for_member(self, member_id: int) -> int:
        return int(await Session.count().where(Session.member == member_id).run())

    async def purge_expired(self) -> int:
        expired = await Session.count().where(Session.expires_at < now()).run()
        await Session.delete().where(Session.expires_at < now()).run()
        return int(expired)


class RedisSessionStore:
    """Sessions in Redis (keys expire on their own); member details still come from the database."""

    def __init__(self, redis: Redis, namespace: str = "hub") -> None:
        self.redis = redis
        self.namespace = namespace

    def _key(self, key: str) -> str:
        return f"{self.namespace}:session:{key}"

    def _member_key(self, member_id: int) -> str:
        return f"{self.namespace}:member-sessions:{member_id}"

    async def load(self, key: str) -> SessionRecord | None:
        raw = await self.redis.get(self._key(key))
        if raw is None:
            return None
        payload = json.loads(raw)
        member_id = payload.get("member_id")
        member = None
        if member_id is not None:
            member = await MEMBER_LOOKUP.first(member=member_id)
            if member is None:
                await self.delete(key)
                return None
        return SessionRecord(
            member_id=member_id,
            data=payload.get("data", {}),
            last_seen_at=datetime.fromisoformat(payload["last_seen_at"]),
            member=member,
        )

    async def _write(self, key: str, member_id: int | None, data: dict[str, Any], last_seen: datetime) -> None:
        payload = json.dumps({"member_id": member_id, "data": data, "last_seen_at": last_seen.isoformat()})
        await self.redis.set(self._key(key), payload, ex=int(SESSION_LIFETIME.total_seconds()))

    async def create(self, key: str, member_id: int | None, data: dict[str, Any], user_agent: str) -> None:
        await self._write(key, member_id, data, now())
        if member_id is not None:
            await self.redis.sadd(self._member_key(member_id), key)

    async def save(self, key: str, data: dict[str, Any], touch: bool) -> None:
        raw = await self.redis.get(self._key(key))
        if raw is None:
            return
        payload = json.loads(raw)
        last_seen = now() if touch else datetime.fromisoformat(payload["last_seen_at"])
        await self._write(key, payload.get("member_id"), data, last_seen)

    async def delete(self, key: str) -> None:
        raw = await self.redis.get(self._key(key))
        await self.redis.delete(self._key(key))
        if raw is not None:
            member_id = json.loads(raw).get("member_id")
            if member_id is not None:
                await self.redis.srem(self._member_key(member_id), key)

    async def delete_for_member(self, member_id: int, keep: str | None = None) -> int:
        keys = {
            k.decode() if isinstance(k, bytes) else k for k in await self.redis.smembers(self._member_key(member_id))
        }
        doomed = [k for k in keys if k != keep]
        if doomed:
            await self.redis.delete(*[self._key(k) for k in doomed])
            await self.redis.srem(self._member_key(member_id), *doomed)
        return len(doomed)

    async def count_for_member(self, member_id: int) -> int:
        keys = await self.redis.smembers(self._member_key(member_id))
        live = 0
        for key in keys:
            name = key.decode() if isinstance(key, bytes) else key
            if await self.redis.exists(self._key(name)):
                live += 1
        return live


@dataclass(slots=True)
class SessionState:
    """The session of one request, as handlers see it (``hub.session(request)``)."""

    key: str | None = None
    member_id: int | None = None
    member: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False
    touch: bool = False
    rotate_to: int | None = None
    """Set by ``login``: a fresh session for this member replaces the current one."""
    destroy: bool = False
    user_agent: str = ""

    def login(self, member_id: int) -> None:
        self.rotate_to = member_id
        self.destroy = False

    def logout(self) -> None:
        self.destroy = True
        self.rotate_to = None
        self.member = None
        self.member_id = None

    def set(self, name: str, value: Any) -> None:
        self.data[name] = value
        self.dirty = True

    def pop(self, name: str, default: Any = None) -> Any:
        if name in self.data:
            self.dirty = True
            return self.data.pop(name)
        return default


class SessionMiddleware:
    """Loads the session before the app runs; saves, rotates or deletes it as the response starts."""

    def __init__(self, app: ASGIApp, store: SessionStore, cookie_name: str, secure: bool) -> None:
        self.app = app
        self.store = store
        self.cookie_name = cookie_name
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        state = await self._load(scope)
        scope["hub_session"] = state  # type: ignore[typeddict-unknown-key]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = await self._persist(state)
                if cookie is not None:
                    MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
            await send(message)

        await self.app(scope, receive, send_wrapper)

    def _cookie_token(self, scope: Scope) -> str | None:
        for name, value in scope["headers"]:
            if name == b"cookie":
                for part in value.decode("latin-1").split(";"):
                    key, _, token = part.strip().partition("=")
                    if key == self.cookie_name and 20 <= len(token) <= 100:
                        return token
        return None

    async def _load(self, scope: Scope) -> SessionState:
        user_agent = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"user-agent"), "")
        token = self._cookie_token(scope)
        if token is None:
            return SessionState(user_agent=user_agent)
        key = hash_token(token)
        record = await self.store.load(key)
        if record is None:
            return SessionState(user_agent=user_agent, destroy=True)
        if record.member is not None and record.member["status"] == "suspended":
            await self.store.delete(key)
            return SessionState(user_agent=user_agent, destroy=True)
        return SessionState(
            key=key,
            member_id=record.member_id,
            member=record.member,
            data=record.data,
            touch=now() - record.last_seen_at > TOUCH_EVERY,
            user_agent=user_agent,
        )

    def _cookie(self, token: str | None) -> Cookie:
        return Cookie(
            key=self.cookie_name,
            value=token or "",
            path="/",
            httponly=True,
            secure=self.secure,
            samesite="lax",
            max_age=int(SESSION_LIFETIME.total_seconds()) if token else 0,
        )

    async def _persist(self, state: SessionState) -> Cookie | None:
        if state.rotate_to is not None:
            if state.key:
                await self.store.delete(state.key)
            token = secrets.token_urlsafe(32)
            state.key = hash_token(token)
            state.member_id = state.rotate_to
            state.rotate_to = None
            await self.store.create(state.key, state.member_id, state.data, state.user_agent)
            return self._cookie(token)
        if state.destroy:
            if state.key:
                await self.store.delete(state.key)
            state.key = None
            if state.data:  # a flash message after logout lives in a fresh anonymous session
                token = secrets.token_urlsafe(32)
                await self.store.create(hash_token(token), None, state.data, state.user_agent)
                return self._cookie(token)
            return self._cookie(None)
        if state.key is None:
            if not state.dirty or not state.data:
                return None
            token = secrets.token_urlsafe(32)
            state.key = hash_token(token)
            await self.store.create(state.key, None, state.data, state.user_agent)
            return self._cookie(token)
        if state.dirty or state.touch:
            await self.store.save(state.key, state.data, touch=state.touch)
        return None
