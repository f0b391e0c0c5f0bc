"""The delivery stage's own settings (`mail:` in feeds.yaml) and the address checks they use.

Apart from `mail` so that loading the config does not import smtplib and the MIME machinery:
those are needed only when an edition is mailed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import timedelta
from email.utils import parseaddr
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from digest.durations import parse_duration
from digest.errors import DigestError

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


class MailSettings(BaseModel):
    """The `mail:` key of feeds.yaml: how editions reach their recipients."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = Field(min_length=1, description="the SMTP server")
    port: int | None = Field(default=None, ge=1, le=65535, description="587, 465 or 25 by default")
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = Field(default=None, min_length=1)
    password_env: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="NAME of the environment variable holding the password (never the password)",
    )
    sender: str = Field(description="From: address, e.g. 'Digest <digest@example.org>'")
    timeout: float = Field(default=30.0, gt=0, le=300, description="seconds per SMTP operation")
    retry_every: Annotated[timedelta, BeforeValidator(_duration)] = Field(
        default=timedelta(minutes=5), description="first retry delay; doubles up to an hour"
    )

    @field_validator("sender")
    @classmethod
    def _check_sender(cls, sender: str) -> str:
        if header_text(sender) != sender:
            raise ValueError(f"a control character (a line break?) in {sender!r}")
        if "@" not in parseaddr(sender)[1]:
            raise ValueError(f"expected an address such as digest@example.org, got {sender!r}")
        return sender

    @model_validator(mode="after")
    def _login_pair(self) -> MailSettings:
        if (self.username is None) != (self.password_env is None):
            raise ValueError("give both 'username' and 'password_env', or neither")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def domain(self) -> str:
        return parseaddr(self.sender)[1].rpartition("@")[2]

    def password(self, environ: Mapping[str, str] = os.environ) -> str | None:
        """The password from the named environment variable; MailError if it is unset."""
        if self.password_env is None:
            return None
        value = environ.get(self.password_env)
        if not value:
            raise MailError(
                f"mail.password_env: the environment variable {self.password_env} is not set"
            )
        return value


class MailError(DigestError):
    """A message could not be handed to the server. `permanent` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


_BARE_ADDRESS = re.compile(r"[^@\s<>]+@[^@\s<>]+")


def check_recipient(address: str) -> str:
    """`address` when it is a bare address (ann@example.org); a ValueError saying so if not."""
    if not _BARE_ADDRESS.fullmatch(address):
        raise ValueError(f"expected a bare address such as ann@example.org, got {address!r}")
    return address


# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_text(value: str) -> str:
    """`value` fit for one header line: every run of control characters becomes one space."""
    return _HEADER_BREAKS.sub(" ", value)
