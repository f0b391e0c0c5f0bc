"""Real SMTP servers for tests: aiosmtpd on 127.0.0.1, plain, STARTTLS, TLS, with AUTH."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = "analyst", "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl), as (cert, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass
class Inbox:
    """The handler: keeps what it accepts; can refuse recipients or drop the connection."""

    received: list[tuple[str, tuple[str, ...], bytes]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply
    drop_on_data: bool = False
    on_data: Callable[[], None] | None = None  # called with the message kept, before the OK

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop_on_data:
            server.transport.close()
            return "421 closing"
        self.received.append((envelope.mail_from, tuple(envelope.rcpt_tos), envelope.content))
        if self.on_data is not None:
            self.on_data()
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[misc]
            for _, _, raw in self.received
        ]

    def recipients(self) -> list[str]:
        return [address for _, rcpts, _ in self.received for address in rcpts]


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


class MailServer:
    """An aiosmtpd server in its own thread; `security` is none, starttls or tls."""

    def __init__(
        self,
        *,
        security: str = "none",
        certificate: tuple[Path, Path] | None = None,
        auth: bool = False,
        port: int | None = None,
    ) -> None:
        self.inbox = Inbox()
        self.port = port or free_port()
        kwargs: dict[str, Any] = {}
        if security != "none":
            assert certificate is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, certificate))
            if security == "tls":
                kwargs["ssl_context"] = context
            else:
                kwargs.update(tls_context=context, require_starttls=True)
        if auth:
            kwargs.update(authenticator=_authenticate, auth_require_tls=security != "none")
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def client_context(cert: Path) -> ssl.SSLContext:
    """A client context that trusts only the test certificate (and still checks the name)."""
    return ssl.create_default_context(cafile=str(cert))
