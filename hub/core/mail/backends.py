"""Where a worker hands a message: an SMTP server, or the outbox folder of a hub without one.

Both are used the same way: ``async with backend.session() as session: await session.send(...)``,
one session per batch, so a batch shares one SMTP connection. A failure is a
:class:`DeliveryError` that says whether it is permanent (a 5xx answer: retrying cannot help)
and whether the connection is unusable (the rest of the batch waits for the retry too).
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import anyio

from hub.core.settings import Settings

__all__ = ["DeliveryError", "FileBackend", "MailBackend", "MailSession", "SMTPBackend", "backend_for"]

log = logging.getLogger("hub.mail")


class DeliveryError(Exception):
    """A message was not accepted; ``str(error)`` is what the server (or the system) said."""

    def __init__(self, text: str, *, code: int | None = None, permanent: bool = False, connection: bool = False):
        super().__init__(text)
        self.code = code
        self.permanent = permanent
        self.connection = connection


class MailSession(Protocol):
    async def send(self, message: EmailMessage, row: dict[str, Any]) -> None: ...


class MailBackend(Protocol):
    def session(self) -> contextlib.AbstractAsyncContextManager[MailSession]: ...


def outbox_file_name(row: dict[str, Any]) -> str:
    """One fixed name per message, in the order messages were queued: delivering twice overwrites."""
    created: datetime = row["created_at"]
    return f"{created:%Y%m%dT%H%M%S%f}-{int(row['id']):09d}.eml"


class FileBackend:
    """Writes each message to ``<data>/outbox/`` (atomically, under a name fixed per message)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[MailSession]:
        yield self

    async def send(self, message: EmailMessage, row: dict[str, Any]) -> None:
        target = self.folder / outbox_file_name(row)
        data = bytes(message)

        def write() -> None:  # one trip to a thread for the whole write
            partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
            self.folder.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(data)
            partial.replace(target)

        try:
            await anyio.to_thread.run_sync(write)
        except OSError as error:
            raise DeliveryError(f"cannot write to the outbox folder: {error}", connection=True) from error
        log.info("mail written to outbox %s (no SMTP configured)", target.name)


class SMTPBackend:
    """aiosmtplib, one connection per batch, with the configured timeout on every step."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @contextlib.asynccontextmanager
    async def session(self) -> AsyncIterator[MailSession]:
        session = _SMTPSession(self.settings)
        try:
            yield session
        finally:
            await session.close()


class _SMTPSession:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client: Any = None

    async def _connect(self) -> Any:
        import aiosmtplib  # loaded on first use, not in every server process

        settings = self.settings
        client = aiosmtplib.SMTP(
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            start_tls=settings.smtp_starttls,
            timeout=settings.smtp_timeout_seconds,
        )
        await client.connect()
        return client

    async def send(self, message: EmailMessage, row: dict[str, Any]) -> None:
        import aiosmtplib

        try:
            if self.client is None:
                self.client = await self._connect()
            await self.client.send_message(message)
        except aiosmtplib.SMTPRecipientsRefused as error:
            refused = error.recipients[0] if error.recipients else None
            code = refused.code if refused is not None else None
            await self._drop()
            raise DeliveryError(_answer(code, refused.message if refused else str(error)), code=code,
                                permanent=_permanent(code)) from error  # fmt: skip
        except aiosmtplib.SMTPResponseException as error:
            await self._drop()
            raise DeliveryError(_answer(error.code, error.message), code=error.code,
                                permanent=_permanent(error.code)) from error  # fmt: skip
        except (aiosmtplib.SMTPException, OSError, TimeoutError, socket.gaierror) as error:
            # Refused, unreachable, hanging or cut off: perhaps after the server took the message
            # (an unknown outcome). The retry carries the same Message-ID.
            await self._drop()
            raise DeliveryError(f"{type(error).__name__}: {error}", connection=True) from error

    async def _drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()

    async def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        try:
            with anyio.fail_after(self.settings.smtp_timeout_seconds):
                await client.quit()
        except Exception:
            client.close()


def _permanent(code: int | None) -> bool:
    return code is not None and 500 <= code < 600


def _answer(code: int | None, text: str) -> str:
    return f"{code} {text}".strip() if code is not None else text


def backend_for(settings: Settings) -> MailBackend:
    """SMTP when ``smtp_host`` is set, otherwise the outbox folder."""
    if settings.smtp_host:
        return SMTPBackend(settings)
    return FileBackend(settings.resolved_data_dir / "outbox")
