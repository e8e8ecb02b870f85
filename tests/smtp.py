"""A real SMTP server in the test process (aiosmtpd), for the tests that check what arrives."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


class Inbox:
    """An SMTP server's handler: keeps what arrives; ``refuse`` answers come first."""

    def __init__(self):
        self.messages = []
        self.refuse: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse:
                return self.refuse.pop(0)
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]


@contextmanager
def running_inbox() -> Iterator[Inbox]:
    """An SMTP server on a free loopback port for the block; ``inbox.port`` is its port."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port for this test's server
        probe.bind(("127.0.0.1", 0))
        inbox.port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
