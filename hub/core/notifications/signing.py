"""Signed one-click unsubscribe links: HMAC-SHA256 over (member id, type, purpose).

The link itself is the authority (it must work logged out, from any mail client), so it carries
the member id and type in the clear and a MAC made with the hub's ``secret_key``. Changing any
byte of the token makes it invalid; the purpose is part of the MAC so a token made for one use
can never be replayed for another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

__all__ = ["DIGEST", "UNSUBSCRIBE", "SignedUnsubscribe", "read_unsubscribe_token", "unsubscribe_token"]

UNSUBSCRIBE = "unsubscribe"
DIGEST = "digest"
"""The "type" of an unsubscribe link that stops the digest as a whole (type keys always hold a dot)."""
MAX_TOKEN_LENGTH = 400


@dataclass(frozen=True, slots=True)
class SignedUnsubscribe:
    member_id: int
    type_key: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, payload: str, purpose: str) -> bytes:
    message = f"{purpose}\x00{payload}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def unsubscribe_token(secret: str, member_id: int, type_key: str, purpose: str = UNSUBSCRIBE) -> str:
    """A URL-safe token naming the member and type, signed for ``purpose``."""
    payload = f"{int(member_id)}:{type_key}"
    return f"{_b64(payload.encode())}.{_b64(_mac(secret, payload, purpose))}"


def read_unsubscribe_token(secret: str, token: str, purpose: str = UNSUBSCRIBE) -> SignedUnsubscribe | None:
    """The signed member and type, or ``None`` for anything forged, tampered with or malformed."""
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        return None
    encoded, signature = token.split(".")
    try:
        payload = _unb64(encoded).decode()
        given = _unb64(signature)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not hmac.compare_digest(given, _mac(secret, payload, purpose)):
        return None
    member, _, type_key = payload.partition(":")
    if not member.isdigit() or not type_key:
        return None
    return SignedUnsubscribe(member_id=int(member), type_key=type_key)
