"""One line of visible characters: what anything printed to a terminal or a text part must be.

Feed titles, links, outlet names, file names and error messages are untrusted. Printed raw, a
line break in one forges a line (`Link: http://evil.example/phish` in a text edition), and an
escape sequence rewrites the reader's terminal (clears it, retitles it, hides text, fakes a
prompt). `one_line` is the single mechanism for both: every output edge (the text templates,
the CLI's printing, the log lines) passes untrusted strings through it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# Line and paragraph breaks and tabs: a space, so words stay apart.
_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
# Every other control (C0, C1: ESC, CSI), format (bidi overrides, zero-width, BOM, tag
# characters) and surrogate code point: Unicode categories Cc, Cf and Cs (Unicode 14).
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


def one_line(text: str) -> str:
    """`text` as one line of visible characters: breaks become a space, the rest go."""
    return _INVISIBLE.sub("", _BREAKS.sub(" ", text))


class VisibleFormatter(logging.Formatter):
    """Log records as the CLI prints: the message one line of visible characters; a traceback
    keeps its lines, each made visible."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return one_line(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        return "\n".join(one_line(line) for line in super().formatException(ei).splitlines())

    def formatStack(self, stack_info: str) -> str:
        return "\n".join(one_line(line) for line in stack_info.splitlines())
