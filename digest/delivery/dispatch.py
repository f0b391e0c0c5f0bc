"""Delivering archived editions by mail, with a record per edition and recipient.

Each delivery is marked `sending` (committed) before the message goes to the server and `sent`
after the server's OK, so a process that dies in between leaves `sending`, which the next start
turns into `unknown` and never resends by itself: a recipient may miss an edition in that rare
case (it is logged, and `digest send` resends it), but never gets one twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from digest.delivery.links import mail_html_links, mail_text_links
from digest.delivery.mail import (
    Connect,
    MailError,
    MailSettings,
    build_message,
    send,
    stable_message_id,
)
from digest.errors import ArchiveError
from digest.store import Delivery, DeliveryStatus, EditionRecord, Store

log = logging.getLogger(__name__)


class DeliveryConfig(Protocol):
    """What delivering needs of the config: where the archive is and how to mail."""

    @property
    def archive(self) -> Path: ...

    @property
    def mail(self) -> MailSettings | None: ...

    @property
    def archive_url(self) -> str | None: ...


MAX_RETRY_DELAY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0  # refused for good
    deferred: int = 0  # to be retried

    def line(self) -> str:
        return f"mail {self.sent} sent, {self.deferred} deferred, {self.failed} refused"


def retry_delay(attempts: int, first: timedelta) -> timedelta:
    """Exponential backoff from `first`, capped at an hour (or `first` if that is longer)."""
    grown: timedelta = first * 2 ** max(attempts - 1, 0)
    return max(first, min(grown, MAX_RETRY_DELAY))


def edition_message(
    config: DeliveryConfig,
    record: EditionRecord,
    recipients: tuple[str, ...],
    *,
    now: datetime,
    message_id: str | None = None,
) -> EmailMessage:
    """The archived edition (its own .txt and .html files) as a message, every link in it one
    a reader can follow from a mailbox (see `digest.delivery.links`)."""
    sender = config.mail.sender if config.mail else "digest <digest@localhost>"
    text_file, page = config.archive / record.text_path, config.archive / record.html_path
    try:
        text = text_file.read_text(encoding="utf-8")
        html = page.read_text(encoding="utf-8")
    except OSError as exc:
        raise ArchiveError(
            f"cannot read the edition {record.stem}: {exc.strerror or exc}"
        ) from None
    base = config.archive_url or ""
    text = mail_text_links(
        text,
        text_file=text_file,
        archive=config.archive,
        base=base,
        text_url=base + record.text_path,
    )
    html = mail_html_links(
        html, page=page, archive=config.archive, base=base, page_url=base + record.html_path
    )
    return build_message(
        digest=record.digest,
        slug=record.slug,
        edition_date=record.date,
        text=text,
        html=html,
        sender=sender,
        recipients=recipients,
        now=now,
        message_id=message_id,
    )


def deliver_due(
    *,
    config: DeliveryConfig,
    store: Store,
    connect: Connect,
    now: datetime,
    stopping: Callable[[], bool] = lambda: False,
) -> DeliveryReport:
    """Send every pending delivery whose time has come, over one connection."""
    due = store.due_deliveries(now)
    if not due or config.mail is None:
        return DeliveryReport()
    mail: MailSettings = config.mail
    counts = {"sent": 0, "failed": 0, "deferred": 0}
    smtp: smtplib.SMTP | None = None
    try:
        for number, delivery in enumerate(due):
            if stopping():
                break
            record = store.edition(delivery.edition_id)
            try:
                if record is None:
                    raise ArchiveError(f"edition {delivery.edition_id} is not in the store")
                message = edition_message(
                    config,
                    record,
                    (delivery.recipient,),
                    now=now,
                    message_id=stable_message_id(record.stem, delivery.recipient, mail.sender),
                )
            except ArchiveError as exc:
                counts[_fail(store, delivery, MailError(str(exc)), now, mail)] += 1
                continue
            if smtp is None:
                try:
                    smtp = connect()
                except MailError as exc:  # the server is down: everything left waits
                    for waiting in due[number:]:
                        counts[_fail(store, waiting, exc, now, mail)] += 1
                    break
            store.set_delivery(delivery, DeliveryStatus.SENDING, now)
            try:
                send(smtp, message, mail.sender, delivery.recipient)
            except MailError as exc:
                counts[_fail(store, delivery, exc, now, mail)] += 1
                if not exc.permanent:  # the connection may be broken: start afresh
                    _drop(smtp)
                    smtp = None
                continue
            store.set_delivery(delivery, DeliveryStatus.SENT, now)
            log.info("sent %s to %s", record.stem, delivery.recipient)
            counts["sent"] += 1
    finally:
        if smtp is not None:
            _drop(smtp)
    return DeliveryReport(counts["sent"], counts["failed"], counts["deferred"])


def _fail(
    store: Store, delivery: Delivery, exc: MailError, now: datetime, mail: MailSettings
) -> str:
    """Record a failed attempt; return which count it adds to."""
    store_failure(store, delivery, exc, now, mail.retry_every)
    return "failed" if exc.permanent else "deferred"


def store_failure(
    store: Store, delivery: Delivery, exc: MailError, now: datetime, first: timedelta
) -> None:
    if exc.permanent:
        log.warning("not delivered to %s, refused for good: %s", delivery.recipient, exc)
        store.set_delivery(delivery, DeliveryStatus.FAILED, now, error=str(exc))
        return
    retry_at = now.astimezone(UTC) + retry_delay(delivery.attempts + 1, first)
    log.warning(
        "not delivered to %s (attempt %d): %s; retrying at %s",
        delivery.recipient,
        delivery.attempts + 1,
        exc,
        f"{retry_at.astimezone(now.tzinfo):%Y-%m-%d %H:%M:%S %Z}",  # in the caller's zone
    )
    store.set_delivery(delivery, DeliveryStatus.PENDING, now, error=str(exc), retry_at=retry_at)


def send_edition(
    *,
    config: DeliveryConfig,
    store: Store,
    record: EditionRecord,
    recipients: Sequence[str],
    connect: Connect,
    now: datetime,
) -> None:
    """Send an edition again by hand; a recorded delivery to the same address becomes `sent`."""
    assert config.mail is not None
    smtp = connect()
    try:
        for recipient in recipients:
            message = edition_message(config, record, (recipient,), now=now)
            send(smtp, message, config.mail.sender, recipient)
            for delivery in store.deliveries(record.id):
                if delivery.recipient == recipient and delivery.status != DeliveryStatus.SENT:
                    store.set_delivery(delivery, DeliveryStatus.SENT, now)
    finally:
        _drop(smtp)


def write_eml(
    config: DeliveryConfig,
    record: EditionRecord,
    recipients: Sequence[str],
    path: Path,
    *,
    now: datetime,
) -> None:
    """The edition as an .eml file, for reading in a mail client without sending it."""
    message = edition_message(config, record, tuple(recipients), now=now)
    try:
        path.write_bytes(message.as_bytes())
    except OSError as exc:
        raise ArchiveError(f"cannot write {path}: {exc.strerror or exc}") from None


def _drop(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()
