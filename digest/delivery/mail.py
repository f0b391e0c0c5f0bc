"""Editions as mail: the MIME message, and one SMTP connection to send over (the settings are
in `settings`).

The connection is made by a `Connect` factory, so tests hand in one aimed at a loopback server
(with their own TLS context) and the delivery loop never builds sockets itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from digest.delivery.settings import (
    DEFAULT_PORTS,
    MailError,
    MailSettings,
    check_recipient,
    header_text,
)

__all__ = [
    "DEFAULT_PORTS",
    "Connect",
    "MailError",
    "MailSettings",
    "build_message",
    "check_recipient",
    "connector",
    "header_text",
    "mail_html",
    "send",
    "stable_message_id",
]

log = logging.getLogger(__name__)

Connect = Callable[[], smtplib.SMTP]


def connector(
    settings: MailSettings,
    *,
    environ: Mapping[str, str] = os.environ,
    context: ssl.SSLContext | None = None,
) -> Connect:
    """A factory of logged-in SMTP connections as the settings say (TLS verified by default)."""
    password = settings.password(environ)  # fail now, not at the first edition

    def connect() -> smtplib.SMTP:
        tls = context or ssl.create_default_context()
        host, port, timeout = settings.host, settings.effective_port, settings.timeout
        smtp: smtplib.SMTP | None = None
        try:
            if settings.security == "tls":
                smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls)
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
                if settings.security == "starttls":
                    smtp.starttls(context=tls)
            if settings.username is not None and password is not None:
                smtp.login(settings.username, password)
        except smtplib.SMTPAuthenticationError as exc:
            _close(smtp)
            raise MailError(f"{host}:{port} refused the login: {_reply(exc)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            _close(smtp)
            raise MailError(f"cannot reach the mail server {host}:{port}: {_reason(exc)}") from None
        return smtp

    return connect


def send(smtp: smtplib.SMTP, message: EmailMessage, sender: str, recipient: str) -> None:
    """Hand one message for one recipient to the server; MailError says whether to retry."""
    try:
        smtp.send_message(message, from_addr=parseaddr(sender)[1], to_addrs=[recipient])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = exc.recipients.get(recipient, (0, b""))
        raise MailError(
            f"{recipient} refused: {code} {_text(reply)}", permanent=500 <= code < 600
        ) from None
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        raise MailError(f"refused: {_reply(exc)}", permanent=500 <= exc.smtp_code < 600) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"sending failed: {_reason(exc)}") from None


def build_message(
    *,
    digest: str,
    slug: str,
    edition_date: str,
    text: str,
    html: str,
    sender: str,
    recipients: tuple[str, ...],
    now: datetime,
    message_id: str | None = None,
) -> EmailMessage:
    """A multipart/alternative message: the text edition, then the HTML with inlined CSS."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    digest = header_text(digest)  # no line break may start a header of its own
    message = EmailMessage()
    message["Subject"] = f"{digest} — {datetime.fromisoformat(edition_date):%-d %B %Y}"
    message["From"] = sender
    message["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id or make_msgid(idstring=slug, domain=domain)
    message["List-Id"] = f"{digest} <{slug}.{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # no vacation replies to a digest
    message.set_content(text)
    message.add_alternative(mail_html(html), subtype="html")
    return message


def stable_message_id(stem: str, recipient: str, sender: str) -> str:
    """The same Message-ID on every retry of one delivery, so a duplicate can be recognised."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    tag = hashlib.sha256(recipient.casefold().encode()).hexdigest()[:12]
    return f"<{stem}.{tag}@{domain}>"


_ROOT_BLOCK = re.compile(r":root\s*\{([^}]*)\}")
_VARIABLE = re.compile(r"var\(\s*(--[\w-]+)\s*\)")
_NAV = re.compile(r"<nav\b.*?</nav>\s*", re.DOTALL)


def mail_html(html: str) -> str:
    """The archive page made fit for mail clients: CSS inlined, variables resolved, no nav.

    Most clients ignore <style> and CSS variables, so the light theme's values are written
    into each element; the archive's relative links (the nav bar) lead nowhere from a mailbox.
    """
    import premailer  # slow to import; only needed when mailing

    first = _ROOT_BLOCK.search(html)
    values = dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+)", first.group(1))) if first else {}
    html = _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)).strip(), html)
    html = _NAV.sub("", html)
    inlined: str = premailer.transform(
        html, cssutils_logging_level=logging.CRITICAL, disable_validation=True
    )
    return inlined


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply(exc)
    return str(exc) or type(exc).__name__
