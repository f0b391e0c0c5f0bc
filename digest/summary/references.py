"""Sentences whose opening leans on something said before them.

A summary or a brief shows sentences out of their place, so one that opens by pointing back ("He
said", "But", "This", "The two-day meeting") reads as if a sentence were missing. These checks
are on the sentence's shape alone; `leans_on_context` also takes the words already shown (the
headline, the sentences before it), so "The missile flew 1,000 km" is fine under a headline
about a missile launch and dangling without one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# Pronouns, demonstratives and connectives that point back when they open a sentence.
_POINTING_WORDS = (
    "he she it they him her his its their them this that these those such "
    "but and or so also however meanwhile still yet then thus instead otherwise "
    "there here which nonetheless nevertheless moreover furthermore besides likewise "
    "similarly hence therefore indeed plus again regardless additionally separately "
    "afterwards subsequently consequently accordingly"
)
POINTING_OPENERS = frozenset(_POINTING_WORDS.split())
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# "It is unclear whether", "It has been reported that": "it" points forward, not back.
_EXPLETIVE_IT = re.compile(
    r"^It(?:'s|’s| is| was| has been| had been| will be| would be| remains| remained| seems"
    r"| seemed| appears| appeared)\b(?:(?!\.).)*?\b(?:that|to|whether|when|how|why|what|if)\b"
)
_EXPLETIVE_THERE = re.compile(r"^There (?:is|are|was|were|has been|have been|will be)\b")
# "It has been 13 years since", "It was 1998 when": "it" stands for a span of time.
_TEMPORAL_IT = re.compile(
    r"^It(?:'s|’s| is| was| has been| had been)\s+(?:(?:more than|nearly|almost|about|over|"
    r"exactly|just|only)\s+)?(?:a|an|\d[\d,]*|\w+)\s+(?:years?|months?|weeks?|days?|decades?)"
    r"\s+(?:since|ago|after|before)\b"
)
# "This week, ...", "That night ...": a demonstrative of time counts from the report's own date.
_DEICTIC_TIME = re.compile(
    r"^(?:This|That|These|Those) (?:week|weekend|month|year|morning|afternoon|evening|night|"
    r"spring|summer|autumn|fall|winter|time|past|coming)\b"
)
# "... hope this interaction would lead": a demonstrative noun phrase inside the sentence names
# something said before it; only a line shown on its own is held to that.
_INNER_POINTER = re.compile(
    r"\b(?:this|these|those|such)\s+(?!(?:week|weekend|month|year|morning|afternoon|evening|"
    r"night|spring|summer|autumn|fall|winter|time|century|decade|season)s?\b)[a-z][a-z-]+"
)
# Openings of several words that connect to what came before ("In response", "As a result").
_POINTING_PHRASE = re.compile(
    r"^(?:In (?:addition|response|turn|contrast|return|that case|the meantime)|As a result"
    r"|At the same time|On the other hand|Even so|After that|Despite (?:this|that|it)"
    r"|For (?:his|her|its|their) part|Apart from (?:this|that)|Along with (?:this|that)"
    r"|(?:Both|Neither|Another|The latter|The former)(?= [a-z]))\b"
)
# "This after the nation promised ...", "This as talks stall": a demonstrative with no verb,
# standing for the sentence before it. It does not stand even next to that sentence.
_VERBLESS_POINTER = re.compile(
    r"^(?:This|That|All this|All of this)(?:,)? (?:after|as|amid|while|despite|following|"
    r"even as|just|only|before)\b(?! (?:is|was|has|had|will|would|"
    r"comes?|came)\b)(?:(?!\b(?:is|was|were|are|has|had|comes?|came|follows?|followed|marks?|"
    r"marked)\b).)*$"
)
# "Speaking to reporters, he said": a pronoun subject after an opening phrase.
_LATE_PRONOUN = re.compile(r"^[^,;:]{2,60},\s+(?:he|she|they|it)\s+[a-z]")
# "responded to it yet.", "commented on that point": an object that points back.
_BARE_OBJECT = re.compile(
    r"\b(?:to|on|about|of|for|with|against|over|at)\s+(?:it|them|this|that)\b"
    r"(?=\s*(?:[.,;:!?]|yet\b|either\b|too\b|again\b|now\b|$))"
    r"|\b(?:on|to|about)\s+(?:that|this)\s+(?:point|issue|matter|question)\b"
)
# "Defence minister also ordered": "also" before the verb adds to something said before.
_EARLY_ALSO = re.compile(r"^(?:\S+\s+){1,4}also\s+[a-z]")
# Words that end a definite description's opening ("The move came", "The two-day meeting was").
_STOP_WORDS = """
    is are was were be been being has have had do does did will would shall should can
    could may might must not of in on at to for from by with as into over under about
    after before and or but than that which who whom whose where when while said says say
    told according also said
