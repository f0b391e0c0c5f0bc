"""Language analysis below the stages: detection, scripts and display width, sentences, morphemes,
and photo captions (one detector for grouping, relevance and summaries).

Pure functions (no I/O but loading the analysers' packaged models, lazily): stages import this
package, it imports no stage. English needs none of the analysers; SudachiPy (Japanese) and Kiwi
(Korean) load the first time a Japanese or Korean text is analysed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digest.language.detect import SUPPORTED, detect_language, normalise_code
    from digest.language.width import display_width, wrap_display

__all__ = ["SUPPORTED", "detect_language", "display_width", "normalise_code", "wrap_display"]

# Where each name lives, imported on first use: the config's language check needs `detect`
# before the first request, not `width` (wcwidth's tables).
_HOME = dict.fromkeys(("SUPPORTED", "detect_language", "normalise_code"), "detect")
_HOME |= dict.fromkeys(("display_width", "wrap_display"), "width")


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
