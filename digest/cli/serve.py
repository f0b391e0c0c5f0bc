"""`digest serve` and `digest send`: running unattended, and mailing a past edition by hand."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from digest.cli.common import global_options, say

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from digest.config import Config
    from digest.delivery.mail import Connect


@click.command()
@global_options
@click.option(
    "--once",
    is_flag=True,
    help="Poll, publish what is due, deliver, then exit (for cron, or to try a schedule).",
)
def serve(config_path: Path, once: bool) -> None:
    """Run unattended: poll every poll_every, publish each digest on its schedule, mail it.

    Stops cleanly on SIGTERM or Ctrl-C once the running job reaches a safe point; a second
    signal stops at once (writes are atomic and records transactional either way).
    """
    from digest import schedule
    from digest.config import load_config

    config = load_config(config_path)
    connect = _connect(config, config_path)
    _log_with_times(config.zone)
    if once:
        if not schedule.serve_once(config, connect=connect, label=str(config_path)):
            sys.exit(1)
        return
    import logging
    import signal
    import threading

    stopping = threading.Event()

    def stop(signum: int, _frame: FrameType | None) -> None:
        logging.getLogger("digest").info("received %s", signal.Signals(signum).name)
        stopping.set()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, signal.SIG_DFL)  # a second signal stops at once

    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, stop)
    schedule.serve(config, connect=connect, stopping=stopping, label=str(config_path))


def _recipients(
    _ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]
) -> tuple[str, ...]:
    """--to takes what a digest's `recipients:` takes, or nothing is sent."""
    from digest.delivery.settings import check_recipient

    try:
        return tuple(check_recipient(value) for value in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@global_options
@click.argument("edition")
@click.option(
    "--to",
    "to",
    multiple=True,
    metavar="ADDRESS",
    callback=_recipients,
    help="Send to this address only.",
)
@click.option(
    "--eml",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the message to this .eml file instead of sending it.",
)
def send(config_path: Path, edition: str, to: tuple[str, ...], eml: Path | None) -> None:
    """Send a past EDITION again (its file name, e.g. 2026-11-23-japan-north-korea, or path).

    Without --to it goes to the digest's recipients, whether or not they had it before.
    """
    from digest.config import load_config
    from digest.delivery.dispatch import send_edition, write_eml
    from digest.errors import ConfigError, DigestError, UsageError
    from digest.publish import archive
    from digest.schedule import utc_now
    from digest.store import Store

    config = load_config(config_path)
    database = config.archive / archive.DATABASE_NAME
    if not database.exists():
        raise DigestError(f"no editions yet in {config.archive}")
    store = Store.open(database)
    try:
        stem = Path(edition).name.removesuffix(".html").removesuffix(".txt")
        record = store.edition_by_stem(stem)
        if record is None:
            raise UsageError(
                f"no edition named {stem} in {config.archive} (see `digest archive list`)"
            )
        digests = {d.name: d for d in config.all_digests()}
        recipients = to or (digests[record.digest].recipients if record.digest in digests else ())
        now = utc_now()
        if eml is not None:
            write_eml(config, record, recipients, eml, now=now)
            say(f"wrote {eml}")
            return
        connect = _connect(config, config_path)
        if connect is None:
            raise ConfigError(f"{config_path}: no 'mail:' settings to send with")
        if not recipients:
            raise DigestError(f"{record.digest} has no recipients; give --to ADDRESS")
        for recipient in recipients:
            send_edition(
                config=config,
                store=store,
                record=record,
                recipients=(recipient,),
                connect=connect,
                now=now,
            )
            say(f"sent {record.stem} to {recipient}")
    finally:
        store.close()


def _connect(config: Config, config_path: Path) -> Connect | None:
    from digest.delivery.mail import MailError, connector
    from digest.errors import ConfigError

    if config.mail is None:
        return None
    try:
        return connector(config.mail)
    except MailError as exc:  # the password's variable is unset: a setup fault
        raise ConfigError(f"{config_path}: {exc}") from None


def _log_with_times(zone: ZoneInfo) -> None:
    """serve runs for days: log its job lines at INFO, with times in one zone."""
    import logging

    from digest.schedule import ZonedFormatter

    logging.getLogger("digest").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("apscheduler.executors").setLevel(logging.CRITICAL)  # we log job errors
    for handler in logging.getLogger().handlers:
        handler.setFormatter(ZonedFormatter(zone))
