"""Password hashing with argon2id, always off the event loop, and the password policy."""

from __future__ import annotations

import functools
from pathlib import Path

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hub.core.i18n import gettext as _

__all__ = ["MAX_PASSWORD", "MIN_PASSWORD", "hash_password", "needs_rehash", "password_problem", "verify_password"]

MIN_PASSWORD = 8
MAX_PASSWORD = 256
# argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane). The library's default
# profile takes 64 MiB per hash: on a small server every sign-in briefly doubled the hub's memory.
# Hashes made with other parameters still verify and are upgraded at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# A verification against this dummy hash costs the same as a real one: timing reveals no accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-equal-timing")


@functools.cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).parent / "common-passwords.txt"
    return frozenset(line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """A sentence saying what is wrong with a new password, or ``None`` when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return _("Use at least %(min)s characters.", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        return _("Use at most %(max)s characters.", max=MAX_PASSWORD)
    lowered = password.lower()
    if lowered in _common_passwords():
        return _("This password is too common and easy to guess. Try a few unrelated words together.")
    if (email and lowered == email.lower()) or (name and lowered == name.lower()):
        return _("Your password must not be your email address or your name.")
    return None


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    """Check a password; an empty or unknown hash still costs one full verification."""

    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check)


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return False
