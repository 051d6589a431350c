"""A real SMTP server on 127.0.0.1 (aiosmtpd, in its own thread) that a test can make misbehave.

``accept`` takes every message; ``hang`` never answers the end of DATA (the worst case for a
sender: did the server take it?); ``tempfail`` answers 451 to the next ``failures`` messages,
then accepts; ``permfail`` answers 550; ``delay`` waits ``delay_seconds`` before accepting;
``accept_then_hang`` accepts ``accept_first`` messages, then hangs. A message counts as
*received* only once the server has answered 250 for it, as a real server takes responsibility.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Listener:
    port: int = 0
    mode: str = "accept"
    failures: int = 0
    delay_seconds: float = 0.0
    accept_first: int = 0
    received: list[Message] = field(default_factory=list)
    contacts: int = 0
    """EHLO greetings seen: any contact at all from a sender."""
    data_attempts: int = 0
    hanging: int = 0
    """Messages the server is sitting on right now (``hang`` modes)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- aiosmtpd handler hooks (run in the server's thread) ------------------------------------

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]) -> Any:
        with self.lock:
            self.contacts += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.data_attempts += 1
            mode = self.mode
            if mode == "accept_then_hang" and len(self.received) >= self.accept_first:
                mode = "hang"
            if mode == "tempfail" and self.failures > 0:
                self.failures -= 1
                return "451 4.7.1 Greylisted, please try again later"
            if mode == "permfail":
                return "550 5.1.1 No such mailbox here"
            if mode == "hang":
                self.hanging += 1
        if mode == "hang":
            try:
                await asyncio.Event().wait()  # never answers; ended when the server stops
            finally:
                with self.lock:
                    self.hanging -= 1
        if mode == "delay":
            await asyncio.sleep(self.delay_seconds)
        with self.lock:
            self.received.append(message)
        return "250 2.0.0 OK: queued"

    # -- for the test ---------------------------------------------------------------------------

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(str(m["Message-ID"]) for m in self.received)

    def wait_for(self, condition: Any, seconds: float = 30.0, what: str = "the SMTP listener") -> None:
        """Block until ``condition(self)`` holds (an event, polled), or fail after ``seconds``."""
        deadline = time.monotonic() + seconds
        while not condition(self):
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: condition not met within {seconds} s ({len(self.received)} received)")
            time.sleep(0.05)


@contextlib.contextmanager
def smtp_listener(mode: str = "accept", **options: Any) -> Iterator[Listener]:
    """Run a :class:`Listener` on a free port of 127.0.0.1 for the duration of the block."""
    listener = Listener(port=free_port(), mode=mode, **options)
    controller = Controller(listener, hostname="127.0.0.1", port=listener.port, ready_timeout=10)
    controller.start()
    try:
        yield listener
    finally:
        controller.stop()
