"""Language analysis below the stages: detection, scripts and display width, sentences, morphemes,
and photo captions (one detector for grouping, relevance and summaries).

Pure functions (no I/O but loading the analysers' packaged models, lazily): stages import this
package, it imports no stage. English needs none of the analysers; SudachiPy (Japanese) and Kiwi
(Korean) load the first time a Japanese or Korean text is analysed.
"""

from __future__ import annotations

from digest.language.detect import SUPPORTED, detect_language, normalise_code
from digest.language.width import display_width, wrap_display

__all__ = ["SUPPORTED", "detect_language", "display_width", "normalise_code", "wrap_display"]
