"""Where a dek (standfirst) without final punctuation runs into the article's first sentence.

Some feeds give a description as "standfirst + first paragraph" with nothing between them:
"Rocket went 1,000km, says South Korea, after ... spy plane flights North Korea fired a
ballistic missile ...". `split_dek` cuts such a paragraph where the two join, so the dek stands
alone (a fragment, never picked) and the sentence starts where it starts.

The join is a lower-case content word followed by the opening of a sentence: a capitalised
function word that only opens sentences ("The", "It", "In", "According"), or a capitalised name
followed by a verb ("North Korea fired", "Vladimir Putin has met"). Only inside the first
sentence, and never after a function word, a role noun or a verb of saying, which is where a
name follows inside a sentence ("said Japan's defence minister Yasukazu Hamada").
"""

from __future__ import annotations

import re

_FUNCTION_WORDS = """
    a an the of in on at to for from by with as into onto over under about after before
    and or but nor so yet if than that which who whom whose where when while because
    though although since during until between against among within without toward towards
    across is are was were be been being am has have had do does did will would shall
    should can could may might must not no his her its their our my your this these those
    he she it they we i you me him them us says said say tells told according including
    such very more most also just only even per via mr mrs ms dr new former then ex ruling
    state rival fellow one two three four five six seven eight nine ten first second third
    fourth fifth last next latest
"""
_FUNCTION = frozenset(_FUNCTION_WORDS.split())
# Nouns that stand before a name inside a sentence ("leader Kim Jong Un", "counterpart Xi").
_APPOSITIVE_WORDS = """
    minister president leader secretary spokesman spokeswoman spokesperson chief premier
    ambassador envoy general director chairman chairwoman chair governor mayor senator
    king queen prince princess emperor officer commander head editor correspondent founder
    ceo judge lawyer counterpart company firm group party series namesake agent star mogul
    analyst official daughter son wife husband mother father brother sister dictator
"""
_APPOSITIVE = frozenset(_APPOSITIVE_WORDS.split())
# Capitalised words that open sentences and are rarely capitalised inside one.
_OPENERS_WORDS = """
    The A An In On At After As When While For From By With It He She They We I This That
    These Those There Here But And According Since Before Although Though If Despite Amid
    Now Last Some Many Most More Until Over Under It’s It's There’s There's Here’s Here's
"""
_OPENERS = frozenset(_OPENERS_WORDS.split())
_ARTICLES = frozenset({"A", "An", "The"})
_TOKEN = re.compile(r"\S+")
_CAPITAL = re.compile(r"^[“\"‘']?[A-Z]")
_LOWER_WORD = re.compile(r"[a-z][a-z’'-]*[a-z]")
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]]*$")
# A full stop that ends an abbreviation, not the sentence ("Nov. 22", "U.S. forces", "Mr. Kim").
_ABBREVIATION = re.compile(
    r"^(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Rep|Sen"
    r"|Gov|Prof|St|No|Vol|vs|approx|est)\.$|^(?:[A-Za-z]\.){1,3}$"
)
_VERB = re.compile(r"^(?:has|have|had|was|were|is|are|will|would|said|says|[a-z]+ed)$")
_AUXILIARY = re.compile(r"^(?:has|have|had|was|were|is|are|will|would|said|says)$")
_NOT_AFTER = re.compile(r"(?:er|or|ist|ant|ed)$")  # role nouns and past tenses before a name
# Adverbs that only look like role nouns ("than ever North Korea has").
_ADVERBS_IN_ER = frozenset({"ever", "never", "together", "later", "earlier", "further", "rather"})
MIN_DEK_WORDS = 5
MIN_SENTENCE_WORDS = 6
RUN_ON_WORDS = 40  # a "sentence" this long that holds a join is a dek and a sentence
NAMED_DEK_WORDS = 8
NAMED_SENTENCE_WORDS = 15


def dek_join(paragraph: str) -> int | None:
    """The character offset where a dek runs into the first sentence, or None."""
    tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(paragraph)]
    end = next(
        (
            k + 1
            for k, (_, t) in enumerate(tokens)
            if _ENDS_SENTENCE.search(t) and not _ABBREVIATION.match(t)
        ),
        len(tokens),
    )
    for k in range(MIN_DEK_WORDS, end - MIN_SENTENCE_WORDS):
        left, right = tokens[k - 1][1], tokens[k][1]
        if not _LOWER_WORD.fullmatch(left) or left in _FUNCTION or left in _APPOSITIVE:
            continue
        if not _CAPITAL.match(right):
            continue
        word = right.strip("“\"‘'")
        if word in _OPENERS and (word not in _ARTICLES or _common_noun_phrase(tokens, k + 1)):
            return tokens[k][0]
        # A name opening the sentence is common inside one too ("Barcelona coach Luis Enrique
        # has"): only in a run-on far longer than a sentence, both halves long enough to stand.
        if (
            end >= RUN_ON_WORDS
            and k >= NAMED_DEK_WORDS
            and end - k >= NAMED_SENTENCE_WORDS
            and (left in _ADVERBS_IN_ER or not _NOT_AFTER.search(left))
            and _names_then_verb(tokens, k)
        ):
            return tokens[k][0]
    return None


def _common_noun_phrase(tokens: list[tuple[int, str]], k: int) -> bool:
    """After an article: a lower-case word, or one name then one ("The Japanese delegation"),
    not a title in capitals ("The Late Show")."""
    first = tokens[k][1]
    if not _CAPITAL.match(first):
        return True
    following = tokens[k + 1][1] if k + 1 < len(tokens) else ""
    return bool(_LOWER_WORD.match(following)) and following not in _FUNCTION


def _names_then_verb(tokens: list[tuple[int, str]], k: int) -> bool:
    """At `k`: two or more capitalised words, then a verb ("North Korea fired"), or then one
    plain noun and a verb ("North Korean media has")."""
    run = k
    while run < len(tokens) and _CAPITAL.match(tokens[run][1]):
        if tokens[run][1].endswith((",", ".", ":", ";")):
            return False
        run += 1
    if run - k < 2 or run >= len(tokens):
        return False
    if tokens[run - 1][1].endswith(("’s", "'s")):
        return False
    if _VERB.match(tokens[run][1]):
        return True
    noun, after = tokens[run][1], tokens[run + 1][1] if run + 1 < len(tokens) else ""
    return (
        bool(_LOWER_WORD.fullmatch(noun))
        and noun not in _FUNCTION
        and not _VERB.match(noun)
        and bool(_AUXILIARY.match(after))
    )


def split_dek(paragraph: str) -> list[str]:
    """The paragraph as [dek, rest] when a dek runs into it, else [paragraph]."""
    cut = dek_join(paragraph)
    if cut is None:
        return [paragraph]
    return [paragraph[:cut].rstrip(), paragraph[cut:]]