"""
_STOP = frozenset(_STOP_WORDS.split())
# Determiners and quantifiers after "The" that do not name the thing ("The first", "The two").
_WEAK_WORDS = """
    first second third last latest next new same other former two three
"""
_WEAK = frozenset(_WEAK_WORDS.split())


def _first_word(sentence: str) -> re.Match[str] | None:
    match = _WORD.search(sentence)
    return match if match is not None and match.start() < 3 else None


def opens_with_pointer(sentence: str) -> bool:
    """Opens with a pronoun, demonstrative or connective that points back ("He", "But", "This"),
    or has a pronoun object with nothing to stand for ("Japan has not responded to it yet")."""
    match = _first_word(sentence)
    if match is None:
        return False
    text = sentence[match.start() :]
    if _POINTING_PHRASE.match(text) or _VERBLESS_POINTER.match(text):
        return True
    if _DEICTIC_TIME.match(text) or _TEMPORAL_IT.match(text):
        return False
    if match.group(0).lower() not in POINTING_OPENERS:
        return bool(
            _LATE_PRONOUN.match(sentence)
            or _BARE_OBJECT.search(sentence)
            or _EARLY_ALSO.match(sentence)
        )
    return not (_EXPLETIVE_IT.match(text) or _EXPLETIVE_THERE.match(text))


def is_verbless_pointer(sentence: str) -> bool:
    """A demonstrative with no verb standing for the sentence before it ("This after the
    nation promised 'shocking' consequences."): a fragment, even right after that sentence."""
    match = _first_word(sentence)
    return match is not None and bool(_VERBLESS_POINTER.match(sentence[match.start() :]))


def definite_opening(sentence: str) -> tuple[str, ...]:
    """The words of an opening "The <common noun phrase>", or () when it opens otherwise.

    "The United States", "The Japanese government" (a name) and "The head of the agency" (defined
    by what follows) are not references back and give ().
    """
    match = _first_word(sentence)
    if match is None or match.group(0) != "The":
        return ()
    words = _WORD.findall(sentence[match.end() : match.end() + 80])
    phrase: list[str] = []
    for word in words[:4]:
        if word[:1].isupper() and not phrase:
            return ()  # a name: "The United States", "The Japanese government"
        if word.lower() in _STOP or not word[:1].islower():
            break
        phrase.append(word.lower())
    rest = words[len(phrase) : len(phrase) + 1]
    if not phrase or (rest and rest[0].lower() == "of"):
        return ()  # "The head of the agency" is defined by what follows
    named = tuple(w for w in phrase if w not in _WEAK)
    return named or tuple(phrase)


def _stems(words: Iterable[str]) -> set[str]:
    return {_stem(w.lower()) for w in words}


def _stem(word: str) -> str:
    for suffix in ("ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def leans_on_context(sentence: str, context: Iterable[str] = ()) -> bool:
    """Does the sentence need something before it that `context` (what the reader has already
    seen: a headline, earlier sentences) does not give?"""
    if opens_with_pointer(sentence):
        return True
    phrase = definite_opening(sentence)
    if not phrase:
        return False
    seen = _stems(w for text in context for w in _WORD.findall(text))
    return _stems(phrase).isdisjoint(seen)


def dangles(sentence: str, shown_before: Sequence[str], sources: Sequence[str] = ()) -> bool:
    """Does `sentence`, shown after `shown_before` (a headline, then the sentences before it;
    nothing for a line that stands alone), lean on something the reader was not given? The one
    general definition, for any summary or brief line however it was made.

    A sentence may lean on the one shown right before it when it follows that sentence in one of
    its `sources` (the texts it was taken from). A definite description opening a source is its
    writer's first mention ("The search for the missing artist ..."), fine under its headline.
    A verbless "This after ..." never stands, a line on its own may not name anything as
    "this interaction" or "these talks", and a person its source named in full before it ("Masao
    Okonogi") may not come by one name ("echoed Okonogi's views") unless the full name was shown.
    """
    if is_verbless_pointer(sentence) or (not shown_before and _INNER_POINTER.search(sentence)):
        return True
    flat = [" ".join(text.split()) for text in sources]
    if shown_before and any(f"{shown_before[-1]} {sentence}" in text for text in flat):
        return False
    if opens_with_pointer(sentence) or _names_unmet(sentence, shown_before, flat):
        return True
    if definite_opening(sentence) and any(_opens(text, sentence) for text in flat):
        return False
    return leans_on_context(sentence, shown_before)


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s")


def _names_unmet(sentence: str, shown_before: Sequence[str], sources: Sequence[str]) -> bool:
    for text in sources:
        at = text.find(sentence)
        if at > 0:
            needed = unmet_names(sentence, full_names(text[:at]))
            return not names_met(needed, shown_before)
    return False


def _opens(text: str, sentence: str) -> bool:
    """Is `sentence` the first sentence of `text` (after any dateline or heading words)?"""
    at = text.find(sentence)
    return at >= 0 and not _SENTENCE_END.search(text[:at])


# -- second references to people -------------------------------------------------------------
# A person named in full once ("Masao Okonogi", "Choi Sung-yong") and by one name after that:
# "echoed Okonogi's views", "Choi was quoted" read as if a sentence were missing when the full
# name is not shown. Only a surname that speaks or owns something counts (a place or a body,
# "the North said", is not a person's second reference).
_NAME_WORD = r"[A-Z][a-z]+(?:-[a-z]+)?"
_FULL_NAME = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}\b")
_SPEAKS = (
    r"said|says|told|added|replied|noted|echoed|argued|stressed|explained|insisted|warned|wrote"
    r"|asked|agreed|urged|called|claimed|believes|believed|thinks|thought|was quoted|is quoted"
)
_BARE_NAME = re.compile(rf"\b({_NAME_WORD})(?=['’]s\b|\s+(?:{_SPEAKS})\b)")
_NOT_SURNAMES = """
    The This That He She It They We North South Korea Japan China Seoul Tokyo Pyongyang
    Beijing Washington Moscow President Minister Secretary Premier Leader Chairman Mr Mrs Ms
    Dr Prof General Government Ministry Agency Party Army Navy Police Court
"""
_NOT_A_SURNAME = frozenset(_NOT_SURNAMES.split())


def full_names(text: str) -> dict[str, str]:
    """Each one-word name in `text`'s full names ("Masao Okonogi": both words) -> that name."""
    names: dict[str, str] = {}
    for match in _FULL_NAME.finditer(text):
        for word in match.group(0).split():
            names.setdefault(word, match.group(0))
    return names


def unmet_names(sentence: str, earlier: dict[str, str]) -> frozenset[str]:
    """Full names (from `earlier`, what `full_names` found before the sentence in its own text)
    that `sentence` refers to by one bare name: the reader must have met them first."""
    needed: set[str] = set()
    for match in _BARE_NAME.finditer(sentence):
        word = match.group(1)
        full = earlier.get(word)
        if full is None or word in _NOT_A_SURNAME:
            continue
        before = sentence[: match.start()].rstrip()
        previous = before.rsplit(None, 1)[-1] if before else ""
        if previous[:1].isupper() or previous.lower() == "the":
            continue  # part of a longer name here, or "the Agency's"
        after = sentence[match.end() :].lstrip()
        if after[:1].isupper() and not after.startswith(("I ", "I'")):
            continue  # "Okonogi Masao" order: a full name in the sentence itself
        if full not in sentence:
            needed.add(full)
    return frozenset(needed)


def names_met(needed: frozenset[str], shown: Iterable[str]) -> bool:
    """Has every full name in `needed` been shown (in a headline or an earlier sentence)?"""
    if not needed:
        return True
    seen = " ".join(shown)
    return all(name in seen for name in needed)
