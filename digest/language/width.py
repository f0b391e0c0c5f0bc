"""Display width and line wrapping for terminals: East Asian wide characters take two cells.

wcwidth measures (cells per grapheme cluster, so a family emoji or a Hangul syllable built of jamo
is one unit). Lines break at spaces, and between two Japanese or Chinese characters (those
scripts have no spaces) where a word ends: a run with kana is cut only between its morphemes
(Sudachi, loaded only when such a run is wrapped), so 抗議 or ミサイル stay whole. Never inside
an English or Korean word (Korean is written with spaces between words) nor inside a grapheme
cluster; closing marks (、。」』）！？) never start a line and opening ones (「『（) never end
one. A word longer than the line (a link) is not cut.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from wcwidth import iter_graphemes, width

from digest.language.morphemes import morphemes

__all__ = ["display_width", "wrap_display"]

# Characters after which and before which a line may break, with no space: ideographs and kana.
_BREAKABLE_RANGES = (
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x31F0, 0x31FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),  # half-width katakana
    (0x20000, 0x3FFFF),
)
# Closing and middle marks: never at the start of a line (kinsoku).
_NO_START = frozenset(
    "、。，．・：；？！ー～…‥」』）］｝〕〉》】〙〗〟’”ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.!?:;)]}%"
)
# Opening marks: never at the end of a line.
_NO_END = frozenset("「『（［｛〔〈《【〘〖〝‘“([{")


def display_width(text: str) -> int:
    """Terminal cells `text` takes (wide characters count two, combining marks none)."""
    return int(width(text))


def _breakable(cluster: str) -> bool:
    code = ord(cluster[0])
    if any(lo <= code <= hi for lo, hi in _BREAKABLE_RANGES):
        return True
    return unicodedata.east_asian_width(cluster[0]) in ("W", "F") and not cluster[0].isalnum()


_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_UNSPACED_RUN = re.compile(
    r"[\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffー]+"
)


def _inside_words(text: str) -> frozenset[int]:
    """Offsets in `text` that fall inside a Japanese word (no line may break there)."""
    inside: set[int] = set()
    for run in _UNSPACED_RUN.finditer(text):
        if len(run.group()) < 2 or not _KANA.search(run.group()):
            continue  # kanji alone may be Chinese or Korean Hanja: broken anywhere, as before
        ends = {run.start() + m.end for m in morphemes(run.group(), "ja")}
        inside.update(k for k in range(run.start() + 1, run.end()) if k not in ends)
    return frozenset(inside)


def _atoms(text: str) -> Iterator[tuple[bool, str]]:
    """(space before, atom): the pieces a line may not split, in order."""
    space = False
    word = ""
    glue = False  # the atom being built must stay with the next cluster (an opening mark)
    inside = _inside_words(text) if _KANA.search(text) else frozenset()
    offset = 0
    for cluster in iter_graphemes(text):
        at, offset = offset, offset + len(cluster)
        if cluster.isspace():
            if word:
                yield space, word
                word, glue = "", False
            space = True
            continue
        joined = glue or cluster in _NO_START or at in inside
        if word and not joined and (_breakable(cluster) or _breakable(word[-1])):
            yield space, word
            word, space = "", False
        word += cluster
        glue = cluster in _NO_END
    if word:
        yield space, word


def wrap_display(
    text: str, columns: int, *, initial_indent: str = "", subsequent_indent: str = ""
) -> list[str]:
    """`text` (whitespace collapsed) as lines of at most `columns` cells, indents included."""
    lines: list[str] = []
    line, used = initial_indent, display_width(initial_indent)
    fresh = True  # nothing on the line but its indent
    for space, atom in _atoms(text):
        need = display_width(atom) + (1 if space and not fresh else 0)
        if not fresh and used + need > columns:
            lines.append(line)
            line, used, fresh = subsequent_indent, display_width(subsequent_indent), True
        if not fresh and space:
            line, used = line + " ", used + 1
        # a word longer than the line (a long link) stands alone on its line, uncut
        line, used, fresh = line + atom, used + display_width(atom), False
    if not fresh or not lines:
        lines.append(line)
    return [ln.rstrip() for ln in lines]
