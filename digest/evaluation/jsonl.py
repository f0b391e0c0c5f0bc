"""Reading labelled JSONL files: one JSON object a line, blank lines skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from digest.errors import DigestError


def json_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a line that is no JSON object is an error."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise DigestError(f"{path}:{number}: not JSON: {exc}") from exc
            if not isinstance(row, dict):
                raise DigestError(f"{path}:{number}: not a JSON object")
            yield number, row
