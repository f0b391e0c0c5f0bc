"""Durations written as people write them: 7d, 2h, 30m, 1w, 90s."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator

ALL_TIME = timedelta(days=365 * 100)  # "--since all": every stored item
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)


def parse_duration(text: str) -> timedelta:
    """Parse '7d', '2h', '30m', '1w' or '90s'; raise ValueError with the accepted forms."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"expected a duration such as 30m, 2h, 7d or 1w, got {text!r}")
    amount, unit = match.groups()
    value = timedelta(**{_UNITS[unit.lower()]: float(amount)})
    if value <= timedelta(0):
        raise ValueError(f"expected a positive duration, got {text!r}")
    return value


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for suffix, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{suffix}"
    return f"{seconds}s"


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


# A timedelta setting that also takes the written forms above.
Duration = Annotated[timedelta, BeforeValidator(_duration)]
