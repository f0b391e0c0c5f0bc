"""Mail against real aiosmtpd servers on 127.0.0.1: plain, STARTTLS, TLS, AUTH, refusals, drops."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from mail_editions import NOW, make_config, published
from smtp import PASSWORD, USER, MailServer, client_context, make_certificate

from digest.config import Config
from digest.delivery.dispatch import deliver_due, retry_delay, write_eml
from digest.delivery.mail import MailError, MailSettings, connector, send
from digest.store import DeliveryStatus, Store

ENV = {"DIGEST_SMTP_PASSWORD": PASSWORD}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def mail_config(tmp_path: Path, port: int, **mail: object) -> Config:
    settings = {"host": "127.0.0.1", "port": port, "security": "none"}
    settings |= {"sender": "Digest <digest@example.org>", "timeout": 5, "retry_every": "1m"}
    return make_config(
        tmp_path,
        mail=settings | mail,
        digests=[{"name": "Japan–North Korea Weekly", "slug": "jnk", "recipients": ["a@x.org"]}],
    )


def test_an_edition_arrives_as_text_and_inlined_html_with_its_headers(tmp_path: Path) -> None:
    with MailServer() as server:
        config = mail_config(tmp_path, server.port)
        store = Store.memory()
        published(config, store, recipients=("ann@example.org", "bo@example.org"))
        assert config.mail is not None
        report = deliver_due(config=config, store=store, connect=connector(config.mail), now=NOW)
        assert report.line() == "mail 2 sent, 0 deferred, 0 refused"
        assert sorted(server.inbox.recipients()) == ["ann@example.org", "bo@example.org"]
        message = server.inbox.messages()[0]
    assert message.get_content_type() == "multipart/alternative"
    assert message["Subject"] == "Japan–North Korea Weekly — 23 November 2026"
    assert message["From"] == "Digest <digest@example.org>"
    assert message["List-Id"] == "Japan–North Korea Weekly <jnk.example.org>"
    assert message["Date"] and message["Message-ID"].endswith("@example.org>")
    text, html = (part.get_content() for part in message.iter_parts())
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert "Japan and North Korea resume <abduction> talks" in text
    assert "resume &lt;abduction&gt; talks" in html
    assert 'style="' in html and "var(--" not in html.split("</style>")[-1]
    assert "All editions" not in html  # the archive's relative nav is no use in a mailbox
    # Nothing is sent twice: every delivery is recorded as sent.
    assert {d.status for d in store.deliveries()} == {DeliveryStatus.SENT}
    assert (
        deliver_due(config=config, store=store, connect=connector(config.mail), now=NOW).sent == 0
    )


def test_starttls_with_a_self_signed_certificate_and_login(
    tmp_path: Path, certificate: tuple[Path, Path]
) -> None:
    with MailServer(security="starttls", certificate=certificate, auth=True) as server:
        settings = MailSettings(
            host="127.0.0.1",
            port=server.port,
            sender="digest@example.org",
            username=USER,
            password_env="DIGEST_SMTP_PASSWORD",
        )
        trusted = client_context(certificate[0])
        config = mail_config(tmp_path, server.port)
        message = _message(config)
        smtp = connector(settings, environ=ENV, context=trusted)()
        send(smtp, message, settings.sender, "ann@example.org")
        smtp.quit()
        assert server.inbox.recipients() == ["ann@example.org"]
        # Not trusting the certificate fails cleanly, as does a wrong password.
        with pytest.raises(MailError, match=r"cannot reach the mail server .*CERTIFICATE"):
            connector(settings, environ=ENV)()
        with pytest.raises(MailError, match="refused the login: 535"):
            connector(settings, environ={"DIGEST_SMTP_PASSWORD": "wrong"}, context=trusted)()
    with pytest.raises(MailError, match="DIGEST_SMTP_PASSWORD is not set"):
        connector(settings, environ={})


def test_implicit_tls(tmp_path: Path, certificate: tuple[Path, Path]) -> None:
    with MailServer(security="tls", certificate=certificate) as server:
        settings = MailSettings(
            host="127.0.0.1", port=server.port, security="tls", sender="digest@example.org"
        )
        smtp = connector(settings, context=client_context(certificate[0]))()
        send(smtp, _message(mail_config(tmp_path, server.port)), settings.sender, "bo@x.org")
        smtp.quit()
        assert server.inbox.recipients() == ["bo@x.org"]


def test_refused_recipients_fail_for_good_or_wait_by_reply_code(tmp_path: Path) -> None:
    with MailServer() as server:
        server.inbox.refuse = {
            "gone@example.org": "550 5.1.1 no such user",
            "full@example.org": "452 4.2.2 mailbox full",
        }
        config = mail_config(tmp_path, server.port)
        store = Store.memory()
        published(
            config, store, recipients=("gone@example.org", "full@example.org", "ok@example.org")
        )
        assert config.mail is not None
        report = deliver_due(config=config, store=store, connect=connector(config.mail), now=NOW)
        assert (report.sent, report.failed, report.deferred) == (1, 1, 1)
        assert server.inbox.recipients() == ["ok@example.org"]
    status = {d.recipient: d for d in store.deliveries()}
    assert status["gone@example.org"].status == DeliveryStatus.FAILED
    assert "550 5.1.1 no such user" in status["gone@example.org"].error
    full = status["full@example.org"]
    assert full.status == DeliveryStatus.PENDING and full.attempts == 1
    assert full.next_attempt == NOW + timedelta(minutes=1)


def test_a_dropped_connection_waits_and_goes_out_once_later(tmp_path: Path) -> None:
    with MailServer() as server:
        server.inbox.drop_on_data = True
        config = mail_config(tmp_path, server.port)
        store = Store.memory()
        published(config, store, recipients=("ann@example.org",))
        assert config.mail is not None
        connect = connector(config.mail)
        assert deliver_due(config=config, store=store, connect=connect, now=NOW).deferred == 1
        [waiting] = store.deliveries()
        assert waiting.status == DeliveryStatus.PENDING and "sending failed" in waiting.error
        # Not due before the backoff is over; sent once when it is.
        server.inbox.drop_on_data = False
        assert deliver_due(config=config, store=store, connect=connect, now=NOW).sent == 0
        later = NOW + timedelta(minutes=1)
        assert deliver_due(config=config, store=store, connect=connect, now=later).sent == 1
        assert deliver_due(config=config, store=store, connect=connect, now=later).sent == 0
        assert server.inbox.recipients() == ["ann@example.org"]


def test_a_server_that_is_down_defers_every_delivery(tmp_path: Path) -> None:
    with MailServer() as server:
        port = server.port
    config = mail_config(tmp_path, port)  # nothing listens there any more
    store = Store.memory()
    published(config, store, recipients=("a@example.org", "b@example.org"))
    assert config.mail is not None
    report = deliver_due(config=config, store=store, connect=connector(config.mail), now=NOW)
    assert report.deferred == 2
    assert all("cannot reach the mail server" in d.error for d in store.deliveries())


def test_backoff_doubles_up_to_an_hour() -> None:
    first = timedelta(minutes=5)
    assert [retry_delay(n, first).total_seconds() / 60 for n in (1, 2, 3, 4, 5)] == [
        5,
        10,
        20,
        40,
        60,
    ]


def test_an_edition_written_as_eml(tmp_path: Path) -> None:
    config = mail_config(tmp_path, 25)
    store = Store.memory()
    record = published(config, store)
    path = tmp_path / "edition.eml"
    write_eml(config, record, ("ann@example.org",), path, now=NOW)
    raw = path.read_bytes()
    assert b"multipart/alternative" in raw and b"To: ann@example.org" in raw


def _message(config: Config):  # type: ignore[no-untyped-def]
    from digest.delivery.dispatch import edition_message

    record = published(config, Store.memory())
    return edition_message(config, record, ("x@example.org",), now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "mail: {host: h, sender: d@x.org, security: ssl}\n",
            "mail.security: expected 'starttls', 'tls' or 'none'",
        ),
        ("mail: {host: h, sender: d@x.org, username: u}\n", "give both 'username' and"),
        ("mail: {host: h, sender: d@x.org, password: secret}\n", "mail.password: unknown key"),
        ("mail: {host: h, sender: nobody}\n", "mail.sender: expected an address"),
        (
            "mail: {host: h, sender: d@x.org, password_env: 'my password'}\n",
            "mail.password_env: String should match pattern",
        ),
        (
            "digests:\n  - {name: W, recipients: [ann@x.org]}\n",
            "there is no 'mail:' section",
        ),
        (
            "mail: {host: h, sender: d@x.org}\n"
            "digests:\n  - {name: W, recipients: ['Ann <a@x>']}\n",
            "digests[0].recipients: expected a bare address",
        ),
    ],
)
def test_bad_mail_settings_are_refused_in_one_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    from digest.config import load_config
    from digest.errors import ConfigError

    path = tmp_path / "feeds.yaml"
    path.write_text(text + "sources:\n  - {name: F, url: 'https://example.org/feed'}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert expected in str(caught.value) and "\n" not in str(caught.value)
