"""The topic's settings (`topic:` in feeds.yaml): two sides, the relation's terms, the weights."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from digest.editorial import topic_defaults as defaults
from digest.editorial.terms import term_regex
from digest.editorial.topic_languages import JAPANESE, KOREAN, LanguageTerms

__all__ = ["Side", "Terms", "TopicLanguages", "TopicSettings", "TopicWeights"]


def _check_terms(terms: tuple[str, ...]) -> tuple[str, ...]:
    # `term_regex` refuses a bad term with a ValueError that names it. Its result is compiled
    # only by the term matcher, after the first requests are out: it escapes every character,
    # so compiling it here (25 ms for the default terms, before the first request) found nothing.
    for term in terms:
        term_regex(term)
    return terms


Terms = Annotated[tuple[str, ...], AfterValidator(_check_terms)]

_TERMS_HELP = (
    " Terms are plain words or phrases. A trailing '*' matches any word ending ('abduct*' matches"
    " 'abductee'). A term written all in lower case matches in any case ('japan' matches 'JAPAN');"
    " a term with a capital letter matches exactly ('Abe' does not match 'abe'). A space matches"
    " spaces or hyphens, a hyphen matches a hyphen, a space or nothing."
)


class Side(BaseModel):
    """One party to the relation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="What the side is called in reports.")
    terms: Terms = Field(description="Names that mean this side." + _TERMS_HELP)
    voice: Terms = Field(
        default=(),
        description=(
            "Words that mark an item as written in this side's own voice (e.g. 'KCNA', 'Rodong"
            " Sinmun'); they also count as naming the side. When this side speaks and the other"
            " side is the subject of the headline, the item is about the relation." + _TERMS_HELP
        ),
    )


class TopicWeights(BaseModel):
    """Points each kind of evidence earns; an item is on topic when they reach the threshold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    headline_pair: float = Field(default=4.0, description="Both sides named in the headline.")
    lead_pair: float = Field(default=1.5, description="Both sides in one sentence of the lead.")
    pair_sentence: float = Field(default=1.0, description="Each sentence naming both sides.")
    relation_sentence: float = Field(
        default=1.0,
        description="Each sentence naming both sides (or a key term) and a relation term.",
    )
    key_mention: float = Field(default=1.0, description="Each key-term mention.")
    voice: float = Field(
        default=4.0, description="One side's voice with the other side the subject of the headline."
    )
    listed: float = Field(
        default=0.25,
        description="How much a side mention counts when it is one name in a list with others.",
    )
    targeted: float = Field(
        default=1.0,
        description="How much a listed side counts when the list is the target of the action"
        " ('alerts in South Korea and Japan', 'missiles to Japan, South Korea', 'Japan and South"
        " Korea on alert'): the side is then no mere participant.",
    )
    attributed: float = Field(
        default=0.5,
        description="How much a side mention counts when that side is only a news source.",
    )
    target: float = Field(
        default=1.0,
        description="Each sentence where one side's action (a relation term: missile, launch...)"
        " lands on or aims at the other, named as a place ('into the sea off Japan', 'toward"
        " Japan'), or the other is on its receiving end ('told Japan', 'Japan and South Korea on"
        " alert', 'condemned by Japan', 'Japan ... in response to'), when the headline's main"
        " clause names a side.",
    )
    landing: float = Field(
        default=3.0,
        description="Once, on top of `target`, when a launch (a `launch_terms` term) lands on or"
        " near one side, named as the place ('fell into the sea west of Hokkaido', 'flew over"
        " Okinawa'), and the headline's main clause names a side: that alone makes the item"
        " about the relation, from whichever angle it is written.",
    )
    cap: int = Field(
        default=5, ge=1, description="At most this many sentences count for each kind."
    )


class TopicLanguages(BaseModel):
    """The topic's terms in other languages than English, matched on morphemes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ja: LanguageTerms | None = Field(default=JAPANESE, description="Japanese terms.")
    ko: LanguageTerms | None = Field(default=KOREAN, description="Korean terms.")


class TopicSettings(BaseModel):
    """The topic: two sides and the relation between them; `topic:` in feeds.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(default="Japan–North Korea relations", description="The topic's name.")
    sides: tuple[Side, Side] = Field(
        default=(
            Side(name="Japan", terms=defaults.JAPAN),
            Side(name="North Korea", terms=defaults.NORTH_KOREA, voice=defaults.NORTH_KOREA_VOICE),
        ),
        description="The two parties to the relation.",
    )
    key_terms: Terms = Field(
        default=defaults.KEY_TERMS,
        description="Terms that name the relation by themselves; each counts as both sides."
        + _TERMS_HELP,
    )
    relation_terms: Terms = Field(
        default=defaults.RELATION_TERMS,
        description="What the sides do to each other (talks, missile, sanctions...); they count"
        " in a sentence that names both sides." + _TERMS_HELP,
    )
    launch_terms: Terms = Field(
        default=defaults.LAUNCH_TERMS,
        description="The relation terms that name a launch (missile, rocket, satellite...): such"
        " an action landing on or near one side earns `weights.landing`." + _TERMS_HELP,
    )
    others: Terms = Field(
        default=defaults.OTHERS,
        description="Third parties: a side named next to one of these ('the US, Japan and South"
        " Korea') is one name in a list and counts for little." + _TERMS_HELP,
    )
    attribution: Terms = Field(
        default=defaults.ATTRIBUTION,
        description="Reporting words ('said', 'according to'): a side right next to one is a news"
        " source and counts for less." + _TERMS_HELP,
    )
    exclude: Terms = Field(
        default=defaults.EXCLUDE,
        description="Phrases that are no evidence at all: side terms inside them are ignored"
        " ('Sea of Japan', 'anti-Japanese')." + _TERMS_HELP,
    )
    background: Terms = Field(
        default=defaults.BACKGROUND,
        description="Words that open a background clause in a headline ('amid', 'ahead of'):"
        " sides named only on different sides of one count half as a headline pair." + _TERMS_HELP,
    )
    sports: Terms = Field(
        default=defaults.SPORTS,
        description="Words of sports reports ('soccer', 'World Cup'): a headline with one and no"
        " relation term is about a game between the sides, not their relation; only sentences"
        " with a relation term then count." + _TERMS_HELP,
    )
    languages: TopicLanguages = Field(
        default=TopicLanguages(),
        description="The same topic in Japanese and Korean: each language's own terms for the"
        " sides and the relation (items in other languages use the English terms).",
    )
    weights: TopicWeights = Field(
        default=TopicWeights(), description="Points per kind of evidence."
    )
    threshold: float = Field(
        default=4.0,
        gt=0,
        description="Points an item needs to be on topic; score = points / (points + threshold).",
    )
