"""Moved to `digest.language.captions` (one caption detector for every stage).

Only `editorial/relevance.py` still imports it from here; switch that import and delete this.
"""

from __future__ import annotations

from digest.language.captions import drop_captions, is_caption

__all__ = ["drop_captions", "is_caption"]
